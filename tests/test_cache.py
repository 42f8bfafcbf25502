"""The parsed-store cache and its index: used when fresh, ignored when stale, damaged or off."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from timeline import cache, query, store
from timeline.cache import index
from timeline.formats import RENDERERS, Context, as_text, get
from timeline.query import order

EXTRA_EVENT = """
[[events]]
id = "cache-test-added"
date = "2024-03-01"
title = "An event added after the cache was written"
actors = ["kulubaev"]
sources = ["tass"]
"""


@pytest.fixture(autouse=True)
def _cache_small_stores(monkeypatch):
    """The bundled store is small; cache it anyway so these tests exercise the cache."""
    monkeypatch.setattr(cache, "MIN_BYTES", 0)


def entry_file(path: Path) -> Path:
    return cache.location(path)


def load_ids(path: Path) -> list[str]:
    return [e.id for e in cache.load(path).events]


def test_first_load_writes_an_entry_in_the_cache_folder(bundled, tmp_path):
    """A load of a valid store leaves one entry under $XDG_CACHE_HOME/timeline and no temp files."""
    cache.load(bundled)
    files = list((tmp_path / "cache" / "timeline").iterdir())
    assert files == [entry_file(bundled)]


def test_cached_load_equals_a_fresh_parse(bundled, monkeypatch):
    """The store and problems from the cache equal those from parsing the file."""
    first = cache.validate(bundled)
    cached = cache.validate(bundled)
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    assert cached == first == cache.validate(bundled)


def test_cache_is_really_consulted_and_the_variable_bypasses_it(bundled, monkeypatch):
    """A doctored entry shows through while fresh, and TIMELINE_NO_CACHE=1 ignores it."""
    cache.load(bundled)
    _doctor_first_title(entry_file(bundled), "Doctored")
    assert cache.load(bundled).events[0].title == "Doctored"
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    assert cache.load(bundled).events[0].title != "Doctored"


def test_off_writes_nothing(bundled, tmp_path, monkeypatch):
    """With TIMELINE_NO_CACHE=1 no cache folder is made."""
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    cache.load(bundled)
    assert not (tmp_path / "cache").exists()


def test_stale_entry_gives_the_new_answer_and_is_rebuilt(bundled):
    """After the store changes, the load sees the change and the entry is rewritten."""
    before = load_ids(bundled)
    key = _stored_key(entry_file(bundled))
    with open(bundled, "a", encoding="utf-8") as fh:
        fh.write(EXTRA_EVENT)
    assert load_ids(bundled) == [*before, "cache-test-added"]
    assert _stored_key(entry_file(bundled)) != key


def test_same_size_and_time_but_other_text_is_caught_by_the_digest(bundled):
    """An edit that keeps size and modification time still gives the new text on a full load."""
    cache.load(bundled)
    st = bundled.stat()
    text = bundled.read_text(encoding="utf-8")
    old = cache.load(bundled).events[0].title
    new = old[:-1] + ("X" if old[-1] != "X" else "Y")
    bundled.write_text(text.replace(f'title = "{old}"', f'title = "{new}"', 1), encoding="utf-8")
    os.utime(bundled, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert bundled.stat().st_size == st.st_size
    assert cache.load(bundled).events[0].title == new


@pytest.mark.parametrize(
    "damage",
    [
        lambda f: f.write_bytes(b"this is not a database" * 50),
        lambda f: f.write_bytes(f.read_bytes()[: f.stat().st_size // 2]),
        lambda f: f.write_bytes(b""),
        lambda f: _set_meta(f, "head", b"\x80\x05garbage"),
        lambda f: _set_meta(f, "count", 0),
        lambda f: _set_meta(f, "key", "(0, 'another version')"),
    ],
    ids=["garbage", "truncated", "empty", "unpicklable", "wrong-count", "other-version"],
)
def test_damaged_entry_is_ignored_and_rebuilt(bundled, damage):
    """Whatever is wrong with the entry, the answer is the file's and a good entry replaces it."""
    expected = cache.validate(bundled)
    damage(entry_file(bundled))
    assert cache.validate(bundled) == expected
    assert _stored_key(entry_file(bundled)) == cache.Entry(bundled).key


def test_store_with_errors_is_not_cached(bundled, tmp_path):
    """A store that fails to load leaves no entry behind."""
    bundled.write_text(bundled.read_text(encoding="utf-8") + '\n[[events]]\nid = "broken"\n', encoding="utf-8")
    with pytest.raises(store.StoreError):
        cache.load(bundled)
    assert not entry_file(bundled).exists()


