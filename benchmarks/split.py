"""Split a one-file store into a store in several files, one per year: `python benchmarks/split.py STORE DIR`.

DIR/events.toml keeps everything before the first [[events]] table (settings, actors, sources)
and includes `years/*.toml`; each event goes to DIR/years/YEAR.toml by the year its date starts
with (an event whose date is a list of claims goes by its first claim). For timing a store kept
by year against the same facts in one file. Standard library only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_EVENT = re.compile(r"^\[\[events\]\][ \t]*$", re.M)
_YEAR = re.compile(r"""date[ \t]*=[ \t]*["']?(\d{4})""")


def split(text: str) -> tuple[str, dict[str, list[str]]]:
    """The head (before the first [[events]]) and each year's [[events]] tables, in file order."""
    starts = [m.start() for m in _EVENT.finditer(text)]
    if not starts:
        return text, {}
    head, years = text[: starts[0]], {}
    for n, at in enumerate(starts):
        block = text[at : starts[n + 1] if n + 1 < len(starts) else len(text)]
        found = _YEAR.search(block)
        years.setdefault(found.group(1) if found else "undated", []).append(block.rstrip("\n") + "\n")
    return head, years


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    head, years = split(Path(argv[0]).read_text(encoding="utf-8"))
    out = Path(argv[1])
    (out / "years").mkdir(parents=True, exist_ok=True)
    head, count = re.subn(r"^\[store\][ \t]*\n", '[store]\ninclude = ["years/*.toml"]\n', head, count=1, flags=re.M)
    if not count:
        head = '[store]\ninclude = ["years/*.toml"]\n\n' + head
    (out / "events.toml").write_text(head, encoding="utf-8")
    for year, blocks in years.items():
        (out / "years" / f"{year}.toml").write_text("\n".join(blocks), encoding="utf-8")
    print(f"{out / 'events.toml'}: {sum(map(len, years.values())):,} events in {len(years)} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
