"""The terminal timeline (rich): a rail down the page, a dot per event, dates beside it when wide.

Store text goes in as rich `Text`, never as markup, so `[bold]` in a title is just characters,
and it is cleaned of control codes first. Layout is measured in terminal cells, so wide
characters (CJK, emoji) do not push the rail out of line.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, chop_cells
from rich.console import Group
from rich.text import Text

from timeline.formats import Context
from timeline.formats.text import (
    actor_names,
    also_reported,
    clean,
    date_line,
    exact,
    sections,
    selection,
    source_names,
    when,
)
from timeline.model import Event

# Below this many columns the date goes above the title instead of beside it.
WIDE = 72
DATE_COLUMN = 16
RAIL = "│"


def render(events: Sequence[Event], ctx: Context) -> Group:
    """A rich renderable: the timeline laid out for ctx.width columns."""
    width = max(ctx.width, 20)
    wide = width >= WIDE
    lines: list[Text] = []
    title = ctx.title or ctx.store.title
    if title:
        lines += [Text(line, style="bold") for line in _wrap(clean(title), width)]
    lines += [Text(line, style="dim") for line in _wrap(selection(len(events), ctx.filters), width)]
    if any(not exact(e.date) for e in events):
        lines.append(Text("● a known day   ○ a partial, hedged or disputed date", style="dim"))
    for year, months in sections(events):
        heading = Text(year, style="bold")
        heading.append(" " + "─" * max(width - cell_len(year) - 1, 0), style="dim")
        lines += [Text(""), heading]
        for month, group in months:
            if month:
                lines.append(Text(month, style="bold"))
            for e in group:
                lines += _wide(e, ctx, width) if wide else _narrow(e, ctx, width)
    if not events:
        lines.append(Text("No events match.", style="dim"))
    return Group(*lines)


def _body(e: Event, ctx: Context) -> list[tuple[str, str]]:
    """(text, style) pieces shown to the right of the rail, in order."""
    parts = [(clean(e.title), "bold")]
    if e.summary:
        parts.append((clean(e.summary), ""))
    who = ", ".join(actor_names(e, ctx.store))
    if who:
        parts.append((who, "dim"))
    whence = ", ".join(source_names(e, ctx.store))
    if whence:
        parts.append(("sources: " + whence, "dim"))
    note = ctx.notes.get(e.id)
    if note:
        parts.append((f"{ctx.note_label.lower()}: " + clean(note), "italic"))
    parts.append((e.id, "dim"))
    return parts


def _marker(e: Event) -> str:
    return "●" if exact(e.date) else "○"


def _narrow(e: Event, ctx: Context, width: int) -> list[Text]:
    """Date line on the rail's dot, then the event's text beside the rail."""
    text_width = width - 3
    out = [_line(f" {_marker(e)} ", chunk, "cyan") for chunk in _wrap(date_line(e, ctx.store), text_width)[:1]]
    out += [_line(f" {RAIL} ", chunk, "cyan") for chunk in _wrap(date_line(e, ctx.store), text_width)[1:]]
    for text, style in _body(e, ctx):
        out += [_line(f" {RAIL} ", chunk, style) for chunk in _wrap(text, text_width)]
    out.append(_line(f" {RAIL}", "", ""))
    return out


def _wide(e: Event, ctx: Context, width: int) -> list[Text]:
    """The date in a column of its own, the dot on the rail, the text to the right."""
    text_width = width - DATE_COLUMN - 3
    left = _wrap(when(e), DATE_COLUMN - 1)
    right: list[tuple[str, str]] = []
    parts = _body(e, ctx)
    extra = also_reported(e, ctx.store)
    if e.undecided:
        extra = date_line(e, ctx.store)
    if extra:
        parts.insert(1, (extra, "yellow"))
    for text, style in parts:
        right += [(chunk, style) for chunk in _wrap(text, text_width)]
    out = []
    for n in range(max(len(left), len(right))):
        date = left[n] if n < len(left) else ""
        # Styles go on the pieces, not the line: a line's style would tint everything on it.
        line = Text()
        line.append(date + " " * (DATE_COLUMN - cell_len(date)), style="cyan")
        line.append(f"{_marker(e) if n == 0 else RAIL} ", style="cyan" if n == 0 else "blue")
        if n < len(right):
            line.append(right[n][0], style=right[n][1])
        out.append(line)
    out.append(Text(" " * DATE_COLUMN + RAIL, style="blue"))
    return out


def _line(prefix: str, chunk: str, style: str) -> Text:
    line = Text()
    line.append(prefix, style="cyan" if RAIL not in prefix else "blue")
    line.append(chunk, style=style)
    return line


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap measured in terminal cells; a word longer than the line is cut."""
    width = max(width, 8)
    lines: list[str] = []
    current = ""
    for word in text.split():
        pieces = chop_cells(word, width) if cell_len(word) > width else [word]
        for piece in pieces:
            if not current:
                current = piece
            elif cell_len(current) + 1 + cell_len(piece) <= width:
                current += " " + piece
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines or [""]
