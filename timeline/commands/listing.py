"""`timeline list` and `timeline show`: reading the timeline."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from timeline.commands.common import (
    FORMATS,
    FileOpt,
    choose_format,
    emit,
    load_store,
    terminal_width,
    typed_bound,
    warn,
)
from timeline.errors import TimelineError, UsageError


def list_(
    actor: Annotated[list[str], typer.Option("--actor", "-a", help="Actor id, name or alias (repeat to widen).")] = [],
    tag: Annotated[list[str], typer.Option("--tag", "-t", help="Tag (repeat to widen).")] = [],
    source: Annotated[list[str], typer.Option("--source", "-s", help="Source id or name (repeat to widen).")] = [],
    type_: Annotated[list[str], typer.Option("--type", help="Event type, e.g. meeting (repeat to widen).")] = [],
    text: Annotated[list[str], typer.Option("--text", help="Words in the title or summary, any case.")] = [],
    since: Annotated[
        Optional[str], typer.Option(help="Keep events that may fall on or after this date: 2024-02, '9 Feb 2024'.")
    ] = None,
    until: Annotated[Optional[str], typer.Option(help="Keep events that may fall on or before this date.")] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="With --since/--until: keep only events certainly inside the window.")
    ] = False,
    limit: Annotated[Optional[int], typer.Option(min=0, help="Show at most N events.")] = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            help=f"Output format: {', '.join(FORMATS)}. Default: rich on a terminal, plain otherwise.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.")
    ] = None,
    width: Annotated[Optional[int], typer.Option(min=20, help="Wrap text at this width.")] = None,
    title: Annotated[Optional[str], typer.Option(help="Title for document formats (default: the store's).")] = None,
    file: FileOpt = None,
) -> None:
    """List events in time order, filtered.

    Repeating a filter widens it (any value may match); different filters narrow it (all must hold).
    A coarse date is kept when it may fall inside --since/--until: '--since 2024-02-10' keeps an
    event dated only 'Feb 2024'. Add --strict to keep only events certainly inside.

    Examples:

      timeline list --actor kulubaev

      timeline list --since 2024-02 --until 2024-02 --format json
    """
    from timeline import order, query
    from timeline.render import Context, get

    fmt = choose_format(fmt if fmt is not None or output is None else "plain")
    f = query.Filter(
        actors=tuple(actor),
        tags=tuple(tag),
        sources=tuple(source),
        types=tuple(type_),
        texts=tuple(text),
        since=typed_bound(since, "--since", "earliest"),
        until=typed_bound(until, "--until", "latest"),
        strict=strict,
    )
    s = load_store(file)
    placement = order.place(s)
    if placement.cyclic:
        warn(f"{s.path}: event '{placement.cyclic[0]}' is in a cycle of after/before/in_response_to")
    events = query.limit(order.sort_events(s, query.select(s, f), placement), limit, reverse=reverse)
    w = width or terminal_width()
    ctx = Context(store=s, width=w, title=title or s.title, filters=query.describe(f))
    emit(get(fmt)(events, ctx), width=w, output=output)


def show(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event's id, as 'timeline list' shows it.")],
    fmt: Annotated[Optional[str], typer.Option("--format", help="plain (default) or json.")] = None,
    width: Annotated[Optional[int], typer.Option(min=20, help="Wrap text at this width.")] = None,
    file: FileOpt = None,
) -> None:
    """Show one event in full: every date claim, actor with offices, source with address, and links."""
    s = load_store(file)
    e = s.by_id.get(event_id)
    if e is None:
        import difflib

        close = difflib.get_close_matches(event_id, list(s.by_id), n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else "see 'timeline list' for ids"
        raise TimelineError(f"{s.path}: no event with id '{event_id}'; {hint}")
    if fmt == "json":
        import json

        from timeline.render.json import event_json

        sys.stdout.write(json.dumps(event_json(e, s), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt not in (None, "plain", "rich"):
        raise UsageError(f"--format: 'show' prints plain or json, not '{fmt}'")
    from timeline.render.detail import render_event

    sys.stdout.write(render_event(e, s, width=width or terminal_width()))
