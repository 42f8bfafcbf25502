"""The Python API (`import timeline`): load, select, render and check, as the CLI does them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import timeline
from tests.conftest import ROOT

BUNDLED = ROOT / "events.toml"


def test_load_takes_a_string_or_a_path_with_or_without_the_cache():
    """A str, a Path and cache on or off give the same store."""
    by_str = timeline.load(str(BUNDLED))
    assert [e.id for e in timeline.load(BUNDLED).events] == [e.id for e in by_str.events]
    assert [e.id for e in timeline.load(BUNDLED, cache=False).events] == [e.id for e in by_str.events]
    assert by_str.by_id["law-signed"].title


def test_a_broken_store_is_a_located_store_error(tmp_path):
    """The error names the file and line, as the command line does."""
    bad = tmp_path / "bad.toml"
    bad.write_text('[[events]]\nid = "x"\ndate = "2024-13"\ntitle = "T"\n', encoding="utf-8")
    with pytest.raises(timeline.StoreError) as caught:
        timeline.load(bad)
    assert caught.value.message.startswith(f"{bad}:3: ")
    assert caught.value.problems[0].line == 3 and caught.value.problems[0].code == "E007"


def test_select_takes_terms_and_flags_and_returns_timeline_order():
    """Query terms and keyword flags narrow together; matches come earliest first."""
    store = timeline.load(BUNDLED)
    found = timeline.select(store, "tag:foreign-agents-bill", actor="japarov")
    assert found and all("japarov" in m.event.actors for m in found)
    assert all("foreign-agents-bill" in m.event.tags for m in found)
    days = [m.event.date.earliest for m in timeline.select(store)]
    assert days == sorted(days)


def test_select_marks_possible_matches_and_strict_drops_them():
    """A month-only date is a possible match for a day window; strict keeps certain ones."""
    store = timeline.load(BUNDLED)
    wide = timeline.select(store, since="2024-02-10", until="2024-02-10")
    strict = timeline.select(store, since="2024-02-10", until="2024-02-10", strict=True)
    assert {m.event.id for m in strict} <= {m.event.id for m in wide}
    assert all(m.certain for m in strict)


def test_select_refuses_a_bad_term_as_a_usage_error():
    """A misspelt field is a UsageError with a suggestion."""
    with pytest.raises(timeline.UsageError, match="did you mean 'actor:'"):
        timeline.select(timeline.load(BUNDLED), "actr:kulubaev")


@pytest.mark.parametrize("fmt", ["rich", "plain", "markdown", "json", "csv", "html", "ics", "timelinejs"])
def test_render_gives_text_in_every_format(fmt):
    """Every --format renders to a string from matches or from events; only data formats say how each matched."""
    store = timeline.load(BUNDLED)
    matches = timeline.select(store, actor="kulubaev")
    text = timeline.render(store, matches, format=fmt)
    assert isinstance(text, str) and text
    plain = timeline.render(store, [m.event for m in matches], format=fmt)
    assert (text == plain) is (fmt not in ("json", "csv"))
    marks = {"json": '"match": "certain"', "csv": ",match,why\r\n"}
    if fmt in marks:
        assert marks[fmt] in text and marks[fmt] not in plain


def test_render_accepts_format_aliases_and_suggests():
    """render() takes the aliases the CLI takes, and a misspelt format gets a suggestion."""
    store = timeline.load(BUNDLED)
    assert timeline.render(store, [], format="md") == timeline.render(store, [], format="markdown")
    with pytest.raises(timeline.UsageError, match="did you mean 'markdown'"):
        timeline.render(store, [], format="markdwn")


def test_render_json_is_the_list_the_cli_prints(bundled, capsys):
    """The API and `timeline list --format json` print the same document."""
    from tests.test_cli import run

    code, out, _ = run(capsys, "list", "--actor", "kulubaev", "--format", "json")
    store = timeline.load(bundled)
    assert code == 0 and json.loads(out) == json.loads(
        timeline.render(store, timeline.select(store, actor="kulubaev"), format="json")
    )


def test_render_refuses_an_unknown_format():
    """An unknown format is named, with the closest one."""
    with pytest.raises(timeline.UsageError, match="did you mean 'markdown'"):
        timeline.render(timeline.load(BUNDLED), [], format="markdwn")


def test_check_returns_structured_problems(tmp_path: Path):
    """check() gives Problems with code, severity, line and message."""
    store = tmp_path / "events.toml"
    store.write_text('[[events]]\nid = "x"\ndate = "2024"\ntitle = "No source"\n', encoding="utf-8")
    (problem,) = timeline.check(store)
    assert (problem.code, problem.severity, problem.line) == ("W001", "warning", 1)
    assert "cites no source" in problem.message
    assert timeline.check(str(BUNDLED)) == [p for p in timeline.check(BUNDLED)]


def test_a_hand_built_store_keeps_its_links():
    """Store(events=...) derives its id lookup, so links and threads work without a second copy."""
    from timeline import dates

    a = timeline.Event(id="a", date=dates.parse("2024-01"), title="A")
    b = timeline.Event(id="b", date=dates.parse("2024"), title="B", in_response_to=("a",), index=1)
    store = timeline.Store(path="x", events=(a, b))
    assert store.by_id["a"] is a
    assert [m.event.id for m in timeline.select(store, "after:a")] == ["b"]
