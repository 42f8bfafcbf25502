"""Merging fact by fact: the blocks of a store, the three-way merge, and the git merge driver under real `git merge`."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import timeline
from tests.conftest import DATA, ROOT
from tests.gitrepo import STORE, Repo, make_repo
from tests.test_cli import run
from timeline.history.blocks import join, split
from timeline.history.merge import merge
from timeline.store import validate_text

EVENT = '\n[[events]]\nid = "{id}"\ndate = "{date}"\ntitle = "{title}"\nsources = ["wire"]\n'


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Repo:
    """A git repository holding the test store, committed once."""
    return make_repo(tmp_path, monkeypatch)


def _add(text: str, ident: str, date: str, title: str | None = None) -> str:
    return text + EVENT.format(id=ident, date=date, title=title or ident)


def _ids(text: str) -> list[str]:
    store, problems = validate_text(text, "merged")
    assert not [p for p in problems if p.severity == "error"], problems
    return [e.id for e in store.events]


@pytest.mark.parametrize("path", [ROOT / "events.toml", *sorted((DATA / "check").glob("*.toml"))], ids=str)
def test_blocks_join_back_to_the_text(path):
    """Cut into blocks and joined, every fixture store is byte for byte itself (or is refused whole)."""
    text = path.read_text(encoding="utf-8")
    blocks = split(text)
    assert blocks is not None or path != ROOT / "events.toml"
    if blocks is not None:
        assert join(blocks) == text


def test_blocks_are_keyed_by_id_with_their_comments():
    """Events by id, actors and sources by name; a comment right above a header belongs to its block."""
    text = STORE.replace('[[events]]\nid = "meeting"', '# Met in Bishkek.\n[[events]]\nid = "meeting"')
    blocks = split(text)
    assert blocks is not None
    assert [b.key for b in blocks] == [
        ("preamble",), ("store",), ("actors", "ann"), ("sources", "wire"), ("sources", "paper"),
        ("events", "letter"), ("events", "meeting"),
    ]  # fmt: skip
    assert blocks[-1].text.startswith("# Met in Bishkek.\n[[events]]")
    assert blocks[0].text == "" and blocks[1].text.startswith("# A small store for history tests.\n[store]")


def test_a_header_inside_a_multiline_string_is_not_a_block():
    """A summary whose lines look like tables makes the text unsplittable, never wrongly split."""
    text = STORE.replace('title = "A meeting"', 'title = "A meeting"\nsummary = """\n[[events]]\nid = "x"\n"""')
    assert split(text) is None
    assert merge(STORE, _add(STORE, "a", "2024-03-01"), text) is None


def test_concurrent_appends_keep_both_in_timeline_order():
    """Both sides' new events are kept; in a store in date order each goes where its date puts it."""
    ours = _add(STORE, "ours-late", "2024-03-05")
    theirs = _add(_add(STORE, "theirs-early", "2024-01-20"), "theirs-late", "2024-03-01")
    result = merge(STORE, ours, theirs)
    assert result is not None and result.conflicts == []
    assert _ids(result.text) == ["letter", "theirs-early", "meeting", "theirs-late", "ours-late"]
    assert result.text.startswith(ours[: ours.index('[[events]]\nid = "meeting"')])


def test_their_event_goes_between_its_neighbours_in_the_bundled_store():
    """A store in timeline order apart from coarse dates (a month after its days) still places by date."""
    text = (
        (ROOT / "events.toml")
        .read_text(encoding="utf-8")
        .replace("[sources.tass]", '[sources.wire]\nname = "W"\n\n[sources.tass]')
    )
    theirs = _add(text, "theirs", "2024-02-10")
    result = merge(text, _add(text, "ours", "2024-05-10"), theirs)
    assert result is not None and not result.conflicts
    ids = _ids(result.text)
    assert ids[ids.index("reply-handed-over") + 1] == "theirs" and ids[-1] == "ours"


def test_out_of_order_store_keeps_theirs_after_its_neighbour():
    """When ours is not in date order, their new event follows the block it followed in theirs."""
    base = STORE.replace('date = "2024-01-10"', 'date = "2024-05-10"')
    ours = _add(base, "ours", "2024-03-05")
    theirs = _add(base, "theirs", "2024-01-01")
    result = merge(base, ours, theirs)
    assert result is not None and _ids(result.text) == ["letter", "meeting", "theirs", "ours"]


