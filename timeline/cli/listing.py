"""`timeline list` and `timeline show`: reading the timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from timeline.cli.common import (
    FileOpt,
    FormatOpt,
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
from timeline.errors import UsageError

if TYPE_CHECKING:
    from timeline.model import Event, Store


def list_(
    terms: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="QUERY",
            help="Query terms: actor:, tag:, source:, type:, id:, status:, since:, until:, date:, after:ID, "
            'before:ID, between:ID1,ID2, sources>=N, grade>=B2, words or "phrases", not:TERM, TERM or TERM.',
            show_default=False,
        ),
    ] = None,
    actor: Annotated[
        Optional[list[str]],
        typer.Option(
            "--actor",
            "-a",
            metavar="NAME",
            help="Actor id, name or alias, or an office: 'foreign minister', 'ambassador@united states' "
            "(repeat to widen).",
            autocompletion=complete_actors,
        ),
    ] = None,
    tag: Annotated[
        Optional[list[str]],
        typer.Option("--tag", "-t", metavar="TAG", help="Tag (repeat to widen).", autocompletion=complete_tags),
    ] = None,
    source: Annotated[
        Optional[list[str]],
        typer.Option(
            "--source",
            "-s",
            metavar="SOURCE",
            help="Source id or name (repeat to widen).",
            autocompletion=complete_sources,
        ),
    ] = None,
    type_: Annotated[
        Optional[list[str]], typer.Option("--type", metavar="TYPE", help="Event type, e.g. meeting (repeat to widen).")
    ] = None,
    text: Annotated[
        Optional[list[str]], typer.Option("--text", metavar="WORDS", help="Words in the title or summary, any case.")
    ] = None,
    status: Annotated[
        Optional[list[str]],
        typer.Option(
            "--status",
            metavar="STATUS",
            help="What kind of claim: happened, reported, announced, planned, threatened, denied, "
            "hypothetical (repeat to widen).",
        ),
    ] = None,
    min_grade: Annotated[
        Optional[str],
        typer.Option(
            "--min-grade",
            metavar="GRADE",
            help="Keep events with a source graded at least this on the Admiralty scale: B2 (reliability A-B and "
            "credibility 1-2), B (reliability only) or 2 (credibility only).",
        ),
    ] = None,
    min_sources: Annotated[
        Optional[int],
        typer.Option(
            "--min-sources",
            metavar="N",
            min=0,
            help="Keep events resting on at least N independent sources (citations of one page count once).",
        ),
    ] = None,
    since: Annotated[
        Optional[str],
        typer.Option(metavar="DATE", help="Keep events that may fall on or after this date: 2024-02, '9 Feb 2024'."),
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Keep events that may fall on or before this date.")
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Keep only certain matches: inside the dates for sure, in office for sure, after for sure."
        ),
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Say under each event why it matched.")] = False,
    limit: Annotated[Optional[int], typer.Option(min=0, metavar="N", help="Show at most N events (0: all).")] = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    width: WidthOpt = None,
    title: Annotated[
        Optional[str], typer.Option(metavar="TEXT", help="Title for document formats (default: the store's).")
    ] = None,
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

      timeline list --status threatened --min-sources 2

      timeline list --changed-since HEAD~5 --format markdown
    """
    from timeline import query
    from timeline.formats import get, listing

    fmt = choose_format(fmt, output)
    only, only_label = None, ""
    if changed_since is not None:
        from timeline import history

        only, since_label = history.changed_ids(store_path(file), changed_since)
        only_label = f"changed since {since_label}"
    f = query.make_filter(
        terms or (),
        actor=actor,
        tag=tag,
        source=source,
        type=type_,
        text=text,
        since=since,
        until=until,
        strict=strict,
        status=status,
        min_grade=min_grade,
        min_sources=min_sources,
        only=only,
        only_label=only_label,
    )
    s = load_store(file)
    warned = _first_warning(s)
    if warned:
        file, line, message = warned
        from pathlib import Path

        from timeline.store import shown

        where = shown(Path(s.path).parent / file) if file else s.path
        warn(f"{where}:{line}: {message} (see 'timeline check')")
    matches, total = query.counted(s, f, limit=limit, reverse=reverse)
    w = width or terminal_width()
    events, ctx = listing(s, matches, explain=explain, total=total, width=w, title=title, filters=query.describe(f))
    emit(get(fmt)(events, ctx), width=w, output=output)


def _first_warning(s) -> tuple[str, int, str] | None:
    """The store's first contradiction (a broken link or a cycle), as (file, line, message):
    from the index, or worked out."""
    engine = getattr(s.events, "engine", None)
    if engine is not None:
        return engine.warning()
    from timeline.query import order

    found = order.contradictions(s)
    return (found[0][0].file, found[0][0].line, found[0][1]) if found else None


def show(
    event_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="An event id as 'timeline list' shows it, or an actor id for that person's page.",
            autocompletion=complete_ids,
            show_default=False,
        ),
    ],
    thread: Annotated[
        bool, typer.Option("--thread", help="Draw the exchange the event belongs to: message, replies, their replies.")
    ] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    width: WidthOpt = None,
    file: FileOpt = None,
) -> None:
    """Show one event in full: every date claim, actor with offices, source with address, and links.

    Given an actor's id instead, show that person's offices and events. With --thread, draw the
    exchange as a tree of in_response_to links. The page and the tree are text; --format json
    gives the event (or the person, with their events) as one object, and any other format
    gives the event, the person's events or the exchange's events as 'timeline list' would.

    Examples:

      timeline show law-signed

      timeline show reply-handed-over --thread --output exchange.html

      timeline show kulubaev --format json
    """
    s = load_store(file)
    w = width or terminal_width()
    e = s.by_id.get(event_id)
    if e is None and event_id in s.actors:
        from timeline.cli.directory import show_actor

        show_actor(s, event_id, fmt=fmt, output=output, width=w)
        return
    if e is None:
        from timeline.text import did_you_mean, short

        hint = did_you_mean(event_id, [*s.by_id, *s.actors], cutoff=0.5) or "see 'timeline list' for ids"
        raise UsageError(f"{s.path}: no event or actor with id '{short(event_id)}'; {hint}")
    chosen = choose_format(fmt, output)
    emit(_event_text(s, e, chosen, w, thread=thread), width=w, output=output)


def _event_text(s: Store, e: Event, fmt: str, width: int, *, thread: bool) -> Any:
    """One event (or its exchange) in `fmt`: the page or tree as text, JSON as one object, else as a listing."""
    from timeline.formats import Context, get

    if thread:
        from timeline.formats.thread import draw, members

        if fmt in ("plain", "rich"):
            return "".join(line + "\n" for line in draw(s, e))
        title = f"The exchange around: {e.title}"
        return get(fmt)(members(s, e), Context(store=s, width=width, title=title))
    if fmt in ("plain", "rich"):
        from timeline.formats.detail import render_event

        return render_event(e, s, width=width)
    if fmt == "json":
        import json

        from timeline.formats.json import event_json
        from timeline.text import json_escape

        return json_escape(json.dumps(event_json(e, s), ensure_ascii=False, indent=2)) + "\n"
    return get(fmt)([e], Context(store=s, width=width, title=e.title))
