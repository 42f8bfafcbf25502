"""A store in several files: `[store] include` loads, checks, writes, caches and diffs as one store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.gitrepo import make_repo
from tests.test_cli import run
from timeline import cache, store
from timeline.errors import StoreError

MAIN = """\
[store]
title = "By year"
include = ["people.toml", "years/*.toml"]

[sources.wire]
name = "Wire"

[[events]]
id = "law"
date = "2024-04-02"
title = "The law is signed"
actors = ["ann"]
sources = ["wire"]
"""

PEOPLE = """\
[actors.ann]
name = "Ann Example"

[actors.bob]
name = "Bob Example"
"""

Y2023 = """\
[[events]]
id = "letter"
date = "2023-05-01"
title = "A letter is sent"
actors = ["bob"]
sources = ["wire"]

[[events]]
id = "reply"
date = "2023-06-01"
title = "A reply comes"
actors = ["ann"]
sources = ["wire"]
in_response_to = ["letter"]
"""

EVENT = """
[[events]]
id = "{id}"
date = "{date}"
title = "{title}"
actors = ["ann"]
sources = ["wire"]
"""


@pytest.fixture(params=["read in full", "through the cache"])
def book(tmp_path, request, monkeypatch) -> Path:
    """A store of three files in the test's folder: the main file, its actors, one year; each test
    runs on it read in full and read through the cache (as a large store is)."""
    if request.param == "through the cache":
        monkeypatch.setattr(cache, "MIN_BYTES", 0)
    (tmp_path / "years").mkdir()
    (tmp_path / "events.toml").write_text(MAIN, encoding="utf-8")
    (tmp_path / "people.toml").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "years" / "2023.toml").write_text(Y2023, encoding="utf-8")
    return tmp_path / "events.toml"


def add_event(path: Path, **fields: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(EVENT.format(**fields))


# ---- loading --------------------------------------------------------------------------------


def test_the_files_load_as_one_store(book):
    """Events cite actors and link to events of other files; each knows its file."""
    s = store.load(book)
    assert [e.id for e in s.events] == ["law", "letter", "reply"]
    assert {e.id: e.file for e in s.events} == {"law": "", "letter": "years/2023.toml", "reply": "years/2023.toml"}
    assert s.actors["ann"].file == "people.toml"
    assert dict(s.files) == {"people.toml": 1, "years/2023.toml": 1}
    assert s.by_id["reply"].in_response_to == ("letter",)


def test_list_shows_every_file_in_timeline_order(book, capsys):
    code, out, _ = run(capsys, "list", "--format", "json")
    assert code == 0
    assert [e["id"] for e in json.loads(out)] == ["letter", "reply", "law"]


def test_an_error_names_its_own_file_and_line(book):
    (book.parent / "years" / "2023.toml").write_text(Y2023.replace('actors = ["bob"]', 'actors = ["carol"]'))
    with pytest.raises(StoreError) as e:
        store.load(Path("events.toml"))
    assert e.value.message.startswith("years/2023.toml:5: event 'letter': field 'actors': unknown actor 'carol'")


def test_a_syntax_error_in_an_included_file_names_that_file(book, capsys):
    (book.parent / "people.toml").write_text(PEOPLE + "name = = 1\n")
    code, _, err = run(capsys, "list")
    assert code == 1
    assert err.startswith("timeline: error: people.toml:6:8: TOML syntax error")


def test_an_id_in_two_files_is_an_error_naming_both(book, capsys):
    add_event(book.parent / "years" / "2023.toml", id="law", date="2023-07-01", title="Again")
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert (
        "years/2023.toml:16: E005 error: event 'law': field 'id': already defined at events.toml:8; "
        "ids must be unique across the store's files"
    ) in out


def test_an_actor_in_two_files_is_an_error_naming_both(book, capsys):
    (book.parent / "years" / "2023.toml").write_text(Y2023 + '\n[actors.ann]\nname = "Ann Again"\n')
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert "years/2023.toml:16: E005 error: actor 'ann': field 'id': already defined at people.toml:1" in out


@pytest.mark.parametrize(
    ("include", "code", "message"),
    [
        ('["nothere.toml"]', "E012", "'nothere.toml' matches no file; fix the path or remove it"),
        ('["/etc/passwd"]', "E004", "'/etc/passwd' is not relative"),
        ('["~/x.toml"]', "E004", "'~/x.toml' is not relative"),
        ('["../x/*.toml"]', "E004", "'../x/*.toml' leaves this file's folder"),
        ("[3]", "E004", "each include is a path or pattern in quotes"),
    ],
)
def test_a_bad_include_is_located_at_the_include(book, capsys, include, code, message):
    book.write_text(MAIN.replace('include = ["people.toml", "years/*.toml"]', f"include = {include}"))
    exit_code, out, _ = run(capsys, "check", "--select", "E004,E012")
    assert exit_code == 1
    assert out.startswith(f"events.toml:3: {code} error: [store]: field 'include': {message}")


def test_an_included_file_may_not_set_the_store(book, capsys):
    (book.parent / "people.toml").write_text(PEOPLE + '\n[store]\ntitle = "Mine"\n')
    code, out, _ = run(capsys, "check")
    assert code == 1
    assert "people.toml:7: E004 error: [store] belongs in the main file only" in out


def test_a_pattern_that_matches_the_main_file_does_not_include_it_twice(book):
    book.write_text(MAIN.replace('"years/*.toml"', '"*.toml", "years/*.toml"'))
    assert [e.id for e in store.load(book).events] == ["law", "letter", "reply"]


def test_an_included_fifo_is_refused_not_waited_for(book):
    os.mkfifo(book.parent / "years" / "pipe.toml")
    book.write_text(MAIN.replace('"years/*.toml"', '"years/2023.toml", "years/pipe.toml"'))
    with pytest.raises(StoreError, match="pipe.toml: included, but not a regular file"):
        store.load(book)


def test_check_reports_each_file_in_load_order(book, capsys):
    code, out, _ = run(capsys, "check", "--format", "json")
    assert code == 0
    files = [f["file"] for f in json.loads(out)]
    assert files == ["events.toml", "years/2023.toml", "years/2023.toml"]  # N001 for each single-sourced event


def test_the_cache_reads_the_files_as_one_and_sees_a_change_in_any(book, monkeypatch):
    """The entry is keyed by all the files: an edit of an included file, or a new file a pattern
    matches, is seen; events, actors and lines come back as the full load gives them."""
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    main = Path("events.toml")
    first = cache.load(main)
    assert getattr(first.events, "engine", None) is not None
    full = store.load(main)
    assert [(e.id, e.file, e.line, e.index) for e in first.events] == [
        (e.id, e.file, e.line, e.index) for e in full.events
    ]
    assert {k: (a.file, a.line) for k, a in first.actors.items()} == {
        k: (a.file, a.line) for k, a in full.actors.items()
    }
    assert dict(first.files) == dict(full.files)
    year = book.parent / "years" / "2023.toml"
    year.write_text(Y2023.replace("A letter is sent", "A letter is delivered"))
    assert cache.load(main).by_id["letter"].title == "A letter is delivered"
    (book.parent / "years" / "2024.toml").write_text(EVENT.format(id="visit", date="2024-05-01", title="A visit"))
    again = cache.load(main)
    assert again.by_id["visit"].file == "years/2024.toml" and again.by_id["visit"].line == 2
    assert getattr(again.events, "engine", None) is not None


def test_a_renamed_file_or_a_moved_boundary_is_seen_by_the_cache(book, monkeypatch):
    """The same bytes cut differently between files (an event moved across the boundary, a file
    renamed) is another store: files and lines must follow, as the full load gives them."""
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    main = Path("events.toml")
    cache.load(main)
    year = book.parent / "years" / "2023.toml"
    year.rename(book.parent / "years" / "2023-spring.toml")
    assert cache.load(main).by_id["letter"].file == "years/2023-spring.toml"
    people = book.parent / "people.toml"
    spring = book.parent / "years" / "2023-spring.toml"
    cut = Y2023.index("[[events]]", 10)
    people.write_text(PEOPLE + "\n" + Y2023[:cut])  # 'letter' moves to the end of people.toml
    spring.write_text(Y2023[cut:])
    cached, full = cache.load(main), store.load(main)
    assert [(e.id, e.file, e.line) for e in cached.events] == [(e.id, e.file, e.line) for e in full.events]


def test_a_file_the_cache_cannot_join_is_read_in_full(book, monkeypatch):
    """Keys before the first table would join the file before it: such a store is read file by file."""
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    (book.parent / "people.toml").write_text('actors.carol.name = "Carol"\n' + PEOPLE)
    loaded = cache.load(Path("events.toml"))
    assert getattr(loaded.events, "engine", None) is None
    assert loaded.actors["carol"].file == "people.toml"


def test_a_string_left_open_for_the_next_file_to_close_is_an_error_cached_or_not(book, monkeypatch):
    """Joined, people.toml's open string would swallow the year file's first lines and parse; the
    store is not valid file by file, so the cache must not serve it either."""
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    (book.parent / "people.toml").write_text(PEOPLE + 'bio = """\n')
    (book.parent / "years" / "2023.toml").write_text('"""\n' + Y2023)
    with pytest.raises(StoreError, match="people.toml"):
        store.load(Path("events.toml"))
    with pytest.raises(StoreError, match="people.toml"):
        cache.load(Path("events.toml"))


