"""Turn parsed TOML into the model, collecting every problem with its place.

Pure: takes the parsed data and the text (for line numbers), returns a Store and Problems.
"""

from __future__ import annotations

import re
from datetime import date, datetime
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

# Codes shared with `timeline check`; load() stops on any error among them.
SYNTAX = "E001"
UNKNOWN_KEY = "E002"
MISSING = "E003"
BAD_VALUE = "E004"
DUPLICATE = "E005"
DANGLING = "E006"
BAD_DATE = "E007"


class _Collector:
    """Problems plus the lazily built line finder that places them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.problems: list[Problem] = []
        self._locator: Locator | None = None

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            self._locator = Locator(self.text)
        return self._locator

    def add(self, code: str, table: str, key: str | None, message: str, event_id: str | None = None) -> None:
        loc = self.locator
        line = loc.key(table, key) if key else loc.table(table)
        if line is None and table.startswith(("actors.", "sources.")):
            line = loc.top_key(table.split(".", 1)[0])
        self.problems.append(Problem(code, "error", message, line=line, event_id=event_id))


def suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    """A "did you mean" hint naming the closest choice, or the list of choices."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "expected one of: " + ", ".join(choices)


def _check_keys(c: _Collector, raw: dict, allowed: tuple[str, ...], table: str, what: str, eid: str | None = None) -> None:
    for key in raw:
        if key not in allowed:
            c.add(UNKNOWN_KEY, table, key, f"{what}: field '{key}': unknown key; {suggest(key, allowed)}", eid)


def _str(c: _Collector, raw: dict, key: str, table: str, what: str, *, required: bool = False, eid: str | None = None) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            c.add(MISSING, table, None, f"{what}: missing required field '{key}'", eid)
        return None
    if not isinstance(value, str):
        c.add(BAD_VALUE, table, key, f"{what}: field '{key}': expected a string, got {_kind(value)}", eid)
        return None
    if required and not value.strip():
        c.add(MISSING, table, key, f"{what}: field '{key}' is empty", eid)
    return value


def _str_list(c: _Collector, raw: dict, key: str, table: str, what: str, eid: str | None = None) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.add(BAD_VALUE, table, key, f'{what}: field \'{key}\': expected a list of strings, like ["a", "b"]', eid)
        return ()
    return tuple(value)


def _date(c: _Collector, value: Any, table: str, key: str, what: str, eid: str | None = None) -> dates.EDate | None:
    try:
        return dates.from_toml(value)
    except dates.DateError as e:
        c.add(BAD_DATE, table, key, f"{what}: field '{key}': {e}", eid)
        return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (date, datetime)):
        return "a date"
    return "a " + type(value).__name__


def _actor(c: _Collector, aid: str, raw: Any) -> Actor | None:
    table, what = f"actors.{aid}", f"actor '{aid}'"
    if not isinstance(raw, dict):
        c.add(BAD_VALUE, "", "actors", f"{what}: expected a table [actors.{aid}]")
        return None
    _check_keys(c, raw, ACTOR_KEYS, table, what)
    name = _str(c, raw, "name", table, what, required=True) or aid
    roles: list[Role] = []
    raw_roles = raw.get("roles", [])
    if not isinstance(raw_roles, list) or not all(isinstance(r, dict) for r in raw_roles):
        c.add(BAD_VALUE, table, "roles", f"{what}: field 'roles': expected a list of tables like {{ title = \"…\" }}")
        raw_roles = []
    for r in raw_roles:
        _check_keys(c, r, ROLE_KEYS, table, f"{what}: role")
        title = _str(c, r, "title", table, f"{what}: role", required=True) or ""
        start = _date(c, r["start"], table, "roles", f"{what}: role '{title}': start") if "start" in r else None
        end = _date(c, r["end"], table, "roles", f"{what}: role '{title}': end") if "end" in r else None
        roles.append(
            Role(
                title=title,
                aliases=_str_list(c, r, "aliases", table, f"{what}: role '{title}'"),
                org=_str(c, r, "org", table, f"{what}: role '{title}'"),
                start=start,
                end=end,
            )
        )
    country = _str(c, raw, "country", table, what)
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        c.add(BAD_VALUE, table, "country", f"{what}: field 'country': '{country}' is not an ISO 3166-1 alpha-2 code like \"KG\"")
    return Actor(
        id=aid,
        name=name,
        aliases=_str_list(c, raw, "aliases", table, what),
        country=country,
        roles=tuple(roles),
    )


def _source(c: _Collector, sid: str, raw: Any) -> Source | None:
    table, what = f"sources.{sid}", f"source '{sid}'"
    if not isinstance(raw, dict):
        c.add(BAD_VALUE, "", "sources", f"{what}: expected a table [sources.{sid}]")
        return None
    _check_keys(c, raw, SOURCE_KEYS, table, what)
    return Source(
        id=sid,
        name=_str(c, raw, "name", table, what, required=True) or sid,
        kind=_str(c, raw, "kind", table, what),
        url=_str(c, raw, "url", table, what),
    )


