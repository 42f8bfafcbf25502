"""Writing to the store as a transaction: lock, read, check, add new text, validate all, replace.

Existing bytes are never rewritten: a new block is spliced in whole, the old file minus that
block is byte-for-byte what it was, and the result must parse to the old data plus the new
entries before it replaces the file. Concurrent writers serialise on a lock file; a store that
someone changed behind our back, or that does not load now, is left alone with a clear error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from timeline.errors import StoreError, TimelineError, UsageError
from timeline.model import Problem, Store
from timeline.store import decode
from timeline.write import toml_out
from timeline.write.file import Snapshot, check_writable, ensure_unchanged, locked, real_path, snapshot, sweep

# Where a kind of table belongs relative to the others when the store has none of it yet.
_BOM = "\ufeff".encode()
_ORDER = {"store": 0, "actors": 1, "sources": 2, "events": 3}
Step = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Insert:
    """New text for the store: the tables (as data) and which kind they are."""

    kind: str  # "events", "actors" or "sources"
    tables: list[dict[str, Any]]  # for actors/sources: one {id: fields} dict
    skipped: tuple[str, ...] = ()  # ids of entries already in the store, left out (an import with --skip-existing)


@dataclass(frozen=True, slots=True)
class Written:
    """What a transaction added: the ids, the exact text, its first line, and the store before.

    `ids` and `line` are the last Insert's (an import's events); `also` the ids of the Inserts before it.
    """

    path: Path
    ids: tuple[str, ...]  # empty when there was nothing to add (and nothing was written)
    block: str
    line: int
    store: Store
    dry_run: bool
    skipped: tuple[str, ...] = ()
    also: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # kind -> ids registered on the way
    file: Path | None = None  # the included file the last Insert went to; None: the store's own file
    spread: tuple[Path, ...] = ()  # the files the last Insert's tables went to, when more than one


def load_text(text: str, name: str) -> tuple[dict[str, Any], Store, list[Problem]]:
    """Parse and validate store text exactly as loading does; the errors come back as Problems."""
    from timeline.store import parse_toml
    from timeline.store.schema import build

    data = parse_toml(text, name)
    store, problems = build(data, name, text)
    return data, store, [p for p in problems if p.severity == "error"]


def transact(
    path: Path,
    plan: Callable[[Store], Insert | Sequence[Insert]],
    *,
    dry_run: bool = False,
    step: Step | None = None,
    on_wait: Callable[[], None] | None = None,
    into: Path | None = None,
) -> Written:
    """Add what `plan(store)` returns (an Insert, or several of different kinds) to the store, all or nothing.

    `plan` runs under the lock with the store as it is now, so ids it makes are unique even
    when other writers are waiting; it raises to refuse. An Insert with no tables writes nothing.
    With `dry_run`, nothing is locked, created or written. A large store is read through its
    cache, checked against its index instead of parsed again, and its cache is brought up to
    date in the same transaction, so the next command finds it warm.

    A store that includes other files (`timeline.write.book`) takes each table in the file it
    belongs in, or the events in `into`.
    """
    from timeline.write import book

    say = step or (lambda _: None)
    path = real_path(path)
    if dry_run:
        before = snapshot(path)
        data = book.includes(before, str(path))
        if data is not None:
            return book.apply(path, before, data, plan, dry_run=True, into=into)
        if into is not None:
            _only_one_file(path, into)
        return _apply(path, before, plan, say, dry_run=True)[0]
    check_writable(path)
    with locked(path, on_wait=on_wait):
        sweep(path)
        before = snapshot(path)
        data = book.includes(before, str(path))
        if data is not None:
            say("checking")
            return book.apply(path, before, data, plan, dry_run=False, into=into)
        if into is not None:
            _only_one_file(path, into)
        written, new_bytes = _apply(path, before, plan, say, dry_run=False)
        if not written.ids:
            return written
        say("writing")
        from timeline.write.file import write_atomic

        since = time.time_ns()
        write_atomic(path, new_bytes, check=lambda: ensure_unchanged(path, before))
        if getattr(written.store.events, "engine", None) is not None:
            from timeline.cache.append import after_write

            after_write(path, before, new_bytes, written, since)
        return written


def _only_one_file(path: Path, into: Path) -> None:
    """`into` for a store of one file: only the store itself."""
    try:
        same = path.samefile(into)
    except OSError:
        same = False
    if not same:
        raise UsageError(f"--into: {into} is not the store, which includes no other files; leave --into out")


def _current(path: Path, before: Snapshot, name: str) -> Store | None:
    """The store through its cache, when it is large enough to have one and loads cleanly; else None."""
    from timeline import cache

    if len(before.data) < cache.MIN_BYTES or not cache.enabled():
        return None
    try:
        seen = cache.Seen(before.data, before.st, before.since) if before.st is not None else None
        opened = cache.open_store(path, seen=seen)
    except StoreError:
        return None  # the full reading below lists every problem
    return opened.store if getattr(opened.store.events, "engine", None) is not None else None


def _apply(
    path: Path, before: Snapshot, plan: Callable[[Store], Insert | Sequence[Insert]], say: Step, *, dry_run: bool
) -> tuple[Written, tuple[bytes, ...]]:
    name = str(path)
    say("reading")
    store = _current(path, before, name)
    text = old_data = None
    if store is None:
        text = decode(before.data, name)
        old_data, store, errors = load_text(text, name)
        if errors:
            more = f" (and {len(errors) - 1} more; see 'timeline check')" if len(errors) > 1 else ""
            raise StoreError(
                f"{errors[0].brief()}{more}; fix the store first: nothing is written to a store that does not load",
                problems=tuple(errors),
            )
    say("checking")
    planned = plan(store)
    inserts = (planned,) if isinstance(planned, Insert) else tuple(planned)
    main = inserts[-1]
    if not main.tables:
        return Written(path, (), "", 0, store, dry_run, main.skipped), (before.data,)
    todo = [i for i in inserts if i.tables]
    new_bytes, blocks, line = _spliced(before.data, text, name, todo)
    say("validating")
    if old_data is not None:
        _validate(name, decode(b"".join(new_bytes), name), old_data, blocks, todo)
    else:
        _validate_cached(name, store, blocks, todo)
    also = {i.kind: _ids(i) for i in todo if i is not main}
    return Written(path, _ids(main), "\n".join(blocks), line, store, dry_run, main.skipped, also), new_bytes


def _spliced(data: bytes, text: str | None, name: str, todo: list[Insert]) -> tuple[tuple[bytes, ...], list[str], int]:
    """The file's bytes with each Insert's tables put in their place (the old bytes are never copied
    to add a few hundred); the blocks' text, and the line of the last one."""
    # The store's own line ending, from its first line (a mixed file keeps its first line's).
    first_end = data.find(b"\n")
    nl = "\r\n" if first_end > 0 and data[first_end - 1 : first_end] == b"\r" else "\n"
    spliced: list[tuple[int, bytes]] = []
    blocks: list[str] = []
    line = 0
    for insert in todo:  # registered actors and sources first, then the events, as planned
        try:
            block = render(insert)
        except ValueError as e:  # text with no TOML spelling, from undecodable bytes in an argument
            raise UsageError(f"{e}; check the arguments' encoding; nothing was written") from None
        if insert.kind == "events":
            # New events go at the end: only the end of the file needs reading to place them.
            _, before_block, after_block = insertion(data[-4096:].decode("utf-8", "replace"), "events")
            cut = len(data)
        else:
            text = text if text is not None else decode(data, name)
            offset, before_block, after_block = insertion(text, insert.kind)
            # decode() drops a UTF-8 byte-order mark; the bytes before it are kept as they are.
            bom = len(_BOM) if data.startswith(_BOM) else 0
            cut = bom + len(text[:offset].encode("utf-8"))
        added = (before_block + block + after_block).replace("\n", nl).encode("utf-8")
        earlier = sum(piece.count(b"\n") for at, piece in spliced if at <= cut)
        line = data.count(b"\n", 0, cut) + 1 + earlier + before_block.count("\n")
        spliced.append((cut, added))
        blocks.append(block)
    return _splice(data, spliced), blocks, line


