"""Renderers, one module per format, in a registry keyed by format name.

Each renderer is `render(events, ctx) -> str` (rich returns a renderable). Modules load only
when their format is asked for, so a plain listing never imports rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from timeline.model import Event, Store

if TYPE_CHECKING:
    from timeline.query import Match

# format name -> module under timeline.formats that defines `render`
RENDERERS: dict[str, str] = {
    "rich": "terminal",
    "plain": "plain",
    "markdown": "markdown",
    "json": "json",
    "csv": "csv",
    "html": "html",
    "ics": "ics",
    "timelinejs": "timelinejs",
}


# Other names people type for a format; `--format md` means what `--output x.md` means.
ALIASES: dict[str, str] = {"md": "markdown", "txt": "plain", "text": "plain", "htm": "html", "ical": "ics"}
# An --output file's extension names its format when --format is not given.
EXTENSIONS: dict[str, str] = {
    ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".ics": "ics",
    ".csv": "csv", ".json": "json", ".txt": "plain",
}  # fmt: skip


def resolve(name: str, *, flag: str = "--format", allowed: Sequence[str] = tuple(RENDERERS)) -> str:
    """The format `name` (or its alias) stands for; a UsageError suggesting the closest when it is none of `allowed`."""
    from timeline.errors import UsageError
    from timeline.text import did_you_mean, short

    fmt = ALIASES.get(name.lower(), name.lower())
    if fmt in allowed:
        return fmt
    hint = did_you_mean(name.lower(), [*allowed, *(a for a, f in ALIASES.items() if f in allowed)], n=1)
    raise UsageError(
        f"{flag}: unknown format '{short(name)}'; {hint + ' ' if hint else ''}choose one of: {', '.join(allowed)}"
    )


def for_output(path: str, *, allowed: Sequence[str] = tuple(RENDERERS)) -> str | None:
    """The format an --output file's extension names; None without an extension; an error for another."""
    from pathlib import PurePath

    from timeline.errors import UsageError
    from timeline.text import short

    suffix = PurePath(path).suffix.lower()
    if not suffix:
        return None
    fmt = EXTENSIONS.get(suffix)
    if fmt in allowed:
        return fmt
    known = ", ".join(e for e, f in EXTENSIONS.items() if f in allowed)
    what = f"cannot write {fmt} here" if fmt else f"cannot tell a format from '{short(suffix)}'"
    raise UsageError(
        f"--output {short(path)}: {what}; name a file ending in {known}, or give --format ({', '.join(allowed)})"
    )


@dataclass(frozen=True, slots=True)
class Context:
    """What a renderer may need besides the events."""

    store: Store
    width: int = 80
    title: str | None = None
    filters: str = ""
    # event id -> why it matched a query (shown by --explain)
    notes: Mapping[str, str] = field(default_factory=dict)
    # event id -> its match, when the events come from a query: data formats say certain or possible
    matches: Mapping[str, Match] | None = None
    # how many events matched before --limit cut the list (None: it did not)
    total: int | None = None
    # what the notes are, as the label before each ("Change" in `timeline diff`)
    note_label: str = "Matched"

    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def responses(self) -> Mapping[str, tuple[str, ...]]:
        """The events that answer each event, worked out once per report (never per event)."""
        found = self._derived.get("responses")
        if found is None:
            from timeline.query.order import responses

            found = self._derived["responses"] = responses(self.store)
        return found


def listing(
    store: Store,
    matches: Sequence[Match],
    *,
    explain: bool = False,
    total: int | None = None,
    width: int = 80,
    title: str | None = None,
    filters: str = "",
) -> tuple[list[Event], Context]:
    """The events of `matches` and the Context that renders them as `timeline list` does."""
    from timeline import query

    ctx = Context(
        store=store,
        width=width,
        title=title or store.title,
        filters=filters,
        notes=query.notes(matches, explain=explain),
        matches={m.event.id: m for m in matches},
        total=total if total is not None and total != len(matches) else None,
    )
    return [m.event for m in matches], ctx


Renderer = Callable[[Sequence[Event], Context], Any]


def get(name: str) -> Renderer:
    """The render function for a format name."""
    module = importlib.import_module(f"timeline.formats.{RENDERERS[name]}")
    return module.render


def as_text(result: Any, *, width: int) -> str:
    """A renderer's result as text: a string as is, a rich renderable drawn without colour."""
    if isinstance(result, str):
        return result
    from timeline.formats.terminal import Lines

    if isinstance(result, Lines):
        return str(result)  # laid out already: without colour it is just its text
    from io import StringIO

    from rich.console import Console

    buffer = StringIO()
    Console(file=buffer, width=width, highlight=False, no_color=True).print(result)
    return buffer.getvalue()
