"""Writing a report where --output points, without hurting anything that is already there.

- Never over the store or its lock, whatever path leads there (another spelling, a symlink, a
  hard link, /dev/fd/N): the caller names the stores to protect.
- A regular file is replaced whole (a temp file renamed over it), so a reader sees the old
  report or the new; a new file is the writer's, with the writer's umask. A file that belongs
  to someone else is replaced by one of the writer's own: its owner and mode are never handed on.
- A character device (/dev/null), a FIFO and /dev/stdout (or /dev/fd/N) are written to, never
  replaced: they are where the report goes, not files to swap.
- In a sticky folder anyone may write to (/tmp), the rules of the kernel's protected_symlinks,
  protected_regular and protected_fifos hold even where they are switched off: a symlink, file
  or FIFO there that belongs to someone else (other than the folder's owner) is not followed or
  written to, since anyone can plant such a name for root's report to land in.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from timeline.errors import TimelineError, UsageError
from timeline.text import printable
from timeline.write.access import shared_sticky, user_name
from timeline.write.file import current_umask, lock_path, write_atomic

# Names of open file descriptors: the report goes to the descriptor itself.
_DESCRIPTOR = re.compile(r"/dev/(?:(stdout)|(stderr)|fd/([0-9]+))|/proc/(?:self|thread-self)/fd/([0-9]+)")
# What a link under /proc/PID/fd names when the descriptor is not a file on disk.
_ANONYMOUS = ("pipe:", "socket:", "anon_inode:")
_MAX_LINKS = 40  # as the kernel's ELOOP limit


def write_output(target: str, data: str | bytes, *, protect: Iterable[Path] = ()) -> None:
    """Write a report to the file named `target` (see the module docstring for what that means)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    shown = printable(target)
    if not target.strip():
        raise UsageError("--output: the path is empty; give a file name, or leave --output out for stdout")
    protected = list(protect)
    fd = _descriptor(target)
    if fd is not None:
        _refuse_descriptor(fd, shown, protected)
        sys.stdout.flush()
        _write_all(fd, payload, shown)
        return
    path = resolve(Path(target))
    _refuse_protected(path, shown, protected)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        folder = path.parent
        if not folder.is_dir():
            raise TimelineError(f"--output {shown}: the folder {printable(str(folder))} does not exist") from None
        write_atomic(path, payload, mode=0o666 & ~current_umask(), keep_owner=False)
        return
    except OSError as e:
        raise TimelineError(f"--output {shown}: {e.strerror}") from None
    if stat.S_ISREG(st.st_mode):
        _refuse_planted(path, st, shown, "file")
        mine = st.st_uid == os.geteuid()
        # Another user's file is replaced by one of ours, never more open than ours would be.
        mode = stat.S_IMODE(st.st_mode) & 0o777 if mine else st.st_mode & 0o666 & ~current_umask()
        write_atomic(path, payload, mode=mode, keep_owner=False)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        if stat.S_ISFIFO(st.st_mode):
            _refuse_planted(path, st, shown, "FIFO")
        _write_through(path, st, payload, shown)
    elif stat.S_ISDIR(st.st_mode):
        raise UsageError(f"--output {shown}: is a folder; give a file name inside it")
    else:
        raise UsageError(f"--output {shown}: is not a file, character device or FIFO; choose another --output")


def resolve(path: Path) -> Path:
    """`path` with every symlink followed, as open() would, refusing links the kernel's protected_symlinks would.

    The kernel follows a symlink in a sticky world-writable folder only for the symlink's owner
    or when the folder's owner made it. The missing tail of a path is kept as written.
    """
    asked = path
    if not path.is_absolute():
        path = Path.cwd() / path
    pending = list(reversed(path.parts[1:]))
    current = Path(path.parts[0])
    links = 0
    while pending:
        name = pending.pop()
        if name in ("", "."):
            continue
        if name == "..":
            current = current.parent
            continue
        candidate = current / name
        try:
            st = os.lstat(candidate)
        except (FileNotFoundError, NotADirectoryError):
            return candidate.joinpath(*reversed(pending))
        except OSError as e:
            raise TimelineError(f"--output {printable(str(asked))}: {e.strerror}") from None
        if not stat.S_ISLNK(st.st_mode):
            current = candidate
            continue
        links += 1
        if links > _MAX_LINKS:
            raise UsageError(f"--output {printable(str(asked))}: too many levels of symbolic links")
        _refuse_planted_link(candidate, st, asked)
        target = os.readlink(candidate)
        if target.startswith(_ANONYMOUS):  # /proc/PID/fd/N of a pipe or socket: open the link itself
            return candidate.joinpath(*reversed(pending))
        link = Path(target)
        if link.is_absolute():
            current = Path(link.parts[0])
            pending.extend(reversed(link.parts[1:]))
        else:
            pending.extend(reversed(link.parts))
    return current