def _citations(c: _Collector, raw: Any, table: str, what: str, eid: str | None) -> tuple[Citation, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        c.add(BAD_VALUE, table, "sources", f"{what}: field 'sources': expected a list of source ids or {{ id = \"…\", url = \"…\" }} tables", eid)
        return ()
    out: list[Citation] = []
    for item in raw:
        if isinstance(item, str):
            out.append(Citation(id=item))
        elif isinstance(item, dict):
            _check_keys(c, item, CITATION_KEYS, table, f"{what}: source", eid)
            sid = _str(c, item, "id", table, f"{what}: source", required=True, eid=eid)
            if sid is None:
                continue
            published = _date(c, item["published"], table, "sources", f"{what}: source '{sid}': published", eid) if "published" in item else None
            out.append(
                Citation(
                    id=sid,
                    url=_str(c, item, "url", table, f"{what}: source '{sid}'", eid=eid),
                    published=published,
                    note=_str(c, item, "note", table, f"{what}: source '{sid}'", eid=eid),
                )
            )
        else:
            c.add(BAD_VALUE, table, "sources", f"{what}: field 'sources': expected a source id or {{ id = \"…\" }}, got {_kind(item)}", eid)
    return tuple(out)


def _event_actors(c: _Collector, raw: Any, table: str, what: str, eid: str | None) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    if raw is None:
        return (), ()
    if not isinstance(raw, list):
        c.add(BAD_VALUE, table, "actors", f"{what}: field 'actors': expected a list of actor ids", eid)
        return (), ()
    ids: list[str] = []
    offices: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, str):
            ids.append(item)
        elif isinstance(item, dict):
            _check_keys(c, item, EVENT_ACTOR_KEYS, table, f"{what}: actor", eid)
            aid = _str(c, item, "id", table, f"{what}: actor", required=True, eid=eid)
            if aid is None:
                continue
            ids.append(aid)
            role = _str(c, item, "role", table, f"{what}: actor '{aid}'", eid=eid)
            if role:
                offices.append((aid, role))
        else:
            c.add(BAD_VALUE, table, "actors", f"{what}: field 'actors': expected an actor id or {{ id = \"…\", role = \"…\" }}, got {_kind(item)}", eid)
    return tuple(ids), tuple(offices)


def _claims(c: _Collector, raw: Any, table: str, what: str, eid: str | None) -> tuple[DateClaim, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(x, dict) for x in raw):
        c.add(BAD_VALUE, table, "dates", f'{what}: field \'dates\': expected a list of claims like {{ date = "2024-02-09", sources = ["…"] }}', eid)
        return ()
    out: list[DateClaim] = []
    for item in raw:
        _check_keys(c, item, CLAIM_KEYS, table, f"{what}: date claim", eid)
        if "date" not in item:
            c.add(MISSING, table, "dates", f"{what}: a date claim has no 'date'", eid)
            continue
        d = _date(c, item["date"], table, "dates", what, eid)
        preferred = item.get("preferred", False)
        if not isinstance(preferred, bool):
            c.add(BAD_VALUE, table, "dates", f"{what}: field 'preferred': expected true or false", eid)
            preferred = False
        if d is not None:
            out.append(
                DateClaim(
                    date=d,
                    sources=_str_list(c, item, "sources", table, f"{what}: date claim", eid),
                    preferred=preferred,
                    note=_str(c, item, "note", table, f"{what}: date claim", eid=eid),
                )
            )
    if sum(cl.preferred for cl in out) > 1:
        c.add(BAD_VALUE, table, "dates", f"{what}: field 'dates': more than one claim is marked preferred; keep one", eid)
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
    table = f"events.{n}"
    if not isinstance(raw, dict):
        c.add(BAD_VALUE, "", "events", f"events[{n + 1}]: expected a table [[events]]")
        return None
    eid = raw.get("id") if isinstance(raw.get("id"), str) else None
    what = f"event '{eid}'" if eid else f"event #{n + 1}"
    _check_keys(c, raw, EVENT_KEYS, table, what, eid)
    eid = _str(c, raw, "id", table, what, required=True)
    if eid is not None and eid.strip() and not _ID.match(eid):
        c.add(BAD_VALUE, table, "id", f"{what}: field 'id': use letters, digits, '-', '_' or '.', starting with a letter or digit", eid)
    title = _str(c, raw, "title", table, what, required=True, eid=eid)
    if "date" in raw and "dates" in raw:
        c.add(BAD_VALUE, table, "dates", f"{what}: has both 'date' and 'dates'; keep 'dates' (the claims) and remove 'date'", eid)
    claims: tuple[DateClaim, ...] = ()
    when: dates.EDate | None = None
    if "dates" in raw:
        claims = _claims(c, raw["dates"], table, what, eid)
        when = _event_date(claims)
    elif "date" in raw:
        when = _date(c, raw["date"], table, "date", what, eid)
    else:
        c.add(MISSING, table, None, f"{what}: missing required field 'date' (or 'dates' when sources disagree)", eid)
    actors, offices = _event_actors(c, raw.get("actors"), table, what, eid)
    if when is None or eid is None or title is None:
        return None
    return Event(
        id=eid,
        date=when,
        title=title,
        summary=_str(c, raw, "summary", table, what, eid=eid) or "",
        type=_str(c, raw, "type", table, what, eid=eid),
        actors=actors,
        offices=offices,
        tags=_str_list(c, raw, "tags", table, what, eid),
        sources=_citations(c, raw.get("sources"), table, what, eid),
        in_response_to=_str_list(c, raw, "in_response_to", table, what, eid),
        after=_str_list(c, raw, "after", table, what, eid),
        before=_str_list(c, raw, "before", table, what, eid),
        claims=claims,
        line=line,
        index=n,
    )


