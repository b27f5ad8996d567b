"""A project on a read-only disk opens in the window read-only: the title says so, and
an edit is refused with the store's message, never a traceback (issue 9, item 7)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from akkord.gui.main_window import MainWindow
from akkord.services.demo import create_demo
from akkord.services.projects import open_project
from tests.store.conftest import mount_tmpfs, remount_read_only, unmount


def test_a_read_only_project_opens_saying_so_and_refuses_edits(qtbot: QtBot,
                                                                tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "32m")
    try:
        path, _ = create_demo(disk / "demo.akkord")
        before = path.read_bytes()
        remount_read_only(disk)
        project = open_project(path)
        assert project.read_only
        window = MainWindow(project, "gold", "gold")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert "read-only (the disk it is on is read-only)" in window.windowTitle()
        document = window.session.document
        assert document is not None and document.mentions
        count = len(document.mentions)
        window.session.select(next(iter(document.mentions)))
        window.run_action("delete")
        qtbot.waitUntil(lambda: "read-only" in getattr(window, "last_error", ""))
        assert len(document.mentions) == count
        assert window.session.undo_stack.count() == 0
        window.close()
        assert path.read_bytes() == before
    finally:
        unmount(disk)


def test_a_new_layer_on_a_read_only_project_is_empty_and_suggests_nothing(
        qtbot: QtBot, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "32m")
    try:
        path, _ = create_demo(disk / "demo.akkord")
        remount_read_only(disk)
        window = MainWindow(open_project(path), "nykommer")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        document = window.session.document
        assert document is not None and document.text
        assert not document.mentions  # nothing pre-annotated: nothing can be written
        assert not getattr(window, "last_error", "")  # and no refusal just for opening
        assert "read-only" in window.windowTitle()
        window.close()
    finally:
        unmount(disk)
