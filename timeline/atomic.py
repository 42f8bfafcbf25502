"""Replacing a file all at once: readers see the old bytes or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from timeline.errors import TimelineError


def write_atomic(
    path: Path, data: str | bytes, *, mode: int | None = None, check: Callable[[], None] | None = None
) -> None:
    """Write to a temp file in the same folder, fsync, then os.replace over `path`.

    Keeps the existing file's permission bits unless `mode` is given. Any OS failure
    (read-only folder, full disk) becomes a TimelineError and leaves `path` untouched.
    `check` runs last, just before the replace; if it raises, nothing is replaced.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    owner = None
    try:
        st = path.stat()
        owner = (st.st_uid, st.st_gid)
        if mode is None:
            mode = st.st_mode & 0o7777
    except FileNotFoundError:
        if mode is None:
            mode = 0o666 & ~_umask()
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if owner is not None and hasattr(os, "getuid") and owner != (os.getuid(), os.getgid()):
            # Root writing someone's file keeps it theirs; anyone else cannot, and need not.
            with contextlib.suppress(OSError):
                os.chown(tmp, *owner)
        if check is not None:
            check()
        os.replace(tmp, path)
        tmp = None
        _fsync_dir(folder)
    except OSError as e:
        raise TimelineError(f"{path}: cannot write: {e.strerror or e}; the file was not changed") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform allows opening a folder.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
