"""timeline.store.events: the quick reading of plain [[events]] tables agrees with the checked one."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.store.events import _checked_event, _plain_event
from timeline.store.fields import Collector

ACTORS = {"kulubaev": {}, "viguerie": {}}
SOURCES = {"tass": {}, "24kg": {}}

text = st.one_of(st.sampled_from(["", " ", "x", "Meeting", "a\nb", "кириллица"]), st.text(max_size=8))
ident = st.sampled_from(["kulubaev", "viguerie", "tass", "24kg", "nobody", "", " kulubaev", "bad id", "a.b-c_1"])
when = st.one_of(
    st.sampled_from(["2024", "2024-02", "2024-02-09", "2024-02-30", "2024-13", "202X", "2024-02-09/2024-02-01", ""]),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.integers(),
    st.booleans(),
)
actor = st.one_of(ident, st.fixed_dictionaries({"id": ident}, optional={"role": text, "extra": text}), st.integers())
citation = st.one_of(
    ident,
    st.fixed_dictionaries(
        {"id": ident},
        optional={
            "url": text,
            "note": text,
            "published": when,
            "page": text,
            "credibility": st.one_of(st.integers(0, 7), text, st.booleans()),
            "said": text,
        },
    ),
    st.booleans(),
)
strings = st.one_of(st.lists(st.one_of(text, ident), max_size=3), text, st.lists(st.integers(), max_size=2))
table = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(ident, st.integers()),
        "title": text,
        "date": when,
        "summary": st.one_of(text, st.integers()),
        "type": st.one_of(text, st.booleans()),
        "status": st.one_of(st.sampled_from(["happened", "planned", "Planned", "rumour"]), st.integers()),
        "actors": st.one_of(st.lists(actor, max_size=3), text),
        "tags": strings,
        "sources": st.one_of(st.lists(citation, max_size=3), text),
        "in_response_to": strings,
        "after": strings,
        "before": strings,
        "titel": text,
    },
)


@settings(max_examples=600, deadline=None)
@given(table)
def test_the_quick_reading_accepts_only_what_the_checks_pass_and_builds_the_same_event(raw):
    """Where the quick path gives an Event, the checked path gives the same one and no problem."""
    quick = Collector("", "x.toml", ACTORS, SOURCES)
    fast = _plain_event(quick, 3, raw, 7)
    checked = Collector("", "x.toml", ACTORS, SOURCES)
    slow = _checked_event(checked, 3, raw, 7)
    assert quick.problems == []
    if fast is not None:
        assert checked.problems == [] and fast == slow


def test_a_plain_table_takes_the_quick_path():
    """The usual table of a store is read without the field-by-field checks."""
    raw = {
        "id": "x",
        "date": "2024-02-09",
        "title": "T",
        "actors": ["kulubaev", {"id": "viguerie", "role": "ambassador"}],
        "sources": ["tass", {"id": "24kg", "url": "https://24.kg/x", "published": "2024-02-10"}],
        "tags": ["a"],
        "in_response_to": ["y"],
    }
    e = _plain_event(Collector("", "x.toml", ACTORS, SOURCES), 0, raw, 1)
    assert e is not None and e.roles == (("viguerie", "ambassador"),) and e.sources[1].published.text == "2024-02-10"
