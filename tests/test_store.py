"""timeline.store: finding the store, reading the file, parsing TOML, loading."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.test_cli import run
from timeline import store
from timeline.errors import StoreError, UsageError

SAMPLE = DATA / "core" / "sample.toml"
MINIMAL = '[[events]]\nid = "e1"\ndate = "2024-02-09"\ntitle = "One event"\n'


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def list_errors(capsys, *args: str) -> tuple[int, str]:
    """Run `timeline list --format plain ARGS`; return exit code and stderr, checking stdout is empty."""
    code, out, err = run(capsys, "list", "--format", "plain", *args)
    assert out == ""
    return code, err


# ---- store.find -------------------------------------------------------------------------------


def test_find_prefers_the_file_option_over_everything(tmp_path, monkeypatch):
    """--file wins over $TIMELINE_FILE and an events.toml in the folder."""
    write(tmp_path / "events.toml", MINIMAL)
    monkeypatch.setenv("TIMELINE_FILE", "env.toml")
    assert store.find("given.toml") == Path("given.toml")


def test_find_prefers_the_variable_over_the_folder(tmp_path, monkeypatch):
    """$TIMELINE_FILE wins over an events.toml in the folder."""
    write(tmp_path / "events.toml", MINIMAL)
    monkeypatch.setenv("TIMELINE_FILE", "env.toml")
    assert store.find(None) == Path("env.toml")


def test_find_uses_events_toml_in_the_folder(tmp_path):
    """With no option or variable, events.toml in the current folder is the store."""
    write(tmp_path / "events.toml", MINIMAL)
    assert store.find(None) == Path("events.toml")


def test_find_walks_up_to_a_parent_folder(tmp_path, monkeypatch):
    """Like git finding .git, the nearest parent's events.toml is used, as a relative path."""
    write(tmp_path / "events.toml", MINIMAL)
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    found = store.find(None)
    assert found == Path("../../events.toml")
    assert found.resolve() == (tmp_path / "events.toml").resolve()


def test_find_takes_the_nearest_of_several_parents(tmp_path, monkeypatch):
    """A store in a nearer folder hides one further up."""
    write(tmp_path / "events.toml", MINIMAL)
    write(tmp_path / "a" / "events.toml", MINIMAL)
    (tmp_path / "a" / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert store.find(None) == Path("../events.toml")


def test_find_skips_a_folder_named_events_toml(tmp_path, monkeypatch):
    """A directory called events.toml is not a store; the search goes on upwards."""
    write(tmp_path / "events.toml", MINIMAL)
    (tmp_path / "sub" / "events.toml").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "sub")
    assert store.find(None) == Path("../events.toml")


def test_find_takes_an_explicit_cwd(tmp_path):
    """The search can start from a folder other than the current one."""
    write(tmp_path / "x" / "events.toml", MINIMAL)
    assert store.find(None, cwd=tmp_path / "x") == Path("events.toml")


def test_find_treats_an_empty_variable_as_unset(tmp_path, monkeypatch):
    """TIMELINE_FILE= (empty) falls through to the folder search."""
    write(tmp_path / "events.toml", MINIMAL)
    monkeypatch.setenv("TIMELINE_FILE", "")
    assert store.find(None) == Path("events.toml")


def test_find_rejects_an_empty_file_option():
    """--file '' is a usage error, not a search of the current folder."""
    with pytest.raises(UsageError, match="--file: the path is empty"):
        store.find("")


def test_find_with_nothing_names_every_way_to_give_a_store(tmp_path):
    """No store anywhere: the message names 'timeline init', --file and $TIMELINE_FILE."""
    with pytest.raises(StoreError) as info:
        store.find(None, cwd=tmp_path)
    assert info.value.message == (
        "no events.toml in this folder or any parent; "
        "create one with 'timeline init', or point to one with --file PATH or $TIMELINE_FILE"
    )
    assert info.value.exit_code == 1


