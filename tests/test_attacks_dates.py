"""Attack: the earliest and latest dates the store accepts, through every command and every format.

0001-01-01 and 9999-12-31 are the bounds of a calendar day, and also what an open interval end
is stored as; every command must print them (no OverflowError past 9999-12-31, no month index
past December) and no format may mistake them for an open end.

Quick by default; TIMELINE_ATTACKS=full also renders every event alone through `show` in every
format.
"""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from tests.test_cli import run
from timeline.formats import RENDERERS

FULL = os.environ.get("TIMELINE_ATTACKS") == "full"

EXTREMES = {
    "last-day": "9999-12-31",
    "last-year": "9999",
    "last-month": "9999-12",
    "last-time": "9999-12-31T23:59+14:00",
    "last-day-unknown": "9999-12-XX",
    "last-century": "99XX",
    "last-winter": "9998-24",
    "first-day": "0001-01-01",
    "first-year": "0001~",
    "first-month": "0001-01?",
    "until-last": "../9999-12-31",
    "from-first": "0001-01-01/..",
    "unknown-start": "/9999",
    "unknown-end": "0001/",
    "everything": "0001-01-01/9999-12-31",
}
STORE = (
    '[store]\ntitle = "Extremes"\n\n'
    '[actors.ada]\nname = "Ada"\nroles = [{ title = "Keeper", start = "0001-01-01", end = "9999-12-31" }]\n\n'
    '[sources.s]\nname = "S"\n\n[sources.t]\nname = "T"\n'
    + "".join(
        f'\n[[events]]\nid = "{eid}"\ndate = "{when}"\ntitle = "Event {eid}"\ntype = "t{n}"\n'
        f'actors = [{{ id = "ada", role = "Keeper" }}]\ntags = ["edge"]\nsources = ["s"]\n'
        for n, (eid, when) in enumerate(EXTREMES.items())
    )
    + '\n[[events]]\nid = "disputed"\ntitle = "Disputed across all time"\nsources = ["s", "t"]\n'
    'after = ["first-day"]\ndates = [{ date = "0001-01-01", sources = ["s"] }, '
    '{ date = "9999-12-31", sources = ["t"], preferred = true }]\n'
)
IDS = [*EXTREMES, "disputed"]


@pytest.fixture
def extremes(tmp_path):
    path = tmp_path / "events.toml"
    path.write_text(STORE, encoding="utf-8")
    return path


def test_the_extreme_store_is_valid(extremes, capsys):
    """The store used here passes check: every date in it is one the store accepts."""
    code, out, err = run(capsys, "check", "--select", "E")
    assert code == 0, out + err


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_list_writes_every_format(extremes, capsys, fmt):
    """`list` renders the earliest and latest dates in every format, exit 0 (ics and stats crashed on 9999)."""
    code, out, err = run(capsys, "list", "--format", fmt)
    assert (code, err) == (0, ""), err
    assert out


def test_json_keeps_the_last_day_as_a_bound(extremes, capsys):
    """JSON bounds: 9999-12-31 and 0001-01-01 are days; only an open or unknown end is null."""
    events = {e["id"]: e for e in json.loads(run(capsys, "list", "--format", "json")[1])}
    assert (events["last-day"]["earliest"], events["last-day"]["latest"]) == ("9999-12-31", "9999-12-31")
    assert (events["first-day"]["earliest"], events["first-day"]["latest"]) == ("0001-01-01", "0001-01-01")
    assert events["everything"]["earliest"] == "0001-01-01" and events["everything"]["latest"] == "9999-12-31"
    assert events["until-last"]["earliest"] is None and events["until-last"]["latest"] == "9999-12-31"
    assert events["from-first"]["latest"] is None and events["from-first"]["earliest"] == "0001-01-01"
    assert events["unknown-start"]["earliest"] is None and events["unknown-end"]["latest"] is None


def test_csv_keeps_the_last_day_as_a_bound(extremes, capsys):
    """CSV bounds: an empty cell means an open end, never the first or last day."""
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(run(capsys, "list", "--format", "csv")[1], newline=""))}
    assert (rows["last-year"]["earliest"], rows["last-year"]["latest"]) == ("9999-01-01", "9999-12-31")
    assert (rows["first-day"]["earliest"], rows["first-day"]["latest"]) == ("0001-01-01", "0001-01-01")
    assert rows["until-last"]["earliest"] == "" and rows["from-first"]["latest"] == ""


def test_html_dates_the_last_day(extremes, capsys):
    """HTML gives the last day a machine-readable <time datetime>, like any other day."""
    out = run(capsys, "list", "--format", "html")[1]
    assert '<time datetime="9999-12-31"' in out and 'data-latest="9999-12-31"' in out
    assert '<time datetime="0001-01-01"' in out


def test_ics_ends_the_last_day_with_a_duration(extremes, capsys):
    """A calendar event on 9999-12-31 has no next day for DTEND; it lasts P1D instead, and parses."""
    from icalendar import Calendar

    cal = Calendar.from_ical(run(capsys, "list", "--format", "ics")[1])
    by_uid = {str(ev["UID"]).split("@")[0]: ev for ev in cal.walk("VEVENT")}
    last = by_uid["last-day"]
    assert last.decoded("DTSTART").isoformat() == "9999-12-31" and "DTEND" not in last
    assert last.decoded("DURATION").days == 1
    year = by_uid["last-year"]
    assert year.decoded("DTSTART").isoformat() == "9999-01-01" and year.decoded("DURATION").days == 365
    first = by_uid["first-day"]
    assert (first.decoded("DTSTART").isoformat(), first.decoded("DTEND").isoformat()) == ("0001-01-01", "0001-01-02")


