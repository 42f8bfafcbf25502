"""Turn parsed TOML into the model, collecting every problem with its place.

Pure: takes the parsed data and the text (for line numbers), returns a Store and Problems.
Messages read `event 'ID': field 'X': problem; fix`, and for things inside a list
`event 'ID': field 'sources': source 'cpj': field 'published': problem`. The readers of single
fields are in `timeline.schema_fields`, the reading of [[events]] in `timeline.schema_events`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from timeline.model import RELIABILITY, Actor, Event, Problem, Role, Source, Store
from timeline.store.events import event, references
from timeline.store.fields import (
    BAD_VALUE,
    DUPLICATE,
    ROLE_SPAN,
    Collector,
    Where,
    bad_id,
    check_keys,
    choice_field,
    country_problem,
    date_field,
    kind_of,
    text_field,
    text_list,
)
from timeline.store.locate import event_lines
from timeline.text import short

TOP_KEYS = ("store", "actors", "sources", "events", "check")
STORE_KEYS = ("title", "description", "include")
ACTOR_KEYS = ("name", "aliases", "country", "sectors", "roles")
ROLE_KEYS = ("title", "aliases", "org", "start", "end")
SOURCE_KEYS = ("name", "kind", "url", "reliability")

# The usual header of an actor or source, or of a table inside one: [actors.ID], [sources."ID"],
# [[actors.ID.roles]]. Group 1 is the second "[" of an array header, group 6 what follows the id.
# It starts with a literal so that the scan skips ahead to each "["; the caller checks that the
# "[" starts its line, which a leading ^ would make the regex try at every character.
_ENTRY_HEADER = re.compile(
    r"""\[(\[)?[ \t]*(actors|sources)[ \t]*\.[ \t]*"""
    r"""(?:([A-Za-z0-9_-]+)|"([^"\\\n]*)"|'([^'\n]*)')[ \t]*([.\]])"""
)


def _entry_lines(c: Collector, entries: dict[str, dict]) -> dict[tuple[str, str], int]:
    """The line of each actor and source table: (kind, id) -> line, 0 where it is nowhere written.

    Every load needs these, so a regex reads the usual headers first. Only when they do not
    account for each table exactly once (a table written inline or with dotted keys, a header
    inside a multi-line string, an escaped id) does the full scan decide.
    """
    first: dict[tuple[str, str], int] = {}
    headers: dict[tuple[str, str], int] = {}
    text, line, pos = c.text, 1, 0
    for m in _ENTRY_HEADER.finditer(text):
        start = m.start()
        if text[text.rfind("\n", 0, start) + 1 : start].strip(" \t"):
            continue  # not a header: something else comes first on its line
        line += text.count("\n", pos, start)
        pos = start
        kind, ident = m.group(2), next(g for g in m.group(3, 4, 5) if g is not None)
        first.setdefault((kind, ident), line)
        if m.group(1) is None and m.group(6) == "]":
            headers[kind, ident] = headers.get((kind, ident), 0) + 1
    wanted = {(kind, i) for kind, tables in entries.items() for i, raw in tables.items() if isinstance(raw, dict)}
    if set(headers) == wanted and all(n == 1 for n in headers.values()):
        return {key: first[key] for key in wanted}
    loc = c.locator
    return {(kind, i): loc.table(f"{kind}.{i}") or loc.key(kind, i) or loc.top_key(kind) or 0 for kind, i in wanted}


def _entry(c: Collector, kind: str, ident: str, raw: Any, keys: tuple[str, ...]) -> tuple[Where, str] | None:
    """The place and name of an [actors.ID] or [sources.ID] table, its id and keys checked; None if no table."""
    what = f"{kind[:-1]} '{short(ident)}'"
    if not isinstance(raw, dict):
        c.add(BAD_VALUE, Where(kind, ident), f'{what}: expected a table [{kind}.{short(ident)}] with name = "…"')
        return None
    where = Where(f"{kind}.{ident}")
    bad_id(c, ident, where, what)
    check_keys(c, raw, keys, where, what)
    return where, what


def _actor(c: Collector, aid: str, raw: Any, line: int) -> Actor | None:
    entry = _entry(c, "actors", aid, raw, ACTOR_KEYS)
    if entry is None:
        return None
    where, what = entry
    name = text_field(c, raw, "name", where, what, required='add name = "Full Name"') or aid
    roles: list[Role] = []
    raw_roles = raw.get("roles", [])
    if not isinstance(raw_roles, list):
        c.add(
            BAD_VALUE,
            where.at("roles"),
            f"{what}: field 'roles': expected a list of tables like {{ title = \"…\" }}, got {kind_of(raw_roles)}",
        )
        raw_roles = []
    for n, r in enumerate(raw_roles):
        role = _role(c, n, r, where.at("roles", n), what)
        if role is not None:
            roles.append(role)
    country = text_field(c, raw, "country", where, what)
    wrong = country_problem(country) if country is not None else None
    if wrong:
        c.add(BAD_VALUE, where.at("country"), f"{what}: field 'country': {wrong}")
    return Actor(
        id=aid,
        name=name,
        aliases=text_list(c, raw, "aliases", where, what),
        country=country,
        sectors=text_list(c, raw, "sectors", where, what),
        roles=tuple(roles),
        line=line,
    )


