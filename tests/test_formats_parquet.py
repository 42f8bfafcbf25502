"""`timeline export --format parquet DIR`: tables DuckDB reads back, with the counts and joins of the store."""

from __future__ import annotations

import sys

import pytest

from tests.test_cli import run
from timeline import select, store

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

EVENTS = "read_parquet('{d}/events/**/*.parquet', hive_partitioning=true)"


def sql(query: str, folder) -> list[tuple]:
    """Run `query` with {events} and {d} filled in for the export in `folder`."""
    return duckdb.sql(query.format(events=EVENTS.format(d=folder), d=folder)).fetchall()


@pytest.fixture
def exported(bundled, tmp_path, capsys):
    """The bundled store exported to tmp/out."""
    code, out, err = run(capsys, "export", "--format", "parquet", "out")
    assert (code, out) == (0, ""), err
    assert err == "Exported 10 events to out: 11 Parquet files, events in 3.\n"
    return tmp_path / "out"


def test_the_pinned_layout(exported):
    """events/ in year=YYYY folders, one file per other table; DuckDB counts every event."""
    assert sorted(p.name for p in (exported / "events").iterdir()) == ["year=2022", "year=2023", "year=2024"]
    assert sorted(p.name for p in exported.glob("*.parquet")) == [
        "actors.parquet", "citations.parquet", "date_claims.parquet", "event_actors.parquet", "event_tags.parquet",
        "offices.parquet", "relations.parquet", "sources.parquet",
    ]  # fmt: skip
    assert sql("select count(*) from {events}", exported) == [(10,)]
    assert sql("select year, count(*) from {events} group by year order by year", exported) == [
        (2022, 2), (2023, 1), (2024, 7),
    ]  # fmt: skip


def test_event_rows_carry_dates_with_their_precision(exported, bundled):
    """Each event row has id, date as written, earliest, latest, precision and title, as the JSON export does."""
    s = store.load(bundled)
    rows = sql("select id, date, earliest, latest, precision, title from {events} order by position", exported)
    expected = [(m.event.id, m.event.date.text, m.event.date.earliest, m.event.date.latest, m.event.date.precision,
                 m.event.title) for m in select(s)]  # fmt: skip
    assert rows == expected


def test_every_table_has_the_store_counts(exported, bundled):
    """Actors, offices, sources, event actors, tags, citations, claims and relations: one row each."""
    s = store.load(bundled)
    counts = {
        "actors": len(s.actors),
        "offices": sum(len(a.roles) for a in s.actors.values()),
        "sources": len(s.sources),
        "event_actors": sum(len(e.actors) for e in s.events),
        "event_tags": sum(len(e.tags) for e in s.events),
        "citations": sum(len(e.sources) for e in s.events),
        "date_claims": sum(len(e.claims) for e in s.events),
        "relations": sum(len(e.in_response_to) + len(e.after) + len(e.before) for e in s.events),
    }
    for table, n in counts.items():
        assert sql(f"select count(*) from '{{d}}/{table}.parquet'", exported) == [(n,)], table
    assert all(counts.values())


def test_events_per_office_holder_join_as_list_strict_says(exported, bundled):
    """Joining events, event actors and office spans in SQL finds what `list --actor OFFICE --strict` finds."""
    s = store.load(bundled)
    rows = sql(
        """select o.title, list(distinct e.id order by e.id)
           from {events} e
           join '{d}/event_actors.parquet' ea on ea.event_id = e.id
           join '{d}/offices.parquet' o on o.actor_id = ea.actor_id
            and e.earliest >= o.start_latest and (o.end is null or e.latest <= o.end_earliest)
           group by o.title order by o.title""",
        exported,
    )
    assert rows
    for title, ids in rows:
        assert ids == sorted(m.event.id for m in select(s, actor=title, strict=True)), title


def test_a_folder_with_files_is_refused(bundled, tmp_path, capsys):
    """An export never mixes with other files: a non-empty DIR is an error and stays as it was."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "export", "out")
    assert code == 2 and "out is not empty; give a new or empty folder; nothing was written" in err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # no work folder left behind


def test_an_empty_folder_and_an_empty_store(tmp_path, capsys):
    """An empty store exports empty tables that DuckDB still reads, into an existing empty folder."""
    assert run(capsys, "init")[0] == 0
    (tmp_path / "out").mkdir()
    assert run(capsys, "export", "out")[0] == 0
    assert sql("select count(*) from {events}", tmp_path / "out") == [(0,)]


def test_text_formats_point_to_list(bundled, capsys):
    """export writes tables; asking it for csv says where csv comes from."""
    code, _, err = run(capsys, "export", "--format", "csv", "out")
    assert code == 2 and "export writes tables; for csv use 'timeline list --format csv'" in err


def test_without_pyarrow_the_error_names_the_extra(bundled, tmp_path, capsys, monkeypatch):
    """Without the optional dependency, one line says how to install it; nothing is written."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    code, _, err = run(capsys, "export", "out")
    assert code == 1 and "pip install 'timeline[parquet]'" in err
    assert not (tmp_path / "out").exists()


def test_a_link_to_an_empty_folder_gets_the_export(bundled, tmp_path, capsys):
    """DIR may be a symbolic link to an empty folder: the tables go where it points, and it still points there."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to("real")
    code, _, err = run(capsys, "export", "link")
    assert code == 0, err
    assert (tmp_path / "link").is_symlink() and sql("select count(*) from {events}", tmp_path / "link") == [(10,)]
