"""Files on disk written safely: a snapshot of the store's bytes, and replacing or creating a file
all at once (readers see the old bytes or the new, never half of either). The lock is in
`timeline.write.lock` (its names are importable from here too).

The pieces `timeline.write` builds its transactions from, `timeline edit` its whole-file save,
and `--output` its reports.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from timeline.errors import StoreError, TimelineError
from timeline.text import printable
from timeline.write.lock import lock_path as lock_path
from timeline.write.lock import locked as locked


def real_path(path: Path) -> Path:
    """The file a symlinked store points to, so that replacing it keeps the link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def file_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "is not a regular file"


def require_regular(path: Path, mode: int) -> None:
    """Refuse a store that is not a regular file: writes replace it whole, which a device or FIFO cannot be."""
    what = file_kind(mode)
    if what:
        raise StoreError(
            f"{printable(str(path))}: {what}, not a store file; timeline writes only to a regular .toml file; "
            "pass the store file itself"
        )


def check_writable(path: Path) -> None:
    """Refuse early, and say why, when the store is not a regular file or it or its folder is read-only or missing."""
    from timeline.write.access import why_folder_not_writable, why_not_writable

    name = printable(str(path))
    try:
        st = path.stat()
    except FileNotFoundError:
        raise StoreError(f"{name}: no such file; create it with 'timeline init {name}' or check the path") from None
    except OSError as e:
        raise StoreError(f"{name}: cannot read: {e.strerror}") from None
    require_regular(path, st.st_mode)
    problem = why_not_writable(path, st)
    if problem:
        raise TimelineError(f"{name}: {problem}; nothing was written")
    folder = path.parent if str(path.parent) else Path(".")
    problem = why_folder_not_writable(folder)
    if problem:
        raise TimelineError(f"{name}: {problem}; a safe write needs a temporary file there; nothing was written")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A file's bytes and identity as read, to tell later whether anyone changed it."""

    data: bytes
    key: tuple[int, int, int]  # size, mtime_ns, inode
    st: os.stat_result | None = None  # of the open file the bytes came from
    since: int = 0  # time.time_ns() before the read: no change after the read can be older


def snapshot(path: Path) -> Snapshot:
    """Read the file once, with the stat of the same open file; anything but a regular file is refused."""
    name = printable(str(path))
    since = time.time_ns()
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise StoreError(f"{name}: no such file; create it with 'timeline init {name}' or check the path") from None
    except OSError as e:
        raise StoreError(f"{name}: cannot read: {e.strerror}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        require_regular(path, st.st_mode)
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read()
        except OSError as e:
            raise StoreError(f"{name}: cannot read: {e.strerror}") from None
    return Snapshot(data, (st.st_size, st.st_mtime_ns, st.st_ino), st, since)


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
            f"{printable(str(path))}: the file changed while this command was writing (saved from an editor?); "
            "nothing was written; run the command again"
        )


# Temporary files are named for the store, the program and the writer's process, so that the
# sweep below can tell them from anyone else's files (".events.toml.20240101.tmp" is a person's).
_TEMP_TAG = "timeline"


def temp_prefix(path: Path) -> str:
    """The start of this process's temporary files beside `path`: .NAME.timeline-PID-"""
    return f".{_temp_stem(path)}.{_TEMP_TAG}-{os.getpid()}-"


def _temp_stem(path: Path) -> str:
    # File names are limited to 255 bytes: a long store name is cut so its temp names still fit.
    return path.name.encode("utf-8", "surrogateescape")[:150].decode("utf-8", "ignore")


def sweep(path: Path) -> None:
    """Remove temp files that writers of this store left when they were killed.

    Only names that only timeline makes (.NAME.timeline-PID-XXXXXXXX.tmp, from mkstemp), only
    regular files, only when that process is gone; and this runs under the store's lock, which
    every live writer of the store holds while its temp file exists.
    """
    import re

    pattern = re.compile(rf"\.{re.escape(_temp_stem(path))}\.{_TEMP_TAG}-([0-9]+)-[a-z0-9_]{{8}}\.tmp")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for n in names:
        m = pattern.fullmatch(n)
        if m is None or _alive(int(m.group(1))):
            continue
        with suppress(OSError):
            if stat.S_ISREG(os.lstat(folder / n).st_mode):
                os.unlink(folder / n)


