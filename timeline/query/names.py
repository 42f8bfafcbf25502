"""The tags, types, sources and event ids a store uses, and what to say about a value it does not.

A filter value that names nothing in the store is almost always a typo, and a typo that quietly
matches nothing reads as "no such events". So `list` and `stats` refuse it with the closest
names, as they do an unknown actor, and `add` refuses a new tag or type that looks like one the
store already has.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from timeline.errors import UsageError
from timeline.model import Store
from timeline.text import close_matches, fold, short

# How alike a new tag or type must be to an existing one before `add` calls it a look-alike:
# stricter than a suggestion's, so that 'trade' and 'trade-deal' may both be tags.
LOOKALIKE = 0.8


class UnknownName(UsageError):
    """A filter value that names nothing in the store (a tag no event has, a source never cited)."""


def tags(store: Store) -> list[str]:
    """Every tag the store's events carry, most used first (ties by name)."""
    from timeline.query.tally import tally

    return _by_use(tally(store).tags)


def types(store: Store) -> list[str]:
    """Every event type in the store, most used first (ties by name)."""
    from timeline.query.tally import tally

    return _by_use(tally(store).types)


def _by_use(counts: Mapping[str, int]) -> list[str]:
    return [value for value, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def ranked(uses: Iterable[str] | Mapping[str, int], known: Iterable[str] = ()) -> list[str]:
    """Distinct values, most used first; `known` values never used come last, in their own order.

    `uses` is every use, or a count per value.
    """
    counts: Counter[str] = Counter(dict.fromkeys(known, 0))
    counts.update(uses)
    # Counter.most_common keeps first-seen order among equal counts; `+` would drop the zeros.
    return [value for value, _ in counts.most_common()]


def sources(store: Store) -> dict[str, set[str]]:
    """Each source id and name as written -> the source ids it names; ids cited but not registered too."""
    out: dict[str, set[str]] = {}
    from timeline.query.tally import tally

    for s in store.sources.values():
        for spelling in (s.id, s.name):
            out.setdefault(spelling, set()).add(s.id)
    for sid in tally(store).cited:
        out.setdefault(sid, set()).add(sid)
    return out


def source_ids(known: dict[str, set[str]], wanted: str) -> set[str]:
    """The source ids a typed id or name stands for, ignoring case and accents (`known` from `sources`)."""
    key = fold(wanted)
    return {i for spelling, ids in known.items() if fold(spelling) == key for i in ids}


def require(kind: str, value: str, known: Iterable[str], *, token: str, see: str) -> None:
    """Raise UnknownName unless `value` (folded) is one of `known`; the message suggests the closest."""
    hint = _suggestion(value, known, n=3, cutoff=0.5)
    if hint == "":
        return
    raise UnknownName(f"{token}: no {kind} '{short(value)}' in the store; " + (f"{hint} ({see})" if hint else see))


def listing(label: str, values: list[str], most: int = 8) -> str:
    """'types in the store: a, b, … 3 more' for a message; 'the store has no types' when empty."""
    if not values:
        return f"the store has no {label}"
    more = f", … {len(values) - most} more" if len(values) > most else ""
    return f"{label} in the store: {', '.join(short(v) for v in values[:most])}{more}"


def lookalike(value: str, known: Iterable[str]) -> str | None:
    """'did you mean …?' when `value` is new to `known` but looks like one of its values, else None."""
    return _suggestion(value, known, n=1, cutoff=LOOKALIKE) or None


def _suggestion(value: str, known: Iterable[str], *, n: int, cutoff: float) -> str | None:
    """ "" when `value` is known (ignoring case and accents); else 'did you mean …?' as written, or None."""
    folded: dict[str, str] = {}
    for k in known:
        folded.setdefault(fold(k), k)
    wanted = fold(value)
    if wanted in folded:
        return ""
    close = close_matches(wanted, folded, n=n, cutoff=cutoff)
    if not close:
        return None
    return "did you mean " + " or ".join(f"'{short(folded[c])}'" for c in close) + "?"
