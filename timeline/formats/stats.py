"""Stats as a plain-text report: months as bar charts, then actors, sources and tags."""

from __future__ import annotations

from timeline.model import Store
from timeline.query.stats import Stats
from timeline.text import MONTH_ABBREVIATIONS

# Runs of this many empty months or more are drawn as one line, not as a column of zeros.
_FOLD_EMPTY = 3


def month_label(key: str) -> str:
    """'2024-02' -> 'Feb 2024'."""
    return f"{MONTH_ABBREVIATIONS[int(key[5:]) - 1]} {key[:4]}"


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
    """The stats as a plain-text report with bar charts, names cleaned for the terminal.

    `top` bounds every list (actors, sources, tags, and the events named under each count); 0 shows all.
    """
    import textwrap

    from timeline.formats.text import actor_name, source_name
    from timeline.text import clean, plural

    width = max(width, 40)

    def wrap(text: str, indent: str = "") -> list[str]:
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ") or [""]

    placed = stats.events - len(stats.unplaced)
    out = wrap(clean(title)) if title else []
    out += wrap(f"{plural(stats.events, 'event')}; {placed} fall within one month, {len(stats.unplaced)} do not.")
    out += ["", "Events per month"]
    out += _table([(label, n, "") for label, n in folded_months(stats)], width)
    if stats.unplaced:
        out += wrap(f"not within one month: {len(stats.unplaced)} ({_some(stats.unplaced, top)})", "  ")
    sections = (
        ("Actors", [(actor_name(store, a), n, "") for a, n in stats.actors]),
        ("Sources", [(source_name(store, s), n, f" ({k} alone)" if k else "") for s, n, k in stats.sources]),
        ("Tags", [(clean(t), n, "") for t, n in stats.tags]),
    )  # fmt: skip
    for heading, rows in sections:
        out += ["", heading + _of(top, len(rows))]
        out += _table(rows[:top] if top else rows, width)
    if stats.grades:
        out += ["", "Events by best grade"]
        out += _table([(label, n, "") for label, n in stats.grades], width)
    single = stats.single_source
    out += ["", f"Single-source events: {len(single)} of {stats.events}" + _of(top, len(single), shown=True)]
    for eid, sid in single[:top] if top else single:
        out += wrap(f"{eid}: {source_name(store, sid)}", "  ")
    if stats.unsourced:
        out += [""] + wrap(f"No source at all: {len(stats.unsourced)} ({_some(stats.unsourced, top)})")
    return "\n".join(out) + "\n"


def _of(top: int, n: int, *, shown: bool = False) -> str:
    """' (top 5 of 12)' when `top` cuts a list of `n`, else ''; ', first 5 shown' for lists that are not ranked."""
    if not top or n <= top:
        return ""
    return f", first {top} shown" if shown else f" (top {top} of {n})"


def _some(ids: tuple[str, ...], top: int) -> str:
    """Ids joined by commas, at most `top` of them (0: all), then how many more."""
    if not top or len(ids) <= top:
        return ", ".join(ids)
    return ", ".join(ids[:top]) + f", … {len(ids) - top} more"
