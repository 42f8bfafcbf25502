"""Output keeps its promises: every mode honours --format and --output or refuses them; counts say what was cut."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.test_cli import run


def test_show_actor_as_json_is_one_object_with_events(bundled, capsys):
    """`show ACTOR --format json` gives the person, offices and events as JSON, not the text page."""
    code, out, err = run(capsys, "show", "kulubaev", "--format", "json")
    assert code == 0, err
    person = json.loads(out)
    assert (person["id"], person["name"], person["country"]) == ("kulubaev", "Jeenbek Kulubaev", "KG")
    assert person["roles"][0]["title"] == "Minister of Foreign Affairs" and person["roles"][0]["end"] is None
    assert [e["id"] for e in person["events"]] == ["foreign-minister-change", "reply-handed-over"]


@pytest.mark.parametrize("args", [("show", "kulubaev"), ("actors", "show", "Kulubayev")])
def test_an_actor_page_written_to_html_is_html(bundled, capsys, tmp_path, args):
    """`--output page.html` on an actor writes an HTML report of their events (it used to write nothing)."""
    code, out, err = run(capsys, *args, "--output", "page.html")
    assert (code, out) == (0, ""), err
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Jeenbek Kulubaev" in page
    assert "<code>reply-handed-over</code>" in page and "<code>blinken-letter</code>" not in page


def test_a_thread_written_to_html_is_the_exchange_as_html(bundled, capsys, tmp_path):
    """`show ID --thread --output thread.html` writes the exchange's events as HTML, not the text tree."""
    code, _, err = run(capsys, "show", "reply-handed-over", "--thread", "--output", "thread.html")
    assert code == 0, err
    page = (tmp_path / "thread.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "├──" not in page
    code, out, _ = run(capsys, "show", "reply-handed-over", "--thread", "--format", "json")
    ids = [e["id"] for e in json.loads(out)]
    assert ids == ["blinken-letter", "japarov-statement", "reply-handed-over", "reply-published"]
    code, out, _ = run(capsys, "show", "reply-handed-over", "--thread", "--output", "thread.txt")
    assert "├── " in (tmp_path / "thread.txt").read_text(encoding="utf-8")


def test_an_event_page_follows_output_and_format(bundled, capsys, tmp_path):
    """`show ID` writes its page to --output, JSON as one object, and a list format as a one-event report."""
    assert run(capsys, "show", "law-signed", "--output", "page.txt")[:2] == (0, "")
    assert (tmp_path / "page.txt").read_text(encoding="utf-8").startswith('Japarov signs the "foreign')
    code, out, _ = run(capsys, "show", "law-signed", "--format", "json")
    assert json.loads(out)["id"] == "law-signed"
    code, out, _ = run(capsys, "show", "law-signed", "--format", "md")
    assert out.startswith('# Japarov signs the "foreign representatives" law')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--output", "report.pdf"), "--output report.pdf: cannot tell a format from '.pdf'; name a file "
         "ending in .md, .markdown, .html, .htm, .ics, .csv, .json, .txt, or give --format"),
        (("list", "--format", "markdwn"), "--format: unknown format 'markdwn'; did you mean 'markdown'? choose one "
         "of: rich, plain, markdown, json, csv, html, ics, timelinejs"),
        (("stats", "--output", "stats.md"), "--output stats.md: cannot write markdown here; name a file ending in "
         ".json, .txt, or give --format (plain, json)"),
        (("show", "kulubaev", "--output", "k.docx"), "--output k.docx: cannot tell a format from '.docx'"),
    ],
)  # fmt: skip
def test_an_output_nobody_can_write_is_refused_and_nothing_is_written(bundled, capsys, tmp_path, args, message):
    """An unknown extension or format is exit 2 naming the formats; no file appears."""
    before = set(tmp_path.iterdir())
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"timeline: error: {message}"), err
    assert set(tmp_path.iterdir()) == before


@pytest.mark.parametrize(("alias", "name"), [("md", "markdown"), ("txt", "plain"), ("MD", "markdown")])
def test_format_aliases_mean_what_the_extensions_mean(bundled, capsys, alias, name):
    """--format md and --format txt give what --output x.md and x.txt give."""
    assert run(capsys, "list", "--format", alias) == run(capsys, "list", "--format", name)


def test_formats_complete_with_their_aliases():
    """Tab completion offers every format name and alias."""
    from timeline.cli.common import complete_formats

    assert complete_formats("m") == ["markdown", "md"]
    assert {"rich", "plain", "json", "csv", "html", "ics", "timelinejs", "txt"} <= set(complete_formats(""))


def test_json_and_csv_say_certain_or_possible_and_why(bundled, capsys):
    """A possible match is marked in JSON and CSV as in text; --explain adds why for the certain ones too."""
    code, out, _ = run(capsys, "list", "--since", "2024-02-10", "--format", "json")
    how = {e["id"]: (e["match"], e["why"]) for e in json.loads(out)}
    assert how["japarov-statement"] == (
        "possible",
        "dated Feb 2024 (day unknown), which may fall outside 2024-02-10 – …",
    )
    assert how["law-signed"] == ("certain", None)
    code, out, _ = run(capsys, "list", "--actor", "foreign minister", "--explain", "--format", "csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out, newline=""))}
    assert rows["reply-handed-over"]["match"] == "certain"
    assert rows["reply-handed-over"]["why"] == "kulubaev held Minister of Foreign Affairs (Kyrgyzstan) from 22 Apr 2022"


def test_limit_says_how_many_of_how_many(bundled, capsys):
    """--limit 3 says '3 of 10 events'; --limit 0 means no limit, as --top 0 does."""
    _, out, _ = run(capsys, "list", "--limit", "3", "--format", "plain")
    assert "\n3 of 10 events.\n" in out
    _, out, _ = run(capsys, "list", "--limit", "3", "--format", "markdown", "tag:trade")
    assert "*1 event. Filters: tag:trade.*" in out
    assert run(capsys, "list", "--limit", "0") == run(capsys, "list")


def test_stats_top_bounds_every_list(bundled, capsys):
    """--top 1 cuts actors, sources, tags and the single-source events alike; --top 0 shows all."""
    _, out, _ = run(capsys, "stats", "--top", "1")
    assert "Actors (top 1 of 7)" in out and "Tags (top 1 of 9)" in out
    section = out.split("Single-source events: 3 of 10, first 1 shown\n", 1)[1]
    assert section.count("\n") == 1
    _, out, _ = run(capsys, "stats", "--top", "0")
    assert "Single-source events: 3 of 10\n" in out and out.count("  japarov-statement: TASS") == 1


@pytest.mark.parametrize(
    "args",
    [
        ("--since", "2024-02-10", "--until", "2024-02-05"),
        ("since:2024-03", "until:2024-01"),
        ("--since", "Mar 2024", 'until:"Feb 2024"'),
    ],
)
def test_a_backwards_window_is_a_usage_error(bundled, capsys, args):
    """A window that ends before it starts matches nothing by definition: exit 2, saying to swap the dates."""
    code, out, err = run(capsys, "list", *args)
    assert (code, out) == (2, "")
    assert "the window ends" in err and "swap the dates" in err
