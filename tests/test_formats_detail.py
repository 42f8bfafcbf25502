"""The `show` page: every claim, actor, source and link, wrapped to the width, addresses never broken."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import store
from timeline.formats.detail import render_event, roles_on

SUMMARY = (
    "The foreign minister receives the ambassador and hands him the president's answer to the letter, "
    "which sets out Bishkek's view."
)
LONG_URL = "https://cpj.org/2024/04/kyrgyzstan-president-signs-russian-style-foreign-agents-law/"
STORE = f"""
[store]
title = "Detail page"

[actors.kul]
name = "Jeenbek Kulubaev"
roles = [
  {{ title = "Minister of Foreign Affairs", org = "Kyrgyzstan", start = "2022-04-22" }},
  {{ title = "Ambassador", org = "Kyrgyzstan", start = "2010", end = "2015" }},
]

[actors.vig]
name = "Lesslie Viguerie"

[sources.cpj]
name = "Committee to Protect Journalists (CPJ)"

[sources.tass]
name = "TASS"
url = "https://tass.com/"

[[events]]
id = "letter"
date = "2024-01-17"
title = "Blinken writes to Japarov"

[[events]]
id = "reply"
dates = [
  {{ date = "2024-02-09", sources = ["cpj"], preferred = true }},
  {{ date = "2024-02-11", sources = ["tass"], note = "no year given" }},
]
title = "Kulubaev hands over the reply"
summary = "{SUMMARY}"
type = "meeting"
tags = ["correspondence", "civil-society"]
actors = [{{ id = "kul", role = "foreign minister" }}, "vig"]
sources = [
  {{ id = "cpj", url = "{LONG_URL}", published = "2024-04-02", note = "a later report" }},
  "tass",
]
in_response_to = ["letter"]

[[events]]
id = "published"
date = "2024-02-12"
title = "The reply is published"
in_response_to = ["reply"]
after = ["letter"]

[[events]]
id = "hostile"
date = "2024-03"
title = "\\u001b]0;pwned\\u0007Title \\u202eevil"
type = "\\u001b[31mred"
summary = "line one\\nline two\\u0007"
"""


@pytest.fixture(scope="module")
def s(tmp_path_factory):
    path = tmp_path_factory.mktemp("detail") / "events.toml"
    path.write_text(STORE, encoding="utf-8")
    return store.load(path)


def page(s, eid: str, width: int = 80) -> list[str]:
    return render_event(s.by_id[eid], s, width=width).splitlines()


def test_head_names_title_id_and_the_date_with_its_dispute(s):
    """The first lines are the title, the id, and the date with what else was reported."""
    assert page(s, "reply")[:3] == [
        "Kulubaev hands over the reply",
        "id: reply",
        "date: 9 Feb 2024 · also reported 11 Feb 2024 (TASS)",
    ]


def test_every_date_claim_with_its_sources_mark_and_note(s):
    """Each claim is listed with who says it, the preferred one marked, its note after a dash."""
    lines = page(s, "reply")
    at = lines.index("date claims:")
    assert lines[at + 1 : at + 3] == [
        "  - 9 Feb 2024 (preferred): Committee to Protect Journalists (CPJ)",
        "  - 11 Feb 2024: TASS — no year given",
    ]
    assert "date claims:" not in page(s, "letter")


def test_type_tags_and_summary_wrapped_to_the_width(s):
    """Type and tags have their own lines; the summary is wrapped to the width without indent."""
    lines = page(s, "reply", width=50)
    assert "type: meeting" in lines and "tags: correspondence, civil-society" in lines
    summary = lines[lines.index("tags: correspondence, civil-society") + 2 :]
    assert summary[0].startswith("The foreign minister receives") and all(len(x) <= 50 for x in summary[:3])


def test_actors_with_the_office_the_event_names_and_offices_held_then(s):
    """Each actor has name and id, the office the event cites, and only the offices held on the date."""
    lines = page(s, "reply")
    assert "  - Jeenbek Kulubaev (kul), as foreign minister: Minister of Foreign Affairs," in lines
    assert "    Kyrgyzstan (from 22 Apr 2022)" in lines
    assert "  - Lesslie Viguerie (vig)" in lines
    assert roles_on(s, "kul", s.by_id["reply"]) == ["Minister of Foreign Affairs, Kyrgyzstan (from 22 Apr 2022)"]
    assert roles_on(s, "nobody", s.by_id["reply"]) == []


def test_sources_are_numbered_with_address_publication_and_note(s):
    """Sources are numbered; the article's address (else the source's), publication date and note follow."""
    text = render_event(s.by_id["reply"], s, width=200)
    assert f"  1. Committee to Protect Journalists (CPJ) <{LONG_URL}>, published 2 Apr 2024 — a later report" in text
    assert "  2. TASS <https://tass.com/>" in text


@settings(max_examples=40, deadline=None)
@given(width=st.integers(min_value=1, max_value=140))
def test_an_address_is_never_broken_across_lines(s, width):
    """At any width the whole address stays on one line; only a line holding it may run past the width."""
    lines = page(s, "reply", width=width)
    holding = [x for x in lines if LONG_URL in x]
    assert len(holding) == 1
    assert all(len(x) <= max(width, 30) for x in lines if x not in holding and " " in x.strip())


def test_links_both_ways_with_dates_and_titles(s):
    """What the event answers, follows and precedes, and what answers it, each with its date and title."""
    lines = page(s, "reply")
    assert lines[lines.index("responds to:") + 1] == "  - letter: 17 Jan 2024, Blinken writes to Japarov"
    assert lines[lines.index("responses:") + 1] == "  - published: 12 Feb 2024, The reply is published"
    lines = page(s, "published")
    assert lines[lines.index("after:") + 1] == "  - letter: 17 Jan 2024, Blinken writes to Japarov"


def test_store_text_is_made_inert(s):
    """Control codes and bidi overrides in titles, types and summaries never reach the terminal."""
    text = render_event(s.by_id["hostile"], s)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert text.startswith("\ufffd]0;pwned\ufffdTitle \ufffdevil\n")
    assert "line one line two\ufffd" in text


def test_no_empty_sections(s):
    """An event with only a date and a title shows those and what answers it, no empty headings."""
    assert page(s, "letter") == ["Blinken writes to Japarov", "id: letter", "date: 17 Jan 2024", "", "responses:",
                                 "  - reply: 9 Feb 2024, Kulubaev hands over the reply"]  # fmt: skip
