"""Writing to the store: TOML output, ids, the transaction, and `add` / `actors add` / `sources add`."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import DATA
from tests.test_cli import run
from timeline import store, write
from timeline.write import ids, toml_out

COMMENTED = DATA / "write" / "commented.toml"
ROOT = Path(__file__).resolve().parent.parent
SMALL = """\
[store]
title = "Small"

[actors.ab]
name = "Anna Bek"

[sources.s]
name = "Source S"
"""


def inserted(old: bytes, new: bytes) -> bytes:
    """The one contiguous run of bytes `new` adds to `old`; fails if anything else changed."""
    prefix = 0
    while prefix < len(old) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(old) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    assert new[:prefix] + new[len(new) - suffix :] == old
    return new[prefix : len(new) - suffix]


def small_store(folder: Path) -> Path:
    path = folder / "events.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TIMELINE_FILE"}
    env["PYTHONPATH"] = str(ROOT)
    return env


# toml_out -------------------------------------------------------------------------------------


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_string_reads_back_exactly(text):
    """Any text written as a TOML string parses back to itself."""
    assert tomli.loads(f"x = {toml_out.string(text)}")["x"] == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_string_holds_no_raw_control_or_bidi_characters(text):
    """Control, bidi and separator characters are written as escapes, never raw."""
    out = toml_out.string(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066\u2028\ufeff" for c in out)


def test_string_refuses_lone_surrogates():
    """Undecodable argv bytes (lone surrogates) have no TOML form and are refused."""
    with pytest.raises(ValueError, match="not valid Unicode"):
        toml_out.string("bad \udcff byte")


def test_table_writes_lists_of_tables_one_per_line():
    """Citations and offices are written one per line, like the curated store."""
    text = toml_out.table("[[events]]", {"id": "x", "sources": [{"id": "a", "url": "u"}], "tags": ["t", "u"]})
    assert text == '[[events]]\nid = "x"\nsources = [\n  { id = "a", url = "u" },\n]\ntags = ["t", "u"]\n'


def test_tables_ignores_headers_inside_strings():
    """Header-like lines inside multi-line strings and arrays are not tables."""
    text = COMMENTED.read_text(encoding="utf-8")
    groups = [t.group for t in toml_out.tables(text)]
    assert groups == ["store", "actors", "actors", "sources", "sources", "events", "events"]


# ids ------------------------------------------------------------------------------------------


def test_event_id_reads_as_date_and_title():
    """An event id is the date as written (to the day) and the title's main words."""
    assert ids.event_id("2024-02-09", "Kulubaev gives Ambassador Viguerie the reply") == (
        "2024-02-09-kulubaev-gives-ambassador-viguerie-reply"
    )
    assert ids.event_id("2024-02-XX", "Japarov's statement") == "2024-02-japarovs-statement"
    assert ids.event_id("../2024-02-09?", "Встреча в Бишкеке") == "2024-02-09-vstrecha-v-bishkeke"
    assert ids.event_id("202X", "!!!") == "202x"


@given(st.text(), st.sampled_from(["2024", "2024-02?", "2024-02-09T14:30Z", "/2024-03", "20XX"]))
def test_event_id_is_always_a_valid_id(title, when):
    """Whatever the title, the made-up id passes the store's id rule."""
    assert ids.id_problem(ids.event_id(when, title)) is None


def test_unique_counts_up():
    """A taken id gets the first free numeric suffix."""
    assert ids.unique("a", {"a", "a-2"}) == "a-3"
    assert ids.unique("b", {"a"}) == "b"


# the transaction ----------------------------------------------------------------------------


