"""The cache never changes an answer: random writes and hand edits, then every read command, cache on and off.

Hypothesis drives a store through `add`, `import` and edits made as an editor or `git pull` would
(change, insert, delete and reorder events; comments and blank lines; CRLF; a byte-order mark;
an edit that breaks the store and one that mends it; `touch`; a same-size edit with the time put
back). After each step every read command, in several formats, prints the same with the cache
as with TIMELINE_NO_CACHE=1, errors included. TIMELINE_DIFFERENTIAL=N runs N stores (default 6).
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from timeline import cache
from timeline.cli import main

READS = [
    ["list", "--format", "json"],
    ["list", "--format", "plain", "--explain"],
    ["list", "--actor", "kg", "--since", "2023"],
    ["list", "actor:us or tag:t1", "not:type:letter", "--format", "csv"],
    ["list", "envoy", "--limit", "3", "--reverse"],
    ["list", '"the envoy"', "--format", "markdown"],
    ["list", "after:e3", "--format", "json"],
    ["show", "e3"],
    ["show", "e3", "--thread"],
    ["actors"],
    ["sources"],
    ["tags"],
    ["stats", "--format", "json"],
    ["check", "--format", "json"],
]
WORDS = ["envoy", "talks", "the", "letter", "visit", "border", "water", "a", "meets"]


def invoke(args: list[str], *, cached: bool) -> tuple[int, str, str]:
    """Run the command in this process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    before = os.environ.get("TIMELINE_NO_CACHE")
    os.environ["TIMELINE_NO_CACHE"] = "" if cached else "1"
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(args)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    finally:
        if before is None:
            del os.environ["TIMELINE_NO_CACHE"]
        else:
            os.environ["TIMELINE_NO_CACHE"] = before
    return code, out.getvalue(), err.getvalue()


def event_block(n: int, rng: random.Random) -> str:
    """One [[events]] table, sometimes linked to an earlier one."""
    day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.8 else f"202{rng.randint(2, 4)}"
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).capitalize()
    actors = rng.sample(["kg", "us", "ru"], rng.randint(0, 2))
    tags = rng.sample(["t1", "t2", "t3"], rng.randint(0, 2))
    text = f'[[events]]\nid = "e{n}"\ndate = "{day}"\ntitle = "{title}"\n'
    text += f'type = "{rng.choice(["letter", "meeting"])}"\n' if rng.random() < 0.7 else ""
    text += f"actors = {actors!r}\n".replace("'", '"') if actors else ""
    text += f"tags = {tags!r}\n".replace("'", '"') if tags else ""
    text += f'sources = ["{rng.choice(["s1", "s2"])}"]\n' if rng.random() < 0.8 else ""
    if n > 1 and rng.random() < 0.3:
        text += f'in_response_to = ["e{rng.randint(1, n - 1)}"]\n'  # may contradict the dates: a warning
    return text + "\n"


HEAD = """# A store the differential test edits.
[store]
title = "Differential"

[actors.kg]
name = "Kyrgyz envoy"
roles = [{ title = "Envoy", start = "2023-01-01" }]

[actors.us]
name = "US ambassador"

[actors.ru]
name = "Россия"

[sources.s1]
name = "One"

[sources.s2]
name = "Two"

"""


