"""Attack: where `--output` writes. Never over the store or its lock; into devices, FIFOs and
stdout rather than over them; never handing the report to another user in a shared folder.

Tests that need other users' files (made with chown) or device nodes (made with mknod) run as
root, as CI does, and are skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading

import pytest

from tests.test_cli import run
from tests.test_write import child_env

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make files owned by another user")
STRANGER = 4077  # a uid and gid no account uses


def unchanged(path, before: bytes) -> bool:
    return path.read_bytes() == before


@pytest.mark.parametrize(
    "target",
    ["events.toml", "./events.toml", "sub/../events.toml", "{abs}", ".events.toml.lock", "sub/../.events.toml.lock"],
)
@pytest.mark.parametrize(
    "command",
    [
        ["list", "--format", "plain"],
        ["show", "law-signed", "--format", "plain"],
        ["show", "law-signed", "--format", "ics"],
    ],
)
def test_output_never_replaces_the_store_or_its_lock(bundled, tmp_path, capsys, target, command):
    """`-o` naming the store or its lock, in any spelling, is refused with exit 2 and the store kept.

    (Without --format, a `.toml` or `.lock` name is refused before that: no format writes it.)
    """
    (tmp_path / "sub").mkdir()
    before = bundled.read_bytes()
    code, out, err = run(capsys, *command, "-o", target.replace("{abs}", str(bundled)))
    assert code == 2, err
    assert "choose another --output" in err and err.count("\n") == 1
    assert unchanged(bundled, before)
    assert not (tmp_path / ".events.toml.lock").exists() or (tmp_path / ".events.toml.lock").read_bytes() == b""


def test_output_through_a_symlink_or_hard_link_to_the_store_is_refused(bundled, tmp_path, capsys):
    """A symlink or a hard link that leads to the store (or its lock) is the store."""
    before = bundled.read_bytes()
    (tmp_path / "alias.md").symlink_to(bundled)
    os.link(bundled, tmp_path / "hard.md")
    (tmp_path / ".events.toml.lock").write_bytes(b"")
    os.link(tmp_path / ".events.toml.lock", tmp_path / "lock-link.txt")
    for target in ("alias.md", "hard.md", "lock-link.txt"):
        code, _, err = run(capsys, "list", "-o", target)
        assert code == 2 and "choose another --output" in err, (target, err)
    assert unchanged(bundled, before) and (tmp_path / "alias.md").is_symlink()


def test_a_store_reached_through_a_link_is_protected_by_its_real_name(bundled, tmp_path, capsys):
    """--file through a symlink: the real file behind it is refused as output too."""
    (tmp_path / "view").mkdir()
    (tmp_path / "view" / "store.toml").symlink_to(bundled)
    before = bundled.read_bytes()
    code, _, err = run(capsys, "list", "--format", "plain", "--file", "view/store.toml", "-o", "events.toml")
    assert code == 2 and "the store" in err
    assert unchanged(bundled, before)


def test_output_to_a_descriptor_open_on_the_store_is_refused(bundled, capsys):
    """/dev/fd/N naming an open handle on the store (as `>> events.toml` would make) is the store."""
    before = bundled.read_bytes()
    fd = os.open(bundled, os.O_WRONLY | os.O_APPEND)
    try:
        code, _, err = run(capsys, "list", "-o", f"/dev/fd/{fd}")
    finally:
        os.close(fd)
    assert code == 2 and "the store" in err
    assert unchanged(bundled, before)


def test_a_fifo_is_written_to_not_replaced(bundled, tmp_path, capsys):
    """A FIFO gets the report through it (a reader receives it) and stays a FIFO."""
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = run(capsys, "list", "--format", "json", "-o", str(fifo))
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].startswith(b"[")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a device node (mknod)")
def test_a_character_device_is_written_to_not_replaced(bundled, tmp_path, capsys):
    """A /dev/null-like device (a node made here, never the real one) stays a device after -o."""
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as e:
        pytest.skip(f"cannot make a device node here: {e.strerror}")
    code, _, err = run(capsys, "list", "-o", str(null))
    assert code == 0, err
    st = os.lstat(null)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)


def test_dev_stdout_is_the_output_not_a_file_to_replace(bundled, tmp_path):
    """-o /dev/stdout writes to the command's stdout: a pipe receives it, a file opened for append keeps its text."""
    argv = [sys.executable, "-m", "timeline", "list", "--format", "json", "-o", "/dev/stdout"]
    piped = subprocess.run(argv, cwd=tmp_path, env=child_env(), capture_output=True)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(b"[")
    log = tmp_path / "log.txt"
    log.write_bytes(b"earlier line\n")
    ino = log.stat().st_ino
    with open(log, "ab") as fh:
        done = subprocess.run(argv, cwd=tmp_path, env=child_env(), stdout=fh, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr
    assert log.read_bytes().startswith(b"earlier line\n[") and log.stat().st_ino == ino


def test_a_new_report_and_a_replaced_one(bundled, tmp_path, capsys):
    """A new file gets the umask's mode; replacing one of ours keeps its mode; a folder is an error."""
    old = os.umask(0o027)
    try:
        assert run(capsys, "list", "-o", "new.md")[0] == 0
        assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640
        (tmp_path / "mine.md").write_text("old", encoding="utf-8")
        (tmp_path / "mine.md").chmod(0o600)
        assert run(capsys, "list", "-o", "mine.md")[0] == 0
        assert stat.S_IMODE((tmp_path / "mine.md").stat().st_mode) == 0o600
    finally:
        os.umask(old)
    (tmp_path / "folder").mkdir()
    code, _, err = run(capsys, "list", "-o", "folder")
    assert code == 2 and "is a folder" in err
    code, _, err = run(capsys, "list", "-o", "missing/report.md")
    assert code == 1 and "does not exist" in err


@pytest.fixture
def sticky(tmp_path):
    """A shared sticky folder like /tmp, and a file there that another user owns (mode 0666)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o1777)
    planted = folder / "planted"
    planted.write_text("the stranger's file\n", encoding="utf-8")
    planted.chmod(0o666)
    os.chown(planted, STRANGER, STRANGER)
    return folder


@ROOT_ONLY
def test_a_symlink_planted_in_a_sticky_folder_is_not_followed(bundled, sticky, capsys):
    """Root's report does not follow another user's symlink in /tmp-like folders, nor becomes that user's file."""
    link = sticky / "report.txt"
    link.symlink_to(sticky / "planted")
    os.lchown(link, STRANGER, STRANGER)
    code, _, err = run(capsys, "list", "-o", str(link))
    assert code == 2 and "protected_symlinks" in err
    assert link.is_symlink() and (sticky / "planted").read_text(encoding="utf-8") == "the stranger's file\n"
    assert sorted(p.name for p in sticky.iterdir()) == ["planted", "report.txt"]  # no file left behind


@ROOT_ONLY
@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_a_file_or_fifo_planted_in_a_sticky_folder_is_not_written(bundled, sticky, capsys, kind):
    """Another user's file or FIFO in a sticky shared folder is refused, as protected_regular/fifos say."""
    target = sticky / "planted"
    if kind == "fifo":
        target.unlink()
        os.mkfifo(target)
        os.chown(target, STRANGER, STRANGER)
    code, _, err = run(capsys, "list", "-o", str(target))
    assert code == 2 and "shared sticky folder" in err
    assert os.lstat(target).st_uid == STRANGER


@ROOT_ONLY
def test_own_and_folder_owner_links_in_a_sticky_folder_are_followed(bundled, sticky, tmp_path, capsys):
    """A symlink the writer made itself in the shared folder leads where it says."""
    (tmp_path / "reports").mkdir()
    link = sticky / "mine.txt"
    link.symlink_to(tmp_path / "reports" / "out.txt")
    assert run(capsys, "list", "-o", str(link))[0] == 0
    assert link.is_symlink() and (tmp_path / "reports" / "out.txt").read_text(encoding="utf-8").startswith("Kyrgyz")


@ROOT_ONLY
def test_another_users_report_is_replaced_by_ours_not_handed_to_them(bundled, tmp_path, capsys):
    """Outside shared folders, root replacing someone's 0666 file makes a file of root's, with root's umask."""
    theirs = tmp_path / "report.txt"
    theirs.write_text("old", encoding="utf-8")
    theirs.chmod(0o666)
    os.chown(theirs, STRANGER, STRANGER)
    old = os.umask(0o022)
    try:
        assert run(capsys, "list", "-o", str(theirs))[0] == 0
    finally:
        os.umask(old)
    st = theirs.stat()
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (os.geteuid(), 0o644)
