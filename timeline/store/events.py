"""Reading one [[events]] table into an Event: its date or date claims, actors, sources and links.

Messages read `event 'ID': field 'X': problem; fix`, and for things inside a list
`event 'ID': field 'sources': source 'cpj': field 'published': problem`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from timeline import dates
from timeline.model import CREDIBILITY, STATUSES, Citation, DateClaim, Event, Store
from timeline.store.fields import (
    BAD_DATE,
    BAD_VALUE,
    ID,
    MISSING,
    Collector,
    Where,
    bad_id,
    check_keys,
    check_ref,
    choice_field,
    date_field,
    kind_of,
    short,
    text_field,
    text_list,
)

EVENT_KEYS = (
    "id",
    "date",
    "dates",
    "title",
    "summary",
    "type",
    "status",
    "actors",
    "tags",
    "sources",
    "in_response_to",
    "after",
    "before",
)
CLAIM_KEYS = ("date", "sources", "preferred", "note")
CITATION_KEYS = ("id", "url", "published", "note", "credibility", "said")
EVENT_ACTOR_KEYS = ("id", "role")
LINKS = ("in_response_to", "after", "before")


def _refs(
    c: Collector,
    raw: Any,
    key: str,
    where: Where,
    what: str,
    eid: str | None,
    *,
    known: Any,
    keys: tuple[str, ...],
    list_hint: str,
    id_hint: str,
    item_hint: str,
) -> Iterator[tuple[Where, str, str, dict | None]]:
    """Each usable item of a list of ids or {id = "…"} tables, as (place, what, id, table or None).

    The list's shape, each table's keys and each id's existence are checked here; the caller
    reads what else a table holds.
    """  # fmt: skip
    if raw is None:
        return
    field_what = f"{what}: field '{key}'"
    if not isinstance(raw, list):
        c.add(BAD_VALUE, where.at(key), f"{field_what}: expected a list of {list_hint}, got {kind_of(raw)}", eid)
        return
    for n, item in enumerate(raw):
        at = where.at(key, n)
        if isinstance(item, str):
            check_ref(c, item, known, key, at, field_what, eid)
            yield at, field_what, item, None
        elif isinstance(item, dict):
            ident = item.get("id")
            named = f"{key[:-1]} '{short(ident)}'" if isinstance(ident, str) else f"item {n + 1}"
            item_what = f"{field_what}: {named}"
            check_keys(c, item, keys, at, item_what, eid)
            ident = text_field(c, item, "id", at, item_what, required=id_hint, eid=eid)
            if ident is None:
                continue
            check_ref(c, ident, known, key, at, field_what, eid)
            yield at, item_what, ident, item
        else:
            c.add(BAD_VALUE, at, f"{field_what}: item {n + 1}: expected {item_hint}, got {kind_of(item)}", eid)


def _citations(c: Collector, raw: Any, where: Where, what: str, eid: str | None) -> tuple[Citation, ...]:
    out: list[Citation] = []
    for at, item_what, sid, item in _refs(
        c, raw, "sources", where, what, eid, known=c.source_ids, keys=CITATION_KEYS,
        list_hint='source ids or { id = "…", url = "…" } tables',
        id_hint='add id = "…" naming a [sources.…] table',
        item_hint='a source id or { id = "…" }',
    ):  # fmt: skip
        if item is None:
            out.append(Citation(id=sid))
            continue
        published = (
            date_field(c, item["published"], at, f"{item_what}: field 'published'", eid)
            if "published" in item
            else None
        )
        said = text_field(c, item, "said", at, item_what, eid=eid)
        if said is not None and ("published" not in item or published is not None):
            _check_said(c, said, published, at, item_what, eid)
        out.append(
            Citation(
                id=sid,
                url=text_field(c, item, "url", at, item_what, eid=eid),
                published=published,
                note=text_field(c, item, "note", at, item_what, eid=eid),
                credibility=choice_field(c, item, "credibility", CREDIBILITY, at, item_what, eid),
                said=said,
            )
        )
    return tuple(out)


def _check_said(c: Collector, said: str, published: dates.EDate | None, at: Where, what: str, eid: str | None) -> None:
    """`said` must be a phrase timeline can read against the citation's publication day."""
    from timeline import relative

    try:
        relative.resolve(said, relative.anchor_day(published))
    except relative.PhraseError as e:
        code = MISSING if published is None else BAD_DATE
        c.add(code, at, f"{what}: field 'said': {e}", eid)