def _alive(pid: int) -> bool:
    """Is there a process `pid` (ours or anyone's)? A reused pid errs on the side of keeping the file."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def replace(path: Path, before: Snapshot, data: bytes) -> None:
    """Replace the whole store with `data`, only if it is still exactly what `before` read."""
    path = real_path(path)
    check_writable(path)
    with locked(path):
        sweep(path)
        now = snapshot(path)
        if now.data != before.data:
            raise TimelineError(
                f"{printable(str(path))}: someone else changed the store while you were editing; it was not replaced"
            )
        write_atomic(path, data, check=lambda: ensure_unchanged(path, now))


def create(path: Path, text: str) -> None:
    """Write a new file in full or not at all, refusing (race-free) when `path` exists."""
    import errno

    folder = path.parent if str(path.parent) else Path(".")
    name = printable(str(path))
    if path.exists() or path.is_symlink():
        raise TimelineError(f"{name}: already exists; 'timeline init' never overwrites a store")
    data = [text.encode("utf-8")]
    tmp = None
    try:
        tmp = _filled_temp(path, folder, data, ".new")
        os.chmod(tmp, 0o666 & ~current_umask())
        try:
            # link() fails when the name exists: a store made meanwhile is never overwritten.
            os.link(tmp, path)
        except OSError as e:
            if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
                raise
            _create_exclusive(path, data)
        _fsync_dir(folder)
    except FileExistsError:
        raise TimelineError(f"{name}: already exists; 'timeline init' never overwrites a store") from None
    except OSError as e:
        raise TimelineError(f"{name}: cannot create: {e.strerror or e}") from None
    finally:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)


def _create_exclusive(path: Path, data: Sequence[bytes]) -> None:
    # For file systems without hard links: O_EXCL still refuses an existing name.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        _write_synced(fd, data)
    except OSError:
        os.unlink(path)
        raise


def _filled_temp(path: Path, folder: Path, data: Sequence[bytes], suffix: str) -> str:
    """A new temp file beside `path` (named so the sweep knows it) holding `data`, on disk; its name."""
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=suffix, dir=folder)
    try:
        _write_synced(fd, data)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _write_synced(fd: int, data: Sequence[bytes]) -> None:
    """Write the pieces to `fd`, flushed to the disk, and close it."""
    with os.fdopen(fd, "wb") as fh:
        for piece in data:
            fh.write(piece)
        fh.flush()
        os.fsync(fh.fileno())


def write_atomic(
    path: Path,
    data: str | bytes | Sequence[bytes],
    *,
    mode: int | None = None,
    check: Callable[[], None] | None = None,
    keep_owner: bool = True,
) -> None:
    """Write to a temp file in the same folder, fsync, then os.replace over `path`.

    `data` may come in pieces, written one after the other (a large store plus what is added
    to it need not be joined in memory first). Keeps the existing file's permission bits unless
    `mode` is given, and (with `keep_owner`) its group, and its owner when root writes, so that a
    store shared through a group stays writable by the group. Any OS failure (read-only folder,
    full disk) becomes a TimelineError and leaves `path` untouched. `check` runs last, just
    before the replace; if it raises, nothing is replaced.
    """
    staged = stage(path, data, mode=mode, keep_owner=keep_owner)
    try:
        if check is not None:
            check()
        staged.commit()
    finally:
        staged.discard()


@dataclass
class Staged:
    """A file's new bytes written and synced beside it, not yet in its place (`write_atomic` in two
    steps, so that several files can all be staged before any is replaced)."""

    path: Path
    tmp: str | None

    def commit(self) -> None:
        """Put the new bytes in place (a rename in the same folder)."""
        folder = self.path.parent if str(self.path.parent) else Path(".")
        try:
            assert self.tmp is not None, "committed twice"
            os.replace(self.tmp, self.path)
            self.tmp = None
            _fsync_dir(folder)
        except OSError as e:
            raise TimelineError(
                f"{printable(str(self.path))}: cannot write: {e.strerror or e}; the file was not changed"
            ) from None

    def discard(self) -> None:
        """Remove the temp file unless it was committed."""
        if self.tmp is not None:
            with suppress(OSError):
                os.unlink(self.tmp)
            self.tmp = None


def stage(
    path: Path, data: str | bytes | Sequence[bytes], *, mode: int | None = None, keep_owner: bool = True
) -> Staged:
    """The first step of `write_atomic`: the new bytes in a synced temp file with the file's mode and owner."""
    pieces = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    folder = path.parent if str(path.parent) else Path(".")
    old = None
    try:
        old = path.stat()
        if mode is None:
            mode = old.st_mode & 0o7777
    except FileNotFoundError:
        if mode is None:
            mode = 0o666 & ~current_umask()
    tmp = None
    try:
        tmp = _filled_temp(path, folder, pieces, ".tmp")
        if keep_owner and old is not None:
            _keep_owner(path, tmp, old, mode)
        # After chown, which may clear set-id bits.
        os.chmod(tmp, mode)
    except OSError as e:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)
        raise TimelineError(
            f"{printable(str(path))}: cannot write: {e.strerror or e}; the file was not changed"
        ) from None
    return Staged(path, tmp)


def _keep_owner(path: Path, tmp: str, old: os.stat_result, mode: int) -> None:
    """Give the new file the old one's owner (root only) and group, or refuse when losing the group matters."""
    from timeline.write.access import group_name, user_name

    if os.geteuid() == 0:
        # Root writing someone's file keeps it theirs.
        with suppress(OSError):
            os.chown(tmp, old.st_uid, old.st_gid)
        return
    new = os.stat(tmp)
    if new.st_gid == old.st_gid:
        return
    try:
        os.chown(tmp, -1, old.st_gid)  # allowed for any group the writer is in
    except OSError:
        # The replaced file would belong to another group; refuse when that group had rights
        # others lack, since its members could no longer write the store.
        if (mode >> 3) & 0o7 != mode & 0o7:
            raise TimelineError(
                f"{printable(str(path))}: the file belongs to group {group_name(old.st_gid)}, which you "
                f"({user_name(os.geteuid())}) are not in, so a new copy could not keep that group and its "
                "members would lose access; ask to be added to the group; the file was not changed"
            ) from None


def current_umask() -> int:
    """The process's umask (reading it means setting it; it is set straight back)."""
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