def _splice(data: bytes, spliced: list[tuple[int, bytes]]) -> tuple[bytes, ...]:
    """`data` with each piece put in at its offset (pieces at one offset in the order given)."""
    out: list[bytes] = []
    at = 0
    for cut, piece in sorted(spliced, key=lambda p: p[0]):  # sorted() is stable
        out += [data[at:cut], piece]
        at = cut
    if at < len(data) or not out:
        out.append(data[at:])
    return tuple(x for x in out if x) or (b"",)


def _ids(insert: Insert) -> tuple[str, ...]:
    if insert.kind == "events":
        return tuple(t["id"] for t in insert.tables)
    return tuple(k for t in insert.tables for k in t)


def _validate_cached(name: str, store: Store, blocks: list[str], inserts: list[Insert]) -> None:
    """The checks `_validate` makes, for a store its index vouches for, without parsing it again.

    The old bytes loaded cleanly and hold their [[events]] as tables (the index says so), so a
    whole table added at the end, or between two tables, changes nothing else; what is left to
    check is that the new text reads back as exactly the new tables and that they are valid.
    """
    import tomli

    from timeline.store.schema import build

    try:
        added = tomli.loads("\n".join(blocks))
    except tomli.TOMLDecodeError as e:
        raise TimelineError(f"the new entry would break the store ({e}); nothing was written") from None
    wanted: dict[str, Any] = {
        i.kind: i.tables if i.kind == "events" else {k: v for t in i.tables for k, v in t.items()} for i in inserts
    }
    if added != wanted:
        raise TimelineError(
            f"{name}: the new text would not read back as intended; nothing was written (a bug: please report it)"
        )
    known = {"actors": set(store.actors), "sources": set(store.sources)}
    for kind in ("actors", "sources"):
        if kind not in wanted:
            continue
        if any(key in known[kind] for key in wanted[kind]):
            raise TimelineError(f"{name}: the id is taken; nothing was written")
        _, problems = build({kind: wanted[kind]}, name, "\n".join(blocks))
        if problems:
            raise TimelineError(f"the new entry would not load: {problems[0].brief()}; nothing was written")
        known[kind] |= set(wanted[kind])
    if "events" in wanted:
        from timeline.store.events import event
        from timeline.store.fields import Collector

        # The events may cite the actors and sources registered in the same write.
        c = Collector("\n".join(blocks), name, known["actors"], known["sources"])
        for n, raw in enumerate(added["events"]):
            built = event(c, n, raw, 0)
            if built is None or c.problems or built.id in store.by_id:
                problem = c.problems[0].brief() if c.problems else f"{name}: the id is taken"
                raise TimelineError(f"the new entry would not load: {problem}; nothing was written")


