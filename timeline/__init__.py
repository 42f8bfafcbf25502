"""timeline: keep and query a sourced fact timeline stored as TOML.

The command line is one client of this API; notebooks and scripts are others::

    import timeline

    store = timeline.load("events.toml")
    titles = [m.event.title for m in timeline.select(store, "tag:trade", actor="kulubaev") if m.certain]
    report = timeline.render(store, timeline.select(store, since="2024"), format="markdown")
    problems = timeline.check("events.toml")

Every function takes what the matching command takes and raises `TimelineError` (its subclass
`StoreError` for a store that does not load, `UsageError` for a bad term or value) with the
one-line message the command would print.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from timeline.errors import StoreError, TimelineError, UsageError
from timeline.model import Actor, Event, Problem, Source, Store

if TYPE_CHECKING:
    from timeline.query import Match

__version__ = "0.1.0"
__all__ = [
    "Actor", "Event", "Match", "Problem", "Source", "Store", "StoreError", "TimelineError", "UsageError",
    "__version__", "check", "load", "render", "select",
]  # fmt: skip

Values = str | Sequence[str] | None


def load(path: str | os.PathLike[str], *, cache: bool = True) -> Store:
    """The store at `path`; a StoreError, located (file:line: message), when it does not load.

    With `cache`, large stores are read through the cache (the same answer, faster); without
    it the file is parsed in full.
    """
    from pathlib import Path

    from timeline import store

    where = Path(os.fspath(path))
    if cache:
        from timeline import cache as cached

        return cached.load(where)
    return store.load(where)


def select(
    store: Store,
    *terms: str,
    actor: Values = None,
    tag: Values = None,
    source: Values = None,
    type: Values = None,  # noqa: A002 - the flag's own name
    text: Values = None,
    since: str | date | None = None,
    until: str | date | None = None,
    strict: bool = False,
) -> list[Match]:
    """The events that match, in timeline order, as `timeline list` selects them.

    `terms` are the query terms of `timeline list` ('actor:kulubaev', 'since:2024', 'not:tag:trade',
    'between:ID1,ID2', words); the keywords are its flags. Each match has `.event`, `.certain`
    (False: the event only may match, e.g. its date is coarser than the window) and `.reasons`.
    """
    from timeline import query

    f = query.make_filter(
        terms, actor=actor, tag=tag, source=source, type=type, text=text, since=since, until=until, strict=strict
    )
    return query.ordered(store, f)


def render(
    store: Store,
    items: Iterable[Match | Event],
    format: str = "markdown",  # noqa: A002 - the flag's own name
    *,
    width: int = 80,
    title: str | None = None,
    explain: bool = False,
) -> str:
    """`items` (matches from `select`, or events) as a report in `format`: any `timeline list --format`.

    Possible matches carry their note, and with `explain` every match says why it matched.
    """
    from timeline.formats import Context, as_text, get, listing, resolve

    format = resolve(format, flag="format")  # noqa: A001 - the flag's own name
    items = list(items)
    matches = [m for m in items if not isinstance(m, Event)]
    if len(matches) == len(items):
        events, ctx = listing(store, matches, explain=explain, width=width, title=title)
    else:  # plain events were not selected by a query: nothing to say about how they matched
        from timeline import query

        events = [m if isinstance(m, Event) else m.event for m in items]
        ctx = Context(store=store, width=width, title=title or store.title, notes=query.notes(matches, explain=explain))
    return as_text(get(format)(events, ctx), width=width)


def check(path: str | os.PathLike[str]) -> list[Problem]:
    """Every finding of `timeline check` for the store at `path`, sorted by line.

    Rules are chosen as the command chooses them: the store's [check] table and the nearest
    pyproject.toml's [tool.timeline.check]. A file that cannot be read raises StoreError.
    """
    from pathlib import Path

    from timeline import lint

    return list(lint.check_file(Path(os.fspath(path))).problems)
