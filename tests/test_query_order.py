"""timeline.order: relations, placement, a total and stable sort, and contradictions."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import dates
from timeline.model import DateClaim, Event, Store
from timeline.query.order import Relation, contradictions, place, relations, sort_events


def ev(eid: str, when: str, index: int, **links: list[str]) -> Event:
    return Event(id=eid, date=dates.parse(when), title=eid, index=index, **{k: tuple(v) for k, v in links.items()})


def make(*events: Event) -> Store:
    return Store(path="events.toml", events=tuple(events))


def ids(store: Store) -> list[str]:
    return [e.id for e in sort_events(store, store.events)]


def test_relations_read_every_link_as_earlier_later():
    """in_response_to and after point back; before points forward; each names its owner and key."""
    store = make(ev("a", "2024", 0), ev("b", "2024", 1, in_response_to=["a"], after=["c"], before=["d"]))
    assert relations(store.events) == [
        Relation("a", "b", "b", "in_response_to"),
        Relation("c", "b", "b", "after"),
        Relation("b", "d", "b", "before"),
    ]


def test_sort_by_earliest_then_latest_then_store_order():
    """Bounds decide first; a day sorts before its month; store order breaks full ties."""
    store = make(
        ev("month", "2024-02", 0),
        ev("day", "2024-02-01", 1),
        ev("year", "2024", 2),
        ev("same-day-later-in-file", "2024-02-01", 3),
        ev("march", "2024-03-01", 4),
    )
    assert ids(store) == ["year", "day", "same-day-later-in-file", "month", "march"]


def test_after_places_a_coarse_event_after_its_predecessor():
    """A 'Feb 2024' statement `after` an 8 Feb event sorts after it, though its own bounds say 1 Feb."""
    store = make(ev("statement", "2024-02", 0, after=["published"]), ev("published", "2024-02-08", 1))
    p = place(store)
    assert p.earliest["statement"] == date(2024, 2, 8)
    assert p.latest["statement"] == date(2024, 2, 29)
    assert ids(store) == ["published", "statement"]


def test_in_response_to_places_the_reply_after_the_message():
    """A reply known only to the month sorts after the dated message it answers."""
    store = make(ev("reply", "2024-01", 0, in_response_to=["letter"]), ev("letter", "2024-01-17", 1))
    assert ids(store) == ["letter", "reply"]


def test_before_tightens_the_latest_bound_of_the_earlier_event():
    """A 'Feb 2024' event `before` a 5 Feb one can have ended no later than 5 Feb."""
    store = make(ev("talks", "2024-02-05", 0), ev("prep", "2024-02", 1, before=["talks"]))
    p = place(store)
    assert p.latest["prep"] == date(2024, 2, 5)
    assert p.earliest["talks"] == date(2024, 2, 5)
    assert ids(store) == ["prep", "talks"]


def test_depth_breaks_ties_of_equal_bounds():
    """Two events with the same day sort by relation depth, even against store order."""
    store = make(ev("second", "2024-02-09", 0, after=["first"]), ev("first", "2024-02-09", 1))
    p = place(store)
    assert p.depth == {"second": 1, "first": 0}
    assert ids(store) == ["first", "second"]


def test_chains_propagate_through_undated_middles():
    """a → b → c: c is placed after a even when b is only known to the year."""
    store = make(
        ev("c", "2024-03", 0, after=["b"]),
        ev("b", "2024", 1, after=["a"]),
        ev("a", "2024-03-20", 2),
    )
    p = place(store)
    assert p.earliest["b"] == p.earliest["c"] == date(2024, 3, 20)
    assert p.latest["b"] == date(2024, 3, 31)
    assert ids(store) == ["a", "b", "c"]


def test_unknown_references_are_ignored_by_placement():
    """A link to an id not in the store (the schema reports it) does not break the sort."""
    store = make(ev("a", "2024-02", 0, after=["ghost"]))
    assert place(store).cyclic == ()
    assert ids(store) == ["a"]


def test_a_cycle_is_reported_and_its_events_still_sort():
    """Events on a cycle are named in Placement.cyclic and still get a total order."""
    store = make(ev("a", "2024-02", 0, after=["b"]), ev("b", "2024-02", 1, after=["a"]), ev("c", "2024-01", 2))
    p = place(store)
    assert p.cyclic == ("a", "b")
    assert ids(store) == ["c", "a", "b"]


def test_a_self_reference_is_a_cycle():
    """`after = [itself]` is a cycle of one."""
    store = make(ev("a", "2024", 0, after=["a"]), ev("b", "2024", 1))
    assert place(store).cyclic == ("a",)


def test_events_downstream_of_a_cycle_are_not_called_cyclic():
    """Only events on the cycle are reported; one that merely follows it is placed after it."""
    store = make(
        ev("a", "2024-02-10", 0, after=["b"]),
        ev("b", "2024-02-10", 1, after=["a"]),
        ev("later", "2024-02", 2, after=["a"]),
    )
    p = place(store)
    assert p.cyclic == ("a", "b")
    assert p.earliest["later"] == date(2024, 2, 10)
    assert ids(store).index("later") > ids(store).index("a")


def test_sort_events_accepts_a_subset_and_a_placement():
    """Sorting a selection uses the whole store's placement, so relations outside it still count."""
    store = make(
        ev("statement", "2024-02", 0, after=["mid"]), ev("mid", "2024-02", 1, after=["x"]), ev("x", "2024-02-20", 2)
    )
    p = place(store)
    subset = [store.by_id["statement"], store.by_id["mid"]]
    assert [e.id for e in sort_events(store, subset, p)] == ["mid", "statement"]
    assert p.earliest["statement"] == date(2024, 2, 20)


