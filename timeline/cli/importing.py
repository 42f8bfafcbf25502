"""`timeline import`: many events from a file, checked together and written in one transaction."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from timeline.cli.common import FileOpt, Meter, input_problem, store_path
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
        sys.stderr.write(f"Nothing to import: {name} has no rows.\n")
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
                f"{name}: {checked.bad_rows} of {plural(len(rows), 'row')} {verb} problems (listed above); "
                "nothing was imported"
            )
            raise TimelineError(message, problems=tuple(checked.problems))
        return write.Insert("events", checked.events, skipped=tuple(checked.skipped))

    try:
        done = transact(path, plan, dry_run, meter)
    except StoreError:
        raise
    except TimelineError as e:  # the rows' problems, each on its own line before the summary
        sys.stderr.write("".join(input_problem(p) + "\n" for p in e.problems))
        raise
    if not done.ids:
        verb = "is" if len(done.skipped) == 1 else "are"
        sys.stderr.write(f"Nothing to import: {plural(len(done.skipped), 'row')} {verb} already in {path}.\n")
        return
    if dry_run:
        sys.stdout.write(done.block)
        return
    sys.stdout.write("".join(i + "\n" for i in done.ids))
    skipped = f"; skipped {len(done.skipped)} already there" if done.skipped else ""
    sys.stderr.write(f"Imported {plural(len(done.ids), 'event')} into {path} from line {done.line}{skipped}.\n")


def _read_input(source: str) -> tuple[str, str]:
    if source == "-":
        data = sys.stdin.buffer.read()
        name = "<stdin>"
    else:
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise UsageError(f"{source}: no such file") from None
        except OSError as e:
            raise TimelineError(f"{source}: cannot read: {e.strerror}") from None
        name = source
    try:
        return name, data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise TimelineError(f"{name}:{line}: not valid UTF-8; save the file as UTF-8") from None
