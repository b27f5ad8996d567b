"""The main window on the demo project, driven offscreen."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from akkord.gui.main_window import MainWindow
from akkord.services.demo import create_demo
from akkord.store import open_project
from akkord.store.models import Document


def test_window_lists_documents_and_shows_text(qtbot: QtBot, tmp_path: Path) -> None:
    path, _ = create_demo(tmp_path / "demo.akkord")
    project = open_project(path)
    with project.read() as session:
        texts = dict(session.execute(select(Document.id, Document.text)).all())
    window = MainWindow(project, "kari", "gold")
    qtbot.addWidget(window)
    window.show()
    assert window.documents.model.rowCount() == len(texts) >= 6
    assert "demo" in window.windowTitle()
    qtbot.waitUntil(lambda: window.view.toPlainText() == texts[1])
    window.documents.select_document(3)
    qtbot.waitUntil(lambda: window.view.toPlainText() == texts[3])