def _refuse_planted_link(link: Path, st: os.stat_result, asked: Path) -> None:
    folder = os.stat(link.parent)
    if shared_sticky(folder) and st.st_uid not in (os.geteuid(), folder.st_uid):
        raise UsageError(
            f"--output {printable(str(asked))}: {printable(str(link))} is a symlink that {user_name(st.st_uid)} "
            "made in a shared sticky folder; timeline does not follow it (as the kernel's protected_symlinks "
            "rule says); choose another --output"
        )


def _refuse_planted(path: Path, st: os.stat_result, shown: str, what: str) -> None:
    folder = os.stat(path.parent)
    if shared_sticky(folder) and st.st_uid not in (os.geteuid(), folder.st_uid):
        raise UsageError(
            f"--output {shown}: a {what} that {user_name(st.st_uid)} owns in a shared sticky folder; timeline "
            f"does not write into it (as the kernel's protected_regular and protected_fifos rules say); "
            "choose another --output"
        )


def _refuse_protected(path: Path, shown: str, protected: list[Path]) -> None:
    """Refuse a path that is a store being used, or its lock: by name after resolving, or by inode."""
    try:
        st: os.stat_result | None = os.stat(path)
    except OSError:
        st = None
    for store in protected:
        for kept in _guarded(store):
            same = str(path) == os.path.realpath(kept)
            if not same and st is not None:
                try:
                    other = os.stat(kept)
                except OSError:
                    continue
                same = (st.st_dev, st.st_ino) == (other.st_dev, other.st_ino)
            if same:
                raise UsageError(
                    f"--output {shown}: that is {_which(store, kept)}; writing the report there would destroy it; "
                    "choose another --output"
                )


def _refuse_descriptor(fd: int, shown: str, protected: list[Path]) -> None:
    try:
        st = os.fstat(fd)
    except OSError:
        raise UsageError(f"--output {shown}: descriptor {fd} is not open") from None
    for store in protected:
        for kept in _guarded(store):
            try:
                other = os.stat(kept)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (other.st_dev, other.st_ino):
                raise UsageError(
                    f"--output {shown}: that is {_which(store, kept)}; writing the report there would destroy it; "
                    "choose another --output"
                )


def _guarded(store: Path) -> list[Path]:
    real = Path(os.path.realpath(store))
    return [store, real, lock_path(store), lock_path(real)]


def _which(store: Path, kept: Path) -> str:
    try:
        near = os.path.relpath(store)
    except ValueError:
        near = str(store)
    name = printable(os.path.normpath(store) if near.startswith("..") else near)
    return f"the lock file of the store {name}" if kept.name.endswith(".lock") else f"the store {name}"


def _descriptor(target: str) -> int | None:
    m = _DESCRIPTOR.fullmatch(target)
    if m is None:
        return None
    out, err, dev_fd, proc_fd = m.groups()
    return 1 if out else 2 if err else int(dev_fd or proc_fd)


def _write_through(path: Path, st: os.stat_result, payload: bytes, shown: str) -> None:
    """Write into a device or FIFO as it is (a FIFO waits for its reader, as a shell redirection does)."""
    # Only a /proc/PID/fd link to a pipe or socket is still a link here; it must be opened through.
    through = str(path).startswith("/proc/") and path.is_symlink()
    flags = os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0) | (0 if through else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise TimelineError(f"--output {shown}: cannot open: {e.strerror}") from None
    try:
        now = os.fstat(fd)
        # Swapped between the look and the open: write only into what was checked.
        if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            raise TimelineError(f"--output {shown}: changed while opening it; nothing was written")
        _write_all(fd, payload, shown)
    finally:
        os.close(fd)


def _write_all(fd: int, payload: bytes, shown: str) -> None:
    view = memoryview(payload)
    while view:
        try:
            n = os.write(fd, view)
        except BrokenPipeError:
            raise
        except OSError as e:
            if e.errno == errno.EINTR:
                continue
            raise TimelineError(f"--output {shown}: cannot write: {e.strerror}") from None
        view = view[n:]