class Store(RuleBasedStateMachine):
    """A store, and the edits people make to it."""

    @initialize(seed=st.integers(0, 2**32 - 1), count=st.integers(3, 12))
    def start(self, seed: int, count: int) -> None:
        self.rng = random.Random(seed)
        self.next = count + 1
        self.path.write_text(HEAD + "".join(event_block(n, self.rng) for n in range(1, count + 1)), encoding="utf-8")

    @property
    def path(self):
        return self.folder / "events.toml"

    def blocks(self) -> tuple[str, list[str]]:
        text = self.path.read_text(encoding="utf-8")
        head, *events = text.split("[[events]]")
        return head, ["[[events]]" + e for e in events]

    def write(self, head: str, events: list[str]) -> None:
        self.path.write_text(head + "".join(events), encoding="utf-8")

    @rule()
    def add(self) -> None:
        when = f"2024-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
        invoke(["add", "--date", when, "--title", f"Added envoy {self.next}", "--actor", "kg", "--source", "s1",
                "--id", f"e{self.next}", "--no-input"], cached=True)  # fmt: skip
        self.next += 1

    @rule()
    def import_rows(self) -> None:
        rows = "".join(f"2023-0{k + 1}-1{k},Imported talks {self.next + k},,,us,t2,s2\n" for k in range(3))
        (self.folder / "more.csv").write_text("date,title,summary,type,actors,tags,sources\n" + rows, encoding="utf-8")
        invoke(["import", str(self.folder / "more.csv")], cached=True)
        self.next += 3

    @rule()
    def import_registering(self) -> None:
        """An import that registers a new actor and source in the same write (actors and sources mid-file)."""
        n = self.next
        rows = f"2024-05-0{n % 9 + 1},Registered talks {n},,,Envoy {n};kg,t1,Agency {n}\n"
        (self.folder / "reg.csv").write_text("date,title,summary,type,actors,tags,sources\n" + rows, encoding="utf-8")
        code, _, err = invoke(["import", str(self.folder / "reg.csv"), "--register"], cached=True)
        assert code == 0 or "fix the store first" in err, err  # a store broken by an edit takes no writes
        self.next += 1

    @rule()
    def change_a_title(self) -> None:
        head, events = self.blocks()
        if events:
            k = self.rng.randrange(len(events))
            events[k] = events[k].replace('title = "', f'title = "{self.rng.choice(WORDS)} ', 1)
            self.write(head, events)

    @rule()
    def insert_in_the_middle(self) -> None:
        head, events = self.blocks()
        events.insert(self.rng.randint(0, len(events)), event_block(self.next, self.rng))
        self.next += 1
        self.write(head, events)

    @rule()
    def delete_one(self) -> None:
        head, events = self.blocks()
        if len(events) > 1:
            events.pop(self.rng.randrange(len(events)))
            self.write(head, events)

    @rule()
    def reorder(self) -> None:
        head, events = self.blocks()
        self.rng.shuffle(events)
        self.write(head, events)

    @rule()
    def comments_and_blank_lines(self) -> None:
        head, events = self.blocks()
        if events:
            k = self.rng.randrange(len(events))
            events[k] = events[k] + "# a note\n\n"
            self.write(head, events)

    @rule()
    def edit_an_actor(self) -> None:
        text = self.path.read_text(encoding="utf-8")
        self.path.write_text(text.replace('name = "US ambassador"', 'name = "US Ambassador"', 1), encoding="utf-8")

    @rule()
    def crlf(self) -> None:
        data = self.path.read_bytes().replace(b"\r\n", b"\n")
        self.path.write_bytes(data.replace(b"\n", b"\r\n"))

    @rule()
    def byte_order_mark(self) -> None:
        data = self.path.read_bytes()
        if not data.startswith(b"\xef\xbb\xbf"):
            self.path.write_bytes(b"\xef\xbb\xbf" + data)

    @rule()
    def break_the_store(self) -> None:
        text = self.path.read_text(encoding="utf-8-sig")
        self.path.write_text(text.replace('date = "2024-', 'date = "2024-13-', 1), encoding="utf-8")

    @rule()
    def mend_the_store(self) -> None:
        text = self.path.read_text(encoding="utf-8-sig")
        self.path.write_text(text.replace('date = "2024-13-', 'date = "2024-', 1), encoding="utf-8")

    @rule()
    def touch(self) -> None:
        os.utime(self.path)

    @rule()
    def same_size_edit_with_the_time_put_back(self) -> None:
        before = self.path.stat()
        data = bytearray(self.path.read_bytes())
        at = data.find(b'title = "')
        if at >= 0:
            k = at + len(b'title = "')
            data[k : k + 1] = b"Z" if data[k : k + 1] != b"Z" else b"Y"
            self.path.write_bytes(bytes(data))
            os.utime(self.path, ns=(before.st_atime_ns, before.st_mtime_ns))

    @invariant()
    def every_read_answers_the_same(self) -> None:
        if not self.path.exists():
            return
        for store in (self.path, self.mirror()):
            for args in READS:
                assert invoke([*args, "--file", str(store)], cached=True) == invoke(
                    [*args, "--file", str(store)], cached=False
                ), (store.name, args)

    def mirror(self) -> Path:
        """The same store kept in several files (its events by month), rewriting only the files that
        changed, so that the cache of a store in several files is updated as edits come."""
        text = self.path.read_bytes().decode("utf-8", "replace")
        book = self.folder / "book"
        (book / "months").mkdir(parents=True, exist_ok=True)
        starts = [m.start() for m in re.finditer(r"^\[\[events\]\][ \t\r]*$", text, re.M)]
        head = text[: starts[0]] if starts else text
        head = re.sub(r"^\[store\][ \t\r]*\n", '[store]\ninclude = ["months/*.toml"]\n', head, count=1, flags=re.M)
        files = {book / "events.toml": head, book / "months" / "none.toml": ""}
        for n, at in enumerate(starts):
            block = text[at : starts[n + 1] if n + 1 < len(starts) else len(text)]
            month = re.search(r'date = "\d{4}-?(\d\d)?', block)
            name = book / "months" / f"{(month.group(1) if month else None) or 'none'}.toml"
            files[name] = files.get(name, "") + block
        for old in (book / "months").glob("*.toml"):
            if old not in files:
                old.unlink()
        for path, content in files.items():
            if not path.exists() or path.read_bytes() != content.encode():
                path.write_bytes(content.encode())
        return book / "events.toml"


@pytest.fixture
def machine(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    Store.folder = tmp_path
    return Store


def test_the_cache_never_changes_an_answer(machine):
    """Random sequences of writes and hand edits; after each, every read with and without the cache."""
    from hypothesis.stateful import run_state_machine_as_test

    runs = int(os.environ.get("TIMELINE_DIFFERENTIAL", "6"))
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=runs,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure prints its steps unshrunk
        ),
    )
