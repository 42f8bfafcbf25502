"""An exchange drawn as a tree: a message, the replies to it, the replies to those. Pure."""

from __future__ import annotations

from timeline import dates
from timeline.model import Event, Store
from timeline.query.order import place, sort_events
from timeline.text import clean


def roots(store: Store, e: Event) -> list[Event]:
    """The events at the top of `e`'s thread: follow in_response_to up until nothing answers."""
    seen: set[str] = set()
    frontier, tops = [e], []
    while frontier:
        cur = frontier.pop()
        if cur.id in seen:
            continue
        seen.add(cur.id)
        parents = [store.by_id[p] for p in cur.in_response_to if p in store.by_id]
        if parents:
            frontier += parents
        else:
            tops.append(cur)
    return tops


def members(store: Store, e: Event) -> list[Event]:
    """Every event of `e`'s thread (its roots and all their replies, transitively), in timeline order."""
    children: dict[str, list[Event]] = {}
    for other in store.events:
        for parent in other.in_response_to:
            children.setdefault(parent, []).append(other)
    found: dict[str, Event] = {}
    frontier = roots(store, e)
    while frontier:
        cur = frontier.pop()
        if cur.id not in found:
            found[cur.id] = cur
            frontier += children.get(cur.id, [])
    return sort_events(store, list(found.values()))


def draw(store: Store, e: Event) -> list[str]:
    """Lines of the tree that holds `e`; `e` itself is marked with '◀'."""
    placement = place(store)
    children: dict[str, list[Event]] = {}
    for other in store.events:
        for parent in other.in_response_to:
            children.setdefault(parent, []).append(other)
    lines: list[str] = []
    seen: set[str] = set()

    def label(x: Event) -> str:
        mark = "  ◀" if x.id == e.id else ""
        return f"{dates.display(x.date)}  {clean(x.title)} [{x.id}]{mark}"

    def walk(x: Event, prefix: str) -> None:
        kids = sort_events(store, children.get(x.id, []), placement)
        for n, kid in enumerate(kids):
            last = n == len(kids) - 1
            if kid.id in seen:
                lines.append(f"{prefix}{'└── ' if last else '├── '}(see above) [{kid.id}]")
                continue
            seen.add(kid.id)
            lines.append(f"{prefix}{'└── ' if last else '├── '}{label(kid)}")
            walk(kid, prefix + ("    " if last else "│   "))

    for top in sort_events(store, roots(store, e), placement):
        seen.add(top.id)
        lines.append(label(top))
        walk(top, "")
    return lines
