"""The rules `timeline check` adds to the schema's: each takes the built store, yields Problems.

Every function here is pure. Lines come from the store text through `Where`, which only scans
the text when a rule has something to report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from timeline.check import RULES
from timeline.locate import Locator
from timeline.model import Event, Problem, Role, Store

SIMILAR_TITLES = 0.85
RARE_WORD = 100
_WORD = re.compile(r"\w+")


class Where:
    """Line and column of things in the store text, found on demand."""

    def __init__(self, text: str, data: Mapping[str, Any]) -> None:
        self._text = text
        self.data = data  # the parsed TOML, for what the model does not keep
        self._lines: list[str] | None = None
        self._locator: Locator | None = None

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            self._locator = Locator(self._text)
        return self._locator

    def key(self, e: Event, key: str) -> int | None:
        """The line of `key` in the event's table, else the event's own line."""
        return self.locator.key(_table(e), key) or e.line or None

    def item(self, e: Event, key: str, ref: str) -> tuple[int | None, int | None]:
        """Where the id `ref` is written in the event's list `key`: line, and column when it is found."""
        raw = _items(self.data.get("events"))
        values = _items(raw[e.index].get(key)) if e.index < len(raw) and isinstance(raw[e.index], dict) else []
        n = next((n for n, v in enumerate(values) if _ref(v) == ref), None)
        line = self.locator.item(_table(e), key, n) if n is not None else self.key(e, key)
        if line is None:
            return None, None
        if self._lines is None:
            self._lines = self._text.splitlines()
        text = self._lines[line - 1] if line <= len(self._lines) else ""
        # Ids are plain (letters, digits, - _ .), so they are written as is inside the quotes.
        for quoted in (f'"{ref}"', f"'{ref}'"):
            if quoted in text:
                return line, text.index(quoted) + 1
        return line, None

    def entry(self, kind: str, ident: str) -> int | None:
        """The line defining `[actors.ID]` or `[sources.ID]`, however it is written."""
        loc = self.locator
        return loc.table(f"{kind}.{ident}") or loc.key(kind, ident) or loc.top_key(kind)


def _problem(code: str, message: str, line: int | None, column: int | None = None, eid: str | None = None) -> Problem:
    return Problem(code, RULES[code].severity, message, line=line, column=column, event_id=eid)


def _table(e: Event) -> str:
    return f"events.{e.index}"


def _cited(e: Event) -> set[str]:
    return {c.id for c in e.sources} | {s for cl in e.claims for s in cl.sources}


# ---- events and their sources -------------------------------------------------------------


def sourcing(store: Store, where: Where) -> Iterator[Problem]:
    """W001 no source at all; N001 a single source; W002 disputed dates with none preferred."""
    for e in store.events:
        cited = _cited(e)
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
        if e.disputed and not any(cl.preferred for cl in e.claims):
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


def unused(store: Store, where: Where) -> Iterator[Problem]:
    """W004 actors and W005 sources that no event mentions."""
    actors, sources = used_ids(where.data)
    for aid in store.actors:
        if aid not in actors:
            message = f"actor '{aid}' takes part in no event; add the event that involves them, or remove the actor"
            yield _problem("W004", message, where.entry("actors", aid))
    for sid in store.sources:
        if sid not in sources:
            message = f"source '{sid}' is cited by no event; cite it where it supports a fact, or remove it"
            yield _problem("W005", message, where.entry("sources", sid))


# ---- offices --------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive text, as queries match names."""
    if text.isascii():  # nothing to strip; casefold alone is many times cheaper
        return " ".join(text.casefold().split())
    from timeline.offices import fold

    return fold(text)


def _reversed(role: Role) -> bool:
    return role.start is not None and role.end is not None and role.end.latest < role.start.earliest


def offices(store: Store, where: Where) -> Iterator[Problem]:
    """W007 an office the actor never held; W006 an office held, but not at the event's date."""
    from timeline.offices import NO, held, tenure

    for e in store.events:
        for aid, office in e.offices:
            actor = store.actors.get(aid)
            if actor is None:
                continue  # E006 already says the actor is unknown
            wanted = _fold(office)
            matching = [r for r in actor.roles if wanted in {_fold(r.title), *map(_fold, r.aliases)}]
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