def test_contradiction_reply_dated_before_its_message():
    """A reply dated before the message it answers is a contradiction naming both dates."""
    store = make(ev("letter", "2024-02-10", 0), ev("reply", "2024-02-09", 1, in_response_to=["letter"]))
    ((event, message),) = contradictions(store)
    assert event.id == "reply"
    assert message == (
        "event 'reply': field 'in_response_to': puts 'reply' after 'letter', but 'reply' is dated "
        "2024-02-09, before 'letter' (2024-02-10); fix a date or the link"
    )


def test_contradiction_through_before():
    """`before` pointing at an event dated earlier is a contradiction owned by the event that says it."""
    store = make(ev("a", "2024-03", 0, before=["b"]), ev("b", "2024-02", 1))
    ((event, message),) = contradictions(store)
    assert event.id == "a"
    assert "field 'before'" in message and "'b' is dated 2024-02, before 'a' (2024-03)" in message


def test_overlapping_dates_are_no_contradiction():
    """A reply that may fall after its message (same month) is consistent."""
    store = make(ev("letter", "2024-02-10", 0), ev("reply", "2024-02", 1, in_response_to=["letter"]))
    assert contradictions(store) == []


def test_cycles_are_contradictions_too():
    """A cycle is reported once, at its first event, naming its members but not what merely follows it."""
    store = make(ev("a", "2024", 0, after=["b"]), ev("b", "2024", 1, after=["a"]), ev("c", "2024", 2, after=["b"]))
    ((event, message),) = contradictions(store)
    assert event.id == "a"
    assert message == "events 'a', 'b' form a cycle of after/before/in_response_to links; break one link"


def test_disputed_dates_sort_by_their_set_bounds():
    """An event with two claims and none preferred spans both; one with a preferred claim uses it."""
    a, b = dates.parse("2024-02-09"), dates.parse("2024-02-11")
    open_dispute = Event(id="open", date=dates.one_of([a, b]), title="o", index=0, claims=(DateClaim(a), DateClaim(b)))
    settled = Event(id="settled", date=b, title="s", index=1, claims=(DateClaim(a), DateClaim(b, preferred=True)))
    day10 = ev("day10", "2024-02-10", 2)
    store = make(open_dispute, settled, day10)
    assert ids(store) == ["open", "day10", "settled"]


# ---- properties ---------------------------------------------------------------------------------

DAYS = st.integers(min_value=0, max_value=120)


@st.composite
def random_stores(draw) -> Store:
    """Up to 12 events with random dates (day, month, year, open interval) and random acyclic relations."""
    n = draw(st.integers(min_value=1, max_value=12))
    # Relations only go from a lower rank to a higher one, so there is never a cycle.
    ranks = draw(st.permutations(list(range(n))))
    links: dict[int, dict[str, list[str]]] = {i: {"after": [], "in_response_to": [], "before": []} for i in range(n)}
    for later in range(n):
        for earlier in range(n):
            if ranks[earlier] < ranks[later] and draw(st.booleans()):
                key = draw(st.sampled_from(["after", "in_response_to", "before"]))
                if key == "before":
                    links[earlier]["before"].append(f"e{later}")
                else:
                    links[later][key].append(f"e{earlier}")
    events = []
    for i in range(n):
        d = date.fromordinal(date(2024, 1, 1).toordinal() + draw(DAYS))
        text = draw(st.sampled_from([d.isoformat(), d.isoformat()[:7], "2024", f"{d.isoformat()[:7]}/.."]))
        events.append(ev(f"e{i}", text, i, **links[i]))
    return make(*events)


@settings(max_examples=300, deadline=None)
@given(random_stores())
def test_sort_never_puts_a_follower_before_what_it_follows(store):
    """For every relation, the later event sorts after the earlier one, and there are no cycles."""
    p = place(store)
    assert p.cyclic == ()
    position = {e.id: n for n, e in enumerate(sort_events(store, store.events, p))}
    for r in relations(store.events):
        assert position[r.earlier] < position[r.later], r


@settings(max_examples=200, deadline=None)
@given(random_stores(), st.randoms(use_true_random=False))
def test_sort_is_total_and_stable(store, rnd):
    """Sorting is deterministic whatever order events come in, and sorting twice changes nothing."""
    once = sort_events(store, store.events)
    shuffled = list(store.events)
    rnd.shuffle(shuffled)
    assert sort_events(store, shuffled) == once
    assert sort_events(store, once) == once


@settings(max_examples=200, deadline=None)
@given(random_stores())
def test_placement_only_narrows_bounds(store):
    """Propagation never widens an event's own bounds."""
    p = place(store)
    for e in store.events:
        assert p.earliest[e.id] >= e.date.earliest
        assert p.latest[e.id] <= e.date.latest
