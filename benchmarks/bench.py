"""How fast is `timeline` on every path, next to the baselines it is judged by? Prints a Markdown table.

    python benchmarks/bench.py                                  # 10k and 100k events (about ten minutes)
    python benchmarks/bench.py --sizes 10000 --runs 3           # a quick look
    python benchmarks/bench.py --sizes 10000,100000,1000000     # adds E9, a million events (much longer)
    python benchmarks/bench.py --scenarios E1,E2                # some scenarios only

Every time is the median of --runs runs of a whole process after one warm-up, measured in turn
with its baselines so that the ratios hold on any machine; memory is the peak resident set.
Baselines: "typer-min" (benchmarks/typer_min.py, a one-command typer app printing a line) and
"bare parse" (benchmarks/parse_only.py: read the store and parse it with tomli, in a fresh
process). Stores come from benchmarks/generate.py and live in a temporary folder, with their own
cache folder. Before timing, each read command's answer with the cache is compared with its
answer with TIMELINE_NO_CACHE=1; a difference is noted under the table.

jrnl and hledger are optional peers (--jrnl PATH, --hledger PATH): the same question asked of
the same 10k entries.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
FORMATS = ("plain", "markdown", "html", "rich", "json", "csv", "ics", "timelinejs")


@dataclass
class Job:
    """One command to time, with an optional step before each run (not timed)."""

    cmd: list[str]
    before: Callable[[], None] | None = None
    env: dict[str, str] | None = None
    times: list[float] = field(default_factory=list)
    peak_mib: float = 0.0

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "COLUMNS": "80", "NO_COLOR": "1"}
        for name in ("TIMELINE_NO_CACHE", "TIMELINE_FILE", "PYTHONDONTWRITEBYTECODE"):
            # PYTHONDONTWRITEBYTECODE would charge every run a recompile an installed program never pays.
            self.env.pop(name, None)
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.notes: list[str] = []

    # ---- running ----------------------------------------------------------------------------

    def run_once(self, job: Job) -> tuple[float, float]:
        if job.before:
            job.before()
        start = time.perf_counter()
        proc = subprocess.Popen(job.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=job.env or self.env,
                                cwd=self.work)  # fmt: skip
        err = proc.stderr.read() if proc.stderr else b""
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"bench: {' '.join(job.cmd)} failed: {err.decode()[-400:]}")
        return elapsed, usage.ru_maxrss / 1024  # KiB on Linux

    def measure(self, jobs: list[Job], runs: int | None = None) -> None:
        """Round after round, so that a busy moment on the machine slows every job alike."""
        runs = runs or self.args.runs
        for round_ in range(runs + 1):
            for job in jobs:
                elapsed, peak = self.run_once(job)
                if round_ == 0:
                    continue  # warm-up: the OS caches the files, the cache entry is made
                job.times.append(elapsed)
                job.peak_mib = max(job.peak_mib, peak)

    def cli(self, *args: str) -> list[str]:
        return [PY, "-m", "timeline", *args]

    def row(
        self, scenario: str, what: str, job: Job, ratio: float | None = None, base: str = "", goal: str = ""
    ) -> None:
        shown = f"{ratio:.2f}× {base}" if ratio is not None else ""
        met = ""
        if goal and ratio is not None:
            met = " ✓" if ratio <= float(re.sub(r"[^0-9.]", "", goal)) else " ✗"
        self.rows.append((scenario, what, f"{job.seconds * 1000:,.0f} ms, {job.peak_mib:,.0f} MiB", shown, goal + met))

    # ---- inputs -----------------------------------------------------------------------------

    def store(self, n: int) -> Path:
        path = self.work / f"events-{n}.toml"
        if not path.exists():
            sys.stderr.write(f"bench: generating {n:,} events…\n")
            with open(path, "wb") as fh:
                subprocess.run([PY, str(HERE / "generate.py"), str(n)], stdout=fh, check=True)
        return path

    def copy(self, n: int, name: str) -> Path:
        target = self.work / f"{name}-{n}.toml"
        shutil.copy(self.store(n), target)
        return target

    def same_answer(self, args: list[str], label: str) -> None:
        def out(env: dict[str, str]) -> bytes:
            return subprocess.run(self.cli(*args), capture_output=True, env=env, cwd=self.work, check=True).stdout

        if out(self.env) != out({**self.env, "TIMELINE_NO_CACHE": "1"}):
            self.notes.append(f"{label}: the answer with the cache differed from the one without")

    def typer(self) -> Job:
        return Job([PY, str(HERE / "typer_min.py")])

    def parse(self, store: Path) -> Job:
        return Job([PY, str(HERE / "parse_only.py"), str(store)])

    # ---- scenarios --------------------------------------------------------------------------

    def s1(self) -> None:
        """Start-up on the bundled store."""
        bare, typer_app = Job([PY, "-c", "pass"]), self.typer()
        listing = Job(self.cli("list", "--file", str(ROOT / "events.toml"), "--format", "plain"))
        helping = Job(self.cli("--help"))
        self.measure([bare, typer_app, listing, helping])
        self.row("S1", "`python -c pass`", bare)
        self.row("S1", "typer-min (baseline)", typer_app)
        for label, job in (("`timeline list --format plain`, bundled store", listing), ("`timeline --help`", helping)):
            self.row("S1", label, job, job.seconds / typer_app.seconds, "typer-min", "≤ 1.3×")

    def reads(self, n: int) -> list[tuple[str, list[str]]]:
        store = str(self.store(n))
        return [
            ("`list --actor a042 --since 2024`", ["list", "-f", store, "--actor", "a042", "--since", "2024"]),
            ("`list 'actor:a042 since:2024'`", ["list", "-f", store, "actor:a042 since:2024"]),
            ("`list --text envoy --limit 20`", ["list", "-f", store, "--text", "envoy", "--limit", "20"]),
            ("`list --tag tag7 --since 2024-06 --until 2024-06`",
             ["list", "-f", store, "--tag", "tag7", "--since", "2024-06", "--until", "2024-06"]),
            ("`list --limit 5`", ["list", "-f", store, "--limit", "5"]),
            ("`show evt-0000042`", ["show", "-f", store, "evt-0000042"]),
            ("`show evt-0000042 --thread`", ["show", "-f", store, "evt-0000042", "--thread"]),
            ("`actors`", ["actors", "-f", store]),
            ("`sources`", ["sources", "-f", store]),
            ("`tags`", ["tags", "-f", store]),
            ("`stats`", ["stats", "-f", store]),
        ]  # fmt: skip

    def e1(self, n: int) -> None:
        """E1/E10: each read command, warm, at n events."""
        jobs = []
        for label, args in self.reads(n):
            self.same_answer(args, label)
            jobs.append((label, Job(self.cli(*args))))
        typer_app = self.typer()
        self.measure([typer_app, *(j for _, j in jobs)])
        for label, job in jobs:
            self.row("E1", f"{n:,}: {label}, warm", job, job.seconds / typer_app.seconds, "typer-min", "≤ 2×")
        for label, job in jobs:
            self.rows.append(("E10", f"{n:,}: {label}, peak memory", f"{job.peak_mib:,.0f} MiB", "",
                              "≤ 100 MiB" + (" ✓" if job.peak_mib <= 100 else " ✗")))  # fmt: skip

    def e2_e3(self, n: int) -> None:
        """E2: add one event; E3: the first list after it, against the same list warm."""
        store = self.copy(n, "writes")
        count = iter(range(10**6))

        def add_args() -> list[str]:
            return ["add", "-f", str(store), "--date", "2024-02-09", "--title", f"An envoy meets {next(count)}",
                    "--actor", "a042", "--source", "tass", "--in-response-to", "evt-0000042"]  # fmt: skip

        def add_now() -> None:
            subprocess.run(self.cli(*add_args()), env=self.env, cwd=self.work, check=True, capture_output=True)

        listing = ["list", "-f", str(store), "--actor", "a042", "--since", "2024"]
        typer_app = self.typer()
        # A new title each run (from the clock), or the second run would refuse a duplicate.
        add = Job([PY, "-c", _ADD_EACH_TIME], env={**self.env, "BENCH_ADD": repr(add_args()[1:])})
        first = Job(self.cli(*listing), before=add_now)
        warm = Job(self.cli(*listing))
        self.measure([typer_app, add, first, warm])
        self.row("E2", f"{n:,}: `add` (one event, all checks)", add, add.seconds / typer_app.seconds, "typer-min",
                 "≤ 2×")  # fmt: skip
        self.rows.append(("E2", f"{n:,}: `add`, peak memory", f"{add.peak_mib:,.0f} MiB", "",
                          "≤ 100 MiB" + (" ✓" if add.peak_mib <= 100 else " ✗")))  # fmt: skip
        self.row("E3", f"{n:,}: first `list` after an `add`", first, first.seconds / warm.seconds, "the same list warm",
                 "≤ 1.2×")  # fmt: skip
        self.same_answer(listing, "E3 list after adds")

    def e4(self, n: int) -> None:
        """A hand edit of one event in the middle of the file, then a list."""
        store = self.copy(n, "edited")
        data = store.read_bytes()
        middle = data.index(b'\ntitle = "', len(data) // 2) + len(b'\ntitle = "')
        flip = iter(range(10**9))

        def edit() -> None:
            i = next(flip)
            with open(store, "r+b") as fh:  # the same length each time: one letter of one title
                fh.seek(middle)
                fh.write(b"XY"[i % 2 : i % 2 + 1])

        args = ["list", "-f", str(store), "--actor", "a042", "--since", "2024"]
        typer_app, after = self.typer(), Job(self.cli(*args), before=edit)
        self.measure([typer_app, after])
        self.row("E4", f"{n:,}: `list` after a hand edit of one event", after, after.seconds / typer_app.seconds,
                 "typer-min", "≤ 3×")  # fmt: skip
        self.same_answer(args, "E4 list after an edit")

    def e5(self, n: int) -> None:
        """First run ever: no cache."""
        store = self.store(n)
        cache = self.work / "cache-e5"
        env = {**self.env, "XDG_CACHE_HOME": str(cache)}
        args = ["list", "-f", str(store), "--actor", "a042", "--since", "2024"]
        cold = Job(self.cli(*args), before=lambda: shutil.rmtree(cache, ignore_errors=True), env=env)
        typer_app, parse = self.typer(), self.parse(store)
        self.measure([typer_app, parse, cold], runs=max(1, self.args.runs // 2))
        base = typer_app.seconds + parse.seconds
        self.row("E5", f"{n:,}: bare parse (baseline)", parse)
        self.row("E5", f"{n:,}: first run ever (no cache), `list --actor a042 --since 2024`", cold, cold.seconds / base,
                 "(typer-min + bare parse)", "≤ 1.3×")  # fmt: skip

    def whole(self, n: int) -> dict[str, Job]:
        store = str(self.store(n))
        jobs = {fmt: Job(self.cli("list", "-f", store, "--format", fmt)) for fmt in FORMATS}
        self.measure(list(jobs.values()), runs=max(1, self.args.runs // 2))
        return jobs

    def e6_e7(self, sizes: list[int]) -> None:
        """E6: the whole 10k store in each text format against JSON; E7: 100k against 10k."""
        small = self.whole(10_000)
        for fmt in ("plain", "markdown", "html", "rich"):
            job = small[fmt]
            self.row("E6", f"10,000: whole store `--format {fmt}`", job, job.seconds / small["json"].seconds, "json",
                     "≤ 1.5×")  # fmt: skip
        if 100_000 in sizes:
            big = self.whole(100_000)
            for fmt in FORMATS:
                ratio = big[fmt].seconds / small[fmt].seconds
                self.row("E7", f"100,000: whole store `--format {fmt}`", big[fmt], ratio, "the same at 10,000", "≤ 11×")

    def e8(self, n: int) -> None:
        """check, warm, against a bare parse."""
        store = self.store(n)
        check = Job(self.cli("check", "-f", str(store), "--format", "json"))
        parse = self.parse(store)
        self.measure([parse, check])
        self.row("E8", f"{n:,}: `check`, warm", check, check.seconds / parse.seconds, "bare parse", "≤ 1×")

    def e9(self, n: int) -> None:
        """A million events: list by actor, by query terms and by text, warm."""
        store = str(self.store(n))
        jobs = {
            "`list --actor a042 --since 2024`": Job(
                self.cli("list", "-f", store, "--actor", "a042", "--since", "2024")
            ),
            "`list 'actor:a042 since:2024'`": Job(self.cli("list", "-f", store, "actor:a042 since:2024")),
            "`list --text envoy --limit 20`": Job(self.cli("list", "-f", store, "--text", "envoy", "--limit", "20")),
        }
        typer_app = self.typer()
        self.measure([typer_app, *jobs.values()], runs=max(1, self.args.runs // 2))
        for label, job in jobs.items():
            self.row("E9", f"{n:,}: {label}, warm", job, job.seconds / typer_app.seconds, "typer-min", "≤ 5×")
            self.rows.append(("E9", f"{n:,}: {label}, peak memory", f"{job.peak_mib:,.0f} MiB", "",
                              "≤ 200 MiB" + (" ✓" if job.peak_mib <= 200 else " ✗")))  # fmt: skip

    def peers(self, n: int) -> None:
        """The same question asked of timeline, jrnl and hledger over the same entries."""
        import tomli

        store = self.store(n)
        events = tomli.loads(store.read_text(encoding="utf-8"))["events"]
        ours = Job(self.cli("list", "-f", str(store), "--tag", "tag7", "--since", "2020", "--until", "2020"))
        jobs = {"timeline": ours}
        if self.args.jrnl:
            journal = self.work / "journal.txt"
            journal.write_text("".join(_jrnl(e) for e in events if "date" in e), encoding="utf-8")
            config = self.work / "jrnl-config"
            (config / "jrnl").mkdir(parents=True, exist_ok=True)
            (config / "jrnl" / "jrnl.yaml").write_text(_JRNL_CONFIG.format(journal=journal), encoding="utf-8")
            jobs["jrnl"] = Job([self.args.jrnl, "-from", "2020-01-01", "-to", "2020-12-31", "@tag7"],
                               env={**self.env, "XDG_CONFIG_HOME": str(config)})  # fmt: skip
        if self.args.hledger:
            ledger = self.work / "ledger.journal"
            ledger.write_text("".join(_hledger(i, e) for i, e in enumerate(events) if "date" in e), encoding="utf-8")
            jobs["hledger"] = Job([self.args.hledger, "-f", str(ledger), "register", "expenses:tag7", "-b", "2020",
                                   "-e", "2021"])  # fmt: skip
        if len(jobs) == 1:
            return
        self.measure(list(jobs.values()))
        self.row("peers", f"{n:,}: `timeline list --tag tag7 --since 2020 --until 2020`, warm", ours)
        for name, job in jobs.items():
            if name != "timeline":
                self.row(
                    "peers", f"{n:,}: the same with {name}", job, ours.seconds / job.seconds, f"(timeline ÷ {name})"
                )

    def table(self) -> str:
        out = ["| | what | median time, peak memory | ratio | goal |", "|---|---|---:|---|---|"]
        out += [f"| {' | '.join(r)} |" for r in self.rows]
        out += [f"\n- {note}" for note in dict.fromkeys(self.notes)]
        return "\n".join(out) + "\n"


# `add` needs a new title each run, or the second run refuses a duplicate; this tiny launcher
# makes one from the clock and runs the real command in the same process.
_ADD_EACH_TIME = (
    "import ast, os, sys, time; from timeline.cli import main; args = ast.literal_eval(os.environ['BENCH_ADD']); "
    "args[args.index('--title') + 1] += f' {time.time_ns()}'; sys.argv = ['timeline', 'add', *args]; main()"
)
_JRNL_CONFIG = (
    "colors: {{body: none, date: none, tags: none, title: none}}\ndefault_hour: 9\ndefault_minute: 0\neditor: ''\n"
    "encrypt: false\nhighlight: false\nindent_character: '|'\njournals:\n  default:\n    journal: {journal}\n"
    "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%Y-%m-%d %H:%M'\nversion: v4.6\n"
)


def _day(event: dict) -> str:
    parts = str(event["date"])[:10].split("/")[0].split("-") + ["01", "01"]
    return "-".join(p.rstrip("?~%") or "01" for p in parts[:3])


def _jrnl(event: dict) -> str:
    tags = " ".join("@" + t for t in event.get("tags", []))
    return f"[{_day(event)} 09:00] {event['title']}.\n{event.get('summary', '')} {tags}\n\n"


def _hledger(i: int, event: dict) -> str:
    tag = (event.get("tags") or ["untagged"])[0]
    return f"{_day(event)} {event['title']}\n    expenses:{tag}    {(i % 9973) / 100 + 1:.2f} USD\n    assets:bank\n\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="store sizes, comma-separated (1000000 adds E9)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per measurement, after one warm-up")
    ap.add_argument("--scenarios", default="S1,E1,E2,E3,E4,E5,E6,E7,E8,E9,peers", help="which scenarios to run")
    ap.add_argument("--jrnl", help="the jrnl executable, to compare with (optional)")
    ap.add_argument("--hledger", help="the hledger executable, to compare with (optional)")
    ap.add_argument("--workdir", type=Path, help="keep stores and caches here instead of a temporary folder")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    wanted = set(args.scenarios.split(","))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args, work)
    try:
        if "S1" in wanted:
            bench.s1()
        for n in (s for s in sizes if s < 1_000_000):
            if "E1" in wanted:
                bench.e1(n)
            if wanted & {"E2", "E3"}:
                bench.e2_e3(n)
            if "E4" in wanted:
                bench.e4(n)
            if "E5" in wanted:
                bench.e5(n)
            if "E8" in wanted:
                bench.e8(n)
        if wanted & {"E6", "E7"} and 10_000 in sizes:
            bench.e6_e7(sizes)
        if "E9" in wanted and 1_000_000 in sizes:
            bench.e9(1_000_000)
        if "peers" in wanted and 10_000 in sizes:
            bench.peers(10_000)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    shown = " ".join(argv if argv is not None else sys.argv[1:])
    print(f"`python benchmarks/bench.py{' ' + shown if shown else ''}`\n")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} runs per row\n")
    print(bench.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
