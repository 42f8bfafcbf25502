"""Directories of the store: actors, sources and tags with their counts. Pure."""

from __future__ import annotations

from collections import Counter

from timeline import dates
from timeline.model import Store
from timeline.text import clean


def actor_rows(store: Store) -> list[str]:
    """One block per actor: id, name, then offices with spans and the event count."""
    from timeline.query.offices import tenure

    counts = Counter(a for e in store.events for a in e.actors)
    out = []
    for actor in store.actors.values():
        out.append(f"{actor.id}  {clean(actor.name)}  ({_events(counts[actor.id])})")
        for role in actor.roles:
            org = f", {clean(role.org)}" if role.org else ""
            out.append(f"    {clean(role.title)}{org}: {tenure(role)}")
    return out


def source_rows(store: Store) -> list[str]:
    """One line per source: id, name, kind, citing events, and facts resting on it alone."""
    cited = Counter(s for e in store.events for s in e.cited)
    alone = Counter(e.cited[0] for e in store.events if len(e.cited) == 1)
    out = []
    for source in store.sources.values():
        kind = f" [{clean(source.kind)}]" if source.kind else ""
        out.append(f"{source.id}  {clean(source.name)}{kind}  {_events(cited[source.id])}, {alone[source.id]} alone")
    return out


def _events(n: int) -> str:
    return "1 event" if n == 1 else f"{n} events"


def tag_rows(store: Store) -> list[str]:
    """One line per tag, most used first: the count and the tag."""
    counts = Counter(t for e in store.events for t in e.tags)
    width = len(str(max(counts.values(), default=0)))
    return [f"{n:>{width}}  {clean(tag)}" for tag, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def actor_page(store: Store, actor_id: str) -> list[str]:
    """A person's page: names, offices with spans, and their events in timeline order."""
    from timeline.query.offices import tenure
    from timeline.query.order import sort_events

    actor = store.actors[actor_id]
    out = [clean(actor.name), f"id: {actor.id}"]
    if actor.aliases:
        out.append("also written: " + ", ".join(clean(a) for a in actor.aliases))
    if actor.country:
        out.append(f"country: {actor.country}")
    if actor.sectors:
        out.append("sectors: " + ", ".join(clean(x) for x in actor.sectors))
    if actor.roles:
        out += ["", "offices:"]
        for role in actor.roles:
            org = f", {clean(role.org)}" if role.org else ""
            out.append(f"- {clean(role.title)}{org}: {tenure(role)}")
    events = sort_events(store, [e for e in store.events if actor.id in e.actors])
    out += ["", f"events ({len(events)}):"]
    out += [f"- {dates.display(e.date)}  {clean(e.title)} [{e.id}]" for e in events]
    return out
