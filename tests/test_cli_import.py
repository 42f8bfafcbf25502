"""`timeline import`: CSV, our JSON export and TimelineJS, checked whole, written in one go or not at all."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import time

import pytest

from tests.conftest import DATA
from tests.test_cli import run
from timeline import store

WRITE = DATA / "write"
HEADER = "date,title,summary,type,actors,tags,sources\n"


@pytest.fixture
def commented(tmp_path):
    """A copy of the heavily commented store as events.toml."""
    path = tmp_path / "events.toml"
    shutil.copy(WRITE / "commented.toml", path)
    return path


def test_csv_rows_become_events(commented, capsys):
    """Names and ids resolve, lists split on ';', dates keep their precision; the ids are printed."""
    code, out, err = run(capsys, "import", str(WRITE / "sample.csv"))
    assert code == 0, err
    new = out.split()
    assert new == [
        "2024-02-09-kulubaev-meets-ambassador",
        "2024-02-09-second-event-same-day",
        "2024-03-title-comma-line-break",
    ]
    assert "Imported 3 events" in err
    s = store.load(commented)
    a, b, c = (s.by_id[i] for i in new)
    assert (a.actors, a.tags, a.source_ids, a.type) == (("kulubaev",), ("trade", "ngo"), ("tass",), "meeting")
    assert a.summary == 'Talks on trade; and on "NGOs".'
    assert (b.actors, b.source_ids) == (("kulubaev", "dotted.id"), ("24kg", "tass"))
    assert (c.date.text, c.date.precision, c.title) == ("2024-03", "month", "A title with a comma, and\na line break")


def test_every_bad_row_is_named_and_nothing_is_imported(commented, capsys):
    """All bad rows are reported with their line in the file (header is line 1), then a summary."""
    rows = [
        "2024-02-09,Good,,,,,",
        "2024-13-01,Bad month,,,,,",
        '2024-02-10,"Two',
        'lines",,,,,',  # a quoted line break: the next row starts on line 5
        "2024-02-11,Unknown actor,,,Nobody;kulubaev,,",
        ",No date,,,,,",
        "2024-02-12,Unknown source,,,,,reuter",
    ]
    (commented.parent / "bad.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    before = commented.read_bytes()
    code, out, err = run(capsys, "import", "bad.csv")
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == "bad.csv:3: field 'date': \"2024-13-01\": month 13 is not 01-12"
    assert lines[1].startswith("bad.csv:6: field 'actors': unknown actor 'Nobody'")
    assert lines[2].startswith("bad.csv:7: field 'date': missing")
    assert lines[3].startswith("bad.csv:8: field 'sources': unknown source 'reuter'")
    assert lines[4] == (
        "timeline: error: bad.csv: 4 of 6 rows have problems (listed above); 1 actor and 1 source are not in the "
        "store (each listed once): pass --register to register them all; nothing was imported"
    )
    assert commented.read_bytes() == before


def test_csv_header_problems_are_reported_on_line_1(commented, capsys):
    """An unknown column or a missing title column is named, with the columns allowed."""
    (commented.parent / "a.csv").write_text("date,titel\n2024,x\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "a.csv")
    assert code == 1 and "a.csv:1: unknown column 'titel'; did you mean 'title'?" in err
    (commented.parent / "b.csv").write_text("date,summary\n2024,x\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "b.csv")
    assert code == 1 and "b.csv:1: the header needs the column 'title'" in err


def test_json_export_round_trips_exactly(bundled, tmp_path, capsys):
    """export -> import into a store with the same actors and sources -> export gives identical JSON."""
    code, exported, _ = run(capsys, "list", "--format", "json")
    assert code == 0
    text = bundled.read_text(encoding="utf-8")
    empty = tmp_path / "empty.toml"
    empty.write_text(text[: text.index("[[events]]")], encoding="utf-8")
    (tmp_path / "export.json").write_text(exported, encoding="utf-8")
    code, out, err = run(capsys, "import", "export.json", "--file", str(empty))
    assert code == 0, err
    assert len(out.split()) == len(json.loads(exported))
    code, again, _ = run(capsys, "list", "--format", "json", "--file", str(empty))
    assert again == exported


def test_json_with_unknown_fields_is_refused(commented, capsys):
    """A field our export never writes is a bad row, not silently dropped."""
    (commented.parent / "x.json").write_text('[{"id": "n", "date": "2024", "title": "T", "colour": "red"}]')
    code, _, err = run(capsys, "import", "x.json")
    assert code == 1 and "x.json:1: unknown field 'colour'" in err


def test_existing_ids_need_skip_existing(commented, capsys):
    """Rows whose id is in the store are errors unless --skip-existing, which skips just them."""
    rows = [{"id": "first", "date": "2024-02-09", "title": "Again"}, {"id": "third", "date": "2024-03", "title": "New"}]
    (commented.parent / "x.json").write_text(json.dumps(rows), encoding="utf-8")
    code, _, err = run(capsys, "import", "x.json")
    assert code == 1 and "'first' is already used" in err and "--skip-existing" in err
    code, out, err = run(capsys, "import", "x.json", "--skip-existing")
    assert (code, out) == (0, "third\n")
    assert "skipped 1 row already there" in err


def test_importing_the_same_csv_twice_is_caught(commented, capsys):
    """Rows without ids that match an event's date and title count as already imported."""
    assert run(capsys, "import", str(WRITE / "sample.csv"))[0] == 0
    before = commented.read_bytes()
    code, _, err = run(capsys, "import", str(WRITE / "sample.csv"))
    assert code == 1 and "already in the store as '2024-02-09-kulubaev-meets-ambassador'" in err
    code, out, err = run(capsys, "import", str(WRITE / "sample.csv"), "--skip-existing")
    assert (code, out) == (0, "")
    assert "Nothing to import" in err
    assert commented.read_bytes() == before