def _role(c: Collector, n: int, r: Any, at: Where, what: str) -> Role | None:
    if not isinstance(r, dict):
        c.add(
            BAD_VALUE,
            at,
            f"{what}: field 'roles': item {n + 1}: expected a table like {{ title = \"…\" }}, got {kind_of(r)}",
        )
        return None
    title = r.get("title")
    role_what = f"{what}: field 'roles': " + (
        f"role '{short(title)}'" if isinstance(title, str) and title.strip() else f"item {n + 1}"
    )
    check_keys(c, r, ROLE_KEYS, at, role_what)
    title = text_field(c, r, "title", at, role_what, required='add title = "…"') or ""
    start = date_field(c, r["start"], at, f"{role_what}: field 'start'") if "start" in r else None
    end = date_field(c, r["end"], at, f"{role_what}: field 'end'") if "end" in r else None
    if start and end and end.latest < start.earliest:
        message = f"{role_what}: field 'end': {end.text} is before the start {start.text}; swap or fix them"
        c.add(ROLE_SPAN, at, message)
    return Role(
        title=title,
        aliases=text_list(c, r, "aliases", at, role_what),
        org=text_field(c, r, "org", at, role_what),
        start=start,
        end=end,
    )


def _source(c: Collector, sid: str, raw: Any, line: int) -> Source | None:
    entry = _entry(c, "sources", sid, raw, SOURCE_KEYS)
    if entry is None:
        return None
    where, what = entry
    return Source(
        id=sid,
        name=text_field(c, raw, "name", where, what, required='add name = "Outlet name"') or sid,
        kind=text_field(c, raw, "kind", where, what),
        url=text_field(c, raw, "url", where, what),
        line=line,
        reliability=choice_field(c, raw, "reliability", RELIABILITY, where, what),
    )


def _table(c: Collector, data: dict, key: str, example: str) -> dict:
    value = data.get(key, {})
    if isinstance(value, dict):
        return value
    c.add(BAD_VALUE, Where("", key), f"field '{key}': expected tables like {example}, got {kind_of(value)}")
    return {}


def build(
    data: dict[str, Any], path: str, text: str, *, known: dict[str, set[str]] | None = None, file: str = ""
) -> tuple[Store, list[Problem]]:
    """Validate parsed TOML and build a Store; problems come back sorted by line.

    `known` (the ids of every file of a store in several files) and `file` (this one's path among
    them) are `timeline.store.include`'s: references are checked against all the files' ids.
    """
    c = Collector(text, path)
    check_keys(c, data, TOP_KEYS, Where(""), "top level")
    meta = _table(c, data, "store", '[store] with title = "…"')
    check_keys(c, meta, STORE_KEYS, Where("store"), "[store]")
    title = text_field(c, meta, "title", Where("store"), "[store]")
    description = text_field(c, meta, "description", Where("store"), "[store]")

    raw_actors = _table(c, data, "actors", "[actors.kulubaev]")
    raw_sources = _table(c, data, "sources", "[sources.tass]")
    # Events check their references against these as they are read, so each problem is
    # placed at the item that has it.
    c.actor_ids, c.source_ids = (known["actors"], known["sources"]) if known else (raw_actors, raw_sources)
    at = _entry_lines(c, {"actors": raw_actors, "sources": raw_sources})
    actors: dict[str, Actor] = {}
    for aid, raw in raw_actors.items():
        actor = _actor(c, aid, raw, at.get(("actors", aid), 0))
        if actor:
            actors[aid] = actor
    sources: dict[str, Source] = {}
    for sid, raw in raw_sources.items():
        source = _source(c, sid, raw, at.get(("sources", sid), 0))
        if source:
            sources[sid] = source

    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        c.add(BAD_VALUE, Where("", "events"), f"field 'events': expected [[events]] tables, got {kind_of(raw_events)}")
        raw_events = []
    lines = event_lines(text, len(raw_events)) if raw_events else []
    events: list[Event] = []
    by_id: dict[str, Event] = {}
    for n, raw in enumerate(raw_events):
        built = event(c, n, raw, lines[n] if n < len(lines) else 0)
        if built is None:
            continue
        if built.id in by_id:
            first = by_id[built.id]
            c.add(
                DUPLICATE,
                Where(f"events.{n}", "id"),
                f"event '{built.id}': field 'id': already used by the event on line {first.line}; ids must be unique",
                built.id,
            )
            continue
        by_id[built.id] = built
        events.append(built)

    check = _table(c, data, "check", "[check]")
    store = Store(
        path=path,
        events=tuple(events),
        actors=actors,
        sources=sources,
        title=title,
        description=description,
        check=check,
    )
    references(c, store, known["events"] if known else set(by_id) | _all_ids(raw_events))
    c.problems.sort(key=lambda p: p.line or 0)
    if file:
        store = replace(
            store,
            events=tuple(replace(e, file=file) for e in store.events),
            actors={k: replace(a, file=file) for k, a in store.actors.items()},
            sources={k: replace(x, file=file) for k, x in store.sources.items()},
        )
    return store, c.problems


def _all_ids(raw_events: list) -> set[str]:
    # An event that failed to build still exists for references: report its own error, not theirs.
    return {r["id"] for r in raw_events if isinstance(r, dict) and isinstance(r.get("id"), str)}
