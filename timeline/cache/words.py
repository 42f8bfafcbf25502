"""The text index: the events each word of the store appears in, built the first time a search asks.

Words are `timeline.query.words.words` of the title and summary. A search word of three or more
characters finds the events of every indexed word that contains it; a shorter word, or a phrase,
finds the events holding each of its words whole (the phrase itself is then checked by
`query.match` on the events found). Building it reads every event once; the entry keeps it and
writes keep it current.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from timeline.cache.entry import Damaged, Entry, pack, unpack
from timeline.query import words

if TYPE_CHECKING:
    from timeline.cache.engine import Engine


def tokens(data: str) -> set[str]:
    """The words of an event's cached table (title and summary)."""
    from timeline.cache.build import table_of

    raw = table_of(data)
    return set(words.words(raw.get("title", ""))) | set(words.words(raw.get("summary", "")))


def find(engine: Engine, value: str) -> set[int]:
    """Positions of the events that may hold the search term `value`."""
    wanted = words.needle(value)
    if not wanted:
        return set()  # query.match explains why there is nothing to look for
    vocabulary = vocabulary_of(engine)
    if len(wanted) == 1 and len(wanted[0]) >= words.INSIDE:
        keys = [w for w in vocabulary if wanted[0] in w]
        found: set[int] = set()
        for key in keys:
            found.update(_posting(engine, key))
        return found
    found_all: set[int] | None = None
    for w in set(wanted):
        if w not in vocabulary:
            return set()
        these = set(_posting(engine, w))
        found_all = these if found_all is None else found_all & these
    return found_all or set()


def _posting(engine: Engine, word: str) -> list[int]:
    built = engine._loaded.get("word postings")
    if built is not None:
        return [engine.at[n] for n in built.get(word, ())]
    data = engine.entry.blob(f"w:{word}")
    if data is None:
        raise Damaged(f"word {word}")
    at = engine.at
    return [at[n] for n in unpack(data)]


def vocabulary_of(engine: Engine) -> set[str]:
    """The indexed words, building (and saving) the index when the entry has none yet."""
    known = engine._loaded.get("vocabulary")
    if known is not None:
        return known
    listed = engine.entry.meta("vocabulary", None)
    if listed is not None:
        engine._loaded["vocabulary"] = set(listed)
        return engine._loaded["vocabulary"]
    postings: dict[str, list[int]] = {}
    for n, _, data in engine.entry.all_rows():
        for w in tokens(data):
            postings.setdefault(w, []).append(n)
    engine._loaded["word postings"] = postings
    engine._loaded["vocabulary"] = set(postings)
    save(engine, postings)
    return engine._loaded["vocabulary"]


def save(engine: Engine, postings: dict[str, list[int]]) -> None:
    """Keep the index in the entry, if the entry still describes the same store; else only in memory."""
    try:
        entry = Entry.open(engine.entry.file, write=True)
    except Damaged:
        return
    try:
        with entry.transaction():
            if entry.meta("file") != engine.entry.meta("file"):
                return  # the store changed meanwhile: this index is not the entry's
            entry.set_blobs((f"w:{w}", pack(ns)) for w, ns in postings.items())
            entry.set_meta("vocabulary", sorted(postings))
    except Damaged:
        return
    finally:
        entry.close()
