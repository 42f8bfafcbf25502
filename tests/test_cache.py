"""timeline.cache: the index answers as a full load does, stays fresh, and is never believed blindly."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import time
from datetime import date
from pathlib import Path

import pytest

from timeline import cache, query, store
from timeline.cache import files
from timeline.errors import StoreError
from timeline.formats import RENDERERS, Context, as_text, get

EXTRA_EVENT = """
[[events]]
id = "cache-test-added"
date = "2024-03-01"
title = "An envoy arrives after the cache was written"
actors = ["kulubaev"]
sources = ["tass"]
"""


@pytest.fixture(autouse=True)
def _cache_small_stores(monkeypatch):
    """The bundled store is small; cache it anyway so that these tests exercise the cache."""
    monkeypatch.setattr(cache, "MIN_BYTES", 0)


def entry_file(path: Path) -> Path:
    return files.location(os.path.realpath(path))


def cached(path: Path):
    s = cache.load(path)
    assert getattr(s.events, "engine", None) is not None, "the store did not come from the cache"
    return s


def answer(s, f: query.Filter, fmt: str = "json") -> str:
    matches = query.ordered(s, f)
    ctx = Context(store=s, width=80, notes=query.notes(matches))
    return as_text(get(fmt)([m.event for m in matches], ctx), width=80)


FILTERS = [
    query.Filter(),
    query.Filter(actors=("kulubaev",)),
    query.Filter(actors=("Jeenbek Kulubaev", "blinken")),
    query.Filter(actors=("foreign minister",)),
    query.Filter(since=date(2024, 2, 10)),
    query.Filter(since=date(2024, 2, 10), strict=True),
    query.Filter(until=date(2023, 12, 31)),
    query.Filter(actors=("kulubaev",), since=date(2024, 1, 1), until=date(2024, 6, 30)),
    query.Filter(texts=("letter",)),
    query.Filter(texts=("the",)),
    query.Filter(tags=("foreign-agents-bill",)),
    query.Filter(sources=("tass", "24kg")),
    query.Filter(texts=('"rare-earth metals"',)),
    query.Filter(query=("between:blinken-letter,law-signed",)),
    query.Filter(query=("not:tag:trade", "since:2024")),
    query.Filter(query=("tag:trade or type:law",)),
    query.Filter(query=("source:tass", "date:2024-02")),
    query.Filter(query=("after:reply-handed-over",), strict=True),
    query.Filter(query=("id:law-signed",)),
    query.Filter(statuses=("reported",)),
    query.Filter(query=("sources>=2", "grade>=C")),
    query.Filter(actors=("Жапаров",)),
]


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_the_index_answers_like_a_full_load_in_every_format(bundled, f):
    """For each filter the events, and every format rendered from them, are the full load's."""
    full = store.load(bundled)
    cache.load(bundled)  # cold: builds the entry
    warm = cached(bundled)
    for name in RENDERERS:
        assert answer(warm, f, name) == answer(full, f, name), name


