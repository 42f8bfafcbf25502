"""Attack: a store a team shares through a group, written by several users in turn.

Each user is a forked copy of this test process that drops to another uid, with the team as a
supplementary group, and runs the command in-process (no new interpreter, so nothing depends on
other users being able to read the virtual environment). Needs root to change uid; skipped
otherwise, as on a developer's machine.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from timeline.cli import main

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run commands as other users")

TEAM = 4242  # the shared group
ALICE, BOB, CAROL = 4201, 4202, 4203  # alice and bob are in the team, carol is not
STORE = '[sources.s]\nname = "S"\n'


def as_user(uid: int, groups: list[int], folder, *args: str) -> tuple[int, str]:
    """Run `timeline ARGS` in `folder` as `uid` with supplementary `groups`; return exit code and stderr."""
    err_path = folder.parent / f"err-{uid}-{os.getpid()}.txt"
    err_fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    out_fd = os.open(os.devnull, os.O_WRONLY)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the other user
        code = 99
        try:
            os.dup2(out_fd, 1)
            os.dup2(err_fd, 2)
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
            os.chdir(folder)
            os.environ["TIMELINE_NO_CACHE"] = "1"
            os.setgroups(groups)
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.umask(0o022)  # a usual umask: it would make new files 0644 without the fix
            main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 0
        except BaseException as e:  # noqa: BLE001
            sys.stderr.write(f"{type(e).__name__}: {e}\n")
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(err_fd)
    os.close(out_fd)
    _, status = os.waitpid(pid, 0)
    err = err_path.read_text(encoding="utf-8")
    err_path.unlink()
    return os.waitstatus_to_exitcode(status), err


@pytest.fixture
def shared(tmp_path, capsys):
    """A team folder (group TEAM, setgid, 2775) holding a store alice made, group-writable (0664)."""
    import shutil
    import tempfile

    from tests.test_cli import run

    # Load every module the commands use while still root: the other users may not read them.
    warm = tmp_path / "warm"
    warm.mkdir()
    (warm / "events.toml").write_text(STORE, encoding="utf-8")
    (warm / "rows.csv").write_text("date,title,sources\n2024,Warm,s\n", encoding="utf-8")
    for args in (["add", "--date", "2024", "--title", "Warm"], ["import", "rows.csv"], ["check"]):
        run(capsys, *args, "--file", str(warm / "events.toml"))
    run(capsys, "add", "--date", "2024", "--title", "x", "--file", str(warm / "missing.toml"))
    # pytest's own temporary folders are private to root; the team's must be reachable by its members.
    base = Path(tempfile.mkdtemp(prefix="timeline-team-"))
    base.chmod(0o755)
    folder = base / "team"
    folder.mkdir()
    os.chown(folder, ALICE, TEAM)
    folder.chmod(0o2775)
    store = folder / "events.toml"
    store.write_text(STORE, encoding="utf-8")
    os.chown(store, ALICE, TEAM)
    store.chmod(0o664)
    (folder / "rows.csv").write_text("date,title,sources\n2024-05,Imported by bob,s\n", encoding="utf-8")
    yield folder
    shutil.rmtree(base)


def test_every_member_can_write_after_any_other(shared):
    """alice, bob, alice, bob: each write works; the store and its lock stay group TEAM, mode 0664."""
    store, lock = shared / "events.toml", shared / ".events.toml.lock"
    steps = [(ALICE, "First by alice"), (BOB, "Then bob"), (ALICE, "Alice again"), (BOB, "Bob again")]
    for uid, title in steps:
        code, err = as_user(uid, [TEAM], shared, "add", "--date", "2024", "--title", title, "--source", "s")
        assert code == 0, (uid, err)
        st, lk = store.stat(), lock.stat()
        assert (st.st_gid, stat.S_IMODE(st.st_mode)) == (TEAM, 0o664)
        assert (lk.st_gid, stat.S_IMODE(lk.st_mode)) == (TEAM, 0o664)
    code, err = as_user(BOB, [TEAM], shared, "import", "rows.csv")
    assert code == 0, err
    text = store.read_text(encoding="utf-8")
    assert all(title in text for _, title in steps) and "Imported by bob" in text


def test_without_setgid_the_group_is_kept_all_the_same(shared):
    """In a folder without the setgid bit, a new copy would take the writer's group; it keeps the store's."""
    shared.chmod(0o775)
    for uid in (BOB, ALICE, BOB):
        code, err = as_user(uid, [TEAM], shared, "add", "--date", "2024", "--title", f"By {uid}", "--source", "s")
        assert code == 0, err
        assert (shared / "events.toml").stat().st_gid == TEAM


def test_an_old_lock_without_group_write_still_locks(shared):
    """A lock file left 0644 by an older version is still usable by the group (flock needs only reading)."""
    lock = shared / ".events.toml.lock"
    lock.write_bytes(b"")
    os.chown(lock, ALICE, TEAM)
    lock.chmod(0o644)
    code, err = as_user(BOB, [TEAM], shared, "add", "--date", "2024", "--title", "Bob", "--source", "s")
    assert code == 0, err


def test_an_outsider_is_told_what_is_actually_wrong(shared):
    """carol is not in the team: the message names the group and says to join it, not 'chmod u+w'."""
    before = (shared / "events.toml").read_bytes()
    code, err = as_user(CAROL, [], shared, "add", "--date", "2024", "--title", "Carol", "--source", "s")
    assert code == 1
    assert "not in that group" in err and "gid 4242" in err and "chmod u+w" not in err
    assert err.count("\n") == 1
    assert (shared / "events.toml").read_bytes() == before


def test_a_member_s_store_in_a_private_mode_says_whose_it_is(shared):
    """A store only its owner may write (0644): another member is told the owner, and 'chmod g+w'."""
    (shared / "events.toml").chmod(0o644)
    code, err = as_user(BOB, [TEAM], shared, "add", "--date", "2024", "--title", "Bob", "--source", "s")
    assert code == 1
    assert "belongs to uid 4201" in err and "chmod g+w" in err and "chmod u+w" not in err


def test_a_lock_no_member_may_open_says_whose_it_is(shared):
    """A lock file only its owner can open (0600): the message names the owner and the fix, nothing is written."""
    lock = shared / ".events.toml.lock"
    lock.write_bytes(b"")
    os.chown(lock, ALICE, TEAM)
    lock.chmod(0o600)
    before = (shared / "events.toml").read_bytes()
    code, err = as_user(BOB, [TEAM], shared, "add", "--date", "2024", "--title", "Bob", "--source", "s")
    assert code == 1
    assert "lock file" in err and "uid 4201" in err and "chmod g+rw" in err
    assert (shared / "events.toml").read_bytes() == before


def test_an_owner_outside_the_group_cannot_take_the_store_from_it(shared):
    """alice, no longer in the team, may write her file, but a new copy would leave the team's group: refused."""
    shared.chmod(0o775)  # no setgid: a new file would get alice's own group
    os.chown(shared, ALICE, ALICE)
    before = (shared / "events.toml").read_bytes()
    code, err = as_user(ALICE, [], shared, "add", "--date", "2024", "--title", "Alone", "--source", "s")
    assert code == 1
    assert "gid 4242" in err and "members would lose access" in err
    assert (shared / "events.toml").read_bytes() == before
    assert (shared / "events.toml").stat().st_gid == TEAM
