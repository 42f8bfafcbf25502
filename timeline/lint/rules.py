"""The rules `timeline check` adds to the schema's: each takes the built store, yields Problems.

Every function here is pure. Lines come from the store text through `Places`, which only scans
the text when a rule has something to report. The look-alike search is in `timeline.check_similar`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from timeline.lint.selection import RULES
from timeline.lint.similar import look_alikes
from timeline.model import Event, Problem, Role, Store
from timeline.store.include import written_at
from timeline.store.locate import Locator
from timeline.text import fold, short

if TYPE_CHECKING:
    from timeline.store.include import Files


class Places:
    """Line and column of things in the store's files, found on demand.

    A store in several files (`store.files`) has one text and one parsed table per file; an
    event's table in its own file is its index less the file's first index.
    """

    def __init__(self, text: str, data: Mapping[str, Any], store: Store | None = None, files: Files | None = None):
        self.data = data  # the parsed TOML of the main file, for what the model does not keep
        self._texts: dict[str, str] = {"": text}
        self._datas: dict[str, Mapping[str, Any]] = {"": data}
        self._names: dict[str, str | None] = {"": None}
        self._offsets: dict[str, int] = dict(store.files) if store is not None else {}
        self._files = files
        self._store_events = store.events if store is not None else ()
        self._blocks: dict[tuple[str, int], tuple[Locator, list[str], int]] = {}
        self._starts: dict[str, list[int]] = {}  # offset of each line's start, by file
        self._heads: dict[str, list[int]] = {}  # the lines of the events' headers, by file

    def _load(self, rel: str) -> None:
        if rel in self._texts:
            return
        import tomli

        assert self._files is not None, "an event from an included file, with no files to read it from"
        text, shown = self._files.read(rel)
        self._texts[rel], self._names[rel], self._datas[rel] = text, shown, tomli.loads(text)

    def name(self, rel: str) -> str | None:
        """How messages name the file `rel` (None: the main file, named by the report)."""
        self._load(rel)
        return self._names[rel]

    def every_data(self) -> list[Mapping[str, Any]]:
        """The parsed tables of every file of the store."""
        for rel in self._offsets:
            self._load(rel)
        return list(self._datas.values())

    def _block(self, e: Event) -> tuple[Locator, list[str], int] | None:
        """A locator over the event's own table (its header to the next event's header), the
        table's lines, and the line it starts on: placing a finding reads one table, not the file.
        None when the event's line is not known."""
        if not e.line:
            return None
        found = self._blocks.get((e.file, e.line))
        if found is None:
            from bisect import bisect_right

            self._load(e.file)
            text = self._texts[e.file]
            if e.file not in self._starts:
                self._starts[e.file] = [0, *(m.end() for m in re.finditer("\n", text))]
                self._heads[e.file] = sorted(x.line for x in self._store_events if x.file == e.file and x.line)
            starts, heads = self._starts[e.file], self._heads[e.file]
            after = bisect_right(heads, e.line)
            end = starts[heads[after] - 1] if after < len(heads) else len(text)
            block = text[starts[e.line - 1] : end]
            found = (Locator(block), block.splitlines(), e.line)
            self._blocks[(e.file, e.line)] = found
        return found

    def key(self, e: Event, key: str) -> int | None:
        """The line of `key` in the event's table, else the event's own line."""
        block = self._block(e)
        if block is None:
            return e.line or None
        line = block[0].key("events.0", key)
        return block[2] + line - 1 if line else e.line

    def item(self, e: Event, key: str, ref: str) -> tuple[int | None, int | None]:
        """Where the id `ref` is written in the event's list `key`: line, and column when it is found."""
        self._load(e.file)
        raw = _items(self._datas[e.file].get("events"))
        at = e.index - self._offsets.get(e.file, 0)
        values = _items(raw[at].get(key)) if at < len(raw) and isinstance(raw[at], dict) else []
        n = next((n for n, v in enumerate(values) if _ref(v) == ref), None)
        block = self._block(e)
        if block is None:
            return None, None
        loc, lines, first = block
        local = loc.item("events.0", key, n) if n is not None else None
        if local is None:
            line = self.key(e, key)
            return line, None
        text = lines[local - 1] if local <= len(lines) else ""
        # Ids are plain (letters, digits, - _ .), so they are written as is inside the quotes.
        for quoted in (f'"{ref}"', f"'{ref}'"):
            if quoted in text:
                return first + local - 1, text.index(quoted) + 1
        return first + local - 1, None


