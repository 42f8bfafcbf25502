"""Every output format: the registry, golden files on the fixture store, and hostile store text.

Golden files are refreshed on purpose, never by accident: run
`UPDATE_GOLDEN=1 python -m pytest tests/test_render.py` and review the diff of tests/golden/.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_cli import run
from timeline.cli.common import FORMATS
from timeline.formats import RENDERERS

DATA = Path(__file__).parent / "data" / "formats"
GOLDEN = Path(__file__).parent / "golden" / "formats"
FIXTURE = str(DATA / "fixture.toml")
HOSTILE = str(DATA / "hostile.toml")
SUFFIX = {
    "rich": "rich.txt",
    "plain": "txt",
    "markdown": "md",
    "json": "json",
    "csv": "csv",
    "html": "html",
    "ics": "ics",
    "timelinejs": "timelinejs.json",
}
# Control characters no output may carry (tab, LF and CR are checked separately).
RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def _fixed_stamp(monkeypatch):
    """iCalendar's DTSTAMP comes from SOURCE_DATE_EPOCH, so golden files do not change by the clock."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")


def render_file(capsys, tmp_path: Path, store: str, fmt: str, *args: str) -> bytes:
    """`timeline list --format FMT --output FILE` on `store`; the file's bytes."""
    target = tmp_path / f"out.{SUFFIX[fmt]}"
    code, out, err = run(capsys, "list", "-f", store, "--format", fmt, "--width", "80", "--output", str(target), *args)
    assert (code, out) == (0, ""), err
    return target.read_bytes()


def test_cli_format_choices_are_the_registry(capsys):
    """The formats `list --format` offers when it refuses one are exactly the registry's keys, in order."""
    assert tuple(RENDERERS) == FORMATS
    assert set(SUFFIX) == set(RENDERERS)
    code, _, err = run(capsys, "list", "-f", FIXTURE, "--format", "nope")
    assert code == 2
    offered = err.rstrip("\n").split("choose one of: ", 1)[1]
    assert offered.split(", ") == list(RENDERERS)


def test_help_lists_every_format(capsys):
    """`timeline list --help` names each registered format."""
    code, out, _ = run(capsys, "list", "--help")
    assert code == 0
    flat = " ".join(out.split())
    for name in RENDERERS:
        assert name in flat


def test_unknown_format_is_a_usage_error(capsys):
    """An unregistered format exits 2 with a message naming the choices."""
    code, out, err = run(capsys, "list", "-f", FIXTURE, "--format", "pdf")
    assert code == 2 and out == ""
    assert "pdf" in err and "timelinejs" in err


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_golden(fmt, capsys, tmp_path):
    """Each format's output on the fixture store matches its reviewed golden file byte for byte."""
    got = render_file(capsys, tmp_path, FIXTURE, fmt)
    golden = GOLDEN / f"fixture.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(got)
    assert got == golden.read_bytes(), f"{golden.name} differs; if intended, refresh with UPDATE_GOLDEN=1"


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_empty_selection_renders(fmt, capsys, tmp_path):
    """A query that matches nothing still gives a well-formed document in every format."""
    got = render_file(capsys, tmp_path, FIXTURE, fmt, "--since", "2100", "--strict").decode("utf-8")
    if fmt in ("json", "timelinejs"):
        doc = json.loads(got)
        assert (doc if fmt == "json" else doc["events"]) == []
    elif fmt == "csv":
        assert got.count("\r\n") == 1 and got.startswith("id,")
    elif fmt == "ics":
        assert got.startswith("BEGIN:VCALENDAR") and "VEVENT" not in got
    else:
        assert "No events match" in got


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_output_matches_stdout(fmt, capsys, tmp_path):
    """--output writes what stdout would show (rich: the same text without colour)."""
    written = render_file(capsys, tmp_path, FIXTURE, fmt).decode("utf-8")
    code, out, _ = run(capsys, "list", "-f", FIXTURE, "--format", fmt, "--width", "80")
    assert code == 0
    assert written == out


# --- hostile text -------------------------------------------------------------------------


def hostile(capsys, tmp_path, fmt: str) -> str:
    return render_file(capsys, tmp_path, HOSTILE, fmt).decode("utf-8")


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_hostile_text_cannot_reach_the_terminal(fmt, capsys, tmp_path):
    """No format passes ESC, BEL, backspace, C1 or bidi controls, or a bare carriage return, through."""
    got = hostile(capsys, tmp_path, fmt)
    assert not RAW_CONTROL.search(got), repr(RAW_CONTROL.search(got))
    assert "\r" not in got.replace("\r\n", "")


def test_hostile_rich_markup_is_literal(capsys):
    """Rich markup in store text is printed as written, and no hyperlink or colour escape comes from it."""
    from rich.console import Console

    from timeline import store
    from timeline.formats import Context, get

    s = store.load(Path(HOSTILE))
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=True, color_system="truecolor", highlight=False)
    console.print(get("rich")(list(s.events), Context(store=s, width=100)))
    got = buffer.getvalue()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", got)
    assert "\x1b" not in plain  # only rich's own colour codes (SGR) remain
    assert "[bold]not bold[/bold]" in plain and "[link=https://evil.example]Mallory[/link]" in plain
    assert "\x1b]8;" not in got


