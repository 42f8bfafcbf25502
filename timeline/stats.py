"""Counts over a set of events: per month, per actor, source and tag, and facts resting on one source.

Pure: `compute` takes events and returns a frozen Stats; `to_json` and `render_text` format it.
An event is counted in a month only when all its possible days fall in that month; the rest
(a year, a span across months, a disputed date across months) are counted as unplaced, never
guessed into a month.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from timeline.model import Event, Store

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Runs of this many empty months or more are drawn as one line, not as a column of zeros.
_FOLD_EMPTY = 3


@dataclass(frozen=True, slots=True)
class Stats:
    events: int
    # ("2024-02", n) for every month from the first to the last placed event, empty ones included
    months: tuple[tuple[str, int], ...]
    unplaced: tuple[str, ...]  # ids of events whose date is not within one month
    actors: tuple[tuple[str, int], ...]  # (actor id, events), most first, then by id
    sources: tuple[tuple[str, int, int], ...]  # (source id, events citing it, events resting on it alone)
    tags: tuple[tuple[str, int], ...]
    single_source: tuple[tuple[str, str], ...]  # (event id, its one source id)
    unsourced: tuple[str, ...]


def month_key(e: Event) -> str | None:
    """'2024-02' when every possible day of the event falls in that month, else None."""
    lo, hi = e.date.earliest, e.date.latest
    if (lo.year, lo.month) != (hi.year, hi.month):
        return None
    return f"{lo.year:04d}-{lo.month:02d}"


def _month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def compute(events: Sequence[Event]) -> Stats:
    """The counts for `events` (usually a query's result)."""
    per_month = Counter(k for k in map(month_key, events) if k)
    months = _month_range(min(per_month), max(per_month)) if per_month else []
    by_source = [e.cited for e in events]
    citing = Counter(s for ids in by_source for s in ids)
    alone = Counter(ids[0] for ids in by_source if len(ids) == 1)
    return Stats(
        events=len(events),
        months=tuple((m, per_month[m]) for m in months),
        unplaced=tuple(e.id for e in events if month_key(e) is None),
        actors=tuple(_ranked(Counter(a for e in events for a in dict.fromkeys(e.actors)))),
        sources=tuple((s, n, alone[s]) for s, n in _ranked(citing)),
        tags=tuple(_ranked(Counter(t for e in events for t in dict.fromkeys(e.tags)))),
        single_source=tuple((e.id, ids[0]) for e, ids in zip(events, by_source, strict=True) if len(ids) == 1),
        unsourced=tuple(e.id for e, ids in zip(events, by_source, strict=True) if not ids),
    )


def month_label(key: str) -> str:
    """'2024-02' -> 'Feb 2024'."""
    return f"{_MONTHS[int(key[5:]) - 1]} {key[:4]}"


def to_json(stats: Stats, store: Store) -> dict[str, Any]:
    """A JSON-ready dict with stable key order; names come from the store."""

    def name(table: Any, key: str) -> str:
        item = table.get(key)
        return item.name if item is not None else key

    return {
        "events": stats.events,
        "months": [{"month": m, "events": n} for m, n in stats.months],
        "unplaced": list(stats.unplaced),
        "actors": [{"id": a, "name": name(store.actors, a), "events": n} for a, n in stats.actors],
        "sources": [{"id": s, "name": name(store.sources, s), "events": n, "alone": k} for s, n, k in stats.sources],
        "tags": [{"tag": t, "events": n} for t, n in stats.tags],
        "single_source": [{"id": e, "source": s} for e, s in stats.single_source],
        "unsourced": list(stats.unsourced),
    }


def folded_months(stats: Stats) -> list[tuple[str, int]]:
    """(label, count) per month, with long runs of empty months folded into one 'Jun–Dec 2023' row."""
    out: list[tuple[str, int]] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= _FOLD_EMPTY:
            a, b = month_label(run[0]), month_label(run[-1])
            same_year = a[-4:] == b[-4:]
            out.append((f"{a[:3]}–{b}" if same_year else f"{a} – {b}", 0))
        else:
            out.extend((month_label(m), 0) for m in run)
        run.clear()

    for key, n in stats.months:
        if n == 0:
            run.append(key)
            continue
        flush()
        out.append((month_label(key), n))
    flush()
    return out


_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(n: int, most: int, width: int) -> str:
    """A horizontal bar n/most of `width` cells long, in eighths of a cell; at least a sliver if n > 0."""
    if n <= 0 or most <= 0:
        return ""
    eighths = max(round(n * width * 8 / most), 1)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _table(rows: list[tuple[str, int, str]], width: int) -> list[str]:
    """'  label  ████ n extra' lines; labels padded to one column, bars scaled to the largest n."""
    from rich.cells import cell_len, set_cell_size

    if not rows:
        return ["  (none)"]
    label_w = min(max(cell_len(r[0]) for r in rows), max(width // 3, 16))
    count_w = max(len(str(r[1])) for r in rows)
    most = max(r[1] for r in rows)
    extra_w = max(cell_len(r[2]) for r in rows)
    bar_w = max(min(width - label_w - count_w - extra_w - 6, 40), 5)
    out = []
    for label, n, extra in rows:
        fitted = set_cell_size(label, label_w - 1) + "…" if cell_len(label) > label_w else label
        pad = " " * (label_w - cell_len(fitted))
        drawn = bar(n, most, bar_w) if n else "·"
        out.append(f"  {fitted}{pad}  {drawn} {n}{extra}".rstrip())
    return out


def render_text(stats: Stats, store: Store, *, width: int = 80, top: int = 10, title: str = "") -> str:
    """The stats as a plain-text report with bar charts, names cleaned for the terminal."""
    import textwrap

    from timeline.render.text import actor_name, clean, source_name

    width = max(width, 40)

    def wrap(text: str, indent: str = "") -> list[str]:
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ") or [""]

    placed = stats.events - len(stats.unplaced)
    out = wrap(clean(title)) if title else []
    out += wrap(f"{stats.events} events; {placed} fall within one month, {len(stats.unplaced)} do not.")
    out += ["", "Events per month"]
    out += _table([(label, n, "") for label, n in folded_months(stats)], width)
    if stats.unplaced:
        out += wrap(f"not within one month: {len(stats.unplaced)} ({', '.join(stats.unplaced)})", "  ")
    sections = (
        ("Actors", [(actor_name(store, a), n, "") for a, n in stats.actors]),
        ("Sources", [(source_name(store, s), n, f" ({k} alone)" if k else "") for s, n, k in stats.sources]),
        ("Tags", [(clean(t), n, "") for t, n in stats.tags]),
    )  # fmt: skip
    for heading, rows in sections:
        more = len(rows) - top if top and len(rows) > top else 0
        out += ["", heading + (f" (top {top} of {len(rows)})" if more else "")]
        out += _table(rows[:top] if top else rows, width)
    out += ["", f"Single-source events: {len(stats.single_source)} of {stats.events}"]
    for eid, sid in stats.single_source:
        out += wrap(f"{eid}: {source_name(store, sid)}", "  ")
    if stats.unsourced:
        out += [""] + wrap(f"No source at all: {len(stats.unsourced)} ({', '.join(stats.unsourced)})")
    return "\n".join(out) + "\n"
