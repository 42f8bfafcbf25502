"""How long `timeline check` takes, and how much memory, when many events look alike (rule W003).

Writes stores where every event shares one title and one date (the worst case for the look-alike
rule, which compares events that share a title word and overlapping dates), times one
`timeline check --select W003` process on each, and prints seconds and peak resident memory.
A script to run by hand, not a test:

    python benchmarks/check_lookalikes.py                        # 2,000, 8,000 and 10,000 events
    python benchmarks/check_lookalikes.py --sizes 1000 --shapes all

Shapes: `same` (one title, one day), `wide` (one title, spans that all overlap and all
differ), `cast` (different titles, the same actors and type on one day).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HEADER = '[actors.a]\nname = "A"\n[actors.b]\nname = "B"\n[sources.s]\nname = "S"\n'


def _date(shape: str, n: int) -> str:
    if shape != "wide":
        return "2024-03-09"
    # Spans from a day in the first half of 2024 to a day in the second: all overlap, none repeat.
    start, end = date(2024, 1, 1) + timedelta(days=n % 180), date(2024, 12, 31) - timedelta(days=n // 180 % 180)
    return f"{start.isoformat()}/{end.isoformat()}"


def store_text(shape: str, size: int) -> str:
    """A store of `size` events of one shape."""
    parts = [HEADER]
    for n in range(size):
        title = f"Talks number {n} on water" if shape == "cast" else "Foreign ministers meet in Bishkek"
        extra = 'type = "meeting"\nactors = ["a", "b"]\n' if shape == "cast" else ""
        parts.append(
            f'[[events]]\nid = "e{n}"\ndate = "{_date(shape, n)}"\ntitle = "{title}"\nsources = ["s"]\n{extra}'
        )
    return "\n".join(parts)


def measure(store: Path) -> tuple[float, float, int, int]:
    """(seconds, peak MiB, exit code, findings) of one `timeline check --select W003` process."""
    env = {**os.environ, "TIMELINE_NO_CACHE": "1"}
    command = [sys.executable, "-m", "timeline", "check", "--select", "W003", "--file", str(store)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    findings = sum(1 for _ in proc.stdout)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode, findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="2000,8000,10000", help="comma-separated event counts")
    parser.add_argument("--shapes", default="same", help="same, wide, cast, or all")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shapes = ["same", "wide", "cast"] if args.shapes == "all" else args.shapes.split(",")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print("| shape | events | seconds | peak memory | W003 findings |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for shape in shapes:
            for size in sizes:
                store = Path(folder) / f"{shape}-{size}.toml"
                store.write_text(store_text(shape, size), encoding="utf-8")
                seconds, mib, code, findings = measure(store)
                note = "" if code in (0, 1) else f" (exit {code})"
                print(f"| {shape} | {size:,} | {seconds:.1f} | {mib:.0f} MiB | {findings:,}{note} |", flush=True)


if __name__ == "__main__":
    main()