def _references(c: _Collector, store: Store, event_ids: set[str]) -> None:
    for e in store.events:
        table, what = f"events.{e.index}", f"event '{e.id}'"
        for aid in e.actors:
            if aid not in store.actors:
                c.add(DANGLING, table, "actors", f"{what}: field 'actors': unknown actor '{aid}'; {_ref_hint(aid, store.actors, 'actors')}", e.id)
        cited = [s.id for s in e.sources] + [s for cl in e.claims for s in cl.sources]
        for sid in cited:
            if sid not in store.sources:
                c.add(DANGLING, table, "sources", f"{what}: field 'sources': unknown source '{sid}'; {_ref_hint(sid, store.sources, 'sources')}", e.id)
        for key in ("in_response_to", "after", "before"):
            for ref in getattr(e, key):
                if ref not in event_ids:
                    c.add(DANGLING, table, key, f"{what}: field '{key}': unknown event '{ref}'; {_ref_hint(ref, event_ids, 'events')}", e.id)


def _ref_hint(ref: str, known: Any, kind: str) -> str:
    import difflib

    close = difflib.get_close_matches(ref, list(known), n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{k}'" for k in close) + "?"
    if kind == "events":
        return "check the id"
    return f"add it under [{kind}.{ref}] or fix the id"


def build(data: dict[str, Any], path: str, text: str) -> tuple[Store, list[Problem]]:
    """Validate parsed TOML and build a Store; problems come back sorted by line."""
    c = _Collector(text)
    _check_keys(c, data, TOP_KEYS, "", "top level")
    meta = data.get("store", {})
    if not isinstance(meta, dict):
        c.add(BAD_VALUE, "", "store", "field 'store': expected a table [store]")
        meta = {}
    _check_keys(c, meta, STORE_KEYS, "store", "[store]")

    actors: dict[str, Actor] = {}
    raw_actors = data.get("actors", {})
    if not isinstance(raw_actors, dict):
        c.add(BAD_VALUE, "", "actors", "field 'actors': expected tables like [actors.kulubaev]")
        raw_actors = {}
    for aid, raw in raw_actors.items():
        actor = _actor(c, aid, raw)
        if actor:
            actors[aid] = actor

    sources: dict[str, Source] = {}
    raw_sources = data.get("sources", {})
    if not isinstance(raw_sources, dict):
        c.add(BAD_VALUE, "", "sources", "field 'sources': expected tables like [sources.tass]")
        raw_sources = {}
    for sid, raw in raw_sources.items():
        source = _source(c, sid, raw)
        if source:
            sources[sid] = source

    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        c.add(BAD_VALUE, "", "events", "field 'events': expected [[events]] tables")
        raw_events = []
    lines = event_lines(text)
    events: list[Event] = []
    by_id: dict[str, Event] = {}
    for n, raw in enumerate(raw_events):
        event = _event(c, n, raw, lines[n] if n < len(lines) else 0)
        if event is None:
            continue
        if event.id in by_id:
            first = by_id[event.id]
            c.add(DUPLICATE, f"events.{n}", "id", f"event '{event.id}': duplicate id (first used on line {first.line}); ids must be unique", event.id)
            continue
        by_id[event.id] = event
        events.append(event)

    check = data.get("check", {})
    if not isinstance(check, dict):
        c.add(BAD_VALUE, "", "check", "field 'check': expected a table [check]")
        check = {}
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    description = meta.get("description") if isinstance(meta.get("description"), str) else None
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
