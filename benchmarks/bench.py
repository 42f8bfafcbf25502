"""How fast is `timeline`, next to the baselines it is judged against? Prints a Markdown table.

    python benchmarks/bench.py                                # 1k, 10k and 100k events
    python benchmarks/bench.py --sizes 1000,10000 --runs 3    # a quick look
    python benchmarks/bench.py --sizes 10000,100000,1000000   # adds S7 (1M events, minutes)

Every time is the median of --runs runs after one warm-up: the wall time of a whole process,
measured in this run next to its baselines, so the ratios hold on any machine. Memory is the
process's peak resident set. Stores come from the synthetic generator (gen_events.py in
../shared/bench beside the repository, or --generator PATH) and live in a temporary folder.
A "cold" run follows an edit of the store's opening comment, so the cache holds another text
and everything is parsed again; a "warm" run finds the cache fresh.

Scenarios whose inputs are missing are skipped with a note.
"""

from __future__ import annotations

import argparse
import os
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
SHARED_BENCH = ROOT.parent / "shared" / "bench"
PY = sys.executable
QUERY = ["--actor", "a042", "--since", "2020", "--format", "json"]


@dataclass
class Job:
    """One command to time, with an optional step before each run (not timed)."""

    cmd: list[str]
    before: Callable[[], None] | None = None
    env: dict[str, str] | None = None
    cwd: Path | None = None
    times: list[float] = field(default_factory=list)
    peak_mib: float = 0.0

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)


