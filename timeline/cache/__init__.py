"""The cache: a store's index in SQLite, the read path of every command on a large store.

`load(path)` gives the same Store a full load gives, but for a store of MIN_BYTES or more its
events come from the entry and are built only when a command asks for them (`engine`). The
entry is checked before it is believed (`files`: whose it is, whether the store changed), every
value in it is checksummed (`entry`), and anything wrong with it means building it again from
the store (`build`), or updating it where only some blocks changed (`update`). A store with
problems is never cached: the full load reports them. TIMELINE_NO_CACHE=1 turns the cache off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from timeline.cache.files import Seen, enabled, folder
from timeline.model import Problem, Store

__all__ = ["MIN_BYTES", "Opened", "Seen", "enabled", "folder", "load", "memo", "open_store", "validate"]

# Below this size parsing is quicker than opening the cache (importing sqlite3 alone takes
# milliseconds), so small stores are not cached.
MIN_BYTES = 128 * 1024
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Opened:
    """What opening a store through the cache gave: the store, and why the cache was not used (or '')."""

    store: Store
    skipped: str = ""


def load(path: Path, *, progress: Progress | None = None) -> Store:
    """`store.load`, through the cache when the store is large enough to gain from it."""
    return open_store(path, progress=progress).store


def validate(path: Path, *, progress: Progress | None = None) -> tuple[Store, list[Problem]]:
    """`store.validate`, through the cache: a store the cache holds has no problems."""
    from timeline.errors import StoreError

    try:
        return load(path, progress=progress), []
    except StoreError:
        from timeline import store

        return store.validate(path)


def open_store(path: Path, *, progress: Progress | None = None, seen: Seen | None = None) -> Opened:
    """The store at `path` and how it was read; `seen`, when given, is its bytes already read."""
    from timeline import store as store_mod

    if not enabled() or not _worth_caching(path):
        return Opened(store_mod.load(path))  # which says what is wrong with a path that is not a file
    from timeline.cache import files

    real = os.path.realpath(path)
    unsafe = files.unsafe(files.folder(), create=True)
    where = files.location(real)
    unsafe = unsafe or files.unsafe_file(where)
    if unsafe:
        return Opened(store_mod.load(path), f"not using the cache: {unsafe}")
    from timeline.cache.open import open_engine

    found = open_engine(path, real, where, progress=progress, seen=seen)
    if isinstance(found, Store):
        return Opened(found)
    return Opened(_lazy(found))


def _large_book(path: Path) -> bool:
    """A small main file whose store includes files that are large together (worth caching)."""
    from timeline.cache.book import read

    try:
        together = read(path)  # None at once for a main file that includes nothing
    except OSError:
        return False
    return together is not None and together.size >= MIN_BYTES


def memo(path: Path, key: str, compute: Callable[[], Any]) -> Any:
    """A value worked out from the store (JSON data), kept with its cache entry until the store
    changes; None when the store is not cached (the caller works it out itself)."""
    if not enabled() or not _worth_caching(path):
        return None  # loading it here would only be thrown away
    opened = open_store(path)
    engine = getattr(opened.store.events, "engine", None)
    if engine is None:
        return None
    from timeline.cache.open import digest_now

    return engine.memo(key, compute, lambda: digest_now(path, engine.parts is not None))


def _worth_caching(path: Path) -> bool:
    """A regular file of MIN_BYTES or more, or a small main file of a large store in several files."""
    import stat

    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (st.st_size >= MIN_BYTES or _large_book(path))


def _lazy(engine: Any) -> Store:
    from timeline.cache.engine import LazyEvents

    head = engine.head
    return Store(
        path=engine.name,
        events=LazyEvents(engine),
        actors=head.actors,
        sources=head.sources,
        title=head.title,
        description=head.description,
        check=head.check,
        files=head.files,
    )


def version() -> list[Any]:
    """What an entry must have been written by: layout, package version, source files, Python."""
    from timeline import __version__
    from timeline.cache.entry import LAYOUT

    return [LAYOUT, __version__, _code(), list(sys.version_info[:2]), sys.byteorder]


@lru_cache(maxsize=1)
def _code() -> int:
    """A checksum of the sizes and times of this package's source files, at any depth."""
    import zlib

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    seen: list[tuple[str, int, int]] = []
    for top, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                st = os.stat(os.path.join(top, name))
                seen.append((os.path.relpath(os.path.join(top, name), package), st.st_size, st.st_mtime_ns))
    return zlib.crc32(repr(seen).encode())