class _Tags(HTMLParser):
    """Collects start tags and their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def check_html_fragment(text: str, allowed: set[str]) -> None:
    """No tag outside `allowed`, no event-handler attribute, no link but http(s) or in-page."""
    parser = _Tags()
    parser.feed(text)
    for tag, attrs in parser.tags:
        assert tag in allowed, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert re.match(r"(https?://|#)", href), href


def test_hostile_html_has_no_markup_from_the_store(capsys, tmp_path):
    """The HTML page keeps only the tags we write; store text is escaped text."""
    got = hostile(capsys, tmp_path, "html")
    allowed = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "span"}
    allowed |= {"main", "section", "ol", "li", "time", "a", "code"}
    check_html_fragment(got, allowed)
    assert "<script" not in got
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in got


def test_hostile_timelinejs_text_is_escaped(capsys, tmp_path):
    """TimelineJS's HTML fields carry escaped store text and only http(s) links; autolink is off."""
    doc = json.loads(hostile(capsys, tmp_path, "timelinejs"))
    for item in [doc["title"], *doc["events"]]:
        for field in ("headline", "text"):
            check_html_fragment(item["text"][field], {"p", "ol", "li", "a", "data"})
    for slide in doc["events"]:
        assert slide["autolink"] is False
        assert "<" not in slide["display_date"] and "<" not in slide.get("group", "")


def test_hostile_csv_has_no_formulas(capsys, tmp_path):
    """Every CSV cell that would start a formula starts with an apostrophe instead."""
    rows = list(csv.reader(io.StringIO(hostile(capsys, tmp_path, "csv"), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "no rows"
    for cell in cells:
        assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(cell.startswith("'=") for cell in cells) and any(cell.startswith("'\t") for cell in cells)


def test_hostile_markdown_makes_no_links_html_or_images(capsys, tmp_path):
    """Parsed as CommonMark, the hostile document has no raw HTML, no images and only http(s) links."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(hostile(capsys, tmp_path, "markdown"))
    inline = [t for tok in tokens if tok.children for t in tok.children]
    kinds = {t.type for t in [*tokens, *inline]}
    assert not kinds & {"html_block", "html_inline", "image", "code_block", "fence", "code_inline", "hr"}
    assert not kinds & {"blockquote_open", "bullet_list_open", "s_open"}
    # Emphasis only where the renderer puts it: the selection line and the three date lines.
    assert [t.type for t in inline].count("em_open") == 1
    assert [t.type for t in inline].count("strong_open") == 3
    for t in inline:
        if t.type == "link_open":
            assert re.match(r"https?://", t.attrs["href"]), t.attrs
    headings = [tok.tag for tok in tokens if tok.type == "heading_open"]
    assert headings.count("h1") == 1 and headings.count("h4") == 3


def test_hostile_ics_parses_and_keeps_text_literal(capsys, tmp_path):
    """The iCalendar file parses back; summaries hold the store's text and URL is http(s) or absent."""
    from icalendar import Calendar

    cal = Calendar.from_ical(hostile(capsys, tmp_path, "ics"))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 3
    assert "[bold]not bold[/bold] <script>alert(1)</script>" in str(events[0]["SUMMARY"])
    for ev in events:
        if "URL" in ev:
            assert re.match(r"https?://", str(ev["URL"]))


# What each format must show for the fixture's planned exhibition, so it never reads as held.
STATUS_SHOWN = {
    "rich": "PLANNED: Photo exhibition",
    "plain": "Planned: Photo exhibition",
    "markdown": "#### Planned: Photo exhibition",
    "html": "<h4>Planned: Photo exhibition",
    "ics": "SUMMARY:Planned: Photo exhibition",
    "timelinejs": '"headline": "Planned: Photo exhibition',
    "json": '"status": "planned"',
    "csv": ",culture,planned,",
}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_shows_a_status_that_is_not_happened(fmt, capsys, tmp_path):
    """A planned event is marked as planned in every format: words, a marker, a prefix or a field."""
    assert set(STATUS_SHOWN) == set(RENDERERS)
    got = render_file(capsys, tmp_path, FIXTURE, fmt, "id:exhibition").decode("utf-8")
    assert STATUS_SHOWN[fmt] in got


@pytest.mark.parametrize("fmt", ["plain", "markdown", "html", "ics"])
def test_grades_and_anchored_words_are_shown_with_the_sources(fmt, capsys, tmp_path):
    """A citation's grade and its words for the date, with the day they mean, appear where sources are listed."""
    got = render_file(capsys, tmp_path, FIXTURE, fmt, "id:acceptance").decode("utf-8")
    flat = " ".join(got.replace("\r\n ", "").replace("\\", "").split())
    assert 'published 5 Feb 2024, says "on Saturday" (Sat 3 Feb 2024), graded B2' in flat.replace("&quot;", '"')
