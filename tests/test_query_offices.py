"""Offices over time: who held an office on an event's date, with tenure edges and coarse dates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from timeline import store
from timeline.query import Filter, match
from timeline.query.offices import MAYBE, NO, YES, actor_ids, fold, holders, office_match, parse_office

DATA = Path(__file__).parent / "data" / "offices" / "ministers.toml"


@pytest.fixture
def s(tmp_path):
    path = tmp_path / "events.toml"
    shutil.copy(DATA, path)
    return store.load(path)


def ids(s, **kw) -> dict[str, bool]:
    return {m.event.id: m.certain for m in match(s, Filter(**kw))}


def test_fold_ignores_case_accents_and_spacing():
    """Folding makes 'Kulubáev', 'KULUBAEV' and ' kulubaev ' the same key."""
    assert fold("Kulubáev") == fold("KULUBAEV") == fold("  kulubaev ")


def test_actor_found_by_id_name_alias_and_accents(s):
    """Every spelling of Kulubaev in the store finds him, accented or not."""
    for text in ("kulubaev", "Jeenbek Kulubaev", "KULUBAYEV", "Kuluboyev", "Kulubaev", "kulubáev"):
        assert actor_ids(s, text) == {"kulubaev"}, text


def test_foreign_minister_follows_tenures(s):
    """Each minister's events match only inside his tenure; both on the hand-over day."""
    got = ids(s, actors=("foreign minister",))
    assert set(got) == {"kaz-2021", "kaz-last-day", "kul-first-day", "kul-2023", "kaz-april-2022"}
    assert "kul-before-office" not in got and "kaz-after-office" not in got


def test_month_event_overlapping_tenure_end_is_only_possible(s):
    """An event dated only 'Apr 2022' may fall after Kazakbaev left on the 22nd: possible, not certain."""
    got = ids(s, actors=("foreign minister",))
    assert got["kaz-april-2022"] is False
    assert got["kaz-2021"] is True and got["kul-2023"] is True


def test_strict_keeps_only_certain_office_holders(s):
    """--strict drops the month-dated event whose tenure is uncertain."""
    got = ids(s, actors=("foreign minister",), strict=True)
    assert "kaz-april-2022" not in got
    assert {"kaz-2021", "kaz-last-day", "kul-first-day", "kul-2023"} <= set(got)


def test_secretary_of_state_switches_from_pompeo_to_blinken(s):
    """Pompeo's January 2021 overlaps his end (20 Jan): possible; Blinken's 2021 event is certain."""
    got = ids(s, actors=("secretary of state",))
    assert got == {"kaz-2021": True, "pompeo-2021": False}


def test_office_qualified_by_country_word_or_at_syntax(s):
    """'US ambassador' and 'ambassador@kyrgyzstan' pick the right envoy."""
    assert set(ids(s, actors=("US ambassador",))) == {"kul-2023"}
    assert set(ids(s, actors=("ambassador@kyrgyzstan",))) == {"kg-envoy"}
    assert set(ids(s, actors=("ambassador",))) == {"kul-2023", "kg-envoy"}


def test_parse_office_unknown_is_none(s):
    """A phrase that is no office anywhere is not an office."""
    assert parse_office(s, "chief astronaut") is None
    assert parse_office(s, "ambassador@france") is None


def test_office_match_says_why(s):
    """The reason names the holder, the office and its span."""
    office = parse_office(s, "foreign minister")
    truth, why = office_match(s, office, s.by_id["kul-2023"])
    assert truth == YES
    assert why == "kulubaev held Minister of Foreign Affairs (Kyrgyzstan) from 22 Apr 2022"
    truth, why = office_match(s, office, s.by_id["kaz-april-2022"])
    assert truth == MAYBE and why.startswith("kazakbaev possibly held")
    assert office_match(s, office, s.by_id["kaz-after-office"])[0] == NO


def test_holders_lists_every_tenure(s):
    """Both ministers hold the office, in store order."""
    assert [a.id for a, _ in holders(s, parse_office(s, "foreign minister"))] == ["kazakbaev", "kulubaev"]


def test_qualifier_may_name_the_posting_country(bundled, capsys):
    """'ambassador@kyrgyzstan' (the README's example) finds the US ambassador posted there, as '@united states' does."""
    from tests.test_cli import run

    found = []
    for q in ("ambassador@kyrgyzstan", "ambassador@united states", "ambassador@US", "ambassador@kyrgyz republic"):
        code, out, err = run(capsys, "list", "--actor", q, "--format", "json")
        assert code == 0, err
        found.append([e["id"] for e in json.loads(out)])
    assert found[0] == ["ambassador-credentials", "reply-handed-over"] and all(f == found[0] for f in found)


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        ("ambassador@narnia", "no 'ambassador' of or in 'narnia'; try 'ambassador@united states' or "
         "'ambassador@kyrgyzstan'"),
        ("ambasador@kyrgyzstan", "no office called 'ambasador'; did you mean 'ambassador'"),
        ("foreign minister@us", "no 'foreign minister' of or in 'us'; try 'foreign minister@kyrgyzstan'"),
        ("@kyrgyzstan", "write an office and a place around '@'"),
    ],
)  # fmt: skip
def test_a_qualified_office_that_finds_nobody_names_the_part_that_failed(bundled, capsys, wanted, message):
    """The message says whether the office or the place matched nothing, and what would match."""
    from tests.test_cli import run

    code, _, err = run(capsys, "list", "--actor", wanted)
    assert code == 2 and err.startswith(f"timeline: error: --actor {wanted}: {message}"), err