def test_a_small_main_file_of_a_large_store_is_cached(book, monkeypatch):
    """The size that decides is the files' together, not the main file's."""
    monkeypatch.setattr(cache, "MIN_BYTES", len(MAIN) + 10)
    assert getattr(cache.load(Path("events.toml")).events, "engine", None) is not None
    monkeypatch.setattr(cache, "MIN_BYTES", 10**6)
    assert getattr(cache.load(Path("events.toml")).events, "engine", None) is None


# ---- writing --------------------------------------------------------------------------------


def test_add_goes_to_the_file_of_the_event_before_it(book, capsys):
    year = book.parent / "years" / "2023.toml"
    code, out, err = run(
        capsys, "add", "--date", "2023-05-20", "--title", "A visit", "--actor", "ann", "--source", "wire"
    )
    assert code == 0, err
    added = out.strip()
    assert 'title = "A visit"' in year.read_text() and "A visit" not in book.read_text()
    assert err.strip().endswith("to years/2023.toml:16.")
    code, _, _ = run(capsys, "add", "--date", "2025-01-01", "--title", "Later", "--actor", "ann", "--source", "wire")
    assert code == 0 and 'title = "Later"' in book.read_text()
    assert store.load(book).by_id[added].file == "years/2023.toml"


def test_an_event_early_in_a_year_goes_with_its_year(book, capsys):
    """Just before 10 Jan 2024 is a 2023 event (years/2023.toml), just after a 2024 one (the main
    file): the one of its own year wins, though it is further away."""
    code, out, err = run(
        capsys, "add", "--date", "2024-01-10", "--title", "New year", "--actor", "ann", "--source", "wire"
    )
    assert code == 0, err
    assert store.load(Path("events.toml")).by_id[out.strip()].file == ""


