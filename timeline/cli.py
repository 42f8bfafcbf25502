"""The command line: the typer app and its entry point. Command bodies live in timeline.commands."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from timeline.commands import check, directory, edit, importing, listing, stats, write
from timeline.errors import TimelineError

app = typer.Typer(
    name="timeline",
    help="Keep and query a sourced fact timeline stored in events.toml.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from timeline import __version__

        typer.echo(f"timeline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a full traceback if timeline itself fails.")] = False,
) -> None:
    """Keep and query a sourced fact timeline stored in events.toml.

    Start with 'timeline list' to see the timeline, 'timeline show ID' for one event.
    The store is --file, else $TIMELINE_FILE, else events.toml here or in the nearest parent folder.
    """
    if debug:
        os.environ["TIMELINE_DEBUG"] = "1"


# Groups: `timeline actors` lists actors; `timeline actors add` registers one.
actors_app = typer.Typer(help="The people and offices in the store.", no_args_is_help=False)
actors_app.callback(invoke_without_command=True)(directory.actors)
sources_app = typer.Typer(help="The sources events cite.", no_args_is_help=False)
sources_app.callback(invoke_without_command=True)(directory.sources)

# Commands, in the order --help lists them.
app.command("list")(listing.list_)
app.command("show")(listing.show)
app.command("check")(check.check)
actors_app.command("show")(directory.actors_show)
app.add_typer(actors_app, name="actors")
app.add_typer(sources_app, name="sources")
app.command("tags")(directory.tags)
app.command("stats")(stats.stats)
app.command("init")(write.init)
app.command("add")(write.add)
actors_app.command("add")(write.actors_add)
sources_app.command("add")(write.sources_add)
app.command("import")(importing.import_)
app.command("edit")(edit.edit)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning every expected failure into one line and an exit code."""
    try:
        app(args=argv, prog_name="timeline")
    except TimelineError as e:
        from timeline.render.text import clean

        # Messages quote store text; keep them one line and free of terminal control codes.
        sys.stderr.write(f"timeline: error: {clean(e.message)}\n")
        sys.exit(e.exit_code)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(141)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # a bug in timeline, not in the user's input
        if os.environ.get("TIMELINE_DEBUG"):
            raise
        sys.stderr.write(
            f"timeline: internal error: {type(e).__name__}: {e}; this is a bug in timeline — "
            "rerun with --debug for the traceback and report it\n"
        )
        sys.exit(70)


def _quiet_stdout() -> None:
    # The reader went away (e.g. `| head`): point stdout at /dev/null so the interpreter's
    # final flush does not raise again.
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
    except OSError:
        pass
