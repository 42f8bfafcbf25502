"""The store's lock: a hidden sidecar file every writer of the store holds while it writes.

Made with the store's permissions and group, so that every member of a group sharing the store
can take it; never opened through a symlink or as a FIFO.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from timeline.errors import TimelineError
from timeline.text import printable


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

    fd = _open_lock(path, lock_path(path))
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


def _open_lock(path: Path, target: Path) -> int:
    """Open the lock file, creating it with the store's permissions and group so every member can lock it."""
    from timeline.write.access import user_name

    # Never through a symlink, nor blocking on a FIFO someone put there: a lock is a plain file.
    flags = os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    name = printable(str(path))
    try:
        fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL | flags, 0o600)
    except FileExistsError:
        fd = -1
    except OSError as e:
        raise TimelineError(
            f"{name}: cannot create the lock file {printable(target.name)}: {e.strerror}; nothing was written"
        ) from None
    if fd >= 0:
        _share_like(fd, path)
        return fd
    # flock() needs only read access (on a local disk), so a lock file another member made
    # without group write permission (as earlier versions did) still serves.
    for mode in (os.O_RDWR, os.O_RDONLY):
        try:
            fd = os.open(target, mode | flags)
        except PermissionError:
            continue
        except OSError as e:
            why = "it is a symlink; a lock file must be a plain file" if e.errno == errno.ELOOP else e.strerror
            raise TimelineError(
                f"{name}: cannot use the lock file {printable(target.name)}: {why}; remove it "
                "(it holds no data) when no timeline command is writing; nothing was written"
            ) from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise TimelineError(
                f"{name}: the lock file {printable(target.name)} is not a plain file; remove it "
                "when no timeline command is writing; nothing was written"
            )
        return fd
    try:
        st = os.lstat(target)
        whose = f"it belongs to {user_name(st.st_uid)} (mode {stat.S_IMODE(st.st_mode):04o})"
    except OSError:
        whose = "permission denied"
    raise TimelineError(
        f"{name}: cannot open the lock file {printable(target.name)}: {whose}; ask its owner to run 'chmod g+rw' "
        "on it, or remove it (it holds no data) when no timeline command is writing; nothing was written"
    )


def _share_like(fd: int, path: Path) -> None:
    """Give a new lock file the store's permission bits (not the writer's umask) and its group."""
    try:
        st = os.stat(path)
    except OSError:
        return
    with suppress(OSError):
        # Root making the lock for someone's store leaves it theirs; anyone else keeps its group.
        os.fchown(fd, st.st_uid if os.geteuid() == 0 else -1, st.st_gid)
    with suppress(OSError):
        os.fchmod(fd, st.st_mode & 0o666)