def test_an_id_taken_in_another_file_is_named_with_its_file(book, capsys):
    code, _, err = run(capsys, "actors", "add", "Ann Again", "--id", "ann")
    assert code == 2 and "actor 'ann' already exists (people.toml:1)" in err
    code, _, err = run(capsys, "add", "--date", "2024-01-01", "--title", "X", "--source", "wire", "--id", "reply")
    assert code == 2 and "'reply' is already used (years/2023.toml:8)" in err


def test_a_pattern_naming_the_main_file_includes_nothing_and_is_no_error(book, capsys):
    book.write_text(MAIN.replace('include = ["people.toml"', 'include = ["events.toml", "people.toml"'))
    code, out, _ = run(capsys, "check", "--select", "E")
    assert code == 0, out


def test_into_names_the_file(book, capsys):
    code, _, err = run(
        capsys, "add", "--date", "2025-01-01", "--title", "Filed by hand", "--actor", "ann", "--source", "wire",
        "--into", "people.toml",
    )  # fmt: skip
    assert code == 0, err
    assert "Filed by hand" in (book.parent / "people.toml").read_text()


def test_into_a_file_outside_the_store_is_refused(book, capsys):
    (book.parent / "other.toml").write_text("")
    before = {p: p.read_bytes() for p in book.parent.rglob("*.toml")}
    code, _, err = run(
        capsys, "add", "--date", "2025-01-01", "--title", "X", "--actor", "ann", "--source", "wire",
        "--into", "other.toml",
    )  # fmt: skip
    assert code == 2
    assert "--into: other.toml is not one of the store's files" in err
    assert {p: p.read_bytes() for p in book.parent.rglob("*.toml")} == before


