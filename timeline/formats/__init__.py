"""Renderers, one module per format, in a registry keyed by format name.

Each renderer is `render(events, ctx) -> str` (rich returns a renderable). Modules load only
when their format is asked for, so a plain listing never imports rich.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from timeline.model import Event, Store

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


@dataclass(frozen=True, slots=True)
class Context:
    """What a renderer may need besides the events."""

    store: Store
    width: int = 80
    title: str | None = None
    filters: str = ""
    # event id -> why it matched a query (shown by --explain)
    notes: Mapping[str, str] = field(default_factory=dict)
    # what the notes are, as the label before each ("Change" in `timeline diff`)
    note_label: str = "Matched"


Renderer = Callable[[Sequence[Event], Context], Any]


def get(name: str) -> Renderer:
    """The render function for a format name."""
    module = importlib.import_module(f"timeline.formats.{RENDERERS[name]}")
    return module.render


def as_text(result: Any, *, width: int) -> str:
    """A renderer's result as text: a string as is, a rich renderable drawn without colour."""
    if isinstance(result, str):
        return result
    from io import StringIO

    from rich.console import Console

    buffer = StringIO()
    Console(file=buffer, width=width, highlight=False, no_color=True).print(result)
    return buffer.getvalue()
