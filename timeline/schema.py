"""Turn parsed TOML into the model, collecting every problem with its place.

Pure: takes the parsed data and the text (for line numbers), returns a Store and Problems.
Messages read `event 'ID': field 'X': problem; fix`, and for things inside a list
`event 'ID': field 'sources': source 'cpj': field 'published': problem`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from timeline import dates
from timeline.locate import Locator, event_lines
from timeline.model import Actor, Citation, DateClaim, Event, Problem, Role, Source, Store

TOP_KEYS = ("store", "actors", "sources", "events", "check")
STORE_KEYS = ("title", "description")
ACTOR_KEYS = ("name", "aliases", "country", "roles")
ROLE_KEYS = ("title", "aliases", "org", "start", "end")
SOURCE_KEYS = ("name", "kind", "url")
EVENT_KEYS = (
    "id",
    "date",
    "dates",
    "title",
    "summary",
    "type",
    "actors",
    "tags",
    "sources",
    "in_response_to",
    "after",
    "before",
)
CLAIM_KEYS = ("date", "sources", "preferred", "note")
CITATION_KEYS = ("id", "url", "published", "note")
EVENT_ACTOR_KEYS = ("id", "role")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ID_RULE = "use letters, digits, '-', '_' or '.', starting with a letter or digit"

# Codes shared with `timeline check`; load() stops on any error among them.
SYNTAX = "E001"
UNKNOWN_KEY = "E002"
MISSING = "E003"
BAD_VALUE = "E004"
DUPLICATE = "E005"
DANGLING = "E006"
BAD_DATE = "E007"
REVERSED = "E008"  # an interval whose end is certainly before its start
ROLE_SPAN = "E011"  # an office whose end is certainly before its start

# Control characters (C0, DEL, C1), line separators and the bidi/format controls that could
# break a one-line message or reorder it on a terminal.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_SHORT = 60


def printable(text: str) -> str:
    """`text` on one inert line: control and bidi characters become escapes like \\n or \\u202e."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def short(text: str) -> str:
    """Store text quoted inside a message: printable, and cut to a readable length."""
    text = printable(text)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


class _Where:
    """Where a problem sits: a table, optionally a key in it, optionally an item of that key's list."""

    __slots__ = ("table", "key", "index")

    def __init__(self, table: str, key: str | None = None, index: int | None = None) -> None:
        self.table, self.key, self.index = table, key, index

    def at(self, key: str, index: int | None = None) -> _Where:
        return _Where(self.table, key, index)


class _Collector:
    """Problems plus the lazily built line finder that places them."""

    def __init__(self, text: str, actor_ids: Any = (), source_ids: Any = ()) -> None:
        self.text = text
        self.problems: list[Problem] = []
        self.actor_ids = actor_ids
        self.source_ids = source_ids
        self._locator: Locator | None = None

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            self._locator = Locator(self.text)
        return self._locator

    def add(self, code: str, where: _Where, message: str, event_id: str | None = None) -> None:
        self.problems.append(Problem(code, "error", printable(message), line=self.line(where), event_id=event_id))

    def line(self, where: _Where) -> int | None:
        loc = self.locator
        if where.key is not None and where.index is not None:
            line = loc.item(where.table, where.key, where.index)
        elif where.key is not None:
            line = loc.key(where.table, where.key)
        else:
            line = loc.table(where.table)
        # Fall back to the nearest enclosing table that is written down.
        table = where.table
        while line is None and table:
            table = table.rpartition(".")[0]
            line = loc.table(table) if table else None
        if line is None and where.key and not where.table:
            line = loc.top_key(where.key)
        return line


def suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """A "did you mean" hint naming the closest choice, or the list of choices."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(choices)


def _check_keys(
    c: _Collector, raw: dict, allowed: tuple[str, ...], where: _Where, what: str, eid: str | None = None
) -> None:
    for key in raw:
        if key not in allowed:
            # A key inside a list item is placed at the item; elsewhere at the key itself.
            at = where if where.index is not None else where.at(key)
            c.add(UNKNOWN_KEY, at, f"{what}: field '{short(key)}': unknown key; {suggest(key, allowed)}", eid)


def _str(
    c: _Collector, raw: dict, key: str, where: _Where, what: str, *, required: str | None = None, eid: str | None = None
) -> str | None:
    """A string field; `required` is the hint shown when it is missing or empty."""
    at = where if where.index is not None else where.at(key)
    value = raw.get(key)
    if value is None:
        if required:
            c.add(MISSING, where, f"{what}: field '{key}': missing; {required}", eid)
        return None
    if not isinstance(value, str):
        c.add(BAD_VALUE, at, f"{what}: field '{key}': expected a string, got {_kind(value)}", eid)
        return None
    if required and not value.strip():
        c.add(MISSING, at, f"{what}: field '{key}': empty; {required}", eid)
    return value


def _str_list(c: _Collector, raw: dict, key: str, where: _Where, what: str, eid: str | None = None) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    hint = f'{what}: field \'{key}\': expected a list of strings, like {key} = ["a", "b"]'
    if not isinstance(value, list):
        at = where if where.index is not None else where.at(key)
        c.add(BAD_VALUE, at, f"{hint}, got {_kind(value)}", eid)
        return ()
    for n, item in enumerate(value):
        if not isinstance(item, str):
            at = where if where.index is not None else where.at(key, n)
            c.add(BAD_VALUE, at, f"{hint}; item {n + 1} is {_kind(item)}", eid)
            return ()
    return tuple(value)


def _date(c: _Collector, value: Any, where: _Where, what: str, eid: str | None = None) -> dates.EDate | None:
    if not isinstance(value, (str, date)):
        c.add(BAD_DATE, where, f'{what}: expected a date like "2024-02-09" (quoted or not), got {_kind(value)}', eid)
        return None
    try:
        return dates.from_toml(value)
    except dates.DateError as e:
        message = str(e)
        if isinstance(value, str) and len(value) > _SHORT:
            message = message.replace(value, short(value))
        c.add(REVERSED if _reversed(value) else BAD_DATE, where, f"{what}: {message}", eid)
        return None


def _reversed(value: Any) -> bool:
    """Is `value` an interval START/END whose two ends parse but are in the wrong order?"""
    # DateError carries only a message; parsing the two ends tells this case apart without it.
    if not isinstance(value, str) or value.count("/") != 1:
        return False
    try:
        start, end = (dates.parse(part) for part in value.split("/"))
    except dates.DateError:
        return False
    return end.latest < start.earliest


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time of day"
    return "a " + type(value).__name__


def _bad_id(c: _Collector, ident: str, where: _Where, what: str, eid: str | None = None) -> bool:
    if _ID.match(ident):
        return False
    field = "field 'id': " if where.key == "id" else ""
    c.add(BAD_VALUE, where, f"{what}: {field}'{short(ident)}' is not a valid id; {_ID_RULE}", eid)
    return True


def _actor(c: _Collector, aid: str, raw: Any) -> Actor | None:
    table, what = f"actors.{aid}", f"actor '{short(aid)}'"
    where = _Where(table)
    if not isinstance(raw, dict):
        c.add(BAD_VALUE, _Where("actors", aid), f'{what}: expected a table [actors.{short(aid)}] with name = "…"')
        return None
    _bad_id(c, aid, where, what)
    _check_keys(c, raw, ACTOR_KEYS, where, what)
    name = _str(c, raw, "name", where, what, required='add name = "Full Name"') or aid
    roles: list[Role] = []
    raw_roles = raw.get("roles", [])
    if not isinstance(raw_roles, list):
        c.add(
            BAD_VALUE,
            where.at("roles"),
            f"{what}: field 'roles': expected a list of tables like {{ title = \"…\" }}, got {_kind(raw_roles)}",
        )
        raw_roles = []
    for n, r in enumerate(raw_roles):
        at = where.at("roles", n)
        if not isinstance(r, dict):
            c.add(
                BAD_VALUE,
                at,
                f"{what}: field 'roles': item {n + 1}: expected a table like {{ title = \"…\" }}, got {_kind(r)}",
            )
            continue
        title = r.get("title")
        role_what = f"{what}: field 'roles': " + (
            f"role '{short(title)}'" if isinstance(title, str) and title.strip() else f"item {n + 1}"
        )
        _check_keys(c, r, ROLE_KEYS, at, role_what)
        title = _str(c, r, "title", at, role_what, required='add title = "…"') or ""
        start = _date(c, r["start"], at, f"{role_what}: field 'start'") if "start" in r else None
        end = _date(c, r["end"], at, f"{role_what}: field 'end'") if "end" in r else None
        if start and end and end.latest < start.earliest:
            message = f"{role_what}: field 'end': {end.text} is before the start {start.text}; swap or fix them"
            c.add(ROLE_SPAN, at, message)
        roles.append(
            Role(
                title=title,
                aliases=_str_list(c, r, "aliases", at, role_what),
                org=_str(c, r, "org", at, role_what),
                start=start,
                end=end,
            )
        )
    country = _str(c, raw, "country", where, what)
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        c.add(
            BAD_VALUE,
            where.at("country"),
            f"{what}: field 'country': '{short(country)}' is not an ISO 3166-1 alpha-2 code like \"KG\"",
        )
    return Actor(
        id=aid,
        name=name,
        aliases=_str_list(c, raw, "aliases", where, what),
        country=country,
        roles=tuple(roles),
    )


def _source(c: _Collector, sid: str, raw: Any) -> Source | None:
    table, what = f"sources.{sid}", f"source '{short(sid)}'"
    where = _Where(table)
    if not isinstance(raw, dict):
        c.add(BAD_VALUE, _Where("sources", sid), f'{what}: expected a table [sources.{short(sid)}] with name = "…"')
        return None
    _bad_id(c, sid, where, what)
    _check_keys(c, raw, SOURCE_KEYS, where, what)
    return Source(
        id=sid,
        name=_str(c, raw, "name", where, what, required='add name = "Outlet name"') or sid,
        kind=_str(c, raw, "kind", where, what),
        url=_str(c, raw, "url", where, what),
    )


def _known(c: _Collector, ref: str, known: Any, kind: str, where: _Where, what: str, eid: str | None) -> None:
    if ref not in known:
        c.add(DANGLING, where, f"{what}: unknown {kind[:-1]} '{short(ref)}'; {_ref_hint(ref, known, kind)}", eid)


def _citations(c: _Collector, raw: Any, where: _Where, what: str, eid: str | None) -> tuple[Citation, ...]:
    if raw is None:
        return ()
    field_what = f"{what}: field 'sources'"
    if not isinstance(raw, list):
        c.add(
            BAD_VALUE,
            where.at("sources"),
            f'{field_what}: expected a list of source ids or {{ id = "…", url = "…" }} tables, got {_kind(raw)}',
            eid,
        )
        return ()
    out: list[Citation] = []
    for n, item in enumerate(raw):
        at = where.at("sources", n)
        if isinstance(item, str):
            _known(c, item, c.source_ids, "sources", at, field_what, eid)
            out.append(Citation(id=item))
        elif isinstance(item, dict):
            sid = item.get("id")
            item_what = f"{field_what}: " + (f"source '{short(sid)}'" if isinstance(sid, str) else f"item {n + 1}")
            _check_keys(c, item, CITATION_KEYS, at, item_what, eid)
            sid = _str(c, item, "id", at, item_what, required='add id = "…" naming a [sources.…] table', eid=eid)
            if sid is None:
                continue
            _known(c, sid, c.source_ids, "sources", at, field_what, eid)
            published = (
                _date(c, item["published"], at, f"{item_what}: field 'published'", eid) if "published" in item else None
            )
            out.append(
                Citation(
                    id=sid,
                    url=_str(c, item, "url", at, item_what, eid=eid),
                    published=published,
                    note=_str(c, item, "note", at, item_what, eid=eid),
                )
            )
        else:
            c.add(
                BAD_VALUE,
                at,
                f'{field_what}: item {n + 1}: expected a source id or {{ id = "…" }}, got {_kind(item)}',
                eid,
            )
    return tuple(out)


def _event_actors(
    c: _Collector, raw: Any, where: _Where, what: str, eid: str | None
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    if raw is None:
        return (), ()
    field_what = f"{what}: field 'actors'"
    if not isinstance(raw, list):
        c.add(BAD_VALUE, where.at("actors"), f"{field_what}: expected a list of actor ids, got {_kind(raw)}", eid)
        return (), ()
    ids: list[str] = []
    offices: list[tuple[str, str]] = []
    for n, item in enumerate(raw):
        at = where.at("actors", n)
        if isinstance(item, str):
            _known(c, item, c.actor_ids, "actors", at, field_what, eid)
            ids.append(item)
        elif isinstance(item, dict):
            aid = item.get("id")
            item_what = f"{field_what}: " + (f"actor '{short(aid)}'" if isinstance(aid, str) else f"item {n + 1}")
            _check_keys(c, item, EVENT_ACTOR_KEYS, at, item_what, eid)
            aid = _str(c, item, "id", at, item_what, required='add id = "…" naming an [actors.…] table', eid=eid)
            if aid is None:
                continue
            _known(c, aid, c.actor_ids, "actors", at, field_what, eid)
            ids.append(aid)
            role = _str(c, item, "role", at, item_what, eid=eid)
            if role:
                offices.append((aid, role))
        else:
            c.add(
                BAD_VALUE,
                at,
                f'{field_what}: item {n + 1}: expected an actor id or {{ id = "…", role = "…" }}, got {_kind(item)}',
                eid,
            )
    return tuple(ids), tuple(offices)


def _claims(c: _Collector, raw: Any, where: _Where, what: str, eid: str | None) -> tuple[DateClaim, ...]:
    field_what = f"{what}: field 'dates'"
    example = '{ date = "2024-02-09", sources = ["…"] }'
    if not isinstance(raw, list) or not raw:
        got = "an empty list" if isinstance(raw, list) else _kind(raw)
        c.add(BAD_VALUE, where.at("dates"), f"{field_what}: expected a list of claims like {example}, got {got}", eid)
        return ()
    out: list[DateClaim] = []
    for n, item in enumerate(raw):
        at = where.at("dates", n)
        item_what = f"{field_what}: claim {n + 1}"
        if not isinstance(item, dict):
            c.add(BAD_VALUE, at, f"{item_what}: expected a table like {example}, got {_kind(item)}", eid)
            continue
        _check_keys(c, item, CLAIM_KEYS, at, item_what, eid)
        if "date" not in item:
            c.add(MISSING, at, f"{item_what}: field 'date': missing; add date = \"2024-02-09\"", eid)
            continue
        d = _date(c, item["date"], at, f"{item_what}: field 'date'", eid)
        preferred = item.get("preferred", False)
        if not isinstance(preferred, bool):
            c.add(BAD_VALUE, at, f"{item_what}: field 'preferred': expected true or false, got {_kind(preferred)}", eid)
            preferred = False
        sources = _str_list(c, item, "sources", at, item_what, eid)
        for sid in sources:
            _known(c, sid, c.source_ids, "sources", at, f"{item_what}: field 'sources'", eid)
        note = _str(c, item, "note", at, item_what, eid=eid)
        if d is not None:
            out.append(DateClaim(date=d, sources=sources, preferred=preferred, note=note))
    if sum(cl.preferred for cl in out) > 1:
        c.add(BAD_VALUE, where.at("dates"), f"{field_what}: more than one claim is marked preferred; keep one", eid)
    return tuple(out)


def _event_date(claims: tuple[DateClaim, ...]) -> dates.EDate | None:
    if not claims:
        return None
    for cl in claims:
        if cl.preferred:
            return cl.date
    if len(claims) == 1:
        return claims[0].date
    return dates.one_of([cl.date for cl in claims])


def _event(c: _Collector, n: int, raw: Any, line: int) -> Event | None:
    where = _Where(f"events.{n}")
    if not isinstance(raw, dict):
        c.add(BAD_VALUE, _Where("", "events", n), f"events[{n + 1}]: expected a table [[events]], got {_kind(raw)}")
        return None
    raw_id = raw.get("id")
    eid = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
    what = f"event '{short(eid)}'" if eid else f"event #{n + 1}"
    _check_keys(c, raw, EVENT_KEYS, where, what, eid)
    eid = _str(c, raw, "id", where, what, required='add id = "a-short-slug"', eid=eid)
    if eid is not None and eid.strip():
        _bad_id(c, eid, where.at("id"), what, eid)
    title = _str(c, raw, "title", where, what, required='add title = "What happened"', eid=eid)
    if "date" in raw and "dates" in raw:
        c.add(
            BAD_VALUE,
            where.at("date"),
            f"{what}: field 'date': given with 'dates'; keep 'dates' (the claims) and remove 'date'",
            eid,
        )
    claims: tuple[DateClaim, ...] = ()
    when: dates.EDate | None = None
    if "dates" in raw:
        claims = _claims(c, raw["dates"], where, what, eid)
        when = _event_date(claims)
    elif "date" in raw:
        when = _date(c, raw["date"], where.at("date"), f"{what}: field 'date'", eid)
    else:
        c.add(
            MISSING,
            where,
            f"{what}: field 'date': missing; add date = \"2024-02-09\" (or 'dates' when sources disagree)",
            eid,
        )
    actors, offices = _event_actors(c, raw.get("actors"), where, what, eid)
    summary = _str(c, raw, "summary", where, what, eid=eid) or ""
    kind = _str(c, raw, "type", where, what, eid=eid)
    tags = _str_list(c, raw, "tags", where, what, eid)
    sources = _citations(c, raw.get("sources"), where, what, eid)
    links = {key: _str_list(c, raw, key, where, what, eid) for key in ("in_response_to", "after", "before")}
    if when is None or eid is None or title is None:
        return None
    return Event(
        id=eid,
        date=when,
        title=title,
        summary=summary,
        type=kind,
        actors=actors,
        offices=offices,
        tags=tags,
        sources=sources,
        in_response_to=links["in_response_to"],
        after=links["after"],
        before=links["before"],
        claims=claims,
        line=line,
        index=n,
    )


def _references(c: _Collector, store: Store, event_ids: set[str]) -> None:
    for e in store.events:
        where, what = _Where(f"events.{e.index}"), f"event '{e.id}'"
        for key in ("in_response_to", "after", "before"):
            for n, ref in enumerate(getattr(e, key)):
                _known(c, ref, event_ids, "events", where.at(key, n), f"{what}: field '{key}'", e.id)


def _ref_hint(ref: str, known: Any, kind: str) -> str:
    import difflib

    close = difflib.get_close_matches(ref, list(known), n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{short(k)}'" for k in close) + "?"
    if kind == "events":
        return "check the id"
    return f"add it under [{kind}.{short(ref)}] or fix the id"


def _table(c: _Collector, data: dict, key: str, example: str) -> dict:
    value = data.get(key, {})
    if isinstance(value, dict):
        return value
    c.add(BAD_VALUE, _Where("", key), f"field '{key}': expected tables like {example}, got {_kind(value)}")
    return {}


def build(data: dict[str, Any], path: str, text: str) -> tuple[Store, list[Problem]]:
    """Validate parsed TOML and build a Store; problems come back sorted by line."""
    c = _Collector(text)
    _check_keys(c, data, TOP_KEYS, _Where(""), "top level")
    meta = _table(c, data, "store", '[store] with title = "…"')
    _check_keys(c, meta, STORE_KEYS, _Where("store"), "[store]")
    title = _str(c, meta, "title", _Where("store"), "[store]")
    description = _str(c, meta, "description", _Where("store"), "[store]")

    raw_actors = _table(c, data, "actors", "[actors.kulubaev]")
    raw_sources = _table(c, data, "sources", "[sources.tass]")
    # Events check their references against these as they are read, so each problem is
    # placed at the item that has it.
    c.actor_ids, c.source_ids = raw_actors, raw_sources
    actors: dict[str, Actor] = {}
    for aid, raw in raw_actors.items():
        actor = _actor(c, aid, raw)
        if actor:
            actors[aid] = actor
    sources: dict[str, Source] = {}
    for sid, raw in raw_sources.items():
        source = _source(c, sid, raw)
        if source:
            sources[sid] = source

    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        c.add(BAD_VALUE, _Where("", "events"), f"field 'events': expected [[events]] tables, got {_kind(raw_events)}")
        raw_events = []
    lines = event_lines(text, len(raw_events)) if raw_events else []
    events: list[Event] = []
    by_id: dict[str, Event] = {}
    for n, raw in enumerate(raw_events):
        event = _event(c, n, raw, lines[n] if n < len(lines) else 0)
        if event is None:
            continue
        if event.id in by_id:
            first = by_id[event.id]
            c.add(
                DUPLICATE,
                _Where(f"events.{n}", "id"),
                f"event '{event.id}': field 'id': already used by the event on line {first.line}; ids must be unique",
                event.id,
            )
            continue
        by_id[event.id] = event
        events.append(event)

    check = _table(c, data, "check", "[check]")
    store = Store(
        path=path,
        events=tuple(events),
        actors=actors,
        sources=sources,
        title=title,
        description=description,
        check=check,
        by_id=by_id,
    )
    _references(c, store, set(by_id) | _all_ids(raw_events))
    c.problems.sort(key=lambda p: p.line or 0)
    return store, c.problems


def _all_ids(raw_events: list) -> set[str]:
    # An event that failed to build still exists for references: report its own error, not theirs.
    return {r["id"] for r in raw_events if isinstance(r, dict) and isinstance(r.get("id"), str)}
