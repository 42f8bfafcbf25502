"""A malformed-store corpus: whatever the file holds, `timeline list` exits 0 or 1, never crashes.

Each case mutates the bundled events.toml in one way (characters, lines, value types, keys, ids,
encodings, control characters, nesting, sizes, random bytes), with a random generator seeded by
the mutation's name and the case number, so a failure names a case that can be replayed with
`mutate(name, n)`. Every case runs `timeline list --format plain` in-process and must either
succeed (the mutation happened to leave a valid store) or print exactly one located line
`timeline: error: events.toml:…` on stderr and exit 1.

TIMELINE_MALFORMED_CASES sets the number of cases per mutation (default 30) for longer runs.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable
from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest
import tomli
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.test_cli import run
from timeline.store import schema

SEED = (ROOT / "events.toml").read_text(encoding="utf-8")
PER_MUTATION = int(os.environ.get("TIMELINE_MALFORMED_CASES", "30"))

# Other TOML values to put where a value was: every type, and strings the date parser must refuse.
VALUES = [
    "5",
    "-0",
    "1.5",
    "inf",
    "nan",
    "true",
    "[]",
    "[1, 2]",
    "[[]]",
    '["a", 1]',
    "{}",
    "{ a = 1 }",
    "{ id = 5, role = [] }",
    "[{}]",
    "[{ date = 5 }]",
    "2024-02-09",
    "2024-02-09T10:00:00",
    "2024-02-09T10:00:00+06:00",
    "10:00:00",
    '""',
    '" "',
    '"2024-13"',
    '"2024-02-30"',
    '"../.."',
    '"2024/2023"',
    '"0000"',
    '"XXXX"',
    '"2024-02-09T25:00Z"',
    '"[2024,2025]"',
    '"\\u001b[31m"',
    '"a\\nb"',
    '"\\u202e"',
    "'''\nmulti\nline'''",
    '"""\n[[events]]\nid = "x"\n"""',
]
KEYS = ["id", "date", "dates", "title", "summary", "type", "actors", "tags", "sources", "in_response_to", "after"]
KEYS += ["before", "name", "aliases", "country", "roles", "kind", "url", "store", "events", "check", "preferred"]
JUNK = list("[]{}=,.\"'#\\ \t\n-_:+") + ['"""', "'''", "[[", "]]", "\r\n", "é", "\u202e", "\x00", "\x7f"]
CONTROLS = [chr(n) for n in range(32)] + ["\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\ufffe"]
HEADERS = ["[events]", "[[events]]", "[[actors]]", "[actors]", "[actors.x.y]", "[store.x]", "events = 5", "[check]"]
HEADERS += ["[[events.sources]]", "[sources.tass]", '[ actors . "a b" ]', '[[events]]\nid = "reply-handed-over"']

Mutation = Callable[[random.Random, str], "str | bytes"]


def _positions(rng: random.Random, text: str, n: int) -> list[int]:
    return sorted(rng.randrange(len(text) + 1) for _ in range(n))


def _insert(text: str, at: int, piece: str) -> str:
    return text[:at] + piece + text[at:]


def delete_chars(rng: random.Random, text: str) -> str:
    for at in reversed(_positions(rng, text, rng.randint(1, 20))):
        text = text[:at] + text[at + 1 :]
    return text


def insert_chars(rng: random.Random, text: str) -> str:
    for at in reversed(_positions(rng, text, rng.randint(1, 20))):
        text = _insert(text, at, rng.choice(JUNK))
    return text


def delete_lines(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 6)):
        del lines[rng.randrange(len(lines))]
    return "".join(lines)


def duplicate_lines(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        start = rng.randrange(len(lines))
        block = lines[start : start + rng.randint(1, 15)]
        at = rng.choice([start, rng.randrange(len(lines) + 1)])
        lines[at:at] = block
    return "".join(lines)


def move_lines(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 5)):
        line = lines.pop(rng.randrange(len(lines)))
        lines.insert(rng.randrange(len(lines) + 1), line)
    return "".join(lines)


_ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_]+\s*=\s*)(.+)$", re.MULTILINE)
_INLINE = re.compile(r'([A-Za-z_]+\s*=\s*)("[^"\n]*"|\[[^\]\n]*\]|true|false|[0-9-]+)')


