"""TimelineJS3 JSON: only the format's documented fields, dates at their own precision, our wording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run
from timeline import dates
from timeline.formats.timelinejs import slide_dates

FIXTURE = str(Path(__file__).parent / "data" / "formats" / "fixture.toml")
# Documented fields (timeline.knightlab.com/docs/json-format.html) we may use.
TOP = {"title", "events", "eras", "scale"}
SLIDE = {"start_date", "end_date", "text", "media", "group", "display_date", "background", "autolink", "unique_id"}
DATE = {"year", "month", "day", "hour", "minute", "second", "millisecond", "display_date", "format"}


def document(capsys, *args: str) -> dict:
    code, out, err = run(capsys, "list", "-f", FIXTURE, "--format", "timelinejs", *args)
    assert code == 0, err
    return json.loads(out)


def test_only_known_fields(capsys):
    """Every key in the document is one TimelineJS3 documents, and every date part is an integer."""
    doc = document(capsys)
    assert set(doc) <= TOP and doc["scale"] == "human"
    assert set(doc["title"]) == {"text"} and set(doc["title"]["text"]) == {"headline", "text"}
    assert len(doc["events"]) == 12
    for slide in doc["events"]:
        assert set(slide) <= SLIDE
        assert set(slide["text"]) == {"headline", "text"}
        for key in ("start_date", "end_date"):
            if key in slide:
                assert set(slide[key]) <= DATE and "year" in slide[key]
                assert all(isinstance(v, int) for v in slide[key].values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-09", {"start_date": {"year": 2024, "month": 2, "day": 9}}),
        ("2024-02", {"start_date": {"year": 2024, "month": 2}}),
        ("2024-02-XX", {"start_date": {"year": 2024, "month": 2}}),
        ("2024", {"start_date": {"year": 2024}}),
        ("202X", {"start_date": {"year": 2020}, "end_date": {"year": 2029}}),
        (
            "2024-03-01/2024-03-05",
            {"start_date": {"year": 2024, "month": 3, "day": 1}, "end_date": {"year": 2024, "month": 3, "day": 5}},
        ),
        ("2024-01/2024-03", {"start_date": {"year": 2024, "month": 1}, "end_date": {"year": 2024, "month": 3}}),
        ("2024-06/..", {"start_date": {"year": 2024, "month": 6}}),
        ("../2024-02-09", {"start_date": {"year": 2024, "month": 2, "day": 9}}),
    ],
)  # fmt: skip
def test_dates_keep_their_precision(text, expected):
    """Start and end give only the parts the store knows; open ends are left out."""
    assert slide_dates(dates.parse(text)) == expected


def test_display_date_is_our_wording(capsys):
    """display_date says what the other formats say, disputes included; group is the event type."""
    slides = {s["unique_id"]: s for s in document(capsys)["events"]}
    assert (
        slides["ratified"]["display_date"]
        == "disputed: 1 May 2024 (Wire Service) or 3 May 2024 (Daily Paper &amp; Co.)"
    )
    assert slides["ratified"]["start_date"] == {"year": 2024, "month": 5, "day": 1}
    assert slides["ratified"]["end_date"] == {"year": 2024, "month": 5, "day": 3}
    assert slides["planning"]["display_date"] == "Feb 2024 (day unknown)"
    assert slides["visit"]["group"] == "visit" and slides["visit"]["autolink"] is False
    assert '<a href="https://wire.example/">Wire Service</a>' in slides["visit"]["text"]["text"]


def test_title_slide_names_the_selection(capsys):
    """The title slide carries the title and the filters that made the timeline."""
    doc = document(capsys, "--actor", "chen", "--title", "Chen & the towns")
    assert doc["title"]["text"]["headline"] == "Chen &amp; the towns"
    assert doc["title"]["text"]["text"] == "<p>2 events. Filters: actor chen.</p>"