def _problem(
    code: str,
    message: str,
    line: int | None,
    column: int | None = None,
    eid: str | None = None,
    file: str | None = None,
) -> Problem:
    return Problem(code, RULES[code].severity, message, file=file, line=line, column=column, event_id=eid)


# ---- events and their sources -------------------------------------------------------------


def sourcing(store: Store, where: Places) -> Iterator[Problem]:
    """W001 no source at all; N001 a single source; W002 disputed dates with none preferred."""
    for e in store.events:
        cited = e.cited
        if not cited:
            line = e.line or None
            message = f"event '{e.id}' cites no source; add sources = [\"…\"] naming where it comes from"
            yield _problem("W001", message, line, eid=e.id)
        elif len(cited) == 1:
            (only,) = cited
            # At the event's header: placing thousands of notes at their keys would cost a full scan.
            line = e.line or None
            message = f"event '{e.id}' rests on one source ('{only}'); add another if one corroborates it"
            yield _problem("N001", message, line, eid=e.id)
        if e.undecided:
            claimed = " or ".join(cl.date.text for cl in e.claims)
            line = where.key(e, "dates")
            message = (
                f"event '{e.id}': sources disagree on the date ({claimed}) and no claim is preferred; "
                "mark the best-supported one with preferred = true"
            )
            yield _problem("W002", message, line, eid=e.id)


# ---- actors and sources nobody uses -------------------------------------------------------


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _ref(item: Any) -> Any:
    return item.get("id") if isinstance(item, dict) else item


