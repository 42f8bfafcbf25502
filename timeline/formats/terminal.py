"""The terminal timeline (rich): a rail down the page, a dot per event, dates beside it when wide.

Store text goes in as plain text with a style, never as markup, so `[bold]` in a title is just
characters, and it is cleaned of control codes first. Layout is measured in terminal cells, so
wide characters (CJK, emoji) do not push the rail out of line. The lines are laid out here, so
rich is handed finished segments (`Lines`) and never wraps or measures them again: printing a
whole store costs what printing its text does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from rich.cells import cell_len as _rich_cell_len
from rich.cells import chop_cells

from timeline.formats import Context
from timeline.formats.text import (
    actor_names,
    also_reported,
    clean,
    date_line,
    exact,
    sections,
    selection,
    source_label,
    status_word,
    when,
)
from timeline.model import Event

# Below this many columns the date goes above the title instead of beside it.
WIDE = 72
DATE_COLUMN = 16
RAIL = "│"


class Text:
    """One line of pieces, each (text, style); the few parts of rich's Text this layout uses."""

    __slots__ = ("pieces",)

    def __init__(self, text: str = "", style: str = "") -> None:
        self.pieces: list[tuple[str, str]] = [(text, style)] if text else []

    def append(self, text: str, style: str = "") -> None:
        self.pieces.append((text, style))

    @classmethod
    def of(cls, pieces: list[tuple[str, str]]) -> Text:
        line = cls()
        line.pieces = pieces
        return line

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.pieces)


class Lines:
    """The laid-out timeline: rich prints it as segments; `str()` gives the plain text."""

    def __init__(self, lines: list[Text]) -> None:
        self.lines = lines

    def __str__(self) -> str:
        return "".join(line.plain.rstrip() + "\n" for line in self.lines)

    def __rich_console__(self, console: Any, _options: Any) -> Iterator[Any]:
        from rich.segment import Segment

        styles: dict[str, Any] = {}
        newline = Segment.line()
        for line in self.lines:
            for text, style in line.pieces:
                found = styles.get(style)
                if found is None:
                    found = styles[style] = console.get_style(style) if style else None
                yield Segment(text, found)
            yield newline


@lru_cache(maxsize=4096)
def _wide_cells(text: str) -> int:
    return _rich_cell_len(text)


def cell_len(text: str) -> int:
    """Terminal cells `text` takes: its length for ASCII, rich's measure otherwise."""
    return len(text) if text.isascii() else _wide_cells(text)


def render(events: Sequence[Event], ctx: Context) -> Lines:
    """The timeline laid out for ctx.width columns, for rich to print."""
    width = max(ctx.width, 20)
    wide = width >= WIDE
    lines: list[Text] = []
    title = ctx.title or ctx.store.title
    if title:
        lines += [Text(line, style="bold") for line in _wrap(clean(title), width)]
    lines += [Text(line, style="dim") for line in _wrap(selection(len(events), ctx.filters, ctx.total), width)]
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
    return Lines(lines)


def _body(e: Event, ctx: Context) -> list[tuple[str, str]]:
    """(text, style) pieces shown to the right of the rail, in order."""
    word = status_word(e)
    # The marker a reader cannot miss: "threatened to expel" must never read as "expelled".
    parts = [(f"◇ {word.upper()}: {clean(e.title)}", "bold yellow") if word else (clean(e.title), "bold")]
    if e.summary:
        parts.append((clean(e.summary), ""))
    who = ", ".join(actor_names(e, ctx.store))
    if who:
        parts.append((who, "dim"))
    whence = ", ".join(source_label(c, ctx.store) for c in e.sources)
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
    marker, out = _marker(e), []
    for n in range(max(len(left), len(right))):
        date = left[n] if n < len(left) else ""
        # Styles go on the pieces, not the line: a line's style would tint everything on it.
        pieces = [(date + " " * (DATE_COLUMN - cell_len(date)), "cyan"), (f"{marker} ", "cyan") if n == 0 else _RAIL]
        if n < len(right):
            pieces.append(right[n])
        out.append(Text.of(pieces))
    out.append(Text(" " * DATE_COLUMN + RAIL, style="blue"))
    return out


_RAIL = (f"{RAIL} ", "blue")


def _line(prefix: str, chunk: str, style: str) -> Text:
    line = Text()
    line.append(prefix, style="cyan" if RAIL not in prefix else "blue")
    line.append(chunk, style=style)
    return line


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap measured in terminal cells; a word longer than the line is cut."""
    width = max(width, 8)
    measure = len if text.isascii() else cell_len  # ASCII takes one cell a character
    lines: list[str] = []
    current = ""
    size = 0
    for word in text.split():
        pieces = chop_cells(word, width) if measure(word) > width else [word]
        for piece in pieces:
            cells = measure(piece)
            if not current:
                current, size = piece, cells
            elif size + 1 + cells <= width:
                current += " " + piece
                size += 1 + cells
            else:
                lines.append(current)
                current, size = piece, cells
    if current:
        lines.append(current)
    return lines or [""]