def links(store: Store, where: Where) -> Iterator[Problem]:
    """E009 a link that says an event follows one the dates put certainly after it."""
    from timeline.order import relations

    for r in relations(store.events):
        earlier, later = store.by_id.get(r.earlier), store.by_id.get(r.later)
        if earlier is None or later is None or earlier is later:
            continue  # E006 covers unknown ids; E010 covers an event linked to itself
        if later.date.latest < earlier.date.earliest:
            owner = store.by_id[r.owner]
            ref = r.later if r.key == "before" else r.earlier
            line, column = where.item(owner, r.key, ref)
            message = (
                f"event '{owner.id}': field '{r.key}': puts '{later.id}' after '{earlier.id}', but '{later.id}' is "
                f"dated {later.date.text}, before '{earlier.id}' ({earlier.date.text}); fix a date or the link"
            )
            yield _problem("E009", message, line, column, owner.id)


def cycles(store: Store, where: Where) -> Iterator[Problem]:
    """E010 each cycle of links once, at the link written first in the file."""
    from timeline.order import place, relations

    stuck = set(place(store).cyclic)
    if not stuck:
        return
    # Kahn's leftovers include events downstream of a cycle; the cycles are the strongly
    # connected parts of what is left.
    rels = [r for r in relations(store.events) if r.earlier in stuck and r.later in stuck]
    succ: dict[str, list[str]] = {}
    for r in rels:
        succ.setdefault(r.earlier, []).append(r.later)
    for part in _components(sorted(stuck, key=lambda i: store.by_id[i].index), succ):
        inside = [r for r in rels if r.earlier in part and r.later in part]
        if not inside:
            continue  # a lone event with no link to itself is downstream, not in a cycle
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


