"""The command line: the typer app and its entry point. Command bodies live in timeline.commands."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer

from timeline.errors import TimelineError

# Commands in the order --help lists them: name -> (module under timeline.commands, function).
# Modules are imported, and click commands built, only for the command being run: start-up
# time is a feature, and building every command costs more than running a small one.
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("listing", "list_"),
    "show": ("listing", "show"),
    "check": ("check", "check"),
    "tags": ("directory", "tags"),
    "stats": ("stats", "stats"),
    "init": ("write", "init"),
    "add": ("write", "add"),
    "import": ("importing", "import_"),
    "export": ("export", "export"),
    "edit": ("edit", "edit"),
}
# Groups: `timeline actors` lists actors (the callback); `timeline actors add` registers one.
GROUPS: dict[str, tuple[str, tuple[str, str], dict[str, tuple[str, str]]]] = {
    "actors": (
        "The people and offices in the store.",
        ("directory", "actors"),
        {"show": ("directory", "actors_show"), "add": ("write", "actors_add")},
    ),
    "sources": ("The sources events cite.", ("directory", "sources"), {"add": ("write", "sources_add")}),
}
_ORDER = ("list", "show", "check", "actors", "sources", "tags", "stats", "init", "add", "import", "export", "edit")


def _version(value: bool) -> None:
    if value:
        from timeline import __version__

        typer.echo(f"timeline {__version__}")
        raise typer.Exit()


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


def _function(where: tuple[str, str]):
    module, name = where
    return getattr(importlib.import_module(f"timeline.cli.{module}"), name)


def build(only: str | None = None) -> typer.Typer:
    """The app with every command, or with just `only` (what `main` runs, to start faster)."""
    app = typer.Typer(
        name="timeline",
        help="Keep and query a sourced fact timeline stored in events.toml.",
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    for name in _ORDER if only is None else (only,):
        if name in GROUPS:
            help_text, callback, subcommands = GROUPS[name]
            group = typer.Typer(help=help_text, no_args_is_help=False)
            group.callback(invoke_without_command=True)(_function(callback))
            for sub, where in subcommands.items():
                group.command(sub)(_function(where))
            app.add_typer(group, name=name)
        else:
            app.command(name)(_function(COMMANDS[name]))
    return app


def __getattr__(name: str) -> typer.Typer:
    # `timeline.cli.app`, the whole app, for tests and tools that want it; built on first use.
    if name == "app":
        return build()
    raise AttributeError(name)


def _command_name(args: list[str]) -> str | None:
    """The command about to run, when the arguments name one (root options take no values)."""
    if any(k.startswith("_TIMELINE_COMPLETE") for k in os.environ):
        return None
    first = next((a for a in args if not a.startswith("-")), None)
    return first if first in COMMANDS or first in GROUPS else None


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning every expected failure into one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    try:
        build(_command_name(args))(args=args, prog_name="timeline")
    except TimelineError as e:
        from timeline.text import clean

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
