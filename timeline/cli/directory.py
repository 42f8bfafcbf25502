"""`timeline actors`, `timeline sources`, `timeline tags`: what the store knows, with counts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from timeline.cli.common import FileOpt, load_store
from timeline.errors import TimelineError, UsageError
from timeline.text import short


def actors(ctx: typer.Context, file: FileOpt = None) -> None:
    """List actors: id, name, offices with their spans, and how many events involve them."""
    if ctx.invoked_subcommand is not None:
        return
    from timeline.formats.directory import actor_rows

    s = load_store(file)
    sys.stdout.write("".join(line + "\n" for line in actor_rows(s)))


def sources(ctx: typer.Context, file: FileOpt = None) -> None:
    """List sources: id, name, kind, events citing them, and facts that rest on them alone."""
    if ctx.invoked_subcommand is not None:
        return
    from timeline.formats.directory import source_rows

    s = load_store(file)
    sys.stdout.write("".join(line + "\n" for line in source_rows(s)))


def tags(file: FileOpt = None) -> None:
    """List tags with how many events carry each, most used first."""
    from timeline.formats.directory import tag_rows

    s = load_store(file)
    sys.stdout.write("".join(line + "\n" for line in tag_rows(s)))


def actors_show(
    actor_id: Annotated[str, typer.Argument(metavar="ACTOR", help="Actor id, name or alias.")],
    file: FileOpt = None,
) -> None:
    """Show one person: names, offices with their spans, and their events."""
    from timeline.formats.directory import actor_page
    from timeline.query.names import Ambiguous, Unknown, resolve_actor

    s = load_store(file)
    try:
        found = resolve_actor(s, actor_id)
    except Ambiguous as e:
        raise UsageError(str(e)) from None
    except Unknown:
        raise TimelineError(
            f"{s.path}: no actor called '{short(actor_id)}'; see 'timeline actors' for ids and names"
        ) from None
    sys.stdout.write("".join(line + "\n" for line in actor_page(s, found)))
