"""Answering from an entry: a Store whose events are built only when asked for.

`LazyEvents` stands in for the store's tuple of events: asking for its length costs nothing,
iterating it builds every event (as a full load would), and its `engine` lets
`timeline.query` narrow a filter to the events that may match before building them. Events are
built from their cached tables by the same code a full load uses, so they are equal to a full
load's, `index` and `line` included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from timeline.cache.book import place
from timeline.cache.entry import Damaged, Entry, unpack
from timeline.model import Event, Store
from timeline.query.order import Placement, Relation

T = TypeVar("T")


class Engine:
    """Reads an open entry; whatever it loads it keeps for the rest of the command.

    Every read is checked (`Damaged`); on damage the entry is built again from the store by
    `renew` and the read is retried once, so a caller never sees a damaged value, only a slower
    answer. Events already built came from checked rows, so they are kept.
    """

    def __init__(
        self,
        entry: Entry,
        name: str,
        head: Store,
        renew: Callable[[], Entry] | None = None,
        parts: list[dict[str, Any]] | None = None,
    ) -> None:
        self.entry = entry
        self.name = name
        self.head = head
        self.renew = renew
        self.parts = parts  # a store's files joined: where each included file begins (cache.book)
        self._built: dict[int, Event] = {}  # by position
        self._loaded: dict[str, Any] = {}

    def _guard(self, read: Callable[[], T]) -> T:
        try:
            return read()
        except (Damaged, ValueError, TypeError, KeyError, IndexError):
            # Values that passed their checksum but do not fit together are damage too.
            if self.renew is None:
                raise
            self.entry.close()
            self.entry = self.renew()
            self.renew = None  # once: a second failure is a bug, not damage
            self._loaded.clear()
            return read()

    def _get(self, name: str, read: Callable[[], Any]) -> Any:
        if name not in self._loaded:
            self._loaded[name] = self._guard(read)
        return self._loaded[name]

    # ---- arrays by position ------------------------------------------------------------------

    @property
    def count(self) -> int:
        return self._get("count", lambda: int(self.entry.meta("count")))

    @property
    def ids(self) -> list[str]:
        def read() -> list[str]:
            ids = self.entry.names("ids")
            if len(ids) != int(self.entry.meta("count")):
                raise Damaged("ids")
            return ids

        return self._get("ids", read)

    @property
    def position(self) -> dict[str, int]:
        return self._get("position", lambda: {eid: p for p, eid in enumerate(self.ids)})

    def _array(self, name: str, width: int) -> Any:
        def read() -> Any:
            numbers = self.entry.ints(name)
            if len(numbers) != width * int(self.entry.meta("count")):
                raise Damaged(name)
            return numbers

        return self._get(name, read)

    def array(self, name: str) -> Any:
        """A per-position array of the entry by name (cites, months, …)."""
        return self._array(name, 1)

    def names(self, name: str) -> list[str]:
        """A per-position list of names of the entry (sole, …)."""

        def read() -> list[str]:
            found = self.entry.names(name)
            if len(found) != int(self.entry.meta("count")):
                raise Damaged(name)
            return found

        return self._get(f"names {name}", read)

    @property
    def order(self) -> Any:
        return self._array("order", 1)

    @property
    def at(self) -> dict[int, int]:
        """Position of each event number."""
        return self._get("at", lambda: {n: p for p, n in enumerate(self.order)})

    @property
    def lines(self) -> Any:
        return self._array("lines", 1)

    @property
    def bounds(self) -> Any:
        return self._array("bounds", 2)

    @property
    def placed(self) -> Any:
        return self._array("placed", 3)

    @property
    def timeline(self) -> Any:
        return self._array("timeline", 1)

    @property
    def summary(self) -> dict[str, Any]:
        return self._get("summary", lambda: self.entry.meta("summary"))

    @property
    def postings(self) -> set[str]:
        return self._get("postings", lambda: set(self.entry.meta("postings")))

    def posting(self, key: str) -> list[int]:
        """Positions of the events under posting `key` (an actor, tag, source or type)."""

        def read() -> list[int]:
            if key not in self.postings:
                return []
            data = self.entry.blob(f"p:{key}")
            if data is None:
                raise Damaged(f"posting {key}")
            at = self.at
            return [at[n] for n in unpack(data)]

        return self._guard(read)

    @property
    def relations(self) -> list[Relation]:
        return self._get("relations", lambda: [Relation(*r) for r in self.entry.doc("relations")])

    @property
    def responses(self) -> dict[str, tuple[str, ...]]:
        """The events that answer each event (in_response_to), in store order."""

        def work() -> dict[str, tuple[str, ...]]:
            out: dict[str, list[str]] = {}
            for r in self.relations:
                if r.key == "in_response_to":
                    out.setdefault(r.earlier, []).append(r.later)
            where = self.position
            return {k: tuple(sorted(v, key=where.__getitem__)) for k, v in out.items()}

        return self._get("responses", work)

    # ---- events -------------------------------------------------------------------------------

    def events(self, positions: Sequence[int]) -> list[Event]:
        """The events at these positions, built once each."""
        missing = sorted({p for p in positions if p not in self._built})
        if missing:
            self._guard(lambda: self._build(missing))
        return [self._built[p] for p in positions]

    def _build(self, missing: list[int]) -> None:
        from timeline.cache.build import table_of
        from timeline.store.events import event
        from timeline.store.fields import Collector

        c = Collector("", self.name, self.head.actors, self.head.sources)
        order, lines = self.order, self.lines
        rows = self.entry.rows([order[p] for p in missing])
        built = {}
        for p in missing:
            eid, data = rows[order[p]]
            try:
                raw = table_of(data)
            except (ValueError, KeyError, TypeError):
                raise Damaged(f"event at {p}") from None
            e = event(c, p, raw, lines[p])
            if e is None or c.problems or e.id != eid:
                raise Damaged(f"event at {p}")
            if self.parts:
                file, line = place(self.parts, e.line)
                e = replace(e, file=file, line=line)
            built[p] = e
        self._built.update(built)

    def event(self, eid: str) -> Event | None:
        p = self.position.get(eid)
        return None if p is None else self.events([p])[0]

    def placement(self, positions: Sequence[int]) -> Placement:
        """The store's placement (links applied) for the events at these positions."""
        placed, ids = self.placed, self.ids
        earliest, latest, depth = {}, {}, {}
        for p in positions:
            eid = ids[p]
            earliest[eid] = date.fromordinal(placed[3 * p])
            latest[eid] = date.fromordinal(placed[3 * p + 1])
            depth[eid] = placed[3 * p + 2]
        cyclic = self._get("cyclic", lambda: tuple(self.entry.meta("cyclic")))
        return Placement(earliest, latest, depth, cyclic)

    def warning(self) -> tuple[str, int, str] | None:
        """The store's first contradiction (file, "" the main one; line; message), as `list` warns about it."""
        found = self._get("warning", lambda: self.entry.meta("warning"))
        if not found:
            return None
        file, line = place(self.parts, int(found[0])) if self.parts else ("", int(found[0]))
        return file, line, str(found[1])

    def memo(self, key: str, compute: Callable[[], Any], digest_now: Callable[[], str | None]) -> Any:
        """A value kept with the entry under `key` until the store changes; worked out when missing.

        `compute` reads the store itself, which a writer may change meanwhile: the value is kept
        only if the store's bytes, hashed again after it (`digest_now`), are still those the
        entry's stamp was for when it began, and the stamp is unchanged when it is kept.
        """
        found = self._guard(lambda: self.entry.meta(f"memo:{key}", None))
        if found is not None:
            return found
        began = self._guard(lambda: self.entry.meta("file"))
        value = compute()
        if digest_now() != began.get("digest"):
            return value  # the store changed while the value was worked out: not for this entry
        try:
            entry = Entry.open(self.entry.file, write=True)
        except Damaged:
            return value
        try:
            with entry.transaction():
                if entry.meta("file") == began:
                    entry.set_meta(f"memo:{key}", value)
        except Damaged:
            pass
        finally:
            entry.close()
        return value

    # ---- narrowing ----------------------------------------------------------------------------

    def narrow(
        self, f: Any, *, limit: int | None = None, reverse: bool = False
    ) -> tuple[list[Event], Placement, int | None] | None:
        """The events `f` may keep, built, with their placement; None when every event may match.

        Whatever it returns is a superset of what `timeline.query.match` keeps; match decides.
        The count, when not None, says `limit` was applied already, and how many matched: when the
        index answers `f` exactly, only the first `limit` events in timeline order (the last,
        `reverse`) are built.
        """
        from timeline.cache.narrow import candidates, exact

        found = self._guard(lambda: candidates(self, f))
        if found is None:
            return None
        if limit is not None and len(found) > limit and self._guard(lambda: exact(self, f)):
            rank = self.rank
            chosen = sorted(found, key=rank.__getitem__, reverse=reverse)[:limit]
            return self.events(chosen), self.placement(chosen), len(found)
        positions = sorted(found)
        return self.events(positions), self.placement(positions), None

    @property
    def rank(self) -> list[int]:
        """Each position's place in the timeline order."""

        def work() -> list[int]:
            rank = [0] * self.count
            for i, p in enumerate(self.timeline):
                rank[p] = i
            return rank

        return self._get("rank", work)

    def first(self, n: int, *, reverse: bool = False) -> tuple[list[Event], Placement]:
        """The first (or last) n events in timeline order."""
        timeline = self.timeline
        positions = list(timeline[-n:][::-1] if reverse else timeline[:n]) if n else []
        return self.events(positions), self.placement(positions)


class LazyEvents(Sequence[Event]):
    """A store's events, built from the index on first use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __len__(self) -> int:
        return self.engine.count

    def _all(self) -> list[Event]:
        return self.engine.events(range(self.engine.count))

    def __getitem__(self, item):  # type: ignore[override]
        if isinstance(item, slice):
            return self._all()[item]
        n = range(self.engine.count)[item]
        return self.engine.events([n])[0]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._all())

    @property
    def by_id(self) -> Mapping[str, Event]:
        return ById(self.engine)


class ById(Mapping[str, Event]):
    """Events by id, each built when it is looked up."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __getitem__(self, eid: str) -> Event:
        found = self.engine.event(eid) if isinstance(eid, str) else None
        if found is None:
            raise KeyError(eid)
        return found

    def __contains__(self, eid: object) -> bool:
        return isinstance(eid, str) and eid in self.engine.position

    def __iter__(self) -> Iterator[str]:
        return iter(self.engine.ids)

    def __len__(self) -> int:
        return self.engine.count