def test_find_in_a_deleted_folder_is_an_error(tmp_path, monkeypatch):
    """Run from a folder that was removed, the search fails with a message, not a traceback."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(StoreError, match=r"^cannot use the current folder \(.*\); change folder or use --file PATH$"):
        store.find(None)


def test_cli_uses_the_variable(tmp_path, monkeypatch, capsys):
    """`timeline list` reads the store $TIMELINE_FILE names."""
    shutil.copy(SAMPLE, tmp_path / "elsewhere.toml")
    monkeypatch.setenv("TIMELINE_FILE", str(tmp_path / "elsewhere.toml"))
    code, out, err = run(capsys, "list", "--format", "json")
    assert (code, err) == (0, "")
    assert '"id": "letter"' in out


def test_cli_file_option_beats_the_variable(tmp_path, monkeypatch, capsys):
    """--file wins over $TIMELINE_FILE on the command line too."""
    shutil.copy(SAMPLE, tmp_path / "good.toml")
    monkeypatch.setenv("TIMELINE_FILE", str(tmp_path / "missing.toml"))
    code, out, _ = run(capsys, "list", "--format", "json", "--file", "good.toml")
    assert code == 0 and '"id": "letter"' in out


def test_cli_with_no_store_exits_1_with_the_hint(capsys):
    """No store anywhere, through the CLI: exit 1 and one line."""
    code, err = list_errors(capsys)
    assert code == 1
    assert err == (
        "timeline: error: no events.toml in this folder or any parent; create one with 'timeline init', "
        "or point to one with --file PATH or $TIMELINE_FILE\n"
    )


def test_cli_with_an_empty_file_option_exits_2(capsys):
    """--file '' is reported as a usage error with exit 2."""
    code, err = list_errors(capsys, "--file", "")
    assert code == 2
    assert err.startswith("timeline: error: --file: the path is empty")


# ---- reading the file ---------------------------------------------------------------------------


def test_missing_file(capsys):
    """A --file that does not exist: exit 1, the name, and how to create it."""
    code, err = list_errors(capsys, "--file", "nope.toml")
    assert code == 1
    assert (
        err == "timeline: error: nope.toml: no such file; create it with 'timeline init nope.toml' or check the path\n"
    )


def test_directory_instead_of_file(tmp_path, capsys):
    """A folder given as the store is named as a folder."""
    (tmp_path / "dir.toml").mkdir()
    code, err = list_errors(capsys, "--file", "dir.toml")
    assert code == 1
    assert err == "timeline: error: dir.toml: is a folder, not a store file; pass the .toml file itself\n"


def test_device_instead_of_file(capsys):
    """A character device is refused rather than read (think /dev/zero)."""
    code, err = list_errors(capsys, "--file", os.devnull)
    assert code == 1
    assert err == f"timeline: error: {os.devnull}: not a regular file; pass the .toml store file itself\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path, capsys):
    """A file without read permission: exit 1 and a permission message."""
    path = write(tmp_path / "events.toml", MINIMAL)
    path.chmod(0)
    try:
        code, err = list_errors(capsys, "--file", "events.toml")
    finally:
        path.chmod(0o644)
    assert code == 1
    assert err == "timeline: error: events.toml: permission denied; check the file's permissions\n"


@pytest.mark.parametrize(
    "content", [b"", b"   \n\t\n\r\n", b"\xef\xbb\xbf\n"], ids=["empty", "whitespace", "byte-order-mark-only"]
)
def test_empty_file(tmp_path, capsys, content):
    """An empty or blank file is reported as empty, with what to do."""
    write(tmp_path / "events.toml", content)
    code, err = list_errors(capsys)
    assert code == 1
    assert err == (
        "timeline: error: events.toml: the file is empty; add [[events]] tables, or remove it and run 'timeline init'\n"
    )


def test_comment_only_file_is_an_empty_timeline(tmp_path, capsys):
    """A file with only comments is a valid store with no events."""
    write(tmp_path / "events.toml", "# nothing yet\n")
    code, out, err = run(capsys, "list", "--format", "json")
    assert (code, out, err) == (0, "[]\n", "")


def test_non_utf8_bytes_are_located(tmp_path, capsys):
    """A byte that is not UTF-8 is reported with its line and column."""
    write(tmp_path / "events.toml", b'[[events]]\nid = "e1"\ntitle = "caf\xe9"\n')
    code, err = list_errors(capsys)
    assert code == 1
    assert err == "timeline: error: events.toml:3:13: not valid UTF-8 (byte 0xe9); save the file as UTF-8\n"


def test_utf16_file_says_utf16(tmp_path, capsys):
    """A UTF-16 file (as some Windows editors save) is named as such."""
    write(tmp_path / "events.toml", MINIMAL.encode("utf-16"))
    code, err = list_errors(capsys)
    assert code == 1
    assert err == "timeline: error: events.toml:1:1: the file is UTF-16; save it as UTF-8\n"


def test_utf16_without_byte_order_mark_is_named(tmp_path, capsys):
    """UTF-16 without a byte-order mark shows as NUL bytes; the message suggests UTF-16."""
    write(tmp_path / "events.toml", MINIMAL.encode("utf-16-le"))
    code, err = list_errors(capsys)
    assert code == 1
    assert err == (
        "timeline: error: events.toml:1:2: a NUL byte; the file looks UTF-16 or binary, save it as UTF-8 text\n"
    )


def test_byte_order_mark_is_accepted(tmp_path, capsys):
    """A UTF-8 byte-order mark is dropped, so the store loads as if it were not there."""
    write(tmp_path / "events.toml", b"\xef\xbb\xbf" + MINIMAL.encode())
    code, out, err = run(capsys, "list", "--format", "json")
    assert (code, err) == (0, "")
    assert '"id": "e1"' in out


def test_byte_order_mark_keeps_line_numbers(tmp_path, capsys):
    """Errors in a file with a byte-order mark still point at the right line."""
    write(tmp_path / "events.toml", b"\xef\xbb\xbf" + MINIMAL.replace("2024-02-09", "2024-13").encode())
    code, err = list_errors(capsys)
    assert code == 1
    assert err.startswith("timeline: error: events.toml:3: event 'e1': field 'date': \"2024-13\": month 13")


def test_nul_byte_is_located(tmp_path, capsys):
    """A NUL byte makes the file look binary; the message says where it is."""
    write(tmp_path / "events.toml", b'[[events]]\nid = "e1\x00"\n')
    code, err = list_errors(capsys)
    assert code == 1
    assert (
        err == "timeline: error: events.toml:2:9: a NUL byte; the file looks binary or damaged, save it as UTF-8 text\n"
    )


def test_crlf_line_endings_load(tmp_path, capsys):
    """A store saved with Windows line endings loads, and its errors keep their lines."""
    text = SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n")
    write(tmp_path / "events.toml", text)
    code, out, err = run(capsys, "list", "--format", "json")
    assert (code, err) == (0, "")
    assert len(json.loads(out)) == 7
    write(tmp_path / "events.toml", MINIMAL.replace("\n", "\r\n") + 'tags = "x"\r\n')
    code, err = list_errors(capsys)
    assert code == 1
    assert err.startswith("timeline: error: events.toml:5: event 'e1': field 'tags':")


def test_control_characters_in_the_path_stay_on_one_line(tmp_path, capsys):
    """A file name with a newline or escape is shown escaped, never as raw control codes."""
    code, err = list_errors(capsys, "--file", "bad\nname\x1b[31m.toml")
    assert code == 1
    assert err.count("\n") == 1 and "\x1b" not in err
    assert err.startswith("timeline: error: bad\\nname\\x1b[31m.toml: no such file")


# ---- TOML syntax --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "detail"),
    [
        ('[[events]]\nid = "e1"\ntitle = "unterminated\n', "3:22", "Illegal character '\\n'"),
        ('[[events]]\nid = "e1"\nid = "e2"\n', "3:10", "Cannot overwrite a value"),
        ("[[events]]\nid = \n", "2:6", "Invalid value"),
        (
            '[store]\ntitle = "a"\n\n[actors.x]\nname = "a"\n[actors.x]\nname = "b"\n',
            "6:10",
            "Cannot declare ('actors', 'x') twice",
        ),
        ('x = "a\x01b"\n', "1:7", "Illegal character '\\x01'"),
    ],
    ids=["unterminated-string", "duplicate-key", "missing-value", "duplicate-table", "control-char"],
)
def test_toml_syntax_errors_are_located(tmp_path, capsys, text, where, detail):
    """The parser's complaint comes with LINE:COL and the parser's words."""
    write(tmp_path / "events.toml", text)
    code, err = list_errors(capsys)
    assert code == 1
    assert err.startswith(f"timeline: error: events.toml:{where}: TOML syntax error: {detail}")
    assert err.endswith("; fix the file and try again\n")
    assert err.count("\n") == 1


def test_deep_nesting_is_located_not_a_crash(tmp_path, capsys):
    """100,000 nested brackets give a located message, not a RecursionError."""
    write(tmp_path / "events.toml", "[store]\ntitle = 'x'\na = " + "[" * 100_000 + "]" * 100_000 + "\n")
    code, err = list_errors(capsys)
    assert code == 1
    assert err == "timeline: error: events.toml:3:5: arrays or tables nested too deeply to read; flatten them\n"


def test_number_too_long_is_located(tmp_path, capsys):
    """An integer of thousands of digits, which Python refuses to convert, is located."""
    write(tmp_path / "events.toml", "[store]\ntitle = 'x'\n\n[check]\nx = " + "9" * 5000 + "\n")
    code, err = list_errors(capsys)
    assert code == 1
    assert err == "timeline: error: events.toml:5:5: a number too long to read; shorten it or quote it as a string\n"


def test_parse_toml_reports_syntax_as_store_error():
    """parse_toml turns the parser's exception into a StoreError with the name and place."""
    with pytest.raises(StoreError, match=r"^mine\.toml:1:5: TOML syntax error: "):
        store.parse_toml("a = ", "mine.toml")


