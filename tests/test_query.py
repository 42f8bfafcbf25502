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
from timeline.query.resolve import actor_ids

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
    assert [e.id for e in query.cut(ordered, 2)] == ["law", "letter"]
    assert [e.id for e in query.cut(ordered, 2, reverse=True)] == ["open", "visit"]
    assert query.cut(ordered, 0) == ordered  # 0 means no limit, as --top 0 does
    assert query.cut(ordered, None) == ordered
    assert [e.id for e in query.cut(ordered, None, reverse=True)] == [e.id for e in reversed(ordered)]


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


# ---- claim status, grades and corroboration ------------------------------------------------

CLAIMS = """\
[sources.wire]
name = "Wire"
reliability = "B"
[sources.paper]
name = "Paper"
[sources.relay]
name = "Relay"

[[events]]
id = "threat"
date = "2024-02-01"
title = "Minister threatens to expel the envoy"
status = "threatened"
sources = [{ id = "wire", credibility = 2 }, "paper"]

[[events]]
id = "expulsion"
date = "2024-02-05"
title = "Envoy expelled"
sources = [{ id = "paper", credibility = 1 }]

[[events]]
id = "relayed"
date = "2024-02-06"
title = "One report, carried twice"
sources = [{ id = "paper", url = "https://paper.example/1" }, { id = "relay", url = "https://paper.example/1" }]
"""


@pytest.fixture
def claims(tmp_path):
    path = tmp_path / "claims.toml"
    path.write_text(CLAIMS, encoding="utf-8")
    return store.load(path)


def ids(matches) -> list[str]:
    return [m.event.id for m in matches]


def test_status_filter_and_term(claims):
    """--status and status: keep events of that status; happened is the default status."""
    assert ids(query.match(claims, query.make_filter(status="threatened"))) == ["threat"]
    assert ids(query.match(claims, query.make_filter(["status:happened"]))) == ["expulsion", "relayed"]
    assert ids(query.match(claims, query.make_filter(["not:status:happened"]))) == ["threat"]


def test_unknown_status_is_a_usage_error_with_the_closest(claims):
    """A misspelt status names the closest one, from the flag and from the term."""
    with pytest.raises(UsageError, match="^--status: 'threatend' is not a status; did you mean 'threatened'"):
        query.make_filter(status="threatend")
    with pytest.raises(UsageError, match="^status:denid: 'denid' is not a status; did you mean 'denied'"):
        query.match(claims, query.make_filter(["status:denid"]))


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("B2", ["threat"]),
        ("B1", []),
        ("B", ["threat"]),
        ("1", ["expulsion"]),
        ("2", ["threat", "expulsion"]),
        ("F6", ["threat"]),
    ],
)
def test_min_grade_keeps_events_with_a_citation_that_good(claims, wanted, expected):
    """--min-grade compares each half it names; an ungraded half never passes."""
    assert ids(query.match(claims, query.make_filter(min_grade=wanted))) == expected
    assert ids(query.match(claims, query.make_filter([f"grade>={wanted}"]))) == expected


def test_min_grade_explains_which_citation_passed(claims):
    """The reason names the source and its grade."""
    (m,) = query.match(claims, query.make_filter(min_grade="B2"))
    assert m.reasons == ("wire graded B2",)


def test_min_sources_counts_one_page_once(claims):
    """Two citations with one address are one report; --min-sources and sources>= agree."""
    assert [len(e.independent) for e in claims.events] == [2, 1, 1]
    assert ids(query.match(claims, query.make_filter(min_sources=2))) == ["threat"]
    assert ids(query.match(claims, query.make_filter(["sources>=2"]))) == ["threat"]
    assert ids(query.match(claims, query.make_filter(["not:sources>=2"]))) == ["expulsion", "relayed"]
    assert ids(query.match(claims, query.make_filter(min_sources=0))) == ["threat", "expulsion", "relayed"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sources>=two"], "'two' is not a number of sources"),
        (["grade>=Z9"], "'Z9' is not a grade"),
        (["sources>="], "'sources>=' needs a value"),
    ],
)
def test_bad_at_least_terms_are_usage_errors(claims, args, message):
    """A bad value after >= names the term."""
    with pytest.raises(UsageError, match=message):
        query.match(claims, query.make_filter(args))


def test_filters_are_described(claims):
    """The report head says the new filters in words."""
    f = query.make_filter(status=["planned", "announced"], min_grade="b2", min_sources=2)
    assert query.describe(f) == "status planned or announced; grade B2 or better; at least 2 independent sources"


def test_list_flags_reach_the_filter(bundled, capsys):
    """`list --status reported` and `--min-sources 5` on the bundled store."""
    code, out, _ = run(capsys, "list", "--status", "reported", "--format", "json")
    assert code == 0 and [e["id"] for e in json.loads(out)] == ["japarov-statement"]
    code, out, _ = run(capsys, "list", "--min-sources", "5", "--format", "json")
    assert [e["id"] for e in json.loads(out)] == ["reply-handed-over", "law-signed"]
    code, _, err = run(capsys, "list", "--min-grade", "B22")
    assert code == 2 and err.startswith("timeline: error: --min-grade: 'B22' is not a grade")
