"""Parquet tables for DuckDB, Polars, pandas and Spark: what `timeline export --format parquet DIR` writes.

`DIR/events/year=YYYY/part-0.parquet` holds the events, in hive-style partitions by the year each
is filed under (`tables.year`); every other table of `timeline.formats.tables` is one file,
`DIR/<table>.parquet`. The folder is written beside its final place and renamed into it, so a
reader never sees half an export. pyarrow (the `parquet` extra) is imported only here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from timeline.errors import TimelineError, UsageError
from timeline.formats import tables
from timeline.model import Store


def _arrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise TimelineError(
            "Parquet needs pyarrow, an optional dependency: pip install 'timeline[parquet]'; nothing was written"
        ) from None
    return pa, pq


def export(store: Store, folder: Path) -> list[Path]:
    """Write every table of the store under `folder` (new, or an empty folder); the files written, relative."""
    pa, pq = _arrow()
    if folder.is_symlink() and folder.is_dir():
        folder = folder.resolve()  # the export goes where the link points, and the link keeps pointing there
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        what = "is not a folder" if not folder.is_dir() else "is not empty"
        raise UsageError(f"{folder} {what}; give a new or empty folder; nothing was written")
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"{folder}: the folder {parent} does not exist; create it first")
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=parent))
    except OSError as e:
        raise TimelineError(f"{folder}: cannot write in {parent}: {e.strerror}; nothing was written") from None
    try:
        written = _write(pa, pq, tables.rows(store), work)
        umask = os.umask(0)
        os.umask(umask)
        for path in [work, *work.rglob("*")]:
            path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)
        if folder.is_dir():
            folder.rmdir()
        os.rename(work, folder)
    except OSError as e:
        shutil.rmtree(work, ignore_errors=True)
        raise TimelineError(f"{folder}: cannot write the export: {e.strerror}; nothing was written") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return written


def _write(pa: Any, pq: Any, data: dict[str, list[tables.Row]], root: Path) -> list[Path]:
    kinds = {
        "str": pa.string(),
        "bool": pa.bool_(),
        "int": pa.int64(),
        "date": pa.date32(),
        "list": pa.list_(pa.string()),
    }
    written = []
    for name, rows in data.items():
        columns = [(c, t) for c, t in tables.SCHEMA[name] if not (name == "events" and c == "year")]
        schema = pa.schema([pa.field(c, kinds[t]) for c, t in columns])
        if name != "events":
            parts = {Path(f"{name}.parquet"): rows}
        elif rows:
            parts = {}
            for row in rows:  # rows are in timeline order, and stay so within each year
                parts.setdefault(Path("events", f"year={row['year']:04d}", "part-0.parquet"), []).append(row)
        else:
            parts = {Path("events", "part-0.parquet"): []}
        for relative, part in parts.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            table = pa.Table.from_pylist([{c: r[c] for c, _ in columns} for r in part], schema=schema)
            pq.write_table(table, root / relative)
            written.append(relative)
    return written
