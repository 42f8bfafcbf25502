"""An exchange drawn as a tree: a message, the replies to it, the replies to those. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from timeline import dates
from timeline.formats.text import headline
from timeline.model import Event, Store
from timeline.query.order import placement_for, responses, sort_events


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
    events = list(_thread(store, e, responses(store)).values())
    return sort_events(store, events, placement_for(store, events))


def _thread(store: Store, e: Event, answers: Mapping[str, Sequence[str]]) -> dict[str, Event]:
    """The events of `e`'s thread by id: its roots and, transitively, everything that answers them."""
    found: dict[str, Event] = {}
    todo = roots(store, e)
    while todo:
        x = todo.pop()
        if x.id not in found:
            found[x.id] = x
            todo.extend(store.by_id[c] for c in answers.get(x.id, ()) if c in store.by_id)
    return found


def draw(store: Store, e: Event) -> list[str]:
    """Lines of the tree that holds `e`; `e` itself is marked with '◀'."""
    answers = responses(store)
    # Only the events of this thread are read and placed (from the index, on a cached store).
    members = _thread(store, e, answers)
    placement = placement_for(store, list(members.values()))
    children = {k: [members[c] for c in v if c in members] for k, v in answers.items() if k in members}
    lines: list[str] = []
    seen: set[str] = set()

    def label(x: Event) -> str:
        mark = "  ◀" if x.id == e.id else ""
        return f"{dates.display(x.date)}  {headline(x)} [{x.id}]{mark}"

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
