"""Directories of the store: actors, sources and tags with their counts. Pure."""

from __future__ import annotations

from timeline import dates
from timeline.formats.text import headline
from timeline.model import Store
from timeline.text import clean, plural


def actor_rows(store: Store) -> list[str]:
    """One block per actor: id, name, then offices with spans and the event count."""
    from timeline.query.offices import tenure
    from timeline.query.tally import tally

    counts = tally(store).actors
    out = []
    for actor in store.actors.values():
        out.append(f"{actor.id}  {clean(actor.name)}  ({_events(counts.get(actor.id, 0))})")
        for role in actor.roles:
            org = f", {clean(role.org)}" if role.org else ""
            out.append(f"    {clean(role.title)}{org}: {tenure(role)}")
    return out


def source_rows(store: Store) -> list[str]:
    """One line per source: id, name, kind, citing events, and facts resting on it alone."""
    from timeline.query.tally import tally

    counts = tally(store)
    cited, alone = counts.cited, counts.alone
    out = []
    for source in store.sources.values():
        kind = f" [{clean(source.kind)}]" if source.kind else ""
        kind += f" reliability {source.reliability}" if source.reliability else ""
        counted = f"{_events(cited.get(source.id, 0))}, {alone.get(source.id, 0)} alone"
        out.append(f"{source.id}  {clean(source.name)}{kind}  {counted}")
    return out


def _events(n: int) -> str:
    return plural(n, "event")


def tag_rows(store: Store) -> list[str]:
    """One line per tag, most used first: the count and the tag."""
    from timeline.query.tally import tally

    counts = tally(store).tags
    width = len(str(max(counts.values(), default=0)))
    return [f"{n:>{width}}  {clean(tag)}" for tag, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def actor_page(store: Store, actor_id: str) -> list[str]:
    """A person's page: names, offices with spans, and their events in timeline order."""
    from timeline.query.offices import tenure
    from timeline.query.tally import involving

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
    events = involving(store, actor.id)
    out += ["", f"events ({len(events)}):"]
    out += [f"- {dates.display(e.date)}  {headline(e)} [{e.id}]" for e in events]
    return out