def retype_values(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        pattern = rng.choice([_ASSIGNMENT, _INLINE])
        found = list(pattern.finditer(text))
        m = rng.choice(found)
        text = text[: m.start(2)] + rng.choice(VALUES) + text[m.end(2) :]
    return text


def rename_keys(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 3)):
        m = rng.choice(list(re.finditer(r"\b([a-z_]+)(\s*=)", text)))
        key = m.group(1)
        new = rng.choice([rng.choice(KEYS), key[:-1], key + "s", key.upper(), f'"{key} "', f"{key}.x", "", "é", "1"])
        text = text[: m.start(1)] + new + text[m.end(1) :]
    return text


def change_ids(rng: random.Random, text: str) -> str:
    ids = re.findall(r'^id = "([^"]+)"', text, re.MULTILINE)
    refs = ["", " ", "a b", "Ümlaut", "x" * 300, "\\u001b", "reply-handed-over", "-x", ".", "ë̈", "\\n"]
    for _ in range(rng.randint(1, 3)):
        old = rng.choice(ids)
        new = rng.choice(refs + ids)
        text = text.replace(f'"{old}"', f'"{new}"', rng.choice([1, -1]))
    return text


def truncate(rng: random.Random, text: str) -> str:
    return text[: rng.randrange(len(text))]


def control_chars(rng: random.Random, text: str) -> str:
    for at in reversed(_positions(rng, text, rng.randint(1, 5))):
        # Raw, or as a TOML escape inside whatever string the position falls in.
        piece = rng.choice(CONTROLS)
        if rng.random() < 0.3:
            piece = f"\\u{ord(piece):04x}"
        text = _insert(text, at, piece)
    return text


def random_bytes(rng: random.Random, text: str) -> bytes:
    data = text.encode("utf-8")
    if rng.random() < 0.2:
        return rng.randbytes(rng.randint(1, 4000))
    start = rng.randrange(len(data))
    return data[:start] + rng.randbytes(rng.randint(1, 64)) + data[start + rng.randint(0, 64) :]


def encodings(rng: random.Random, text: str) -> str | bytes:
    kind = rng.choice(["utf-16", "utf-16-le", "latin-1", "bom", "cr", "mixed", "utf-32", "cp1251"])
    if kind == "bom":
        return "\ufeff" + text
    if kind == "cr":
        return text.replace("\n", "\r")
    if kind == "mixed":
        return "".join(line + rng.choice(["\n", "\r\n", "\r"]) for line in text.split("\n"))
    return text.encode(kind, errors="replace")


def structure(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 3)):
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(HEADERS) + "\n")
    return "".join(lines)


