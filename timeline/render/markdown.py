"""Markdown (CommonMark): a report-ready document with headings by year and month."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from timeline import dates
from timeline.model import Citation, Event
from timeline.render import Context
from timeline.render.text import actor_names, citation_url, clean, date_line, group, source_name

# Inline punctuation that CommonMark could read as markup, links, HTML or entities.
_INLINE = re.compile(r"([\\`*_{}\[\]<>!|~&#])")
_BLOCK_START = re.compile(r"^(\s*)(?:([-+=>])|(\d+)([.)]))")


def escape(text: str, *, block: bool = False) -> str:
    """Store text as literal Markdown: no emphasis, links, HTML or block syntax can come through.

    With `block`, the text starts a line, so list, quote and heading markers are escaped too.
    """
    text = _INLINE.sub(r"\\\1", clean(text))
    if block:
        text = _BLOCK_START.sub(_escape_marker, text)
    return text


def _escape_marker(m: re.Match) -> str:
    if m.group(2):
        return m.group(1) + "\\" + m.group(2)
    return m.group(1) + m.group(3) + "\\" + m.group(4)


def link(label: str, url: str | None) -> str:
    """A link only for http(s) addresses; anything else (javascript:, data:) stays plain text."""
    if url and re.match(r"^https?://", url, re.IGNORECASE):
        safe = quote(clean(url), safe=":/?#[]@!$&'()*+,;=%~-._")
        return f"[{escape(label)}](<{safe}>)"
    return escape(label)


def _citation(c: Citation, ctx: Context) -> str:
    text = link(source_name(ctx.store, c.id), citation_url(c, ctx.store))
    if c.published:
        text += f", published {dates.display(c.published)}"
    if c.note:
        text += f" — {escape(c.note)}"
    return text


def render(events: Sequence[Event], ctx: Context) -> str:
    """The timeline as a Markdown document."""
    out: list[str] = [f"# {escape(ctx.title or 'Timeline')}", ""]
    if ctx.filters:
        out += [f"*Filters: {escape(ctx.filters)}*", ""]
    year_seen = month_seen = None
    for e in events:
        year, month = group(e)
        if year != year_seen:
            out += [f"## {year}", ""]
            year_seen, month_seen = year, None
        if month and month != month_seen:
            out += [f"### {month}", ""]
        month_seen = month
        out += [f"#### {escape(e.title)}", "", f"**{escape(date_line(e, ctx.store))}**", ""]
        if e.summary:
            out += [escape(e.summary, block=True), ""]
        actors = actor_names(e, ctx.store)
        if actors:
            out += ["Actors: " + ", ".join(escape(a) for a in actors), ""]
        if ctx.notes.get(e.id):
            out += [f"Matched: {escape(ctx.notes[e.id])}", ""]
        if e.sources:
            out += ["Sources:", ""]
            out += [f"{n}. {_citation(c, ctx)}" for n, c in enumerate(e.sources, start=1)]
            out.append("")
    if not events:
        out += ["No events match.", ""]
    return "\n".join(out).rstrip("\n") + "\n"
