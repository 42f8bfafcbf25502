"""Plain text: the Markdown report's structure as wrapped text, with nothing but text in it."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

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
from timeline.model import Event


def render(events: Sequence[Event], ctx: Context) -> str:
    """The timeline as plain text, wrapped at ctx.width."""
    width = max(ctx.width, 30)
    out = _heading(ctx, len(events), width)
    for year, months in sections(events):
        out += [year, "=" * len(year), ""]
        for month, group in months:
            if month:
                out += [month, "-" * len(month), ""]
            for e in group:
                out += _event(e, ctx, width)
    if not events:
        out.append("No events match.")
    return "\n".join(out).rstrip("\n") + "\n"


def _heading(ctx: Context, count: int, width: int) -> list[str]:
    store = ctx.store
    title = clean(ctx.title or store.title or "Timeline")
    out = _wrap(title, width, "", "")
    out += ["#" * min(max(len(line) for line in out), width), ""]
    if store.description and ctx.title in (None, store.title):
        out += _wrap(clean(" ".join(store.description.split())), width, "", "") + [""]
    return out + _wrap(selection(count, ctx.filters, ctx.total), width, "", "") + [""]


def _event(e: Event, ctx: Context, width: int) -> list[str]:
    store = ctx.store
    lines = _wrap(date_line(e, store), width, "", "  ")
    lines += _wrap(headline(e), width, "  ", "  ")
    if e.summary:
        lines += _wrap(clean(e.summary), width, "  ", "  ")
    actors = actor_labels(e, store)
    if actors:
        lines += _wrap("Actors: " + ", ".join(actors), width, "  ", "    ")
    for label, ids in relations(e, ctx.responses):
        lines += _wrap(f"{label}: " + "; ".join(event_title(store, i) for i in ids), width, "  ", "    ")
    note = ctx.notes.get(e.id)
    if note:
        lines += _wrap(f"{ctx.note_label}: " + clean(note), width, "  ", "    ")
    if e.sources:
        lines.append("  Sources:")
        for n, c in enumerate(e.sources, start=1):
            url = web_url(citation_url(c, store))
            text = f"{n}. {source_name(store, c.id)}{citation_extra(c, store)}" + (f" <{url}>" if url else "")
            lines += _wrap(text, width, "    ", "       ")
    lines += _wrap(f"id: {e.id}", width, "  ", "  ")
    return lines + [""]


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    # Long words (addresses) are never broken, so a URL can still be copied whole.
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [first.rstrip()]