def _event_actors(
    c: Collector, raw: Any, where: Where, what: str, eid: str | None
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    ids: list[str] = []
    offices: list[tuple[str, str]] = []
    for at, item_what, aid, item in _refs(
        c, raw, "actors", where, what, eid, known=c.actor_ids, keys=EVENT_ACTOR_KEYS,
        list_hint="actor ids",
        id_hint='add id = "…" naming an [actors.…] table',
        item_hint='an actor id or { id = "…", role = "…" }',
    ):  # fmt: skip
        ids.append(aid)
        role = text_field(c, item, "role", at, item_what, eid=eid) if item is not None else None
        if role:
            offices.append((aid, role))
    return tuple(ids), tuple(offices)


def _claims(c: Collector, raw: Any, where: Where, what: str, eid: str | None) -> tuple[DateClaim, ...]:
    field_what = f"{what}: field 'dates'"
    example = '{ date = "2024-02-09", sources = ["…"] }'
    if not isinstance(raw, list) or not raw:
        got = "an empty list" if isinstance(raw, list) else kind_of(raw)
        c.add(BAD_VALUE, where.at("dates"), f"{field_what}: expected a list of claims like {example}, got {got}", eid)
        return ()
    out: list[DateClaim] = []
    for n, item in enumerate(raw):
        at = where.at("dates", n)
        item_what = f"{field_what}: claim {n + 1}"
        if not isinstance(item, dict):
            c.add(BAD_VALUE, at, f"{item_what}: expected a table like {example}, got {kind_of(item)}", eid)
            continue
        check_keys(c, item, CLAIM_KEYS, at, item_what, eid)
        if "date" not in item:
            c.add(MISSING, at, f"{item_what}: field 'date': missing; add date = \"2024-02-09\"", eid)
            continue
        d = date_field(c, item["date"], at, f"{item_what}: field 'date'", eid)
        preferred = item.get("preferred", False)
        if not isinstance(preferred, bool):
            c.add(
                BAD_VALUE, at, f"{item_what}: field 'preferred': expected true or false, got {kind_of(preferred)}", eid
            )
            preferred = False
        sources = text_list(c, item, "sources", at, item_what, eid)
        for sid in sources:
            check_ref(c, sid, c.source_ids, "sources", at, f"{item_what}: field 'sources'", eid)
        note = text_field(c, item, "note", at, item_what, eid=eid)
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


def event(c: Collector, n: int, raw: Any, line: int) -> Event | None:
    """The n-th [[events]] table (written at `line`) as an Event; None when it lacks an id, date or title."""
    fast = _plain_event(c, n, raw, line)
    if fast is not None:
        return fast
    return _checked_event(c, n, raw, line)


_KEYS = frozenset(EVENT_KEYS) - {"dates"}
_ABSENT: tuple = ()  # stands for a key the table does not have
_ACTOR_ITEM_KEYS = frozenset(EVENT_ACTOR_KEYS)
_CITATION_ITEM_KEYS = frozenset(CITATION_KEYS)


def _plain_event(c: Collector, n: int, raw: Any, line: int) -> Event | None:
    """The Event for a table with nothing to report, read without the checks' bookkeeping; else None.

    Most tables of a large store are like this, and checking them field by field (placing and
    wording a problem that never comes) costs several times the parse. This accepts only what
    `_checked_event` would accept without a problem and builds the same Event; anything else
    (claims, unknown keys, wrong kinds, unknown ids, bad dates) is left to it.
    """
    if type(raw) is not dict or not _KEYS.issuperset(raw):
        return None
    get = raw.get
    eid, title, when = get("id"), get("title"), get("date")
    if type(eid) is not str or not ID.fullmatch(eid) or type(title) is not str or not title.strip():
        return None
    summary, kind, status = get("summary", ""), get("type"), get("status", "happened")
    if type(summary) is not str or (kind is not None and type(kind) is not str):
        return None
    if type(status) is not str or status not in STATUSES:
        return None
    try:
        d = dates.from_toml(when) if type(when) is str or isinstance(when, date) else None
    except dates.DateError:
        return None
    if d is None:
        return None
    actors, offices = _plain_actors(get("actors", ()), c.actor_ids)
    sources = _plain_citations(get("sources", ()), c.source_ids)
    if actors is None or offices is None or sources is None:
        return None
    tags, links = get("tags", _ABSENT), (get("in_response_to", _ABSENT), get("after", _ABSENT), get("before", _ABSENT))
    if not (_strings(tags) and _strings(links[0])):
        return None
    if not (_strings(links[1]) and _strings(links[2])):
        return None
    return Event(
        id=eid,
        date=d,
        title=title,
        summary=summary,
        type=kind,
        actors=actors,
        roles=offices,
        tags=tuple(tags),
        sources=sources,
        in_response_to=tuple(links[0]),
        after=tuple(links[1]),
        before=tuple(links[2]),
        line=line,
        index=n,
        status=status,
    )


def _strings(value: Any) -> bool:
    """Is `value` a list of strings (or the () that stands for an absent key)?"""
    if value is _ABSENT:
        return True
    if type(value) is not list:
        return False
    return all(type(x) is str for x in value)


def _plain_actors(raw: Any, known: Any) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | tuple[None, None]:
    if raw == ():
        return (), ()
    if type(raw) is not list:
        return None, None
    ids: list[str] = []
    offices: list[tuple[str, str]] = []
    for item in raw:
        if type(item) is str:
            aid = item
        elif type(item) is dict and _ACTOR_ITEM_KEYS.issuperset(item):
            named, role = item.get("id"), item.get("role")
            if type(named) is not str or not named.strip() or (role is not None and type(role) is not str):
                return None, None
            aid = named
            if role:
                offices.append((aid, role))
        else:
            return None, None
        if aid not in known:
            return None, None
        ids.append(aid)
    return tuple(ids), tuple(offices)


def _plain_citations(raw: Any, known: Any) -> tuple[Citation, ...] | None:
    if raw == ():
        return ()
    if type(raw) is not list:
        return None
    out: list[Citation] = []
    for item in raw:
        if type(item) is str:
            if item not in known:
                return None
            out.append(Citation(id=item))
            continue
        citation = _plain_citation(item, known)
        if citation is None:
            return None
        out.append(citation)
    return tuple(out)


def _plain_citation(item: Any, known: Any) -> Citation | None:
    """A citation table with nothing to report, else None (`said` is always checked in full)."""
    if type(item) is not dict or not _CITATION_ITEM_KEYS.issuperset(item) or "said" in item:
        return None
    sid, url, note, published = item.get("id"), item.get("url"), item.get("note"), item.get("published")
    credibility = item.get("credibility")
    if type(sid) is not str or not sid.strip() or sid not in known:
        return None
    if (url is not None and type(url) is not str) or (note is not None and type(note) is not str):
        return None
    if credibility is not None and (type(credibility) is not int or credibility not in CREDIBILITY):
        return None
    when = None
    if published is not None:
        if type(published) is not str and not isinstance(published, date):
            return None
        try:
            when = dates.from_toml(published)
        except dates.DateError:
            return None
    return Citation(id=sid, url=url, published=when, note=note, credibility=credibility)


def _checked_event(c: Collector, n: int, raw: Any, line: int) -> Event | None:
    """`event`, checking every field and reporting each problem at its place."""
    where = Where(f"events.{n}")
    if not isinstance(raw, dict):
        c.add(BAD_VALUE, Where("", "events", n), f"events[{n + 1}]: expected a table [[events]], got {kind_of(raw)}")
        return None
    raw_id = raw.get("id")
    eid = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
    what = f"event '{short(eid)}'" if eid else f"event #{n + 1}"
    check_keys(c, raw, EVENT_KEYS, where, what, eid)
    eid = text_field(c, raw, "id", where, what, required='add id = "a-short-slug"', eid=eid)
    if eid is not None and eid.strip():
        bad_id(c, eid, where.at("id"), what, eid)
    title = text_field(c, raw, "title", where, what, required='add title = "What happened"', eid=eid)
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
        when = date_field(c, raw["date"], where.at("date"), f"{what}: field 'date'", eid)
    else:
        c.add(
            MISSING,
            where,
            f"{what}: field 'date': missing; add date = \"2024-02-09\" (or 'dates' when sources disagree)",
            eid,
        )
    actors, offices = _event_actors(c, raw.get("actors"), where, what, eid)
    summary = text_field(c, raw, "summary", where, what, eid=eid) or ""
    kind = text_field(c, raw, "type", where, what, eid=eid)
    tags = text_list(c, raw, "tags", where, what, eid)
    sources = _citations(c, raw.get("sources"), where, what, eid)
    links = {key: text_list(c, raw, key, where, what, eid) for key in LINKS}
    status = choice_field(c, raw, "status", STATUSES, where, what, eid) or "happened"
    if when is None or eid is None or title is None:
        return None
    return Event(
        id=eid,
        date=when,
        title=title,
        summary=summary,
        type=kind,
        actors=actors,
        roles=offices,
        tags=tags,
        sources=sources,
        in_response_to=links["in_response_to"],
        after=links["after"],
        before=links["before"],
        claims=claims,
        line=line,
        index=n,
        status=status,
    )


def references(c: Collector, store: Store, event_ids: set[str]) -> None:
    """An E006 for each link (in_response_to, after, before) to an event that does not exist."""
    for e in store.events:
        where, what = Where(f"events.{e.index}"), f"event '{e.id}'"
        for key in LINKS:
            for n, ref in enumerate(getattr(e, key)):
                check_ref(c, ref, event_ids, "events", where.at(key, n), f"{what}: field '{key}'", e.id)
