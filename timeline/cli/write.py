"""`timeline init`, `add`, `actors add` and `sources add`: writing to the store.

Every write is one transaction (timeline.write); undo is git's.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from timeline.cli import prompts
from timeline.cli.common import FileOpt, Meter, store_path, typed_date, warn
from timeline.errors import TimelineError, UsageError
from timeline.model import Problem

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
    from timeline.write import file as store_file
    from timeline.write import toml_out

    target = Path(path) if path else Path(store_mod.STORE_NAME)
    if target.is_dir():
        target = target / store_mod.STORE_NAME
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TimelineError(f"{target}: the folder {folder} does not exist; create it first")
    store_file.create(target, INIT_TEXT.replace("{title}", toml_out.string(title)))
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
    from timeline import write
    from timeline.write import importer

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
    if (when is None or title is None) and prompts.interactive(no_input):
        fields = prompts.ask_event(fields, path)
    for flag in ("--date", "--title"):
        if not fields.get(flag[2:]):
            raise UsageError(
                f"{flag} is required (no terminal to ask on); e.g. --date 2024-02-09 --title 'What happened'"
            )
    today = date.today()

    def plan(store):
        checked = importer.check([importer.Row(fields)], store, today=today)
        _fail_on([_as_flag(p) for p in checked.problems], status=2)
        return write.Insert("events", checked.events)

    done = transact(path, plan, dry_run)
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
    from timeline.write import ids

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
        role.update({k: typed_date(v, f"--{k}").text for k, v in (("start", start), ("end", end)) if v})
        fields["roles"] = [role]
    base = actor_id or ids.name_id(name) or "actor"
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
    from timeline.write import ids

    fields = {"name": _text("NAME", name)}
    if kind:
        fields["kind"] = _text("--kind", kind)
    if url:
        fields["url"] = _text("--url", url)
    _add_table("sources", source_id or ids.name_id(name) or "source", source_id is not None, fields, dry_run, file)


def transact(path: Path, plan, dry_run: bool, meter: Meter | None = None):
    """Run one write transaction under a progress meter, saying so while another writer holds the lock."""
    from timeline import write

    meter = meter or Meter(f"Adding to {path.name}")

    def waiting() -> None:
        sys.stderr.write(f"Waiting for another command writing to {path}...\n")

    try:
        return write.transact(path, plan, dry_run=dry_run, step=meter.describe, on_wait=waiting)
    finally:
        meter.close()


def _add_table(kind: str, base: str, explicit: bool, fields: dict[str, Any], dry_run: bool, file: str | None) -> None:
    """Add one [actors.ID] or [sources.ID] table; the id is `base`, made unique unless explicit."""
    from timeline import write
    from timeline.write import ids

    bad = ids.id_problem(base)
    if bad:
        raise UsageError(f"--id: {bad}")
    path = store_path(file)
    chosen: list[str] = []

    warnings: list[str] = []

    def plan(store):
        from timeline.query.names import actor_names, source_names
        from timeline.text import short

        known = store.actors if kind == "actors" else store.sources
        if explicit and base in known:
            raise UsageError(f"--id: {kind[:-1]} '{base}' already exists (line {known[base].line}); choose another id")
        tid = ids.unique(base, known)
        chosen.append(tid)
        names = actor_names(store) if kind == "actors" else source_names(store)
        clashes = names.clashes(tid, fields["name"], *fields.get("aliases", ()))
        if clashes:
            also = ", ".join(names.label(i) for i in clashes)
            warnings.append(
                f"'{short(fields['name'])}' is also {also}: where a name means both, commands refuse it; give the id"
            )
        return write.Insert(kind, [{tid: fields}])

    done = transact(path, plan, dry_run)
    for w in warnings:
        warn(w)
    if dry_run:
        sys.stdout.write(done.block)
        return
    sys.stdout.write(chosen[-1] + "\n")
    sys.stderr.write(f"Added {kind[:-1]} {chosen[-1]} to {path}:{done.line}.\n")


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


def _as_flag(problem: Problem) -> str:
    flag = _FLAGS.get(problem.field or "")
    return f"{flag}: {problem.message}" if flag else problem.message


def _text(flag: str, value: str) -> str:
    if not value.strip():
        raise UsageError(f"{flag}: must not be empty")
    return value.strip()
