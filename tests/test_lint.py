"""`timeline check`: each rule on a fixture store with exactly one planted problem, and the options."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.test_cli import run
from timeline.lint import RULES

FIXTURES = DATA / "check"
MARK = re.compile(r"# <- ([EWN]\d{3})\s*$")


def planted(path: Path) -> list[tuple[str, int]]:
    """(code, line) for every line of a fixture marked `# <- CODE`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return sorted((m.group(1), n) for n, line in enumerate(lines, start=1) if (m := MARK.search(line)))


def copy(name: str, tmp_path: Path, target: str = "events.toml") -> Path:
    """A fixture copied into the test's folder, away from any pyproject.toml of this project."""
    dest = tmp_path / target
    shutil.copy(FIXTURES / name, dest)
    return dest


def findings(capsys, *args: str) -> tuple[int, list[dict]]:
    code, out, _ = run(capsys, "check", "--format", "json", *args)
    return code, json.loads(out)


def write(tmp_path: Path, text: str, name: str = "events.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = (FIXTURES / "clean.toml").read_text(encoding="utf-8")


# ---- one fixture per rule -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.toml")))
def test_fixture_yields_exactly_its_planted_findings(name, tmp_path, capsys):
    """Every marked line gets its code once, nothing else is reported, and the exit status follows."""
    path = copy(name, tmp_path)
    expected = planted(path)
    code, found = findings(capsys, "--file", str(path))
    assert sorted((f["code"], f["line"]) for f in found) == expected
    severities = {RULES[c].severity for c, _ in expected}
    assert code == (1 if "error" in severities else 0)
    strict_code, _ = findings(capsys, "--file", str(path), "--strict")
    assert strict_code == (1 if severities & {"error", "warning"} else 0)


def test_every_rule_has_its_own_fixture_and_a_place_in_the_combined_one():
    """Each code has a fixture named after it, and all.toml plants every code the parser lets through."""
    names = {p.stem.split("-")[0] for p in FIXTURES.glob("*.toml")}
    assert set(RULES) <= names
    combined = [code for code, _ in planted(FIXTURES / "all.toml")]
    assert sorted(combined) == sorted(set(RULES) - {"E001"})


def test_bundled_store_checks_clean_under_strict(bundled, capsys):
    """The curated events.toml has no errors or warnings; notes are allowed."""
    code, out, err = run(capsys, "check", "--strict")
    assert code == 0, out
    assert {line.split()[1] for line in out.splitlines()} <= {"N001"}
    assert err.startswith("events.toml: 0 errors, 0 warnings")


# ---- the three cases the issue names --------------------------------------------------------


def test_typo_in_a_key_is_an_error_with_a_suggestion(tmp_path, capsys):
    """`sumary` is E002 on its own line, in the compiler format, suggesting `summary`."""
    copy("E002.toml", tmp_path)
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out == "events.toml:32: E002 error: event 'letter': field 'sumary': unknown key; did you mean 'summary'?\n"


def test_dangling_in_response_to_is_an_error(tmp_path, capsys):
    """A reply to an id nobody defined is E006 at the line of the link."""
    copy("E006.toml", tmp_path)
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out.startswith("events.toml:45: E006 error: event 'reply': field 'in_response_to': unknown event 'leter'")


def test_reply_dated_before_its_message_is_an_error(tmp_path, capsys):
    """A reply dated before the letter it answers is E009, pointing at the letter's id in the link."""
    copy("E009.toml", tmp_path)
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert out.startswith("events.toml:45:19: E009 error: event 'reply': field 'in_response_to': puts 'reply' after")


# ---- choosing rules -------------------------------------------------------------------------


def test_select_and_ignore_take_codes_and_prefixes(tmp_path, capsys):
    """--select W keeps warnings only; --ignore W004,W005 drops two; E00 is a prefix of E001-E009."""
    path = copy("all.toml", tmp_path)
    _, found = findings(capsys, "-f", str(path), "--select", "W")
    assert {f["code"] for f in found} == {c for c in RULES if c.startswith("W")}
    _, found = findings(capsys, "-f", str(path), "--ignore", "W004,W005", "--ignore", "N")
    assert {f["code"] for f in found} == set(RULES) - {"E001", "W004", "W005", "N001", "N002"}
    _, found = findings(capsys, "-f", str(path), "--select", "e00")
    assert {f["code"] for f in found} == {f"E00{n}" for n in range(2, 10)}


def test_the_more_specific_selector_wins_and_ties_go_to_ignore(tmp_path, capsys):
    """Ignoring W but selecting W003 keeps W003; selecting and ignoring E drops errors."""
    path = copy("all.toml", tmp_path)
    _, found = findings(capsys, "-f", str(path), "--ignore", "W", "--select", "W003,E")
    assert {f["code"] for f in found} == {"W003"} | {c for c in RULES if c.startswith("E") and c != "E001"}
    _, found = findings(capsys, "-f", str(path), "--select", "E,N", "--ignore", "E")
    assert {f["code"] for f in found} == {"N001", "N002"}


def test_store_check_table_is_read_and_the_command_line_overrides_it(tmp_path, capsys):
    """[check] ignore = ["N"] hides notes; --select N on the command line brings them back."""
    single = BASE.replace('sources = ["wire", "paper"]\nin_response_to', 'sources = ["wire"]\nin_response_to')
    path = write(tmp_path, single + '\n[check]\nignore = ["N"]\n')
    assert findings(capsys, "-f", str(path))[1] == []
    assert [f["code"] for f in findings(capsys, "-f", str(path), "--select", "N")[1]] == ["N001"]


def test_pyproject_settings_apply_below_the_store_table(tmp_path, capsys):
    """[tool.timeline.check] in the nearest pyproject.toml applies; the store's own [check] overrides it."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.timeline.check]\nignore = ["W004"]\n')
    sub = tmp_path / "data"
    sub.mkdir()
    path = copy("W004.toml", sub)
    assert findings(capsys, "-f", str(path))[1] == []
    path.write_text(path.read_text() + '\n[check]\nselect = ["W"]\n')
    assert [f["code"] for f in findings(capsys, "-f", str(path))[1]] == ["W004"]


def test_strict_from_config_and_no_strict_on_the_command_line(tmp_path, capsys):
    """`strict = true` in [check] makes a warning fail; --no-strict turns it back."""
    path = copy("W004.toml", tmp_path)
    path.write_text(path.read_text() + "\n[check]\nstrict = true\n")
    assert run(capsys, "check", "-f", str(path))[0] == 1
    assert run(capsys, "check", "-f", str(path), "--no-strict")[0] == 0


def test_unknown_rule_on_the_command_line_is_a_usage_error(tmp_path, capsys):
    """--select X1 names no rule: exit 2 and a one-line message pointing to --list-rules."""
    copy("clean.toml", tmp_path)
    code, out, err = run(capsys, "check", "--select", "X1")
    assert (code, out) == (2, "")
    assert err == (
        "timeline: error: --select: 'X1' matches no rule; give a code or prefix such as E006, W or ALL "
        "('timeline check --list-rules')\n"
    )


def test_bad_check_table_entries_are_findings_at_their_lines(tmp_path, capsys):
    """An unknown key in [check] is E002 and an unknown code is E004, each on its line; the rest still runs."""
    path = write(tmp_path, BASE + '\n[check]\nselect = ["W", "Q9"]\nstrictly = true\n')
    code, found = findings(capsys, "-f", str(path))
    lines = path.read_text().splitlines()
    assert [(f["code"], lines[f["line"] - 1]) for f in found] == [
        ("E004", 'select = ["W", "Q9"]'),
        ("E002", "strictly = true"),
    ]
    assert code == 1


# ---- output ---------------------------------------------------------------------------------


def test_json_findings_have_stable_keys(tmp_path, capsys):
    """Each JSON finding carries file, line, column, code, severity, rule name, message and event id."""
    path = copy("E009.toml", tmp_path)
    _, found = findings(capsys, "-f", str(path))
    assert found == [
        {
            "file": str(path),
            "line": 45,
            "column": 19,
            "code": "E009",
            "severity": "error",
            "rule": RULES["E009"].name,
            "message": found[0]["message"],
            "event_id": "reply",
        }
    ]


def test_summary_goes_to_stderr_and_notes_never_fail(tmp_path, capsys):
    """stdout holds only findings; stderr the count; a note alone exits 0 even with --strict."""
    copy("N001.toml", tmp_path)
    code, out, err = run(capsys, "check", "--strict")
    assert code == 0
    assert out.startswith("events.toml:35: N001 note: ") and out.count("\n") == 1
    assert err == "events.toml: 0 errors, 0 warnings, 1 note\n"


def test_strict_failure_is_named_in_the_summary(tmp_path, capsys):
    """With --strict and a warning, the summary says why the check failed."""
    copy("W005.toml", tmp_path)
    code, _, err = run(capsys, "check", "--strict")
    assert code == 1
    assert err == "events.toml: 0 errors, 1 warning, 0 notes (strict: warnings fail)\n"


def test_store_text_cannot_reach_the_terminal_as_control_codes(tmp_path, capsys):
    """An escape sequence written into an office name is shown inert, not sent to the terminal."""
    write(tmp_path, BASE.replace('role = "foreign minister"', 'role = "minister\\u001b[2J"'))
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert "W007" in out and "\x1b" not in out


def test_several_stores_at_once(tmp_path, capsys):
    """Paths given as arguments are each checked; the exit status is the worst of them."""
    clean = copy("clean.toml", tmp_path, "a.toml")
    broken = copy("E007.toml", tmp_path, "b.toml")
    code, out, err = run(capsys, "check", str(clean), str(broken))
    assert code == 1
    assert out.startswith(f"{broken}:37: E007 error:")
    assert err.splitlines() == [
        f"{clean}: 0 errors, 0 warnings, 0 notes",
        f"{broken}: 1 error, 0 warnings, 0 notes",
    ]


def test_missing_store_is_a_one_line_error(tmp_path, capsys):
    """A path that does not exist is exit 1 with one line on stderr, not a finding."""
    code, out, err = run(capsys, "check", "nope.toml")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "nope.toml: no such file" in err


def test_unreadable_stores_are_one_line_errors(tmp_path, capsys):
    """Nesting too deep to parse, or bytes that are not UTF-8: exit 1, one line naming the file, no traceback."""
    write(tmp_path, "x = " + "[" * 5000 + "]" * 5000 + "\n", "deep.toml")
    (tmp_path / "latin1.toml").write_bytes('title = "Bishkek \u2013 caf\xe9"\n'.encode("latin-1", "replace"))
    for name in ("deep.toml", "latin1.toml"):
        code, out, err = run(capsys, "check", name)
        assert (code, out) == (1, ""), name
        assert err.startswith(f"timeline: error: {name}:1") and err.count("\n") == 1, err


def test_list_rules_comes_from_the_one_table(capsys):
    """--list-rules in text, markdown and JSON lists every rule of RULES, in order."""
    code, out, _ = run(capsys, "check", "--list-rules")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines() if not line.startswith(" ")] == list(RULES)
    _, out, _ = run(capsys, "check", "--list-rules", "--format", "markdown")
    rows = out.splitlines()
    assert rows[0] == "| Code | Severity | Rule | Why it matters |"
    assert [r.split(" | ")[0].strip("| ") for r in rows[2:]] == list(RULES)
    _, out, _ = run(capsys, "check", "--list-rules", "--format", "json")
    assert [r["code"] for r in json.loads(out)] == list(RULES)


def test_markdown_is_only_for_the_rule_list(tmp_path, capsys):
    """Findings print as text or JSON; asking for markdown findings is a usage error."""
    copy("clean.toml", tmp_path)
    code, _, err = run(capsys, "check", "--format", "markdown")
    assert code == 2 and "--list-rules" in err


# ---- rules in more detail -------------------------------------------------------------------


def test_an_event_after_a_cycle_is_not_reported_as_in_it(tmp_path, capsys):
    """Two events in a cycle give one E010; a third event that follows them is not part of it."""
    path = copy("E010.toml", tmp_path)
    text = path.read_text() + (
        '\n[[events]]\nid = "later"\ndate = "2024-03-01"\ntitle = "Something that follows"\n'
        'sources = ["wire", "paper"]\nafter = ["letter"]\n'
    )
    path.write_text(text)
    _, found = findings(capsys)
    assert [(f["code"], f["event_id"]) for f in found] == [("E010", "letter")]
    assert "'reply' → 'letter' → 'reply'" in found[0]["message"]


def test_event_linked_to_itself_is_a_cycle(tmp_path, capsys):
    """`after = [its own id]` is a cycle of one."""
    write(tmp_path, BASE.replace('in_response_to = ["letter"]', 'after = ["reply"]'))
    _, found = findings(capsys)
    assert [(f["code"], f["event_id"]) for f in found] == [("E010", "reply")]


def _event(eid: str, date: str, title: str, **extra: str) -> str:
    fields = "".join(f"{k} = {v}\n" for k, v in extra.items())
    return f'\n[[events]]\nid = "{eid}"\ndate = "{date}"\ntitle = "{title}"\nsources = ["wire", "paper"]\n{fields}'


def test_same_actors_and_type_with_overlapping_dates_look_alike(tmp_path, capsys):
    """Two meetings of the same people in the same month are flagged even with different titles."""
    extra = _event("talks", "2024-02", "Talks on trade and rare earths", type='"meeting"', actors='["beta", "alpha"]')
    write(tmp_path, BASE + extra)
    _, found = findings(capsys)
    assert [(f["code"], f["event_id"]) for f in found] == [("W003", "talks")]
    assert "the same actors and type 'meeting'" in found[0]["message"]


def test_look_alikes_need_overlapping_dates(tmp_path, capsys):
    """The same title a month later is a different event."""
    write(tmp_path, BASE + _event("again", "2024-02-17", "Bert Beta sends a letter about the bill"))
    assert findings(capsys)[1] == []


def test_a_misspelt_name_still_finds_its_look_alike(tmp_path, capsys):
    """Titles that differ by a transliteration are compared through their other rare word."""
    events = _event("a", "2024-05-02", "Kulubaev receives the ambassador in Bishkek") + _event(
        "b", "2024-05-02", "Kulubayev receives the ambassador in Bishkek"
    )
    write(tmp_path, BASE + events)
    _, found = findings(capsys)
    assert [(f["code"], f["event_id"]) for f in found] == [("W003", "b")]


def test_each_look_alike_is_reported_once_naming_the_first(tmp_path, capsys):
    """Three copies of one fact: the second and third each get one finding naming the first."""
    events = "".join(_event(f"copy{n}", "2024-06-01", "Parliament passes the bill in third reading") for n in (1, 2, 3))
    write(tmp_path, BASE + events)
    _, found = findings(capsys)
    assert [(f["code"], f["event_id"]) for f in found] == [("W003", "copy2"), ("W003", "copy3")]
    assert "looks like 'copy1'" in found[1]["message"] and "(and 1 more)" in found[1]["message"]


def test_look_alikes_are_found_among_many_wide_dates(tmp_path, capsys):
    """Among 3000 events, a fifth known only to the year, a month-dated copy of a year-dated one is the only W003."""
    import random

    rng = random.Random(7)
    verbs = ("meets", "visits", "hosts", "signs", "rejects", "welcomes")
    words = ("trade", "water", "border", "energy", "transit", "visa", "loan", "grant", "treaty", "customs")
    events = []
    for n in range(3000):
        date = "2023" if n % 5 == 0 else f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        name = "".join(rng.choice("aeioukltmnrsbdz") for _ in range(9)).title()
        title = f"{name} {rng.choice(verbs)} {rng.choice(words)} delegation in {rng.choice(words).title()}ville"
        events.append(_event(f"e{n}", date, title))
        if n == 5:  # dated only "2023"
            copied = _event("copy", "2023-04", title.replace(" delegation", " delegations"))
    write(tmp_path, BASE + "".join(events) + copied)
    _, found = findings(capsys, "--select", "W003")
    assert [(f["code"], f["event_id"]) for f in found] == [("W003", "copy")]


def test_a_narrow_copy_finds_a_wide_original_that_began_before_it(tmp_path, capsys):
    """A month-dated copy is matched to a year-dated original even when only the copy looks it up."""
    # The original's two rarest words (xq, yq) are not in the copy, so the pair is found only from
    # the copy's side, among events that started up to a year before it.
    events = _event("original", "2023", "Zorbanek meets water delegation in Osh xq yq") + _event(
        "copy", "2023-04", "Zorbanek meets water delegation in Osh"
    )
    write(tmp_path, BASE + events)
    _, found = findings(capsys)
    assert [(f["code"], f["event_id"]) for f in found] == [("W003", "copy")]


def test_office_without_a_known_span_is_never_outside_it(tmp_path, capsys):
    """An office with no start or end cannot be held at the wrong time."""
    unspanned = BASE.replace(', start = "2020-01-01", end = "2025-01-01"', "").replace(', start = "2021-06-01"', "")
    write(tmp_path, unspanned.replace('date = "2024-', 'date = "1999-'))
    assert findings(capsys)[1] == []


def test_office_matches_title_or_alias_in_any_case(tmp_path, capsys):
    """`MINISTER OF FOREIGN AFFAIRS` names the role by its title; no W007."""
    write(tmp_path, BASE.replace('role = "foreign minister"', 'role = "MINISTER OF FOREIGN  AFFAIRS"'))
    assert findings(capsys)[1] == []
