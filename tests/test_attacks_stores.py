"""Attack: stores that are not files, and temp files that are not timeline's.

Every write command is pointed at a folder, a FIFO and a device: each must refuse at once, with
exit 1, and leave no lock file (they used to read /dev/zero until memory ran out, wait on a FIFO
forever, and leave `.somedir.lock` behind). They run as subprocesses with a time and memory
limit, so that a regression fails instead of hanging the suite.

Quick by default; TIMELINE_ATTACKS=full runs every write command (and --dry-run) against every
kind of non-file.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys

import pytest

from tests.test_cli import run
from tests.test_write import SMALL, child_env, small_store

FULL = os.environ.get("TIMELINE_ATTACKS") == "full"

WRITES = {
    "add": ["add", "--date", "2024", "--title", "New", "--no-input"],
    "add --dry-run": ["add", "--date", "2024", "--title", "New", "--no-input", "--dry-run"],
    "actors add": ["actors", "add", "Ada Lovelace"],
    "sources add": ["sources", "add", "Wire"],
    "import": ["import", "rows.csv"],
}
QUICK = ("add", "import")


def _limited() -> None:
    # 1 GiB of address space: reading /dev/zero into memory fails fast instead of swapping.
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def timeline(cwd, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `timeline ARGS` as a process with a time and memory limit."""
    return subprocess.run(
        [sys.executable, "-m", "timeline", *args],
        cwd=cwd,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limited,
    )


def _nonfile(tmp_path, kind: str):
    target = tmp_path / f"store-{kind}"
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        try:
            os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 5))  # a /dev/zero of our own
        except OSError as e:
            pytest.skip(f"cannot make a device node here (needs root): {e.strerror}")
    return target


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
@pytest.mark.parametrize("command", list(WRITES) if FULL else QUICK)
def test_write_commands_refuse_what_is_not_a_file(tmp_path, kind, command):
    """add, import, actors/sources add (and --dry-run) refuse a folder, FIFO or device, and create no lock."""
    target = _nonfile(tmp_path, kind)
    (tmp_path / "rows.csv").write_text("date,title\n2024,Imported\n", encoding="utf-8")
    done = timeline(tmp_path, *WRITES[command], "--file", target.name)
    assert done.returncode == 1, done.stderr
    assert "not a store file" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / f".{target.name}.lock").exists()


def test_a_symlink_to_a_fifo_is_refused_too(tmp_path):
    """The check follows symlinks: a link to a FIFO is a FIFO."""
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "events.toml").symlink_to(tmp_path / "pipe")
    done = timeline(tmp_path, "add", "--date", "2024", "--title", "x", "--no-input", "--file", "events.toml")
    assert done.returncode == 1 and "FIFO" in done.stderr


def test_import_refuses_a_device_as_its_input(tmp_path):
    """`import /dev/zero` (or stdin from it) is refused at once instead of reading until memory runs out."""
    small_store(tmp_path)
    done = timeline(tmp_path, "import", "/dev/zero")
    assert done.returncode == 2 and "is a device" in done.stderr, done.stderr
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([sys.executable, "-m", "timeline", "import", "-"], cwd=tmp_path, env=child_env(),
                              stdin=zero, capture_output=True, text=True, timeout=30, preexec_fn=_limited)  # fmt: skip
    assert done.returncode == 2 and "is a device" in done.stderr, done.stderr


def test_reading_commands_still_accept_a_pipe(tmp_path, capsys):
    """The read path keeps reading a store from a pipe (process substitution), as before."""
    small_store(tmp_path)
    with open(tmp_path / "events.toml", "rb") as fh:
        code, out, err = run(capsys, "list", "--format", "json", "--file", f"/dev/fd/{fh.fileno()}")
    assert code == 0, err


# --- the temp-file sweep --------------------------------------------------------------------

USERS_FILES = [".events.toml.20240101.tmp", ".events.toml.mybackup.tmp", ".events.toml.abcd1234.tmp"]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_sweep_leaves_files_timeline_did_not_make(tmp_path, capsys):
    """Backups named like old temp files (.events.toml.20240101.tmp) survive an add."""
    small_store(tmp_path)
    for name in USERS_FILES:
        (tmp_path / name).write_text("a person's backup\n", encoding="utf-8")
    assert run(capsys, "add", "--date", "2024", "--title", "New")[0] == 0
    for name in USERS_FILES:
        assert (tmp_path / name).read_text(encoding="utf-8") == "a person's backup\n", name


def test_the_sweep_removes_only_what_a_dead_writer_left(tmp_path, capsys):
    """A timeline temp file of a process that is gone is removed; one of a live process, or a folder, is not."""
    small_store(tmp_path)
    dead = tmp_path / f".events.toml.timeline-{_dead_pid()}-abcd_123.tmp"
    dead.write_text("half a store", encoding="utf-8")
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        alive = tmp_path / f".events.toml.timeline-{live.pid}-abcd_123.tmp"
        alive.write_text("being written", encoding="utf-8")
        folder = tmp_path / f".events.toml.timeline-{_dead_pid()}-folder12.tmp"
        folder.mkdir()
        assert run(capsys, "add", "--date", "2024", "--title", "New")[0] == 0
    finally:
        live.kill()
        live.wait()
    assert not dead.exists()
    assert alive.read_text(encoding="utf-8") == "being written"
    assert folder.is_dir()
    assert SMALL in (tmp_path / "events.toml").read_text(encoding="utf-8")


def test_temp_files_carry_the_writer_s_mark(tmp_path, monkeypatch):
    """What a write leaves when killed is named .NAME.timeline-PID-XXXXXXXX.tmp, which the sweep knows."""
    from timeline.write import file as store_file

    names = []
    real_mkstemp = store_file.tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real_mkstemp(*args, **kwargs)
        names.append(os.path.basename(name))
        return fd, name

    monkeypatch.setattr(store_file.tempfile, "mkstemp", spy)
    store_file.write_atomic(tmp_path / "events.toml", "x = 1\n")
    assert len(names) == 1 and names[0].startswith(f".events.toml.timeline-{os.getpid()}-")
    assert names[0].endswith(".tmp")


def test_utf32_is_named_as_utf32(tmp_path, capsys):
    """A UTF-32 store is reported as UTF-32, not UTF-16 (their byte-order marks share two bytes)."""
    for encoding in ("utf-32", "utf-32-be"):
        (tmp_path / "events.toml").write_bytes(SMALL.encode(encoding))
        code, _, err = run(capsys, "list")
        assert code == 1 and "UTF-32" in err and "UTF-16" not in err, err
