"""Where a store's cache entry lives, whether that place is safe to use, and whether the entry is fresh.

Safe: the folder is `$XDG_CACHE_HOME/timeline` (else `~/.cache/timeline`), created 0700; a folder
or entry owned by another user, or writable by others, is not used (someone else could have
written what we would read). Entries hold only plain data (SQLite rows of text, numbers and
checksummed blobs), never anything that runs when read.

Fresh, as git decides that an index entry is clean: the entry records the store's full stat data
(device, inode, size, mode, owner, modification and change times) and a SHA-256 of its bytes.
Matching stat data is trusted only when the store's times are safely older than the moment its
bytes were last compared with the entry; otherwise ("racily clean") the bytes are read and
compared again. A filesystem whose clock ticks in whole seconds gets a window of two seconds,
one with finer times a window of a tenth of a second.
"""

from __future__ import annotations

import os
import stat
import zlib
from pathlib import Path
from typing import NamedTuple

ENV_OFF = "TIMELINE_NO_CACHE"
# A window of this many nanoseconds after the store's last change during which its stat data
# alone does not prove it unchanged.
_COARSE = 2_000_000_000
_FINE = 100_000_000


def enabled() -> bool:
    """False when $TIMELINE_NO_CACHE is set to anything but '' or '0'."""
    return os.environ.get(ENV_OFF, "") in ("", "0")


def folder() -> Path:
    """$XDG_CACHE_HOME/timeline, else ~/.cache/timeline."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "timeline"


def location(real: str) -> Path:
    """The entry file for the store whose real path is `real`."""
    tag = zlib.crc32(real.encode("utf-8", "surrogatepass"))
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(real).stem)[:40]
    return folder() / f"{stem}-{tag:08x}.sqlite"


def unsafe(path: Path, *, create: bool = False) -> str | None:
    """Why the cache folder `path` must not be used, or None. With `create`, make it (0700) if missing."""
    if create:
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as e:
            return f"cannot create {path}: {e.strerror}"
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing"
    except OSError as e:
        return f"cannot read {path}: {e.strerror}"
    if not stat.S_ISDIR(st.st_mode):
        return f"{path} is not a folder"
    problem = _foreign(st, path)
    if problem:
        return problem
    try:
        parent = os.stat(path.parent)
    except OSError:
        return None
    # Someone who may rename entries in the parent could swap our folder for theirs, unless the
    # sticky bit stops them (as on /tmp).
    if parent.st_uid not in (0, os.geteuid()) and parent.st_mode & 0o022 and not parent.st_mode & stat.S_ISVTX:
        return f"{path.parent} can be changed by other users"
    return None


def unsafe_file(path: Path) -> str | None:
    """Why an entry file must not be read, or None (a missing file is None: there is nothing to read)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        return f"cannot read {path}: {e.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return f"{path} is not a regular file"
    return _foreign(st, path)


def _foreign(st: os.stat_result, path: Path) -> str | None:
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return f"{path} belongs to another user (uid {st.st_uid})"
    if st.st_mode & 0o022:
        return f"{path} can be written by other users (mode {stat.S_IMODE(st.st_mode):o})"
    return None


def stat_key(st: os.stat_result) -> list[int]:
    """The stat data an entry is keyed on."""
    return [st.st_dev, st.st_ino, st.st_size, st.st_mode, st.st_uid, st.st_mtime_ns, st.st_ctime_ns]


def racy(st: os.stat_result, verified_ns: int) -> bool:
    """Could the store have changed, unseen by its stat data, after its bytes were last compared?"""
    window = _COARSE if st.st_mtime_ns % 1_000_000_000 == 0 and st.st_ctime_ns % 1_000_000_000 == 0 else _FINE
    return max(st.st_mtime_ns, st.st_ctime_ns) + window >= verified_ns


class Seen(NamedTuple):
    """Store bytes, the stat of the open file they came from, and time.time_ns() taken before the
    read: an entry stamped with `since` can never be newer than a change it did not see."""

    data: bytes
    st: os.stat_result
    since: int


def sweep(path: Path) -> None:
    """Remove temp files of entries whose writers were killed: ours (`.NAME.*.building`), older than an hour."""
    import time

    try:
        names = os.listdir(path)
    except OSError:
        return
    limit = time.time() - 3600
    for name in names:
        if name.startswith(".") and name.endswith(".building"):
            full = path / name
            try:
                st = os.lstat(full)
                if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and st.st_mtime < limit:
                    os.unlink(full)
            except OSError:
                pass
