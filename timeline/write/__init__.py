"""Writing to the store as a transaction: lock, read, check, add new text, validate all, replace.

Existing bytes are never rewritten: a new block is spliced in whole, the old file minus that
block is byte-for-byte what it was, and the result must parse to the old data plus the new
entries before it replaces the file. Concurrent writers serialise on a lock file; a store that
someone changed behind our back, or that does not load now, is left alone with a clear error.
"""

from __future__ import annotations

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
) -> Written:
    """Add what `plan(store)` returns (an Insert, or several of different kinds) to the store, all or nothing.

    `plan` runs under the lock with the store as it is now, so ids it makes are unique even
    when other writers are waiting; it raises to refuse. An Insert with no tables writes nothing.
    With `dry_run`, nothing is locked, created or written.
    """
    say = step or (lambda _: None)
    path = real_path(path)
    if dry_run:
        return _apply(path, snapshot(path), plan, say, dry_run=True)[0]
    check_writable(path)
    with locked(path, on_wait=on_wait):
        sweep(path)
        before = snapshot(path)
        written, new_bytes = _apply(path, before, plan, say, dry_run=False)
        if not written.ids:
            return written
        say("writing")
        from timeline.write.file import write_atomic

        write_atomic(path, new_bytes, check=lambda: ensure_unchanged(path, before))
        return written


def _apply(
    path: Path, before: Snapshot, plan: Callable[[Store], Insert | Sequence[Insert]], say: Step, *, dry_run: bool
) -> tuple[Written, bytes]:
    name = str(path)
    say("reading")
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
        return Written(path, (), "", 0, store, dry_run, main.skipped), before.data
    todo = [i for i in inserts if i.tables]
    nl = "\r\n" if "\r\n" in text else "\n"
    # decode() drops a UTF-8 byte-order mark; the bytes before it are kept as they are.
    bom = len(_BOM) if before.data.startswith(_BOM) else 0
    new_text, new_bytes, blocks, line = text, before.data, [], 0
    for insert in todo:  # each kind in its place: registered actors and sources, then the events
        try:
            block = render(insert)
        except ValueError as e:  # text with no TOML spelling, from undecodable bytes in an argument
            raise UsageError(f"{e}; check the arguments' encoding; nothing was written") from None
        offset, before_block, after_block = place(new_text, insert.kind)
        added = (before_block + block + after_block).replace("\n", nl)
        cut = bom + len(new_text[:offset].encode("utf-8"))
        line = new_bytes.count(b"\n", 0, cut) + 1 + before_block.count("\n")
        new_bytes = new_bytes[:cut] + added.encode("utf-8") + new_bytes[cut:]
        new_text = decode(new_bytes, name)
        blocks.append(block)
    say("validating")
    _validate(name, new_text, old_data, blocks, todo)
    added_ids = _ids(main)
    also = {i.kind: _ids(i) for i in todo if i is not main}
    return Written(path, added_ids, "\n".join(blocks), line, store, dry_run, main.skipped, also), new_bytes


def _ids(insert: Insert) -> tuple[str, ...]:
    if insert.kind == "events":
        return tuple(t["id"] for t in insert.tables)
    return tuple(k for t in insert.tables for k in t)


def render(insert: Insert) -> str:
    """The TOML text of the new tables, blocks separated by one blank line."""
    if insert.kind == "events":
        return "\n".join(toml_out.table("[[events]]", t) for t in insert.tables)
    parts = []
    for t in insert.tables:
        for tid, fields in t.items():
            parts.append(toml_out.table(f"[{toml_out.header_name(insert.kind, tid)}]", fields))
    return "\n".join(parts)


def place(text: str, kind: str) -> tuple[int, str, str]:
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


def find_line(text: str, item: str, kinds: tuple[str, ...] = ("events", "actors", "sources")) -> int:
    """The line of event `item` (its id key) or of its table [actors.item] / [sources.item]."""
    import re

    q = re.escape(item)
    patterns = {
        "events": rf"^[ \t]*id[ \t]*=[ \t]*([\"']){q}\1",
        "actors": rf"^[ \t]*\[[ \t]*actors[ \t]*\.[ \t]*([\"']?){q}\1[ \t]*\]",
        "sources": rf"^[ \t]*\[[ \t]*sources[ \t]*\.[ \t]*([\"']?){q}\1[ \t]*\]",
    }
    for kind in kinds:
        m = re.search(patterns[kind], text, re.MULTILINE)
        if m:
            return text.count("\n", 0, m.start()) + 1
    from timeline.text import did_you_mean

    known = re.findall(r"^[ \t]*id[ \t]*=[ \t]*[\"']([^\"'\n]+)", text, re.MULTILINE)
    known += re.findall(r"^[ \t]*\[[ \t]*(?:actors|sources)\.[\"']?([^\]\"'\n]+)", text, re.MULTILINE)
    hint = did_you_mean(item, known, cutoff=0.5) or "see 'timeline list' for ids"
    raise TimelineError(f"no event, actor or source '{item}' in the store; {hint}")