def test_unwritable_cache_folder_is_only_slower(bundled, tmp_path, monkeypatch):
    """When the cache folder cannot be made, loading still works."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_ids(bundled) == load_ids(bundled)


def test_small_stores_are_not_cached(bundled, tmp_path, monkeypatch):
    """Below MIN_BYTES parsing beats the cache, so nothing is written."""
    monkeypatch.setattr(cache, "MIN_BYTES", bundled.stat().st_size + 1)
    cache.load(bundled)
    assert not (tmp_path / "cache").exists()


# --- the index: `list` answers from it must equal answers from a full load -------------------

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
]


def full_answer(path: Path, f: query.Filter) -> tuple[list, Context]:
    s = cache.load(path)
    placement = order.place(s)
    matches = query.match(s, f)
    return order.sort_events(s, [m.event for m in matches], placement), Context(store=s, width=80)


def index_answer(path: Path, f: query.Filter) -> tuple[list, Context]:
    v = index.view(path, f)
    assert v is not None
    matches = query.match(v.store, f)
    return order.sort_events(v.store, [m.event for m in matches], v.placement), Context(store=v.store, width=80)


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_index_answers_like_a_full_load_in_every_format(bundled, f):
    """For each filter, the events and every format rendered from them are the same, byte for byte."""
    cache.load(bundled)
    full, full_ctx = full_answer(bundled, f)
    fast, fast_ctx = index_answer(bundled, f)
    assert fast == full
    for name in RENDERERS:
        # iCalendar's stamp comes from the events, not the clock, so no format needs an exception.
        a = as_text(get(name)(full, full_ctx), width=80)
        assert as_text(get(name)(fast, fast_ctx), width=80) == a, name


def test_prepare_gives_the_same_listing_cold_warm_and_off(bundled, monkeypatch):
    """`prepare` (what `list` calls) answers alike on a first run, a cached run and with the cache off."""
    f = query.Filter(actors=("kulubaev",), since=date(2024, 1, 1))

    def listing() -> tuple[list[str], list[tuple[int, str]]]:
        s, placement, first = index.prepare(bundled, f, lambda: cache.load(bundled))
        events = order.sort_events(s, query.select(s, f), placement)
        return [e.id for e in events], first

    cold = listing()
    assert index.view(bundled, f) is not None
    assert listing() == cold
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    assert listing() == cold
    assert cold[0]


def test_index_keeps_the_first_contradiction_and_cycles(bundled):
    """The warning `list` prints about the whole store comes from the index unchanged."""
    s = cache.load(bundled)
    placement = order.place(s)
    expected = [(e.line, m) for e, m in order.contradictions(s, placement)[:1]]
    v = index.view(bundled, query.Filter(actors=("blinken",)))
    assert v is not None
    assert ([v.contradiction] if v.contradiction else []) == expected
    assert v.placement.cyclic == placement.cyclic


def test_index_does_not_answer_when_it_cannot(bundled, monkeypatch):
    """No entry, query terms, a changed file, or the cache turned off: the caller must load."""
    f = query.Filter(actors=("kulubaev",))
    assert index.view(bundled, f) is None
    cache.load(bundled)
    assert index.view(bundled, f) is not None
    assert index.view(bundled, query.Filter(query=("tag:letter",))) is None
    monkeypatch.setenv("TIMELINE_NO_CACHE", "1")
    assert index.view(bundled, f) is None
    monkeypatch.delenv("TIMELINE_NO_CACHE")
    with open(bundled, "a", encoding="utf-8") as fh:
        fh.write(EXTRA_EVENT)
    assert index.view(bundled, f) is None


def test_index_of_a_damaged_entry_is_no_answer(bundled):
    """A corrupt entry makes the index step aside instead of failing."""
    cache.load(bundled)
    _set_meta(entry_file(bundled), "head", b"not a pickle")
    assert index.view(bundled, query.Filter(actors=("kulubaev",))) is None


def test_index_sees_the_event_added_by_an_append(bundled):
    """After an append and one load, the index answers with the new event."""
    cache.load(bundled)
    with open(bundled, "a", encoding="utf-8") as fh:
        fh.write(EXTRA_EVENT)
    cache.load(bundled)
    v = index.view(bundled, query.Filter(actors=("kulubaev",), since=date(2024, 3, 1)))
    assert v is not None
    assert "cache-test-added" in [m.event.id for m in query.match(v.store, query.Filter(actors=("kulubaev",)))]


# --- helpers that reach into an entry ---------------------------------------------------------


def _stored_key(file: Path) -> str:
    with sqlite3.connect(file) as db:
        return db.execute("SELECT value FROM meta WHERE key = 'key'").fetchone()[0]


def _set_meta(file: Path, key: str, value: object) -> None:
    db = sqlite3.connect(file)
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
    db.close()


def _doctor_first_title(file: Path, title: str) -> None:
    import pickle

    db = sqlite3.connect(file)
    with db:
        raw = pickle.loads(db.execute("SELECT raw FROM events WHERE idx = 0").fetchone()[0])
        raw["title"] = title
        db.execute("UPDATE events SET raw = ? WHERE idx = 0", (pickle.dumps(raw),))
    db.close()