def _components(nodes: list[str], succ: Mapping[str, list[str]]) -> list[set[str]]:
    """Strongly connected components (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                part: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.add(member)
                    if member == node:
                        break
                out.append(part)
    return out


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


def duplicates(store: Store, where: Where) -> Iterator[Problem]:
    """W003 events with overlapping dates and near-identical titles, or the same actors and type.

    Comparing every pair of overlapping events is quadratic where dates are wide (an event known
    only to the year overlaps every event of that year), so pairs come from buckets: events of
    the same type and actors; and events sharing one of the two rarest words of either title.
    Within a bucket, sorted by earliest day, only events whose dates overlap are compared.
    """
    events = store.events
    lo = [e.date.earliest.toordinal() for e in events]
    hi = [e.date.latest.toordinal() for e in events]
    alike: dict[int, dict[int, str]] = {}  # later event -> {earlier event: why}, by position

    def note(a: int, b: int, why: str) -> None:
        first, second = sorted((a, b), key=lambda p: events[p].index)
        alike.setdefault(second, {}).setdefault(first, why)

    casts: dict[tuple[str, frozenset[str]], list[int]] = {}
    for p, e in enumerate(events):
        if e.type and e.actors:
            casts.setdefault((e.type, frozenset(e.actors)), []).append(p)
    for members in casts.values():
        for a, b in _overlapping(members, lo, hi):
            note(a, b, f"the same actors and type '{events[a].type}'")
    for a, b, ratio in _similar_titles(events, lo, hi):
        note(a, b, f"titles {int(100 * ratio)}% alike")

    for later in sorted(alike, key=lambda p: events[p].index):
        earlier, why = min(alike[later].items(), key=lambda item: events[item[0]].index)
        first, second = events[earlier], events[later]
        more = len(alike[later]) - 1
        extra = f" (and {more} more)" if more else ""
        message = (
            f"event '{second.id}' looks like '{first.id}' (line {first.line}){extra}: dates overlap and {why}; "
            "merge them, or make the titles say how they differ"
        )
        yield _problem("W003", message, second.line or None, eid=second.id)


def _overlapping(members: list[int], lo: list[int], hi: list[int]) -> Iterator[tuple[int, int]]:
    """Pairs of members whose [lo, hi] overlap: sorted by lo, each meets the run that starts before it ends."""
    ordered = sorted(members, key=lambda p: (lo[p], hi[p]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if lo[b] > hi[a]:
                break
            yield a, b


def _similar_titles(events: tuple[Event, ...], lo: list[int], hi: list[int]) -> Iterator[tuple[int, int, float]]:
    """Pairs of overlapping events whose folded titles have a difflib ratio of at least SIMILAR_TITLES.

    Only titles that share a rare word are compared: one of the two rarest words of either
    title, counting as rare a word in at most 1% of titles or RARE_WORD titles, whichever is
    more (a title with no rare word keeps its rarest). Titles that alike share most words, and
    one fact entered twice keeps its names, so little is lost; comparing all overlapping pairs
    instead costs minutes on 100k events with year-wide dates.
    """
    from bisect import bisect_left, bisect_right
    from collections import Counter
    from difflib import SequenceMatcher

    titles = [_fold(e.title) for e in events]
    words = [set(_WORD.findall(t)) or {t} for t in titles]
    freq = Counter(w for ws in words for w in ws)
    common = max(RARE_WORD, len(events) // 100)
    keys = []
    for ws in words:
        ranked = sorted(ws, key=lambda w: (freq[w], w))
        keys.append([w for w in ranked[:2] if freq[w] <= common] or ranked[:1])
    wanted = {w for k in keys for w in k}
    # Buckets by word and by how wide the dates are, so that the dates of an event known to the
    # day are looked up among day-wide dates without wading through a year of neighbours.
    buckets: dict[str, dict[int, list[int]]] = {}
    for p, ws in enumerate(words):
        width = _width(hi[p] - lo[p])
        for w in ws & wanted:
            buckets.setdefault(w, {}).setdefault(width, []).append(p)
    index: dict[str, list[tuple[list[int], list[int], int]]] = {}
    for w, by_width in buckets.items():
        index[w] = []
        for posting in by_width.values():
            posting.sort(key=lambda p: lo[p])
            index[w].append((posting, [lo[p] for p in posting], max(hi[p] - lo[p] for p in posting)))
    bags: dict[int, frozenset[int]] = {}
    seen: set[int] = set()
    n = len(events)
    for p in range(n):
        start, end = lo[p], hi[p]
        for w in keys[p]:
            for posting, first_days, widest in index[w]:
                # Whatever starts after p ends, or (being at most `widest` long) ends before p
                # starts, cannot overlap p.
                for q in posting[bisect_left(first_days, start - widest) : bisect_right(first_days, end)]:
                    pair = p * n + q if p < q else q * n + p
                    if q == p or hi[q] < start or pair in seen:
                        continue
                    seen.add(pair)
                    a, b = divmod(pair, n)
                    ta, tb = titles[a], titles[b]
                    total = len(ta) + len(tb)
                    # Two upper bounds on difflib's ratio before the ratio itself: from the
                    # lengths, then from the characters shared (difflib's quick_ratio).
                    if 2 * min(len(ta), len(tb)) < SIMILAR_TITLES * total:
                        continue
                    bag_a = bags.get(a) or bags.setdefault(a, _bag(ta))
                    bag_b = bags.get(b) or bags.setdefault(b, _bag(tb))
                    if 2 * len(bag_a & bag_b) < SIMILAR_TITLES * total:
                        continue
                    ratio = SequenceMatcher(None, ta, tb, autojunk=False).ratio()
                    if ratio >= SIMILAR_TITLES:
                        yield a, b, ratio


def _width(days: int) -> int:
    """A coarse class of how many days a date spans: one, a month, a year, more."""
    return 0 if days == 0 else 1 if days <= 31 else 2 if days <= 366 else 3


def _bag(text: str) -> frozenset[int]:
    """The characters of `text`, each repeat made distinct: two bags share as many as the texts do."""
    seen: dict[str, int] = {}
    out = []
    for ch in text:
        n = seen[ch] = seen.get(ch, 0) + 1
        out.append(ord(ch) * 1_000_000 + n)
    return frozenset(out)


# Each rule with the codes it can yield, so a run skips rules whose codes are all off.
CHECKERS: tuple[tuple[frozenset[str], Callable[[Store, Where], Iterator[Problem]]], ...] = (
    (frozenset({"W001", "N001", "W002"}), sourcing),
    (frozenset({"W004", "W005"}), unused),
    (frozenset({"W006", "W007"}), offices),
    (frozenset({"E009"}), links),
    (frozenset({"E010"}), cycles),
    (frozenset({"W003"}), duplicates),
)


def run(store: Store, data: Mapping[str, Any], text: str, on: frozenset[str]) -> list[Problem]:
    """Every finding of the enabled rules (the caller filters codes a checker yields but is off)."""
    where = Where(text, data)
    return [p for codes, checker in CHECKERS if codes & on for p in checker(store, where)]