def test_new_actors_go_where_the_actors_are(book, capsys):
    code, _, err = run(capsys, "actors", "add", "Carol Example")
    assert code == 0, err
    assert "[actors.carol-example]" in (book.parent / "people.toml").read_text()
    assert err.strip().endswith("to people.toml:7.")


def test_an_import_spreads_its_events_over_the_files_and_registers_names(book, capsys):
    rows = "date,title,actors,sources\n2023-05-02,Early one,Dan Example,wire\n2024-05-01,Late one,ann,wire\n"
    (book.parent / "rows.csv").write_text(rows)
    code, _, err = run(capsys, "import", "rows.csv", "--register")
    assert code == 0, err
    assert "Imported 2 events into years/2023.toml and events.toml;" in err
    s = store.load(book)
    by_title = {e.title: e.file for e in s.events}
    assert by_title["Early one"] == "years/2023.toml" and by_title["Late one"] == ""
    assert s.actors["dan-example"].file == "people.toml"


def test_a_write_that_breaks_another_file_is_refused_and_nothing_changes(book, capsys):
    (book.parent / "years" / "2023.toml").write_text(Y2023.replace('actors = ["bob"]', 'actors = ["carol"]'))
    before = {p: p.read_bytes() for p in book.parent.rglob("*.toml")}
    code, _, err = run(capsys, "add", "--date", "2025-01-01", "--title", "X", "--actor", "ann", "--source", "wire")
    assert code == 1
    assert "years/2023.toml:5: event 'letter'" in err and "fix the store first" in err
    assert {p: p.read_bytes() for p in book.parent.rglob("*.toml")} == before


def test_a_read_only_file_refuses_the_whole_write(book, capsys):
    """An import that registers a name (people.toml) and adds an event to a read-only year file
    writes neither: the names are not left behind without their events."""
    year = book.parent / "years" / "2023.toml"
    year.chmod(0o444)
    (book.parent / "rows.csv").write_text("date,title,actors,sources\n2023-05-02,Early one,Dan Example,wire\n")
    before = {p: p.read_bytes() for p in book.parent.rglob("*.toml")}
    try:
        code, _, err = run(capsys, "import", "rows.csv", "--register")
    finally:
        year.chmod(0o644)
    assert code == 1 and "2023.toml" in err
    assert {p: p.read_bytes() for p in book.parent.rglob("*.toml")} == before


def test_a_write_that_fails_on_its_second_file_changes_no_file(book, capsys, monkeypatch):
    """Events spread over two files: when the second file's new bytes cannot be written (a full
    disk, a file-size limit), the first file is not replaced either."""
    from timeline.errors import TimelineError
    from timeline.write import book as book_mod

    real_stage, calls = book_mod.stage, []

    def stage(file, data):
        calls.append(file)
        if len(calls) == 2:
            raise TimelineError(f"{file}: cannot write: File too large; the file was not changed")
        return real_stage(file, data)

    monkeypatch.setattr(book_mod, "stage", stage)
    (book.parent / "rows.csv").write_text("date,title,sources\n2023-07-01,Mid one,wire\n2024-07-01,Late one,wire\n")
    before = {p: p.read_bytes() for p in book.parent.rglob("*.toml")}
    code, _, err = run(capsys, "import", "rows.csv")
    assert code == 1 and "File too large" in err and len(calls) == 2
    assert {p: p.read_bytes() for p in book.parent.rglob("*.toml")} == before
    assert not [p for p in book.parent.rglob("*.tmp")]


