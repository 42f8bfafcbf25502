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
from timeline.cli.common import FileOpt, Meter, say, shown, store_path, typed_date, warn
from timeline.errors import TimelineError, UsageError
from timeline.model import Problem, Store

DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help="Print the TOML that would be added; change nothing.")]
IntoOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--into",
        metavar="PATH",
        help="For a store that includes other files: the file to write the events to. "
        "Default: each event's nearest neighbour's file, of the same year when there is one.",
        show_default=False,
    ),
]

INIT_TEXT = """\
# A timeline: sourced facts, one [[events]] table each. Plain TOML, meant to be kept in git.
#
# [store]        title, description, include = ["2023/*.toml"] (more files of this store)
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
    path: Annotated[
        Optional[str],
        typer.Argument(metavar="PATH", help="The file to create, or a folder for its events.toml.", show_default=False),
    ] = None,
    title: Annotated[str, typer.Option(metavar="TEXT", help="The timeline's title.")] = "Timeline",
    git: Annotated[
        bool,
        typer.Option(
            "--git",
            help="Also have git merge the store event by event: a .gitattributes line and the "
            "merge.timeline.driver setting ('git init' first if needed). On an existing store, does only this.",
        ),
    ] = False,
) -> None:
    """Start a new, empty store with a short commented header. Never overwrites a file.

    With --git, also register timeline's merge driver, so that two people adding events on
    their own branches merge without conflicts (see 'timeline merge-driver --help').
    """
    from timeline import store as store_mod
    from timeline.write import file as store_file
    from timeline.write import toml_out

    target = Path(path) if path else Path(store_mod.STORE_NAME)
    if target.is_dir():
        target = target / store_mod.STORE_NAME
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TimelineError(f"{shown(target)}: the folder {shown(folder)} does not exist; create it first")
    if git and target.is_file():
        say(f"{shown(target)} exists; left as it is.", err=False)
    else:
        store_file.create(target, INIT_TEXT.replace("{title}", toml_out.string(title)))
        say(f"Created {shown(target)}. Next: timeline actors add, timeline sources add, timeline add.", err=False)
    if git:
        from timeline.history.driver import register

        for line in register(target):
            say(line, err=False)


def add(
    when: Annotated[
        Optional[str],
        typer.Option(
            "--date",
            "-d",
            metavar="DATE",
            help="2024-02-09, 2024-02, 2024, '9 Feb 2024', today; 2024-02? if unsure; or the source's own words "
            "('last Friday', '3 days ago') with --published.",
        ),
    ] = None,
    title: Annotated[
        Optional[str], typer.Option("--title", metavar="TEXT", help="One line saying what happened.")
    ] = None,
    summary: Annotated[Optional[str], typer.Option("--summary", metavar="TEXT", help="A few sentences.")] = None,
    type_: Annotated[
        Optional[str], typer.Option("--type", metavar="TYPE", help="A kind of event, e.g. meeting, letter.")
    ] = None,
    actor: Annotated[
        Optional[list[str]], typer.Option("--actor", "-a", metavar="NAME", help="Actor id, name or alias (repeat).")
    ] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", "-t", metavar="TAG", help="Tag (repeat).")] = None,
    source: Annotated[
        Optional[list[str]], typer.Option("--source", "-s", metavar="SOURCE", help="Source id or name (repeat).")
    ] = None,
    url: Annotated[
        Optional[list[str]],
        typer.Option("--url", metavar="URL", help="The article's address; the n-th --url goes with the n-th --source."),
    ] = None,
    published: Annotated[
        Optional[list[str]],
        typer.Option(
            "--published",
            metavar="DATE",
            help="When the article was published; the n-th --published goes with the n-th --source. "
            "A relative --date is read against the first.",
        ),
    ] = None,
    credibility: Annotated[
        Optional[list[int]],
        typer.Option(
            "--credibility",
            metavar="N",
            min=1,
            max=6,
            help="Admiralty credibility of what the source says, 1 (confirmed) to 6 (cannot be judged); "
            "the n-th goes with the n-th --source.",
        ),
    ] = None,
    status: Annotated[
        Optional[str],
        typer.Option(
            "--status",
            metavar="STATUS",
            help="What kind of claim, if it is not a fact that happened: reported, announced, planned, "
            "threatened, denied, hypothetical.",
        ),
    ] = None,
    in_response_to: Annotated[
        Optional[list[str]],
        typer.Option("--in-response-to", metavar="ID", help="Id of the event this answers (repeat)."),
    ] = None,
    after: Annotated[
        Optional[list[str]],
        typer.Option("--after", metavar="ID", help="Id of an event this certainly follows (repeat)."),
    ] = None,
    before: Annotated[
        Optional[list[str]],
        typer.Option("--before", metavar="ID", help="Id of an event this certainly precedes (repeat)."),
    ] = None,
    event_id: Annotated[
        Optional[str], typer.Option("--id", metavar="ID", help="The id; default: made from the date and title.")
    ] = None,
    allow_new: Annotated[
        bool,
        typer.Option("--allow-new", help="Accept a new tag or type even when it looks like one the store has."),
    ] = False,
    dry_run: DryRunOpt = False,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt, even on a terminal.")] = False,
    into: IntoOpt = None,
    file: FileOpt = None,
) -> None:
    """Add one event and print its id.

    On a terminal, asks for what is missing; otherwise --date and --title are required.
    Actors, sources and referenced events must already be in the store.

    A date the source gives in its own words ("last Friday") is read against the article's
    publication day, never against today: give --source and --published, and the citation keeps
    the words beside the date they mean.

    Examples:

      timeline add --date "9 Feb 2024" --title "Reply handed over" --actor kulubaev --source 24kg --url https://24.kg/english/286437

      timeline add --date "last Friday" --source ria-novosti --published 2024-02-12 --title "Reply handed over"
    """
    from timeline import write
    from timeline.write import importer

    source = source or []
    citations = _citations(source, url or [], published or [], credibility or [])
    if when is not None:
        when = _anchored(when, citations)
    fields: dict[str, Any] = {
        "id": event_id,
        "date": when,
        "title": title,
        "summary": summary,
        "type": type_,
        "actors": actor or [],
        "tags": tag or [],
        "sources": citations,
        "status": status,
        "in_response_to": in_response_to or [],
        "after": after or [],
        "before": before or [],
    }
    path = store_path(file)
    if (when is None or title is None) and prompts.interactive(no_input):
        fields = prompts.ask_event(fields, path)
    confirmed = set(fields.pop("new", ()))  # look-alikes typed twice at the prompt
    for flag in ("--date", "--title"):
        if not fields.get(flag[2:]):
            raise UsageError(
                f"{flag} is required (no terminal to ask on); e.g. --date 2024-02-09 --title 'What happened'"
            )
    today = date.today()

    def plan(store):
        checked = importer.check([importer.Row(fields)], store, today=today)
        lookalikes = [] if allow_new else _lookalikes(store, fields, confirmed)
        _fail_on([_as_flag(p) for p in checked.problems] + lookalikes, status=2)
        return write.Insert("events", checked.events)

    done = transact(path, plan, dry_run, into=into)
    if dry_run:
        sys.stdout.write(done.block)
        return
    eid = done.ids[0]
    sys.stdout.write(eid + "\n")
    say(f"Added {eid} to {shown(done.file or path)}:{done.line}.")


def _citations(source: list[str], url: list[str], published: list[str], credibility: list[int]) -> list[Any]:
    """The --source values with the --url, --published and --credibility that go with each (n-th with n-th)."""
    for flag, values in (("--url", url), ("--published", published), ("--credibility", credibility)):
        if len(values) > len(source):
            raise UsageError(
                f"{flag}: each {flag} goes with a --source (the n-th with the n-th); give the --source too"
            )
    out: list[Any] = []
    for n, sid in enumerate(source):
        item: dict[str, Any] = {"id": sid}
        if n < len(url) and url[n]:
            item["url"] = url[n]
        if n < len(published) and published[n]:
            item["published"] = typed_date(published[n], "--published").text
        if n < len(credibility):
            item["credibility"] = credibility[n]
        out.append(item if len(item) > 1 else sid)
    return out


def _anchored(when: str, citations: list[Any]) -> str:
    """`when` as a store date: the source's own words ("last Friday") are read against the first
    --published, and that citation keeps them as `said`; any other date is returned as typed."""
    from timeline import dates, relative

    if not relative.understood(when):
        return when
    anchor = next((c for c in citations if isinstance(c, dict) and "published" in c), None)
    if anchor is None:
        if when.strip().lower() in ("today", "yesterday"):
            return when  # your own today, as before
        raise UsageError(
            f'--date: "{when}" is relative to a report; say which and when it was published: '
            "--source ID --published DATE (timeline never reads it against today)"
        )
    try:
        resolved = relative.resolve(when, relative.anchor_day(dates.parse(anchor["published"])))
    except relative.PhraseError as e:
        raise UsageError(f"--date: {e}") from None
    anchor["said"] = when.strip()
    return resolved.text


def actors_add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The person's name as usually written.", show_default=False)
    ],
    actor_id: Annotated[
        Optional[str], typer.Option("--id", metavar="ID", help="The id events use; default: made from the name.")
    ] = None,
    alias: Annotated[
        Optional[list[str]], typer.Option("--alias", metavar="NAME", help="Another spelling of the name (repeat).")
    ] = None,
    country: Annotated[
        Optional[str], typer.Option(metavar="CODE", help="ISO 3166 country code, e.g. KG or US.")
    ] = None,
    office: Annotated[
        Optional[str],
        typer.Option("--office", metavar="TITLE", help="An office held, e.g. 'Minister of Foreign Affairs'."),
    ] = None,
    office_alias: Annotated[
        Optional[list[str]],
        typer.Option(
            "--office-alias", metavar="TITLE", help="Another name for the office, e.g. 'foreign minister' (repeat)."
        ),
    ] = None,
    org: Annotated[Optional[str], typer.Option(metavar="ORG", help="Where the office is, e.g. Kyrgyzstan.")] = None,
    start: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="When the office began: 2022-04-22, 'Apr 2022'.")
    ] = None,
    end: Annotated[
        Optional[str], typer.Option(metavar="DATE", help="When it ended; leave out if still in office.")
    ] = None,
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
        from timeline.store.fields import country_problem

        wrong = country_problem(country.strip().upper())
        if wrong:
            raise UsageError(f"--country: {wrong}")
        fields["country"] = country.strip().upper()
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
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", show_default=False, help="The source's name, e.g. 'Radio Liberty (RFE/RL)'."),
    ],
    source_id: Annotated[
        Optional[str], typer.Option("--id", metavar="ID", help="The id events cite; default: made from the name.")
    ] = None,
    kind: Annotated[Optional[str], typer.Option(metavar="KIND", help="e.g. 'news agency', ministry, NGO.")] = None,
    url: Annotated[Optional[str], typer.Option(metavar="URL", help="The outlet's home page.")] = None,
    reliability: Annotated[
        Optional[str],
        typer.Option(
            metavar="GRADE",
            help="Admiralty reliability: A completely reliable, B usually, C fairly, D not usually, E unreliable, "
            "F cannot be judged.",
        ),
    ] = None,
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
    if reliability:
        from timeline.model import RELIABILITY

        if reliability.strip().upper() not in RELIABILITY:
            raise UsageError(f"--reliability: '{reliability}' is not a grade; give one letter, A to F")
        fields["reliability"] = reliability.strip().upper()
    _add_table("sources", source_id or ids.name_id(name) or "source", source_id is not None, fields, dry_run, file)


def transact(path: Path, plan, dry_run: bool, meter: Meter | None = None, into: Path | None = None):
    """Run one write transaction under a progress meter, saying so while another writer holds the lock."""
    from timeline import write

    meter = meter or Meter(f"Adding to {shown(path.name)}")

    def waiting() -> None:
        say(f"Waiting for another command writing to {shown(path)}...")

    try:
        return write.transact(path, plan, dry_run=dry_run, step=meter.describe, on_wait=waiting, into=into)
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
        from timeline.query.resolve import actor_names, source_names
        from timeline.text import short

        known = store.actors if kind == "actors" else store.sources
        if explicit and base in known:
            from timeline.store.include import written_at

            at = written_at(store, known[base])
            raise UsageError(f"--id: {kind[:-1]} '{base}' already exists ({at}); choose another id")
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
    say(f"Added {kind[:-1]} {chosen[-1]} to {shown(done.file or path)}:{done.line}.")


def _lookalikes(store: Store, fields: dict[str, Any], confirmed: set[str]) -> list[str]:
    """A new tag or type that looks like one the store has is a typo until shown otherwise."""
    from timeline.query import names
    from timeline.text import short

    out = []
    given = [("--type", "type", fields.get("type"), names.types(store))]
    given += [("--tag", "tag", t, names.tags(store)) for t in fields.get("tags") or ()]
    for flag, kind, value, known in given:
        if not isinstance(value, str) or value in confirmed:
            continue
        hint = names.lookalike(value, known)
        if hint:
            out.append(f"{flag}: '{short(value)}' is not a {kind} in the store; {hint} (if it is new, add --allow-new)")
    return out


def _fail_on(problems: list[str], *, status: int) -> None:
    """Raise with every problem: each on its own line, the last one as the error itself."""
    if not problems:
        return
    for line in problems[:-1]:
        say(f"timeline: error: {line}")
    raise TimelineError(problems[-1], exit_code=status)


# The importer names fields as the store does; `add` names the flag that was given.
_FLAGS = {"id": "--id", "date": "--date", "title": "--title", "summary": "--summary", "type": "--type",
          "actors": "--actor", "tags": "--tag", "sources": "--source", "in_response_to": "--in-response-to",
          "after": "--after", "before": "--before", "status": "--status"}  # fmt: skip


def _as_flag(problem: Problem) -> str:
    flag = _FLAGS.get(problem.field or "")
    return f"{flag}: {problem.message}" if flag else problem.message


def _text(flag: str, value: str) -> str:
    if not value.strip():
        raise UsageError(f"{flag}: must not be empty")
    return value.strip()
