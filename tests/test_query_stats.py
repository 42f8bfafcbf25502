"""`timeline stats`: counts per month, actor, source and tag; single-source facts; text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from rich.cells import cell_len

from tests.test_cli import run
from timeline import store
from timeline.formats.stats import bar, folded_months
from timeline.query.stats import compute

FIXTURE = Path(__file__).parent / "data" / "formats" / "fixture.toml"


def fixture_stats():
    return compute(store.load(FIXTURE).events)


def test_months_count_only_events_inside_one_month():
    """A day, a month or a disputed pair within a month counts there; a year or a cross-month span does not."""
    s = fixture_stats()
    months = dict(s.months)
    assert months["2024-02"] == 2  # "Feb 2024 (day unknown)" and "3 Feb 2024?"
    assert months["2024-05"] == 1  # disputed 1 or 3 May
    assert months["2023-06"] == 0 and list(months)[0] == "2023-05" and list(months)[-1] == "2024-08"
    assert set(s.unplaced) == {"idea", "exhibition", "exchange"}
    assert sum(months.values()) + len(s.unplaced) == s.events == 12


def test_rankings_and_single_sources():
    """Actors, sources and tags are ranked by events; facts with one distinct source are listed."""
    s = fixture_stats()
    assert s.actors[:2] == (("aizada", 4), ("ingrid", 4))
    assert s.sources[0] == ("wire", 7, 3)
    assert s.tags[0] == ("twinning", 5)
    assert ("planning", "paper") in s.single_source and len(s.single_source) == 8
    assert "signing" not in dict(s.single_source)  # three sources
    assert s.unsourced == ()


def test_empty_months_fold_into_one_row():
    """Three or more empty months in a row are one 'Jun–Dec 2023' line."""
    rows = folded_months(fixture_stats())
    assert ("Jun–Dec 2023", 0) in rows and ("Jun 2024", 0) in rows


def test_bar_lengths():
    """Bars scale to the largest count, in eighths, and a non-zero count is never invisible."""
    assert bar(4, 4, 10) == "█" * 10
    assert bar(1, 4, 10) == "██▌"
    assert bar(1, 1000, 10) == "▏"
    assert bar(0, 4, 10) == ""


def test_cli_text_is_a_bar_chart_that_fits(capsys):
    """The text report draws bars and names the single-source facts, within --width."""
    code, out, _ = run(capsys, "stats", "-f", str(FIXTURE), "--width", "50")
    assert code == 0
    assert "Events per month" in out and "  Feb 2024      ████" in out
    assert "Single-source events: 8 of 12" in out and "  planning: Daily Paper & Co." in out
    assert max(cell_len(line) for line in out.splitlines()) <= 50


def test_cli_json_has_every_count(capsys):
    """--format json gives all counts with names, whatever --top says."""
    code, out, _ = run(capsys, "stats", "-f", str(FIXTURE), "--format", "json", "--top", "1")
    assert code == 0
    doc = json.loads(out)
    keys = ["events", "months", "unplaced", "actors", "sources", "tags", "single_source", "unsourced", "grades"]
    assert list(doc) == keys
    assert doc["actors"][2] == {"id": "chen", "name": "陈静 (Chen Jing)", "events": 2}
    assert doc["sources"][0] == {"id": "wire", "name": "Wire Service", "events": 7, "alone": 3}
    assert len(doc["tags"]) == 6


def test_cli_filters_narrow_the_counts(capsys):
    """--actor counts only that actor's events."""
    code, out, _ = run(capsys, "stats", "-f", str(FIXTURE), "--format", "json", "--actor", "chen")
    assert code == 0
    assert json.loads(out)["events"] == 2


def test_cli_bad_format_is_a_usage_error(capsys):
    """An unsupported --format exits 2 and names the choices."""
    code, out, err = run(capsys, "stats", "-f", str(FIXTURE), "--format", "html")
    assert code == 2 and out == ""
    assert err == "timeline: error: --format: unknown format 'html'; choose one of: plain, json\n"


def test_hostile_names_are_cleaned(capsys):
    """Names with terminal escapes print as inert text in the chart; JSON escapes them."""
    hostile = Path(__file__).parent / "data" / "formats" / "hostile.toml"
    code, out, _ = run(capsys, "stats", "-f", str(hostile))
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    code, out, _ = run(capsys, "stats", "-f", str(hostile), "--format", "json")
    assert code == 0 and "\x1b" not in out and "\\u001b" in out


def test_stats_count_events_by_best_grade(capsys):
    """`stats` lists events by their best citation grade, best first, ungraded last; JSON has the same."""
    code, out, _ = run(capsys, "stats", "-f", str(FIXTURE), "--format", "json")
    assert code == 0
    assert json.loads(out)["grades"] == [
        {"grade": "B2", "events": 1},
        {"grade": "B?", "events": 6},
        {"grade": "ungraded", "events": 5},
    ]
    code, out, _ = run(capsys, "stats", "-f", str(FIXTURE))
    assert "Events by best grade\n  B2" in out
