"""timeline.query: the Filter, matching actors and sources by what people type, limit and reverse."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from tests.conftest import DATA
from tests.test_cli import run
from timeline import query, store
from timeline.errors import UsageError
from timeline.query import Filter, order
from timeline.query.names import actor_ids

SAMPLE = DATA / "core" / "sample.toml"


@pytest.fixture(scope="module")
def sample():
    return store.load(SAMPLE)


def select(s, **kw) -> list[str]:
    return [e.id for e in query.select(s, Filter(**kw))]


@pytest.mark.parametrize(
    "typed",
    ["kulubaev", "KULUBAEV", "Jeenbek Kulubaev", "jeenbek kulubaev", "Kulubayev", "Kulubáev", "  Zheenbek Kulubaev "],
)
def test_actor_by_id_name_or_alias_any_case_or_accent(sample, typed):
    """An actor is found by id, full name or alias, ignoring case, accents and surrounding spaces."""
    assert select(sample, actors=(typed,)) == ["reply"]


@pytest.mark.parametrize("typed", ["Jürgen Müller", "Jurgen Muller", "MÜLLER", "muller"])
def test_accents_in_the_store_are_ignored_too(sample, typed):
    """A name written with accents in the store matches the same name typed with or without them."""
    assert select(sample, actors=(typed,)) == ["visit"]


def test_actor_part_of_a_name_is_not_a_match(sample):
    """Matching is on the whole id, name or alias, not a substring; the error suggests the full id."""
    assert actor_ids(sample, "Kulu") == set()
    with pytest.raises(UsageError, match=r"^--actor Kulu: no actor or office called 'Kulu'; did you mean 'kulubaev'"):
        select(sample, actors=("Kulu",))


def test_actor_ids_returns_the_actor_a_name_means():
    """actor_ids gives the actor whose id, name or alias equals the text."""
    s = store.load(SAMPLE)
    assert actor_ids(s, "zhaparov") == {"japarov"}
    assert actor_ids(s, "Leslie Viguerie") == {"viguerie"}


def test_repeating_a_filter_widens(sample):
    """Two --actor values keep events with either actor."""
    assert select(sample, actors=("kulubaev", "muller")) == ["reply", "visit"]
    assert select(sample, types=("letter", "law")) == ["letter", "law"]


def test_different_filters_narrow(sample):
    """An actor and a type must both hold."""
    assert select(sample, actors=("japarov",)) == ["letter", "statement"]
    assert select(sample, actors=("japarov",), types=("statement",)) == ["statement"]
    assert select(sample, actors=("japarov",), tags=("trade",)) == []


def test_unknown_actor_is_a_usage_error(sample):
    """A name no actor has is an error (exit 2), not an empty or a full listing."""
    with pytest.raises(UsageError) as info:
        select(sample, actors=("nobody",))
    assert info.value.exit_code == 2
    assert (
        info.value.message
        == "--actor nobody: no actor or office called 'nobody'; see 'timeline actors' for names and offices"
    )


def test_since_keeps_events_that_may_fall_inside(sample):
    """--since 2024-02-10 keeps the Feb-only statement and the year-only law, not the 9 Feb reply."""
    assert select(sample, since=date(2024, 2, 10)) == ["statement", "visit", "law", "open"]


def test_strict_keeps_only_events_certainly_inside(sample):
    """With strict, coarse and disputed dates that may fall outside are dropped."""
    assert select(sample, since=date(2024, 2, 10), strict=True) == ["visit", "open"]


def test_since_and_until_together(sample):
    """A window of February keeps day and month events in it; strict drops the year and the dispute."""
    feb = {"since": date(2024, 2, 1), "until": date(2024, 2, 29)}
    assert select(sample, **feb) == ["statement", "published", "reply", "law"]
    assert select(sample, **feb, strict=True) == ["statement", "published", "reply"]


def test_until_alone_and_open_ended_dates(sample):
    """An open-ended period starting in April is not kept by a window ending in March."""
    assert select(sample, until=date(2024, 3, 31)) == ["letter", "statement", "published", "reply", "visit", "law"]


def test_preferred_claim_decides_the_date(sample):
    """A disputed event with a preferred claim is dated by it; the minority claim's day does not match."""
    assert select(sample, since=date(2024, 2, 9), until=date(2024, 2, 9), types=("meeting",)) == ["reply"]
    assert select(sample, since=date(2024, 2, 11), until=date(2024, 2, 11), types=("meeting",)) == []


def test_disputed_date_without_preference_matches_on_any_claim(tmp_path):
    """With no preferred claim, a window holding either claimed day keeps the event, but not strictly."""
    text = SAMPLE.read_text(encoding="utf-8").replace(", preferred = true", "")
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    s = store.load(tmp_path / "events.toml")
    day11 = {"since": date(2024, 2, 11), "until": date(2024, 2, 11), "types": ("meeting",)}
    assert select(s, **day11) == ["reply"]
    assert select(s, **day11, strict=True) == []


def test_disputed_date_between_its_claims_is_outside_the_window(tmp_path):
    """9-or-11 Feb cannot fall on 10 Feb, though one claim is after it and the other before."""
    text = SAMPLE.read_text(encoding="utf-8").replace(", preferred = true", "")
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    s = store.load(tmp_path / "events.toml")
    assert select(s, since=date(2024, 2, 10), until=date(2024, 2, 10), types=("meeting",)) == []


