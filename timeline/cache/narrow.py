"""Which events a filter may keep, from the index alone: a superset that `query.match` then decides.

Each clause gives the positions of the events it may hold for, or None when it cannot say (a
negated term, a field the index does not post): clauses narrow by intersection, `or` widens by
union. Postings answer actors (people, and the holders of an office), tags, types, sources, ids
and words; day numbers answer date windows and, placed by the links, after/before/between.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from timeline.text import fold

if TYPE_CHECKING:
    from timeline.cache.engine import Engine

Found = set[int] | None  # positions; None: any event may hold


def candidates(engine: Engine, f: Any) -> Found:
    """Positions of the events `f` may keep, or None when the index cannot narrow it."""
    from timeline import query

    parts = query.clauses(f)
    found: Found = None
    ranges = []
    for clause in parts:
        if isinstance(clause, query.Window) or _is_range(clause):
            ranges.append(clause)  # cheaper once the other clauses have narrowed
            continue
        found = _and(found, _clause(engine, clause))
    if f.only is not None:  # ids chosen outside the query (list --changed-since)
        where = engine.position
        found = _and(found, {where[i] for i in f.only if i in where})
    for clause in ranges:
        found = _and(found, _range(engine, clause, found))
    return found


def exact(engine: Engine, f: Any) -> bool:
    """Do the positions `candidates` gives hold exactly the events `f` keeps, each certainly?

    True when every clause is one the postings answer to the letter: a tag, a type, a source,
    an id, a person, a word. Then `list --limit N` needs to build only the first N of them.
    """
    from timeline import query

    parts = query.clauses(f)
    return bool(parts or f.only is not None) and all(_exact(engine, c) for c in parts)


def _exact(engine: Engine, clause: Any) -> bool:
    from timeline.query import Window, terms

    if isinstance(clause, Window):
        return False
    if isinstance(clause, (terms.AnyOf, terms.AllOf)):
        return all(_exact(engine, part) for part in clause.parts)
    if clause.negated:
        return False
    if clause.field in ("tag", "type", "source", "id"):
        return True
    if clause.field == "actor":
        from timeline.query.offices import parse_office

        return parse_office(engine.head, clause.value) is None  # an office holds only on some dates
    if clause.field == "text":
        from timeline.query import words

        return len(words.needle(clause.value)) == 1  # a phrase is checked word by word
    return False


def _and(a: Found, b: Found) -> Found:
    if a is None:
        return b
    return a if b is None else a & b


def _is_range(clause: Any) -> bool:
    from timeline.query import terms

    return isinstance(clause, terms.Term) and not clause.negated and clause.field in ("since", "until", "date")


def _clause(engine: Engine, clause: Any) -> Found:
    from timeline.query import Window, terms

    if isinstance(clause, Window):
        return _range(engine, clause, None)
    if isinstance(clause, terms.AllOf):
        found: Found = None
        for part in clause.parts:
            found = _and(found, _clause(engine, part))
        return found
    if isinstance(clause, terms.AnyOf):
        union: set[int] = set()
        for part in clause.parts:
            one = _clause(engine, part)
            if one is None:
                return None
            union |= one
        return union
    if clause.negated:
        return None
    return _term(engine, clause)


def _postings(engine: Engine, keys: Iterable[str]) -> set[int]:
    out: set[int] = set()
    for key in keys:
        out.update(engine.posting(key))
    return out


def _term(engine: Engine, t: Any) -> Found:
    field, value = t.field, t.value
    head = engine.head
    if field == "actor":
        from timeline.query.offices import actor_ids, holders, parse_office

        ids = actor_ids(head, value)
        office = parse_office(head, value)
        if office is not None:
            ids |= {actor.id for actor, _ in holders(head, office)}
        return _postings(engine, (f"a:{i}" for i in ids))
    if field == "tag":
        return _postings(engine, [f"t:{fold(value)}"])
    if field == "type":
        return _postings(engine, [f"y:{fold(value)}"])
    if field == "source":
        wanted = fold(value)
        ids = {s.id for s in head.sources.values() if wanted in (fold(s.id), fold(s.name))} | {value}
        return _postings(engine, (f"s:{i}" for i in ids))
    if field == "id":
        p = engine.position.get(value)
        return set() if p is None else {p}
    if field == "text":
        from timeline.cache.words import find

        return find(engine, value)
    if field in ("after", "before", "between"):
        return _relation(engine, field, value)
    if field in ("since", "until", "date"):
        return _range(engine, t, None)
    return None


def _relation(engine: Engine, field: str, value: str) -> Found:
    if field == "between":
        first, _, last = value.partition(",")
        return _and(_relation(engine, "after", first), _relation(engine, "before", last))
    anchor = engine.position.get(value)
    if anchor is None:
        return set()  # match reports the unknown id
    placed = engine.placed
    low, high = placed[3 * anchor], placed[3 * anchor + 1]
    # As query.match decides: a chain of links, else the dates, tested for "yes" before "no" (a
    # contradiction can leave an event's placed bounds crossed, and then both tests hold).
    if field == "after":
        found = {p for p in range(engine.count) if placed[3 * p + 1] >= low or placed[3 * p] > high}
    else:
        found = {p for p in range(engine.count) if placed[3 * p] <= high or placed[3 * p + 1] < low}
    from timeline.query.order import reachable_by

    chained = reachable_by(engine.relations, value, forward=field == "after")
    where = engine.position
    return found | {where[eid] for eid in chained if eid in where} | {anchor}


def _range(engine: Engine, clause: Any, within: Found) -> Found:
    """Events whose own dates may fall in the clause's window."""
    from timeline.query import Window

    if isinstance(clause, Window):
        lo, hi = clause.since, clause.until
    else:
        from timeline.query import typed_window

        lo, hi = typed_window(clause)
    low = lo.toordinal() if lo else date.min.toordinal()
    high = hi.toordinal() if hi else date.max.toordinal()
    bounds = engine.bounds
    pool = range(engine.count) if within is None else within
    return {p for p in pool if bounds[2 * p + 1] >= low and bounds[2 * p] <= high}