def test_rows_may_refer_to_each_other(commented, capsys):
    """A row may answer an event further down the same file."""
    text = "id,date,title,in_response_to\nb,2024-02-11,Reply,a\na,2024-02-10,Letter,first\n"
    (commented.parent / "r.csv").write_text(text, encoding="utf-8")
    assert run(capsys, "import", "r.csv")[0] == 0
    s = store.load(commented)
    assert (s.by_id["b"].in_response_to, s.by_id["a"].in_response_to) == (("a",), ("first",))


def test_duplicate_ids_within_a_file_are_named(commented, capsys):
    """The second use of an id in one file names the line of the first."""
    (commented.parent / "d.csv").write_text("id,date,title\nx,2024,A\nx,2024,B\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "d.csv")
    assert code == 1 and "d.csv:3: field 'id': 'x' is used twice (first at d.csv:2)" in err


def test_dry_run_prints_the_blocks_and_changes_nothing(commented, capsys):
    """--dry-run shows the TOML that would be appended; the file stays as it was."""
    before = commented.read_bytes()
    code, out, _ = run(capsys, "import", str(WRITE / "sample.csv"), "--dry-run")
    assert code == 0
    assert out.count("[[events]]") == 3 and 'title = "A title with a comma, and\\na line break"' in out
    assert commented.read_bytes() == before
    assert run(capsys, "import", str(WRITE / "sample.csv"))[0] == 0
    assert commented.read_bytes() == before + b"\n\n" + out.encode()


def test_timelinejs_slides_become_events(commented, capsys):
    """Headline, HTML text, dates at their precision, end dates, group and unique_id are read."""
    code, out, err = run(capsys, "import", str(WRITE / "timelinejs.json"))
    assert code == 0, err
    assert out.split() == ["tljs-handover", "2024-03-spring-campaign", "2024-year-only"]
    s = store.load(commented)
    a, b, c = (s.by_id[i] for i in out.split())
    assert (a.date.text, a.title, a.type) == ("2024-02-09", "Reply & handover", "meeting")
    assert a.summary == "First paragraph.\nSecond bold one."
    assert (b.date.text, b.summary) == ("2024-03/2024-04", "")
    assert (c.date.text, c.summary) == ("2024", "Line one\nline two")


def test_our_timelinejs_export_reads_back(bundled, tmp_path, capsys):
    """Our own TimelineJS export imports with the same ids, dates (to its precision), titles and types."""
    code, exported, _ = run(capsys, "list", "--format", "timelinejs")
    assert code == 0
    text = bundled.read_text(encoding="utf-8")
    empty = tmp_path / "empty.toml"
    empty.write_text(text[: text.index("[[events]]")], encoding="utf-8")
    (tmp_path / "t.json").write_text(exported, encoding="utf-8")
    code, out, err = run(capsys, "import", "t.json", "--file", str(empty))
    assert code == 0, err
    old, new = store.load(bundled), store.load(empty)
    for e in new.events:
        o = old.by_id[e.id]
        assert (e.title, e.type) == (o.title, o.type)
        assert "Actors:" not in e.summary and "Sources:" not in e.summary
        assert o.date.earliest == e.date.earliest


def test_a_file_without_rows_imports_nothing(commented, capsys):
    """A CSV with only its header is not an error, and the store is untouched."""
    (commented.parent / "e.csv").write_text(HEADER, encoding="utf-8")
    before = commented.read_bytes()
    code, out, err = run(capsys, "import", "e.csv")
    assert (code, out) == (0, "")
    assert "Nothing to import: e.csv has no rows." in err
    assert commented.read_bytes() == before


def test_stdin_and_format_flag(commented, capsys, monkeypatch):
    """FILE '-' reads stdin; --format overrides detection; an unknown format is a usage error."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"date,title\n2024,From stdin\n")))
    code, out, _ = run(capsys, "import", "-", "--format", "csv")
    assert (code, out) == (0, "2024-stdin\n")
    code, _, err = run(capsys, "import", "-", "--format", "xml")
    assert code == 2 and "--format" in err


def _coded_store_and_csv(folder, rows: int, *, bad_line: int | None = None) -> None:
    """A store of ten governments and three sources, and a CSV of coded diplomatic events between them."""
    rng = random.Random(7)
    countries = ["Kyrgyzstan", "United States", "Russia", "China", "Kazakhstan",
                 "Uzbekistan", "Tajikistan", "Turkey", "European Union", "Japan"]  # fmt: skip
    lines = ['[store]\ntitle = "Coded events"\n']
    for n, c in enumerate(countries):
        lines.append(f'[actors.gov{n}]\nname = "Government of {c}"\naliases = ["{c}"]\n')
    for s in ("icews", "gdelt", "reuters"):
        lines.append(f'[sources.{s}]\nname = "{s.upper()}"\n')
    (folder / "events.toml").write_text("\n".join(lines), encoding="utf-8")
    verbs = [("consult", "Consult with"), ("statement", "Make statement about"), ("visit", "Host a visit by"),
             ("agreement", "Sign formal agreement with"), ("criticise", "Criticize or denounce")]  # fmt: skip
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["date", "title", "summary", "type", "actors", "tags", "sources"])
    for i in range(rows):
        a, b = rng.sample(countries, 2)
        kind, verb = rng.choice(verbs)
        when = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if bad_line == i + 2:
            when = "2024-02-30"
        w.writerow([when, f"{a}: {verb} {b}", f"Coded event {i}.", kind, f"{a};{b}", f"cameo;{kind}", "icews"])
    (folder / "coded.csv").write_text(out.getvalue(), encoding="utf-8")


def test_a_3700_row_csv_imports_in_one_transaction(tmp_path, capsys):
    """3,700 coded events import in one write, all loadable, in a few seconds."""
    _coded_store_and_csv(tmp_path, 3700)
    before = (tmp_path / "events.toml").read_bytes()
    start = time.perf_counter()
    code, out, err = run(capsys, "import", "coded.csv")
    took = time.perf_counter() - start
    assert code == 0, err
    assert len(out.split()) == 3700 == len(set(out.split()))
    after = (tmp_path / "events.toml").read_bytes()
    assert after.startswith(before)
    assert len(store.load(tmp_path / "events.toml").events) == 3700
    assert took < 30, f"import took {took:.1f}s"


def test_one_bad_row_in_3700_imports_nothing(tmp_path, capsys):
    """A single bad date on line 1900 of 3,701 stops the import and is named."""
    _coded_store_and_csv(tmp_path, 3700, bad_line=1900)
    before = (tmp_path / "events.toml").read_bytes()
    code, out, err = run(capsys, "import", "coded.csv")
    assert (code, out) == (1, "")
    assert err.splitlines()[0].startswith("coded.csv:1900: field 'date': \"2024-02-30\"")
    assert "1 of 3700 rows has problems" in err
    assert (tmp_path / "events.toml").read_bytes() == before


def test_status_grades_and_anchored_dates_round_trip_through_json(commented, capsys):
    """status, credibility and said survive export -> import -> export; derived keys are not read back."""
    rows = [
        {
            "id": "threat",
            "date": "2024-02-09",
            "title": "Expulsion threatened",
            "status": "threatened",
            "citations": [
                {"id": "tass", "published": "2024-02-12", "said": "last Friday", "credibility": 5,
                 "reliability": "A", "said_date": "1999"},
            ],
        }
    ]  # fmt: skip
    (commented.parent / "x.json").write_text(json.dumps(rows), encoding="utf-8")
    code, _, err = run(capsys, "import", "x.json")
    assert code == 0, err
    code, out, _ = run(capsys, "list", "id:threat", "--format", "json")
    (e,) = json.loads(out)
    assert e["status"] == "threatened"
    assert e["citations"][0] | {"reliability": None} == {
        "id": "tass", "url": None, "published": "2024-02-12", "note": None, "credibility": 5,
        "reliability": None, "said": "last Friday", "said_date": "2024-02-09",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "threatend", "field 'status': 'threatend' is not a status; did you mean 'threatened'?"),
        ("credibility", 9, "credibility: expected a number 1-6, got 9"),
        ("said", "last Friday", "said: needs the day the source was published"),
    ],
)
def test_bad_status_and_grades_are_row_problems(commented, capsys, field, value, message):
    """An unknown status, a credibility outside 1-6, or words with no anchor name the row and field."""
    row: dict = {"id": "n", "date": "2024-02-09", "title": "T"}
    if field == "status":
        row["status"] = value
    else:
        row["citations"] = [{"id": "tass", field: value}]
    (commented.parent / "x.json").write_text(json.dumps([row]), encoding="utf-8")
    code, _, err = run(capsys, "import", "x.json")
    assert code == 1
    assert "x.json:1: " in err and message in err


def test_csv_status_column(commented, capsys):
    """A CSV may carry a status column."""
    (commented.parent / "x.csv").write_text("date,title,status\n2024-03-01,Talks announced,announced\n")
    code, out, err = run(capsys, "import", "x.csv")
    assert code == 0, err
    code, out, _ = run(capsys, "list", "status:announced", "--format", "json")
    assert [e["title"] for e in json.loads(out)] == ["Talks announced"]


def test_one_row_is_one_event_in_the_words_too(commented, tmp_path, capsys):
    """'Imported 1 event', and a second import of it says '1 row is already in'."""
    one = tmp_path / "one.csv"
    one.write_text("date,title\n2024-05-01,Only one\n", encoding="utf-8")
    code, _, err = run(capsys, "import", str(one))
    assert code == 0 and f"Imported 1 event into {commented.name} from line" in err
    code, _, err = run(capsys, "import", str(one), "--skip-existing")
    assert code == 0 and f"Nothing to import: 1 row is already in {commented.name}." in err


def test_many_unknown_names_are_listed_once_each_and_suggestions_stop_at_twenty(commented, capsys):
    """Every unknown name gets one line; the costly 'closest' suggestions are made for the first twenty only."""
    rows = "".join(f"2024-02-{1 + n % 28:02d},Row {n},Kulubaev{n:02d},\n" for n in range(25))
    (commented.parent / "many.csv").write_text("date,title,actors,sources\n" + rows, encoding="utf-8")
    code, _, err = run(capsys, "import", "many.csv")
    lines = err.splitlines()
    assert code == 1 and len(lines) == 26
    assert "closest: kulubaev" in lines[0] and "closest:" in lines[19]
    assert lines[20].endswith("unknown actor 'Kulubaev20'; register it with 'timeline actors add'")
