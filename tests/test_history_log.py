"""`timeline log ID`: the commits that changed one fact, field by field, read from real git history."""

from __future__ import annotations

import json

import pytest

from tests.gitrepo import Repo, make_repo
from tests.test_cli import run
from timeline.history.log import history, region


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Repo:
    """A git repository holding the test store, committed once."""
    return make_repo(tmp_path, monkeypatch)


def _log(capsys, *args: str) -> list[dict]:
    code, out, err = run(capsys, "log", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_a_date_change_is_one_entry_with_old_and_new(repo: Repo, capsys):
    """Changing the date gives a newest-first entry naming who, why and date: old → new."""
    repo.edit('date = "2024-02-11"', 'date = "2024-02-09"')
    sha = repo.commit("Date the meeting from the ministry's release", author="Bo Writer <bo@example.org>")
    entries = _log(capsys, "meeting")
    assert [e["change"] for e in entries] == ["changed", "added"]
    first = entries[0]
    assert (first["commit"], first["author"], first["email"]) == (sha, "Bo Writer", "bo@example.org")
    assert first["message"] == "Date the meeting from the ministry's release"
    assert first["changes"] == [{"field": "date", "old": "2024-02-11", "new": "2024-02-09"}]
    assert first["date"][:4].isdigit() and "T" in first["date"]


def test_commits_that_leave_the_fact_alone_are_not_listed(repo: Repo, capsys):
    """Other events' edits, a move of the event within the file and a reformat of it are not changes."""
    repo.edit('title = "A letter is sent"', 'title = "A letter goes out"')
    repo.commit("Retitle the letter")
    text = repo.store.read_text(encoding="utf-8")
    letter_at, meeting_at = text.index('[[events]]\nid = "letter"'), text.index('[[events]]\nid = "meeting"')
    letter, meeting = text[letter_at:meeting_at], text[meeting_at:]
    # The meeting moves above the letter, and its date is written as a TOML date.
    moved = text[:letter_at] + meeting.replace('"2024-02-11"', "2024-02-11") + "\n" + letter.rstrip("\n") + "\n"
    repo.write(moved)
    repo.commit("Move the meeting")
    entries = _log(capsys, "meeting")
    assert [e["message"] for e in entries] == ["Start the store"]


def test_a_list_field_says_what_was_added_and_removed(repo: Repo, capsys):
    """A source swapped in the sources list reads '+ paper', '− wire' under 'sources:' in the text log."""
    repo.edit('actors = ["ann"]\nsources = ["wire"]', 'actors = ["ann"]\nsources = ["paper"]')
    repo.commit("Source the meeting to the paper")
    code, out, _ = run(capsys, "log", "meeting")
    assert code == 0
    assert "    - sources:\n        + paper\n        − wire\n" in out
    assert out.startswith("History of event 'meeting' in events.toml: 2 commits, newest first.")


def test_a_removed_event_and_an_actor_have_histories(repo: Repo, capsys):
    """An event deleted since is still found in history; actors and sources are facts too."""
    text = repo.store.read_text(encoding="utf-8")
    repo.write(text[: text.index('[[events]]\nid = "letter"')] + text[text.index('[[events]]\nid = "meeting"') :])
    repo.commit("Drop the letter")
    assert [e["change"] for e in _log(capsys, "letter")] == ["removed", "added"]
    repo.edit('name = "Ann Example"', 'name = "Ann Example-Smith"')
    repo.commit("Ann's full name")
    ann = _log(capsys, "ann")
    assert ann[0]["changes"] == [{"field": "name", "old": "Ann Example", "new": "Ann Example-Smith"}]


def test_the_store_is_followed_through_a_rename(repo: Repo, capsys):
    """After `git mv`, the history before the rename is still read, from the old name."""
    repo.edit('date = "2024-02-11"', 'date = "2024-02-12"')
    repo.commit("Redate")
    repo.git("mv", "events.toml", "timeline.toml")
    repo.commit("Rename the store")
    repo.edit('date = "2024-02-12"', 'date = "2024-02-13"', name="timeline.toml")
    repo.commit("Redate again")
    entries = _log(capsys, "meeting", "--file", "timeline.toml")
    assert [e["message"] for e in entries] == ["Redate again", "Redate", "Start the store"]
    assert [e["path"] for e in entries] == ["timeline.toml", "events.toml", "events.toml"]


def test_a_merge_shows_only_what_it_brought_itself(repo: Repo, capsys):
    """A merge that only combines two branches' edits adds no entry; each branch's commit has its own."""
    repo.git("checkout", "-q", "-b", "side")
    repo.edit('title = "A meeting"', 'title = "A meeting in Bishkek"')
    repo.commit("Place the meeting")
    repo.git("checkout", "-q", "main")
    repo.edit('title = "A letter is sent"', 'title = "A letter goes out"')
    repo.commit("Retitle the letter")
    repo.git("merge", "-q", "--no-edit", "side")
    entries = _log(capsys, "meeting")
    assert [e["message"] for e in entries] == ["Place the meeting", "Start the store"]


def test_a_revision_where_the_store_did_not_parse_is_reported(repo: Repo, capsys):
    """A commit that broke the TOML around the fact is listed with the parser's located error."""
    repo.edit('title = "A meeting"', 'title = "A meeting')
    broken = repo.commit("Oops")
    repo.edit('title = "A meeting', 'title = "A meeting"')
    repo.commit("Fix")
    entries = _log(capsys, "meeting")
    bad = [e for e in entries if e["commit"] == broken]
    assert bad and bad[0]["error"].startswith(f"events.toml@{broken[:7]}:")


def test_unknown_id_and_store_outside_git(repo: Repo, capsys, tmp_path):
    """An id found nowhere is exit 1 with a suggestion; a store outside git says how to start one."""
    code, _, err = run(capsys, "log", "meting")
    assert code == 1 and "did you mean 'meeting'?" in err
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "events.toml").write_text(repo.store.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, "log", "meeting", "--file", str(outside / "events.toml"))
    assert code == 1 and "not in a git repository" in err and "git init" in err
    assert err.count("\n") == 1


def test_region_is_sure_only_when_it_can_be(repo: Repo):
    """The cheap text region is the event's block, None when the id is absent, unsure inside multi-line strings."""
    text = repo.store.read_text(encoding="utf-8")
    found = region(text, "events", "meeting")
    assert isinstance(found, str) and found.startswith("[[events]]") and 'id = "meeting"' in found
    assert region(text, "events", "nothing") is None
    assert region(text, "actors", "ann") == '[actors.ann]\nname = "Ann Example"'
    tricky = text.replace('title = "A meeting"', 'title = "A meeting"\nsummary = """\n[store]\n"""')
    assert not isinstance(region(tricky, "events", "meeting"), str | None)
    assert history(repo.store, "meeting").kind == "event"