def test_add_keeps_a_commented_store_byte_for_byte(tmp_path, capsys):
    """Adding an event, an actor and a source only inserts their blocks; all else is unchanged."""
    path = tmp_path / "events.toml"
    shutil.copy(COMMENTED, path)
    steps = [
        ("add", "--date", "1 Mar 2024", "--title", "New one", "--actor", "Dotted Person", "--source", "tass"),
        ("actors", "add", "New Actor", "--id", "new-actor", "--office", "Envoy", "--start", "2024-01"),
        ("sources", "add", "New Source", "--kind", "wire"),
    ]
    for args in steps:
        old = path.read_bytes()
        code, out, err = run(capsys, *args)
        assert code == 0, err
        block = inserted(old, path.read_bytes())
        assert block.strip() and tomli.loads(block.decode())
    text = path.read_text(encoding="utf-8")
    # Grouped: the new actor after the last actor, the new source after the last source.
    assert text.index('[actors."dotted.id"]') < text.index("[actors.new-actor]") < text.index("[sources.tass]")
    assert text.index("[sources.24kg]") < text.index("[sources.new-source]") < text.index('id = "first"')
    assert text.endswith('actors = ["dotted.id"]\nsources = ["tass"]\n')
    assert [e.id for e in store.load(path).events] == ["first", "second", "2024-03-01-new-one"]


def test_add_appends_after_exactly_one_blank_line(tmp_path, capsys):
    """The new event follows the old text after one blank line, however the old text ended."""
    for ending, joint in (("", "\n\n"), ("\n", "\n"), ("\n\n", "")):
        path = small_store(tmp_path)
        path.write_text(SMALL.rstrip("\n") + ending, encoding="utf-8")
        old = path.read_bytes()
        assert run(capsys, "add", "--date", "2024", "--title", "T", "--id", "t")[0] == 0
        assert path.read_bytes() == old + joint.encode() + b'[[events]]\nid = "t"\ndate = "2024"\ntitle = "T"\n'


def test_add_keeps_a_byte_order_mark(tmp_path, capsys):
    """A store saved with a UTF-8 byte-order mark loads, so add works and keeps the mark."""
    path = tmp_path / "events.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.encode())
    old = path.read_bytes()
    assert run(capsys, "add", "--date", "2024", "--title", "T", "--id", "t")[0] == 0
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf")
    assert inserted(old, new).endswith(b'[[events]]\nid = "t"\ndate = "2024"\ntitle = "T"\n')


def test_add_keeps_windows_line_endings(tmp_path, capsys):
    """A store with CRLF line endings gets a CRLF block."""
    path = tmp_path / "events.toml"
    path.write_bytes(SMALL.replace("\n", "\r\n").encode())
    old = path.read_bytes()
    assert run(capsys, "add", "--date", "2024", "--title", "T", "--id", "t")[0] == 0
    assert inserted(old, path.read_bytes()) == b'\r\n[[events]]\r\nid = "t"\r\ndate = "2024"\r\ntitle = "T"\r\n'


def test_add_prints_the_id_and_stores_every_field(tmp_path, capsys):
    """Each flag lands in its field; names resolve to ids; the date keeps its precision."""
    path = small_store(tmp_path)
    assert run(capsys, "add", "--date", "2024-01", "--title", "Earlier", "--id", "earlier")[0] == 0
    code, out, err = run(
        capsys, "add", "--date", "Feb 2024", "--title", "  Spaced  ", "--summary", 'Has "quotes"\nand lines',
        "--type", "meeting", "--actor", "anna bek", "--tag", "t1", "--tag", "t2", "--source", "Source S",
        "--url", "https://example.org/a", "--in-response-to", "earlier",
    )  # fmt: skip
    assert code == 0, err
    assert out == "2024-02-spaced\n"
    e = store.load(path).by_id["2024-02-spaced"]
    assert (e.date.text, e.date.precision, e.title, e.summary) == (
        "2024-02",
        "month",
        "Spaced",
        'Has "quotes"\nand lines',
    )
    assert (e.type, e.actors, e.tags, e.in_response_to) == ("meeting", ("ab",), ("t1", "t2"), ("earlier",))
    assert (e.sources[0].id, e.sources[0].url) == ("s", "https://example.org/a")


def test_add_makes_ids_unique(tmp_path, capsys):
    """The same date and title twice gives a second id with a suffix."""
    small_store(tmp_path)
    outs = [run(capsys, "add", "--date", "2024-02-09", "--title", "Same")[1] for _ in range(2)]
    assert outs == ["2024-02-09-same\n", "2024-02-09-same-2\n"]


