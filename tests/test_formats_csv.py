"""CSV: RFC 4180 framing, one row per event with date bounds, lists joined by ';', no formulas."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_cli import run
from timeline.formats.csv import COLUMNS, MATCH_COLUMNS, join_list, neutralise, restore, split_list
from timeline.text import clean

FIXTURE = str(Path(__file__).parent / "data" / "formats" / "fixture.toml")


def rows(capsys, *args: str) -> tuple[str, list[dict[str, str]]]:
    code, out, err = run(capsys, "list", "-f", FIXTURE, "--format", "csv", *args)
    assert code == 0, err
    return out, list(csv.DictReader(io.StringIO(out, newline="")))


def test_header_and_one_row_per_event(capsys):
    """The header is COLUMNS and how each matched; each event is one row, in timeline order, with CRLF line ends."""
    out, table = rows(capsys)
    assert out.split("\r\n", 1)[0] == ",".join(COLUMNS + MATCH_COLUMNS)
    assert [r["id"] for r in table][:3] == ["idea", "letters", "invitation"]
    assert len(table) == 12
    assert out.endswith("\r\n") and "\n" not in out.replace("\r\n", "")


@pytest.mark.parametrize(
    ("eid", "earliest", "latest", "precision"),
    [
        ("idea", "2022-01-01", "2022-12-31", "year"),
        ("planning", "2024-02-01", "2024-02-29", "month"),
        ("visit", "2024-03-01", "2024-03-05", "interval"),
        ("exchange", "2024-06-01", "", "interval"),
        ("ratified", "2024-05-01", "2024-05-03", "set"),
    ],
)
def test_bounds_and_precision(capsys, eid, earliest, latest, precision):
    """earliest/latest are the possible days (empty when open), precision is the store's."""
    _, table = rows(capsys)
    row = next(r for r in table if r["id"] == eid)
    assert (row["earliest"], row["latest"], row["precision"]) == (earliest, latest, precision)


def test_lists_are_joined_with_semicolons(capsys):
    """Actors, tags, sources and addresses are ';'-joined, addresses aligned with sources."""
    _, table = rows(capsys)
    row = next(r for r in table if r["id"] == "invitation")
    assert row["actors"] == "aizada" and row["actor_names"] == "Aizada Žumabaeva"
    assert row["sources"] == "office;wire"
    assert row["urls"] == "https://ozgon.example/press/2024/01/15;https://wire.example/"
    assert row["source_names"] == "Mayor's Office, Özgön;Wire Service"
    assert row["in_response_to"] == "letters"
    assert next(r for r in table if r["id"] == "ratified")["disputed"] == "true"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1", "'already", "'"])
def test_formula_triggers_get_an_apostrophe(cell):
    """OWASP's trigger characters at the start of a cell (also after spaces) are neutralised; so is an apostrophe,
    so that restore can tell the guard's apostrophe from the data's."""
    assert neutralise(cell) == "'" + cell
    assert restore(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["plain", "2024-02-09", "a=b", "", " 'x"])
def test_ordinary_cells_are_untouched(cell):
    """Cells that cannot start a formula are left exactly as they are."""
    assert neutralise(cell) == cell


@given(st.text())
def test_no_cleaned_cell_starts_a_formula(text):
    """Whatever the store says, a written cell never begins with a formula trigger."""
    cell = neutralise(clean(text, newlines=True))
    assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")) or cell.startswith("'")


@pytest.mark.parametrize("cell", ["'hello", "'", "it's", " '=x", "'2024"])
def test_restore_leaves_apostrophes_the_guard_did_not_add(cell):
    """An apostrophe the guard would not have put there (a hand-made CSV's) is data, and stays."""
    assert restore(cell) == cell


@given(st.text())
def test_restore_undoes_neutralise_exactly(text):
    """For every cell, restore(neutralise(x)) is x: the guard is reversed for the cells it marked, and no others."""
    assert restore(neutralise(text)) == text


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp")))))
def test_list_cells_read_back_item_by_item(items):
    """';' and '\\' inside items, guarded items, empty items: split_list(join_list(x)) is x (one '' item aside)."""
    assert split_list(join_list(items)) == ([] if items == [""] else items)


def test_list_items_are_guarded_one_by_one():
    """A formula hidden in the second item of a list cell is neutralised too."""
    assert join_list(["ok", "=HYPERLINK(1)", "a;b"]) == "ok;'=HYPERLINK(1);a\\;b"
