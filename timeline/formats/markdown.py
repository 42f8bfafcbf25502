"""Markdown (CommonMark): a report-ready document with headings by year and month.

Store text is escaped so that it stays text: no emphasis, links, images, HTML, entities or
block syntax can come out of a title or summary. Only http(s) addresses become links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from timeline.formats import Context
from timeline.formats.text import (
    actor_labels,
    citation_extra,
    citation_url,
    clean,
    date_line,
    event_title,
    headline,
    relations,
    sections,
    selection,
    source_name,
    web_url,
)
from timeline.model import Citation, Event

# Inline punctuation that CommonMark (or GitHub's dialect) could read as emphasis, code,
# links, images, raw HTML, tables or strikethrough; others are left alone so the text reads.
_INLINE = re.compile(r"([\\`*_\[\]<>|~#])")
# "&amp;" would become "&": escape an ampersand only where it starts something entity-like.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Markers that only mean something at the start of a line: lists, quotes, headings, breaks.
_BLOCK_START = re.compile(r"^(?:([-+=>])|(\d+)([.)]))")
# Characters kept as they are in a link destination; everything else is percent-encoded, so
# the destination has no spaces, brackets or parentheses that could end it early.
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


def escape(text: str, *, block: bool = False) -> str:
    """Store text as literal Markdown; with `block`, line-start markers are escaped too."""
    text = _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", clean(text)))
    if block:
        # Leading spaces would make an indented code block; the marker check needs them gone.
        text = _BLOCK_START.sub(_escape_marker, text.strip())
    return text


def _escape_marker(m: re.Match) -> str:
    if m.group(1):
        return "\\" + m.group(1)
    return m.group(2) + "\\" + m.group(3)


def link(label: str, url: str | None) -> str:
    """A link only for http(s) addresses; anything else (javascript:, data:) stays plain text."""
    safe = web_url(url)
    if safe is None:
        return escape(label)
    return f"[{escape(label)}]({quote(safe, safe=_URL_SAFE)})"


def _citation(c: Citation, ctx: Context) -> str:
    return link(source_name(ctx.store, c.id), citation_url(c, ctx.store)) + escape(citation_extra(c, ctx.store))


def _heading(ctx: Context, count: int) -> list[str]:
    store = ctx.store
    out = [f"# {escape(ctx.title or store.title or 'Timeline')}", ""]
    if store.description and (ctx.title in (None, store.title)):
        out += [escape(" ".join(store.description.split()), block=True), ""]
    out += [f"*{escape(selection(count, ctx.filters, ctx.total))}*", ""]
    return out


def _event(e: Event, ctx: Context) -> list[str]:
    out = [f"#### {escape(headline(e))}", "", f"**{escape(date_line(e, ctx.store))}**", ""]
    if e.summary:
        out += [escape(e.summary, block=True), ""]
    actors = actor_labels(e, ctx.store)
    if actors:
        out += ["Actors: " + ", ".join(escape(a) for a in actors), ""]
    for label, ids in relations(e, ctx.responses):
        out += [f"{label}: " + "; ".join(escape(event_title(ctx.store, i)) for i in ids), ""]
    note = ctx.notes.get(e.id)
    if note:
        out += [f"*{escape(ctx.note_label)}: {escape(note)}*", ""]
    if e.sources:
        out += ["Sources:", ""]
        out += [f"{n}. {_citation(c, ctx)}" for n, c in enumerate(e.sources, start=1)]
        out.append("")
    return out


def render(events: Sequence[Event], ctx: Context) -> str:
    """The timeline as a Markdown document."""
    out = _heading(ctx, len(events))
    for year, months in sections(events):
        out += [f"## {escape(year)}", ""]
        for month, group in months:
            if month:
                out += [f"### {escape(month)}", ""]
            for e in group:
                out += _event(e, ctx)
    if not events:
        out += ["No events match.", ""]
    return "\n".join(out).rstrip("\n") + "\n"
