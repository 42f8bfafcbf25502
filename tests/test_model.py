"""timeline.model and its JSON form (timeline.formats.json): frozen values with stable fields."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.conftest import DATA
from tests.test_cli import run
from timeline import dates, store
from timeline.formats import Context
from timeline.formats.json import event_json, render
from timeline.model import Citation, DateClaim, Event, Problem, Store

SAMPLE = DATA / "core" / "sample.toml"


def test_model_values_are_frozen():
    """Events cannot be changed after they are built."""
    e = Event(id="a", date=dates.parse("2024"), title="A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.title = "B"  # type: ignore[misc]


def test_event_source_ids_and_disputed():
    """source_ids lists citation ids in order; an event is disputed only with two or more claims."""
    a, b = dates.parse("2024-02-09"), dates.parse("2024-02-11")
    one = Event(id="a", date=a, title="A", sources=(Citation("tass"), Citation("24kg", url="https://x")))
    assert one.source_ids == ("tass", "24kg")
    assert not one.disputed
    assert not Event(id="b", date=a, title="B", claims=(DateClaim(a),)).disputed
    assert Event(id="c", date=a, title="C", claims=(DateClaim(a, preferred=True), DateClaim(b))).disputed


def test_problem_format_places_what_it_knows():
    """Problem.format writes path, line and column when known, then code, severity and message."""
    assert Problem("E004", "error", "bad", line=3, column=7).format("events.toml") == "events.toml:3:7: E004 error: bad"
    assert Problem("E004", "error", "bad", line=3).format("events.toml") == "events.toml:3: E004 error: bad"
    assert Problem("W001", "warning", "odd").format("events.toml") == "events.toml: W001 warning: odd"


def test_loaded_store_holds_tuples_not_lists():
    """Sequences in a loaded store are tuples, so no caller can change them in place."""
    s = store.load(SAMPLE)
    reply = s.by_id["reply"]
    assert isinstance(s.events, tuple)
    assert isinstance(reply.actors, tuple) and isinstance(reply.sources, tuple) and isinstance(reply.claims, tuple)
    assert reply.roles == (("kulubaev", "foreign minister"),)
    assert reply.date.text == "2024-02-09"
    assert [c.date.text for c in reply.claims] == ["2024-02-09", "2024-02-11"]


# ---- JSON ---------------------------------------------------------------------------------------

EVENT_KEYS = [
    "id",
    "date",
    "earliest",
    "latest",
    "precision",
    "uncertain",
    "approximate",
    "display",
    "title",
    "summary",
    "type",
    "status",
    "actors",
    "roles",
    "tags",
    "sources",
    "citations",
    "in_response_to",
    "after",
    "before",
    "claims",
    "names",
]


def test_json_event_fields_and_order():
    """An event's JSON object has the documented keys in the documented order, with its values."""
    s = store.load(SAMPLE)
    obj = event_json(s.by_id["letter"], s)
    assert list(obj) == EVENT_KEYS
    assert obj == {
        "id": "letter",
        "date": "2024-01-17",
        "earliest": "2024-01-17",
        "latest": "2024-01-17",
        "precision": "day",
        "uncertain": False,
        "approximate": False,
        "display": "17 Jan 2024",
        "title": "A letter is sent",
        "summary": "The Secretary writes to the President.",
        "type": "letter",
        "status": "happened",
        "actors": ["japarov"],
        "roles": {},
        "tags": ["correspondence"],
        "sources": ["24kg"],
        "citations": [
            {
                "id": "24kg",
                "url": "https://24.kg/english/1",
                "published": "2024-02-08",
                "note": None,
                "credibility": None,
                "reliability": None,
                "said": None,
                "said_date": None,
            }
        ],
        "in_response_to": [],
        "after": [],
        "before": [],
        "claims": [],
        "names": {"actors": {"japarov": "Sadyr Japarov"}, "sources": {"24kg": "24.kg"}},
    }


def test_json_claims_and_roles():
    """A disputed event lists each claim with its bounds and sources; offices become `roles`."""
    s = store.load(SAMPLE)
    obj = event_json(s.by_id["reply"], s)
    assert obj["roles"] == {"kulubaev": "foreign minister"}
    assert obj["claims"][1] == {
        "date": "2024-02-11",
        "earliest": "2024-02-11",
        "latest": "2024-02-11",
        "precision": "day",
        "uncertain": False,
        "approximate": False,
        "sources": ["tass"],
        "preferred": False,
        "note": "the only source for this day",
    }
    assert [list(c)[:2] for c in obj["claims"]] == [["date", "earliest"]] * 2


def test_json_unbounded_ends_are_null():
    """An open-ended interval has null for the end it does not have."""
    s = store.load(SAMPLE)
    obj = event_json(s.by_id["open"], s)
    assert (obj["date"], obj["earliest"], obj["latest"], obj["precision"]) == (
        "2024-04/..",
        "2024-04-01",
        None,
        "interval",
    )
    start_unknown = Event(id="x", date=dates.parse("/2024-02-09"), title="X")
    obj = event_json(start_unknown, Store(path="p", events=(start_unknown,)))
    assert (obj["earliest"], obj["latest"]) == (None, "2024-02-09")


def test_json_render_is_an_array_in_the_given_order():
    """render() writes one array, in the order it is given, ending in a newline, keeping non-ASCII."""
    s = store.load(SAMPLE)
    picked = [s.by_id["visit"], s.by_id["letter"]]
    out = render(picked, Context(store=s))
    assert out.endswith("]\n")
    assert [e["id"] for e in json.loads(out)] == ["visit", "letter"]
    assert "Herr Müller visits" in out


def test_json_escapes_control_characters(tmp_path, capsys):
    """Control characters in store text come out as JSON escapes, never raw."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        'title = "A letter is sent"', 'title = "A letter\\u001b[2J is sent"'
    )
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "show", "letter", "--format", "json")
    assert code == 0
    assert "\x1b" not in out and "\\u001b[2J" in out
    assert json.loads(out)["title"] == "A letter\x1b[2J is sent"


def test_problem_lines_name_what_is_known_of_the_place():
    """A problem is shown with its file, line and column as far as they are known."""
    from timeline.model import Problem

    assert Problem("E004", "error", "bad", "x.toml").brief() == "x.toml: bad"
    assert Problem("E004", "error", "bad", "x.toml", 4).brief() == "x.toml:4: bad"
    assert Problem("E004", "error", "bad", line=4, column=2).format("y.toml") == "y.toml:4:2: E004 error: bad"
    assert Problem("E004", "error", "bad").brief() == "bad"
