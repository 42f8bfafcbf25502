"""timeline.locate: lines of tables, keys and list items, whatever strings and comments hold."""

from __future__ import annotations

import time

import pytest
import tomli
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from timeline.store.locate import Locator, event_lines

TEXT = '''\
# [[events]] in a comment is not a header
[store]
title = "x"
description = """
[[events]]
id = "not-a-key"
"""

[actors.japarov]
name = "Sadyr Japarov"
roles = [
  { title = "Acting President", start = "2020-10-15" },
  # a comment between items
  { title = "President", start = "2021-01-28" },
]

[actors."quoted.id"]
name = 'literal [[events]]'

[[events]]
id = "a"
tags = [
  "x", "y",
  "z",
]
note = \'\'\'
tags = "inside a literal string"
\'\'\'
summary = "one \\" quote [[events]]"

  [[ events ]]   # spaced header
id = "b"
sources = [
  ["nested", "array"],
  { id = "tass", url = "https://x/#frag" },
]
'''


def test_tables_and_keys_find_their_lines():
    """Headers and keys are found where written, not inside strings or comments."""
    loc = Locator(TEXT)
    assert loc.table("store") == 2
    assert loc.key("store", "description") == 4
    assert loc.table("actors.japarov") == 9
    assert loc.key("actors.japarov", "roles") == 11
    assert loc.table("actors.quoted.id") == 17
    assert loc.table("events.0") == 20
    assert loc.key("events.0", "tags") == 22
    assert loc.key("events.0", "note") == 26
    assert loc.key("events.0", "summary") == 29
    assert loc.table("events.1") == 31
    assert loc.key("events.1", "sources") == 33


def test_keys_inside_strings_are_not_keys():
    """`id = …` inside a multi-line string is not a key of [store]."""
    loc = Locator(TEXT)
    assert loc.key("store", "id") == loc.table("store") == 2
    assert loc.key("events.0", "id") == 21


def test_items_of_multiline_arrays():
    """Each item of a list spread over lines has its own line; comments between them do not count."""
    loc = Locator(TEXT)
    assert loc.item("actors.japarov", "roles", 0) == 12
    assert loc.item("actors.japarov", "roles", 1) == 14
    assert [loc.item("events.0", "tags", n) for n in range(3)] == [23, 23, 24]
    assert loc.item("events.1", "sources", 0) == 34
    assert loc.item("events.1", "sources", 1) == 35


def test_item_out_of_range_falls_back_to_the_key():
    """An item index past the end gives the key's own line."""
    loc = Locator(TEXT)
    assert loc.item("events.0", "tags", 9) == 22
    assert loc.item("events.0", "nothing", 0) == 20


def test_keys_inside_inline_tables():
    """Keys of an inline table item are found under the item's path."""
    loc = Locator(TEXT)
    assert loc.key("actors.japarov.roles.1", "start") == 14
    assert loc.key("events.1.sources.1", "url") == 35


def test_event_lines_skip_strings_comments_and_find_spaced_headers():
    """event_lines finds exactly the real [[events]] headers, in order."""
    assert event_lines(TEXT) == [20, 31]
    assert event_lines(TEXT, 2) == [20, 31]


def test_event_lines_fast_path_is_checked_against_the_count():
    """When the quick scan's count disagrees with the parsed events, the full scan decides."""
    text = 'x = """\n[[events]]\n"""\n[[events]]\nid = "a"\n'
    assert len(tomli.loads(text)["events"]) == 1
    assert event_lines(text, 1) == [4]


def test_event_lines_of_inline_events():
    """`events = [ {…}, {…} ]` gives the line of each inline table."""
    text = 'events = [\n  { id = "a" },\n\n  { id = "b" },\n]\n'
    assert event_lines(text, 2) == [2, 4]
    assert Locator(text).key("events.1", "id") == 4


def test_quoted_headers_and_dotted_keys():
    """`[["events"]]`, `[ a . "b c" ]` and dotted keys map to their plain names."""
    text = '[["events"]]\nid = "a"\n[ a . "b c" ]\nx.y = 1\n'
    loc = Locator(text)
    assert loc.table("events.0") == 1
    assert loc.table("a.b c") == 3
    assert loc.key("a.b c", "x") == 4
    assert loc.key("a.b c.x", "y") == 4
    assert event_lines(text, 1) == [1]


def test_implicit_parent_tables():
    """`[events.a]` also places the table `events`, so top-level messages have a line."""
    loc = Locator("\n[events.a]\nid = 'a'\n")
    assert loc.top_key("events") == 2


def test_crlf_text():
    """Windows line endings count lines the same."""
    loc = Locator(TEXT.replace("\n", "\r\n"))
    assert loc.key("events.1", "sources") == 33
    assert loc.item("actors.japarov", "roles", 1) == 14


def test_bundled_store_events_match_their_headers():
    """For the bundled store every event's line is a `[[events]]` header followed by its id."""
    text = (ROOT / "events.toml").read_text(encoding="utf-8")
    events = tomli.loads(text)["events"]
    lines = text.splitlines()
    found = event_lines(text, len(events))
    assert len(found) == len(events)
    assert all(lines[n - 1].startswith("[[events]]") for n in found)
    loc = Locator(text)
    assert [lines[loc.key(f"events.{i}", "id") - 1] for i in range(len(events))] == [
        f'id = "{e["id"]}"' for e in events
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]{}=,.\"'#\n\\ ab1\r\t")), max_size=200))
def test_locator_never_fails_on_any_text(text):
    """The check command runs the locator on text that did not parse; it must end without error."""
    loc = Locator(text)
    loc.table("events.0")
    loc.item("events.0", "sources", 3)
    event_lines(text)


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 100_000,
        "a = " + "[{a=" * 30_000,
        "[" + ".".join(["a"] * 50_000) + "]\n",
        '"""' * 70_000,
        "'''a" * 50_000,
        '"\\' * 100_000,
    ],
    ids=["nested-arrays", "nested-inline", "long-header", "unclosed-basic", "unclosed-literal", "escapes"],
)
def test_pathological_text_is_scanned_in_linear_time(text):
    """Text built to make a scanner go quadratic is read in well under a second or two."""
    start = time.perf_counter()
    Locator(text)
    assert time.perf_counter() - start < 3
