"""Attack: hostile text in every line timeline writes for a person, and in CSV cells.

File names with escape sequences and bidi overrides, CSV cells and JSON keys in an import,
arguments click quotes back: every stderr line (and every status line on stdout) goes through
one cleaning function, so none of it can clear the screen, retitle the terminal, plant a
hyperlink or reverse the line. And CSV output guards every place a spreadsheet could begin a
cell, including after ';' for spreadsheets whose list separator is ';'.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_cli import run
from tests.test_write import SMALL
from timeline.formats.csv import neutralise, restore
from timeline.text import CONTROL, clean

FULL = os.environ.get("TIMELINE_ATTACKS") == "full"
# What a hostile name or cell may try: OSC title and hyperlink, CSI clear, C1 CSI, bidi override.
HOSTILE = ["\x1b]0;owned\x07", "\x1b[2J", "\x9b31m", "\u202e", "\x1b]8;;https://evil.example\x1b\\"]
# What spreadsheets read as the start of a formula: OWASP's list and the full-width forms.
TRIGGERS = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
NAMES = [h for h in HOSTILE if "/" not in h] if FULL else ["\x1b]0;owned\x07", "\u202e"]


def inert(text: str) -> bool:
    """No control or bidi character anywhere but the line ends."""
    return all(not CONTROL.search(line) for line in text.split("\n"))


@pytest.fixture(params=NAMES, ids=lambda s: s.encode("unicode_escape").decode()[:12])
def hostile_store(request, tmp_path):
    """A valid store whose file name holds the hostile text."""
    path = tmp_path / f"ev{request.param}x.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_add_and_its_lines_are_clean(hostile_store, capsys):
    """`add`'s "Added … to PATH" (stderr) names the file without its escapes."""
    code, out, err = run(capsys, "add", "--date", "2024", "--title", "T", "--file", str(hostile_store))
    assert code == 0 and "Added " in err
    assert inert(out) and inert(err), repr(err)


def test_actors_and_sources_add_are_clean(hostile_store, capsys):
    """`actors add` and `sources add` say where they wrote without raw escapes."""
    for args in (["actors", "add", "Ada Lovelace"], ["sources", "add", "Wire"]):
        code, out, err = run(capsys, *args, "--file", str(hostile_store))
        assert code == 0 and "Added " in err
        assert inert(out) and inert(err), repr(err)


def test_import_lines_are_clean(hostile_store, tmp_path, capsys):
    """`import`: the summary, and every per-row problem quoting the file name and its cells, are inert."""
    good = tmp_path / f"rows{hostile_store.name[2:-5]}.csv"
    good.write_text("date,title,sources\n2024,Fine,s\n", encoding="utf-8")
    code, out, err = run(capsys, "import", str(good), "--file", str(hostile_store))
    assert code == 0 and "Imported 1 event into" in err
    assert inert(err), repr(err)
    bad = tmp_path / f"bad{hostile_store.name[2:-5]}.csv"
    cells = "".join(HOSTILE)
    bad.write_text(f'date,title,actors,sources\n2024-13,"{cells}","who{cells}",s\n', encoding="utf-8")
    code, out, err = run(capsys, "import", str(bad), "--file", str(hostile_store))
    assert code == 1 and err.count("\n") >= 3
    assert inert(err), repr(err)
    keyed = tmp_path / "keys.json"
    keyed.write_text(json.dumps([{"date": "2024", "title": "x", f"k{cells}": 1}]), encoding="utf-8")
    code, _, err = run(capsys, "import", str(keyed), "--file", str(hostile_store))
    assert code == 1 and inert(err), repr(err)


def test_check_summary_and_json_are_clean(hostile_store, capsys):
    """`check`'s summary line is inert, and its JSON escapes the bidi override instead of printing it."""
    code, out, err = run(capsys, "check", "--file", str(hostile_store))
    assert code == 0 and "0 errors" in err
    assert inert(out) and inert(err), repr(err)
    code, out, err = run(capsys, "check", "--format", "json", "--file", str(hostile_store))
    assert inert(out), repr(out)
    assert json.loads(out)[0]["file"] == str(hostile_store)


def test_init_and_errors_naming_the_file_are_clean(tmp_path, capsys):
    """`init`'s "Created PATH" and an error about a missing file are inert."""
    for name in NAMES:
        code, out, err = run(capsys, "init", str(tmp_path / f"new{name}.toml"))
        assert code == 0 and inert(out), repr(out)
        code, out, err = run(capsys, "list", "--file", str(tmp_path / f"missing{name}.toml"))
        assert code == 1 and inert(err), repr(err)


def test_clicks_own_errors_are_clean(capsys):
    """An unknown option or a bad value is quoted back by click; the line is cleaned all the same."""
    for args in (["list", "--x\u202e"], ["list", "--limit", "\x1b[2J\u202e"], ["\x1b]0;t\x07"]):
        code, out, err = run(capsys, *args)
        assert code == 2 and err.startswith("timeline: error: ")
        assert inert(err), repr(err)


