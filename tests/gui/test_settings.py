"""The window's settings live where ``AKKORD_CONFIG_DIR`` says (the suite's scratch folder),
never in the user's own configuration; geometry and docks come back at the next start."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from akkord.gui.application import settings
from akkord.gui.main_window import MainWindow, recent_projects
from akkord.services.demo import create_demo
from akkord.store import open_project
from tests.conftest import USER_SETTINGS


def test_settings_follow_akkord_config_dir(isolated_settings: Path) -> None:
    store = settings()
    assert Path(store.fileName()) == isolated_settings / "Akkord.conf"
    assert store.format() == QSettings.Format.IniFormat
    assert not Path(store.fileName()).is_relative_to(USER_SETTINGS)


def test_a_window_writes_only_to_the_scratch_settings(qtbot: QtBot, tmp_path: Path,
                                                      isolated_settings: Path) -> None:
    path, _ = create_demo(tmp_path / "demo.akkord")
    window = MainWindow(open_project(path), "kari", "gold")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.close()
    assert recent_projects() == [str(path)]
    written = (isolated_settings / "Akkord.conf").read_text(encoding="utf-8")
    assert str(path) in written and "geometry" in written
    default = Path(os.environ["XDG_CONFIG_HOME"]) / "Akkord"
    assert not default.exists(), "settings went to Qt's default location (the user's)"


def test_the_next_window_opens_where_the_last_one_was(qtbot: QtBot, tmp_path: Path) -> None:
    path, _ = create_demo(tmp_path / "demo.akkord")
    first = MainWindow(open_project(path), "kari", "gold")
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(700, 500)
    first.inspector_dock.close()
    qtbot.waitUntil(lambda: first.size().width() == 700)
    first.close()
    second = MainWindow(open_project(path), "kari", "gold")
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (700, 500)
    assert not second.inspector_dock.isVisible() and second.documents_dock.isVisible()
