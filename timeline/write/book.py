"""Writing to a store in several files (`[store] include`): each new table goes to one file.

New events go to the file of the event just before them in time (a store kept by year puts a
2024 event with the 2024 events), or to the file `into` names; new actors and sources go to the
file that holds most of their kind. The main file's lock serialises every writer of the store,
the whole store is validated with the new text before anything is written, and each file is
replaced atomically on its own: actors and sources first, so that a failure between two files
leaves a valid store (new names no event uses yet), never an event citing a missing name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from timeline.errors import StoreError, TimelineError, UsageError
from timeline.model import Store
from timeline.store.include import Folder, may_include
from timeline.write.file import Snapshot, check_writable, ensure_unchanged, real_path, snapshot, stage


def includes(before: Snapshot, name: str) -> dict[str, Any] | None:
    """The main file's parsed data when it includes other files; None for a one-file store."""
    from timeline.store import decode, parse_toml
    from timeline.store.include import may_include, patterns

    if not may_include(before.data):
        return None
    data = parse_toml(decode(before.data, name), name)
    return data if patterns(data) is not None else None


class _Edited(Folder):
    """The store's files with some of them as they would be after the write."""

    def __init__(self, main: Path, texts: dict[str, str]) -> None:
        super().__init__(main)
        self.texts = texts

    def read(self, rel: str) -> tuple[str, str]:
        if rel in self.texts:
            from timeline.store.read import shown

            return self.texts[rel], shown(self.base / rel)
        return super().read(rel)


def apply(
    path: Path,
    before: Snapshot,
    data: dict[str, Any],
    plan: Callable[[Store], Any],
    *,
    dry_run: bool,
    into: Path | None,
) -> Any:
    """Plan, place, validate and (unless `dry_run`) write; the Written of the last Insert."""
    from timeline.write import Insert, Written, _ids, _spliced

    name = str(path)
    store, cached = _loaded(path, before, data)
    target = _chosen(path, store, into)
    planned = plan(store)
    inserts: Sequence[Insert] = (planned,) if isinstance(planned, Insert) else tuple(planned)
    main = inserts[-1]
    if not main.tables:
        return Written(path, (), "", 0, store, dry_run, main.skipped)
    todo = [i for i in inserts if i.tables]
    by_file = _placed(store, todo, target)
    base = path.parent
    snaps = {rel: before if rel == "" else snapshot(real_path(base / rel)) for rel in by_file}
    out: dict[str, tuple[bytes, ...]] = {}
    lines: dict[str, int] = {}
    blocks: list[str] = []
    for rel, some in by_file.items():
        out[rel], added, lines[rel] = _spliced(snaps[rel].data, None, name if rel == "" else str(base / rel), some)
        blocks += added
    _checked(path, before, store, cached, out, blocks, [i for some in by_file.values() for i in some])
    homes = [rel for rel, some in by_file.items() if any(i.kind == main.kind for i in some)]
    home = homes[-1]
    also = {i.kind: _ids(i) for i in todo if i is not main}
    file = base / home if home and len(homes) == 1 else None
    line = lines[home] if len(homes) == 1 else 0  # events spread over several files have no one line
    block = "\n".join(_render(i) for i in todo)
    spread = tuple(base / h if h else path for h in homes) if len(homes) > 1 else ()
    written = Written(path, _ids(main), block, line, store, dry_run, main.skipped, also, file, spread)
    if dry_run:
        return written
    # Names first, so that the store is valid at every step of the renames.
    order = sorted(by_file, key=lambda r: any(i.kind == "events" for i in by_file[r]))
    _replace_all([(path if rel == "" else real_path(base / rel), snaps[rel], out[rel]) for rel in order])
    return written


def _loaded(path: Path, before: Snapshot, data: dict[str, Any]) -> tuple[Store, bool]:
    """The store, and whether it came from its cache (then its index vouches that it loads)."""
    from timeline import store as store_mod

    cached = _cached(path)
    if cached is not None:
        return cached, True
    name = str(path)
    store, problems = store_mod.build(data, name, store_mod.decode(before.data, name), Folder(path))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        more = f" (and {len(errors) - 1} more; see 'timeline check')" if len(errors) > 1 else ""
        raise StoreError(
            f"{errors[0].brief()}{more}; fix the store first: nothing is written to a store that does not load",
            problems=tuple(errors),
        )
    return store, False


