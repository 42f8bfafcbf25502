"""`timeline init`, `add`, `actors add`, `sources add`, `import` and `edit`: writing to the store.

Every write is one transaction (timeline.write); undo is git's.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from timeline.commands.common import FileOpt, store_path
from timeline.errors import TimelineError, UsageError

DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help="Print the TOML that would be added; change nothing.")]

INIT_TEXT = """\
# A timeline: sourced facts, one [[events]] table each. Plain TOML, meant to be kept in git.
#
# [store]        title, description
# [actors.ID]    name, aliases, country ("KG"), roles = [{ title, org, start, end }]
# [sources.ID]   name, kind, url
# [[events]]     id, date, title, summary, type, actors, tags, sources, in_response_to, after, before
#
# Dates are as precise as the source: "2024-02-09", "2024-02", "2024"; "2024-02?" uncertain,
# "2024-02~" approximate, "2024-02-09/2024-02-11" a span. An event's sources are ids, or
# { id = "...", url = "article address", published = "2024-02-10", note = "..." }.
# When sources disagree on the date, replace `date` with one claim per date:
#   dates = [{ date = "2024-02-09", sources = ["a"], preferred = true }, { date = "2024-02-11", sources = ["b"] }]
#
# Add with `timeline add`, `timeline actors add` and `timeline sources add`, or edit by hand;
# `timeline list` reads it back. Undo with git.

