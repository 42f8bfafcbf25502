"""`timeline list` and `timeline show`: reading the timeline."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from timeline.cli.common import (
    FORMATS,
    FileOpt,
    OutputOpt,
    WidthOpt,
    choose_format,
    complete_actors,
    complete_ids,
    complete_sources,
    complete_tags,
    emit,
    load_store,
    store_path,
    terminal_width,
    warn,
)
from timeline.errors import TimelineError


def list_(
    terms: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="QUERY",
            help="Query terms: actor:, tag:, source:, type:, id:, since:, until:, date:, after:ID, before:ID, "
            'between:ID1,ID2, words or "phrases", not:TERM, TERM or TERM.',
            show_default=False,
        ),
    ] = None,
    actor: Annotated[
        Optional[list[str]],
        typer.Option(
            "--actor",
            "-a",
            help="Actor id, name or alias, or an office: 'foreign minister', 'ambassador@united states' "
            "(repeat to widen).",
            autocompletion=complete_actors,
        ),
    ] = None,
    tag: Annotated[
        Optional[list[str]], typer.Option("--tag", "-t", help="Tag (repeat to widen).", autocompletion=complete_tags)
    ] = None,
    source: Annotated[
        Optional[list[str]],
        typer.Option("--source", "-s", help="Source id or name (repeat to widen).", autocompletion=complete_sources),
    ] = None,
    type_: Annotated[
        Optional[list[str]], typer.Option("--type", help="Event type, e.g. meeting (repeat to widen).")
    ] = None,
    text: Annotated[
        Optional[list[str]], typer.Option("--text", help="Words in the title or summary, any case.")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(help="Keep events that may fall on or after this date: 2024-02, '9 Feb 2024'.")
    ] = None,
    until: Annotated[Optional[str], typer.Option(help="Keep events that may fall on or before this date.")] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Keep only certain matches: inside the dates for sure, in office for sure, after for sure."
        ),
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Say under each event why it matched.")] = False,
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
    output: OutputOpt = None,
    width: WidthOpt = None,
    title: Annotated[Optional[str], typer.Option(help="Title for document formats (default: the store's).")] = None,
    changed_since: Annotated[
        Optional[str],
        typer.Option(
            "--changed-since",
            metavar="REV",
            help="Keep events added or changed since this git revision (commit, branch, tag, HEAD~3); "
            "the store must be kept in git.",
        ),
    ] = None,
    file: FileOpt = None,
) -> None:
    """List events in time order, filtered by flags and query terms.

    Repeating a filter widens it (any value may match); different filters narrow it (all must
    hold). Dates are ranges, so a match can be certain or only possible: '--since 2024-02-10'
    keeps an event dated only 'Feb 2024' and marks it possible; --strict keeps certain matches
    only. --actor takes a person (id, name, alias) or an office ('foreign minister',
    'US ambassador', 'secretary of state@united states'), matched on the event's date.

    Examples:

      timeline list --actor kulubaev

      timeline list --actor "foreign minister" --explain

      timeline list 'actor:"foreign minister" not:tag:trade since:2024'

      timeline list between:blinken-letter,law-signed

      timeline list --since 2024-02 --until 2024-02 --format json

      timeline list --changed-since HEAD~5 --format markdown
    """
    from timeline import query
    from timeline.formats import Context, get

    fmt = choose_format(fmt, output)
    only, only_label = None, ""
    if changed_since is not None:
        from timeline import history

        only, since_label = history.changed_ids(store_path(file), changed_since)
        only_label = f"changed since {since_label}"
    f = query.make_filter(
        terms or (), actor=actor, tag=tag, source=source, type=type_, text=text, since=since, until=until,
        strict=strict, only=only, only_label=only_label,
    )  # fmt: skip
    from timeline.cache import index

    # From the cache's index when it is fresh (only the events the filter may keep are built),
    # else a full load, which refreshes the cache.
    s, placement, first = index.prepare(store_path(file), f, lambda: load_store(file))
    for line, message in first:
        warn(f"{s.path}:{line}: {message} (see 'timeline check')")
    matches = query.limit(query.ordered(s, f, placement=placement), limit, reverse=reverse)
    w = width or terminal_width()
    notes = query.notes(matches, explain=explain)
    ctx = Context(store=s, width=w, title=title or s.title, filters=query.describe(f), notes=notes)
    emit(get(fmt)([m.event for m in matches], ctx), width=w, output=output)


def show(
    event_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="An event id as 'timeline list' shows it, or an actor id for that person's page.",
            autocompletion=complete_ids,
        ),
    ],
    thread: Annotated[
        bool, typer.Option("--thread", help="Draw the exchange the event belongs to: message, replies, their replies.")
    ] = False,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            help=f"plain (the full page, default), json (one object), or any list format: {', '.join(FORMATS)}.",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
    width: WidthOpt = None,
    file: FileOpt = None,
) -> None:
    """Show one event in full: every date claim, actor with offices, source with address, and links.

    Given an actor's id instead, show that person's offices and events. With --thread, draw the
    exchange as a tree of in_response_to links.
    """
    s = load_store(file)
    e = s.by_id.get(event_id)
    if e is None and event_id in s.actors:
        from timeline.formats.directory import actor_page

        sys.stdout.write("".join(line + "\n" for line in actor_page(s, event_id)))
        return
    if e is None:
        from timeline.text import did_you_mean

        hint = did_you_mean(event_id, s.by_id, cutoff=0.5) or "see 'timeline list' for ids"
        raise TimelineError(f"{s.path}: no event with id '{event_id}'; {hint}")
    w = width or terminal_width()
    if thread:
        from timeline.formats.thread import draw

        emit("".join(line + "\n" for line in draw(s, e)), width=w, output=output)
        return
    fmt = "plain" if fmt is None and output in (None, "-") else choose_format(fmt, output)
    if fmt == "json":
        import json

        from timeline.formats.json import event_json
        from timeline.text import json_escape

        emit(json_escape(json.dumps(event_json(e, s), ensure_ascii=False, indent=2)) + "\n", width=w, output=output)
        return
    if fmt in ("plain", "rich"):
        from timeline.formats.detail import render_event

        emit(render_event(e, s, width=w), width=w, output=output)
        return
    from timeline.formats import Context, get

    emit(get(fmt)([e], Context(store=s, width=w, title=e.title)), width=w, output=output)