def test_dry_run_prints_exactly_what_add_appends(tmp_path, capsys):
    """--dry-run prints the block, writes nothing (not even a lock file); add then appends that block."""
    path = small_store(tmp_path)
    args = ("add", "--date", "2024-02-09", "--title", "Dry", "--actor", "ab")
    code, preview, _ = run(capsys, *args, "--dry-run")
    assert code == 0
    assert path.read_text(encoding="utf-8") == SMALL
    assert not (tmp_path / ".events.toml.lock").exists()
    assert run(capsys, *args)[0] == 0
    assert path.read_text(encoding="utf-8") == SMALL + "\n" + preview


def test_missing_required_field_without_terminal_is_an_error(tmp_path, capsys):
    """With no terminal to ask on, a missing --title is a usage error and nothing is written."""
    path = small_store(tmp_path)
    code, out, err = run(capsys, "add", "--date", "2024")
    assert (code, out) == (2, "")
    assert "--title is required" in err
    assert path.read_text(encoding="utf-8") == SMALL


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--actor", "Ana Bek"), "--actor: unknown actor 'Ana Bek'; closest: ab (Anna Bek)"),
        (("--source", "Sourc S"), "--source: unknown source 'Sourc S'; closest: s (Source S)"),
        (("--in-response-to", "nothing"), "--in-response-to: unknown event 'nothing'"),
        (("--id", "has space"), "--id: 'has space' is not a valid id"),
        (("--id", "taken"), "--id: 'taken' is already used (line 10); choose another id"),
        (("--date", "2023-02-29"), '--date: "2023-02-29": day 29 is not 01-28'),
        (("--url", "https://x"), "--url: each --url goes with a --source"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(tmp_path, capsys, args, message):
    """Unknown references, bad or duplicate ids and bad dates: exit 2, one message, file untouched."""
    path = small_store(tmp_path)
    path.write_text(SMALL + '\n[[events]]\nid = "taken"\ndate = "2024"\ntitle = "T"\n', encoding="utf-8")
    before = path.read_bytes()
    argv = ["add", "--date", "2024-02-09", "--title", "X", *args]
    if args[0] == "--date":
        argv = ["add", "--title", "X", *args]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert message in err
    assert path.read_bytes() == before


def test_every_problem_is_listed(tmp_path, capsys):
    """Two unknown actors and a bad source give three lines, one per problem."""
    small_store(tmp_path)
    code, _, err = run(capsys, "add", "--date", "2024", "--title", "X", "--actor", "x", "--actor", "y", "--source", "z")
    assert code == 2
    assert err.count("timeline: error:") == 3


def test_invalid_store_is_refused_with_the_reason(tmp_path, capsys):
    """A store that does not load now is not written to; the message says where it is broken."""
    path = small_store(tmp_path)
    path.write_text(SMALL + '\n[[events]]\nid = "x"\ndate = "2024-13"\ntitle = "Bad month"\n', encoding="utf-8")
    before = path.read_bytes()
    code, _, err = run(capsys, "add", "--date", "2024", "--title", "New")
    assert code == 1
    assert "events.toml:12:" in err and "month 13" in err and "nothing is written" in err
    assert path.read_bytes() == before


def test_an_inline_events_array_is_explained(tmp_path, capsys):
    """A store keeping its events in one inline array cannot take [[events]]; the message says so."""
    path = tmp_path / "events.toml"
    path.write_text('events = [{ id = "e", date = "2024", title = "E" }]\n', encoding="utf-8")
    code, _, err = run(capsys, "add", "--date", "2024", "--title", "New")
    assert code == 1 and "inline array" in err and "write them as [[events]] tables first" in err
    assert path.read_text(encoding="utf-8") == 'events = [{ id = "e", date = "2024", title = "E" }]\n'


def test_read_only_file_is_refused(tmp_path, capsys):
    """A read-only store is left alone with a message that says how to allow writing."""
    path = small_store(tmp_path)
    path.chmod(0o444)
    code, _, err = run(capsys, "add", "--date", "2024", "--title", "New")
    assert code == 1
    assert "read-only" in err and "chmod" in err
    assert path.read_text(encoding="utf-8") == SMALL


def test_read_only_folder_is_refused(tmp_path, capsys):
    """A store in a read-only folder is left alone: the temporary file could not be made there."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = small_store(folder)
    folder.chmod(0o555)
    try:
        code, _, err = run(capsys, "add", "--date", "2024", "--title", "New", "--file", str(path))
    finally:
        folder.chmod(0o755)
    assert code == 1
    assert "folder" in err and "read-only" in err
    assert path.read_text(encoding="utf-8") == SMALL


def test_full_disk_leaves_the_store_and_no_temp_file(tmp_path, capsys, monkeypatch):
    """A write that fails (no space left) reports it; the store and folder are as before."""
    path = small_store(tmp_path)

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = run(capsys, "add", "--date", "2024", "--title", "New")
    assert code == 1
    assert "No space left on device" in err
    assert path.read_text(encoding="utf-8") == SMALL
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_a_file_changed_mid_way_is_not_replaced(tmp_path):
    """If someone saves the store while a write is under way, the write stops and their save stays."""
    path = small_store(tmp_path)
    theirs = SMALL + "# saved from an editor meanwhile\n"

    def plan(s):
        path.write_text(theirs, encoding="utf-8")  # a person saving without the lock
        return write.Insert("events", [{"id": "x", "date": "2024", "title": "X"}])

    with pytest.raises(write.TimelineError, match="changed while this command was writing"):
        write.transact(path, plan)
    assert path.read_text(encoding="utf-8") == theirs


def test_file_mode_is_kept(tmp_path, capsys):
    """The store keeps its permission bits across a write."""
    path = small_store(tmp_path)
    path.chmod(0o640)
    assert run(capsys, "add", "--date", "2024", "--title", "New")[0] == 0
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_symlinked_store_stays_a_link(tmp_path, capsys):
    """Writing through a symlink updates the file it points to and keeps the link."""
    real = small_store(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    link = tmp_path / "elsewhere" / "events.toml"
    link.symlink_to(real)
    assert run(capsys, "add", "--date", "2024", "--title", "Via link", "--file", str(link))[0] == 0
    assert link.is_symlink()
    assert "Via link" in real.read_text(encoding="utf-8")


def test_undecodable_argument_is_a_usage_error(tmp_path, capsys):
    """Bytes that are not text in the locale (lone surrogates in argv) are refused before writing."""
    path = small_store(tmp_path)
    code, _, err = run(capsys, "add", "--date", "2024", "--title", "bad \udcff")
    assert code == 2 and "not valid Unicode" in err
    assert path.read_text(encoding="utf-8") == SMALL


# actors add / sources add -------------------------------------------------------------------


def test_actors_add_registers_an_office_with_its_span(tmp_path, capsys):
    """Name, aliases, country and one office with typed dates become an [actors.ID] table."""
    path = small_store(tmp_path)
    code, out, _ = run(
        capsys, "actors", "add", "Jeenbek Kulubaev", "--alias", "Kulubayev", "--country", "kg",
        "--office", "Minister of Foreign Affairs", "--office-alias", "foreign minister", "--org", "Kyrgyzstan",
        "--start", "22 Apr 2022", "--end", "2025",
    )  # fmt: skip
    assert (code, out) == (0, "jeenbek-kulubaev\n")
    a = store.load(path).actors["jeenbek-kulubaev"]
    assert (a.name, a.aliases, a.country) == ("Jeenbek Kulubaev", ("Kulubayev",), "KG")
    role = a.roles[0]
    assert (role.title, role.aliases, role.org) == ("Minister of Foreign Affairs", ("foreign minister",), "Kyrgyzstan")
    assert (role.start.text, role.end.text) == ("2022-04-22", "2025")
    # Placed after the existing actor, before the sources.
    text = path.read_text(encoding="utf-8")
    assert text.index("[actors.ab]") < text.index("[actors.jeenbek-kulubaev]") < text.index("[sources.s]")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Business (Japan)", "business-japan"),
        ("Border Patrol (United States)", "border-patrol-united-states"),
        ("Citizen (United States)", "citizen-united-states"),
        ("Cote d'Ivoire", "cote-divoire"),
        ("Abdullah II of Jordan", "abdullah-ii-of-jordan"),
        ("Aam Aadmi Party", "aam-aadmi-party"),
        ("Nicolás Maduro", "nicolas-maduro"),
        ("Michelle O'Neill", "michelle-oneill"),
    ],
)
def test_ids_from_names_keep_what_distinguishes_them(name, expected):
    """An actor's id is every word of its name, not the last one ('Business (Japan)' is not 'japan')."""
    from timeline.write.ids import name_id

    assert name_id(name) == expected


def test_registering_a_colliding_name_warns(tmp_path, capsys):
    """A new actor whose name another already answers to is added, with a warning naming that actor."""
    path = tmp_path / "events.toml"
    path.write_text('[actors.japan]\nname = "Business (Japan)"\n', encoding="utf-8")
    code, out, err = run(capsys, "actors", "add", "Japan")
    assert (code, out) == (0, "japan-2\n")
    assert "timeline: warning: 'Japan' is also japan (Business (Japan))" in err
    code, out, err = run(capsys, "actors", "add", "Mexico")
    assert (code, out) == (0, "mexico\n") and "warning" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("actors", "add", "X", "--id", "ab"), "actor 'ab' already exists (line 4)"),
        (("actors", "add", "X", "--start", "2024"), "give --office too"),
        (("actors", "add", "X", "--country", "Kyrgyzstan"), "ISO 3166-1 alpha-2 code"),
        (("actors", "add", "X", "--office", "Envoy", "--start", "2024-02-30"), "--start:"),
        (("actors", "add", "X", "--office", "E", "--start", "2024", "--end", "2023"), "end"),
        (("sources", "add", "X", "--id", "s"), "source 's' already exists (line 7)"),
        (("sources", "add", "X", "--id", "-bad"), "--id: '-bad' is not a valid id"),
    ],
)
def test_actor_and_source_errors_change_nothing(tmp_path, capsys, args, message):
    """Duplicate ids, stray office flags and bad codes or dates are refused with the file untouched."""
    path = small_store(tmp_path)
    code, _, err = run(capsys, *args)
    assert code != 0
    assert message in err
    assert path.read_text(encoding="utf-8") == SMALL


