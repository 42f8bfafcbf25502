"""Selecting events: a frozen Filter and pure functions over the store.

Every test answers in three values: NO, MAYBE (the event's date range makes it possible) or
YES. AND takes the lowest, OR the highest, NOT swaps YES and NO. `list` keeps MAYBE events and
marks them; `strict` keeps only YES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from timeline.errors import UsageError
from timeline.model import Event, Store
from timeline.query import names, terms
from timeline.query.offices import MAYBE, NO, YES, office_match, office_miss, parse_office
from timeline.query.resolve import actor_ids as actor_ids
from timeline.query.resolve import actor_index, actor_matches
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
    "why",
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
    statuses: tuple[str, ...] = ()  # claim status: happened, reported, threatened, ...
    min_grade: str | None = None  # Admiralty grade the best citation must reach: 'B2', 'B' or '2'
    min_sources: int | None = None  # independent sources the event must rest on
    query: tuple[str, ...] = ()  # query-language terms, e.g. ('actor:"foreign minister"', 'not:tag:trade')
    # Only events with these ids (None: any), and what they are in words: `list --changed-since`.
    only: frozenset[str] | None = None
    only_label: str = ""


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

    parts = clauses(f)
    if placement is None and _needs_placement(parts):
        placement = order.place(store)
    tests = [_compile(store, c, placement) for c in parts]
    pool = store.events if events is None else events
    floor = YES if f.strict else MAYBE
    out: list[Match] = []
    for e in pool:
        if f.only is not None and e.id not in f.only:
            continue
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


def ordered(
    store: Store, f: Filter, *, placement: Placement | None = None, limit: int | None = None, reverse: bool = False
) -> list[Match]:
    """The matches of `f` in timeline order (see `timeline.query.order`); newest first when
    `reverse`; at most `limit` of them (0 or None: all).
    """
    return counted(store, f, placement=placement, limit=limit, reverse=reverse)[0]


def counted(
    store: Store, f: Filter, *, placement: Placement | None = None, limit: int | None = None, reverse: bool = False
) -> tuple[list[Match], int]:
    """`ordered`, and how many matched before `limit` cut them.

    A store loaded through the cache has an `engine` on its events that narrows `f` to the events
    that may match, so that only those are built; `match` still decides. When the engine answers
    `f` exactly, only the first `limit` events are built.
    """
    from timeline.query import order

    index = getattr(store.events, "engine", None)
    events: Sequence[Event] | None = None
    limit = limit or None
    if index is not None and placement is None:
        if limit is not None and not clauses(f) and not f.strict and f.only is None:
            # Everything matches: the first events of the stored timeline order are the answer.
            events, placement = index.first(limit, reverse=reverse)
            return [Match(e, True, ()) for e in events], len(store.events)
        narrowed = index.narrow(f, limit=limit, reverse=reverse)
        if narrowed is None:
            events = list(store.events)
            placement = index.placement(range(len(events)))
        else:
            events, placement, total = narrowed
            if total is not None:  # the index built only the first `limit` of an exact answer
                found = match(store, f, events, placement=placement)
                return cut(order.sort_matches(found, placement), None, reverse=reverse), total
    placement = placement or order.place(store)
    found = match(store, f, events, placement=placement)
    return cut(order.sort_matches(found, placement), limit, reverse=reverse), len(found)


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
    status: Values = None,
    min_grade: str | None = None,
    min_sources: int | None = None,
    only: Iterable[str] | None = None,
    only_label: str = "",
) -> Filter:
    """A Filter from query terms and flag values as `timeline list` takes them.

    Flag values are one string or several (any may match); `since`/`until` are dates or dates
    as people type them ('Feb 2024', '9 Feb 2024'): a typed month starts on its first day and
    ends on its last. A date that cannot be read is a UsageError naming the flag, and so are an
    unknown status and a grade that is not one. `only` keeps just the events with those ids;
    `only_label` says what they are, for `describe`.
    """
    for value in _values(status):
        _status(value, "--status")
    if min_grade is not None:
        _grade(min_grade, "--min-grade")
    if min_sources is not None and min_sources < 0:
        raise UsageError(f"--min-sources: {min_sources} is negative; give 0 or more")
    return Filter(
        actors=_values(actor),
        tags=_values(tag),
        sources=_values(source),
        types=_values(type),
        texts=_values(text),
        since=_bound(since, "--since", "earliest"),
        until=_bound(until, "--until", "latest"),
        strict=strict,
        statuses=_values(status),
        min_grade=min_grade,
        min_sources=min_sources,
        query=tuple(terms),
        only=None if only is None else frozenset(only),
        only_label=only_label,
    )


def _values(value: Values) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _status(value: str, label: str) -> str:
    from timeline.model import STATUSES

    if value in STATUSES:
        return value
    hint = did_you_mean(value.lower(), STATUSES, n=1) or "expected one of: " + ", ".join(STATUSES)
    raise UsageError(f"{label}: '{value}' is not a status; {hint}")


def _grade(value: str, label: str):
    from timeline import grades

    try:
        return grades.parse(value)
    except ValueError as e:
        raise UsageError(f"{label}: {e}") from None


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
            out[m.event.id] = why(m) if m.certain else f"possible match ({why(m)})"
    return out


def why(m: Match) -> str:
    """The reasons a match matched, in one line."""
    return "; ".join(m.reasons) or "matches every term"


def clauses(f: Filter) -> list[terms.Clause | Window]:
    """The filter as clauses that must all hold: flags and terms, the date bounds as one Window."""
    flag_terms: list[terms.Clause] = []
    for field, values in (
        ("actor", f.actors),
        ("tag", f.tags),
        ("source", f.sources),
        ("type", f.types),
        ("status", f.statuses),
    ):
        if values:
            parts = tuple(terms.Term(field, v, token=f"--{field} {v}") for v in values)
            flag_terms.append(parts[0] if len(parts) == 1 else terms.AnyOf(parts))
    if f.texts:
        # One --text value is words and "phrases" that all must match; several values widen.
        groups = [tuple(terms.Term("text", w, token=f"--text {v}") for w in terms.tokenize([v])) for v in f.texts]
        alls = [g[0] if len(g) == 1 else terms.AllOf(g) for g in groups if g]
        if len(alls) == 1 and isinstance(alls[0], terms.AllOf):
            flag_terms.extend(alls[0].parts)
        elif alls:
            flag_terms.append(alls[0] if len(alls) == 1 else terms.AnyOf(tuple(alls)))
    if f.min_grade is not None:
        flag_terms.append(terms.Term("min_grade", f.min_grade, token=f"--min-grade {f.min_grade}"))
    if f.min_sources is not None:
        flag_terms.append(terms.Term("min_sources", str(f.min_sources), token=f"--min-sources {f.min_sources}"))
    clauses: list[terms.Clause | Window] = [*flag_terms, *terms.group(terms.parse(f.query))]
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
    if lo is not None and hi is not None and lo > hi:
        said = [f"--since {f.since}" if f.since else "", f"--until {f.until}" if f.until else ""]
        said += [t.token or f"{t.field}:{t.value}" for t in bounds]
        raise UsageError(
            f"{' '.join(x for x in said if x)}: the window ends ({hi.isoformat()}) before it starts "
            f"({lo.isoformat()}); swap the dates"
        )
    window: list[terms.Clause | Window] = [Window(lo, hi)]
    return window + [c for c in clauses if c not in bounds]


@dataclass(frozen=True, slots=True)
class Window:
    """The one date window all since/until flags and terms make together."""

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
        if isinstance(c, (terms.AnyOf, terms.AllOf)):
            return any(walk(p) for p in c.parts)
        return isinstance(c, terms.Term) and c.field in ("after", "before", "between")

    return any(walk(c) for c in clauses)


def _compile(store: Store, clause, placement) -> Test:
    if isinstance(clause, Window):
        return _window_test(clause.since, clause.until, "date")
    if isinstance(clause, terms.AllOf):
        every = [_compile(store, p, placement) for p in clause.parts]

        def all_of(e: Event) -> tuple[int, str]:
            results = [test(e) for test in every]
            return min(t for t, _ in results), "; ".join(w for _, w in results if w)

        return all_of
    if isinstance(clause, terms.AnyOf):
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
    if field in ("tag", "type", "id", "source"):
        return _name_test(store, t)
    if field == "text":
        return _text_test(t)
    if field in ("since", "until", "date"):
        return _date_test(t)
    if field == "status":
        wanted = _status(value, t.token or value)
        return lambda e: (YES if e.status == wanted else NO, "")
    if field == "min_grade":
        return _grade_test(store, _grade(value, t.token or value))
    if field == "min_sources":
        return _sources_test(t)
    return _relation_test(store, t, placement)


def _text_test(t: terms.Term) -> Test:
    from timeline.query import words

    wanted = words.needle(t.value)
    if not wanted:
        raise UsageError(f'{t.token or t.value}: no letters or digits to search for; give a word or a "phrase"')

    def test(e: Event) -> tuple[int, str]:
        return (YES if words.found(wanted, words.haystack(e.title, e.summary)) else NO), ""

    return test


def _grade_test(store: Store, wanted) -> Test:
    from timeline import grades

    def test(e: Event) -> tuple[int, str]:
        for g in grades.of_event(e, store):
            if grades.meets(g, wanted):
                return YES, f"{g.source} graded {g.label}"
        return NO, ""

    return test


def _sources_test(t: terms.Term) -> Test:
    if not t.value.isdigit():
        raise UsageError(f"{t.token or t.value}: '{t.value}' is not a number of sources; e.g. sources>=2")
    n = int(t.value)

    def test(e: Event) -> tuple[int, str]:
        groups = e.independent
        if len(groups) < n:
            return NO, ""
        return YES, f"rests on {len(groups)} independent sources" if n > 1 else ""

    return test


def _name_test(store: Store, t: terms.Term) -> Test:
    """tag:, type:, id: and source:, after making sure the value names something in the store."""
    token, wanted = t.token or t.value, fold(t.value)
    if t.field == "tag":
        names.require("tag", t.value, names.tags(store), token=token, see="see 'timeline tags'")
        return lambda e: (YES if any(fold(x) == wanted for x in e.tags) else NO, "")
    if t.field == "type":
        known = names.types(store)
        names.require("type", t.value, known, token=token, see=names.listing("types", known))
        return lambda e: (YES if e.type is not None and fold(e.type) == wanted else NO, "")
    if t.field == "id":
        names.require("event id", t.value, store.by_id, token=token, see="see 'timeline list' for ids")
        # Ids are exact: fold only to find the one the person meant.
        eid = next(i for i in store.by_id if fold(i) == wanted) if t.value not in store.by_id else t.value
        return lambda e: (YES if e.id == eid else NO, "")
    cited = names.sources(store)
    names.require("source", t.value, cited, token=token, see="see 'timeline sources'")
    ids = names.source_ids(cited, t.value)
    return lambda e: (YES if not ids.isdisjoint(e.cited) else NO, "")


def _actor_test(store: Store, t: terms.Term) -> Test:
    office = parse_office(store, t.value)
    found = actor_matches(store, t.value)
    if len(found) > 1:
        if office is None:  # a name that is also an office means the office
            raise UsageError(f"{t.token or t.value}: {actor_index(store).ambiguity(t.value, found)}")
        found = {}
    ids = set(found)
    if not ids and office is None:
        miss = office_miss(store, t.value)
        if miss:
            raise UsageError(f"{t.token or t.value}: {miss}")
        raise UsageError(f"{t.token or t.value}: no actor or office called '{t.value}'; {_actor_hint(store, t.value)}")

    def spelt(aid: str) -> str:
        spelling = found[aid]
        return aid if spelling is None else f"{aid} (as '{t.value}', a spelling of '{spelling}')"

    def test(e: Event) -> tuple[int, str]:
        present = ids.intersection(e.actors)
        if present:
            return YES, f"{', '.join(spelt(a) for a in sorted(present))} took part"
        if office is not None:
            return office_match(store, office, e)
        return NO, ""

    return test


def _actor_hint(store: Store, wanted: str) -> str:
    names = {fold(a.name) for a in store.actors.values()} | set(store.actors)
    names |= {fold(x) for a in store.actors.values() for x in a.aliases}
    names |= {fold(r.title) for a in store.actors.values() for r in a.roles}
    names |= {fold(x) for a in store.actors.values() for r in a.roles for x in r.aliases}
    hint = did_you_mean(fold(wanted), sorted(names))
    if hint is None and not wanted.isascii():
        from timeline.names import romanisations

        # A misspelt name in another script: its romanisations may be close to a known spelling.
        hint = next(filter(None, (did_you_mean(r, sorted(names)) for r in sorted(romanisations(wanted)))), None)
    return hint or "see 'timeline actors' for names and offices"


def _date_test(t: terms.Term) -> Test:
    lo, hi = typed_window(t)
    return _window_test(lo, hi, t.field)


def typed_window(t: terms.Term) -> tuple[date | None, date | None]:
    """The days a since:, until: or date: term keeps (None: open on that side)."""
    d = _typed(t)
    lo = d.earliest if t.field in ("since", "date") else None
    hi = d.latest if t.field in ("until", "date") else None
    return lo, hi


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
        return _between_test(store, t, placement)
    anchor = store.by_id.get(t.value)
    if anchor is None:
        hint = did_you_mean(t.value, store.by_id, cutoff=0.5) or "see 'timeline list' for ids"
        raise UsageError(f"{t.token}: no event with id '{t.value}'; {hint}")
    later = reachable(store, anchor.id, forward=True)
    earlier = reachable(store, anchor.id, forward=False)
    after = t.field == "after"
    yes, no = (later, earlier) if after else (earlier, later)
    lo, hi = placement.earliest, placement.latest

    def test(e: Event) -> tuple[int, str]:
        if e.id == anchor.id or e.id in no:
            return NO, ""
        if e.id in yes:
            return YES, f"{t.field} {anchor.id}: a chain of in_response_to/after/before says so"
        # Seen from the other side, "before" is "after" with the two events swapped.
        first, second = (anchor.id, e.id) if after else (e.id, anchor.id)
        if lo[second] > hi[first]:
            return YES, f"{t.field} {anchor.id}: by date"
        if hi[second] < lo[first]:
            return NO, ""
        return MAYBE, f"possibly {t.field} {anchor.id}: the dates overlap and no relation orders them"

    return test


def _between_test(store: Store, t: terms.Term, placement) -> Test:
    first, sep, last = t.value.partition(",")
    if not sep or not first or not last:
        raise UsageError(f"{t.token}: write between:FIRST-ID,LAST-ID")
    a = _relation_test(store, terms.Term("after", first, token=t.token), placement)
    b = _relation_test(store, terms.Term("before", last, token=t.token), placement)

    def between(e: Event) -> tuple[int, str]:
        (ta, wa), (tb, wb) = a(e), b(e)
        return min(ta, tb), "; ".join(w for w in (wa, wb) if w)

    return between


def cut(events: Sequence[T], n: int | None, *, reverse: bool = False) -> list[T]:
    """Newest-first when `reverse`; at most `n` items (the first n of the order shown); 0 or None: all."""
    out = list(reversed(events)) if reverse else list(events)
    return out[:n] if n else out


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
    if f.statuses:
        parts.append("status " + " or ".join(f.statuses))
    if f.min_grade:
        from timeline import grades

        parts.append("grade " + grades.describe(grades.parse(f.min_grade)))
    if f.min_sources is not None:
        parts.append(f"at least {f.min_sources} independent sources")
    if f.query:
        parts.append(" ".join(f.query))
    if f.only is not None:
        parts.append(f.only_label or f"one of {len(f.only)} chosen ids")
    if f.strict:
        parts.append("certain matches only")
    return "; ".join(parts)
