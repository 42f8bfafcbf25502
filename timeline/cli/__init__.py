"""The command line: the typer app and its entry point. Command bodies live in timeline.commands."""

from __future__ import annotations

import functools
import importlib
import os
import sys
from typing import Annotated, Any

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
    "log": ("history", "log"),
    "diff": ("history", "diff"),
    "merge-driver": ("history", "merge_driver"),
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
_ORDER = (
    "list", "show", "check", "actors", "sources", "tags", "stats", "init", "add", "import", "export", "edit",
    "log", "diff", "merge-driver",
)  # fmt: skip


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


def plain_words(command: Any) -> Any:
    """Help shows arguments as words people read (ID, QUERY...), not '<list[str]>' or '{ID}'.

    Newer typer adds a Python type after each argument's name and braces around required ones
    in the usage line, whatever the metavar says; this puts back the plain name.
    """
    for param in command.params:
        if param.param_type_name == "argument" and hasattr(param, "display_type_rich"):
            param.display_type_rich = lambda ctx: None
            param._usage_display_name = functools.partial(_usage_name, param)
    for sub in getattr(command, "commands", {}).values():
        plain_words(sub)
    return command


def _usage_name(param: Any) -> str:
    name = param.metavar or param.name.upper()
    name = name if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


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
    if argv is None:
        import gc

        # A command is a short process whose objects (events, rows, report lines) mostly live until
        # it exits; at the default thresholds the cyclic collector scans them over and over (a
        # third of the time of a 100,000-event JSON report). Cycles are rare here; collect seldom.
        gc.set_threshold(50_000, 20, 100)
    try:
        status = _run(args)
    except TimelineError as e:
        from timeline.errors import Cancelled
        from timeline.text import clean

        # Messages quote store text; keep them one line and free of terminal control codes.
        kind = "" if isinstance(e, Cancelled) else "error: "
        sys.stderr.write(f"timeline: {kind}{clean(e.message)}\n")
        sys.exit(e.exit_code)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(141)
    except KeyboardInterrupt:
        # Start a new line: the terminal echoed ^C where the cursor was.
        sys.stderr.write("\ntimeline: interrupted\n")
        sys.exit(130)
    except Exception as e:  # a bug in timeline, not in the user's input
        if os.environ.get("TIMELINE_DEBUG"):
            raise
        from timeline.text import clean

        # The exception's text may quote store or input text: make it inert like every other message.
        sys.stderr.write(
            f"timeline: internal error: {clean(f'{type(e).__name__}: {e}')}; this is a bug in timeline — "
            "rerun with --debug for the traceback and report it\n"
        )
        sys.exit(70)
    if status == 130:  # typer turns Ctrl-C inside a command into exit status 130
        sys.stderr.write("\ntimeline: interrupted\n")
    sys.exit(status)


def _run(args: list[str]) -> int:
    """Run the command line; the exit status. The framework's own errors are worded like ours."""
    click_error = _click_exception()
    command = plain_words(typer.main.get_command(build(_command_name(args))))
    try:
        status = command.main(args=args, prog_name="timeline", standalone_mode=False)
    except click_error as e:
        if type(e).__name__ == "NoArgsIsHelpError":  # `timeline` alone: the help, as a usage error
            e.show()
        else:
            sys.stderr.write(f"timeline: error: {_framework_error(e, args)}\n")
        return e.exit_code
    except typer.Abort:  # end of input at a question the framework asked
        sys.stderr.write("\ntimeline: cancelled\n")
        return 130
    return status if isinstance(status, int) else 0


def _click_exception() -> Any:
    """The framework's error class: newer typer carries its own copy of click."""
    try:
        from typer._click.exceptions import ClickException  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        from click.exceptions import ClickException  # type: ignore[import-not-found, no-redef, unused-ignore]
    return ClickException


def _framework_error(e: Any, args: list[str]) -> str:
    """A click error ('No such option: --nope') as one of our lines, with where to read more."""
    from timeline.text import clean

    message = e.format_message()
    message = message[:1].lower() + message[1:]
    ctx = getattr(e, "ctx", None)
    name = _command_name(args)
    where = ctx.command_path if ctx is not None else "timeline" + (f" {name}" if name else "")
    return clean(f"{message.rstrip('.')} (see '{where} --help')")


def _quiet_stdout() -> None:
    # The reader went away (e.g. `| head`): point stdout at /dev/null so the interpreter's
    # final flush does not raise again.
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
    except OSError:
        pass