# ---- dates written as TOML values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "earliest", "shown"),
    [
        ("2024-02-09", "2024-02-09", "2024-02-09"),
        ("2024-02-09T14:30:00+06:00", "2024-02-09", "2024-02-09T14:30:00+06:00"),
        ("2024-02-09T14:30:00Z", "2024-02-09", "2024-02-09T14:30:00+00:00"),
    ],
    ids=["local-date", "offset-datetime", "utc-datetime"],
)
def test_unquoted_toml_dates_load(tmp_path, value, earliest, shown):
    """An event's date may be a TOML local date or offset date-time, not only a string."""
    path = write(tmp_path / "events.toml", MINIMAL.replace('"2024-02-09"', value))
    (event,) = store.load(path).events
    assert event.date.earliest.isoformat() == earliest
    assert event.date.text == shown


def test_local_datetime_keeps_the_day_as_written(tmp_path):
    """A TOML local date-time (no offset) is a local time on the day as written."""
    write(tmp_path / "events.toml", MINIMAL.replace('"2024-02-09"', "2024-02-09T14:30:00"))
    (event,) = store.load(tmp_path / "events.toml").events
    assert event.date.earliest.isoformat() == event.date.latest.isoformat() == "2024-02-09"
    assert event.date.time == "14:30:00"


