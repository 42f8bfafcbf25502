"""What a store holds, counted: events per actor, per source (and resting on it alone), per tag.

From the cache's index when the store came through it (no event is built), else in one pass
over the events. An event counts once for each actor, source and tag it names, however often it
names it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from timeline.model import Event, Store


@dataclass(frozen=True, slots=True)
class Tally:
    actors: Mapping[str, int]
    cited: Mapping[str, int]  # events resting on each source
    alone: Mapping[str, int]  # events resting on that source alone
    tags: Mapping[str, int]  # by the tag as written
    types: Mapping[str, int]  # by the type as written


def tally(store: Store) -> Tally:
    """The counts of `store`."""
    engine = getattr(store.events, "engine", None)
    if engine is not None:
        s = engine.summary
        return Tally(s["actors"], s["sources"], s["alone"], s["tags"], s["types"])
    actors: Counter[str] = Counter()
    cited: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for e in store.events:
        if e.type:
            types[e.type] += 1
        actors.update(list(dict.fromkeys(e.actors)))
        cited.update(e.cited)
        if len(e.cited) == 1:
            alone[e.cited[0]] += 1
        tags.update(list(dict.fromkeys(e.tags)))
    return Tally(actors, cited, alone, tags, types)


def involving(store: Store, actor_id: str) -> list[Event]:
    """The events `actor_id` takes part in, in timeline order."""
    from timeline.query.order import placement_for, sort_events

    engine = getattr(store.events, "engine", None)
    if engine is not None:
        events = engine.events(sorted(engine.posting(f"a:{actor_id}")))
    else:
        events = [e for e in store.events if actor_id in e.actors]
    return sort_events(store, events, placement_for(store, events))