def test_sources_add_goes_before_the_first_event(tmp_path, capsys):
    """In a store with events but no sources yet, a new source goes after the actors, not after events."""
    path = tmp_path / "events.toml"
    path.write_text('[actors.a]\nname = "A"\n\n[[events]]\nid = "e"\ndate = "2024"\ntitle = "E"\n', encoding="utf-8")
    code, out, _ = run(capsys, "sources", "add", "Radio Liberty (RFE/RL)", "--url", "https://www.rferl.org/")
    assert (code, out) == (0, "radio-liberty-rfe-rl\n")
    assert path.read_text(encoding="utf-8") == (
        '[actors.a]\nname = "A"\n\n[sources.radio-liberty-rfe-rl]\nname = "Radio Liberty (RFE/RL)"\n'
        'url = "https://www.rferl.org/"\n\n[[events]]\nid = "e"\ndate = "2024"\ntitle = "E"\n'
    )


# concurrency and crashes (real processes) ------------------------------------------------------

# Each worker is a separate interpreter that runs the real entry point once per event, so every
# event is its own lock-read-check-write transaction racing seven other processes.
WORKER = """
import sys
from timeline.cli import main
worker = sys.argv[1]
for i in range(int(sys.argv[2])):
    try:
        main(["add", "--date", "2024-02-09", "--title", f"Same title", "--actor", "ab", "--tag", f"w{worker}"])
    except SystemExit as e:
        if e.code:
            raise
"""


