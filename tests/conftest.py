"""Shared fixtures: every test runs in its own folder with no store settings leaking in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test reads the user's store, cache or terminal settings."""
    monkeypatch.delenv("TIMELINE_FILE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def bundled(tmp_path) -> Path:
    """A copy of the bundled events.toml in the test's folder."""
    target = tmp_path / "events.toml"
    shutil.copy(ROOT / "events.toml", target)
    return target
