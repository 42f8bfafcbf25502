"""`timeline stats`: what the timeline is made of, as bar charts or JSON."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from timeline.cli.common import FileOpt, OutputOpt, choose_format, emit, load_store, terminal_width

STATS_FORMATS = ("plain", "json")


def stats(
    actor: Annotated[
        Optional[list[str]],
        typer.Option("--actor", "-a", metavar="NAME", help="Count only events with this actor (repeat to widen)."),
    ] = None,
    tag: Annotated[
        Optional[list[str]], typer.Option("--tag", "-t", metavar="TAG", help="Count only events with this tag.")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Count events that may fall on or after this date.")
    ] = None,
    until: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="Count events that may fall on or before this date.")
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            min=0, metavar="N", help="Show at most N rows in every list: actors, sources, tags, events (0: all)."
        ),
    ] = 10,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="plain (bar charts, the default) or json (every count; --top does not apply).",
            show_default=False,
            autocompletion=lambda incomplete: [f for f in STATS_FORMATS if f.startswith(incomplete)],
        ),
    ] = None,
    output: OutputOpt = None,
    width: Annotated[Optional[int], typer.Option(min=40, metavar="N", help="Draw the charts this wide.")] = None,
    file: FileOpt = None,
) -> None:
    """Count events per month, per actor, source and tag, and the facts that rest on a single source.

    An event is counted in a month only if all its possible days fall in it; a year-only date
    or a span across months is listed as not within one month.

    Examples:

      timeline stats

      timeline stats --actor kulubaev --format json
    """
    from timeline import query
    from timeline.formats.stats import render_text
    from timeline.query import stats as counts

    chosen = choose_format(fmt, output, allowed=STATS_FORMATS)
    f = query.make_filter(actor=actor, tag=tag, since=since, until=until)
    s = load_store(file)
    result = counts.of_store(s, f)
    if chosen == "json":
        import json

        from timeline.text import json_escape

        text = json_escape(json.dumps(counts.to_json(result, s), ensure_ascii=False, indent=2)) + "\n"
        emit(text, width=80, output=output)
        return
    title = s.title or ""
    described = query.describe(f)
    if described:
        title = f"{title} — {described}" if title else described
    emit(render_text(result, s, width=width or terminal_width(), top=top, title=title), width=80, output=output)
