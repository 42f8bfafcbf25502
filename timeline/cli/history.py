"""`timeline log`, `timeline diff` and `timeline merge-driver`: a store kept in git."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from timeline.cli.common import FileOpt, FormatOpt, OutputOpt, WidthOpt, choose_format, complete_ids, emit, store_path
from timeline.cli.common import terminal_width as _terminal_width
from timeline.errors import UsageError


def log(
    fact_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="An event, actor or source id; one removed since is found in the history too.",
            autocompletion=complete_ids,
        ),
    ],
    fmt: Annotated[
        Optional[str],
        typer.Option("--format", metavar="FORMAT", help="plain (default), markdown or json.", show_default=False),
    ] = None,
    output: OutputOpt = None,
    width: WidthOpt = None,
    file: FileOpt = None,
) -> None:
    """Show the commits that changed one event, actor or source: when, who, why, and each field's old and new value.

    Reads the store's git history, newest commit first, following the fact when it moves in
    the file and the store when it is renamed. A commit that only moved or reformatted the
    fact is not shown.

    Examples:

      timeline log reply-handed-over

      timeline log kulubaev --format json
    """
    from timeline.formats.history import FORMATS as LOG_FORMATS
    from timeline.formats.history import render
    from timeline.history.log import history

    fmt = choose_format(fmt, output, allowed=LOG_FORMATS)
    h = history(store_path(file), fact_id)
    w = width or _terminal_width()
    emit(render(h, fmt, width=w), width=w, output=output)


def diff(
    revisions: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="REV",
            help="Up to two revisions to compare (commit, branch, tag, HEAD~2…). None: the last commit (HEAD) "
            "against the working file; one: it against the working file; two: the first against the second.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    width: WidthOpt = None,
    title: Annotated[Optional[str], typer.Option(metavar="TEXT", help="Title for document formats.")] = None,
    file: FileOpt = None,
) -> None:
    """Show the events, actors and sources added, removed and changed between two versions of the store.

    Events come as a timeline, each noted with its change field by field (a removed event as it
    was); actors and sources follow. JSON and CSV list every change with each field's old and
    new value. A version where the store does not load is reported with its own located error.

    Examples:

      timeline diff                          # since the last commit

      timeline diff report-2024-03 --format markdown --output changes.md

      timeline diff v1 v2 --format json
    """
    from timeline.formats.changes import render
    from timeline.history import diff as compare

    revs = revisions or []
    if len(revs) > 2:
        raise UsageError(f"diff takes at most two revisions, got {len(revs)}; e.g. 'timeline diff HEAD~3 HEAD'")
    fmt = choose_format(fmt, output)
    d = compare(store_path(file), *revs)
    w = width or _terminal_width()
    emit(render(d, fmt, width=w, title=title), width=w, output=output)


def merge_driver(
    base: Annotated[str, typer.Argument(metavar="BASE", help="The common ancestor's version (git's %O).")],
    ours: Annotated[str, typer.Argument(metavar="OURS", help="Our version, replaced by the result (git's %A).")],
    theirs: Annotated[str, typer.Argument(metavar="THEIRS", help="Their version (git's %B).")],
    name: Annotated[
        Optional[str], typer.Argument(metavar="PATH", help="The store's path, named in messages (git's %P; optional).")
    ] = None,
    marker_size: Annotated[int, typer.Option(min=1, metavar="N", help="Length of conflict markers (git's %L).")] = 7,
) -> None:
    """Merge three versions of a store event by event, for git: both sides' additions kept, conflicts kept small.

    Git runs this when the store's .gitattributes line names it; register it once per clone
    (or run 'timeline init --git'):

      echo 'events.toml merge=timeline' >> .gitattributes

      git config merge.timeline.driver "timeline merge-driver %O %A %B"

    Writes the result over OURS. Exit status 0: merged cleanly; 1: conflicts were left between
    <<<<<<< and >>>>>>> markers (or the merged store does not load), for you to resolve and commit.
    """
    from timeline.history.driver import run

    code = run(Path(base), Path(ours), Path(theirs), name=name, marker_size=marker_size, say=_say)
    raise typer.Exit(code)


def _say(line: str) -> None:
    from timeline.text import clean

    sys.stderr.write(f"timeline merge-driver: {clean(line)}\n")