def run_once(job: Job, env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time and peak resident memory (MiB) of one run of `job`."""
    if job.before:
        job.before()
    start = time.perf_counter()
    proc = subprocess.Popen(
        job.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=job.env or env, cwd=job.cwd or cwd
    )
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"bench: {' '.join(job.cmd)} failed ({code}): {err.decode()[-400:]}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is KiB on Linux


def measure(jobs: list[Job], *, runs: int, env: dict[str, str], cwd: Path, warmup: bool = True) -> None:
    """Run the jobs in turn, round after round, so that a busy spell on the machine hits them alike."""
    for round_ in range(runs + (1 if warmup else 0)):
        for job in jobs:
            elapsed, peak = run_once(job, env, cwd)
            if warmup and round_ == 0:
                continue
            job.times.append(elapsed)
            job.peak_mib = max(job.peak_mib, peak)


def output(cmd: list[str], *, env: dict[str, str], cwd: Path) -> bytes:
    return subprocess.run(cmd, capture_output=True, env=env, cwd=cwd, check=True).stdout


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.runs = args.runs
        self.env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "COLUMNS": "80", "NO_COLOR": "1"}
        self.env.pop("TIMELINE_NO_CACHE", None)
        self.env.pop("TIMELINE_FILE", None)
        # Time what an installed program costs: Python reuses compiled bytecode (pip compiles it
        # at install), so a shell that turned that off would charge every run a recompile.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.notes: list[str] = []

    # --- inputs -------------------------------------------------------------------------
    def store(self, n: int) -> Path | None:
        path = self.work / f"events-{n}.toml"
        if path.exists():
            return path
        gen = self.args.generator
        if not gen.exists():
            self.notes.append(f"no generator at {gen}: stores not made (pass --generator PATH)")
            return None
        sys.stderr.write(f"bench: generating {n:,} events…\n")
        with open(path, "wb") as fh:
            subprocess.run([PY, str(gen), str(n)], stdout=fh, check=True)
        return path

    def measure(self, jobs: list[Job], runs: int | None = None, warmup: bool = True) -> None:
        measure(jobs, runs=runs or self.runs, env=self.env, cwd=self.work, warmup=warmup)

    def changed(self, store: Path) -> Callable[[], None]:
        """A `before` hook that edits the store's first line (a comment), so the next run is cold."""
        count = iter(range(10**9))

        def edit() -> None:
            with open(store, "r+b") as fh:
                if fh.read(1) != b"#":
                    raise SystemExit(f"bench: {store} does not start with a comment line")
                fh.seek(1)
                fh.write(str(next(count) % 10).encode())

        return edit

    def row(
        self, scenario: str, what: str, job: Job, base: str = "", ratio: float | None = None, goal: str = ""
    ) -> None:
        shown = f"{ratio:.2f}× {base}" if ratio is not None else ""
        met = ""
        if goal and ratio is not None:
            met = " ✓" if ratio <= float(goal.strip("≤× ")) else " ✗"
        self.rows.append((scenario, what, f"{job.seconds * 1000:,.0f} ms, {job.peak_mib:,.0f} MiB", shown, goal + met))

    def memory_row(
        self, scenario: str, what: str, job: Job, base: Job | None, goal: str = "", limit: float | None = None
    ) -> None:
        ratio = job.peak_mib / base.peak_mib if base else None
        shown = f"{ratio:.2f}× the parse's peak" if ratio is not None else ""
        met = ""
        if goal:
            ok = (ratio is not None and ratio <= float(goal.strip("≤× "))) if limit is None else job.peak_mib <= limit
            met = " ✓" if ok else " ✗"
        self.rows.append((scenario, what, f"{job.peak_mib:,.0f} MiB", shown, goal + met))

    def cli(self, *args: str) -> list[str]:
        return [PY, "-m", "timeline", *args]

    def typer_app(self) -> Job:
        return Job([PY, str(HERE / "typer_min.py")])

    # --- scenarios ----------------------------------------------------------------------
    def s1(self) -> None:
        bare, typer_app, wide = Job([PY, "-c", "pass"]), self.typer_app(), Job([PY, str(HERE / "typer_wide.py")])
        listing = Job(self.cli("list", "--format", "plain"), cwd=ROOT)
        helping = Job(self.cli("--help"), cwd=ROOT)
        self.measure([bare, typer_app, wide, listing, helping])
        self.row("S1", "`python -c pass`", bare)
        self.row("S1", "one-command typer app printing one line (baseline)", typer_app)
        self.row(
            "S1",
            "typer app, one command with `list`'s 17 parameters (diagnostic)",
            wide,
            "of typer app",
            wide.seconds / typer_app.seconds,
        )
        for label, job in (("`timeline list --format plain`", listing), ("`timeline --help`", helping)):
            self.row("S1", f"{label}, bundled store", job, "of typer app", job.seconds / typer_app.seconds, "≤ 1.3×")
            self.row("S1", f"{label}, bundled store", job, "of `python -c pass`", job.seconds / bare.seconds)

    def query_scenarios(self, n: int, scenario: str, cold_goal: str, warm_goal: str) -> None:
        """Cold and warm runs of one filtered query on an n-event store."""
        store = self.store(n)
        if store is None:
            return
        big = n >= 1_000_000
        args = ["list", "--file", str(store), *QUERY]
        label, shown = f"{n:,} events", f"`timeline list {' '.join(QUERY)}`"
        cmd = self.cli(*args)
        typer_app, parse = self.typer_app(), Job([PY, str(HERE / "parse_only.py"), str(store)])
        cold = Job(cmd, before=self.changed(store))
        self.measure([typer_app, parse, cold], runs=1 if big else None, warmup=not big)
        base = typer_app.seconds + parse.seconds
        self.row(scenario, f"{label}: bare tomli parse of the file (baseline)", parse)
        self.row(scenario, f"{label}, cold: {shown}", cold, "of typer app + parse", cold.seconds / base, cold_goal)
        if n == 100_000:
            self.memory_row("S5", f"{label}, cold: peak memory", cold, parse, "≤ 1.5×")
        if not big:
            expected = output(cmd, env={**self.env, "TIMELINE_NO_CACHE": "1"}, cwd=self.work)
            if output(cmd, env=self.env, cwd=self.work) != expected:
                self.notes.append(f"{label}: the answer differed from the one with the cache off")
        typer_app, warm = self.typer_app(), Job(cmd)
        self.measure([typer_app, warm])
        self.row(scenario, f"{label}, warm", warm, "of typer app", warm.seconds / typer_app.seconds, warm_goal)
        if n == 100_000:
            self.memory_row("S5", f"{label}, warm: peak memory", warm, parse)
        if big:
            self.memory_row(scenario, f"{label}, warm: peak memory", warm, None, "≤ 200 MiB", limit=200)

    def parsers(self, n: int) -> None:
        """The TOML parser choice: PyPI's compiled tomli against the standard library's tomllib."""
        store = self.store(n)
        if store is None:
            return
        code = "import sys, {m}\nwith open(sys.argv[1], 'rb') as fh: {m}.load(fh)"
        jobs = {m: Job([PY, "-c", code.format(m=m), str(store)]) for m in ("tomli", "tomllib")}
        self.measure(list(jobs.values()))
        for m, job in jobs.items():
            self.row("parser", f"{n:,} events: `{m}` parse", job, "of tomli", job.seconds / jobs["tomli"].seconds)

    def s6(self, n: int) -> None:
        """The same question asked of timeline, jrnl and hledger over the same entries."""
        store = self.store(n)
        if store is None:
            return
        tag, since, until = "tag7", "2020-01-01", "2020-12-31"
        ours = ["list", "--file", str(store), "--tag", tag, "--since", since, "--until", until, "--format", "plain"]
        jobs = {"timeline": Job(self.cli(*ours))}
        convert = self.args.generator.parent
        jrnl = self.args.jrnl or shutil.which("jrnl")
        if jrnl and (convert / "to_jrnl.py").exists():
            journal = self.work / f"journal-{n}.txt"
            with open(journal, "wb") as fh:
                subprocess.run([PY, str(convert / "to_jrnl.py"), str(store)], stdout=fh, check=True)
            config = self.work / "config"
            (config / "jrnl").mkdir(parents=True, exist_ok=True)
            (config / "jrnl" / "jrnl.yaml").write_text(
                "colors: {body: none, date: none, tags: none, title: none}\n"
                "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
                f"indent_character: '|'\njournals:\n  default:\n    journal: {journal}\n"
                "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%Y-%m-%d %H:%M'\nversion: v4.6\n"
            )
            env = {**self.env, "XDG_CONFIG_HOME": str(config)}
            jobs["jrnl"] = Job([jrnl, "-from", since, "-to", until, f"@{tag}"], env=env)
        else:
            self.notes.append("jrnl not found (pass --jrnl PATH): S6 without jrnl")
        hledger = self.args.hledger or shutil.which("hledger")
        if hledger and (convert / "to_hledger.py").exists():
            ledger = self.work / f"ledger-{n}.journal"
            with open(ledger, "wb") as fh:
                subprocess.run([PY, str(convert / "to_hledger.py"), str(store)], stdout=fh, check=True)
            jobs["hledger"] = Job(
                [hledger, "-f", str(ledger), "register", f"expenses:{tag}", "-b", since, "-e", "2021-01-01"]
            )
        else:
            self.notes.append("hledger not found (pass --hledger PATH): S6 without hledger")
        self.measure(list(jobs.values()))
        mine = jobs["timeline"]
        self.row("S6", f"{n:,} events: `timeline list --tag {tag} --since … --until …`, warm", mine)
        if "jrnl" in jobs:
            t = jobs["jrnl"]
            self.row(
                "S6",
                f"{n:,} entries: `jrnl -from {since} -to {until} @{tag}`",
                t,
                "(timeline ÷ jrnl)",
                mine.seconds / t.seconds,
                "≤ 1×",
            )
        if "hledger" in jobs:
            t = jobs["hledger"]
            self.row(
                "S6",
                f"{n:,} transactions: `hledger register expenses:{tag} -b … -e …`",
                t,
                "(timeline ÷ hledger)",
                mine.seconds / t.seconds,
            )

    # --- report -------------------------------------------------------------------------
    def table(self) -> str:
        out = ["| scenario | what | median time, peak memory | ratio | goal |", "|---|---|---:|---|---|"]
        out += [f"| {' | '.join(r)} |" for r in self.rows]
        out += [f"\n- {n}" for n in dict.fromkeys(self.notes)]
        return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="store sizes, comma-separated (1000000 adds S7)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per measurement, after one warm-up")
    ap.add_argument("--scenarios", default="S1,S2,S3,S4,S5,S6,S7,parser", help="which scenarios to run")
    ap.add_argument("--generator", type=Path, default=SHARED_BENCH / "gen_events.py", help="the store generator")
    ap.add_argument("--jrnl", help="the jrnl executable (default: jrnl on PATH)")
    ap.add_argument("--hledger", help="the hledger executable (default: hledger on PATH)")
    ap.add_argument("--workdir", type=Path, help="keep stores and caches here instead of a temp folder")
    args = ap.parse_args(argv)
    sizes = {int(s) for s in args.sizes.split(",") if s}
    wanted = set(args.scenarios.split(","))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="timeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args, work)
    try:
        if "S1" in wanted:
            bench.s1()
        for n in sorted(sizes):
            if n == 10_000 and wanted & {"S2", "S3"}:
                bench.query_scenarios(n, "S2/S3", "≤ 1.3×", "≤ 1.5×")
            elif n == 100_000 and wanted & {"S4", "S5"}:
                bench.query_scenarios(n, "S4", "≤ 1.3×", "≤ 3×")
            elif n >= 1_000_000 and "S7" in wanted:
                bench.query_scenarios(n, "S7", "", "≤ 5×")
            elif n not in (10_000, 100_000, 1_000_000) and wanted & {"S2", "S3"}:
                bench.query_scenarios(n, "size", "", "")
        if "parser" in wanted and 10_000 in sizes:
            bench.parsers(10_000)
        if "S6" in wanted and 10_000 in sizes:
            bench.s6(10_000)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    shown = " ".join(argv if argv is not None else sys.argv[1:])
    print(f"`python benchmarks/bench.py{' ' + shown if shown else ''}`")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} runs per row\n")
    print(bench.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