def used_ids(data: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """Actor and source ids the raw events mention, including events the schema had to drop.

    Counting from the raw tables keeps one broken event from making its actors look unused.
    """
    actors: set[str] = set()
    sources: set[str] = set()
    for raw in _items(data.get("events")):
        if not isinstance(raw, dict):
            continue
        actors.update(a for a in map(_ref, _items(raw.get("actors"))) if isinstance(a, str))
        sources.update(s for s in map(_ref, _items(raw.get("sources"))) if isinstance(s, str))
        for claim in _items(raw.get("dates")):
            if isinstance(claim, dict):
                sources.update(s for s in _items(claim.get("sources")) if isinstance(s, str))
    return actors, sources


def unused(store: Store, where: Places) -> Iterator[Problem]:
    """W004 actors and W005 sources that no event mentions."""
    actors: set[str] = set()
    sources: set[str] = set()
    for data in where.every_data():
        more_actors, more_sources = used_ids(data)
        actors |= more_actors
        sources |= more_sources
    for aid, actor in store.actors.items():
        if aid not in actors:
            message = f"actor '{aid}' takes part in no event; add the event that involves them, or remove the actor"
            yield _problem("W004", message, actor.line or None, file=where.name(actor.file))
    for sid, source in store.sources.items():
        if sid not in sources:
            message = f"source '{sid}' is cited by no event; cite it where it supports a fact, or remove it"
            yield _problem("W005", message, source.line or None, file=where.name(source.file))


# ---- offices --------------------------------------------------------------------------------


def _reversed(role: Role) -> bool:
    return role.start is not None and role.end is not None and role.end.latest < role.start.earliest


def offices(store: Store, where: Places) -> Iterator[Problem]:
    """W007 an office the actor never held; W006 an office held, but not at the event's date."""
    from timeline.query.offices import NO, held, tenure

    for e in store.events:
        for aid, office in e.roles:
            actor = store.actors.get(aid)
            if actor is None:
                continue  # E006 already says the actor is unknown
            wanted = fold(office)
            matching = [r for r in actor.roles if wanted in {fold(r.title), *map(fold, r.aliases)}]
            line, column = where.item(e, "actors", aid)
            if not matching:
                known = ", ".join(f"'{r.title}'" for r in actor.roles) or "none recorded"
                message = (
                    f"event '{e.id}': actor '{aid}' acts as '{office}', which matches none of their offices "
                    f"({known}); use a title or alias from [actors.{aid}], or add the role there"
                )
                yield _problem("W007", message, line, column, e.id)
            # A reversed span (E011) says nothing about when the office was held.
            elif not any(_reversed(r) or held(r, e) != NO for r in matching):
                spans = "; ".join(f"'{r.title}' {tenure(r)}" for r in matching)
                message = (
                    f"event '{e.id}' (dated {e.date.text}): actor '{aid}' acts as '{office}', but held it "
                    f"only {spans}; check the date, the office or the role's span"
                )
                yield _problem("W006", message, line, column, e.id)


# ---- links between events ------------------------------------------------------------------


def links(store: Store, where: Places) -> Iterator[Problem]:
    """E009 a link that says an event follows one the dates put certainly after it."""
    from timeline.query.order import broken, link_message

    dated = {e.id: e.date.text for e in store.events}
    for r in broken(store):  # unknown ids are E006's; an event cannot be dated before itself
        owner = store.by_id[r.owner]
        line, column = where.item(owner, r.key, r.later if r.key == "before" else r.earlier)
        yield _problem("E009", link_message(r, dated), line, column, owner.id)


def cycles(store: Store, where: Places) -> Iterator[Problem]:
    """E010 each cycle of links once, at the link written first in the file."""
    from timeline.query.order import place, relations

    stuck = set(place(store).cyclic)
    if not stuck:
        return
    # `cyclic` holds every event on some cycle; splitting it into strongly connected parts
    # reports each cycle once.
    rels = [r for r in relations(store.events) if r.earlier in stuck and r.later in stuck]
    succ: dict[str, list[str]] = {}
    for r in rels:
        succ.setdefault(r.earlier, []).append(r.later)
    for part in _components(sorted(stuck, key=lambda i: store.by_id[i].index), succ):
        inside = [r for r in rels if r.earlier in part and r.later in part]
        if not inside:
            continue  # defensive: every part of `cyclic` holds at least one link
        first = min(inside, key=lambda r: (store.by_id[r.owner].index, r.key))
        path = [first.earlier, *_path(first.later, first.earlier, succ, part)]
        owner = store.by_id[first.owner]
        ref = first.later if first.key == "before" else first.earlier
        line, column = where.item(owner, first.key, ref)
        chain = " → ".join(f"'{i}'" for i in path)
        message = (
            f"event '{owner.id}': field '{first.key}': the links make a cycle ({chain}), "
            "so no order is possible; remove the wrong link"
        )
        yield _problem("E010", message, line, column, owner.id)


def _components(nodes: list[str], succ: dict[str, list[str]]) -> list[set[str]]:
    """Strongly connected components, in the order Tarjan's algorithm closes them."""
    # The one Tarjan in the code base is the one that places events; it numbers components as it closes them.
    from timeline.query.order import components as numbered

    parts: dict[int, set[str]] = {}
    for node, n in numbered(nodes, succ).items():
        parts.setdefault(n, set()).add(node)
    return [parts[n] for n in sorted(parts)]


def _path(start: str, goal: str, succ: Mapping[str, list[str]], within: set[str]) -> list[str]:
    """The shortest path start → … → goal inside one component (breadth first)."""
    came: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            break
        for nxt in succ.get(node, ()):
            if nxt in within and nxt not in came:
                came[nxt] = node
                queue.append(nxt)
    path: list[str] = []
    step: str | None = goal
    while step is not None:
        path.append(step)
        step = came.get(step)
    return path[::-1]


# ---- look-alike events ---------------------------------------------------------------------


def duplicates(store: Store, where: Places) -> Iterator[Problem]:
    """W003 events with overlapping dates and near-identical titles, or the same actors and type."""
    events = store.events
    for later, earlier, why, more, capped in look_alikes(events):
        first, second = events[earlier], events[later]
        # `capped`: the search stopped at its limit for this event, so there may be more than counted.
        extra = f" (and {'at least ' if capped else ''}{more} more)" if more or capped else ""
        at = written_at(store, first)
        message = (
            f"event '{second.id}' looks like '{first.id}' ({at}){extra}: dates overlap and {why}; "
            "merge them, or make the titles say how they differ"
        )
        yield _problem("W003", message, second.line or None, eid=second.id)


# ---- claim status, names and anchored dates ------------------------------------------------


def overdue(store: Store, where: Places, today: date | None = None) -> Iterator[Problem]:
    """N002 planned or announced events whose every possible day has passed and that nothing follows."""
    from timeline import dates

    today = today or date.today()
    followed = {ref for e in store.events for ref in (*e.in_response_to, *e.after)}
    for e in store.events:
        if e.status in ("planned", "announced") and e.date.latest < today and e.id not in followed:
            message = (
                f"event '{e.id}' is {e.status} for {dates.display(e.date)}, which has passed, and no event follows "
                f'it; record what happened (an event with after = ["{e.id}"]) or change its status'
            )
            yield _problem("N002", message, where.key(e, "status"), eid=e.id)


def same_person(store: Store, where: Places) -> Iterator[Problem]:
    """W008 actors whose names or aliases are spellings of one another (Жапаров, Zhaparov)."""
    from timeline import names

    owners: dict[str, list[tuple[str, str]]] = {}
    for actor in store.actors.values():
        for spelling in dict.fromkeys((actor.name, *actor.aliases)):
            for key in names.keys(spelling):
                owners.setdefault(key, []).append((actor.id, spelling))
    reported: set[tuple[str, str]] = set()
    for pairs in owners.values():
        first_id, first_spelling = pairs[0]
        for aid, spelling in pairs[1:]:
            if aid == first_id or (first_id, aid) in reported:
                continue
            reported.add((first_id, aid))
            first = store.actors[first_id]
            message = (
                f"actor '{aid}' ('{short(spelling)}') may be the same person as '{first_id}' "
                f"('{short(first_spelling)}', {written_at(store, first)}): the names are spellings of one name; "
                "merge them, or ignore W008 if they are two people"
            )
            yield _problem("W008", message, store.actors[aid].line or None, file=where.name(store.actors[aid].file))


def anchors(store: Store, where: Places) -> Iterator[Problem]:
    """W009 citations whose words ("last Friday"), read against their publication day, miss the event's date."""
    from timeline import dates, relative

    for e in store.events:
        for c in e.sources:
            if c.said is None:
                continue
            try:
                meant = relative.resolve(c.said, relative.anchor_day(c.published))
            except relative.PhraseError:
                continue  # the schema reports these
            claimed = [cl.date for cl in e.claims if c.id in cl.sources] or [e.date]
            if any(dates.overlaps(d, meant.earliest, meant.latest) for d in claimed):
                continue
            shown = " or ".join(dates.display(d) for d in claimed)
            published = dates.display(c.published) if c.published else "?"
            message = (
                f"event '{e.id}': source '{c.id}': \"{short(c.said)}\" in its report of {published} is "
                f"{relative.wording(meant)}, but the event is dated {shown}; the publication date or the date "
                "changed since: fix the one that is wrong"
            )
            line, column = where.item(e, "sources", c.id)
            yield _problem("W009", message, line, column, eid=e.id)


# Each rule with the codes it can yield, so a run skips rules whose codes are all off.
CHECKERS: tuple[tuple[frozenset[str], Callable[[Store, Places], Iterator[Problem]]], ...] = (
    (frozenset({"W001", "N001", "W002"}), sourcing),
    (frozenset({"W004", "W005"}), unused),
    (frozenset({"W006", "W007"}), offices),
    (frozenset({"E009"}), links),
    (frozenset({"E010"}), cycles),
    (frozenset({"W003"}), duplicates),
    (frozenset({"N002"}), overdue),
    (frozenset({"W008"}), same_person),
    (frozenset({"W009"}), anchors),
)


def run(
    store: Store, data: Mapping[str, Any], text: str, on: frozenset[str], files: Files | None = None
) -> list[Problem]:
    """Every finding of the enabled rules (the caller filters codes a checker yields but is off);
    in a store of several files, each finding about an event names the event's file."""
    where = Places(text, data, store, files)
    found = [p for codes, checker in CHECKERS if codes & on for p in checker(store, where)]
    if not store.files:
        return found
    by_id = store.by_id
    return [
        replace(p, file=where.name(by_id[p.event_id].file))
        if p.event_id and p.event_id in by_id and p.file is None
        else p
        for p in found
    ]