def test_an_internal_error_line_is_clean(bundled, capsys, monkeypatch):
    """Even timeline's own bug report (exit 70) cannot carry an escape sequence to the terminal."""

    def broken(events, ctx):
        raise ValueError("\x1b]0;owned\x07 \u202e")

    monkeypatch.setattr("timeline.formats.plain.render", broken)
    code, out, err = run(capsys, "list", "--format", "plain")
    assert code == 70 and "internal error" in err
    assert inert(err), repr(err)


def test_add_s_several_problems_are_each_clean(bundled, capsys):
    """`add` with several bad values prints each problem on its own inert line."""
    code, _, err = run(capsys, "add", "--date", "2024", "--title", "x", "--actor", "\x1b[2Jmallory", "--tag", "ok",
                       "--source", "\u202eevil", "--no-input")  # fmt: skip
    assert code == 2 and err.count("\n") >= 2
    assert inert(err), repr(err)


def test_the_progress_label_is_clean_and_not_markup():
    """The progress bar's label (which holds a file name) is cleaned and drawn without rich markup."""
    from timeline.cli.common import Meter

    meter = Meter("Adding to ev\x1b[2J[bold]x[/bold]\u202e.toml")
    meter.describe("writing")
    label = meter._description()
    assert inert(label) and "[bold]" in label
    meter.close()


# --- CSV cells that a spreadsheet could run --------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("a;=cmd", "a;'=cmd"),
        ("safe;@SUM(A1)", "safe;'@SUM(A1)"),
        (";-2+3", ";'-2+3"),
        ("x; +1", "x;' +1"),
        ('x;"=1"', 'x;\'"=1"'),
        ("line\n=1", "line\n'=1"),
        ("tab\t-1", "tab\t'-1"),
        ("\uff1dfull-width", "'\uff1dfull-width"),
        ("x;\uff20y", "x;'\uff20y"),
    ],
)
def test_cells_are_guarded_after_every_separator(cell, written):
    """A trigger after ';', a tab or a line break gets the apostrophe too, not only at the start."""
    assert neutralise(cell) == written


@pytest.mark.parametrize("cell", ["a;b", "2024-02-09", "a=b;c+d", "O'Brien;d'Arc", "semi;"])
def test_cells_without_a_formula_start_are_untouched(cell):
    """Separators followed by ordinary text are left exactly as they are."""
    assert neutralise(cell) == cell


@pytest.mark.parametrize(("cell", "written"), [("x;'=already", "x;''=already"), ("'quoted", "''quoted")])
def test_an_apostrophe_where_ours_would_go_is_doubled_so_import_restores_it(cell, written):
    """An apostrophe already at a cell start gets another, so restore takes off only the ones we added."""
    assert neutralise(cell) == written and restore(written) == cell


@given(st.text(alphabet=st.sampled_from([*TRIGGERS, ";", "\n", "\t", "\r", " ", '"', "a", "'"])))
def test_restore_undoes_neutralise_exactly(text):
    """The guard is reversible: what import takes off is exactly what export added, wherever it went."""
    assert restore(neutralise(text)) == text


@given(st.text(alphabet=st.sampled_from([*TRIGGERS, ";", "\n", " ", '"', ",", "a", "'", "\u202e"])))
def test_no_split_cell_starts_a_formula(text):
    """However a spreadsheet splits a written cell (';', tab, line, comma locales), no piece runs as a formula."""
    cell = neutralise(clean(text, newlines=True))
    for piece in re.split(r"[;\t\r\n]", cell):
        start = piece.lstrip(' "')
        assert not start or start[0] not in TRIGGERS or piece.startswith("'"), (text, cell)


def test_a_tag_list_with_a_formula_is_safe_in_a_semicolon_locale(tmp_path, capsys):
    """Tags joined with ';' whose later element is a formula: read as a ';' spreadsheet would, no cell runs."""
    (tmp_path / "events.toml").write_text(
        '[[events]]\nid = "e"\ndate = "2024"\ntitle = "T"\ntags = ["safe", "=HYPERLINK(\\"https://evil.example\\")", '
        '"+1", "@x"]\nsummary = "first line\\n-2+3 on the next"\n',
        encoding="utf-8",
    )
    out = run(capsys, "list", "--format", "csv")[1]
    for row in csv.reader(io.StringIO(out, newline=""), delimiter=";"):
        for piece in row:
            assert not piece.lstrip(' "').startswith(tuple(TRIGGERS)), piece
    tags = next(csv.DictReader(io.StringIO(out, newline="")))["tags"]
    assert tags == "safe;'=HYPERLINK(\"https://evil.example\");'+1;'@x"
