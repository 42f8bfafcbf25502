"""`timeline edit`: the store in an editor, like visudo; it is replaced only if it loads cleanly."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from timeline.cli import prompts
from timeline.cli.common import FileOpt, say, shown, store_path
from timeline.errors import TimelineError, UsageError
from timeline.store.locate import find_line

# Editors that take +LINE to open the file at a line.
_LINE_EDITORS = set("vi vim nvim view ex gvim mvim nano pico emacs emacsclient micro joe mg ne jed kak".split())  # noqa: SIM905


def edit(
    item: Annotated[
        Optional[str],
        typer.Argument(metavar="ID", help="An event, actor or source id; the editor opens at it.", show_default=False),
    ] = None,
    file: FileOpt = None,
) -> None:
    """Edit the store in $VISUAL or $EDITOR, safely, like visudo.

    You edit a private copy. When the editor exits, the whole store is checked; it replaces the
    store only if it loads cleanly. Otherwise you see why and may edit again or abandon.
    """
    if not prompts.interactive(False):
        raise UsageError("timeline edit needs a terminal; edit the file directly and run 'timeline check'")
    _edit_copy(store_path(file), item)


def _edit_copy(main: Path, item: str | None) -> None:
    """Edit a private copy until it loads cleanly (then replace the store) or the person gives up.

    In a store that includes other files, the file edited is the one that defines `item`.
    """
    import shutil
    import tempfile

    from timeline.write import book
    from timeline.write import file as store_file

    rel = book.file_of(main, item) if item else ""
    path = main.parent / rel if rel else main
    before = store_file.snapshot(path)
    line = find_line(before.data.decode("utf-8", "replace"), item) if item else 1
    folder = Path(tempfile.mkdtemp(prefix="timeline-edit-"))  # private: mode 0700
    copy = folder / path.name
    copy.write_bytes(before.data)
    keep = False
    try:
        while True:
            status = _run_editor(copy, line)
            if status != 0:
                raise TimelineError(f"the editor exited with status {status}; {shown(path)} was not changed")
            edited = _read_copy(copy, path)
            if edited == before.data:
                say(f"No changes; {shown(path)} was not changed.", err=False)
                return
            errors = book.problems(main, rel, edited)
            if not errors:
                break
            for e in errors:
                say(e.brief())
            if not prompts.ask_again():
                raise TimelineError(f"abandoned; {shown(path)} was not changed")
            line = errors[0].line or line
        try:
            store_file.replace(path, before, edited)
        except TimelineError as e:
            keep = True
            raise TimelineError(f"{e.message}; your edited copy is kept at {shown(copy)}") from None
        say(f"Saved {shown(path)}.", err=False)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def _read_copy(copy: Path, path: Path) -> bytes:
    """The edited copy's bytes; an editor that deleted it, or left something else in its place, is an error."""
    from timeline.errors import StoreError
    from timeline.write import file as store_file

    try:
        what = store_file.file_kind(copy.stat().st_mode)
    except FileNotFoundError:
        raise TimelineError(f"the editor removed the copy it was editing; {shown(path)} was not changed") from None
    if what:
        raise TimelineError(f"the editor's copy {what} now, not a file; {shown(path)} was not changed")
    try:
        return store_file.snapshot(copy).data
    except StoreError as e:
        raise TimelineError(f"cannot read the edited copy ({e.message}); {shown(path)} was not changed") from None


def _run_editor(file: Path, line: int) -> int:
    """Run $VISUAL, else $EDITOR, else vi on `file`, at `line` when the editor understands +LINE."""
    import shlex
    import subprocess

    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        argv = shlex.split(command)
    except ValueError as e:
        raise UsageError(f"cannot read the editor command {command!r}: {e}; fix $VISUAL or $EDITOR") from None
    if not argv:
        raise UsageError("$VISUAL or $EDITOR is empty; set it to your editor, e.g. EDITOR=nano")
    if Path(argv[0]).name in _LINE_EDITORS:
        argv.append(f"+{line}")
    try:
        return subprocess.run([*argv, str(file)]).returncode
    except OSError as e:
        raise TimelineError(f"cannot start the editor {argv[0]!r}: {e.strerror}; set $VISUAL or $EDITOR") from None
