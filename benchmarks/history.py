"""How long do `timeline log`, `diff`, `list --changed-since` and the merge driver take on a long history?

    python benchmarks/history.py                          # 300 commits over a 200-event store
    python benchmarks/history.py --commits 1000 --events 2000 --runs 5

Builds a git repository in a temporary folder: a store of --events events, then --commits
commits that each append one event, every tenth also redating one event (the one `log` asks
about). Times whole processes (median of --runs after one warm-up) and prints a Markdown
table, with `git log` of the store as the baseline. The merge row merges two branches that
each append --branch events, through the driver registered by `timeline init --git`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def event(n: int, day: int) -> str:
    """One [[events]] table, dated by its number so the store stays in timeline order."""
    year, rest = divmod(day, 365)
    month, dom = divmod(rest % 336, 28)
    return (
        f'\n[[events]]\nid = "e{n:05d}"\ndate = "{2000 + year:04d}-{month + 1:02d}-{dom + 1:02d}"\n'
        f'title = "Event number {n}"\nsummary = "What happened, in a sentence or two, for event {n}."\n'
        f'actors = ["a{n % 7}"]\ntags = ["t{n % 5}"]\nsources = ["s{n % 3}"]\n'
    )


def header() -> str:
    actors = "".join(f'\n[actors.a{i}]\nname = "Actor {i}"\n' for i in range(7))
    sources = "".join(f'\n[sources.s{i}]\nname = "Source {i}"\n' for i in range(3))
    return '[store]\ntitle = "History benchmark"\n' + actors + sources


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def build(root: Path, events: int, commits: int) -> None:
    """The repository: the store, then `commits` commits of one append each (every tenth redates e00001)."""
    git(root, "init", "-q", "-b", "main")
    store = root / "events.toml"
    text = header() + "".join(event(n, n) for n in range(events))
    store.write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    for c in range(commits):
        n = events + c
        text += event(n, n)
        if c % 10 == 0:
            text = _redate(text, 1 + (c // 10) % 27)
        store.write_text(text, encoding="utf-8")
        git(root, "commit", "-q", "-am", f"commit {c}")


def _redate(text: str, day: int) -> str:
    """Set e00001's date to 2000-01-DAY (it stays the second event in date order)."""
    at = text.index('id = "e00001"\ndate = "') + len('id = "e00001"\ndate = "')
    return text[:at] + f"2000-01-{day:02d}" + text[at + 10 :]


def timed(cmd: list[str], cwd: Path, runs: int, before=None) -> float:
    """Median wall time in ms of `runs` runs after a warm-up."""
    times = []
    for n in range(runs + 1):
        if before:
            before()
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True)
        took = (time.perf_counter() - start) * 1000
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()}")
        if n:
            times.append(took)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--branch", type=int, default=50, help="events each branch appends before the merge")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env_path = str(BIN) + os.pathsep + os.environ.get("PATH", "")
    os.environ["PATH"] = env_path
    timeline = [str(BIN / "timeline")]
    with tempfile.TemporaryDirectory(prefix="timeline-history-bench-") as folder:
        root = Path(folder)
        build(root, args.events, args.commits)
        back = f"HEAD~{min(100, args.commits)}"
        rows = [
            ("`git log --oneline -- events.toml` (baseline)", ["git", "log", "--oneline", "--", "events.toml"]),
            ("`timeline --version` (start-up, baseline)", [*timeline, "--version"]),
            ("`timeline log e00001` (an event changed every 10th commit)", [*timeline, "log", "e00001"]),
            ("`timeline log e00150` (an event never changed since)", [*timeline, "log", "e00150"]),
            (f"`timeline diff {back} --format json`", [*timeline, "diff", back, "--format", "json"]),
            (f"`timeline list --changed-since {back} --format json`",
             [*timeline, "list", "--changed-since", back, "--format", "json"]),
        ]  # fmt: skip
        size = (root / "events.toml").stat().st_size
        print(f"{args.commits} commits; store of {args.events + args.commits} events ({size // 1024} KiB) at HEAD")
        print()
        print("| what | median time |")
        print("|---|---:|")
        for label, cmd in rows:
            print(f"| {label} | {timed(cmd, root, args.runs):,.0f} ms |")
        print(f"| `git merge` of two branches appending {args.branch} events each, driver: "
              f"{_merge(root, args.branch, args.runs):,.0f} ms |")  # fmt: skip


def _merge(root: Path, count: int, runs: int) -> float:
    """Median time of `git merge` of two branches that each append `count` events, through the driver."""
    subprocess.run([str(BIN / "timeline"), "init", "--git"], cwd=root, check=True, capture_output=True)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "register the driver")
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    store = root / "events.toml"
    text = store.read_text(encoding="utf-8")
    start = 100_000
    for branch, offset in (("side", 0), ("main", count)):
        git(root, "checkout", "-q", "-B", branch, base)
        store.write_text(text + "".join(event(start + offset + i, 9000 + offset + i) for i in range(count)))
        git(root, "commit", "-q", "-am", branch)
    ours = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()

    def reset() -> None:
        git(root, "reset", "-q", "--hard", ours)

    reset()
    merged = subprocess.run(["git", "merge", "-q", "--no-edit", "side"], cwd=root, capture_output=True)
    if merged.returncode:
        raise SystemExit("the benchmark's merge conflicted: " + merged.stderr.decode())
    took = timed(["git", "merge", "-q", "--no-edit", "side"], root, runs, before=reset)
    return took


if __name__ == "__main__":
    main()