[store]
title = {title}
"""


def init(
    path: Annotated[Optional[str], typer.Argument(help="The file to create, or a folder for its events.toml.")] = None,
    title: Annotated[str, typer.Option(help="The timeline's title.")] = "Timeline",
) -> None:
    """Start a new, empty store with a short commented header. Never overwrites a file."""
    from timeline import store as store_mod
    from timeline import toml_out, write

    target = Path(path) if path else Path(store_mod.STORE_NAME)
    if target.is_dir():
        target = target / store_mod.STORE_NAME
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TimelineError(f"{target}: the folder {folder} does not exist; create it first")
    write.create(target, INIT_TEXT.replace("{title}", toml_out.string(title)))
    sys.stdout.write(f"Created {target}. Next: timeline actors add, timeline sources add, timeline add.\n")


def add(
    when: Annotated[
        Optional[str],
        typer.Option("--date", "-d", help="2024-02-09, 2024-02, 2024, '9 Feb 2024', today; 2024-02? if unsure."),
    ] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="One line saying what happened.")] = None,
    summary: Annotated[Optional[str], typer.Option("--summary", help="A few sentences.")] = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="A kind of event, e.g. meeting, letter.")] = None,
    actor: Annotated[
        Optional[list[str]], typer.Option("--actor", "-a", help="Actor id, name or alias (repeat).")
    ] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", "-t", help="Tag (repeat).")] = None,
    source: Annotated[Optional[list[str]], typer.Option("--source", "-s", help="Source id or name (repeat).")] = None,
    url: Annotated[
        Optional[list[str]],
        typer.Option("--url", help="The article's address; the n-th --url goes with the n-th --source."),
    ] = None,
    in_response_to: Annotated[
        Optional[list[str]], typer.Option("--in-response-to", help="Id of the event this answers (repeat).")
    ] = None,
    after: Annotated[
        Optional[list[str]], typer.Option("--after", help="Id of an event this certainly follows (repeat).")
    ] = None,
    before: Annotated[
        Optional[list[str]], typer.Option("--before", help="Id of an event this certainly precedes (repeat).")
    ] = None,
    event_id: Annotated[
        Optional[str], typer.Option("--id", help="The id; default: made from the date and title.")
    ] = None,
    dry_run: DryRunOpt = False,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt, even on a terminal.")] = False,
    file: FileOpt = None,
) -> None:
    """Add one event and print its id.

    On a terminal, asks for what is missing; otherwise --date and --title are required.
    Actors, sources and referenced events must already be in the store.

    Example:

      timeline add --date "9 Feb 2024" --title "Reply handed over" --actor kulubaev --source 24kg --url https://24.kg/english/286437
    """
    from timeline import importer, write

    source, url = source or [], url or []
    if len(url) > len(source):
        raise UsageError("--url: each --url goes with a --source (the n-th with the n-th); give the --source too")
    urls = url + [""] * (len(source) - len(url))
    fields: dict[str, Any] = {
        "id": event_id,
        "date": when,
        "title": title,
        "summary": summary,
        "type": type_,
        "actors": actor or [],
        "tags": tag or [],
        "sources": [{"id": s, "url": u} if u else s for s, u in zip(source, urls, strict=True)],
        "in_response_to": in_response_to or [],
        "after": after or [],
        "before": before or [],
    }
    path = store_path(file)
    if (when is None or title is None) and _interactive(no_input):
        fields = _ask_event(fields, path)
    for flag in ("--date", "--title"):
        if not fields.get(flag[2:]):
            raise UsageError(
                f"{flag} is required (no terminal to ask on); e.g. --date 2024-02-09 --title 'What happened'"
            )
    today = date.today()

    def plan(store):
        checked = importer.check([importer.Row("", fields)], store, today=today)
        _fail_on([_as_flags(p) for p in checked.problems], status=2)
        return write.Insert("events", checked.events)

    done = _transact(path, plan, dry_run)
    if dry_run:
        sys.stdout.write(done.block)
        return
    eid = done.ids[0]
    sys.stdout.write(eid + "\n")
    sys.stderr.write(f"Added {eid} to {path}:{done.line}.\n")


def actors_add(
    name: Annotated[str, typer.Argument(help="The person's name as usually written.")],
    actor_id: Annotated[
        Optional[str], typer.Option("--id", help="The id events use; default: made from the name.")
    ] = None,
    alias: Annotated[
        Optional[list[str]], typer.Option("--alias", help="Another spelling of the name (repeat).")
    ] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO 3166 country code, e.g. KG or US.")] = None,
    office: Annotated[
        Optional[str], typer.Option("--office", help="An office held, e.g. 'Minister of Foreign Affairs'.")
    ] = None,
    office_alias: Annotated[
        Optional[list[str]],
        typer.Option("--office-alias", help="Another name for the office, e.g. 'foreign minister' (repeat)."),
    ] = None,
    org: Annotated[Optional[str], typer.Option(help="Where the office is, e.g. Kyrgyzstan.")] = None,
    start: Annotated[Optional[str], typer.Option(help="When the office began: 2022-04-22, 'Apr 2022'.")] = None,
    end: Annotated[Optional[str], typer.Option(help="When it ended; leave out if still in office.")] = None,
    dry_run: DryRunOpt = False,
    file: FileOpt = None,
) -> None:
    """Register a person (optionally with one office and its span) and print the id.

    Example:

      timeline actors add "Jeenbek Kulubaev" --id kulubaev --country KG \\
        --office "Minister of Foreign Affairs" --start 2022-04-22
    """
    from timeline import ids

    if (office_alias or org or start or end) and not office:
        raise UsageError("--office-alias, --org, --start and --end describe an office; give --office too")
    fields: dict[str, Any] = {"name": _text("NAME", name)}
    if alias:
        fields["aliases"] = [_text("--alias", a) for a in alias]
    if country:
        if not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise UsageError(f"--country: '{country}' is not a two-letter ISO 3166 code like KG or US")
        fields["country"] = country.upper()
    if office:
        role: dict[str, Any] = {"title": _text("--office", office)}
        if office_alias:
            role["aliases"] = [_text("--office-alias", a) for a in office_alias]
        if org:
            role["org"] = _text("--org", org)
        role.update({k: _typed_date(v, f"--{k}") for k, v in (("start", start), ("end", end)) if v})
        fields["roles"] = [role]
    base = actor_id or ids.slug(name.split()[-1] if name.split() else name) or "actor"
    _add_table("actors", base, actor_id is not None, fields, dry_run, file)


def sources_add(
    name: Annotated[str, typer.Argument(help="The source's name, e.g. 'Radio Liberty (RFE/RL)'.")],
    source_id: Annotated[
        Optional[str], typer.Option("--id", help="The id events cite; default: made from the name.")
    ] = None,
    kind: Annotated[Optional[str], typer.Option(help="e.g. 'news agency', ministry, NGO.")] = None,
    url: Annotated[Optional[str], typer.Option(help="The outlet's home page.")] = None,
    dry_run: DryRunOpt = False,
    file: FileOpt = None,
) -> None:
    """Register a source that events can cite, and print its id.

    Example:

      timeline sources add "24.kg" --id 24kg --kind "news agency" --url https://24.kg/english/
    """
    from timeline import ids

    fields = {"name": _text("NAME", name)}
    if kind:
        fields["kind"] = _text("--kind", kind)
    if url:
        fields["url"] = _text("--url", url)
    _add_table("sources", source_id or ids.slug(name) or "source", source_id is not None, fields, dry_run, file)


def import_(
    source: Annotated[
        str,
        typer.Argument(
            metavar="FILE", help="CSV, a 'timeline list --format json' export, or TimelineJS JSON; - for stdin."
        ),
    ],
    fmt: Annotated[
        Optional[str], typer.Option("--format", help="csv, json or timelinejs. Default: from the file's content.")
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
    from timeline import importer, write

    name, text = _read_input(source)
    if fmt is not None and fmt not in importer.FORMATS:
        raise UsageError(f"--format: '{fmt}' is not one of: {', '.join(importer.FORMATS)}")
    rows = importer.read(name, text, fmt or importer.detect(name, text))
    if not rows:
        sys.stderr.write(f"Nothing to import: {name} has no rows.\n")
        return
    path = store_path(file)
    today = date.today()
    meter = _Meter(f"Importing {len(rows)} rows")
    outcome: dict[str, Any] = {}

    def plan(store):
        meter.total(len(rows))
        checked = importer.check(
            rows, store, today=today, skip_existing=skip_existing, importing=True, step=meter.advance
        )
        meter.total(None)
        if checked.problems:
            meter.close()
            for line in checked.problems:
                sys.stderr.write(line + "\n")
            verb = "has" if checked.bad_rows == 1 else "have"
            raise TimelineError(
                f"{name}: {checked.bad_rows} of {len(rows)} rows {verb} problems (listed above); nothing was imported"
            )
        outcome["skipped"] = checked.skipped
        if not checked.events:
            raise _Nothing()
        return write.Insert("events", checked.events)

    try:
        done = _transact(path, plan, dry_run, meter)
    except _Nothing:
        sys.stderr.write(f"Nothing to import: {len(outcome.get('skipped', []))} rows are already in {path}.\n")
        return
    if dry_run:
        sys.stdout.write(done.block)
        return
    added = done.ids
    sys.stdout.write("".join(i + "\n" for i in added))
    skipped = f"; skipped {len(outcome['skipped'])} already there" if outcome["skipped"] else ""
    sys.stderr.write(f"Imported {len(added)} events into {path} from line {done.line}{skipped}.\n")


def edit(
    item: Annotated[
        Optional[str], typer.Argument(metavar="[ID]", help="An event, actor or source id; the editor opens at it.")
    ] = None,
    file: FileOpt = None,
) -> None:
    """Edit the store in $VISUAL or $EDITOR, safely, like visudo.

    You edit a private copy. When the editor exits, the whole store is checked; it replaces the
    store only if it loads cleanly. Otherwise you see why and may edit again or abandon.
    """
    if not _interactive(False):
        raise TimelineError("timeline edit needs a terminal; edit the file directly and run 'timeline check'")
    _edit_copy(store_path(file), item)


class _Nothing(Exception):
    """Every row was skipped: there is nothing to write."""


def _interactive(no_input: bool) -> bool:
    """Prompting is allowed: both ends are a terminal and --no-input was not given."""
    return not no_input and sys.stdin.isatty() and sys.stdout.isatty()


def _transact(path: Path, plan, dry_run: bool, meter: _Meter | None = None):
    from timeline import write

    meter = meter or _Meter(f"Adding to {path.name}")

    def waiting() -> None:
        sys.stderr.write(f"Waiting for another command writing to {path}...\n")

    try:
        return write.transact(path, plan, dry_run=dry_run, step=meter.describe, on_wait=waiting)
    finally:
        meter.close()


def _add_table(kind: str, base: str, explicit: bool, fields: dict[str, Any], dry_run: bool, file: str | None) -> None:
    """Add one [actors.ID] or [sources.ID] table; the id is `base`, made unique unless explicit."""
    from timeline import ids, write

    bad = ids.id_problem(base)
    if bad:
        raise UsageError(f"--id: {bad}")
    path = store_path(file)
    chosen: list[str] = []

    def plan(store):
        known = store.actors if kind == "actors" else store.sources
        if explicit and base in known:
            raise UsageError(
                f"--id: {kind[:-1]} '{base}' already exists (line {_line_of(store, kind, base)}); choose another id"
            )
        tid = ids.unique(base, known)
        chosen.append(tid)
        return write.Insert(kind, [{tid: fields}])

    done = _transact(path, plan, dry_run)
    if dry_run:
        sys.stdout.write(done.block)
        return
    sys.stdout.write(chosen[-1] + "\n")
    sys.stderr.write(f"Added {kind[:-1]} {chosen[-1]} to {path}:{done.line}.\n")


def _line_of(store, kind: str, tid: str) -> int:
    from timeline import write

    return write.find_line(Path(store.path).read_text(encoding="utf-8"), tid, (kind,))


def _fail_on(problems: list[str], *, status: int) -> None:
    """Raise with every problem: each on its own line, the last one as the error itself."""
    if not problems:
        return
    for line in problems[:-1]:
        sys.stderr.write(f"timeline: error: {line}\n")
    raise TimelineError(problems[-1], exit_code=status)


# The importer names fields as the store does; `add` names the flag that was given.
_FLAGS = {"id": "--id", "date": "--date", "title": "--title", "summary": "--summary", "type": "--type",
          "actors": "--actor", "tags": "--tag", "sources": "--source", "in_response_to": "--in-response-to",
          "after": "--after", "before": "--before"}  # fmt: skip


def _as_flags(problem: str) -> str:
    import re

    return re.sub(r"^field '(\w+)':", lambda m: f"{_FLAGS.get(m.group(1), m.group(0))}:", problem)


def _text(flag: str, value: str) -> str:
    if not value.strip():
        raise UsageError(f"{flag}: must not be empty")
    return value.strip()


def _typed_date(text: str, flag: str) -> str:
    from timeline import dates

    try:
        return dates.parse_typed(text, today=date.today()).text
    except dates.DateError as e:
        raise UsageError(f"{flag}: {e}") from None


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


class _Meter:
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

        bar = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
            console=Console(stderr=True), transient=True,
        )  # fmt: skip
        self._task = bar.add_task(self._description(), total=self._total, completed=self._done, count=self._count())
        bar.start()
        self._bar = bar

    def _count(self) -> str:
        return f"{self._done}/{self._total}" if self._total else ""

    def _description(self) -> str:
        return f"{self.label}: {self._step}" if self._step else self.label

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


# Editing ------------------------------------------------------------------------------------

# Editors that take +LINE to open the file at a line.
_LINE_EDITORS = set("vi vim nvim view ex gvim mvim nano pico emacs emacsclient micro joe mg ne jed kak".split())  # noqa: SIM905


def _edit_copy(path: Path, item: str | None) -> None:
    """Edit a private copy until it loads cleanly (then replace the store) or the person gives up."""
    import re
    import shutil
    import tempfile

    from timeline import write

    before = write.snapshot(path)
    line = write.find_line(before.data.decode("utf-8", "replace"), item) if item else 1
    folder = Path(tempfile.mkdtemp(prefix="timeline-edit-"))  # private: mode 0700
    copy = folder / path.name
    copy.write_bytes(before.data)
    keep = False
    try:
        while True:
            status = _run_editor(copy, line)
            if status != 0:
                raise TimelineError(f"the editor exited with status {status}; {path} was not changed")
            edited = copy.read_bytes()
            if edited == before.data:
                sys.stdout.write(f"No changes; {path} was not changed.\n")
                return
            errors = write.problems_in(edited, str(path))
            if not errors:
                break
            sys.stderr.write("".join(f"{e}\n" for e in errors))
            if not _ask_again():
                raise TimelineError(f"abandoned; {path} was not changed")
            m = re.match(rf"{re.escape(str(path))}:(\d+)", errors[0])
            line = int(m.group(1)) if m else line
        try:
            write.replace(path, before, edited)
        except TimelineError as e:
            keep = True
            raise TimelineError(f"{e.message}; your edited copy is kept at {copy}") from None
        sys.stdout.write(f"Saved {path}.\n")
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


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


def _ask_again() -> bool:
    """After a failed check: True to edit again, False to abandon (also on end of input)."""
    while True:
        try:
            answer = input("The store would not load. (e)dit again or (a)bandon? [e] ").strip().lower()
        except EOFError:
            return False
        if answer in ("", "e", "edit"):
            return True
        if answer in ("a", "abandon", "q", "quit"):
            return False


# Prompts for `add` ----------------------------------------------------------------------------


def _ask_event(fields: dict[str, Any], path: Path) -> dict[str, Any]:
    """Ask on the terminal for the fields not given, checking each answer; known values are offered."""
    from collections import Counter

    from rich.console import Console
    from rich.prompt import Prompt

    from timeline import dates, importer
    from timeline import store as store_mod

    s = store_mod.load(path)
    find = importer.Finders(s, date.today())
    console = Console(highlight=False)
    fields = dict(fields)

    def ask(label: str, check, *, required: bool = False):
        while True:
            try:
                answer = Prompt.ask(label, console=console, default="" if not required else None, show_default=False)
            except EOFError:
                raise TimelineError("cancelled; nothing was added") from None
            answer = (answer or "").strip()
            if not answer and required:
                console.print("  required")
                continue
            try:
                return check(answer) if answer else None
            except (ValueError, LookupError) as e:
                console.print(f"  {e}", markup=False)

    def listed(finder):
        def check(answer: str) -> list[str]:
            return [finder.find(x.strip()) for x in answer.replace(";", ",").split(",") if x.strip()]

        return check

    def offer(counts: Counter) -> str:
        top = [k for k, _ in counts.most_common(8)]
        more = f", … {len(counts) - len(top)} more" if len(counts) > len(top) else ""
        return f" (known: {', '.join(top)}{more})" if top else ""

    if not fields.get("date"):
        fields["date"] = ask(
            "Date (2024-02-09, Feb 2024, today)", lambda a: dates.parse_typed(a, today=date.today()).text, required=True
        )
    if not fields.get("title"):
        fields["title"] = ask("Title", str, required=True)
    if fields.get("summary") is None:
        fields["summary"] = ask("Summary (Enter to skip)", str)
    if fields.get("type") is None:
        fields["type"] = ask("Type" + offer(Counter(e.type for e in s.events if e.type)), str)
    if not fields.get("actors"):
        known = Counter({a: 0 for a in s.actors}) + Counter(a for e in s.events for a in e.actors)
        fields["actors"] = ask("Actors, comma-separated" + offer(known or Counter(s.actors)), listed(find.actors)) or []
    if not fields.get("tags"):
        tags = Counter(t for e in s.events for t in e.tags)
        fields["tags"] = (
            ask("Tags, comma-separated" + offer(tags), lambda a: [t.strip() for t in a.split(",") if t.strip()]) or []
        )
    if not fields.get("sources"):
        cited = Counter({x: 0 for x in s.sources}) + Counter(c.id for e in s.events for c in e.sources)
        fields["sources"] = (
            ask("Sources, comma-separated" + offer(cited or Counter(s.sources)), listed(find.sources)) or []
        )
    return fields
