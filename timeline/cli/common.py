"""What every command shares: finding and loading the store, option types, writing output, a progress meter."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from timeline.errors import UsageError
from timeline.formats import RENDERERS
from timeline.model import Problem, Store
from timeline.text import clean

if TYPE_CHECKING:
    from timeline.dates import EDate

FORMATS = tuple(RENDERERS)

FileOpt = Annotated[
    Optional[str],
    typer.Option(
        "--file",
        "-f",
        metavar="PATH",
        help="The store to read. Default: $TIMELINE_FILE, else events.toml here or in the nearest parent folder.",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Optional[str],
    typer.Option(
        "--output",
        "-o",
        metavar="PATH",
        help="Write to this file instead of stdout (its extension picks the format): a file is replaced whole; "
        "a device, FIFO or /dev/stdout is written to. Never the store or its lock.",
    ),
]
WidthOpt = Annotated[Optional[int], typer.Option(min=20, metavar="N", help="Wrap text at this width.")]


# Every store this process has opened: --output never writes over one of them or its lock.
_OPENED: set[Path] = set()


def store_path(file: str | None) -> Path:
    """The store a command works on (see FileOpt's help for the search order)."""
    from timeline import store

    path = store.find(file)
    _OPENED.add(path.absolute())
    return path


def load_store(file: str | None) -> Store:
    """Find and load the store (through the cache); any problem is a TimelineError for the CLI to print."""
    from timeline import cache

    path = store_path(file)
    return cache.load(path, progress=indexing_progress(path))


# Above this size building the cache takes long enough to say so on a terminal.
ANNOUNCE_BYTES = 20_000_000


def indexing_progress(path: Path):
    """A callback(done, total) drawing the cache's progress on stderr for a large store on a terminal, else None."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if not sys.stderr.isatty() or size < ANNOUNCE_BYTES:
        return None
    from timeline.text import printable

    name = printable(str(path))

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        sys.stderr.write(
            f"\rtimeline: indexing {name} ({size / 1e6:.0f} MB) for later runs: {done:,}/{total:,} events{end}"
        )
        sys.stderr.flush()

    return show


def typed_date(text: str, flag: str) -> EDate:
    """A date typed on the command line ('9 Feb 2024', 'Feb 2024', today); a bad one names `flag`."""
    from timeline import dates

    try:
        return dates.parse_typed(text, today=date.today())
    except dates.DateError as e:
        raise UsageError(f"{flag}: {e}") from None


def typed_bound(text: str | None, flag: str, which: str) -> date | None:
    """The earliest or latest day of a date typed on the command line ('Feb 2024' is a month)."""
    if text is None:
        return None
    return getattr(typed_date(text, flag), which)


def terminal_width() -> int:
    """$COLUMNS, else the terminal's width, else 80."""
    if "COLUMNS" in os.environ:
        try:
            return max(int(os.environ["COLUMNS"]), 20)
        except ValueError:
            pass
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 80


def choose_format(fmt: str | None, output: str | None = None, *, allowed: tuple[str, ...] = FORMATS) -> str:
    """The --format asked for; else the one --output's extension names; else rich on a terminal, plain otherwise.

    `allowed` are the formats this command or mode can write; anything else is a UsageError
    naming them, whether it came from --format or from the output file's extension.
    """
    from timeline.formats import for_output, resolve

    if fmt is not None:
        return resolve(fmt, allowed=allowed)
    chosen = for_output(output, allowed=allowed) if output not in (None, "-") else None
    if chosen is not None:
        return chosen
    if output in (None, "-") and sys.stdout.isatty() and "rich" in allowed:
        return "rich"
    return "plain"


def complete_formats(incomplete: str) -> list[str]:
    """Format names (and their aliases) for shell completion."""
    from timeline.formats import ALIASES

    return [f for f in (*FORMATS, *ALIASES) if f.startswith(incomplete)]


FormatOpt = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        metavar="FORMAT",
        help=f"Output format: {', '.join(FORMATS)} (md and txt are markdown and plain). "
        "Default: from --output's extension, else rich on a terminal, plain otherwise.",
        show_default=False,
        autocompletion=complete_formats,
    ),
]


