"""`timeline diff` and `list --changed-since`: what changed between versions of the store in git."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.gitrepo import Repo, make_repo
from tests.test_cli import run
from timeline import query
from timeline.formats import RENDERERS
from timeline.store import load


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Repo:
    """A git repository holding the test store, committed once."""
    return make_repo(tmp_path, monkeypatch)


def _diff(capsys, *args: str) -> list[dict]:
    code, out, err = run(capsys, "diff", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def _change_everything(repo: Repo) -> None:
    """In the working file: redate the meeting, drop the letter, add an event, an actor and a source."""
    text = repo.store.read_text(encoding="utf-8")
    letter_at, meeting_at = text.index('[[events]]\nid = "letter"'), text.index('[[events]]\nid = "meeting"')
    text = text[:letter_at] + text[meeting_at:]
    text = text.replace('date = "2024-02-11"', 'date = "2024-02-09"')
    text = text.replace(
        "[sources.wire]", '[actors.bo]\nname = "Bo"\n\n[sources.agency]\nname = "Agency"\n\n[sources.wire]'
    )
    text += '\n[[events]]\nid = "reply"\ndate = "2024-01-20"\ntitle = "A reply"\nsources = ["agency"]\n'
    repo.write(text)


def test_default_is_the_last_commit_against_the_working_file(repo: Repo, capsys):
    """Added, removed and changed events, actors and sources, each with its fields, events in timeline order."""
    _change_everything(repo)
    entries = _diff(capsys)
    got = [(e["change"], e["kind"], e["id"]) for e in entries]
    assert got == [
        ("removed", "event", "letter"),
        ("added", "event", "reply"),
        ("changed", "event", "meeting"),
        ("added", "actor", "bo"),
        ("added", "source", "agency"),
    ]
    meeting = entries[2]
    assert meeting["fields"] == [{"field": "date", "old": "2024-02-11", "new": "2024-02-09"}]
    assert meeting["name"] == "A meeting"
    assert {"field": "title", "old": None, "new": "A reply"} in entries[1]["fields"]


def test_two_revisions_and_one_revision(repo: Repo, capsys):
    """`diff A B` compares two commits; `diff A` compares A with the working file."""
    first = repo.git("rev-parse", "HEAD").stdout.strip()
    repo.edit('title = "A meeting"', 'title = "A meeting in Bishkek"')
    second = repo.commit("Place the meeting")
    assert [e["id"] for e in _diff(capsys, first, second)] == ["meeting"]
    assert _diff(capsys, second) == []
    assert [e["fields"][0]["new"] for e in _diff(capsys, first)] == ["A meeting in Bishkek"]
    code, out, _ = run(capsys, "diff", first, "--format", "plain")
    assert code == 0
    assert f"changes from {first[:7]} to the working file: 1 event (1 changed)." in out.replace("\n", " ")
    assert "Change: title: A meeting → A meeting in Bishkek" in out


def test_a_revision_where_the_store_does_not_load_is_located(repo: Repo, capsys):
    """The error names the store at that commit, with the line, as `check` would."""
    repo.edit('actors = ["ann"]', 'actors = ["nobody"]')
    bad = repo.commit("Cite an unknown actor")
    code, out, err = run(capsys, "diff", "HEAD~1", "HEAD")
    assert (code, out) == (1, "")
    assert err.startswith(f"timeline: error: events.toml@{bad[:7]}:") and "unknown actor 'nobody'" in err
    repo.write(repo.store.read_text(encoding="utf-8").replace('title = "A meeting"', 'title = "A meeting'))
    code, _, err = run(capsys, "diff", "HEAD~1")
    assert code == 1 and err.startswith("timeline: error: events.toml:") and "TOML syntax error" in err


@pytest.mark.parametrize("rev", ["-x", "--output=/etc/passwd", "nope", ""])
def test_bad_revisions_are_usage_errors(repo: Repo, capsys, rev):
    """A revision that looks like an option, or one git does not know, is exit 2 and one line; git never sees it."""
    code, out, err = run(capsys, "diff", "--", rev)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and ("cannot start with '-'" in err or "unknown revision" in err)


def test_too_many_revisions_and_a_store_not_yet_committed(repo: Repo, capsys):
    """Three revisions are refused; a revision before the store existed says how to find a later one."""
    assert run(capsys, "diff", "HEAD", "HEAD", "HEAD")[0] == 2
    repo.git("mv", "events.toml", "timeline.toml")
    repo.commit("Rename")
    repo.write("[store]\ntitle = 'x'\n", name="other.toml")
    repo.commit("Another store")
    code, _, err = run(capsys, "diff", "HEAD~2", "--file", "other.toml")
    assert code == 1 and "not in commit HEAD~2" in err
    # The renamed store is found under its old name.
    assert _diff(capsys, "HEAD~2", "--file", "timeline.toml") == []


def test_every_format_renders_the_changes(repo: Repo, capsys):
    """Each output format of `list` works for diff; timelines note each change, CSV has a row per field."""
    _change_everything(repo)
    outputs = {}
    for fmt in RENDERERS:
        code, out, err = run(capsys, "diff", "--format", fmt, "--width", "100")
        assert code == 0, (fmt, err)
        outputs[fmt] = out
    assert "Change: date: 2024-02-11 → 2024-02-09" in outputs["plain"]
    assert "Change: removed (shown as it was in HEAD" in outputs["plain"]
    assert "added actor bo (Bo)" in outputs["plain"] and "added source agency (Agency)" in outputs["plain"]
    assert "## Actors and sources" in outputs["markdown"] and "*Change: added*" in outputs["markdown"]
    assert outputs["html"].index("Actors and sources") < outputs["html"].index("</main>")
    assert "change: date: 2024-02-11 → 2024-02-09" in outputs["rich"]
    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    assert {"change": "changed", "kind": "event", "id": "meeting", "name": "A meeting", "field": "date",
            "old": "2024-02-11", "new": "2024-02-09"} in rows  # fmt: skip
    assert "BEGIN:VEVENT" in outputs["ics"] and json.loads(outputs["timelinejs"])["events"]
    assert "UID:reply@" in outputs["ics"] and "UID:letter@" not in outputs["ics"]  # removed: not on a calendar


def test_store_text_in_a_change_is_inert(repo: Repo, capsys):
    """Escape sequences and markup in a changed title reach no terminal or page raw."""
    repo.edit('title = "A meeting"', 'title = "A \\u001b[31mred\\u001b[0m <b>meeting</b> [bold]x[/bold]"')
    for fmt in ("plain", "rich", "markdown", "html", "csv", "json"):
        code, out, _ = run(capsys, "diff", "--format", fmt)
        assert code == 0 and "\x1b" not in out, fmt
    assert "<b>" not in run(capsys, "diff", "--format", "html")[1]


def test_changed_since_keeps_added_and_changed_events(repo: Repo, capsys):
    """`list --changed-since REV` narrows any query to what changed, and says so in the report's filters."""
    _change_everything(repo)
    code, out, _ = run(capsys, "list", "--changed-since", "HEAD", "--format", "json")
    assert code == 0 and sorted(e["id"] for e in json.loads(out)) == ["meeting", "reply"]
    code, out, _ = run(capsys, "list", "--changed-since", "HEAD", "--source", "agency", "--format", "plain")
    assert code == 0 and "1 event. Filters: source agency; changed since HEAD (" in out
    code, _, err = run(capsys, "list", "--changed-since", "nope")
    assert code == 2 and "unknown revision 'nope'" in err


