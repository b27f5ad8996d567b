"""The real window in a process of its own (offscreen here; under a real X server in
``test_x11.py``): first start, maximise, every dock closed and reopened, every document,
Ctrl+Shift+D, a layer switch, a resize sweep from 800 to 2560 px, and the hostile corpus
hovered everywhere. A crash ends the child process, and the test shows how."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.hostile_corpus import DEV_ZERO, hostile_project
from tests.gui.window_process import drive

OFFSCREEN = {"QT_QPA_PLATFORM": "offscreen"}


def test_smoke(tmp_path: Path) -> None:
    outcome = drive("smoke", tmp_path, env=OFFSCREEN)
    assert outcome.code == 0, outcome.explain()
    assert "smoke: 0 failure(s)" in outcome.output


def test_resize_sweep(tmp_path: Path) -> None:
    """800 → 2560 px, docks open and closed, every demo document: the text column stays
    centred and at most the reading width, and every document's highlights are painted.
    (Four widths here; every 160-280 px under a real X server in test_x11.py.)"""
    outcome = drive("quick-sweep", tmp_path, env=OFFSCREEN)
    assert outcome.code == 0, outcome.explain()


@pytest.mark.parametrize("image", [DEV_ZERO], ids=["dev-zero-image"])
def test_hostile_corpus_hovered_everywhere(tmp_path: Path, image: str) -> None:
    """Titles, names and aliases with ``<img src="file:///dev/zero">`` (which aborted the
    program with std::bad_alloc on hover), shown in every tool tip, label and dialog."""
    project = hostile_project(tmp_path / "corpus", image)
    outcome = drive("hostile", tmp_path / "home", env=OFFSCREEN, project=project)
    assert outcome.code == 0, outcome.explain()
