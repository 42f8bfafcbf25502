"""timeline.schema: every kind of invalid store gives one located line naming the field and the fix.

Each case is a store fragment; the line marked `# <-` is the line the message must name.
The fragment is appended to BASE, which is valid on its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import run
from timeline.store import schema

BASE = """\
[store]
title = "Schema cases"

[actors.kulubaev]
name = "Jeenbek Kulubaev"
country = "KG"

[sources.tass]
name = "TASS"

[[events]]
id = "letter"
date = "2024-01-17"
title = "A letter"
"""

EVENT = """
[[events]]
id = "e1"
date = "2024-02-09"
title = "An event"
"""

# (case id, fragment appended to BASE, message after "events.toml:LINE: ")
CASES = [
    (
        "unknown-key-did-you-mean",
        EVENT + 'actor = ["kulubaev"]  # <-\n',
        "event 'e1': field 'actor': unknown key; did you mean 'actors'?",
    ),
    (
        "unknown-key-no-close-match",
        EVENT + "zzz = 1  # <-\n",
        "event 'e1': field 'zzz': unknown key; expected one of: id, date, dates, title, summary, type, status, "
        "actors, tags, sources, in_response_to, after, before",
    ),
    (
        "missing-id",
        '\n[[events]]  # <-\ndate = "2024-02-09"\ntitle = "T"\n',
        "event #2: field 'id': missing; add id = \"a-short-slug\"",
    ),
    (
        "missing-title",
        '\n[[events]]  # <-\nid = "e1"\ndate = "2024-02-09"\n',
        "event 'e1': field 'title': missing; add title = \"What happened\"",
    ),
    (
        "missing-date",
        '\n[[events]]  # <-\nid = "e1"\ntitle = "T"\n',
        "event 'e1': field 'date': missing; add date = \"2024-02-09\" (or 'dates' when sources disagree)",
    ),
    (
        "empty-title",
        '\n[[events]]\nid = "e1"\ndate = "2024-02-09"\ntitle = "  "  # <-\n',
        "event 'e1': field 'title': empty; add title = \"What happened\"",
    ),
    (
        "id-not-a-string",
        '\n[[events]]\nid = 7  # <-\ndate = "2024-02-09"\ntitle = "T"\n',
        "event #2: field 'id': expected a string, got a number",
    ),
    (
        "date-is-a-number",
        '\n[[events]]\nid = "e1"\ndate = 5  # <-\ntitle = "T"\n',
        "event 'e1': field 'date': expected a date like \"2024-02-09\" (quoted or not), got a number",
    ),
    (
        "date-is-a-time-of-day",
        '\n[[events]]\nid = "e1"\ndate = 14:30:00  # <-\ntitle = "T"\n',
        "event 'e1': field 'date': expected a date like \"2024-02-09\" (quoted or not), got a time of day",
    ),
    (
        "tags-is-a-string",
        EVENT + 'tags = "x"  # <-\n',
        "event 'e1': field 'tags': expected a list of strings, like tags = [\"a\", \"b\"], got a string",
    ),
    (
        "tags-holds-a-number",
        EVENT + 'tags = [\n  "a",\n  2,  # <-\n]\n',
        "event 'e1': field 'tags': expected a list of strings, like tags = [\"a\", \"b\"]; item 2 is a number",
    ),
    (
        "actors-holds-a-number",
        EVENT + "actors = [1]  # <-\n",
        "event 'e1': field 'actors': item 1: expected an actor id or { id = \"…\", role = \"…\" }, got a number",
    ),
    (
        "actors-is-a-string",
        EVENT + 'actors = "kulubaev"  # <-\n',
        "event 'e1': field 'actors': expected a list of actor ids, got a string",
    ),
    (
        "actor-role-not-a-string",
        EVENT + 'actors = [{ id = "kulubaev", role = 3 }]  # <-\n',
        "event 'e1': field 'actors': actor 'kulubaev': field 'role': expected a string, got a number",
    ),
    (
        "actor-entry-without-id",
        EVENT + 'actors = [{ role = "minister" }]  # <-\n',
        "event 'e1': field 'actors': item 1: field 'id': missing; add id = \"…\" naming an [actors.…] table",
    ),
    (
        "sources-holds-a-boolean",
        EVENT + "sources = [true]  # <-\n",
        "event 'e1': field 'sources': item 1: expected a source id or { id = \"…\" }, got a boolean",
    ),
    (
        "citation-unknown-key",
        EVENT + 'sources = [\n  "tass",\n  { id = "tass", ulr = "https://x" },  # <-\n]\n',
        "event 'e1': field 'sources': source 'tass': field 'ulr': unknown key; did you mean 'url'?",
    ),
    (
        "citation-published-not-a-date",
        EVENT + 'sources = [{ id = "tass", published = "last week" }]  # <-\n',
        "event 'e1': field 'sources': source 'tass': field 'published': \"last week\": not a store date; "
        'write it like "2024-02-09", "2024-02" or "2024"',
    ),
    (
        "bad-id-slug",
        '\n[[events]]\nid = "has space"  # <-\ndate = "2024-02-09"\ntitle = "T"\n',
        "event 'has space': field 'id': 'has space' is not a valid id; use letters, digits, '-', '_' or '.', "
        "starting with a letter or digit",
    ),
    (
        "month-13",
        '\n[[events]]\nid = "e1"\ndate = "2024-13"  # <-\ntitle = "T"\n',
        "event 'e1': field 'date': \"2024-13\": month 13 is not 01-12",
    ),
    (
        "february-29-in-2023",
        '\n[[events]]\nid = "e1"\ndate = "2023-02-29"  # <-\ntitle = "T"\n',
        "event 'e1': field 'date': \"2023-02-29\": day 29 is not 01-28 (February 2023 has 28 days)",
    ),
    (
        "date-with-spaces",
        '\n[[events]]\nid = "e1"\ndate = " 2024"  # <-\ntitle = "T"\n',
        "event 'e1': field 'date': \" 2024\": remove the spaces around the date",
    ),
    (
        "both-date-and-dates",
        '\n[[events]]\nid = "e1"\ndate = "2024-02-09"  # <-\ndates = [{ date = "2024-02-09" }]\ntitle = "T"\n',
        "event 'e1': field 'date': given with 'dates'; keep 'dates' (the claims) and remove 'date'",
    ),
    (
        "two-preferred-claims",
        '\n[[events]]\nid = "e1"\ntitle = "T"\ndates = [  # <-\n'
        '  { date = "2024-02-09", preferred = true },\n  { date = "2024-02-11", preferred = true },\n]\n',
        "event 'e1': field 'dates': more than one claim is marked preferred; keep one",
    ),
    (
        "claim-without-date",
        '\n[[events]]\nid = "e1"\ntitle = "T"\ndates = [\n  { date = "2024-02-09" },\n'
        '  { sources = ["tass"] },  # <-\n]\n',
        "event 'e1': field 'dates': claim 2: field 'date': missing; add date = \"2024-02-09\"",
    ),
    (
        "claim-bad-date",
        '\n[[events]]\nid = "e1"\ntitle = "T"\ndates = [\n  { date = "2024-02-30" },  # <-\n]\n',
        "event 'e1': field 'dates': claim 1: field 'date': \"2024-02-30\": "
        "day 30 is not 01-29 (February 2024 has 29 days)",
    ),
    (
        "claim-preferred-not-boolean",
        '\n[[events]]\nid = "e1"\ntitle = "T"\ndates = [{ date = "2024-02-09", preferred = "yes" }]  # <-\n',
        "event 'e1': field 'dates': claim 1: field 'preferred': expected true or false, got a string",
    ),
    (
        "dates-empty",
        '\n[[events]]\nid = "e1"\ntitle = "T"\ndates = []  # <-\n',
        "event 'e1': field 'dates': expected a list of claims like { date = \"2024-02-09\", sources = [\"…\"] }, "
        "got an empty list",
    ),
    (
        "unknown-actor-with-suggestion",
        EVENT + 'actors = [\n  "kulubayev",  # <-\n]\n',
        "event 'e1': field 'actors': unknown actor 'kulubayev'; did you mean 'kulubaev'?",
    ),
    (
        "unknown-actor-without-suggestion",
        EVENT + 'actors = ["zzz"]  # <-\n',
        "event 'e1': field 'actors': unknown actor 'zzz'; add it under [actors.zzz] or fix the id",
    ),
    (
        "unknown-source-in-claim",
        '\n[[events]]\nid = "e1"\ntitle = "T"\ndates = [\n  { date = "2024-02-09" },\n'
        '  { date = "2024-02-11", sources = ["tas"] },  # <-\n]\n',
        "event 'e1': field 'dates': claim 2: field 'sources': unknown source 'tas'; did you mean 'tass'?",
    ),
    (
        "unknown-event-in-relation",
        EVENT + 'in_response_to = ["leter"]  # <-\n',
        "event 'e1': field 'in_response_to': unknown event 'leter'; did you mean 'letter'?",
    ),
    (
        "unknown-event-without-suggestion",
        EVENT + 'after = ["letter", "qqqq"]  # <-\n',
        "event 'e1': field 'after': unknown event 'qqqq'; check the id",
    ),
    (
        "duplicate-event-id",
        '\n[[events]]\nid = "letter"  # <-\ndate = "2024-02-09"\ntitle = "T"\n',
        "event 'letter': field 'id': already used by the event on line 11; ids must be unique",
    ),
    (
        "actor-roles-not-a-list",
        '\n[actors.japarov]\nname = "Sadyr Japarov"\nroles = "President"  # <-\n',
        "actor 'japarov': field 'roles': expected a list of tables like { title = \"…\" }, got a string",
    ),
    (
        "actor-role-bad-start",
        '\n[actors.japarov]\nname = "Sadyr Japarov"\nroles = [\n  { title = "President" },\n'
        '  { title = "Acting", start = "2020-10-32" },  # <-\n]\n',
        "actor 'japarov': field 'roles': role 'Acting': field 'start': \"2020-10-32\": day 32 is not 01-31 "
        "(October 2020 has 31 days)",
    ),
    (
        "actor-role-without-title",
        '\n[actors.japarov]\nname = "Sadyr Japarov"\nroles = [{ org = "Kyrgyzstan" }]  # <-\n',
        "actor 'japarov': field 'roles': item 1: field 'title': missing; add title = \"…\"",
    ),
    (
        "actor-country-not-alpha-2",
        '\n[actors.japarov]\nname = "Sadyr Japarov"\ncountry = "Kyrgyzstan"  # <-\n',
        "actor 'japarov': field 'country': 'Kyrgyzstan' is not an ISO 3166-1 alpha-2 code like \"KG\"",
    ),
    (
        "actor-without-name",
        '\n[actors.japarov]  # <-\ncountry = "KG"\n',
        "actor 'japarov': field 'name': missing; add name = \"Full Name\"",
    ),
    (
        "actor-unknown-key",
        '\n[actors.japarov]\nname = "Sadyr Japarov"\nalias = ["Zhaparov"]  # <-\n',
        "actor 'japarov': field 'alias': unknown key; did you mean 'aliases'?",
    ),
    (
        "actor-id-not-a-slug",
        '\n[actors."sadyr japarov"]  # <-\nname = "Sadyr Japarov"\n',
        "actor 'sadyr japarov': 'sadyr japarov' is not a valid id; use letters, digits, '-', '_' or '.', "
        "starting with a letter or digit",
    ),
    (
        "source-not-a-table",
        '\n[sources]\nrfe = "Radio Liberty"  # <-\n',
        "source 'rfe': expected a table [sources.rfe] with name = \"…\"",
    ),
    (
        "source-name-not-a-string",
        '\n[sources.ria]\nname = ["RIA"]  # <-\n',
        "source 'ria': field 'name': expected a string, got a list",
    ),
    (
        "status-did-you-mean",
        EVENT + 'status = "threatend"  # <-\n',
        "event 'e1': field 'status': 'threatend' is not one of happened, reported, announced, planned, threatened, "
        "denied, hypothetical; did you mean 'threatened'?",
    ),
    (
        "status-not-text",
        EVENT + "status = true  # <-\n",
        "event 'e1': field 'status': expected one of happened, reported, announced, planned, threatened, denied, "
        "hypothetical, got a boolean",
    ),
    (
        "reliability-lower-case",
        '\n[sources.ria]\nname = "RIA"\nreliability = "b"  # <-\n',
        "source 'ria': field 'reliability': 'b' is not one of A, B, C, D, E, F; did you mean 'B'?",
    ),
    (
        "credibility-out-of-range",
        EVENT + 'sources = [\n  { id = "tass", credibility = 7 },  # <-\n]\n',
        "event 'e1': field 'sources': source 'tass': field 'credibility': expected one of 1, 2, 3, 4, 5, 6, got 7",
    ),
    (
        "credibility-quoted",
        EVENT + 'sources = [{ id = "tass", credibility = "2" }]  # <-\n',
        "event 'e1': field 'sources': source 'tass': field 'credibility': got the string '2'; write 2 without quotes",
    ),
    (
        "credibility-key-typo",
        EVENT + 'sources = [{ id = "tass", credibilty = 2 }]  # <-\n',
        "event 'e1': field 'sources': source 'tass': field 'credibilty': unknown key; did you mean 'credibility'?",
    ),
    (
        "said-without-published",
        EVENT + 'sources = [{ id = "tass", said = "last Friday" }]  # <-\n',
        "event 'e1': field 'sources': source 'tass': field 'said': needs the day the source was published: "
        'add published = "2024-02-12"',
    ),
    (
        "said-not-understood",
        EVENT + 'sources = [{ id = "tass", published = "2024-02-12", said = "lately" }]  # <-\n',
        "event 'e1': field 'sources': source 'tass': field 'said': \"lately\" is not a date relative to the report "
        "that timeline can read; use one of: today, yesterday, the day before yesterday, tomorrow, N days/weeks ago, "
        "last Friday, (on) Friday, next Friday, last/this/next week, month or year",
    ),
    (
        "said-against-a-month",
        EVENT + 'sources = [{ id = "tass", published = "2024-02", said = "last Friday" }]  # <-\n',
        "event 'e1': field 'sources': source 'tass': field 'said': needs a publication day, not Feb 2024, "
        "to be read against",
    ),
]


def expected_line(text: str) -> int:
    """The 1-based line carrying the `# <-` marker."""
    (line,) = [n for n, raw in enumerate(text.splitlines(), start=1) if raw.endswith("# <-")]
    return line


def check(tmp_path: Path, capsys, text: str, message: str) -> None:
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "list", "--format", "plain")
    assert (code, out) == (1, "")
    assert err == f"timeline: error: events.toml:{expected_line(text)}: {message}\n"


@pytest.mark.parametrize(("text", "message"), [pytest.param(BASE + f, m, id=i) for i, f, m in CASES])
def test_schema_error_is_located(tmp_path, capsys, text, message):
    """The CLI prints exactly one line: file, the right line, the field and the fix; exit 1."""
    check(tmp_path, capsys, text, message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("events = 5  # <-\n", "field 'events': expected [[events]] tables, got a number"),
        ("[events]  # <-\nid = 'x'\n", "field 'events': expected [[events]] tables, got a table"),
        ("[store]\ntitel = 'x'  # <-\n", "[store]: field 'titel': unknown key; did you mean 'title'?"),
        ("[store]\ntitle = 5  # <-\n", "[store]: field 'title': expected a string, got a number"),
        ("store = 'x'  # <-\n", "field 'store': expected tables like [store] with title = \"…\", got a string"),
        ("evnts = []  # <-\n", "top level: field 'evnts': unknown key; did you mean 'events'?"),
        ("actors = []  # <-\n", "field 'actors': expected tables like [actors.kulubaev], got a list"),
        ("sources = 1  # <-\n", "field 'sources': expected tables like [sources.tass], got a number"),
        ("check = 1  # <-\n", "field 'check': expected tables like [check], got a number"),
        (
            "events = [\n  { id = 'a', date = '2024', title = 'A' },\n  5,  # <-\n]\n",
            "events[2]: expected a table [[events]], got a number",
        ),
        (
            "events = [\n  { id = 'a', date = '2024', title = 'A' },\n"
            "  { id = 'b', date = '2024', tilte = 'B' },  # <-\n]\n",
            "event 'b': field 'tilte': unknown key; did you mean 'title'?",
        ),
    ],
    ids=[
        "events-number",
        "events-plain-table",
        "store-unknown-key",
        "store-title-number",
        "store-not-a-table",
        "top-level-unknown",
        "actors-empty-list",
        "sources-number",
        "check-number",
        "inline-events-item",
        "inline-events-key",
    ],
)
def test_top_level_errors_are_located(tmp_path, capsys, text, message):
    """Problems with the top-level tables (which cannot follow BASE) name their line too."""
    check(tmp_path, capsys, text, message)


def test_the_bundled_store_has_no_problems(bundled):
    """The store shipped with the project validates cleanly."""
    from timeline import store

    _, problems = store.validate(bundled)
    assert [p for p in problems if p.severity == "error"] == []


def test_multiline_strings_do_not_shift_lines(tmp_path, capsys):
    """A multi-line string holding `[[events]]` and `key = value` lines does not move later errors."""
    text = BASE + (
        '\n[[events]]\nid = "e1"\ndate = "2024-02-09"\ntitle = "T"\nsummary = """\n'
        "[[events]]\n"
        'date = "nonsense"\n'
        '"""\n'
        'tags = "x"  # <-\n'
    )
    check(
        tmp_path,
        capsys,
        text,
        "event 'e1': field 'tags': expected a list of strings, like tags = [\"a\", \"b\"], got a string",
    )


