"""`timeline` with `list` answering from the cache's index: a preview of a proposed change.

`timeline.index.view` can answer a filtered `list` without loading the whole store, but the
`list` command does not call it yet. This runs the real CLI after swapping, in memory, the
four lines of `list_` that load the store for the lines below (the change proposed for
timeline/commands/listing.py), so the benchmark can time it. Exits 3 if `list_` no longer
has the lines this expects.
"""

from __future__ import annotations

import sys

import timeline.commands.listing as listing

CURRENT = """\
    s = load_store(file)
    placement = order.place(s)
    for e, message in order.contradictions(s, placement)[:1]:
        warn(f"{s.path}:{e.line}: {message} (see 'timeline check')")
"""

PROPOSED = """\
    from timeline import index

    s, placement, first = index.prepare(store_path(file), f, lambda: load_store(file))
    for line, message in first:
        warn(f"{s.path}:{line}: {message} (see 'timeline check')")
"""


def patch() -> None:
    """Re-run listing.py's source, with CURRENT replaced by PROPOSED, in its own module."""
    with open(listing.__file__, encoding="utf-8") as fh:
        source = fh.read()
    if source.count(CURRENT) != 1:
        sys.stderr.write("list_with_index: timeline/commands/listing.py no longer has the expected lines\n")
        sys.exit(3)
    source = source.replace(CURRENT, PROPOSED)
    if "store_path" not in source.split("def list_", 1)[0]:
        source = source.replace("    load_store,\n", "    load_store,\n    store_path,\n", 1)
    exec(compile(source, listing.__file__, "exec"), listing.__dict__)


if __name__ == "__main__":
    patch()
    from timeline.cli import main

    main(sys.argv[1:])
