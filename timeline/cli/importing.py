"""`timeline import`: many events from a file, checked together and written in one transaction."""

from __future__ import annotations

import contextlib
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from timeline.cli.common import FileOpt, Meter, input_problem, say, shown, store_path, warn
from timeline.cli.write import DryRunOpt, IntoOpt, transact
from timeline.errors import StoreError, TimelineError, UsageError
from timeline.text import plural

FromOpt = Annotated[
    Optional[str],
    typer.Option(
        "--from",
        metavar="FORMAT",
        help="csv, json, timelinejs, icews or gdelt. Default: from the file's first line (and name).",
        show_default=False,
    ),
]


def import_(
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help="CSV, a 'timeline list' JSON or TimelineJS export, an ICEWS or GDELT event file; - for stdin.",
        ),
    ],
    from_: FromOpt = None,
    fmt: Annotated[
        Optional[str], typer.Option("--format", metavar="FORMAT", hidden=True, help="The old name of --from.")
    ] = None,
    register: Annotated[
        bool,
        typer.Option(
            "--register",
            help="Register the actors and sources the store lacks (ids made from their names), in the same write.",
        ),
    ] = False,
    skip_existing: Annotated[
        bool, typer.Option("--skip-existing", help="Skip rows already in the store (same id, or same date and title).")
    ] = False,
    dry_run: DryRunOpt = False,
    into: IntoOpt = None,
    file: FileOpt = None,
) -> None:
    """Import events: every row is checked first, then all are added in one write, or none.

    CSV needs a header with date and title and may have id, summary, type, actors, tags, sources,
    in_response_to, after, before; list cells are separated by ';'. A 'timeline list' export
    (CSV, JSON, TimelineJS) carries its actors' and sources' names and registers the ones the store
    lacks. Names from elsewhere must be known, or registered with --register.

    Prints the ids it added on stdout and a summary on stderr.

    Example:

      timeline import --from icews events.2018.tab --register --skip-existing
    """
    from timeline import write
    from timeline.write import importer
    from timeline.write import readers as import_files

    chosen = from_ or fmt
    if chosen is not None and chosen not in import_files.FORMATS:
        flag = "--from" if from_ else "--format"
        raise UsageError(f"{flag}: '{chosen}' is not one of: {', '.join(import_files.FORMATS)}")
    name, text = _read_input(source)
    rows = import_files.read(name, text, chosen or import_files.detect(name, text))
    if not rows:
        say(f"Nothing to import: {shown(name)} has no rows.")
        return
    path = store_path(file)
    today = date.today()
    meter = Meter(f"Importing {plural(len(rows), 'row')}")
    outcome: list[importer.Checked] = []

    def plan(store):
        meter.total(len(rows))
        checked = importer.check(
            rows, store, today=today, skip_existing=skip_existing, importing=True, register=register,
            step=meter.advance,
        )  # fmt: skip
        meter.total(None)
        outcome.append(checked)
        if checked.problems:
            raise TimelineError(_refusal(name, len(rows), checked), problems=tuple(checked.problems))
        return [
            *(write.Insert(kind, [tables]) for kind, tables in checked.registered.items() if tables),
            write.Insert("events", checked.events, skipped=tuple(checked.skipped)),
        ]

    try:
        done = transact(path, plan, dry_run, meter, into=into)
    except StoreError:
        raise
    except TimelineError as e:  # the rows' problems, each on its own line before the summary
        for p in e.problems:
            say(input_problem(p))
        raise
    for line in outcome[-1].warnings if outcome else ():
        warn(line)
    if not done.ids:
        verb = "is" if len(done.skipped) == 1 else "are"
        say(f"Nothing to import: {plural(len(done.skipped), 'row')} {verb} already in {shown(path)}.")
        return
    if dry_run:
        sys.stdout.write(done.block)
    else:
        sys.stdout.write("".join(i + "\n" for i in done.ids))
    say(_summary(done, path))


def _refusal(name: str, total: int, checked) -> str:
    """The one-line error after the listed problems; it says how to register unknown names at once."""
    verb = "has" if checked.bad_rows == 1 else "have"
    message = f"{shown(name)}: {checked.bad_rows} of {plural(total, 'row')} {verb} problems (listed above)"
    if checked.unknown:
        kinds = [
            plural(n, kind) for kind in ("actor", "source") if (n := sum(1 for u in checked.unknown if u.kind == kind))
        ]
        if len(checked.unknown) == 1:
            message += f"; {kinds[0]} is not in the store: pass --register to register it"
        else:
            message += (
                f"; {' and '.join(kinds)} are not in the store (each listed once): pass --register to register them all"
            )
    return message + "; nothing was imported"


def _summary(done, path: Path) -> str:
    """'Imported 3 events into events.toml from line 57; registered 2 actors; skipped 1 row already there.'"""
    verb = "Would import" if done.dry_run else "Imported"
    where = "" if done.dry_run or not done.line else f" from line {done.line}"
    into = " and ".join(shown(f) for f in done.spread) if done.spread else shown(done.file or path)
    parts = [f"{verb} {plural(len(done.ids), 'event')} into {into}{where}"]
    registered = [plural(len(done.also[k]), k[:-1]) for k in ("actors", "sources") if done.also.get(k)]
    if registered:
        parts.append(("would register " if done.dry_run else "registered ") + " and ".join(registered))
    if done.skipped:
        parts.append(f"skipped {plural(len(done.skipped), 'row')} already there")
    return "; ".join(parts) + "."


def _read_input(source: str) -> tuple[str, str]:
    if source == "-":
        with contextlib.suppress(AttributeError, ValueError, OSError):  # a stand-in stdin without a descriptor
            _refuse_device(sys.stdin.fileno(), "<stdin>")
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        try:
            with open(source, "rb") as fh:
                _refuse_device(fh.fileno(), source)
                data = fh.read()
        except FileNotFoundError:
            raise UsageError(f"{shown(source)}: no such file") from None
        except IsADirectoryError:
            raise UsageError(f"{shown(source)}: is a folder; give the CSV or JSON file to import") from None
        except OSError as e:
            raise TimelineError(f"{shown(source)}: cannot read: {e.strerror}") from None
        name = source
    try:
        return name, data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise TimelineError(f"{shown(name)}:{line}: not valid UTF-8; save the file as UTF-8") from None


def _refuse_device(fd: int, name: str) -> None:
    """A device other than a terminal is no file to import (/dev/zero would never end); pipes are fine."""
    import os
    import stat

    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return
    if (stat.S_ISCHR(mode) and not os.isatty(fd)) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise UsageError(f"{shown(name)}: is a device, not a file to import; give the CSV or JSON file")