def test_duplicate_id_names_the_first_line_even_after_multiline_strings(tmp_path, capsys):
    """The line of the first use is right when a string above it looks like a header."""
    text = BASE.replace('title = "Schema cases"', 'title = "Schema cases"\ndescription = """\n[[events]]\n"""') + (
        '\n[[events]]\nid = "letter"  # <-\ndate = "2024-02-09"\ntitle = "T"\n'
    )
    check(
        tmp_path, capsys, text, "event 'letter': field 'id': already used by the event on line 14; ids must be unique"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('"a\\nb"', "a\\nb"),
        ('"\\u001b[31mred"', "\\x1b[31mred"),
        ('"\\u202egnp.exe"', "\\u202egnp.exe"),
    ],
    ids=["newline", "escape", "bidi"],
)
def test_messages_escape_control_characters(tmp_path, capsys, value, shown):
    """Store text quoted in an error (here an unknown actor id) cannot break the line or the terminal."""
    text = BASE + EVENT + f"actors = [{value}]  # <-\n"
    check(
        tmp_path,
        capsys,
        text,
        f"event 'e1': field 'actors': unknown actor '{shown}'; add it under [actors.{shown}] or fix the id",
    )


def test_long_values_are_shortened_in_messages(tmp_path, capsys):
    """A huge bad value is cut in the message, so the line stays readable."""
    text = BASE + '\n[[events]]\nid = "e1"\ntitle = "T"\ndate = "' + "9" * 10_000 + '"  # <-\n'
    (tmp_path / "events.toml").write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "list", "--format", "plain")
    assert code == 1
    assert err.startswith(f"timeline: error: events.toml:{expected_line(text)}: event 'e1': field 'date': \"999")
    assert len(err) < 300


