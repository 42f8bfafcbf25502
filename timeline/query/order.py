"""Ordering events: by date bounds, then by `after`/`before`/`in_response_to`, then store order.

An event that follows another cannot have begun before it, and the one it follows cannot
have ended after it. Propagating those two facts along the relations tightens each event's
bounds; sorting by the tightened bounds, then by depth in the relation graph, then by store
order, gives a total, stable order that never puts a reply before its message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from timeline.model import Event, Store

M = TypeVar("M", bound=Any)


@dataclass(frozen=True, slots=True)
class Relation:
    """`later` is known to come after `earlier`, because of `key` on `owner`."""

    earlier: str
    later: str
    owner: str
    key: str


def relations(events: Iterable[Event]) -> list[Relation]:
    """Every ordering fact the events state, as earlier → later pairs."""
    out: list[Relation] = []
    for e in events:
        for ref in e.in_response_to:
            out.append(Relation(ref, e.id, e.id, "in_response_to"))
        for ref in e.after:
            out.append(Relation(ref, e.id, e.id, "after"))
        for ref in e.before:
            out.append(Relation(e.id, ref, e.id, "before"))
    return out


def links(store: Store) -> list[Relation]:
    """Every ordering fact of the store: from its index when it has one, else from its events."""
    engine = getattr(store.events, "engine", None)
    return list(engine.relations) if engine is not None else relations(store.events)


def responses(store: Store) -> Mapping[str, tuple[str, ...]]:
    """The events that answer each event (their in_response_to names it), in store order."""
    engine = getattr(store.events, "engine", None)
    if engine is not None:
        return engine.responses
    out: dict[str, list[str]] = {}
    for e in store.events:
        for ref in e.in_response_to:
            out.setdefault(ref, []).append(e.id)
    return {k: tuple(v) for k, v in out.items()}


def placement_for(store: Store, events: Sequence[Event]) -> Placement:
    """The store's placement, for at least these events (from the index when there is one)."""
    engine = getattr(store.events, "engine", None)
    if engine is None:
        return place(store)
    where = engine.position
    return engine.placement([where[e.id] for e in events])


@dataclass(frozen=True, slots=True)
class Placement:
    """Tightened bounds and graph depth per event id, plus the events caught in cycles."""

    earliest: dict[str, date]
    latest: dict[str, date]
    depth: dict[str, int]
    cyclic: tuple[str, ...]


def place(store: Store) -> Placement:
    """Propagate bounds along the relations of the whole store (Kahn's algorithm).

    Relations inside a cycle cannot all hold, so they are left out of the propagation and
    the events on the cycle are reported; events merely downstream of a cycle still get
    placed after it.
    """
    earliest = {e.id: e.date.earliest for e in store.events}
    latest = {e.id: e.date.latest for e in store.events}
    return Placement(*place_bounds(earliest, latest, relations(store.events)))


B = TypeVar("B", date, int)


def place_bounds(
    earliest: dict[str, B], latest: dict[str, B], rels: Iterable[Relation]
) -> tuple[dict[str, B], dict[str, B], dict[str, int], tuple[str, ...]]:
    """`place` over bounds alone (days or day numbers) by event id: tightened earliest, latest,
    depth, and the events on cycles. The dicts passed in are updated in place and returned.
    """
    rels = [r for r in rels if r.earlier in earliest and r.later in earliest]
    depth = dict.fromkeys(earliest, 0)
    if not rels:
        return earliest, latest, depth, ()
    succ: dict[str, list[str]] = {}
    for r in rels:
        succ.setdefault(r.earlier, []).append(r.later)
    linked = list({*succ, *(r.later for r in rels)})
    component = components(linked, succ)
    cyclic = _cyclic(earliest, component, rels)
    order, succ, pred = _acyclic_order(linked, component, rels)
    for eid in order:
        for nxt in succ.get(eid, ()):
            if earliest[eid] > earliest[nxt]:
                earliest[nxt] = earliest[eid]
            depth[nxt] = max(depth[nxt], depth[eid] + 1)
    for eid in reversed(order):
        for prev in pred.get(eid, ()):
            if latest[eid] < latest[prev]:
                latest[prev] = latest[eid]
    return earliest, latest, depth, cyclic


def _cyclic(ids: Iterable[str], component: dict[str, int], rels: Sequence[Relation]) -> tuple[str, ...]:
    """The events on a cycle, in the order of `ids`: in a component of several, or linked to themselves."""
    size: dict[int, int] = {}
    for n in component.values():
        size[n] = size.get(n, 0) + 1
    looped = {r.earlier for r in rels if r.earlier == r.later}
    return tuple(eid for eid in ids if eid in component and (size[component[eid]] > 1 or eid in looped))


