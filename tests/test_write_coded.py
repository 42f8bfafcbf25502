"""Coded event data in: ICEWS event files and GDELT 1.0/2.0 tables, from hand-made fixtures in their layouts."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.test_cli import run
from timeline import store
from timeline.write.coded import _gdelt_date

CODED = ROOT / "examples" / "coded"
ICEWS = str(CODED / "icews.tab")
GDELT1 = str(CODED / "gdelt1.export.CSV")
GDELT2 = str(CODED / "gdelt2.export.CSV")


@pytest.fixture
def empty(tmp_path, capsys):
    """A fresh store, events.toml, in the test's folder."""
    assert run(capsys, "init", "--title", "Coded")[0] == 0
    return tmp_path / "events.toml"


def test_icews_with_register_keeps_every_record(empty, capsys):
    """24 records, 24 events: ids from the records, names with accents and apostrophes, mirrored pairs kept."""
    code, out, err = run(capsys, "import", "--from", "icews", ICEWS, "--register")
    assert code == 0, err
    assert out.split()[:3] == ["icews-900001", "icews-900002", "icews-900003"]
    assert err == "Imported 24 events into events.toml from line 202; registered 27 actors and 16 sources.\n"
    s = store.load(empty)
    assert len(s.events) == 24
    erdogan = s.actors["recep-tayyip-erdogan"]
    assert (erdogan.name, erdogan.country) == ("Recep Tayyip Erdoğan", "TR")
    assert erdogan.sectors == ("Executive", "Government")
    assert {"business-japan", "japan", "citizen-united-states", "border-patrol-united-states"} <= set(s.actors)
    assert s.actors["cote-divoire"].country == "CI" and s.actors["michelle-oneill"].name == "Michelle O'Neill"
    assert s.actors["united-nations"].country is None  # NA country
    first, mirror = s.by_id["icews-900001"], s.by_id["icews-900002"]
    assert first.title == "Recep Tayyip Erdoğan – Consult – Nicolás Maduro"
    assert mirror.title == "Nicolás Maduro – Consult – Recep Tayyip Erdoğan"
    assert (first.date.text, first.type, first.tags) == ("2018-05-02", "consultation", ("icews", "cameo-040"))
    assert first.summary == (
        "Consult (CAMEO 040), intensity 1.0. Story 3001, sentence 1. "
        "Where: Caracas, Distrito Capital, Venezuela (10.488, -66.8792)."
    )
    fight = s.by_id["icews-900014"]
    assert "intensity -10.0" in fight.summary and fight.type == "fighting"
    assert s.by_id["icews-900005"].title == "Japan – Meet at a 'third' location – South Korea"
    one_sided = s.by_id["icews-900012"]
    assert one_sided.actors == ("nicolas-maduro",) and one_sided.title == "Nicolás Maduro – Make optimistic comment"
    unpublished = s.by_id["icews-900013"]
    assert unpublished.source_ids == ("icews",) and "Where" not in unpublished.summary


def test_a_second_import_of_the_same_file_adds_nothing(empty, capsys):
    """Ids come from the records, so --skip-existing skips every row of a file imported before."""
    assert run(capsys, "import", ICEWS, "--register")[0] == 0
    before = empty.read_bytes()
    code, out, err = run(capsys, "import", ICEWS, "--register", "--skip-existing")
    assert (code, out) == (0, "")
    assert err == "Nothing to import: 24 rows are already in events.toml.\n"
    assert empty.read_bytes() == before
    code, _, err = run(capsys, "import", ICEWS, "--register")
    assert code == 1 and "'icews-900001' is already used" in err and "--skip-existing" in err


def test_without_register_each_unknown_name_is_listed_once(empty, capsys):
    """Unknown names are listed once each with their count and first line, and the fix; nothing is written."""
    before = empty.read_bytes()
    code, out, err = run(capsys, "import", ICEWS)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == f"{ICEWS}:2: field 'actors': unknown actor 'Recep Tayyip Erdoğan' in 5 rows; " + (
        "register it with 'timeline actors add'"
    )
    assert sum("'Nicolás Maduro'" in line for line in lines) == 1
    assert len(lines) == 27 + 16 + 1
    assert lines[-1] == (
        f"timeline: error: {ICEWS}: 24 of 24 rows have problems (listed above); 27 actors and 16 sources are not "
        "in the store (each listed once): pass --register to register them all; nothing was imported"
    )
    assert empty.read_bytes() == before


def test_dry_run_shows_what_it_would_register(empty, capsys):
    """--dry-run prints the actor, source and event tables and changes nothing."""
    before = empty.read_bytes()
    code, out, err = run(capsys, "import", ICEWS, "--register", "--dry-run")
    assert code == 0, err
    assert '[actors.recep-tayyip-erdogan]\nname = "Recep Tayyip Erdoğan"\ncountry = "TR"\n' in out
    assert '[sources.agence-france-presse]\nname = "Agence France-Presse"\n' in out
    assert out.count("[[events]]") == 24
    assert err == "Would import 24 events into events.toml; would register 27 actors and 16 sources.\n"
    assert empty.read_bytes() == before