def test_one_sides_edit_is_taken_and_comments_of_both_kept():
    """An edit of an event the other side left alone is taken, with each side's comments in place."""
    ours = STORE.replace('title = "A letter is sent"', 'title = "A letter is sent"  # ours: checked')
    ours = _add(ours, "ours", "2024-03-01")
    theirs = STORE.replace('date = "2024-02-11"', 'date = "2024-02-09"  # theirs: per the ministry')
    result = merge(STORE, ours, theirs)
    assert result is not None and not result.conflicts
    assert "# ours: checked" in result.text and "# theirs: per the ministry" in result.text
    assert _ids(result.text) == ["letter", "meeting", "ours"]


def test_both_changing_different_fields_of_one_event_merge():
    """Ours retitles and theirs adds a source to the same event: both changes land, no conflict."""
    ours = STORE.replace('title = "A meeting"', 'title = "A meeting in Bishkek"')
    before = 'actors = ["ann"]\nsources = ["wire"]'
    theirs = STORE.replace(before, 'actors = ["ann"]\nsources = ["wire", "paper"]\ntype = "meeting"')
    result = merge(STORE, ours, theirs)
    assert result is not None and not result.conflicts
    store, _ = validate_text(result.text, "m")
    meeting = store.by_id["meeting"]
    assert (meeting.title, meeting.source_ids, meeting.type) == ("A meeting in Bishkek", ("wire", "paper"), "meeting")


def test_a_conflicting_date_becomes_disputed_claims(tmp_path):
    """Both sides redate the same event differently: both dates are kept as claims, none preferred, flagged by check."""
    ours = STORE.replace('date = "2024-02-11"', 'date = "2024-02-09"')
    theirs = STORE.replace('date = "2024-02-11"', 'date = "2024-02-12"')
    result = merge(STORE, ours, theirs)
    assert result is not None and not result.conflicts and result.notes
    store, _ = validate_text(result.text, "m")
    meeting = store.by_id["meeting"]
    assert [c.date.text for c in meeting.claims] == ["2024-02-09", "2024-02-12"]
    assert meeting.undecided
    (tmp_path / "merged.toml").write_text(result.text, encoding="utf-8")
    assert "W002" in [p.code for p in timeline.check(tmp_path / "merged.toml")]


def test_an_edit_against_a_delete_is_a_conflict_around_that_event_only():
    """Ours deletes an event theirs edited: markers around that event alone, the rest merged."""
    start = STORE.index('[[events]]\nid = "letter"')
    end = STORE.index('[[events]]\nid = "meeting"')
    ours = _add(STORE[:start] + STORE[end:], "ours", "2024-03-01")
    theirs = STORE.replace('title = "A letter is sent"', 'title = "A letter goes out"')
    result = merge(STORE, ours, theirs)
    assert result is not None and len(result.conflicts) == 1 and "ours deleted it" in result.conflicts[0]
    text = result.text
    top, middle, bottom = (
        text.index("<<<<<<< ours\n=======\n"),
        text.index("A letter goes out"),
        text.index(">>>>>>> theirs"),
    )
    assert top < middle < bottom
    assert text.count("[[events]]") == 3 and 'id = "ours"' in text


def test_any_other_clash_is_marked_around_the_smallest_block():
    """Both retitle the same event differently: markers hold just that event's two versions."""
    ours = STORE.replace('title = "A meeting"', 'title = "Ours"')
    theirs = STORE.replace('title = "A meeting"', 'title = "Theirs"')
    result = merge(STORE, ours, theirs)
    assert result is not None and result.conflicts == ["event 'meeting': both sides changed title"]
    conflict = result.text[result.text.index("<<<<<<<") :]
    assert conflict.count("[[events]]") == 2 and 'id = "letter"' not in conflict


def test_crlf_store_stays_crlf():
    """Their block joins a Windows-line-ending store with Windows line endings."""
    base = STORE.replace("\n", "\r\n")
    ours = _add(STORE, "ours", "2024-03-01").replace("\n", "\r\n")
    theirs = _add(STORE, "theirs", "2024-03-02")
    result = merge(base, ours, theirs)
    assert result is not None and "\r\n" in result.text and "\n" not in result.text.replace("\r\n", "")
    assert _ids(result.text)[-2:] == ["ours", "theirs"]