def test_filter_only_is_exact_in_match():
    """Filter.only keeps exactly the listed ids, whatever else matches, and describe names it."""
    from tests.conftest import DATA

    store = load(DATA / "core" / "sample.toml")
    some = [e.id for e in store.events][:2]
    f = query.make_filter(only=some, only_label="changed since v1")
    assert [m.event.id for m in query.match(store, f)] == some
    assert query.match(store, query.make_filter(only=())) == []
    assert query.describe(f) == "changed since v1"


@pytest.mark.parametrize("query_args", [(), ("--source", "wire")])
def test_changed_since_with_limit_through_the_cache(repo: Repo, capsys, query_args):
    """--limit cuts the changed events, not the store's: the cache's shortcuts for a bare or an
    exact query (build only the first N in timeline order) must still keep only what changed."""
    import os
    import time

    from timeline import cache

    filler = "".join(
        f'\n[[events]]\nid = "early-{n}"\ndate = "2023-01-01"\ntitle = "An earlier wire report {n}"\n'
        'sources = ["wire"]\n'
        for n in range(cache.MIN_BYTES // 80)
    )
    repo.write(repo.store.read_text(encoding="utf-8") + filler)
    repo.commit("Earlier reports, enough for the cache to index the store")
    repo.edit('date = "2024-02-11"', 'date = "2024-02-12"')
    past = time.time() - 60  # not just written, so the second run may trust the index
    os.utime(repo.store, (past, past))
    args = ("list", "--changed-since", "HEAD", *query_args, "--limit", "1", "--format", "json")
    for _ in range(2):  # cold, then from the index
        code, out, err = run(capsys, *args)
        assert code == 0, err
        assert [e["id"] for e in json.loads(out)] == ["meeting"]
    assert hasattr(cache.load(repo.store).events, "engine")