def test_build_collects_problems_in_line_order():
    """build() returns every problem, ordered by line, each with its code and event id."""
    text = BASE + EVENT + 'tags = "x"\nbogus = 1\nactors = ["nobody"]\n'
    import tomli

    store, problems = schema.build(tomli.loads(text), "events.toml", text)
    assert [(p.code, p.line, p.event_id) for p in problems] == [
        ("E004", 20, "e1"),
        ("E002", 21, "e1"),
        ("E006", 22, "e1"),
    ]
    assert [e.id for e in store.events] == ["letter", "e1"]


ENTRY_LINES = [
    ("headers", BASE, {"kulubaev": 4}, {"tass": 8}),
    (
        "sub-table-first-quoted-spaced",
        '[[actors.a.roles]]\ntitle = "T"\n\n[actors.a]\nname = "A"\n\n[ sources . "s.1" ]\nname = "S"\n',
        {"a": 1},
        {"s.1": 7},
    ),
    ("inline-and-dotted", '[actors]\na = { name = "A" }\n\n[sources]\ns.name = "S"\n', {"a": 2}, {"s": 5}),
    (
        "header-inside-a-string",
        '[store]\ndescription = """\n[actors.a]\n[sources.s]\n"""\n\n[actors.a]\nname = "A"\n[sources.s]\nname = "S"\n',
        {"a": 7},
        {"s": 9},
    ),
]


@pytest.mark.parametrize(("text", "actors", "sources"), [c[1:] for c in ENTRY_LINES], ids=[c[0] for c in ENTRY_LINES])
def test_actors_and_sources_know_their_line(text, actors, sources):
    """Each actor and source carries the line its table starts on, however it is written."""
    import tomli

    store, problems = schema.build(tomli.loads(text), "events.toml", text)
    assert problems == []
    assert {a.id: a.line for a in store.actors.values()} == actors
    assert {s.id: s.line for s in store.sources.values()} == sources
