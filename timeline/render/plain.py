"""Plain text: headings by year and month, one block per event, wrapped, nothing but text."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from timeline.model import Event
from timeline.render import Context
from timeline.render.text import actor_names, clean, date_line, group, source_names


def render(events: Sequence[Event], ctx: Context) -> str:
    """The timeline as plain text, wrapped at ctx.width."""
    width = max(ctx.width, 30)
    out: list[str] = []
    if ctx.title:
        out += [clean(ctx.title), "=" * min(len(ctx.title), width), ""]
    if ctx.filters:
        out += _wrap(f"Filters: {clean(ctx.filters)}", width, "") + [""]
    year_seen = month_seen = None
    for e in events:
        year, month = group(e)
        if year != year_seen:
            out += [year, "-" * len(year), ""]
            year_seen, month_seen = year, None
        if month and month != month_seen:
            out += [f"  {month}", ""]
        month_seen = month
        out += _block(e, ctx, width)
    if not events:
        out.append("No events match.")
    return "\n".join(out).rstrip("\n") + "\n"


def _block(e: Event, ctx: Context, width: int) -> list[str]:
    lines = _wrap(date_line(e, ctx.store), width, "  ")
    lines += _wrap(f"{clean(e.title)} [{e.id}]", width, "    ")
    if e.summary:
        lines += _wrap(clean(e.summary), width, "    ")
    actors = actor_names(e, ctx.store)
    if actors:
        lines += _wrap("Actors: " + ", ".join(actors), width, "    ")
    sources = source_names(e, ctx.store)
    if sources:
        lines += _wrap("Sources: " + ", ".join(sources), width, "    ")
    note = ctx.notes.get(e.id)
    if note:
        lines += _wrap("Matched: " + clean(note), width, "    ")
    return lines + [""]


def _wrap(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    ) or [indent.rstrip()]