def huge(rng: random.Random, text: str) -> str:
    size = rng.choice([10_000, 100_000, 1_000_000])
    kind = rng.choice(["string", "key", "digits", "date", "array"])
    m = rng.choice(list(_ASSIGNMENT.finditer(text)))
    if kind == "string":
        value = '"' + "x" * size + '"'
    elif kind == "key":
        return text[: m.start()] + "k" * size + " = 1" + text[m.end() :]
    elif kind == "digits":
        value = "9" * rng.choice([4300, 5000, size])
    elif kind == "date":
        value = '"' + "2024-02-09/" * (size // 11) + '"'
    else:
        value = "[" + ", ".join(["1"] * (size // 3)) + "]"
    return text[: m.start(2)] + value + text[m.end(2) :]


def nesting(rng: random.Random, text: str) -> str:
    depth = rng.choice([10, 100, 500, 900, 1000, 5000, 100_000])
    opener, closer = rng.choice([("[", "]"), ("{ a = ", " }"), ("[{ a = ", " }]")])
    value = opener * depth + "1" + closer * depth
    m = rng.choice(list(_ASSIGNMENT.finditer(text)))
    return text[: m.start(2)] + value + text[m.end(2) :]


MUTATIONS: dict[str, Mutation] = {
    f.__name__.replace("_", "-"): f
    for f in (
        delete_chars,
        insert_chars,
        delete_lines,
        duplicate_lines,
        move_lines,
        retype_values,
        rename_keys,
        change_ids,
        truncate,
        control_chars,
        random_bytes,
        encodings,
        structure,
        huge,
        nesting,
    )
}
# Cases of these build megabyte stores or very deep parses; fewer of them keep the suite quick.
HEAVY = {"huge": 8, "nesting": 12}


def mutate(name: str, n: int) -> bytes:
    """Case `n` of mutation `name`, as the bytes written to the store."""
    rng = random.Random(f"{name}-{n}")
    out = MUTATIONS[name](rng, SEED)
    return out.encode("utf-8", errors="surrogatepass") if isinstance(out, str) else out


# Anything that is not one inert line: C0 and C1 controls, DEL, bidi and line separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LOCATED = re.compile(r"^timeline: error: events\.toml:\d+(:\d+)?: \S")
# The only errors about the file as a whole, which have no line to name.
_WHOLE_FILE = ("timeline: error: events.toml: the file is empty;",)


def verdict(capsys, data: bytes) -> str | None:
    """None if the store gave a clean result or a proper error; else what went wrong."""
    Path("events.toml").write_bytes(data)
    try:
        code, out, err = run(capsys, "list", "--format", "plain", "--file", "events.toml")
    except BaseException as e:  # noqa: BLE001 - any escape at all is the finding
        return f"raised {type(e).__name__}: {str(e)[:300]}"
    if "Traceback" in err:
        return f"traceback on stderr: {err[-300:]!r}"
    if code == 0:
        stray = [line for line in err.splitlines() if not line.startswith("timeline: warning: ")]
        return f"exit 0 with stderr {stray[:2]!r}" if stray else None
    if code != 1:
        return f"exit {code}: {err[:300]!r}"
    if out:
        return f"exit 1 with stdout {out[:100]!r}"
    if err.count("\n") != 1 or not err.endswith("\n"):
        return f"not one line: {err[:300]!r}"
    if _UNSAFE.search(err[:-1]):
        return f"control characters in the message: {err[:300]!r}"
    if not _LOCATED.match(err) and not err.startswith(_WHOLE_FILE):
        return f"not located: {err[:300]!r}"
    return None


@pytest.fixture(scope="module")
def command():
    """The click command behind timeline.cli.app, built once."""
    import typer

    from timeline import cli

    return typer.main.get_command(cli.app)


@pytest.fixture
def no_swallowing(monkeypatch, command):
    """Let a bug surface as its own exception instead of the CLI's 'internal error' line.

    Also has main() call a command tree built once: typer rebuilds it on every call (about
    70 ms), which would dominate hundreds of runs. From click onwards the path is the same.
    """
    from timeline import cli

    monkeypatch.setenv("TIMELINE_DEBUG", "1")
    monkeypatch.setattr(cli, "app", command)


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_malformed_corpus(name, capsys, no_swallowing):
    """Every mutated store either loads or fails with one located line and exit 1."""
    count = HEAVY.get(name, PER_MUTATION) if PER_MUTATION <= 30 else PER_MUTATION
    failures = []
    for n in range(count):
        problem = verdict(capsys, mutate(name, n))
        if problem:
            failures.append(f"mutate({name!r}, {n}): {problem}")
    assert failures == []


def test_mutations_really_break_stores(capsys, no_swallowing):
    """The corpus is mostly invalid stores, so it tests the error paths, not only the happy one."""
    errors = 0
    for name in ("delete-chars", "retype-values", "rename-keys", "structure", "truncate"):
        for n in range(10):
            Path("events.toml").write_bytes(mutate(name, n))
            code, _, _ = run(capsys, "list", "--format", "plain", "--file", "events.toml")
            errors += code == 1
    assert errors >= 35


@pytest.mark.parametrize(
    "data",
    [
        b"\xff" * 100,
        b"\x00" * 100,
        b"[[events]]\n" * 10_000,
        b"a = [" + b"[" * 100_000 + b"]" * 100_001 + b"\n",
        b"a = " + b"{ a = " * 50_000 + b"1" + b" }" * 50_000 + b"\n",
        b"[" + b"a." * 50_000 + b"a]\n",
        b'x = "' + b"y" * 5_000_000 + b'"\n',
        ("[[events]]\n" + 'id = "a"\n' * 2 + "\u202e").encode(),
        b"\xef\xbb\xbf\xef\xbb\xbf[store]\n",
        b"[store]\ntitle = '''\n" + b"\n" * 100_000,
    ],
    ids=[
        "all-0xff",
        "all-nul",
        "ten-thousand-empty-events",
        "deep-arrays",
        "deep-inline-tables",
        "long-dotted-header",
        "five-megabyte-string",
        "duplicate-key-and-bidi",
        "two-byte-order-marks",
        "unclosed-multiline-string",
    ],
)
def test_extreme_files(data, capsys, no_swallowing):
    """Hand-picked extremes give a verdict too."""
    assert verdict(capsys, data) is None


# ---- parsed structures: whatever shape the TOML has, build() places every problem -------------

LEAVES = (
    st.text(max_size=12)
    | st.sampled_from(["2024-02-09", "2024-02", "2024", "2024-13", "../2024", "kulubaev", "tass", "e1", "a b"])
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.dates()
    | st.datetimes(timezones=st.none() | st.just(timezone.utc))
    | st.times()
)
NAMES = st.sampled_from(KEYS + ["kulubaev", "tass", "e1", "x", "role", "title", "start", "end"]) | st.text(max_size=6)


def _values(leaves):
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NAMES, inner, max_size=5),
        max_leaves=12,
    )


IDS = st.sampled_from(["e1", "e2", "kulubaev", "tass", "a b", ""])
DATES = st.sampled_from(["2024-02-09", "2024-02", "2024", "2024-13", "../2024", "2024-02-09T10:00Z"]) | st.dates()
# Mostly well-formed events and actors, so that references, duplicates and claims get checked too.
NEARLY_VALID = st.fixed_dictionaries(
    {"id": IDS, "title": st.text(max_size=5)},
    optional={
        "date": DATES,
        "dates": st.lists(st.fixed_dictionaries({"date": DATES}, optional={"preferred": st.booleans()}), max_size=3),
        "name": st.text(max_size=5),
        "actors": st.lists(IDS | st.fixed_dictionaries({"id": IDS, "role": st.text(max_size=3)}), max_size=3),
        "sources": st.lists(IDS | st.fixed_dictionaries({"id": IDS, "published": DATES}), max_size=3),
        "after": st.lists(IDS, max_size=2),
        "in_response_to": st.lists(IDS, max_size=2),
        "roles": st.lists(st.fixed_dictionaries({"title": st.text(max_size=3)}, optional={"start": DATES}), max_size=2),
    },
)
EVENT_LIKE = NEARLY_VALID | st.dictionaries(NAMES, _values(LEAVES), max_size=8)
DOCUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "store": st.dictionaries(NAMES, _values(LEAVES), max_size=3) | _values(LEAVES),
        "actors": st.dictionaries(NAMES, EVENT_LIKE | _values(LEAVES), max_size=3) | _values(LEAVES),
        "sources": st.dictionaries(NAMES, EVENT_LIKE | _values(LEAVES), max_size=3) | _values(LEAVES),
        "events": st.lists(EVENT_LIKE | _values(LEAVES), max_size=4) | _values(LEAVES),
        "check": _values(LEAVES),
    },
) | st.dictionaries(NAMES, _values(LEAVES), max_size=4)


