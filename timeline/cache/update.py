"""Keeping an entry current when the store changed: only the blocks that changed are read again.

An edit in an editor or a `git pull` usually changes a few [[events]] blocks. The store is cut
into blocks again (`blocks.split`), each block is known by a hash of its bytes, and only the
blocks the entry has not seen are parsed and checked; the events whose blocks are gone are taken
out. Positions, lines, placement and the timeline order are worked out again from what the entry
holds; postings, counts and words change only for the events that changed. When the head (actors,
sources, settings) changed, when much changed, or when anything looks odd, the caller builds the
entry anew instead, and a store with a problem always goes to the full load that reports it.
"""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeline.cache import blocks as blocks_mod
from timeline.cache import index
from timeline.cache.build import Facts, Rebuild, check_head, facts, read_events, table_of
from timeline.cache.entry import Damaged, Entry, pack, unpack
from timeline.query.order import Relation

if TYPE_CHECKING:
    from timeline.cache.files import Seen

# Above this share of changed events, building anew is as quick and simpler to trust.
MOST = 0.25


def update(
    where: Path,
    real: str,
    got: Seen,
    name: str,
    *,
    head_may_change: bool = True,
    parts: list[dict[str, Any]] | None = None,
) -> bool:
    """Bring the entry at `where` up to the store's bytes (`got`); False when it must be built anew."""
    from timeline.cache.build import read_head
    from timeline.cache.open import stamp

    data = got.data

    try:
        entry = Entry.open(where, write=True)
    except Damaged:
        return False
    try:
        cut = blocks_mod.split(data)
        head = read_head(data, cut, name, book=parts is not None)
        # All or nothing: a step that gives up raises, so the transaction rolls back whatever the
        # steps before it changed (a new head kept with the old events would outlive this call).
        with entry.transaction():
            if entry.meta("file", {}).get("real") != real:
                raise Rebuild("another file's entry")
            moved = [[b.key, b.digest.hex()] for b in head.blocks] != entry.meta("head_blocks")
            if moved and not (head_may_change and _head_holds(entry, head, name)):
                raise Rebuild("the head changed")
            store = check_head(head, name)
            if (entry.meta("parts", None) is None) != (parts is None):
                raise Rebuild("the store's files changed from one to several, or back")
            if not apply(entry, data, [b for b in cut if b.kind == blocks_mod.EVENT], store, name):
                raise Rebuild("too much changed")
            entry.set_meta("entry_lines", {b.key: b.line for b in head.blocks if b.kind == blocks_mod.ENTRY})
            entry.set_meta("file", stamp(real, data, got.st, got.since))
            entry.set_meta("parts", parts)
            entry.drop_memos()  # what was worked out from the old text (check's findings) no longer holds
        return True
    except (Damaged, Rebuild, ValueError, KeyError):
        return False
    finally:
        entry.close()


def _head_holds(entry: Entry, head: Any, name: str) -> bool:
    """Take a changed head (actors, sources, settings) if every actor and source events name is still there."""
    store = check_head(head, name)
    summary = entry.meta("summary")
    if not set(summary["actors"]) <= set(store.actors) or not set(summary["sources"]) <= set(store.sources):
        return False
    entry.set_meta("head", head.data)
    entry.set_meta("head_blocks", [[b.key, b.digest.hex()] for b in head.blocks])
    return True


def apply(entry: Entry, data: bytes, events: list[blocks_mod.Block], store: Any, name: str) -> bool:
    """Make the entry describe these [[events]] blocks (inside a transaction); False: build anew."""
    digests = entry.blob("digests") or b""
    order = list(entry.ints("order"))
    ids: list[str] = entry.names("ids")
    if len(digests) != 12 * len(order) or len(ids) != len(order):
        raise Damaged("digests")
    was = {digests[12 * p : 12 * p + 12]: p for p in range(len(order))}
    kept = [was.get(b.digest) for b in events]
    fresh = [b for b, p in zip(events, kept, strict=True) if p is None]
    gone = set(range(len(order))) - {p for p in kept if p is not None}
    if len(fresh) + len(gone) > max(MOST * len(order), 50):
        return False
    same_order = b"".join(b.digest for b in events) == digests
    if same_order and [b.line for b in events] == list(entry.ints("lines")):
        return True  # the events are as they were, in the same order, at the same lines
    new = read_events(data, fresh, name, store.actors, store.sources) if fresh else []
    new_ids = [f.eid for f in new]
    staying = {ids[p] for p in kept if p is not None}
    if len(set(new_ids)) != len(new_ids) or staying & set(new_ids):
        return False  # a duplicate id: the full load reports it
    rels_old = [Relation(*x) for x in entry.doc("relations")]
    rels = [r for r in rels_old if r.owner in staying]
    rels += index.relations_of(new)
    known = staying | set(new_ids)
    if any(r.earlier not in known or r.later not in known for r in rels):
        return False  # a link to an event that is gone
    number = max(order, default=0) + 1
    numbers: dict[int, int] = {}  # index into `new` -> event number
    for i in range(len(new)):
        numbers[i] = number + i
    _retire(entry, [order[p] for p in sorted(gone)])
    _admit(entry, new, numbers)
    # Positions: each block keeps its event (by number) or takes a new one.
    bounds_old, cites_old, sole_old = entry.ints("bounds"), entry.ints("cites"), entry.names("sole")
    months_old = entry.ints("months")
    months: list[int] = []
    new_order: list[int] = []
    new_ids_all: list[str] = []
    bounds: list[int] = []
    cites: list[int] = []
    sole: list[str] = []
    fresh_at = iter(range(len(new)))
    for p in kept:
        if p is None:
            i = next(fresh_at)
            new_order.append(numbers[i])
            new_ids_all.append(new[i].eid)
            bounds += (new[i].earliest, new[i].latest)
            cites.append(len(new[i].cited))
            sole.append(index.sole(new[i]))
            months.append(index.month_number(new[i].earliest, new[i].latest))
        else:
            new_order.append(order[p])
            new_ids_all.append(ids[p])
            bounds += (bounds_old[2 * p], bounds_old[2 * p + 1])
            cites.append(cites_old[p])
            sole.append(sole_old[p])
            months.append(months_old[p])
    lines = [b.line for b in events]
    entry.set_blob("cites", pack(cites))
    entry.set_blob("months", pack(months))
    entry.set_names("sole", sole)
    entry.set_blob("order", pack(new_order))
    entry.set_blob("digests", b"".join(b.digest for b in events))
    if new_ids_all == ids and bounds == list(bounds_old) and set(rels) == set(rels_old) and not entry.meta("warning"):
        # Only text that places nothing changed (a title, a summary, a source): the placement, the
        # timeline order and the absence of warnings stand; only lines may have moved.
        entry.set_blob("lines", pack(lines))
    else:
        derive(entry, new_ids_all, bounds, lines, rels)
    entry.drop_memos()
    return True


