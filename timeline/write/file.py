"""Files on disk written safely: the store's lock, a snapshot of its bytes, and replacing or creating
a file all at once (readers see the old bytes or the new, never half of either).

The pieces `timeline.write` builds its transactions from, `timeline edit` its whole-file save,
and `--output` its reports.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from timeline.errors import StoreError, TimelineError


def real_path(path: Path) -> Path:
    """The file a symlinked store points to, so that replacing it keeps the link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def lock_path(path: Path) -> Path:
    """The hidden lock file beside the store, e.g. .events.toml.lock."""
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock for `path` on a sidecar file.

    Not on the store itself: os.replace gives the store a new inode, and a lock held on the old
    one would not stop the next writer.
    """
    import fcntl

    target = lock_path(path)
    try:
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise TimelineError(
            f"{path}: cannot create the lock file {target.name}: {e.strerror}; nothing was written"
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def check_writable(path: Path) -> None:
    """Refuse early, and say why, when the store or its folder is read-only or missing."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file; create it with 'timeline init {path}' or check the path") from None
    except OSError as e:
        raise StoreError(f"{path}: cannot read: {e.strerror}") from None
    # Mode bits as well as access(): a file someone made read-only stays protected even for root.
    if not os.access(path, os.W_OK) or not st.st_mode & 0o222:
        raise TimelineError(
            f"{path}: the file is read-only; make it writable (chmod u+w) to add to it; nothing was written"
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(folder, os.W_OK | os.X_OK) or not folder.stat().st_mode & 0o222:
        raise TimelineError(
            f"{path}: the folder {folder} is read-only, and a safe write needs a temporary file there; "
            "nothing was written"
        )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A file's bytes and identity as read, to tell later whether anyone changed it."""

    data: bytes
    key: tuple[int, int, int]  # size, mtime_ns, inode


def snapshot(path: Path) -> Snapshot:
    """Read the file once, with the stat of the same open file."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
    except FileNotFoundError:
        raise StoreError(f"{path}: no such file; create it with 'timeline init {path}' or check the path") from None
    except OSError as e:
        raise StoreError(f"{path}: cannot read: {e.strerror}") from None
    return Snapshot(data, (st.st_size, st.st_mtime_ns, st.st_ino))


def ensure_unchanged(path: Path, before: Snapshot) -> None:
    """Raise unless the file still holds exactly the bytes `before` read (compared a piece at a time)."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            same = (st.st_size, st.st_mtime_ns, st.st_ino) == before.key
            view, at, step = memoryview(before.data), 0, 1 << 22
            while same:
                piece = fh.read(step)
                same = piece == view[at : at + len(piece)]
                at += len(piece)
                if not piece:
                    same = at == len(view)
                    break
    except OSError as e:
        raise StoreError(f"{path}: cannot read: {e.strerror}") from None
    if not same:
        raise TimelineError(
            f"{path}: the file changed while this command was writing (saved from an editor?); "
            "nothing was written; run the command again"
        )


def sweep(path: Path) -> None:
    """Remove temp files left by writers that were killed; under the lock no live writer has one."""
    import re

    pattern = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.tmp")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for n in names:
        if pattern.fullmatch(n):
            with suppress(OSError):
                os.unlink(folder / n)


def replace(path: Path, before: Snapshot, data: bytes) -> None:
    """Replace the whole store with `data`, only if it is still exactly what `before` read."""
    path = real_path(path)
    check_writable(path)
    with locked(path):
        sweep(path)
        now = snapshot(path)
        if now.data != before.data:
            raise TimelineError(f"{path}: someone else changed the store while you were editing; it was not replaced")
        write_atomic(path, data, check=lambda: ensure_unchanged(path, now))


def create(path: Path, text: str) -> None:
    """Write a new file in full or not at all, refusing (race-free) when `path` exists."""
    import errno
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() or path.is_symlink():
        raise TimelineError(f"{path}: already exists; 'timeline init' never overwrites a store")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            # link() fails when the name exists: a store made meanwhile is never overwritten.
            os.link(tmp, path)
        except OSError as e:
            if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
                raise
            _create_exclusive(path, text)
    except FileExistsError:
        raise TimelineError(f"{path}: already exists; 'timeline init' never overwrites a store") from None
    except OSError as e:
        raise TimelineError(f"{path}: cannot create: {e.strerror or e}") from None
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


def _create_exclusive(path: Path, text: str) -> None:
    # For file systems without hard links: O_EXCL still refuses an existing name.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        os.unlink(path)
        raise


def write_atomic(
    path: Path,
    data: str | bytes | Sequence[bytes],
    *,
    mode: int | None = None,
    check: Callable[[], None] | None = None,
) -> None:
    """Write to a temp file in the same folder, fsync, then os.replace over `path`.

    `data` may come in pieces, written one after the other (a large store plus what is added
    to it need not be joined in memory first). Keeps the existing file's permission bits unless
    `mode` is given. Any OS failure (read-only folder, full disk) becomes a TimelineError and
    leaves `path` untouched. `check` runs last, just before the replace; if it raises, nothing
    is replaced.
    """
    pieces = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
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
            for piece in pieces:
                fh.write(piece)
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