def _branches(repo: Repo, ours, theirs) -> subprocess.CompletedProcess[str]:
    """Make `theirs(text)` on branch side and `ours(text)` on main, then merge side into main."""
    start = repo.store.read_text(encoding="utf-8")
    repo.git("checkout", "-q", "-b", "side")
    repo.write(theirs(start))
    repo.commit("Their change")
    repo.git("checkout", "-q", "main")
    repo.write(ours(start))
    repo.commit("Our change")
    return repo.git("merge", "--no-edit", "side", check=False)


@pytest.fixture
def driven(repo: Repo, capsys) -> Repo:
    """The repository with the merge driver registered by `timeline init --git`."""
    code, out, _ = run(capsys, "init", "--git")
    assert code == 0 and "left as it is" in out
    repo.commit("Merge events with timeline")
    return repo


def test_git_merge_of_two_appends_is_clean(driven: Repo):
    """Two branches that each `add` an event at the end merge with no conflict, both kept, with their comments."""
    result = _branches(
        driven,
        lambda t: _add(t, "ours", "2024-03-01").replace('title = "ours"', 'title = "ours"  # ours: from the wire'),
        lambda t: _add(t.replace("[sources.wire]", "# theirs: a wire service\n[sources.wire]"), "theirs", "2024-03-02"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = driven.store.read_text(encoding="utf-8")
    assert _ids(text) == ["letter", "meeting", "ours", "theirs"]
    assert "# ours: from the wire" in text and "# theirs: a wire service\n[sources.wire]" in text
    plain = _without_driver(driven)
    assert plain.returncode != 0 and "CONFLICT" in plain.stdout


def _without_driver(repo: Repo) -> subprocess.CompletedProcess[str]:
    """The same kind of merge with git's line merge, which conflicts: the driver is what made the difference."""
    (repo.root / ".git" / "info").mkdir(exist_ok=True)
    (repo.root / ".git" / "info" / "attributes").write_text("events.toml merge\n")
    repo.git("checkout", "-q", "-b", "again", "HEAD~1")
    repo.write(_add(repo.store.read_text(encoding="utf-8"), "again", "2024-04-01"))
    repo.commit("Again")
    return repo.git("merge", "--no-edit", "main", check=False)


def test_git_merge_of_a_date_conflict_keeps_both_dates(driven: Repo):
    """Two branches redate one event differently: the merge is a valid store with both dates as claims."""
    result = _branches(
        driven,
        lambda t: t.replace('date = "2024-02-11"', 'date = "2024-02-09"'),
        lambda t: t.replace('date = "2024-02-11"', 'date = "2024-02-12"'),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "disputed claims" in result.stderr
    store, _ = validate_text(driven.store.read_text(encoding="utf-8"), "m")
    assert [c.date.text for c in store.by_id["meeting"].claims] == ["2024-02-09", "2024-02-12"]


def test_git_merge_of_an_edit_against_a_delete_stops_with_markers(driven: Repo):
    """Deleting an event the other branch edited is a conflict git reports, markers around that event."""
    start = STORE.index('[[events]]\nid = "letter"')
    end = STORE.index('[[events]]\nid = "meeting"')
    result = _branches(
        driven,
        lambda t: t[:start] + t[end:],
        lambda t: t.replace('title = "A letter is sent"', 'title = "A letter goes out"'),
    )
    assert result.returncode != 0 and "CONFLICT" in result.stdout
    assert "event 'letter': ours deleted it, theirs changed it" in result.stderr
    text = driven.store.read_text(encoding="utf-8")
    assert text.count("<<<<<<< ours") == 1 and "A letter goes out" in text


def test_a_merge_that_breaks_the_store_is_a_conflict(driven: Repo):
    """Theirs cites a source ours deleted: each side is fine, the merge does not load, so git stops."""
    start, end = STORE.index("[sources.paper]"), STORE.index("[[events]]")
    result = _branches(
        driven,
        lambda t: t[:start] + t[end:],
        lambda t: t.replace('actors = ["ann"]\nsources = ["wire"]', 'actors = ["ann"]\nsources = ["paper"]'),
    )
    assert result.returncode != 0
    assert "the merged store is not valid" in result.stderr and "unknown source 'paper'" in result.stderr


def test_a_merge_that_contradicts_a_link_is_a_conflict(driven: Repo):
    """Ours puts the meeting after the letter, theirs redates the letter past the meeting: each is
    fine alone, together they are E009, which add and edit refuse, so the merge stops too."""
    result = _branches(
        driven,
        lambda t: t.replace('title = "A meeting"', 'title = "A meeting"\nafter = ["letter"]'),
        lambda t: t.replace('date = "2024-01-10"', 'date = "2024-03-01"'),
    )
    assert result.returncode != 0
    assert "the merged store is not valid: the store:" in result.stderr
    assert "puts 'meeting' after 'letter', but 'meeting' is dated 2024-02-11, before 'letter'" in result.stderr


def test_a_store_the_driver_cannot_cut_falls_back_to_line_merge(driven: Repo, capsys, tmp_path):
    """Inline `events = [...]` arrays are merged line by line, as git would, and the driver says so."""
    inline = 'events = [\n  { id = "a", date = "2024-01-01", title = "A" },\n]\n\n[store]\ntitle = "x"\n'
    for name, text in (("base", inline), ("ours", inline.replace('"A"', '"Ours"')), ("theirs", inline)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "merge-driver", str(tmp_path / "base"), str(tmp_path / "ours"), str(tmp_path / "theirs"))
    assert code == 0 and (tmp_path / "ours").read_text(encoding="utf-8") == inline.replace('"A"', '"Ours"')
    (tmp_path / "theirs").write_text(inline.replace('"A"', '"Theirs"'), encoding="utf-8")
    (tmp_path / "ours").write_text(inline.replace('"A"', '"Ours"'), encoding="utf-8")
    code, _, err = run(
        capsys, "merge-driver", str(tmp_path / "base"), str(tmp_path / "ours"), str(tmp_path / "theirs"), "events.toml"
    )
    assert code == 1 and "merged its lines as git does" in err and "events.toml: 1 conflict" in err
    assert "<<<<<<< ours" in (tmp_path / "ours").read_text(encoding="utf-8")


def test_init_git_registers_the_documented_driver(tmp_path, capsys, monkeypatch):
    """`init --git` in a fresh folder starts a repository, writes the .gitattributes line and the config, once."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    code, out, _ = run(capsys, "init", "--git", "--title", "T")
    assert code == 0 and "Started a git repository" in out
    assert (tmp_path / ".gitattributes").read_text(encoding="utf-8") == "events.toml merge=timeline\n"
    config = subprocess.run(["git", "config", "merge.timeline.driver"], capture_output=True, text=True, cwd=tmp_path)
    assert config.stdout == "timeline merge-driver %O %A %B\n"
    assert run(capsys, "init", "--git")[0] == 0
    assert (tmp_path / ".gitattributes").read_text(encoding="utf-8") == "events.toml merge=timeline\n"


def test_init_git_names_an_odd_store_exactly(tmp_path, capsys, monkeypatch):
    """A store called 'my [draft] *.toml' gets a quoted, escaped pattern git matches to that file only."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    name = "my [draft] *.toml"
    assert run(capsys, "init", name, "--git")[0] == 0
    shutil.copy(tmp_path / name, tmp_path / "my d x.toml")
    check = subprocess.run(
        ["git", "check-attr", "merge", "--", name, "my d x.toml"], capture_output=True, text=True, cwd=tmp_path
    )
    assert check.stdout.splitlines() == [f"{name}: merge: timeline", "my d x.toml: merge: unspecified"]


def test_store_table_fields_and_same_new_actor_differently():
    """[store] title from ours and description from theirs both land; one actor id added twice differently clashes."""
    base = STORE.replace('title = "Test store"', 'title = "Test store"\ndescription = "d"')
    result = merge(
        base,
        base.replace('title = "Test store"', 'title = "Ours"') + '\n[actors.bo]\nname = "Bo One"\n',
        base.replace('description = "d"', 'description = "Theirs"') + '\n[actors.bo]\nname = "Bo Two"\n',
    )
    assert result is not None
    assert 'title = "Ours"\ndescription = "Theirs"\n' in result.text
    assert result.conflicts == ["actor 'bo': both sides added it, with different name"]


def test_driver_keeps_a_byte_order_mark_and_says_nothing_when_clean(tmp_path, capsys):
    """Ours starts with a UTF-8 BOM: the merged file does too, and a clean merge prints nothing, exit 0."""
    files = {
        "base": STORE,
        "ours": "\ufeff" + _add(STORE, "ours", "2024-03-01"),
        "theirs": _add(STORE, "t", "2024-03-02"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "merge-driver", *(str(tmp_path / n) for n in files))
    assert (code, out, err) == (0, "", "")
    merged = (tmp_path / "ours").read_bytes()
    assert merged.startswith(b"\xef\xbb\xbf") and _ids(merged.decode("utf-8-sig"))[-2:] == ["ours", "t"]
