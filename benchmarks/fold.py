"""How fast names are folded and looked up: `fold`'s ASCII fast path, and what transliteration costs.

    python benchmarks/fold.py                                # best of 5 rounds; microseconds per call
    python benchmarks/fold.py --fold-from OTHER/timeline/text.py   # fold as another checkout has it

`fold` runs for every name, tag and word compared, so it must stay cheap; transliteration
(`timeline.names`) runs only when an exact folded match misses. Prints a Markdown table.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timeline.text import fold  # noqa: E402

if "--fold-from" in sys.argv:
    # Time another checkout's fold (say, before a change) against this one's lookups.
    import importlib.util

    spec = importlib.util.spec_from_file_location("other_text", sys.argv[sys.argv.index("--fold-from") + 1])
    assert spec is not None and spec.loader is not None
    other = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(other)
    fold = other.fold  # noqa: F811

NAMES = {
    "an ASCII": "Jeenbek Kulubaev",
    "an accented Latin": "Aizada Žumabaeva",
    "a Cyrillic": "Жээнбек Кулубаев",
}


def per_call(stmt, number: int) -> float:
    """Microseconds per call: the best of five rounds of `number` calls."""
    return min(timeit.repeat(stmt, number=number, repeat=5)) / number * 1e6


def rows() -> list[tuple[str, float]]:
    out = [
        (f"`fold` on {kind} name ({text})", per_call(lambda t=text: fold(t), 200_000)) for kind, text in NAMES.items()
    ]
    try:
        from timeline import names
    except ImportError:  # an older timeline without transliteration: fold only
        return out

    def uncached(text: str) -> None:
        # The cost of the first lookup of a spelling (the libraries are already imported).
        names.keys.cache_clear()
        names.romanisations.cache_clear()
        names.keys(text)

    for kind, text in NAMES.items():
        out.append((f"`names.keys` on {kind} name, first time", per_call(lambda t=text: uncached(t), 200)))
    from timeline import store
    from timeline.query.offices import actor_ids

    bundled = store.load(ROOT / "events.toml")

    def first_lookup(typed: str) -> None:
        names.keys.cache_clear()
        names.romanisations.cache_clear()
        actor_ids(bundled, typed)

    for typed in ("kulubaev", "Kulubayev", "Кулубаев", "Dzhaparov"):
        first = per_call(lambda t=typed: first_lookup(t), 50)
        again = per_call(lambda t=typed: actor_ids(bundled, t), 2_000)
        out.append((f"`actor_ids(bundled store, {typed!r})`, first / again", (first, again)))  # type: ignore[arg-type]
    return out


def main() -> None:
    print(f"Python {sys.version.split()[0]}; microseconds per call, best of 5 rounds\n")
    print("| what | µs per call |")
    print("|---|---:|")
    for what, value in rows():
        shown = " / ".join(f"{v:,.1f}" for v in value) if isinstance(value, tuple) else f"{value:,.2f}"
        print(f"| {what} | {shown} |")


if __name__ == "__main__":
    main()
