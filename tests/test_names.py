"""timeline.names: an actor found from a name in Cyrillic or any common romanisation, everywhere a name is taken."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import run
from timeline import names
from timeline.model import Actor, Store


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Жапаров", "Zhaparov"),  # Cyrillic -> the BGN/Wikipedia romanisation
        ("Жапаров", "Japarov"),  # -> the French/Kyrgyz-style one
        ("Dzhaparov", "Japarov"),  # the Russian spelling Джапаров, romanised
        ("Джапаров", "Zhaparov"),
        ("Кулубаев", "Kulubaev"),
        ("Kulubayev", "Kulubaev"),  # y between vowels (BGN) against none (ICAO)
        ("Жээнбек Кулубаев", "Jeenbek Kulubaev"),
        ("Yuriy", "Юрий"),
        ("Il'ich", "Ilich"),
    ],
)
def test_spellings_of_one_name_share_a_key(typed, stored):
    """Two spellings of one name in different scripts or romanisations meet on some key."""
    assert names.keys(typed) & names.keys(stored)


@pytest.mark.parametrize(
    ("a", "b"), [("Japarov", "Kulubaev"), ("Sadyr", "Sadr"), ("Blinken", "Blinkin"), ("Ivanov", "Ivanova")]
)
def test_different_names_do_not_meet(a, b):
    """Transliteration does not make unrelated or merely similar names equal."""
    assert not names.keys(a) & names.keys(b)


def test_exact_match_wins_over_a_transliteration():
    """An exact (folded) match is returned first, marked as not transliterated."""
    assert names.match("zhaparov", ["Japarov", "Zhaparov"]) == ("Zhaparov", False)
    assert names.match("Жапаров", ["Japarov", "Sadyr"]) == ("Japarov", True)
    assert names.match("Petrov", ["Japarov"]) is None


def test_latin_names_need_no_library():
    """A Latin spelling has no romanisations, so folding it never imports the libraries."""
    assert names.romanisations("Lesslie Viguerie") == frozenset()
    assert names.romanisations("Žumabaeva") == frozenset()  # accents fold away; nothing to transliterate


def test_kyrgyz_letters_are_romanised_too():
    """Letters the Russian standards lack (ң ө ү) still come out Latin."""
    assert "omurbek" in names.keys("Өмүрбек")


def test_completion_prefix_in_another_script():
    """`begins` finds a name from the first letters typed in Cyrillic."""
    assert names.begins("Жап", ["Sadyr Japarov"])
    assert names.begins("Кулу", ["Jeenbek Kulubaev"])
    assert not names.begins("Кулу", ["Sadyr Japarov"])


# ---- wherever an actor name is accepted ----------------------------------------------------


@pytest.mark.parametrize("typed", ["Жапаров", "Dzhaparov", "Джапаров", "Садыр Жапаров"])
def test_list_actor_in_any_script(bundled, capsys, typed):
    """`list --actor` finds Japarov's seven events from Cyrillic and Russian-style romanisations."""
    code, out, err = run(capsys, "list", "--actor", typed, "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)) == 7


def test_explain_says_which_spelling_matched(bundled, capsys):
    """--explain names the typed spelling and the stored one it is a spelling of."""
    code, out, _ = run(capsys, "list", "actor:Кулубаев", "--explain", "--format", "plain", "--width", "200")
    assert code == 0
    assert "Matched: kulubaev (as 'Кулубаев', a spelling of 'Kulubayev') took part" in out
    code, out, _ = run(capsys, "list", "--actor", "kulubaev", "--explain", "--format", "plain", "--width", "200")
    assert "Matched: kulubaev took part" in out


def test_unknown_cyrillic_name_suggests_the_closest(bundled, capsys):
    """A misspelt Cyrillic name is an error whose hint names the romanised actor."""
    code, _, err = run(capsys, "list", "--actor", "Жапаровв")
    assert code == 2
    assert "did you mean 'japarov'" in err


def test_add_takes_actors_in_any_script(bundled, capsys):
    """`add --actor Кулубаев --actor Dzhaparov` writes the actors' ids."""
    code, out, err = run(
        capsys, "add", "--date", "2024-02-20", "--title", "A call", "--actor", "Кулубаев", "--actor", "Dzhaparov", "-n"
    )
    assert code == 0, err
    assert 'actors = ["kulubaev", "japarov"]' in out


def test_a_spelling_shared_by_two_actors_is_ambiguous(tmp_path, capsys):
    """When a transliteration fits two actors, `add` asks for the id instead of guessing."""
    (tmp_path / "events.toml").write_text(
        '[actors.a]\nname = "Zhaparov"\n[actors.b]\nname = "Japarov"\n', encoding="utf-8"
    )
    code, _, err = run(capsys, "add", "--date", "2024-02-20", "--title", "x", "--actor", "Жапаров", "-n")
    assert code == 2
    assert "actor 'Жапаров' could be any of: a (Zhaparov), b (Japarov); give the id" in err


def test_completion_offers_actors_from_cyrillic(bundled):
    """Completing `--actor Жап` offers japarov."""
    from timeline.cli.common import complete_actors

    assert complete_actors("Жап") == ["japarov"]
    assert complete_actors("kul") == ["kulubaev"]


def test_actor_ids_prefers_exact_names():
    """With an exact match for one actor, a transliterated match for another is not added."""
    from timeline.query.resolve import actor_matches

    s = Store("x", (), actors={"a": Actor("a", "Zhaparov"), "b": Actor("b", "Japarov")})
    assert actor_matches(s, "japarov") == {"b": None}
    assert actor_matches(s, "Жапаров") == {"a": "Zhaparov", "b": "Japarov"}