def test_dry_run_writes_nothing(book, capsys):
    before = {p: p.read_bytes() for p in book.parent.rglob("*.toml")}
    code, out, _ = run(
        capsys, "add", "-n", "--date", "2023-05-20", "--title", "Maybe", "--actor", "ann", "--source", "wire"
    )
    assert code == 0 and 'title = "Maybe"' in out
    assert {p: p.read_bytes() for p in book.parent.rglob("*.toml")} == before


def test_an_edit_is_checked_against_the_other_files():
    """What `edit` saves must load with the files it does not edit (their actors, their ids)."""
    from timeline.write import book as book_mod

    root = Path.cwd()
    (root / "years").mkdir()
    (root / "events.toml").write_text(MAIN)
    (root / "people.toml").write_text(PEOPLE)
    (root / "years" / "2023.toml").write_text(Y2023)
    main = root / "events.toml"
    assert book_mod.file_of(main, "reply") == "years/2023.toml"
    assert book_mod.file_of(main, "ann") == "people.toml"
    assert book_mod.problems(main, "years/2023.toml", Y2023.replace("A reply", "The reply").encode()) == []
    broken = book_mod.problems(main, "years/2023.toml", Y2023.replace('id = "reply"', 'id = "law"').encode())
    assert [p.code for p in broken] == ["E005"] and broken[0].file == str(root / "years" / "2023.toml")


# ---- history --------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path, monkeypatch):
    r = make_repo(tmp_path, monkeypatch)
    (r.root / "years").mkdir()
    r.write(MAIN)
    r.write(PEOPLE, "people.toml")
    r.write(Y2023, "years/2023.toml")
    r.commit("Split by year")
    return r