def toml_value(v) -> str:
    """A TOML inline value for `v` (a small writer; the test checks tomli reads it back)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return {float("inf"): "inf", float("-inf"): "-inf"}.get(v, repr(v))
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(x)}" for k, x in v.items()) + "}"


def toml_document(data: dict, tables: bool) -> str:
    """Top-level keys as `key = value` lines, or as [table] / [[array]] sections when `tables`."""
    lines = []
    for key, value in data.items():
        name = json.dumps(key, ensure_ascii=False)
        if tables and isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            for item in value:
                lines.append(f"[[{name}]]")
                lines += [f"{json.dumps(k, ensure_ascii=False)} = {toml_value(x)}" for k, x in item.items()]
        elif tables and isinstance(value, dict):
            lines.append(f"[{name}]")
            lines += [f"{json.dumps(k, ensure_ascii=False)} = {toml_value(x)}" for k, x in value.items()]
        else:
            lines.insert(0, f"{name} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.booleans())
def test_any_parsed_shape_gets_located_problems(data, tables):
    """build() never raises, whatever types sit where, and every problem it finds has a line."""
    text = toml_document(data, tables)
    try:
        parsed = tomli.loads(text)
    except tomli.TOMLDecodeError:
        assume(False)  # e.g. a [table] after keys that already defined it
    store, problems = schema.build(parsed, "events.toml", text)
    assert all(p.line for p in problems), [p for p in problems if not p.line]
    assert len(store.events) <= len(parsed.get("events", [])) if isinstance(parsed.get("events"), list) else True
