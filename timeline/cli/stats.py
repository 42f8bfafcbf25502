"""`timeline stats`: what the timeline is made of, as bar charts or JSON."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from timeline.cli.common import FileOpt, load_store, terminal_width, typed_bound
from timeline.errors import UsageError


def stats(
    actor: Annotated[
        Optional[list[str]], typer.Option("--actor", "-a", help="Count only events with this actor (repeat to widen).")
    ] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", "-t", help="Count only events with this tag.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Count events that may fall on or after this date.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Count events that may fall on or before this date.")] = None,
    top: Annotated[int, typer.Option(min=0, help="Show this many actors, sources and tags (0: all).")] = 10,
    fmt: Annotated[
        str, typer.Option("--format", help="plain (bar charts) or json (every count, --top ignored).")
    ] = "plain",
    width: Annotated[Optional[int], typer.Option(min=40, help="Draw the charts this wide.")] = None,
    file: FileOpt = None,
) -> None:
    """Count events per month, per actor, source and tag, and the facts that rest on a single source.

    An event is counted in a month only if all its possible days fall in it; a year-only date
    or a span across months is listed as not within one month.

    Examples:

      timeline stats

      timeline stats --actor kulubaev --format json
    """
    if fmt not in ("plain", "json"):
        raise UsageError(f"--format: 'stats' prints plain or json, not '{fmt}'")
    from timeline import query
    from timeline.formats.stats import render_text
    from timeline.query import stats as counts

    f = query.Filter(
        actors=tuple(actor or ()),
        tags=tuple(tag or ()),
        since=typed_bound(since, "--since", "earliest"),
        until=typed_bound(until, "--until", "latest"),
    )
    s = load_store(file)
    result = counts.of_store(s, f)
    if fmt == "json":
        import json

        from timeline.text import json_escape

        sys.stdout.write(json_escape(json.dumps(counts.to_json(result, s), ensure_ascii=False, indent=2)) + "\n")
        return
    title = s.title or ""
    described = query.describe(f)
    if described:
        title = f"{title} — {described}" if title else described
    sys.stdout.write(render_text(result, s, width=width or terminal_width(), top=top, title=title))