COMMANDS = [
    ["stats", "--format", "json"],
    ["stats", "--top", "3"],
    ["stats", "--actor", "kulubaev", "--format", "json"],
    ["actors"],
    ["sources"],
    ["tags"],
    ["actors", "show", "japarov"],
    ["show", "reply-handed-over"],
    ["show", "reply-handed-over", "--thread"],
    ["show", "japarov"],
    ["list", "--limit", "3", "--format", "plain"],
    ["list", "--limit", "2", "--reverse", "--format", "json"],
    ["check", "--format", "json"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_every_read_command_answers_the_same_through_the_cache(bundled, capsys, monkeypatch, args):
    """Each command prints the same with the cache cold, warm and off."""
    from tests.test_cli import run

    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    off = run(capsys, *args)
    monkeypatch.delenv("TIMELINE_NO_CACHE")
    cold = run(capsys, *args)
    warm = run(capsys, *args)
    assert cold == off and warm == off


def test_check_keeps_its_findings_until_the_store_changes(bundled, capsys):
    """A second check reads the findings from the entry; an edit (even of an actor) makes it look again."""
    from tests.test_cli import run

    _, first, _ = run(capsys, "check", "--format", "json")
    assert run(capsys, "check", "--format", "json")[1] == first
    text = bundled.read_text(encoding="utf-8")
    bundled.write_text(text + '\n[actors.nobody]\nname = "Nobody At All"\n', encoding="utf-8")
    _, again, _ = run(capsys, "check", "--format", "json")
    assert "nobody" in again and "nobody" not in first


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_a_limited_answer_is_the_first_of_the_full_one(bundled, f, reverse):
    """--limit and --reverse give the full load's first (or last) matches, whatever the index builds."""
    full = query.ordered(store.load(bundled), f, limit=2, reverse=reverse)
    cache.load(bundled)
    assert [m.event for m in query.ordered(cached(bundled), f, limit=2, reverse=reverse)] == [m.event for m in full]


def test_first_load_writes_a_private_entry(bundled, tmp_path):
    """The folder is made 0700 and holds one entry for the store."""
    cache.load(bundled)
    folder = tmp_path / "cache" / "timeline"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert entry_file(bundled).is_file()


def test_a_cached_store_equals_a_full_load(bundled):
    """Every event, actor and source is the same, lines and positions included."""
    cache.load(bundled)
    warm, full = cached(bundled), store.load(bundled)
    assert list(warm.events) == list(full.events)
    assert dict(warm.actors) == dict(full.actors) and dict(warm.sources) == dict(full.sources)
    assert (warm.title, warm.description, dict(warm.check)) == (full.title, full.description, dict(full.check))


def test_off_writes_nothing(bundled, tmp_path, monkeypatch):
    """TIMELINE_NO_CACHE=1 reads the file and leaves no entry."""
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    cache.load(bundled)
    assert not (tmp_path / "cache").exists()


def test_small_stores_are_not_cached(bundled, tmp_path, monkeypatch):
    """Below MIN_BYTES parsing beats the cache, so nothing is written."""
    monkeypatch.setattr(cache, "MIN_BYTES", bundled.stat().st_size + 1)
    cache.load(bundled)
    assert not (tmp_path / "cache").exists()


def test_an_edit_is_seen_and_only_the_changed_block_is_read(bundled, monkeypatch):
    """After a hand edit the entry is updated in place (not rebuilt) and answers the new text."""
    cache.load(bundled)
    text = bundled.read_text(encoding="utf-8")
    bundled.write_text(text.replace("Parliament passes the bill", "The Kenesh passes the bill") + EXTRA_EVENT)
    from timeline.cache import open as opener

    monkeypatch.setattr(opener, "build", _refuse)
    s = cached(bundled)
    assert s.by_id["third-reading"].title.startswith("The Kenesh passes")
    assert s.by_id["cache-test-added"].line == store.load(bundled).by_id["cache-test-added"].line
    assert answer(s, query.Filter(texts=("envoy",))) == answer(store.load(bundled), query.Filter(texts=("envoy",)))


def _refuse(*args, **kwargs):
    raise AssertionError("the entry was rebuilt instead of updated")


def test_same_size_and_time_but_other_text_is_seen(bundled):
    """An edit of equal length with the modification time put back still changes the answer."""
    cache.load(bundled)
    before = bundled.stat()
    text = bundled.read_text(encoding="utf-8").replace("Parliament passes", "Parliament PASSES")
    bundled.write_text(text, encoding="utf-8")
    os.utime(bundled, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert bundled.stat().st_size == before.st_size
    assert "PASSES" in cached(bundled).by_id["third-reading"].title


def test_stat_data_alone_is_not_trusted_while_the_change_is_recent():
    """Racily clean, as git says: a change within the window of the last check means reading again."""
    st = os.stat(__file__)
    changed = max(st.st_mtime_ns, st.st_ctime_ns)
    assert files.racy(st, changed + 1_000)
    assert not files.racy(st, changed + 5 * 10**9)


def test_a_recent_edit_of_the_same_size_with_identical_stat_data_is_caught(bundled, monkeypatch):
    """Even when the stat data matches exactly, a racily clean entry compares the bytes."""
    cache.load(bundled)
    # Pretend the file's stat data never changed: only the bytes can tell.
    real_key = files.stat_key
    key = real_key(bundled.stat())
    monkeypatch.setattr(files, "stat_key", lambda st: key)
    text = bundled.read_text(encoding="utf-8").replace("Parliament passes", "Parliament PASSES")
    bundled.write_text(text, encoding="utf-8")
    assert "PASSES" in cached(bundled).by_id["third-reading"].title


def test_an_update_that_gives_up_leaves_the_entry_as_it_was(bundled):
    """A new head is taken first; when the events then cannot be updated (a duplicate id) and the
    store cannot be built (it has an error), the entry must still describe the old bytes, so that
    the store put back as it was is answered with its old names, not the abandoned head's."""
    cache.load(bundled)
    original = bundled.read_bytes()
    duplicate = EXTRA_EVENT.replace("cache-test-added", "third-reading")
    changed = original.replace(b'name = "Jeenbek Kulubaev"', b'name = "Jeenbek KULUBAEV"') + duplicate.encode()
    bundled.write_bytes(changed)
    with pytest.raises(StoreError, match="third-reading"):
        cache.load(bundled)
    bundled.write_bytes(original)
    assert cached(bundled).actors["kulubaev"].name == "Jeenbek Kulubaev"


def test_a_change_made_while_the_entry_was_built_is_seen(bundled, monkeypatch):
    """The entry is stamped with the time before its bytes were read: a change made after the
    read (here while the entry is built, with identical stat data) stays racy and is compared."""
    from timeline.cache import build as builder

    key = files.stat_key(bundled.stat())
    monkeypatch.setattr(files, "stat_key", lambda st: key)
    parse_all = builder.parse_all

    def parse_then_edit(*args, **kwargs):
        parsed = parse_all(*args, **kwargs)
        bundled.write_text(bundled.read_text(encoding="utf-8").replace("Parliament passes", "Parliament PASSES"))
        time.sleep(3 * files._FINE / 1e9)  # the stamp would be well past the change's window
        return parsed

    monkeypatch.setattr(builder, "parse_all", parse_then_edit)
    cache.load(bundled)
    monkeypatch.setattr(builder, "parse_all", parse_all)
    assert "PASSES" in cached(bundled).by_id["third-reading"].title


def test_a_writer_killed_mid_transaction_leaves_nothing_the_next_command_trips_on(bundled):
    """SIGKILL inside an entry's write transaction leaves a hot journal; the next reader rolls it
    back (a read-only connection could not, and every read would fail) and answers as before."""
    import subprocess
    import sys

    cache.load(bundled)
    where = entry_file(bundled)
    killer = (
        "import os, signal, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA cache_size = 1')\n"  # spill changed pages to the file before commit
        "db.execute('BEGIN IMMEDIATE')\n"
        "db.execute(\"UPDATE meta SET value = 'x' WHERE 1\")\n"
        "db.execute('DELETE FROM events')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", killer, str(where)], check=False)
    assert Path(f"{where}-journal").exists()
    assert answer(cached(bundled), query.Filter()) == answer(store.load(bundled), query.Filter())


def test_check_worked_out_while_the_store_changes_is_not_kept(bundled, monkeypatch):
    """A writer changes the store (and its entry) while `check` works out its findings from the
    old text: those findings must not be kept for the new entry."""
    from timeline import lint

    cache.load(bundled)
    findings = lint.findings

    def findings_then_a_write(*args, **kwargs):
        found = findings(*args, **kwargs)
        with bundled.open("a", encoding="utf-8") as fh:
            fh.write(EXTRA_EVENT)
        cache.load(bundled)  # the entry follows the store, as a writer's own update does
        return found

    monkeypatch.setattr(lint, "findings", findings_then_a_write)
    lint.check_file(bundled)
    monkeypatch.setattr(lint, "findings", findings)
    fresh = lint.run(bundled.read_text(encoding="utf-8"), str(bundled))
    assert lint.check_file(bundled).problems == fresh.problems
    assert any(p.event_id == "cache-test-added" for p in fresh.problems)


def test_a_cache_folder_that_cannot_be_written_is_only_slower(bundled, monkeypatch):
    """A read-only cache folder (a mount, a full disk) means a full load, never an internal error."""
    import errno
    import tempfile

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    loaded = cache.load(bundled)
    assert getattr(loaded.events, "engine", None) is None
    assert answer(loaded, query.Filter()) == answer(store.load(bundled), query.Filter())


def test_a_write_appends_to_an_entry_only_for_the_bytes_it_read(bundled):
    """An entry matches a write's snapshot only by full stat data (ctime too) or by hash: a
    same-size edit with its modification time put back is not the entry's text."""
    from timeline.cache.append import _described
    from timeline.cache.entry import Entry
    from timeline.write.file import snapshot

    cache.load(bundled)
    entry = Entry.open(entry_file(bundled))
    stamp = entry.meta("file")
    entry.close()
    assert _described(stamp, snapshot(bundled))
    before = bundled.stat()
    bundled.write_bytes(bundled.read_bytes().replace(b"Parliament passes", b"Parliament PASSES"))
    os.utime(bundled, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not _described(stamp, snapshot(bundled))


def _flip(data: bytearray, rng: random.Random) -> None:
    at = rng.randrange(len(data))
    data[at] ^= 1 << rng.randrange(8)


def test_a_damaged_entry_is_never_believed(bundled, tmp_path):
    """Random byte flips in the entry give the right answer or a rebuild, never a wrong one or an error."""
    cache.load(bundled)
    good = entry_file(bundled).read_bytes()
    expected = [answer(store.load(bundled), f) for f in FILTERS[:6]]
    rng = random.Random(20241129)
    cases = int(os.environ.get("TIMELINE_CACHE_FLIPS", "40"))
    for _ in range(cases):
        data = bytearray(good)
        for _ in range(rng.randint(1, 3)):
            _flip(data, rng)
        entry_file(bundled).write_bytes(bytes(data))
        got = [answer(cache.load(bundled), f) for f in FILTERS[:6]]
        assert got == expected


@pytest.mark.parametrize(
    "damage",
    [
        lambda f: f.write_bytes(b"this is not a database" * 50),
        lambda f: f.write_bytes(f.read_bytes()[: f.stat().st_size // 2]),
        lambda f: f.write_bytes(b""),
        lambda f: _sql(f, "UPDATE meta SET value = 'garbage' WHERE key = 'head'"),
        lambda f: _sql(f, "UPDATE meta SET value = '0' WHERE key = 'count'"),
        lambda f: _sql(f, "UPDATE events SET data = '{}' WHERE n = 3"),
        lambda f: _sql(f, "DELETE FROM events WHERE n = 2"),
        lambda f: _sql(f, "DELETE FROM blobs WHERE name LIKE 'p:a:%'"),
        lambda f: _sql(f, "DROP INDEX events_id"),
    ],
    ids=["garbage", "truncated", "empty", "head", "count", "row", "missing-row", "missing-posting", "no-index"],
)
def test_each_kind_of_damage_is_detected(bundled, damage):
    """Whatever is wrong with the entry, the answer is the file's."""
    cache.load(bundled)
    expected = [answer(store.load(bundled), f) for f in FILTERS]
    damage(entry_file(bundled))
    assert [answer(cache.load(bundled), f) for f in FILTERS] == expected


def _sql(file: Path, statement: str) -> None:
    db = sqlite3.connect(file)
    db.execute(statement)
    db.commit()
    db.close()


def test_a_store_with_errors_is_not_cached_and_fails_as_a_full_load_does(bundled):
    """The same located error, and no entry left behind."""
    bundled.write_text(bundled.read_text(encoding="utf-8") + '\n[[events]]\nid = "broken"\n', encoding="utf-8")
    with pytest.raises(store.StoreError) as full:
        store.load(bundled)
    with pytest.raises(store.StoreError) as through_cache:
        cache.load(bundled)
    assert through_cache.value.message == full.value.message
    assert not entry_file(bundled).exists()


def test_a_folder_someone_else_can_write_is_not_used(bundled, tmp_path):
    """A group- or world-writable cache folder may hold anything: the store is read in full instead."""
    folder = tmp_path / "cache" / "timeline"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    opened = cache.open_store(bundled)
    assert getattr(opened.store.events, "engine", None) is None
    assert "written by other users" in opened.skipped
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_an_entry_another_user_owns_is_not_read(bundled):
    """A planted entry (owned by someone else) is never opened."""
    cache.load(bundled)
    os.chown(entry_file(bundled), 65534, 65534)
    opened = cache.open_store(bundled)
    assert "belongs to another user" in opened.skipped
    assert list(opened.store.events) == list(store.load(bundled).events)


def test_an_unwritable_cache_folder_is_only_slower(bundled, tmp_path, monkeypatch):
    """When the cache folder cannot be made, loading still works."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert list(cache.load(bundled).events) == list(store.load(bundled).events)


def test_abandoned_build_files_are_swept_and_others_kept(bundled, tmp_path):
    """Only old `.NAME.*.building` files of ours go; anything else in the folder stays."""
    folder = tmp_path / "cache" / "timeline"
    folder.mkdir(parents=True, mode=0o700)
    old = folder / ".x.sqlite.abc.building"
    mine = folder / "notes.txt"
    old.write_text("half")
    mine.write_text("keep")
    os.utime(old, (0, 0))
    cache.load(bundled)
    assert not old.exists() and mine.exists()


def test_a_warning_about_links_comes_from_the_index(bundled):
    """The store's first contradiction is kept with the entry and worded as a full load words it."""
    from timeline.query import order

    text = bundled.read_text(encoding="utf-8")
    bundled.write_text(text + '\n[[events]]\nid = "early"\ndate = "2020"\ntitle = "Too early"\nsources = ["tass"]\n'
                       'after = ["law-signed"]\n', encoding="utf-8")  # fmt: skip
    full = store.load(bundled)
    (event, message), *_ = order.contradictions(full)
    cache.load(bundled)
    assert cached(bundled).events.engine.warning() == (event.file, event.line, message)


def test_limit_without_a_filter_builds_only_what_it_shows(bundled):
    """`list --limit N` reads N events, not the store."""
    cache.load(bundled)
    s = cached(bundled)
    first = query.ordered(s, query.Filter(), limit=2)
    assert [m.event.id for m in first] == [m.event.id for m in query.ordered(store.load(bundled), query.Filter())][:2]
    assert len(s.events.engine._built) == 2


def test_a_copy_of_the_store_elsewhere_has_its_own_entry(bundled, tmp_path):
    """Entries are keyed by real path: a copy is its own store."""
    cache.load(bundled)
    other = tmp_path / "other" / "events.toml"
    other.parent.mkdir()
    shutil.copy(bundled, other)
    cache.load(other)
    assert entry_file(other) != entry_file(bundled) and entry_file(other).exists()


def test_toml_dates_and_odd_text_survive_the_cache(tmp_path):
    """Unquoted TOML dates (in offices and events), CRLF, a BOM and non-ASCII text read back the same."""
    path = tmp_path / "odd.toml"
    text = (
        '[actors.k]\nname = "Кулубаев"\nroles = [{ title = "Minister", start = 2022-04-22 }]\n\n'
        '[sources.s]\nname = "S"\n\n'
        '[[events]]\nid = "a"\ndate = 2024-02-09\ntitle = "Встреча «в верхах»"\nactors = ["k"]\nsources = ["s"]\n\n'
        '[[events]]\nid = "b"\ndate = "2024-02-10T10:00:00+06:00"\ntitle = "Reply"\nin_response_to = ["a"]\n'
    )
    path.write_bytes("\ufeff".encode() + text.replace("\n", "\r\n").encode())
    cache.load(path)
    warm = cached(path)
    assert list(warm.events) == list(store.load(path).events)
    assert dict(warm.actors) == dict(store.load(path).actors)