def test_text_searches_title_and_summary(sample):
    """--text matches words in the title or the summary, any case, accents ignored."""
    assert select(sample, texts=("AMBASSADOR",)) == ["reply"]
    assert select(sample, texts=("secretary writes",)) == ["letter"]
    assert select(sample, texts=("herr muller",)) == ["visit"]
    assert select(sample, texts=("nothing like this",)) == []


def test_source_by_id_or_name(sample):
    """--source matches a cited source by id or by its name, in claims too."""
    assert select(sample, sources=("tass",)) == ["statement", "reply"]
    assert select(sample, sources=("TASS",)) == ["statement", "reply"]
    assert select(sample, sources=("24.KG",)) == select(sample, sources=("24kg",)) == ["letter", "published", "reply"]


def test_tags_and_types_ignore_case(sample):
    """Tags and types match without regard to case."""
    assert select(sample, tags=("Correspondence",)) == ["letter", "published", "reply"]
    assert select(sample, types=("MEETING",)) == ["reply", "visit"]


def test_select_keeps_store_order_and_does_not_mutate(sample):
    """select returns a new list in store order and leaves the store's events as they were."""
    before = sample.events
    out = query.select(sample, Filter())
    assert out == list(before) and out is not before
    out.clear()
    assert sample.events == before


def test_select_over_a_given_pool(sample):
    """select can filter a subset instead of the whole store."""
    pool = [sample.by_id["visit"], sample.by_id["reply"]]
    assert [e.id for e in query.select(sample, Filter(types=("meeting",)), pool)] == ["visit", "reply"]


def test_limit_and_reverse(sample):
    """limit takes the first n of the order shown; reverse shows newest first."""
    ordered = order.sort_events(sample, sample.events)
    assert [e.id for e in query.limit(ordered, 2)] == ["law", "letter"]
    assert [e.id for e in query.limit(ordered, 2, reverse=True)] == ["open", "visit"]
    assert query.limit(ordered, 0) == []
    assert query.limit(ordered, None) == ordered
    assert [e.id for e in query.limit(ordered, None, reverse=True)] == [e.id for e in reversed(ordered)]


def test_describe_words_the_filter():
    """describe() names each filter's values for report headings, and is empty for no filter."""
    f = Filter(actors=("kulubaev", "muller"), texts=("reply",), since=date(2024, 2, 1))
    assert query.describe(f) == 'actor kulubaev or muller; text "reply"; since 2024-02-01'
    assert query.describe(Filter()) == ""


def test_fold_ignores_case_and_accents():
    """fold() makes names comparable as people type them."""
    assert query.fold(" Jürgen MÜLLER ") == "jurgen muller"
    assert query.fold("Straße") == "strasse"


# ---- through the command line -------------------------------------------------------------------


@pytest.fixture
def sample_here(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "events.toml")


def listed(capsys, *args: str) -> list[str]:
    code, out, err = run(capsys, "list", "--format", "json", *args)
    assert (code, err) == (0, "")
    return [e["id"] for e in json.loads(out)]


def test_cli_actor_filters(sample_here, capsys):
    """--actor accepts names and aliases; repeating it widens."""
    assert listed(capsys, "--actor", "Jeenbek Kulubaev") == ["reply"]
    assert listed(capsys, "-a", "Kulubayev", "-a", "Zhaparov") == ["letter", "statement", "reply"]


def test_cli_window_and_strict(sample_here, capsys):
    """--since/--until take typed dates; --strict keeps only events certainly inside."""
    assert listed(capsys, "--since", "Feb 2024", "--until", "2024-02") == ["law", "published", "statement", "reply"]
    assert listed(capsys, "--since", "2024-02", "--until", "29 Feb 2024", "--strict") == [
        "published",
        "statement",
        "reply",
    ]


def test_cli_limit_and_reverse(sample_here, capsys):
    """--limit and --reverse apply after sorting."""
    assert listed(capsys, "--limit", "3") == ["law", "letter", "published"]
    assert listed(capsys, "--reverse", "--limit", "2") == ["open", "visit"]


def test_cli_text_source_and_type(sample_here, capsys):
    """--text, --source and --type narrow together."""
    assert listed(capsys, "--source", "TASS", "--type", "meeting") == ["reply"]
    assert listed(capsys, "--text", "letter", "--type", "publication") == ["published"]


def test_cli_bad_date_is_a_usage_error(sample_here, capsys):
    """A --since the date parser rejects exits 2 with one line naming the flag."""
    code, out, err = run(capsys, "list", "--since", "Febtember 2024")
    assert (code, out) == (2, "")
    assert err.startswith("timeline: error: --since: ") and err.count("\n") == 1


def test_bundled_store_kulubaev_any_spelling(bundled, capsys):
    """On the bundled store, every spelling of the foreign minister finds the same events."""
    spellings = ["Kulubaev", "KULUBAEV", "Jeenbek Kulubaev", "Kulubayev"]
    results = [listed(capsys, "--actor", name) for name in spellings]
    assert results[0] and "reply-handed-over" in results[0]
    assert all(r == results[0] for r in results)