def test_parallel_writers_lose_nothing(tmp_path):
    """Eight processes adding 25 events each at once leave all 200, with unique ids, in a valid file."""
    path = small_store(tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(w), "25"],
            cwd=tmp_path,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for w in range(8)
    ]
    printed = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        printed += out.split()
    s = store.load(path)
    assert len(s.events) == 200 == len(set(printed))
    assert {e.id for e in s.events} == set(printed)
    assert {w: sum(e.tags == (f"w{w}",) for e in s.events) for w in range(8)} == dict.fromkeys(range(8), 25)
    assert path.read_text(encoding="utf-8").startswith(SMALL)


LOOP = """
import sys
from timeline.cli import main
n = 0
while True:
    n += 1
    try:
        main(["add", "--date", "2024-02-09", "--title", f"Killed writer {n}", "--summary", "x" * 2000])
    except SystemExit as e:
        if e.code:
            raise
"""


def test_killed_writer_never_leaves_a_broken_store(tmp_path):
    """SIGKILL at random moments of a writing loop: the store always loads, and only ever grows."""
    import random

    path = small_store(tmp_path)
    rng = random.Random(1)
    count = 0
    for _ in range(6):
        p = subprocess.Popen([sys.executable, "-c", LOOP], cwd=tmp_path, env=child_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
        assert p.stdout is not None
        p.stdout.readline()  # one add done: the loop is running, start-up is over
        time.sleep(rng.uniform(0, 0.25))
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stdout.close()
        s = store.load(path)  # raises if the file were partial or invalid
        assert len(s.events) > count
        assert path.read_text(encoding="utf-8").startswith(SMALL)
        count = len(s.events)
    # Whatever temp files the kills left, the next write works and sweeps them away.
    code = subprocess.run([sys.executable, "-m", "timeline", "add", "--date", "2024", "--title", "After"],
                          cwd=tmp_path, env=child_env(), capture_output=True).returncode  # fmt: skip
    assert code == 0
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


# Stops the writer at a chosen point of the write, so the kill lands exactly there.
PAUSED = """
import os, sys, time
from pathlib import Path
import timeline.write.file as atomic
point = sys.argv[1]
real_replace, real_fsync = os.replace, os.fsync
def hold():
    Path("reached").write_text(point)
    time.sleep(60)
def replace(src, dst):
    hold()
def fsync(fd):
    if point == "fsync":
        os.write(fd, b"half a block")  # the temp file is partly written
        hold()
    real_fsync(fd)
os.replace = replace
os.fsync = fsync
from timeline.cli import main
main(["add", "--date", "2024", "--title", "Never written"])
"""


@pytest.mark.parametrize("point", ["fsync", "replace"])
def test_kill_inside_the_write_leaves_the_old_store(tmp_path, point):
    """A writer killed while its temp file is half written, or just before the rename, changes nothing."""
    path = small_store(tmp_path)
    p = subprocess.Popen([sys.executable, "-c", PAUSED, point], cwd=tmp_path, env=child_env(), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not (tmp_path / "reached").exists():
        assert time.monotonic() < deadline and p.poll() is None, p.stderr.read() if p.stderr else ""
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL)
    p.wait()
    assert path.read_text(encoding="utf-8") == SMALL
    assert any(n.endswith(".tmp") for n in os.listdir(tmp_path))  # the kill left its temp file
    (tmp_path / "reached").unlink()
    out = subprocess.run([sys.executable, "-m", "timeline", "add", "--date", "2024", "--title", "Next"],
                         cwd=tmp_path, env=child_env(), capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert [e.title for e in store.load(path).events] == ["Next"]
    assert not any(n.endswith(".tmp") for n in os.listdir(tmp_path))


# prompts (a real terminal) --------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_add_on_a_terminal_asks_for_what_is_missing(tmp_path):
    """On a terminal, `add` asks for each missing field, re-asks after a bad answer, then writes."""
    import pty

    path = small_store(tmp_path)
    answers = ["not a date", "9 Feb 2024", "Asked for", "", "meeting", "nobody", "Anna Bek", "t1, t2", "s"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command on the terminal
        os.chdir(tmp_path)
        os.environ.update(child_env(), NO_COLOR="1", COLUMNS="200", TERM="dumb")
        os.execv(sys.executable, [sys.executable, "-m", "timeline", "add"])
    seen = _converse(fd, answers)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, seen
    assert "known: ab" in seen and "unknown actor 'nobody'" in seen
    e = store.load(path).events[0]
    assert (e.id, e.date.text, e.title, e.summary, e.type) == (
        "2024-02-09-asked",
        "2024-02-09",
        "Asked for",
        "",
        "meeting",
    )
    assert (e.actors, e.tags, e.source_ids) == (("ab",), ("t1", "t2"), ("s",))


def _converse(fd: int, answers: list[str]) -> str:
    """Answer each prompt (output ending in ': ' or '] ') in turn; return everything the terminal showed."""
    import select

    seen, pending = "", list(answers)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096).decode("utf-8", "replace")
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if pending and seen.rstrip(" ").endswith((":", "]")):
            os.write(fd, (pending.pop(0) + "\r").encode())
            seen += "\n"
    return seen


def test_commands_have_help(capsys):
    """Each write command explains itself in --help."""
    for args in (["init"], ["add"], ["actors", "add"], ["sources", "add"], ["import"], ["edit"]):
        code, out, _ = run(capsys, *args, "--help")
        assert code == 0 and "Usage:" in out and len(out.splitlines()) > 5


def test_json_of_new_event_round_trips(tmp_path, capsys):
    """An added event exports with exactly the values given."""
    small_store(tmp_path)
    run(capsys, "add", "--date", "2024-02?", "--title", "Unsure", "--source", "s", "--url", "https://e.org/1")
    code, out, _ = run(capsys, "list", "--format", "json")
    (e,) = json.loads(out)
    assert (e["date"], e["uncertain"], e["citations"][0]["url"]) == ("2024-02?", True, "https://e.org/1")


# ---- status, grades and dates in the source's own words -----------------------------------


def test_add_reads_last_friday_against_the_publication_day(bundled, capsys):
    """`add --date "last Friday" --source ID --published DATE` writes the day and keeps the words with their anchor."""
    code, out, err = run(
        capsys, "add", "--date", "last Friday", "--source", "ria-novosti", "--published", "12 Feb 2024",
        "--title", "Reply handed over", "--id", "handover",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "list", "id:handover", "--format", "json")
    (e,) = json.loads(out)
    assert e["date"] == "2024-02-09"
    assert e["citations"][0]["published"] == "2024-02-12"
    assert (e["citations"][0]["said"], e["citations"][0]["said_date"]) == ("last Friday", "2024-02-09")
    code, out, _ = run(capsys, "show", "handover")
    assert 'anchored: Fri 9 Feb 2024, "last Friday" in RIA Novosti of 12 Feb 2024' in out


def test_add_refuses_words_without_an_anchor(bundled, capsys):
    """A relative date with no --published is refused, never read against today."""
    before = bundled.read_bytes()
    code, _, err = run(capsys, "add", "--date", "last Friday", "--source", "tass", "--title", "x")
    assert code == 2
    assert 'timeline: error: --date: "last Friday" is relative to a report' in err
    assert "--source ID --published DATE" in err
    assert bundled.read_bytes() == before


def test_add_status_credibility_and_published_line_up_with_sources(bundled, capsys):
    """The n-th --published and --credibility go with the n-th --source; --status is written when not 'happened'."""
    code, out, err = run(
        capsys, "add", "--date", "2024-03-01", "--title", "Expulsion threatened", "--status", "threatened",
        "--source", "tass", "--credibility", "5", "--published", "2024-03-02",
        "--source", "24kg", "--credibility", "2", "-n",
    )  # fmt: skip
    assert code == 0, err
    assert 'status = "threatened"' in out
    assert '{ id = "tass", published = "2024-03-02", credibility = 5 }' in out
    assert '{ id = "24kg", credibility = 2 }' in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "threatend"), "--status: 'threatend' is not a status; did you mean 'threatened'?"),
        (("--published", "2024-02-12"), "--published: each --published goes with a --source"),
        (
            ("--source", "tass", "--published", "2024-02", "--date", "on Monday"),
            "needs a publication day, not Feb 2024",
        ),
    ],
)
def test_add_status_and_anchor_errors(bundled, capsys, args, message):
    """Bad values are usage errors naming the flag; nothing is written."""
    base = ("add", "--title", "x") + (() if "--date" in args else ("--date", "2024-03-01"))
    code, _, err = run(capsys, *base, *args)
    assert code == 2
    assert message in err


def test_sources_add_reliability(bundled, capsys):
    """`sources add --reliability b` writes the upper-case letter; a bad one is refused."""
    code, out, _ = run(capsys, "sources", "add", "Kabar", "--reliability", "b", "-n")
    assert code == 0 and 'reliability = "B"' in out
    code, _, err = run(capsys, "sources", "add", "Kabar", "--reliability", "G")
    assert code == 2 and "--reliability: 'G' is not a grade; give one letter, A to F" in err
