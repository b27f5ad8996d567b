"""Fixtures shared by the GUI tests: the demo project (built once per test module) and
a timeline view shown and fitted on a project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytestqt.qtbot import QtBot

from akkord.services.demo import create_demo
from akkord.store import Project, open_project

if TYPE_CHECKING:
    from akkord.gui.main_window import MainWindow
    from akkord.gui.timeline_view import TimelineView


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = create_demo(tmp_path_factory.mktemp("demo") / "demo.akkord")
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Project]:
    with open_project(demo_path) as project:
        yield project


def shown_timeline(qtbot: QtBot, project: Project) -> TimelineView:
    """A 1400×800 timeline of ``project``, exposed, with its items laid out and fitted.
    (pyqtgraph is imported here, not when every GUI test is collected.)"""
    from akkord.gui.timeline_view import TimelineView

    widget = TimelineView(project)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.plot.geometry_ is not None and widget.plot.fitted)
    return widget


def demo_window(qtbot: QtBot, folder: Path, width: int = 1500, height: int = 950
                ) -> MainWindow:
    """A main window on a fresh demo project in ``folder`` (Kari in the gold layer),
    shown at ``width`` × ``height`` and exposed."""
    from akkord.gui.main_window import MainWindow

    path, _ = create_demo(folder / "demo.akkord")
    window = MainWindow(open_project(path), "kari", "gold")
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window
