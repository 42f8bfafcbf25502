"""iCalendar: parsed back with the icalendar library; all-day events whose days never overstate the store."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.test_cli import run

FIXTURE = str(Path(__file__).parent / "data" / "formats" / "fixture.toml")


def calendar(capsys, *args: str) -> tuple[str, dict]:
    code, out, err = run(capsys, "list", "-f", FIXTURE, "--format", "ics", *args)
    assert code == 0, err
    cal = Calendar.from_ical(out)
    return out, {str(ev["UID"]).split("@")[0]: ev for ev in cal.walk("VEVENT")}


@pytest.fixture(autouse=True)
def _stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")


@pytest.mark.parametrize(
    ("eid", "first", "after_last", "summary"),
    [
        ("invitation", date(2024, 1, 15), date(2024, 1, 16), "Özgön invites a delegation from Tromsø"),
        ("letters", date(2023, 5, 1), date(2023, 6, 1), "[May 2023] Mayors exchange letters"),
        ("idea", date(2022, 1, 1), date(2023, 1, 1), "[2022] Twinning first proposed"),
        ("planning", date(2024, 2, 1), date(2024, 3, 1), "[Feb 2024 (day unknown)] Planning call"),
        ("acceptance", date(2024, 2, 3), date(2024, 2, 4), "[3 Feb 2024?] Tromsø accepts"),
        ("visit", date(2024, 3, 1), date(2024, 3, 6), "Delegation visits Özgön"),
        ("signing", date(2024, 4, 10), date(2024, 4, 11), "Twinning agreement signed"),
        ("ratified", date(2024, 5, 1), date(2024, 5, 4), "[1 May 2024 or 3 May 2024] Councils ratify the agreement"),
        ("exchange", date(2024, 6, 1), date(2024, 7, 1), "[from Jun 2024] Student exchange runs"),
        ("broadcast", date(2024, 7, 1), date(2024, 7, 2), "[1 Jul 2024 14:30 +06:00] Joint radio broadcast"),
        ("statue", date(2024, 8, 1), date(2024, 9, 1), "[c. Aug 2024] Statue unveiled"),
    ],
)
def test_days_and_summary(capsys, eid, first, after_last, summary):
    """Each kind of date becomes all-day days from its earliest to latest day, prefixed unless exact."""
    _, events = calendar(capsys)
    ev = events[eid]
    assert ev["DTSTART"].dt == first and ev["DTEND"].dt == after_last
    assert ev["DTSTART"].params["VALUE"] == "DATE" and ev["DTEND"].params["VALUE"] == "DATE"
    assert str(ev["SUMMARY"]) == summary


def test_uids_are_stable_and_unique(capsys):
    """UIDs come from event ids, so a filtered export and a full one agree on them."""
    _, everything = calendar(capsys)
    _, some = calendar(capsys, "--tag", "twinning")
    assert len(everything) == 12
    assert set(some) < set(everything)
    for eid, ev in some.items():
        assert str(ev["UID"]) == f"{eid}@timeline.invalid" == str(everything[eid]["UID"])


def test_description_names_dates_actors_and_sources(capsys):
    """The description carries the disputed wording, actors with offices and numbered sources with addresses."""
    _, events = calendar(capsys)
    text = str(events["signing"]["DESCRIPTION"])
    assert text.startswith("Date: 10 Apr 2024 · also reported 12 Apr 2024 (Daily Paper & Co.)\n")
    assert "Actors: Aizada Žumabaeva (Mayor), Ingrid Sørensen (Mayor)" in text
    sources = (
        "1. Mayor's Office, Özgön <https://ozgon.example/press>\n2. Wire Service, graded B? <https://wire.example/>"
    )
    assert sources in text
    assert str(events["letters"]["URL"]) == "https://wire.example/2023/05/letters"


def test_file_follows_rfc_5545_framing(capsys):
    """CRLF line ends, lines folded at 75 octets, the required properties, DTSTAMP from SOURCE_DATE_EPOCH."""
    out, events = calendar(capsys)
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")
    assert max(len(line.encode("utf-8")) for line in out.split("\r\n")) <= 75
    cal = Calendar.from_ical(out)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    for ev in events.values():
        assert ev["DTSTAMP"].dt == datetime(2024, 6, 1, tzinfo=timezone.utc)
        assert str(ev["TRANSP"]) == "TRANSPARENT"


def test_without_source_date_epoch_the_stamp_comes_from_the_store(capsys, monkeypatch):
    """No clock: DTSTAMP is the latest day the events name, so two exports are byte-identical."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    out, events = calendar(capsys)
    assert {ev["DTSTAMP"].dt for ev in events.values()} == {datetime(2024, 8, 31, tzinfo=timezone.utc)}
    _, some = calendar(capsys, "--until", "2024-01")
    assert {ev["DTSTAMP"].dt for ev in some.values()} == {datetime(2024, 1, 15, tzinfo=timezone.utc)}
    assert calendar(capsys)[0] == out