def _placed(store: Store, todo: list[Any], target: str | None) -> dict[str, list[Any]]:
    """Each Insert's tables grouped by the file they go to."""
    from timeline.write import Insert

    by_file: dict[str, list[Any]] = {}
    near = _Neighbours(store)
    for insert in todo:
        if insert.kind != "events":
            by_file.setdefault(_home(store, insert), []).append(insert)
            continue
        groups: dict[str, list[dict[str, Any]]] = {}
        for table in insert.tables:
            groups.setdefault(target if target is not None else near.file(table), []).append(table)
        for rel, tables in groups.items():
            by_file.setdefault(rel, []).append(Insert("events", tables))
    return by_file


def _checked(
    path: Path,
    before: Snapshot,
    store: Store,
    cached: bool,
    out: dict[str, tuple[bytes, ...]],
    blocks: list[str],
    inserts: list[Any],
) -> None:
    """Refuse what would not load: for a cached store, the new tables against its index; else the
    whole store again, with the new text in its files."""
    from timeline import store as store_mod
    from timeline.write import _validate_cached

    name = str(path)
    if cached:
        from timeline.write import Insert

        # One Insert per kind, tables in the order of `blocks` (events split over files join again).
        merged: dict[str, list[Any]] = {}
        for i in inserts:
            merged.setdefault(i.kind, []).extend(i.tables)
        _validate_cached(name, store, blocks, [Insert(kind, tables) for kind, tables in merged.items()])
        return
    texts = {
        rel: store_mod.decode(b"".join(data), name if rel == "" else str(path.parent / rel))
        for rel, data in out.items()
    }
    _validate(path, store_mod.decode(before.data, name), texts)


def _replace_all(changes: list[tuple[Path, Snapshot, tuple[bytes, ...]]]) -> None:
    """Replace several files as nearly all or nothing as files allow: every file checked writable
    and its new bytes written and synced beside it first (a read-only file or a full disk stops
    here, nothing changed), then every file checked unchanged since it was read, then the renames."""
    for file, _, _ in changes:
        check_writable(file)
    staged = []
    try:
        for file, _, data in changes:
            staged.append(stage(file, data))
        for file, before, _ in changes:
            ensure_unchanged(file, before)
        for s in staged:
            s.commit()  # a rename in the file's own folder
    finally:
        for s in staged:
            s.discard()


def _cached(path: Path) -> Store | None:
    """The store through its cache when it is large enough to have one and loads cleanly; else None."""
    from timeline import cache

    if not cache.enabled():
        return None
    try:
        opened = cache.open_store(path)
    except StoreError:
        return None  # the full reading lists every problem
    return opened.store if getattr(opened.store.events, "engine", None) is not None else None


def _render(insert: Any) -> str:
    from timeline.write import render

    return render(insert)


def _validate(path: Path, text: str, texts: dict[str, str]) -> None:
    """The whole store, with the new text in its files, must load cleanly."""
    from timeline import store as store_mod

    name = str(path)
    main = texts.get("", text)
    try:
        _, problems = store_mod.build(store_mod.parse_toml(main, name), name, main, _Edited(path, texts))
    except StoreError as e:
        raise TimelineError(f"the new entry would break the store ({e.message}); nothing was written") from None
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise TimelineError(
            f"the new entry would not load: {errors[0].brief()}; nothing was written", problems=tuple(errors)
        )


def _chosen(path: Path, store: Store, into: Path | None) -> str | None:
    """The file `into` names, as the store knows it ("" for the main file); None when not given."""
    if into is None:
        return None
    for rel in ("", *store.files):
        candidate = path if rel == "" else path.parent / rel
        try:
            if candidate.samefile(into):
                return rel
        except OSError:
            continue
    known = ", ".join([str(path), *(str(path.parent / r) for r in store.files)])
    raise UsageError(f"--into: {into} is not one of the store's files ({known}); name one of them")


def _home(store: Store, insert: Any) -> str:
    """Where new actors or sources go: the file that holds most of their kind (else the main file)."""
    table = store.actors if insert.kind == "actors" else store.sources
    counts: dict[str, int] = {}
    for thing in table.values():
        counts[thing.file] = counts.get(thing.file, 0) + 1
    return max(counts, key=lambda rel: counts[rel]) if counts else ""


