"""An event placed only by `after`/`in_response_to` sorts after the one it follows, in every format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_cli import run
from timeline.formats import RENDERERS

STORE = Path(__file__).parent / "data" / "order" / "relative.toml"
TITLES = ["Alpha letter published", "Zeta statement known only to the month", "Mu reply in the same month"]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_relations_order_every_format(fmt, tmp_path, capsys):
    """Published, then the statement that comes after it, then the reply to the statement."""
    shutil.copy(STORE, tmp_path / "events.toml")
    code, out, err = run(capsys, "list", "--format", fmt, "--width", "200")
    assert code == 0, err
    positions = [out.find(title) for title in TITLES]
    assert all(p >= 0 for p in positions), (fmt, positions)
    assert positions == sorted(positions), fmt