# ---- load and validate --------------------------------------------------------------------------


def test_load_returns_the_store(tmp_path):
    """load() builds the model: events in file order with their lines, actors, sources, metadata."""
    path = Path(shutil.copy(SAMPLE, tmp_path / "events.toml"))
    s = store.load(path)
    assert s.title == "Sample timeline"
    assert [e.id for e in s.events] == ["letter", "statement", "published", "reply", "visit", "law", "open"]
    assert [e.index for e in s.events] == list(range(7))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(lines[e.line - 1] == "[[events]]" and lines[e.line] == f'id = "{e.id}"' for e in s.events)
    assert set(s.actors) == {"kulubaev", "viguerie", "japarov", "muller"}
    assert s.sources["24kg"].url == "https://24.kg/english/"
    assert s.by_id["reply"].disputed


def test_validate_returns_every_problem_sorted_by_line(tmp_path):
    """validate() does not stop at the first problem; load() raises the first by line."""
    text = MINIMAL + 'tags = "x"\n\n[[events]]\nid = "e2"\ntitle = "Two"\ndate = "2024-13"\nbogus = 1\n'
    path = write(tmp_path / "events.toml", text)
    s, problems = store.validate(path)
    assert [(p.line, p.code) for p in problems] == [(5, "E004"), (10, "E007"), (11, "E002")]
    assert [e.id for e in s.events] == ["e1"]
    with pytest.raises(StoreError) as info:
        store.load(path)
    assert info.value.message == f"{path}:5: {problems[0].message}"