def derive(entry: Entry, ids: list[str], bounds: list[int], lines: list[int], rels: list[Relation]) -> None:
    """Write positions, placement, the timeline order and the first warning for the events as they now are."""
    where = {eid: p for p, eid in enumerate(ids)}
    rels = sorted(rels, key=lambda r: where[r.owner])  # store order, as a full load lists them (stable)
    rows: dict[str, str] = {}

    def dated(eid: str) -> str:
        if eid not in rows:
            found = entry.find(eid)
            rows[eid] = found[1] if found else "{}"
        return index.date_text(rows[eid])

    placed, timeline, cyclic, first = index.place(ids, bounds, rels, lines, dated)
    entry.set_names("ids", ids)
    entry.set_blobs(
        [("lines", pack(lines)), ("bounds", pack(bounds)), ("placed", pack(placed)), ("timeline", pack(timeline))]
    )
    entry.set_doc("relations", [[r.earlier, r.later, r.owner, r.key] for r in rels])
    entry.set_meta("count", len(ids))
    entry.set_meta("cyclic", list(cyclic))
    entry.set_meta("warning", first)


def _facts_of(entry: Entry, numbers: list[int]) -> list[tuple[int, Facts, str]]:
    """(number, facts, table JSON) of events already in the entry."""
    from timeline.store.events import event
    from timeline.store.fields import Anything, Collector

    out = []
    c = Collector("", "", Anything(), Anything())
    dummy = blocks_mod.Block(blocks_mod.EVENT, "", 0, 0, 0, b"")  # only the facts' counts are used
    for n, (_, data) in sorted(entry.rows(numbers).items()):
        e = event(c, 0, table_of(data), 0)
        if e is None:
            raise Damaged(f"event {n}")
        out.append((n, facts(e, data, dummy), data))
    return out


def _retire(entry: Entry, numbers: list[int]) -> None:
    """Take events out: rows, postings, counts and words."""
    if not numbers:
        return
    summary = entry.meta("summary")
    words = entry.meta("vocabulary", None)
    changes: dict[str, set[int]] = {}
    dropped_words: dict[str, set[int]] = {}
    for n, f, data in _facts_of(entry, numbers):
        index.count(summary, f, -1)
        for key in index.posting_keys(f):
            changes.setdefault(key, set()).add(n)
        if words is not None:
            from timeline.cache.words import tokens

            for w in tokens(data):
                dropped_words.setdefault(w, set()).add(n)
    _change_postings(entry, "p:", changes, remove=True)
    if words is not None:
        _change_postings(entry, "w:", dropped_words, remove=True)
    entry.drop_rows(numbers)
    entry.set_meta("summary", summary)


def _admit(entry: Entry, new: list[Facts], numbers: dict[int, int]) -> None:
    """Put new events in: rows, postings, counts and words."""
    if not new:
        return
    summary = entry.meta("summary")
    words = entry.meta("vocabulary", None)
    changes: dict[str, set[int]] = {}
    added_words: dict[str, set[int]] = {}
    for i, f in enumerate(new):
        n = numbers[i]
        index.count(summary, f, 1)
        for key in index.posting_keys(f):
            changes.setdefault(key, set()).add(n)
        if words is not None:
            from timeline.cache.words import tokens

            for w in tokens(f.data):
                added_words.setdefault(w, set()).add(n)
    entry.put_rows((numbers[i], f.eid, f.data) for i, f in enumerate(new))
    _change_postings(entry, "p:", changes, remove=False)
    if words is not None:
        _change_postings(entry, "w:", added_words, remove=False)
    entry.set_meta("summary", summary)


def _change_postings(entry: Entry, prefix: str, changes: dict[str, set[int]], *, remove: bool) -> None:
    """Add event numbers to (or take them from) postings; the directory of postings follows."""
    directory_key = "postings" if prefix == "p:" else "vocabulary"
    directory = set(entry.meta(directory_key) or [])
    stored = entry.blobs([f"{prefix}{k}" for k in changes if k in directory])
    writes, drops = [], []
    for key, numbers in changes.items():
        blob = stored.get(f"{prefix}{key}")
        if key in directory and blob is None:
            raise Damaged(f"posting {key}")
        current = set(unpack(blob)) if blob is not None else set()
        current = current - numbers if remove else current | numbers
        if current:
            writes.append((f"{prefix}{key}", array("i", sorted(current)).tobytes()))
            directory.add(key)
        else:
            drops.append(f"{prefix}{key}")
            directory.discard(key)
    entry.set_blobs(writes)
    entry.drop_blobs(drops)
    entry.set_meta(directory_key, sorted(directory))
