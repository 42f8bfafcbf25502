"""`timeline actors`, `timeline sources`, `timeline tags`: what the store knows, with counts."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from timeline.cli.common import FileOpt, FormatOpt, OutputOpt, WidthOpt, choose_format, emit, load_store, terminal_width
from timeline.errors import UsageError

if TYPE_CHECKING:
    from timeline.model import Store


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
    actor_id: Annotated[str, typer.Argument(metavar="NAME", help="Actor id, name or alias.", show_default=False)],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    width: WidthOpt = None,
    file: FileOpt = None,
) -> None:
    """Show one person: names, offices with their spans, and their events.

    The person is found by id, then exact name or alias, then ignoring case and accents, then
    in another script; a name two actors share is refused with both ids. --format json gives
    the person as one object with their events; any other list format gives their events as
    'timeline list --actor ID' would.
    """
    from timeline.query.resolve import Unknown, resolve_actor

    s = load_store(file)
    try:
        found = resolve_actor(s, actor_id)
    except Unknown as e:  # Ambiguous too: it lists the candidates with their ids
        raise UsageError(f"{s.path}: {e}") from None
    show_actor(s, found, fmt=fmt, output=output, width=width or terminal_width())


def show_actor(s: Store, aid: str, *, fmt: str | None, output: str | None, width: int) -> None:
    """A person's page in `fmt`: the page as text, JSON as one object, any other format as their events."""
    from timeline.formats import Context, get
    from timeline.formats.directory import actor_page

    chosen = choose_format(fmt, output)
    if chosen in ("plain", "rich"):
        emit("".join(line + "\n" for line in actor_page(s, aid)), width=width, output=output)
        return
    if chosen == "json":
        import json

        from timeline.formats.json import actor_json
        from timeline.text import json_escape

        emit(
            json_escape(json.dumps(actor_json(s, aid), ensure_ascii=False, indent=2)) + "\n", width=width, output=output
        )
        return
    from timeline.query.tally import involving

    events = involving(s, aid)
    ctx = Context(store=s, width=width, title=s.actors[aid].name, filters=f"actor {aid}")
    emit(get(chosen)(events, ctx), width=width, output=output)