def _acyclic_order(
    linked: list[str], component: dict[str, int], rels: Sequence[Relation]
) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """A topological order of the links between components (Kahn), with the links it followed."""
    succ: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    indeg = dict.fromkeys(linked, 0)
    for r in rels:
        if component[r.earlier] == component[r.later]:
            continue  # links inside a cycle cannot all hold; they are left out
        succ.setdefault(r.earlier, []).append(r.later)
        pred.setdefault(r.later, []).append(r.earlier)
        indeg[r.later] += 1
    order: list[str] = []
    ready = [eid for eid, n in indeg.items() if n == 0]
    while ready:
        eid = ready.pop()
        order.append(eid)
        for nxt in succ.get(eid, ()):
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                ready.append(nxt)
    return order, succ, pred


def components(nodes: list[str], succ: dict[str, list[str]]) -> dict[str, int]:
    """Strongly connected components (Tarjan's algorithm, iterative): node -> component number."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = components = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = succ.get(node, [])
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = components
                    if member == node:
                        break
                components += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component


def sort_events(store: Store, events: Sequence[Event], placement: Placement | None = None) -> list[Event]:
    """Events in timeline order: tightened earliest, tightened latest, relation depth, store order."""
    p = placement or place(store)
    return sorted(events, key=lambda e: (p.earliest[e.id], p.latest[e.id], p.depth[e.id], e.index))


def sort_matches(matches: Sequence[M], placement: Placement) -> list[M]:
    """Matches (anything with an `.event`) in timeline order."""
    p = placement
    return sorted(
        matches, key=lambda m: (p.earliest[m.event.id], p.latest[m.event.id], p.depth[m.event.id], m.event.index)
    )


def broken(store: Store) -> list[Relation]:
    """Relations the dates make impossible: the later event is certainly dated before the earlier."""
    bounds = {e.id: (e.date.earliest, e.date.latest) for e in store.events}
    return broken_links(relations(store.events), bounds)


def broken_links(rels: Iterable[Relation], bounds: Mapping[str, tuple[B, B]]) -> list[Relation]:
    """`broken` over (earliest, latest) bounds by event id; links to unknown events are not judged here."""
    out = []
    for r in rels:
        earlier, later = bounds.get(r.earlier), bounds.get(r.later)
        if earlier is not None and later is not None and later[1] < earlier[0]:
            out.append(r)
    return out


def link_message(r: Relation, dated: Mapping[str, str]) -> str:
    """What is wrong with a broken link (E009), given each event's date as written."""
    return (
        f"event '{r.owner}': field '{r.key}': puts '{r.later}' after '{r.earlier}', but '{r.later}' is "
        f"dated {dated[r.later]}, before '{r.earlier}' ({dated[r.earlier]}); fix a date or the link"
    )


def cycle_message(cyclic: Sequence[str]) -> str:
    """The warning for events caught in a cycle of links (E010 in full, from `timeline check`)."""
    names = ", ".join(f"'{eid}'" for eid in cyclic[:5]) + (", …" if len(cyclic) > 5 else "")
    return f"events {names} form a cycle of after/before/in_response_to links; break one link"


def contradictions(store: Store, placement: Placement | None = None) -> list[tuple[Event, str]]:
    """Relations the dates make impossible, and cycles: (event, message) pairs."""
    dated = {e.id: e.date.text for e in store.events}
    out = [(store.by_id[r.owner], link_message(r, dated)) for r in broken(store)]
    p = placement or place(store)
    if p.cyclic:
        first = min((store.by_id[eid] for eid in p.cyclic), key=lambda e: e.index)
        out.append((first, cycle_message(p.cyclic)))
    return out


def reachable(store: Store, start: str, *, forward: bool) -> set[str]:
    """Ids known (through relations) to come after `start` (forward) or before it."""
    return reachable_by(links(store), start, forward=forward)


def reachable_by(relations: Iterable[Relation], start: str, *, forward: bool) -> set[str]:
    """Ids that `relations` put after `start` (forward) or before it, through any chain of them."""
    edges: dict[str, list[str]] = {}
    for r in relations:
        a, b = (r.earlier, r.later) if forward else (r.later, r.earlier)
        edges.setdefault(a, []).append(b)
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    seen.discard(start)
    return seen
