"""The command line end to end, through the real entry point in a subprocess-free runner."""

from __future__ import annotations

import json

import pytest

from timeline.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run `timeline ARGS`; return exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), out, err


def test_list_actor_kulubaev_shows_the_meeting(bundled, capsys):
    """The meeting with Ambassador Viguerie is found by the foreign minister's id."""
    code, out, _ = run(capsys, "list", "--actor", "kulubaev", "--format", "json")
    assert code == 0
    ids = [e["id"] for e in json.loads(out)]
    assert "reply-handed-over" in ids


def test_february_includes_month_only_events(bundled, capsys):
    """--since/--until 2024-02 keeps events known only to the month."""
    code, out, _ = run(capsys, "list", "--since", "2024-02", "--until", "2024-02", "--format", "json")
    assert code == 0
    events = json.loads(out)
    assert {e["precision"] for e in events} >= {"day", "month"} or any(
        e["date"].startswith("2024-02-X") for e in events
    )
    assert all(e["earliest"] <= "2024-02-29" and e["latest"] >= "2024-02-01" for e in events)


def test_missing_store_is_one_line_error(tmp_path, capsys):
    """No store anywhere: exit 1 and a message that says how to make one."""
    code, out, err = run(capsys, "list")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and "timeline init" in err
