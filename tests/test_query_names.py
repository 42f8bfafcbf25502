"""A value that names nothing in the store is a usage error with a suggestion, in every field, flag or term."""

from __future__ import annotations

import pytest

from tests.test_cli import run
from timeline.query import names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--tag", "foriegn-agents-bill"),
            "--tag foriegn-agents-bill: no tag 'foriegn-agents-bill' in the store; "
            "did you mean 'foreign-agents-bill'? (see 'timeline tags')",
        ),
        (
            ("tag:foriegn-agents-bill",),
            "tag:foriegn-agents-bill: no tag 'foriegn-agents-bill' in the store; "
            "did you mean 'foreign-agents-bill'? (see 'timeline tags')",
        ),
        (("--source", "tas"), "--source tas: no source 'tas' in the store; did you mean 'tass'?"),
        (("source:tas",), "source:tas: no source 'tas' in the store; did you mean 'tass'?"),
        (("--type", "meting"), "--type meting: no type 'meting' in the store; did you mean 'meeting'?"),
        (("type:nosuch",), "type:nosuch: no type 'nosuch' in the store; types in the store: meeting, publication"),
        (("id:law-signd",), "id:law-signd: no event id 'law-signd' in the store; did you mean 'law-signed'?"),
        (("not:tag:nosuch",), "not:tag:nosuch: no tag 'nosuch' in the store"),
        (("tag:trade", "or", "tag:trad3"), "tag:trad3: no tag 'trad3' in the store; did you mean 'trade'?"),
    ],
)
def test_unknown_values_are_usage_errors_in_list(bundled, capsys, args, message):
    """Tags, sources, types and ids that name nothing: exit 2, the closest names, as --actor nobdy does."""
    code, out, err = run(capsys, "list", *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"timeline: error: {message}"), err


def test_unknown_tag_in_stats_is_a_usage_error(bundled, capsys):
    """stats filters the same way: a misspelt tag is refused, not counted as zero events."""
    code, _, err = run(capsys, "stats", "--tag", "foriegn-agents-bill")
    assert code == 2 and "did you mean 'foreign-agents-bill'?" in err


def test_known_values_match_in_any_case(bundled, capsys):
    """Known values still match ignoring case and accents, by id or by name for sources."""
    for args in (("--tag", "Foreign-Agents-Bill"), ("--source", "TASS"), ("source:24.kg",), ("--type", "Law")):
        code, out, err = run(capsys, "list", "--format", "json", *args)
        assert code == 0 and out.startswith("[\n"), (args, err)


def test_a_tag_outside_the_index_candidates_is_still_known(tmp_path, capsys, monkeypatch):
    """When the cache's index answers with only some events, a tag the rest of the store has is not 'unknown'."""
    from timeline import cache

    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    (tmp_path / "events.toml").write_text(
        '[actors.a]\nname = "A"\n[actors.b]\nname = "B"\n'
        '[[events]]\nid = "one"\ndate = "2024-01-01"\ntitle = "One"\nactors = ["a"]\ntags = ["x"]\n'
        '[[events]]\nid = "two"\ndate = "2024-01-02"\ntitle = "Two"\nactors = ["b"]\ntags = ["y"]\n',
        encoding="utf-8",
    )
    assert run(capsys, "list", "--format", "json")[0] == 0  # writes the cache and its index
    code, out, err = run(capsys, "list", "--actor", "a", "--tag", "y", "--format", "json")
    assert (code, out) == (0, "[]\n"), err
    assert run(capsys, "list", "--actor", "a", "--tag", "z")[0] == 2


def test_ranked_keeps_zero_counts_and_first_use_order():
    """Values never used are listed after the used ones, not dropped (Counter addition would drop them)."""
    assert names.ranked(["b", "c", "b"], ["a", "b", "c", "d"]) == ["b", "c", "a", "d"]
    assert names.ranked([], ["a", "b"]) == ["a", "b"]


def test_lookalike_only_for_close_new_values():
    """A new value close to a known one is a look-alike; a known one or a clearly new one is not."""
    known = ["foreign-agents-bill", "trade"]
    assert names.lookalike("foriegn-agents-bill", known) == "did you mean 'foreign-agents-bill'?"
    assert names.lookalike("Foreign-Agents-Bill", known) is None
    assert names.lookalike("elections", known) is None


def test_add_refuses_a_look_alike_tag_or_type_unless_allowed(bundled, capsys):
    """add: a new tag or type that looks like a known one is exit 2 with the suggestion; --allow-new keeps it."""
    before = bundled.read_bytes()
    base = ("add", "--date", "2024-05", "--title", "Later", "--source", "tass")
    code, _, err = run(capsys, *base, "--tag", "foriegn-agents-bill", "--type", "meting")
    assert code == 2 and bundled.read_bytes() == before
    assert "--type: 'meting' is not a type in the store; did you mean 'meeting'?" in err
    assert "--tag: 'foriegn-agents-bill' is not a tag in the store; did you mean 'foreign-agents-bill'?" in err
    assert run(capsys, *base, "--tag", "elections", "--type", "election")[0] == 0  # clearly new: fine
    code, out, _ = run(capsys, *base, "--tag", "foriegn-agents-bill", "--id", "kept", "--allow-new")
    assert (code, out) == (0, "kept\n")
