"""`timeline export`: the whole store as tables for other engines (Parquet for DuckDB, Polars, pandas, Spark)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from timeline.cli.common import FORMATS, FileOpt, load_store
from timeline.errors import UsageError

EXPORTS = ("parquet",)


def export(
    folder: Annotated[str, typer.Argument(metavar="DIR", help="A new or empty folder for the tables.")],
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="parquet (needs the 'parquet' extra).")
    ] = "parquet",
    file: FileOpt = None,
) -> None:
    """Write the store as Parquet tables, events partitioned by year, for DuckDB, Polars, pandas or Spark.

    Tables: events (with earliest, latest and precision), actors, offices (with spans), sources,
    event_actors, event_tags, citations, date_claims, relations. The README documents each column.
    For one-file formats (csv, json, html, …) use 'timeline list --format F --output FILE'.

    Example:

      timeline export --format parquet tables/ && duckdb -c "select count(*) from 'tables/events/**/*.parquet'"
    """
    if fmt not in EXPORTS:
        if fmt in FORMATS:
            raise UsageError(f"--format {fmt}: export writes tables; for {fmt} use 'timeline list --format {fmt}'")
        raise UsageError(f"--format: '{fmt}' is not one of: {', '.join(EXPORTS)}")
    from timeline.formats import parquet
    from timeline.text import printable

    store = load_store(file)
    written = parquet.export(store, Path(folder))
    events = sum(1 for p in written if p.parts[0] == "events")
    sys.stderr.write(
        f"Exported {len(store.events)} events to {printable(folder)}: {len(written)} Parquet files,"
        f" events in {events}.\n"
    )