def render(insert: Insert) -> str:
    """The TOML text of the new tables, blocks separated by one blank line."""
    if insert.kind == "events":
        return "\n".join(toml_out.table("[[events]]", t) for t in insert.tables)
    parts = []
    for t in insert.tables:
        for tid, fields in t.items():
            parts.append(toml_out.table(f"[{toml_out.header_name(insert.kind, tid)}]", fields))
    return "\n".join(parts)


def insertion(text: str, kind: str) -> tuple[int, str, str]:
    """Where a new table of `kind` goes, and the line breaks it needs before and after.

    [[events]] go at the end. [actors.*]/[sources.*] go after the last table of their kind,
    else after the table before the first table of a later kind, else at the end.
    """
    tables = toml_out.tables(text) if kind != "events" else []
    same = [t for t in tables if t.group == kind]
    later = [n for n, t in enumerate(tables) if _ORDER.get(t.group, 9) > _ORDER[kind]]
    if same:
        offset = same[-1].after
    elif later and later[0] > 0:
        offset = tables[later[0] - 1].after
    elif later:
        return tables[0].start, "", "\n"
    else:
        offset = len(text)
    head = text[:offset]
    if not head.endswith("\n"):
        before = "\n\n" if head.strip() else ""
    else:
        # One blank line between the previous text and the new block, unless one is there.
        before = "" if not head.strip() or head[:-1].rsplit("\n", 1)[-1].strip() == "" else "\n"
    rest = text[offset:]
    after = "\n" if rest and rest.split("\n", 1)[0].strip() else ""
    return offset, before, after


def _validate(name: str, new_text: str, old_data: dict[str, Any], blocks: list[str], inserts: list[Insert]) -> None:
    """The whole new text must load cleanly and read as the old data plus exactly the new tables."""
    import tomli

    try:
        new_data, _, errors = load_text(new_text, name)
    except StoreError as e:
        # New [[events]] are the last tables; an old `events = [...]` array cannot be extended by them.
        events = inserts[-1]
        if (
            events.kind == "events"
            and old_data.get("events")
            and not any(t.group == "events" for t in toml_out.tables(new_text)[: -len(events.tables)])
        ):
            raise TimelineError(
                f"{name}: the events are written as one inline array `events = [...]`, which TOML does not "
                "let [[events]] tables extend; write them as [[events]] tables first; nothing was written"
            ) from None
        raise TimelineError(f"the new entry would break the store ({e.message}); nothing was written") from None
    if errors:
        raise TimelineError(
            f"the new entry would not load: {errors[0].brief()}; nothing was written", problems=tuple(errors)
        )
    added = tomli.loads("\n".join(blocks))
    wanted = {
        i.kind: i.tables if i.kind == "events" else {k: v for t in i.tables for k, v in t.items()} for i in inserts
    }
    if added != wanted or not _only_added(old_data, new_data, added):
        raise TimelineError(
            f"{name}: the new text would not read back as intended; nothing was written (a bug: please report it)"
        )


def _only_added(old: dict[str, Any], new: dict[str, Any], added: dict[str, Any]) -> bool:
    if set(new) != set(old) | set(added):
        return False
    for key, value in new.items():
        if key not in added:
            if value != old[key]:
                return False
        elif isinstance(added[key], list):
            prior = old.get(key, [])
            if not isinstance(prior, list) or value != prior + added[key]:
                return False
        else:
            prior = old.get(key, {})
            if not isinstance(prior, dict) or set(prior) & set(added[key]) or value != {**prior, **added[key]}:
                return False
    return True


def problems_in(data: bytes, name: str) -> list[Problem]:
    """Every load error of would-be store bytes; [] when clean."""
    try:
        _, _, errors = load_text(decode(data, name), name)
    except StoreError as e:
        return list(e.problems) or [Problem("E001", "error", e.message.removeprefix(f"{name}: "), name)]
    return errors
