"""The terminal timeline (rich): headings, a rule down the side, titles bold, who and whence dim.

Store text goes in as rich `Text`, never as markup, so `[bold]` in a title is just characters.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.console import Group
from rich.text import Text

from timeline.model import Event
from timeline.render import Context
from timeline.render.text import actor_names, clean, date_line, group, source_names


def render(events: Sequence[Event], ctx: Context) -> Group:
    """A rich renderable: the timeline wrapped to ctx.width."""
    width = max(ctx.width, 20)
    lines: list[Text] = []
    if ctx.title:
        lines += [Text(clean(ctx.title), style="bold"), Text("")]
    if ctx.filters:
        lines += [Text(f"Filters: {clean(ctx.filters)}", style="dim"), Text("")]
    year_seen = month_seen = None
    for e in events:
        year, month = group(e)
        if year != year_seen:
            lines.append(Text(year, style="bold underline"))
            year_seen, month_seen = year, None
        if month and month != month_seen:
            lines.append(Text(" " + month, style="bold"))
        month_seen = month
        lines += _event(e, ctx, width)
    if not events:
        lines.append(Text("No events match.", style="dim"))
    return Group(*lines)


def _event(e: Event, ctx: Context, width: int) -> list[Text]:
    exact = e.date.precision == "day" and not (e.date.uncertain or e.date.approximate)
    marker = "●" if exact else "○"
    out = _wrapped(date_line(e, ctx.store), width, f" {marker} ", " │ ", "cyan")
    out += _wrapped(clean(e.title), width, " │ ", " │ ", "bold")
    if e.summary:
        out += _wrapped(clean(e.summary), width, " │ ", " │ ", "")
    who = ", ".join(actor_names(e, ctx.store))
    whence = ", ".join(source_names(e, ctx.store))
    meta = " · ".join(x for x in (who, whence) if x)
    if meta:
        out += _wrapped(meta, width, " │ ", " │ ", "dim")
    note = ctx.notes.get(e.id)
    if note:
        out += _wrapped("matched: " + clean(note), width, " │ ", " │ ", "italic")
    out += _wrapped(f"{e.id}", width, " │ ", " │ ", "dim")
    out.append(Text(" │", style="dim"))
    return out


def _wrapped(text: str, width: int, first: str, rest: str, style: str) -> list[Text]:
    body = textwrap.wrap(text, width=max(width - len(first), 10), break_on_hyphens=False) or [""]
    out = []
    for n, chunk in enumerate(body):
        prefix = first if n == 0 else rest
        line = Text(prefix, style="cyan" if "│" not in prefix else "blue")
        line.append(chunk, style=style)
        out.append(line)
    return out
