"""Look-alike events for `timeline check` (W003): pairs with overlapping dates and near-identical
titles, or the same actors and type, found without comparing every pair.

Pure: takes the events, yields positions in them; the rule in `timeline.lint.rules` words the finding.

The work is bounded so that `check` stays linear in the store, however many events look alike.
Events that agree in title (folded), dates, type and actors are one class: each is a look-alike
of the others, and of whatever the class looks like, so classes are compared, not events (10,000
copies of one event are one class). Each class is compared with at most CANDIDATES others per
shared title word or cast, and keeps at most KEPT look-alike classes; an event whose class
reached either limit is reported with "at least" before its count.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from timeline.model import Event
from timeline.text import fold

SIMILAR_TITLES = 0.85
RARE_WORD = 100
# The most classes one class is compared with per title word (or cast), and the most look-alike
# classes it keeps (each kept one costs memory for the rest of the run).
CANDIDATES = 100
KEPT = 20
_WORD = re.compile(r"\w+")


def look_alikes(events: Sequence[Event]) -> Iterator[tuple[int, int, str, int, bool]]:
    """(later, earlier, why, how many more, capped) for each event that looks like one written before it.

    Positions are into `events`, which come in file order; `earlier` is the first look-alike in
    the file and `how many more` counts the other look-alikes written before `later`. `capped`
    says the search stopped at a limit for this event's class, so the count is a lower bound.

    Comparing every pair of overlapping events is quadratic where dates are wide (an event known
    only to the year overlaps every event of that year), so pairs come from buckets: classes of
    the same type and actors; and classes sharing one of the two rarest words of either title.
    Within a bucket, sorted by earliest day, only classes whose dates overlap are compared.
    """
    lo = [e.date.earliest.toordinal() for e in events]
    hi = [e.date.latest.toordinal() for e in events]
    members, of_class = _classes(events, lo, hi)
    reps = [m[0] for m in members]
    links: list[dict[int, str]] = [{} for _ in members]  # class -> {look-alike class: why}
    capped: set[int] = set()
    reasons: dict[str, str] = {}  # one copy of each wording, however many pairs share it

    def note(a: int, b: int, why: str) -> None:
        why = reasons.setdefault(why, why)
        for x, y in ((of_class[a], of_class[b]), (of_class[b], of_class[a])):
            if y in links[x]:
                continue
            if len(links[x]) >= KEPT:
                capped.add(x)
                continue
            links[x][y] = why

    for a, b in _same_cast(events, reps, lo, hi, capped, of_class):
        note(a, b, f"the same actors and type '{events[a].type}'")
    for a, b, ratio in _similar_titles(events, reps, lo, hi, capped, of_class):
        note(a, b, f"titles {int(100 * ratio)}% alike")
    yield from _found(events, members, of_class, links, capped)


def _found(
    events: Sequence[Event],
    members: list[list[int]],
    of_class: list[int],
    links: list[dict[int, str]],
    capped: set[int],
) -> Iterator[tuple[int, int, str, int, bool]]:
    """look_alikes' answer for each event, from the links between classes."""
    indexes = [[events[p].index for p in m] for m in members]
    for p, e in enumerate(events):
        c = of_class[p]
        rank = bisect_left(indexes[c], e.index)  # class members written before this one
        found = rank
        first = (indexes[c][0], members[c][0], _inner_why(e)) if rank else None
        for d, why in links[c].items():
            before = bisect_left(indexes[d], e.index)
            if before:
                found += before
                if first is None or indexes[d][0] < first[0]:
                    first = (indexes[d][0], members[d][0], why)
        if first is not None:
            yield p, first[1], first[2], found - 1, c in capped


def _same_cast(
    events: Sequence[Event], reps: list[int], lo: list[int], hi: list[int], capped: set[int], of_class: list[int]
) -> Iterator[tuple[int, int]]:
    """Pairs of overlapping classes with the same type and actors."""
    casts: dict[tuple[str, frozenset[str]], list[int]] = {}
    for p in reps:
        e = events[p]
        if e.type and e.actors:
            casts.setdefault((e.type, frozenset(e.actors)), []).append(p)
    for group in casts.values():
        yield from _overlapping(group, lo, hi, capped, of_class)


def _classes(events: Sequence[Event], lo: list[int], hi: list[int]) -> tuple[list[list[int]], list[int]]:
    """Events grouped by folded title, bounds, type and actors: (members of each class, class of each event)."""
    key_class: dict[tuple[object, ...], int] = {}
    members: list[list[int]] = []
    of_class: list[int] = []
    for p, e in enumerate(events):
        key = (fold(e.title), lo[p], hi[p], e.type, frozenset(e.actors))
        c = key_class.setdefault(key, len(members))
        if c == len(members):
            members.append([])
        members[c].append(p)
        of_class.append(c)
    return members, of_class


def _inner_why(e: Event) -> str:
    """Why two events of one class look alike, worded as the rules that would have paired them."""
    return f"the same actors and type '{e.type}'" if e.type and e.actors else "titles 100% alike"


