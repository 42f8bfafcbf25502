"""`timeline list` with offices, query terms, time relations and --explain, on the bundled store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.test_cli import run

MINISTERS = Path(__file__).parent / "data" / "offices" / "ministers.toml"


def listed(capsys, *args: str) -> list[str]:
    code, out, err = run(capsys, "list", "--format", "json", *args)
    assert code == 0, err
    return [e["id"] for e in json.loads(out)]


def test_foreign_minister_in_bundled_store(bundled, capsys):
    """The office finds Kulubaev's 9 Feb 2024 meeting and the day the office changed hands, nothing else."""
    assert listed(capsys, "--actor", "foreign minister") == ["foreign-minister-change", "reply-handed-over"]


def test_query_term_equals_flag(bundled, capsys):
    """actor:"foreign minister" as a term gives what --actor gives."""
    assert listed(capsys, 'actor:"foreign minister"') == listed(capsys, "--actor", "foreign minister")


def test_negation_and_since_narrow(tmp_path, capsys):
    """The issue's example query drops the trade-tagged event and everything before 2022-06."""
    shutil.copy(MINISTERS, tmp_path / "events.toml")
    assert listed(capsys, "actor:ambassador not:tag:trade since:2022-06") == ["kul-2023"]
    assert listed(capsys, "actor:ambassador", "since:2022-06") == ["kul-2023", "kg-envoy"]


def test_between_letter_and_law(bundled, capsys):
    """Everything after Blinken's letter and before the signing, in timeline order."""
    got = listed(capsys, "between:blinken-letter,law-signed")
    assert got == ["japarov-statement", "letter-published", "reply-handed-over", "reply-published", "third-reading"]


def test_or_across_fields(bundled, capsys):
    """`type:law or tag:personnel` keeps either kind."""
    got = listed(capsys, "type:law", "or", "tag:personnel")
    assert got == ["foreign-minister-change", "ambassador-credentials", "law-signed"]


def test_words_and_phrases_search_title_and_summary(bundled, capsys):
    """A quoted phrase must appear whole; several words all must match; `or` widens."""
    assert listed(capsys, '"rare-earth metals"') == ["reply-handed-over"]
    assert listed(capsys, "credentials", "third") == []
    assert set(listed(capsys, "credentials", "or", "third")) == {"ambassador-credentials", "third-reading"}


def test_the_text_flag_and_bare_words_mean_the_same(bundled, capsys):
    """`--text 'a b'` and `list 'a b'` both want every word; quotes inside make a phrase."""
    both = listed(capsys, "meddling letter")
    assert both == listed(capsys, "--text", "meddling letter") == listed(capsys, "meddling", "letter")
    assert listed(capsys, "--text", '"rare-earth metals"') == listed(capsys, '"rare-earth metals"')
    assert listed(capsys, "--text", "credentials", "--text", "third") == listed(capsys, "credentials or third")


def test_short_words_match_whole_words_only(bundled, capsys):
    """'a' and 'at' do not match inside other words, so a sentence typed as a query narrows."""
    everything = listed(capsys)
    assert listed(capsys, "Meet at a 'third' location") == []
    assert len(listed(capsys, "a")) < len(everything)
    assert listed(capsys, "agent") == listed(capsys, "foreign-agents") != []


def test_possible_matches_are_marked_and_strict_drops_them(bundled, capsys):
    """An event known only to February 2024 possibly falls on the 13th; --strict keeps none of them."""
    code, out, _ = run(capsys, "list", "--since", "2024-02-13", "--until", "2024-02-13", "--format", "plain")
    assert code == 0
    assert "japarov-statement" in out and "possible match" in out
    assert "reply-published" not in out
    assert listed(capsys, "--since", "2024-02-13", "--until", "2024-02-13", "--strict") == []


def test_explain_names_the_office_and_its_span(bundled, capsys):
    """--explain says which actor held which office from when."""
    code, out, _ = run(
        capsys, "list", "--actor", "foreign minister", "--explain", "--format", "plain", "--width", "200"
    )
    assert code == 0
    assert "Matched: kulubaev held Minister of Foreign Affairs (Kyrgyzstan) from 22 Apr 2022" in out


def test_after_is_three_valued(bundled, capsys):
    """after:letter-published: the statement (Feb 2024, day unknown) only possibly comes after it."""
    code, out, _ = run(capsys, "list", "after:letter-published", "--format", "plain", "--width", "200")
    assert code == 0
    assert "possible match (possibly after letter-published" in out
    strict = listed(capsys, "after:letter-published", "--strict")
    assert "japarov-statement" not in strict and "reply-handed-over" in strict


def test_bad_term_points_at_it(bundled, capsys):
    """An unknown field is a usage error (exit 2) quoting the term, no traceback."""
    code, out, err = run(capsys, "list", "actr:kulubaev")
    assert code == 2 and out == ""
    expected = "query term 'actr:kulubaev': unknown field 'actr:'; did you mean 'actor:'? (quote it to search the text)"
    assert err == f"timeline: error: {expected}\n"


def test_unknown_event_in_relation_term(bundled, capsys):
    """after:ID with a typo suggests the id."""
    code, _, err = run(capsys, "list", "after:blinken-leter")
    assert code == 2 and "did you mean 'blinken-letter'" in err


def test_unknown_actor_or_office(bundled, capsys):
    """An --actor that is nobody and no office says so and suggests names."""
    code, _, err = run(capsys, "list", "--actor", "foreign ministr")
    assert code == 2 and "no actor or office called 'foreign ministr'" in err and "foreign minister" in err