class _Neighbours:
    """The file of a new event's nearest neighbour in time: of the events just before and just
    after it, the one of the same year (a store kept by year files a 2024 event with 2024 even
    when the 2024 file starts later), else the nearer one; the main file when there is none."""

    def __init__(self, store: Store) -> None:
        engine = getattr(store.events, "engine", None)
        keyed: list[tuple[tuple[int, int], int, str]]
        if engine is not None and engine.parts:
            # From the index: every event's bounds (day numbers) and line, none of them built.
            from timeline.cache.book import place

            bounds, lines, parts = engine.bounds, engine.lines, engine.parts
            keyed = sorted(
                ((bounds[2 * p], bounds[2 * p + 1]), p, place(parts, lines[p])[0]) for p in range(len(lines))
            )
        else:
            keyed = sorted(
                ((e.date.earliest.toordinal(), e.date.latest.toordinal()), e.index, e.file) for e in store.events
            )
        self.keys = [k for k, _, _ in keyed]
        self.files = [f for _, _, f in keyed]

    def file(self, table: dict[str, Any]) -> str:
        from bisect import bisect_right

        from timeline import dates

        if not self.files:
            return ""
        try:
            d = dates.from_toml(table["date"])
        except (KeyError, ValueError, TypeError):
            return self.files[-1]
        from datetime import date

        key = (d.earliest.toordinal(), d.latest.toordinal())
        at = bisect_right(self.keys, key)
        near = [n for n in (at - 1, at) if 0 <= n < len(self.files)]
        same = [n for n in near if date.fromordinal(self.keys[n][0]).year == d.earliest.year]
        chosen = same if len(same) == 1 else near
        return self.files[min(chosen, key=lambda n: (abs(self.keys[n][0] - key[0]), n))]


def file_of(main: Path, item: str) -> str:
    """The included file that defines event, actor or source `item` ("" for the main file, or when
    the store is one file or has no such item)."""
    from timeline import store as store_mod

    before = snapshot(main)
    data = includes(before, str(main))
    if data is None:
        return ""
    name = str(main)
    built, _ = store_mod.build(data, name, store_mod.decode(before.data, name), Folder(main))
    thing = built.by_id.get(item) or built.actors.get(item) or built.sources.get(item)
    return thing.file if thing is not None else ""


def problems(main: Path, rel: str, data: bytes, *, links: bool = False) -> list[Any]:
    """Every load error of the store were its file `rel` ("" the main file) to hold `data`; [] when
    clean. With `links`, a store that loads is also held to the link rules writes refuse (E009, E010)."""
    from timeline import store as store_mod
    from timeline.model import Problem

    name = str(main) if rel == "" else str(main.parent / rel)
    try:
        texts = {rel: store_mod.decode(data, name) if data.strip() else ""}
        main_text = texts[""] if rel == "" else store_mod.decode(snapshot(main).data, str(main))
        parsed = store_mod.parse_toml(main_text, str(main))
        files = _Edited(main, texts)
        _, found = store_mod.build(parsed, str(main), main_text, files)
        errors = [p for p in found if p.severity == "error"]
        if errors or not links:
            return errors
        from timeline.lint import findings

        on = frozenset({"E009", "E010"})
        return [p for p in findings(parsed, main_text, str(main), on=on, files=files)[0] if p.code in on]
    except StoreError as e:
        return list(e.problems) or [Problem("E001", "error", e.message.removeprefix(f"{name}: "), name)]


def store_of(path: Path, data: bytes) -> tuple[Path, str] | None:
    """The store a file belongs to when it is part of one in several files: (main file, its path
    among the store's files, "" for the main file itself); None for a store of one file.

    `data` is the file's own text (a file with `include` is a main file); otherwise the nearest
    events.toml above it whose includes match it is its main file.
    """
    from timeline.store import STORE_NAME, decode, parse_toml
    from timeline.store.include import patterns

    name = str(path)
    if may_include(data):
        try:
            if patterns(parse_toml(decode(data, name), name)) is not None:
                return path, ""
        except StoreError:
            return None
    here = path.absolute()
    for folder in here.parents:
        main = folder / STORE_NAME
        if main == here or not main.is_file():
            continue
        try:
            before = snapshot(main)
            found = includes(before, str(main))
        except StoreError:
            continue
        if found is None:
            continue
        rel = here.relative_to(folder).as_posix()
        folder_files = Folder(main)
        if any(isinstance(p, str) and rel in folder_files.match(p) for p in patterns(found) or []):
            return main, rel
    return None
