"""Look-alike events for `timeline check` (W003): pairs with overlapping dates and near-identical
titles, or the same actors and type, found without comparing every pair.

Pure: takes the events, yields positions in them; the rule in `timeline.check_rules` words the finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from timeline.model import Event
from timeline.text import fold

SIMILAR_TITLES = 0.85
RARE_WORD = 100
_WORD = re.compile(r"\w+")


def look_alikes(events: Sequence[Event]) -> Iterator[tuple[int, int, str, int]]:
    """(later, earlier, why, how many more) for each event that looks like one written before it.

    Positions are into `events`; `earlier` is the first look-alike in the file, and the events
    come in file order. Comparing every pair of overlapping events is quadratic where dates are
    wide (an event known only to the year overlaps every event of that year), so pairs come from
    buckets: events of the same type and actors; and events sharing one of the two rarest words
    of either title. Within a bucket, sorted by earliest day, only events whose dates overlap are
    compared.
    """
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
        yield later, earlier, why, len(alike[later]) - 1


def _overlapping(members: list[int], lo: list[int], hi: list[int]) -> Iterator[tuple[int, int]]:
    """Pairs of members whose [lo, hi] overlap: sorted by lo, each meets the run that starts before it ends."""
    ordered = sorted(members, key=lambda p: (lo[p], hi[p]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if lo[b] > hi[a]:
                break
            yield a, b


def _similar_titles(events: Sequence[Event], lo: list[int], hi: list[int]) -> Iterator[tuple[int, int, float]]:
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

    titles = [fold(e.title) for e in events]
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