def test_registered_names_resolve_in_later_commands(empty, capsys):
    """After the import, an actor is found by its name in any case and without its accents."""
    assert run(capsys, "import", ICEWS, "--register")[0] == 0
    code, out, _ = run(capsys, "list", "--actor", "recep tayyip erdogan", "--format", "json")
    assert code == 0 and out.count('"id": "icews-') == 5
    code, out, _ = run(capsys, "actors", "show", "Japan")
    assert out.startswith("Japan\nid: japan\ncountry: JP\nsectors: Government\n")


def test_gdelt_1_backfile_and_daily_rows_in_one_file(empty, capsys):
    """57-cell backfile rows and 58-cell daily rows both read; names lose their capitals; URLs are sources."""
    code, out, err = run(capsys, "import", "--from", "gdelt", GDELT1, "--register")
    assert code == 0, err
    s = store.load(empty)
    assert len(s.events) == 12 and out.split()[0] == "gdelt-100001"
    old = s.by_id["gdelt-100004"]
    assert (old.date.text, old.title, old.type) == ("2005-06-01", "Kyrgyzstan – Appeal – United States", "appeal")
    assert old.source_ids == ("gdelt",) and "Added to GDELT 20130203." in old.summary
    assert s.actors["barack-obama"].name == "Barack Obama" and s.actors["barack-obama"].sectors == ("Government",)
    assert s.actors["vladimir-putin"].country == "RU"
    call = s.by_id["gdelt-200001"]
    assert call.title == "Barack Obama – Consult – Vladimir Putin"
    assert call.sources[0].id == "example-news-com"
    assert call.sources[0].url == "http://www.example-news.com/world/obama-putin-call.html"
    assert call.tags == ("gdelt", "cameo-040", "verbal-cooperation")
    assert s.by_id["gdelt-100005"].title == "? – Threaten – Russia"  # no first actor
    nobody = s.by_id["gdelt-200007"]
    assert nobody.actors == () and nobody.title == "? – Fight"
    assert "Goldstein -10.0, tone -9.0" in nobody.summary and "(36.2028, 37.1586)" in nobody.summary
    assert s.by_id["gdelt-200005"].source_ids == ("gdelt",)  # an empty SOURCEURL


def test_gdelt_2_rows(empty, capsys):
    """61-cell GDELT 2.0 rows (with ADM2 codes and a DATEADDED to the second) read too; detected without --from."""
    code, out, err = run(capsys, "import", GDELT2, "--register")
    assert code == 0, err
    s = store.load(empty)
    assert out.split() == ["gdelt-300001", "gdelt-300002", "gdelt-300003", "gdelt-300004"]
    assert "Added to GDELT 20240209153000." in s.by_id["gdelt-300001"].summary
    assert s.by_id["gdelt-300003"].date.text == "2024-01-17"


def test_ragged_and_bad_rows_are_named(empty, tmp_path, capsys):
    """A GDELT row of another width and an ICEWS row short of cells are bad rows with their line."""
    lines = (CODED / "gdelt1.export.CSV").read_text(encoding="utf-8").splitlines()
    (tmp_path / "g.tsv").write_text("\n".join([lines[0], "1\t2\t3", lines[6]]) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "--from", "gdelt", "g.tsv", "--register")
    assert code == 1
    assert "g.tsv:2: has 3 tab-separated cells; GDELT 1.0 rows have 57 (backfile) or 58, GDELT 2.0 rows 61" in err
    icews = (CODED / "icews.tab").read_text(encoding="utf-8").splitlines()
    short = icews[1].rsplit("\t", 1)[0]
    bad_date = icews[2].replace("2018-05-02", "NA")
    (tmp_path / "i.tab").write_text("\n".join([icews[0], short, bad_date]) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "i.tab", "--register")
    assert code == 1
    assert "i.tab:2: has 19 tab-separated cells; ICEWS rows have 20" in err
    assert "i.tab:3: field 'date': missing" in err


def test_a_file_that_is_not_icews_says_what_it_expected(empty, tmp_path, capsys):
    """--from icews on another file names the expected header."""
    (tmp_path / "x.tsv").write_text("id\tdate\n1\t2024\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "--from", "icews", "x.tsv")
    assert code == 1 and "x.tsv:1: not an ICEWS event file: expected a tab-separated header" in err


@pytest.mark.parametrize(
    ("sqldate", "expected"),
    [("20130401", "2013-04-01"), ("19790100", "1979-01"), ("19790000", "1979"), ("2013041", "2013041")],
)
def test_gdelt_dates_keep_their_precision(sqldate, expected):
    """A zero day or month means the record knows only the month or the year; other text is left to the check."""
    assert _gdelt_date(sqldate) == expected
