"""Selecting events: a frozen Filter and pure functions over the store.

Every test answers in three values: NO, MAYBE (the event's date range makes it possible) or
YES. AND takes the lowest, OR the highest, NOT swaps YES and NO. `list` keeps MAYBE events and
marks them; `strict` keeps only YES.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from timeline.errors import UsageError
from timeline.model import Event, Store
from timeline.query import terms
from timeline.query.names import Ambiguous, Unknown, resolve_actor
from timeline.query.offices import MAYBE, NO, YES, office_match, parse_office
from timeline.text import did_you_mean, fold

if TYPE_CHECKING:
    from timeline.query.order import Placement

__all__ = [
    "Filter",
    "Match",
    "make_filter",
    "match",
    "ordered",
    "select",
    "limit",
    "notes",
    "describe",
    "YES",
    "MAYBE",
    "NO",
]

Test = Callable[[Event], tuple[int, str]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Filter:
    """What `list` keeps. Values of one flag widen (any may match); flags narrow (all must hold)."""

    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    strict: bool = False  # keep only events certainly matching, not those that may
    query: tuple[str, ...] = ()  # query-language terms, e.g. ('actor:"foreign minister"', 'not:tag:trade')


@dataclass(frozen=True, slots=True)
class Match:
    event: Event
    certain: bool
    reasons: tuple[str, ...]


def match(
    store: Store, f: Filter, events: Sequence[Event] | None = None, *, placement: Placement | None = None
) -> list[Match]:
    """Events of `store` that pass `f` (certainly, or possibly unless strict), in store order."""
    from timeline.query import order

    clauses = _clauses(f)
    if placement is None and _needs_placement(clauses):
        placement = order.place(store)
    tests = [_compile(store, c, placement) for c in clauses]
    pool = store.events if events is None else events
    floor = YES if f.strict else MAYBE
    out: list[Match] = []
    for e in pool:
        truth, reasons = YES, []
        for test in tests:
            t, why = test(e)
            if t < truth:
                truth = t
                if t < floor:
                    break
            if why:
                reasons.append(why)
        if truth >= floor:
            out.append(Match(e, truth == YES, tuple(reasons)))
    return out


def select(store: Store, f: Filter, events: Sequence[Event] | None = None) -> list[Event]:
    """The events of `store` that pass `f`, in store order."""
    return [m.event for m in match(store, f, events)]


def ordered(store: Store, f: Filter, *, placement: Placement | None = None) -> list[Match]:
    """The matches of `f` in timeline order (see `timeline.query.order`)."""
    from timeline.query import order

    placement = placement or order.place(store)
    found = match(store, f, placement=placement)
    return order.sort_matches(found, placement)


Values = str | Sequence[str] | None


def make_filter(
    terms: Sequence[str] = (),
    *,
    actor: Values = None,
    tag: Values = None,
    source: Values = None,
    type: Values = None,  # noqa: A002 - the flag's own name
    text: Values = None,
    since: str | date | None = None,
    until: str | date | None = None,
    strict: bool = False,
) -> Filter:
    """A Filter from query terms and flag values as `timeline list` takes them.

    Flag values are one string or several (any may match); `since`/`until` are dates or dates
    as people type them ('Feb 2024', '9 Feb 2024'): a typed month starts on its first day and
    ends on its last. A date that cannot be read is a UsageError naming the flag.
    """
    return Filter(
        actors=_values(actor),
        tags=_values(tag),
        sources=_values(source),
        types=_values(type),
        texts=_values(text),
        since=_bound(since, "--since", "earliest"),
        until=_bound(until, "--until", "latest"),
        strict=strict,
        query=tuple(terms),
    )


def _values(value: Values) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _bound(value: str | date | None, flag: str, which: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    from timeline import dates

    try:
        typed = dates.parse_typed(value, today=date.today())
    except dates.DateError as e:
        raise UsageError(f"{flag}: {e}") from None
    return getattr(typed, which)


def notes(matches: Sequence[Match], *, explain: bool = False) -> dict[str, str]:
    """Why each match is shown, for renderers: always for possible matches, for all when `explain`."""
    out = {}
    for m in matches:
        if explain or not m.certain:
            why = "; ".join(m.reasons) or "matches every term"
            out[m.event.id] = why if m.certain else f"possible match ({why})"
    return out


def _clauses(f: Filter) -> list[terms.Term | terms.Any | _Window]:
    flag_terms: list[terms.Term | terms.Any] = []
    for field, values in (
        ("actor", f.actors),
        ("tag", f.tags),
        ("source", f.sources),
        ("type", f.types),
        ("text", f.texts),
    ):
        if values:
            parts = tuple(terms.Term(field, v, token=f"--{field} {v}") for v in values)
            flag_terms.append(parts[0] if len(parts) == 1 else terms.Any(parts))
    clauses: list[terms.Term | terms.Any | _Window] = [*flag_terms, *terms.group(terms.parse(f.query))]
    # since/until (flags and terms) make one window: a date that may fall after the start and
    # may fall before the end (9 or 11 Feb, against 10 Feb) need not fall inside it.
    bounds = [c for c in clauses if isinstance(c, terms.Term) and c.field in ("since", "until") and not c.negated]
    if not (bounds or f.since or f.until):
        return clauses
    lo, hi = f.since, f.until
    for t in bounds:
        d = _typed(t)
        if t.field == "since":
            lo = d.earliest if lo is None else max(lo, d.earliest)
        else:
            hi = d.latest if hi is None else min(hi, d.latest)
    window: list[terms.Term | terms.Any | _Window] = [_Window(lo, hi)]
    return window + [c for c in clauses if c not in bounds]


@dataclass(frozen=True, slots=True)
class _Window:
    since: date | None
    until: date | None


def _typed(t: terms.Term):
    from timeline import dates

    try:
        return dates.parse_typed(t.value, today=date.today())
    except dates.DateError as e:
        raise UsageError(f"{t.token or t.value}: {e}") from None


def _needs_placement(clauses) -> bool:
    def walk(c) -> bool:
        if isinstance(c, terms.Any):
            return any(walk(p) for p in c.parts)
        return isinstance(c, terms.Term) and c.field in ("after", "before", "between")

    return any(walk(c) for c in clauses)


def _compile(store: Store, clause, placement) -> Test:
    if isinstance(clause, _Window):
        return _window_test(clause.since, clause.until, "date")
    if isinstance(clause, terms.Any):
        tests = [_compile(store, p, placement) for p in clause.parts]

        def any_of(e: Event) -> tuple[int, str]:
            best, why = NO, ""
            for test in tests:
                t, w = test(e)
                if t > best:
                    best, why = t, w
                    if t == YES:
                        break
            return best, why

        return any_of
    test = _term(store, clause, placement)
    if not clause.negated:
        return test

    def negated(e: Event) -> tuple[int, str]:
        t, why = test(e)
        return 2 - t, (f"possibly not: {why}" if t == MAYBE else "")

    return negated


def _term(store: Store, t: terms.Term, placement) -> Test:
    field, value = t.field, t.value
    if field == "actor":
        return _actor_test(store, t)
    if field == "tag":
        wanted = fold(value)
        return lambda e: (YES if any(fold(x) == wanted for x in e.tags) else NO, "")
    if field == "type":
        wanted = fold(value)
        return lambda e: (YES if e.type is not None and fold(e.type) == wanted else NO, "")
    if field == "id":
        return lambda e: (YES if e.id == value else NO, "")
    if field == "source":
        wanted = fold(value)
        ids = {s.id for s in store.sources.values() if wanted in (fold(s.id), fold(s.name))} | {value}
        return lambda e: (YES if not ids.isdisjoint(e.cited) else NO, "")
    if field == "text":
        wanted = fold(value)
        return lambda e: (YES if wanted in fold(e.title + " " + e.summary) else NO, "")
    if field in ("since", "until", "date"):
        return _date_test(t)
    return _relation_test(store, t, placement)


def _actor_test(store: Store, t: terms.Term) -> Test:
    office = parse_office(store, t.value)
    try:
        ids = {resolve_actor(store, t.value)}
    except Ambiguous as e:
        if office is None:  # a name that is also an office means the office
            raise UsageError(f"{t.token or t.value}: {e}") from None
        ids = set()
    except Unknown:
        ids = set()
    if not ids and office is None:
        raise UsageError(f"{t.token or t.value}: no actor or office called '{t.value}'; {_actor_hint(store, t.value)}")

    def test(e: Event) -> tuple[int, str]:
        present = ids.intersection(e.actors)
        if present:
            return YES, f"{', '.join(sorted(present))} took part"
        if office is not None:
            return office_match(store, office, e)
        return NO, ""

    return test


def _actor_hint(store: Store, wanted: str) -> str:
    names = {fold(a.name) for a in store.actors.values()} | set(store.actors)
    names |= {fold(x) for a in store.actors.values() for x in a.aliases}
    names |= {fold(r.title) for a in store.actors.values() for r in a.roles}
    names |= {fold(x) for a in store.actors.values() for r in a.roles for x in r.aliases}
    return did_you_mean(fold(wanted), sorted(names)) or "see 'timeline actors' for names and offices"


def _date_test(t: terms.Term) -> Test:
    d = _typed(t)
    lo = d.earliest if t.field in ("since", "date") else None
    hi = d.latest if t.field in ("until", "date") else None
    return _window_test(lo, hi, t.field)


def _window_test(lo: date | None, hi: date | None, label: str) -> Test:
    from timeline import dates

    span = " – ".join(x.isoformat() if x else "…" for x in (lo, hi))

    def test(e: Event) -> tuple[int, str]:
        if dates.within(e.date, lo, hi):
            return YES, ""
        if dates.overlaps(e.date, lo, hi):
            return MAYBE, f"dated {dates.display(e.date)}, which may fall outside {span}"
        return NO, ""

    return test


def _relation_test(store: Store, t: terms.Term, placement) -> Test:
    from timeline.query.order import reachable

    if t.field == "between":
        first, sep, last = t.value.partition(",")
        if not sep or not first or not last:
            raise UsageError(f"{t.token}: write between:FIRST-ID,LAST-ID")
        a = _relation_test(store, terms.Term("after", first, token=t.token), placement)
        b = _relation_test(store, terms.Term("before", last, token=t.token), placement)

        def between(e: Event) -> tuple[int, str]:
            (ta, wa), (tb, wb) = a(e), b(e)
            return min(ta, tb), "; ".join(w for w in (wa, wb) if w)

        return between
    anchor = store.by_id.get(t.value)
    if anchor is None:
        hint = did_you_mean(t.value, store.by_id, cutoff=0.5) or "see 'timeline list' for ids"
        raise UsageError(f"{t.token}: no event with id '{t.value}'; {hint}")
    later = reachable(store, anchor.id, forward=True)
    earlier = reachable(store, anchor.id, forward=False)
    lo, hi = placement.earliest, placement.latest
    after = t.field == "after"

    def test(e: Event) -> tuple[int, str]:
        if e.id == anchor.id:
            return NO, ""
        if e.id in (later if after else earlier):
            return YES, f"{t.field} {anchor.id}: a chain of in_response_to/after/before says so"
        if e.id in (earlier if after else later):
            return NO, ""
        if after:
            if lo[e.id] > hi[anchor.id]:
                return YES, f"after {anchor.id}: by date"
            if hi[e.id] < lo[anchor.id]:
                return NO, ""
        else:
            if hi[e.id] < lo[anchor.id]:
                return YES, f"before {anchor.id}: by date"
            if lo[e.id] > hi[anchor.id]:
                return NO, ""
        return MAYBE, f"possibly {t.field} {anchor.id}: the dates overlap and no relation orders them"

    return test


def limit(events: Sequence[T], n: int | None, *, reverse: bool = False) -> list[T]:
    """Newest-first when `reverse`; at most `n` items (the first n of the order shown)."""
    out = list(reversed(events)) if reverse else list(events)
    return out if n is None else out[:n]


def describe(f: Filter) -> str:
    """The filter in words, for the head of a report."""
    parts = []
    for label, values in (("actor", f.actors), ("tag", f.tags), ("source", f.sources), ("type", f.types)):
        if values:
            parts.append(f"{label} " + " or ".join(values))
    if f.texts:
        parts.append("text " + " or ".join(f'"{t}"' for t in f.texts))
    if f.since:
        parts.append(f"since {f.since.isoformat()}")
    if f.until:
        parts.append(f"until {f.until.isoformat()}")
    if f.query:
        parts.append(" ".join(f.query))
    if f.strict:
        parts.append("certain matches only")
    return "; ".join(parts)
