"""`timeline import`: many events from a file, checked together and written in one transaction."""

from __future__ import annotations

import contextlib
import sys
from datetime import date
from typing import Annotated, Optional

import typer

from timeline.cli.common import FileOpt, Meter, input_problem, say, shown, store_path
from timeline.cli.write import DryRunOpt, transact
from timeline.errors import StoreError, TimelineError, UsageError
from timeline.text import plural


def import_(
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="CSV, a 'timeline list --format json' export, or TimelineJS JSON; - for stdin."
        ),
    ],
    fmt: Annotated[
        Optional[str],
        typer.Option("--format", metavar="FORMAT", help="csv, json or timelinejs. Default: from the file's content."),
    ] = None,
    skip_existing: Annotated[
        bool, typer.Option("--skip-existing", help="Skip rows already in the store (same id, or same date and title).")
    ] = False,
    dry_run: DryRunOpt = False,
    file: FileOpt = None,
) -> None:
    """Import events: every row is checked first, then all are added in one write, or none.

    CSV needs a header with date and title and may have id, summary, type, actors, tags, sources,
    in_response_to, after, before; list cells are separated by ';'. Prints the ids it added.
    """
    from timeline import write
    from timeline.write import importer
    from timeline.write import readers as import_files

    name, text = _read_input(source)
    if fmt is not None and fmt not in import_files.FORMATS:
        raise UsageError(f"--format: '{fmt}' is not one of: {', '.join(import_files.FORMATS)}")
    rows = import_files.read(name, text, fmt or import_files.detect(name, text))
    if not rows:
        say(f"Nothing to import: {shown(name)} has no rows.")
        return
    path = store_path(file)
    today = date.today()
    meter = Meter(f"Importing {plural(len(rows), 'row')}")

    def plan(store):
        meter.total(len(rows))
        checked = importer.check(
            rows, store, today=today, skip_existing=skip_existing, importing=True, step=meter.advance
        )
        meter.total(None)
        if checked.problems:
            verb = "has" if checked.bad_rows == 1 else "have"
            message = (
                f"{shown(name)}: {checked.bad_rows} of {plural(len(rows), 'row')} {verb} problems (listed above); "
                "nothing was imported"
            )
            raise TimelineError(message, problems=tuple(checked.problems))
        return write.Insert("events", checked.events, skipped=tuple(checked.skipped))

    try:
        done = transact(path, plan, dry_run, meter)
    except StoreError:
        raise
    except TimelineError as e:  # the rows' problems, each on its own line before the summary
        for p in e.problems:
            say(input_problem(p))
        raise
    if not done.ids:
        verb = "is" if len(done.skipped) == 1 else "are"
        say(f"Nothing to import: {plural(len(done.skipped), 'row')} {verb} already in {shown(path)}.")
        return
    if dry_run:
        sys.stdout.write(done.block)
        return
    sys.stdout.write("".join(i + "\n" for i in done.ids))
    skipped = f"; skipped {len(done.skipped)} already there" if done.skipped else ""
    say(f"Imported {plural(len(done.ids), 'event')} into {shown(path)} from line {done.line}{skipped}.")


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
