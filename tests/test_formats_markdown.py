"""Markdown: a CommonMark document with the report's structure, and escaping that keeps text text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.test_cli import run
from timeline.formats.markdown import escape, link

FIXTURE = str(Path(__file__).parent / "data" / "formats" / "fixture.toml")


def parse(text: str):
    return MarkdownIt("commonmark").parse(text)


def headings(tokens) -> list[tuple[str, str]]:
    return [(tok.tag, tokens[i + 1].content) for i, tok in enumerate(tokens) if tok.type == "heading_open"]


def test_briefing_for_kulubaev(bundled, capsys):
    """`list --actor kulubaev --format markdown` is a titled report naming its filter, with dated, sourced events."""
    code, out, _ = run(capsys, "list", "--actor", "kulubaev", "--format", "markdown")
    assert code == 0
    tokens = parse(out)
    found = headings(tokens)
    assert found[0] == ("h1", "Kyrgyzstan–US exchange over the foreign-agents bill (2022–2024)")
    assert ("h4", "Kulubaev gives Ambassador Viguerie Japarov's reply to Blinken") in found
    assert "*2 events. Filters: actor kulubaev.*" in out
    assert "**9 Feb 2024 · also reported 11 Feb 2024 (TASS)**" in out
    assert "Jeenbek Kulubaev (foreign minister)" in out
    links = [t.attrs["href"] for tok in tokens if tok.children for t in tok.children if t.type == "link_open"]
    assert "https://24.kg/english/286437" in links
    assert not [tok for tok in tokens if tok.type.startswith("html")]


def test_headings_follow_year_then_month(capsys):
    """Years are h2, months h3, events h4, each heading once, in time order."""
    code, out, _ = run(capsys, "list", "-f", FIXTURE, "--format", "markdown")
    assert code == 0
    found = headings(parse(out))
    h2 = [text for tag, text in found if tag == "h2"]
    h3 = [text for tag, text in found if tag == "h3"]
    assert h2 == ["2022", "2023", "2024"]
    assert h3[:4] == ["Month not known", "May 2023", "January 2024", "February 2024"]
    assert len(h3) == len(set(h3))


def test_title_option_replaces_store_title(capsys):
    """--title gives the document its title, and the store's description is then left out."""
    code, out, _ = run(capsys, "list", "-f", FIXTURE, "--format", "markdown", "--title", "Briefing: *twinning*")
    assert code == 0
    assert out.startswith("# Briefing: \\*twinning\\*\n")
    assert "made-up exchange" not in out


def test_sources_are_numbered_links(capsys):
    """Each event's sources are an ordered list; only sources with an address are links."""
    code, out, _ = run(capsys, "list", "-f", FIXTURE, "--format", "markdown", "--tag", "correspondence")
    assert code == 0
    assert "1. [Mayor's Office, Özgön](https://ozgon.example/press/2024/01/15), published 15 Jan 2024" in out
    assert "2. [Wire Service](https://wire.example/), graded B? — quotes the invitation" in out
    lists = [tok for tok in parse(out) if tok.type == "ordered_list_open"]
    assert len(lists) == 3


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "![i](https://e.example/i.png)",
        "*a* _b_ **c** `d` ~~e~~",
        "<https://auto.example>",
        "&copy; &#60; &#x3c;",
        "a | b | c",
        "ends with a backslash \\",
    ],
)
def test_escape_keeps_inline_markup_literal(text):
    """Escaped inline text renders back to exactly the original characters, with no markup."""
    html = MarkdownIt("commonmark").renderInline(escape(text))
    expected = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert html == expected


@pytest.mark.parametrize("text", ["# heading", "- item", "+ item", "> quote", "1. item", "2) item", "    code", "==="])
def test_escape_block_keeps_line_starts_literal(text):
    """At the start of a block, list, quote, heading and code markers are neutralised."""
    tokens = parse(escape(text, block=True))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert tokens[1].children[0].content == text.strip()


def test_link_only_for_web_addresses():
    """http(s) addresses become links with awkward characters percent-encoded; others stay plain text."""
    assert link("A", "https://x.example/a (b)") == "A"  # a space: not a clean address
    assert link("A", "https://x.example/a_(b)") == "[A](https://x.example/a_%28b%29)"
    assert link("A", "javascript:alert(1)") == "A"
    assert link("A [1]", "data:text/html,x") == "A \\[1\\]"
    assert re.fullmatch(r"\[A\]\(https://x\.example/\?q=1&r=2\)", link("A", "https://x.example/?q=1&r=2"))
