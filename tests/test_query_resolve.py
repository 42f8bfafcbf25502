"""One resolution of actor names: exact id, then exact name or alias, then folded; the same in every command."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import DATA
from tests.test_cli import run
from timeline import store
from timeline.query.resolve import Ambiguous, Names, Unknown, resolve_actor

JAPAN = DATA / "names" / "japan.toml"
AMBIGUOUS = "actor 'John Smith' could be any of: smith (John Smith), smith-2 (John Smith); give the id"


@pytest.fixture
def names_store(tmp_path):
    """A copy of the colliding-names store as events.toml."""
    target = tmp_path / "events.toml"
    shutil.copy(JAPAN, target)
    return target


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("japan", "japan"),  # an id, exactly: tier 1
        ("Japan", "japan-9"),  # a name, exactly: tier 2 beats the folded id `japan`
        ("Nippon", "japan-9"),  # an alias, exactly
        ("NIPPON", "japan-9"),  # folded: tier 3
        ("business (japan)", "japan"),
        ("Recep Tayyip Erdogan", "erdogan"),  # accents folded
        ("  Japan ", "japan-9"),
    ],
)
def test_tiers_decide(typed, expected):
    """The first tier with a match decides: id, then exact name or alias, then case and accents ignored."""
    assert resolve_actor(store.load(JAPAN), typed) == expected


def test_two_people_with_one_name_are_ambiguous_not_merged():
    """A name two actors share is an error listing both ids, never a guess."""
    with pytest.raises(Ambiguous) as e:
        resolve_actor(store.load(JAPAN), "John Smith")
    assert str(e.value) == AMBIGUOUS


def test_unknown_names_the_closest():
    """A name nothing has says so and names the closest actor."""
    with pytest.raises(Unknown, match=r"unknown actor 'Japn'; closest: japan"):
        resolve_actor(store.load(JAPAN), "Japn")


def test_clashes_name_what_a_new_entry_would_collide_with():
    """A new entry's id or names that fold to an existing one are clashes."""
    names = Names("actor")
    names.add("japan", "Business (Japan)")
    assert names.clashes("japan-2", "Japan") == ["japan"]
    assert names.clashes("china", "China") == []


def test_list_actor_means_the_exact_name(names_store, capsys):
    """`list --actor Japan` keeps the country's events, not the businesses' (whose id is `japan`)."""
    code, out, err = run(capsys, "list", "--actor", "Japan", "--format", "json")
    assert code == 0, err
    assert [e["id"] for e in json.loads(out)] == ["state-visit"]
    code, out, _ = run(capsys, "list", "--actor", "japan", "--format", "json")
    assert [e["id"] for e in json.loads(out)] == ["business-talks"]


def test_actors_show_means_the_exact_name(names_store, capsys):
    """`actors show Japan` shows the country."""
    code, out, _ = run(capsys, "actors", "show", "Japan")
    assert code == 0 and out.startswith("Japan\nid: japan-9\n")


def test_add_means_the_exact_name(names_store, capsys):
    """`add --actor Japan` records japan-9."""
    code, out, err = run(capsys, "add", "--date", "2024-02-01", "--title", "T", "--actor", "Japan", "--dry-run")
    assert code == 0, err
    assert 'actors = ["japan-9"]' in out


def test_import_means_the_exact_name(names_store, capsys):
    """An imported row naming Japan gets japan-9 (it was refused as ambiguous before)."""
    (names_store.parent / "rows.csv").write_text("date,title,actors\n2024-02-02,Row,Japan\n", encoding="utf-8")
    code, out, err = run(capsys, "import", "rows.csv", "--dry-run")
    assert code == 0, err
    assert 'actors = ["japan-9"]' in out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("list", "--actor", "John Smith"), 2),
        (("list", "actor:'John Smith'"), 2),
        (("actors", "show", "John Smith"), 2),
        (("add", "--date", "2024-02-01", "--title", "T", "--actor", "John Smith"), 2),
        (("import", "rows.csv"), 1),
    ],
)
def test_an_ambiguous_name_is_the_same_error_everywhere(names_store, capsys, args, code):
    """Every command refuses 'John Smith' with the same words, listing both ids; the store is unchanged."""
    (names_store.parent / "rows.csv").write_text("date,title,actors\n2024-02-02,Row,John Smith\n", encoding="utf-8")
    before = names_store.read_bytes()
    got, out, err = run(capsys, *args)
    assert (got, out) == (code, "")
    assert AMBIGUOUS in err
    assert names_store.read_bytes() == before