def test_stats_counts_the_first_and_last_months(extremes, capsys):
    """stats places events in Jan 0001 and Dec 9999 and folds the months between (it crashed past 9999)."""
    code, out, err = run(capsys, "stats")
    assert (code, err) == (0, ""), err
    assert "Jan 0001" in out and "Dec 9999" in out and "Feb 0001 – Nov 9999  · 0" in out
    data = json.loads(run(capsys, "stats", "--format", "json")[1])
    months = data["months"]
    assert months[0] == {"month": "0001-01", "events": 2} and months[-1] == {"month": "9999-12", "events": 5}
    assert len(months) == 9999 * 12


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (["--since", "9999-12-31"], {"last-day", "last-year", "last-month", "last-time", "last-day-unknown"}),
        (["--until", "0001-01-01"], {"first-day", "first-year", "first-month"}),
        (["date:9999-12-31"], {"last-day", "last-time"}),
        (["--since", "31 Dec 9999", "--strict"], {"last-day", "last-time", "disputed"}),
    ],
)
def test_queries_reach_the_ends_of_time(extremes, capsys, terms, expected):
    """Windows at the first and last day select what they should (open spans are only possible matches)."""
    code, out, err = run(capsys, "list", *terms, "--format", "json")
    assert code == 0, err
    got = {e["id"] for e in json.loads(out)}
    assert expected <= got
    if "--strict" in terms:
        assert got == expected


@pytest.mark.parametrize("command", [["actors"], ["sources"], ["tags"], ["actors", "show", "ada"], ["show", "ada"]])
def test_directories_and_pages(extremes, capsys, command):
    """Actor, source and tag listings and the actor page work with offices spanning all time."""
    code, out, err = run(capsys, *command)
    assert (code, err) == (0, ""), err
    assert out


@pytest.mark.parametrize("eid", IDS if FULL else ["last-day", "everything", "disputed"])
@pytest.mark.parametrize("fmt", [None, *sorted(RENDERERS)] if FULL else [None, "ics", "json", "html"])
def test_show_renders_each_extreme(extremes, capsys, eid, fmt):
    """`show ID` prints each extreme event in each format (and --thread), exit 0."""
    args = ["show", eid] + (["--format", fmt] if fmt else [])
    code, out, err = run(capsys, *args)
    assert (code, err) == (0, ""), err
    assert out
    if fmt is None:
        assert run(capsys, "show", eid, "--thread")[0] == 0


@pytest.mark.parametrize("when", ["9999-12-31", "9999", "31 Dec 9999", "0001-01-01", "0001", "../9999-12-31"])
def test_add_accepts_the_extremes(extremes, capsys, when):
    """`add` writes the first and last dates, and the store still lists in every format."""
    code, out, err = run(capsys, "add", "--date", when, "--title", "Added at the edge", "--source", "s")
    assert code == 0, err
    eid = out.strip()
    for fmt in ("ics", "csv"):
        assert run(capsys, "list", f"id:{eid}", "--format", fmt)[0] == 0
    assert run(capsys, "stats")[0] == 0


def test_import_accepts_the_extremes(extremes, capsys, tmp_path):
    """`import` takes a CSV with the first and last dates; a JSON export of them imports back unchanged."""
    (tmp_path / "edge.csv").write_text(
        "id,date,title,sources\nedge-a,9999-12-31,Last,s\nedge-b,0001,First,s\nedge-c,0001-01-01/..,Open,s\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", str(tmp_path / "edge.csv"))
    assert code == 0, err
    assert out.split() == ["edge-a", "edge-b", "edge-c"]
    exported = run(capsys, "list", "id:edge-a", "id:edge-b", "id:edge-c", "--format", "json")[1]
    (tmp_path / "edge.json").write_text(exported, encoding="utf-8")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "events.toml").write_text('[sources.s]\nname = "S"\n', encoding="utf-8")
    code, _, err = run(capsys, "import", str(tmp_path / "edge.json"), "--file", str(fresh / "events.toml"))
    assert code == 0, err
    again = run(capsys, "list", "--format", "json", "--file", str(fresh / "events.toml"))[1]
    assert json.loads(again) == json.loads(exported)


def test_a_cached_store_answers_the_extremes_as_a_parsed_one(tmp_path, capsys, monkeypatch):
    """A store large enough for the cache answers windows at the ends of time as the plain parse does."""
    padding = "".join(
        f'\n[[events]]\nid = "pad{n}"\ndate = "2024-01-{n % 28 + 1:02d}"\n'
        f'title = "Padding event number {n}, long enough to make the file large"\nsources = ["s"]\n'
        for n in range(1500)
    )
    (tmp_path / "events.toml").write_text(STORE + padding, encoding="utf-8")
    queries = [["--since", "9999-12-31"], ["--until", "0001-01-01"], ["date:9999"], ["--strict", "--until", "0001"]]
    cold = [run(capsys, "list", *q, "--format", "json") for q in queries]
    warm = [run(capsys, "list", *q, "--format", "json") for q in queries]
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    parsed = [run(capsys, "list", *q, "--format", "json") for q in queries]
    assert cold == warm == parsed
    assert all(code == 0 and json.loads(out) for code, out, _ in parsed)