def _overlapping(
    members: list[int], lo: list[int], hi: list[int], capped: set[int], of_class: list[int]
) -> Iterator[tuple[int, int]]:
    """Pairs of members whose [lo, hi] overlap: sorted by lo, each meets the run that starts before it ends.

    Each member meets at most CANDIDATES of the members after it; one that had more is marked capped.
    """
    ordered = sorted(members, key=lambda p: (lo[p], hi[p]))
    for i, a in enumerate(ordered):
        for n, b in enumerate(ordered[i + 1 :]):
            if lo[b] > hi[a]:
                break
            if n == CANDIDATES:
                capped.add(of_class[a])
                break
            yield a, b


def _similar_titles(
    events: Sequence[Event], reps: list[int], lo: list[int], hi: list[int], capped: set[int], of_class: list[int]
) -> Iterator[tuple[int, int, float]]:
    """Pairs of overlapping classes whose folded titles have a difflib ratio of at least SIMILAR_TITLES.

    Only titles that share a rare word are compared: one of the two rarest words of either
    title, counting as rare a word in at most 1% of titles or RARE_WORD titles, whichever is
    more (a title with no rare word keeps its rarest). Titles that alike share most words, and
    one fact entered twice keeps its names, so little is lost; comparing all overlapping pairs
    instead costs minutes on 100k events with year-wide dates. Each class looks at no more than
    CANDIDATES others per bucket, so a crowd of look-alikes costs linear time, not quadratic.
    """
    from bisect import bisect_right
    from difflib import SequenceMatcher

    titles = {p: fold(events[p].title) for p in reps}
    words = {p: set(_WORD.findall(titles[p])) or {titles[p]} for p in reps}
    keys = _rare_words(words, max(RARE_WORD, len(reps) // 100))
    index = _title_index(words, {w for k in keys.values() for w in k}, lo, hi)
    bags: dict[int, frozenset[int]] = {}
    for p in reps:
        start, end = lo[p], hi[p]
        seen = {p}
        for w in keys[p]:
            for posting, first_days, widest in index[w]:
                # Whatever starts after p ends, or (being at most `widest` long) ends before p
                # starts, cannot overlap p.
                first, last = bisect_left(first_days, start - widest), bisect_right(first_days, end)
                if last - first > CANDIDATES:
                    capped.add(of_class[p])
                    last = first + CANDIDATES
                for q in posting[first:last]:
                    if q in seen or hi[q] < start:
                        continue
                    seen.add(q)
                    ratio = _ratio(titles[p], titles[q], p, q, bags, SequenceMatcher)
                    if ratio >= SIMILAR_TITLES:
                        yield (p, q, ratio) if p < q else (q, p, ratio)


def _rare_words(words: dict[int, set[str]], common: int) -> dict[int, list[str]]:
    """The (at most two) rarest words of each title that are in at most `common` titles, or its rarest."""
    from collections import Counter

    freq = Counter(w for ws in words.values() for w in ws)
    keys = {}
    for p, ws in words.items():
        ranked = sorted(ws, key=lambda w: (freq[w], w))
        keys[p] = [w for w in ranked[:2] if freq[w] <= common] or ranked[:1]
    return keys


def _title_index(
    words: dict[int, set[str]], wanted: set[str], lo: list[int], hi: list[int]
) -> dict[str, list[tuple[list[int], list[int], int]]]:
    """For each wanted word, its titles grouped by date width: (titles by first day, first days, widest)."""
    # Buckets by word and by how wide the dates are, so that the dates of an event known to the
    # day are looked up among day-wide dates without wading through a year of neighbours.
    buckets: dict[str, dict[int, list[int]]] = {}
    for p, ws in words.items():
        width = _width(hi[p] - lo[p])
        for w in ws & wanted:
            buckets.setdefault(w, {}).setdefault(width, []).append(p)
    index: dict[str, list[tuple[list[int], list[int], int]]] = {}
    for w, by_width in buckets.items():
        index[w] = []
        for posting in by_width.values():
            posting.sort(key=lambda p: lo[p])
            index[w].append((posting, [lo[p] for p in posting], max(hi[p] - lo[p] for p in posting)))
    return index


def _ratio(ta: str, tb: str, a: int, b: int, bags: dict[int, frozenset[int]], matcher: type) -> float:
    """difflib's ratio of two titles, or 0.0 when a cheap upper bound shows it is under SIMILAR_TITLES."""
    if ta == tb:
        return 1.0
    total = len(ta) + len(tb)
    # Two upper bounds on difflib's ratio before the ratio itself: from the lengths, then from
    # the characters shared (difflib's quick_ratio).
    if 2 * min(len(ta), len(tb)) < SIMILAR_TITLES * total:
        return 0.0
    bag_a = bags.get(a) or bags.setdefault(a, _bag(ta))
    bag_b = bags.get(b) or bags.setdefault(b, _bag(tb))
    if 2 * len(bag_a & bag_b) < SIMILAR_TITLES * total:
        return 0.0
    return matcher(None, ta, tb, autojunk=False).ratio()


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