def test_a_branch_adding_an_actor_and_an_event_that_cites_it_merges(repo, capsys):
    """The actor lands in people.toml, its event in a year file; git merges the year file before
    people.toml holds their actor, and the merge must not call that a conflict."""
    code, _, _ = run(capsys, "init", "--git")
    assert code == 0
    repo.commit("Merge the store's files with timeline")
    repo.git("checkout", "-q", "-b", "side")
    assert run(capsys, "actors", "add", "Zed Theirs")[0] == 0
    assert (
        run(capsys, "add", "--date", "2023-07-01", "--title", "Theirs", "--actor", "zed-theirs", "--source", "wire")[0]
        == 0
    )
    repo.commit("Their actor and event")
    repo.git("checkout", "-q", "main")
    assert run(capsys, "actors", "add", "Yan Ours")[0] == 0
    assert (
        run(capsys, "add", "--date", "2023-08-01", "--title", "Ours", "--actor", "yan-ours", "--source", "wire")[0] == 0
    )
    repo.commit("Our actor and event")
    merged = repo.git("merge", "--no-edit", "side", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    s = store.load(Path("events.toml"))
    assert {"zed-theirs", "yan-ours"} <= set(s.actors)
    assert {e.title for e in s.events} >= {"Theirs", "Ours"}


def test_diff_and_changed_since_see_every_file(repo, capsys):
    repo.edit("A reply comes", "A reply arrives", "years/2023.toml")
    code, out, _ = run(capsys, "diff", "--format", "json")
    assert code == 0
    assert [(c["change"], c["id"], [f["field"] for f in c["fields"]]) for c in json.loads(out)] == [
        ("changed", "reply", ["title"])
    ]
    code, out, _ = run(capsys, "list", "--changed-since", "HEAD", "--format", "json")
    assert [e["id"] for e in json.loads(out)] == ["reply"]


def test_log_follows_an_event_moved_to_another_file(repo, capsys):
    text = (repo.root / "years/2023.toml").read_text()
    cut = text.index('[[events]]\nid = "reply"')
    repo.write(text[:cut].rstrip() + "\n", "years/2023.toml")
    repo.write(MAIN + "\n" + text[cut:])
    repo.commit("Move the reply")
    repo.edit("A reply comes", "A reply arrives")
    repo.commit("Retitle the reply")
    code, out, _ = run(capsys, "diff", "HEAD~2", "HEAD~1", "--format", "json")
    assert code == 0 and json.loads(out) == []  # a move alone is no change
    code, out, _ = run(capsys, "log", "reply", "--format", "json")
    assert code == 0
    assert [(r["message"], r["change"]) for r in json.loads(out)] == [
        ("Retitle the reply", "changed"),
        ("Split by year", "added"),
    ]


def test_the_merge_driver_checks_each_file_as_part_of_its_store(repo, capsys):
    """Both branches append events citing an actor of another file, to the main file and to a
    year file: git merges both files through the driver, cleanly, and the store loads."""
    code, _, _ = run(capsys, "init", "--git")
    assert code == 0
    attributes = (repo.root / ".gitattributes").read_text().splitlines()
    assert attributes == ["events.toml merge=timeline", "people.toml merge=timeline", "years/*.toml merge=timeline"]
    repo.commit("Merge the store's files with timeline")
    repo.git("checkout", "-q", "-b", "side")
    add_event(repo.root / "events.toml", id="theirs-main", date="2024-05-01", title="Theirs")
    add_event(repo.root / "years" / "2023.toml", id="theirs-year", date="2023-08-01", title="Theirs too")
    repo.commit("Their events")
    repo.git("checkout", "-q", "main")
    add_event(repo.root / "events.toml", id="ours-main", date="2024-06-01", title="Ours")
    add_event(repo.root / "years" / "2023.toml", id="ours-year", date="2023-09-01", title="Ours too")
    repo.commit("Our events")
    merged = repo.git("merge", "--no-edit", "side", check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    ids = {e.id: e.file for e in store.load(Path("events.toml")).events}
    assert ids["theirs-main"] == ids["ours-main"] == ""
    assert ids["theirs-year"] == ids["ours-year"] == "years/2023.toml"


def test_lists_warning_names_the_file_of_the_contradiction(book, capsys):
    """`list` warns of the first contradiction at its own file and line, cached or not."""
    year = book.parent / "years" / "2023.toml"
    year.write_text(Y2023.replace('in_response_to = ["letter"]', 'in_response_to = ["letter"]\nafter = ["law"]'))
    code, _, err = run(capsys, "list")
    assert code == 0
    assert err.startswith("timeline: warning: years/2023.toml:8: event 'reply': field 'after': puts 'reply' after")


def test_output_never_writes_over_an_included_file(book, capsys):
    """`--output` refuses every file of the store, not only the main one, whatever the spelling."""
    year = book.parent / "years" / "2023.toml"
    before = year.read_bytes()
    for spelling in ("years/2023.toml", "./years/../years/2023.toml"):
        code, _, err = run(capsys, "list", "--format", "json", "-o", spelling)
        assert code != 0 and "would destroy it" in err
    assert year.read_bytes() == before


def test_log_follows_an_included_file_through_its_rename(repo, capsys):
    repo.edit("A reply comes", "A reply arrives", "years/2023.toml")
    repo.commit("Retitle the reply")
    repo.git("mv", "years/2023.toml", "years/2023-spring.toml")
    repo.commit("Rename the year file")
    code, out, _ = run(capsys, "log", "reply", "--format", "json")
    assert code == 0
    assert [(r["message"], r["change"]) for r in json.loads(out)] == [
        ("Retitle the reply", "changed"),
        ("Split by year", "added"),
    ]


def test_log_of_a_fact_not_committed_yet_in_an_included_file(repo, capsys):
    add_event(repo.root / "years" / "2023.toml", id="fresh", date="2023-09-01", title="Not committed")
    code, out, err = run(capsys, "log", "fresh", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == []


def test_diff_reads_an_included_file_kept_as_a_symbolic_link(repo, capsys):
    (repo.root / "years" / "2023.toml").rename(repo.root / "y2023.toml")
    (repo.root / "years" / "2023.toml").symlink_to("../y2023.toml")
    repo.commit("The year file lives at the top")
    repo.edit("A reply comes", "A reply arrives", "y2023.toml")
    code, out, err = run(capsys, "diff", "--format", "json")
    assert code == 0, err
    assert [(c["change"], c["id"]) for c in json.loads(out)] == [("changed", "reply")]