def emit(result: Any, *, width: int, output: str | None = None) -> None:
    """Write a renderer's result: text as is, a rich renderable through a console."""
    if not isinstance(result, str):
        if output is None and sys.stdout.isatty():
            from rich.console import Console

            Console(width=width, highlight=False, soft_wrap=False).print(result)
            return
        from timeline.formats import as_text

        result = as_text(result, width=width)
    if output is not None and output != "-":
        from timeline.store.include import files_of
        from timeline.write.output import write_output

        # A store in several files: none of its files may be written over either.
        write_output(output, result, protect=[*_OPENED, *(f for store in _OPENED for f in files_of(store))])
        return
    sys.stdout.write(result)
    sys.stdout.flush()


def say(line: str, *, err: bool = True) -> None:
    """Write one line for a person, on stderr (or stdout), through `clean`: every message goes through here.

    Messages quote file names, CSV cells and store text; cleaned, none of it can move the cursor,
    change the title, reorder the line (U+202E) or start another line.
    """
    stream = sys.stderr if err else sys.stdout
    stream.write(clean(line) + "\n")


def shown(path: Path | str) -> str:
    """A file name as messages quote it: control and bidi characters as visible escapes."""
    from timeline.text import printable

    return printable(str(path))


def input_problem(problem: Problem) -> str:
    """An import row's problem as one line: 'data.csv:5: field 'date': message'."""
    field = f"field '{problem.field}': " if problem.field else ""
    return clean(f"{problem.where()}: {field}{problem.message}")


def warn(message: str) -> None:
    """A one-line warning on stderr."""
    say(f"timeline: warning: {message}")


def _completion_store() -> Store | None:
    # Completion must never print an error into the user's shell line.
    try:
        return load_store(None)
    except Exception:
        return None


def complete_ids(incomplete: str) -> list[str]:
    """Event and actor ids for shell completion."""
    s = _completion_store()
    if s is None:
        return []
    engine = getattr(s.events, "engine", None)
    events = engine.entry.ids_from(incomplete, 200) if engine is not None else list(s.by_id)
    return [i for i in [*events, *s.actors] if i.startswith(incomplete)]


def complete_actors(incomplete: str) -> list[str]:
    """Actor ids starting with what was typed; else those whose name it begins in any script (Жап → japarov)."""
    s = _completion_store()
    if s is None:
        return []
    found = [a for a in s.actors if a.startswith(incomplete)]
    if found or not incomplete:
        return found
    from timeline import names

    return [a.id for a in s.actors.values() if names.begins(incomplete, (a.name, *a.aliases))]


def complete_tags(incomplete: str) -> list[str]:
    from timeline.query.tally import tally

    s = _completion_store()
    tags = sorted(tally(s).tags) if s else []
    return [t for t in tags if t.startswith(incomplete)]


def complete_sources(incomplete: str) -> list[str]:
    s = _completion_store()
    return [x for x in (s.sources if s else ()) if x.startswith(incomplete)]


class Meter:
    """A progress bar on stderr for work that takes more than a moment; nothing when piped."""

    DELAY = 0.4

    def __init__(self, label: str) -> None:
        self.label = label
        self._total: int | None = None
        self._done = 0
        self._step = ""
        self._bar: Any = None
        self._task: Any = None
        self._timer: Any = None
        if sys.stderr.isatty() and os.environ.get("TERM") != "dumb":
            import threading

            self._timer = threading.Timer(self.DELAY, self._start)
            self._timer.daemon = True
            self._timer.start()

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

        # markup=False: the label holds a file name, which is data, not rich markup.
        bar = Progress(
            SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
            TextColumn("{task.fields[count]}"), console=Console(stderr=True), transient=True,
        )  # fmt: skip
        self._task = bar.add_task(self._description(), total=self._total, completed=self._done, count=self._count())
        bar.start()
        self._bar = bar

    def _count(self) -> str:
        return f"{self._done}/{self._total}" if self._total else ""

    def _description(self) -> str:
        return clean(f"{self.label}: {self._step}" if self._step else self.label)

    def describe(self, step: str) -> None:
        """Name the phase under way (reading, checking, validating, writing)."""
        self._step = step
        if self._bar is not None:
            self._bar.update(self._task, description=self._description())

    def total(self, n: int | None) -> None:
        """Start counting to `n` (None: a phase without a count)."""
        self._total, self._done = n, 0
        if self._bar is not None:
            self._bar.update(self._task, total=n, completed=0, count=self._count())

    def advance(self) -> None:
        """One more of `total` done."""
        self._done += 1
        if self._bar is not None and (self._done % 50 == 0 or self._done == self._total):
            self._bar.update(self._task, completed=self._done, count=self._count())

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
