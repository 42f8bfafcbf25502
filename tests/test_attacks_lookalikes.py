"""Attack: `timeline check`'s look-alike rule (W003) on crowds of events that all look alike.

Many events sharing a title and a date made the rule compare every pair (2,000 events took
15 s and 0.45 GB, 8,000 took 278 s and 6.8 GB). These tests count the comparisons instead of
timing them; seconds and memory are measured by benchmarks/check_lookalikes.py.
"""

from __future__ import annotations

import difflib
import itertools
import json

import pytest

from tests.test_cli import run
from timeline.lint import similar

HEAD = '[actors.a]\nname = "A"\n[actors.b]\nname = "B"\n[sources.s]\nname = "S"\n'


def _store(tmp_path, titles, *, cast: bool = False, dates=None) -> None:
    extra = 'type = "meeting"\nactors = ["a", "b"]\n' if cast else ""
    events = "".join(
        f'\n[[events]]\nid = "e{n}"\ndate = "{dates[n] if dates else "2024-03-09"}"\ntitle = "{t}"\n'
        f'sources = ["s"]\n{extra}'
        for n, t in enumerate(titles)
    )
    (tmp_path / "events.toml").write_text(HEAD + events, encoding="utf-8")


@pytest.fixture
def ratios(monkeypatch):
    """Counts difflib ratio computations made during the test."""
    calls = []

    class Counting(difflib.SequenceMatcher):
        def ratio(self):
            calls.append(1)
            return super().ratio()

    monkeypatch.setattr(difflib, "SequenceMatcher", Counting)
    return calls


def w003(capsys) -> list[dict]:
    code, out, err = run(capsys, "check", "--select", "W003", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_identical_events_are_compared_once_as_a_class(tmp_path, capsys, ratios):
    """800 copies of one event: every later copy names the first, with the exact count, and no ratio is computed."""
    _store(tmp_path, ["Foreign ministers meet in Bishkek"] * 800)
    found = w003(capsys)
    assert [f["event_id"] for f in found] == [f"e{n}" for n in range(1, 800)]
    assert "looks like 'e0'" in found[-1]["message"] and "(and 798 more)" in found[-1]["message"]
    assert "looks like 'e0'" in found[0]["message"] and "more)" not in found[0]["message"]
    assert len(ratios) == 0


def test_a_crowd_of_different_titles_costs_linear_time(tmp_path, capsys, ratios, monkeypatch):
    """400 events on one day, titles made of the same five words: each meets at most CANDIDATES others."""
    monkeypatch.setattr(similar, "CANDIDATES", 5, raising=False)
    words = ["foreign", "ministers", "meet", "in", "bishkek"]
    titles = [" ".join(p) for p in itertools.islice(itertools.permutations(words), 120)] * 4
    titles = [f"{t} {'again ' * (n // 120)}".strip() for n, t in enumerate(titles)]
    _store(tmp_path, titles)
    w003(capsys)
    per_bucket = 8  # two title words, four date widths
    assert 0 < len(ratios) <= len(titles) * per_bucket * 5


def test_a_capped_search_says_at_least(tmp_path, capsys, monkeypatch):
    """Where the search stopped at its limit, the count is given as a lower bound ("at least")."""
    monkeypatch.setattr(similar, "CANDIDATES", 5, raising=False)
    _store(tmp_path, [f"Talks number {n} on water" for n in range(60)], cast=True)
    found = w003(capsys)
    assert len(found) == 59
    assert any("(and at least" in f["message"] for f in found)


def test_copies_spread_over_overlapping_dates_are_all_found(tmp_path, capsys):
    """One title on spans that overlap but all differ: every later event is a look-alike of an earlier one."""
    dates = [f"2024-01-{1 + n % 28:02d}/2024-12-{1 + n // 28:02d}" for n in range(300)]
    _store(tmp_path, ["Parliament passes the bill"] * 300, dates=dates)
    found = w003(capsys)
    assert [f["event_id"] for f in found] == [f"e{n}" for n in range(1, 300)]
    assert "looks like 'e0'" in found[-1]["message"]
