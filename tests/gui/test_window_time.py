"""Time in the window: suggestions on first open, the publication day, the timeline dock."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog
from pytest import MonkeyPatch
from pytestqt.qtbot import QtBot

from akkord.gui.main_window import MainWindow
from akkord.services.demo import create_demo
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import open_project

ARTICLE = (" date 2022-01 MØTE: Ministrene samles.\n\nNato samler ministrene\n\n"
           "Ministrene møtes kommende fredag i Brussel.\n")


def _project(tmp_path: Path) -> Path:
    path = tmp_path / "p.akkord"
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with open_project(path, create=True) as project:
        import_paths(project, [tmp_path / "a.txt"], ImportOptions(suggest_times=False))
    return path


def test_first_open_suggests_times_and_the_day_re_resolves_them(
        qtbot: QtBot, tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    window = MainWindow(open_project(_project(tmp_path)), "kari")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    document = window.session.document
    assert document is not None
    suggested = [m for m in document.mentions.values() if m.status == "suggested"]
    assert [document.surface(m.id) for m in suggested] == ["kommende fredag"]
    assert "(1 suggested)" in window.counts_label.text()
    before = suggested[0].date()
    assert before is not None and before.precision.value == "month"  # month-only DCT
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("2022-01-05", True))
    assert window.date_action.shortcut().toString() == "Ctrl+Shift+D"
    window.date_action.trigger()
    document = window.session.document
    assert document is not None and document.date is not None
    assert document.date.value == "2022-01-05"
    friday = next(m for m in document.mentions.values() if m.label == "TIME")
    assert friday.date() is not None and friday.date().value == "2022-01-07"
    assert window.statusBar().currentMessage() == \
        "1 time expression(s) and 0 entity date(s) re-resolved"
    assert window.undo_action.text() == \
        "&Undo Set publication date of Nato samler ministrene to 2022-01-05"  # names it
    window.undo_action.trigger()
    document = window.session.document
    assert document is not None and document.date is not None
    assert document.date.value == "2022-01"
    assert window.statusBar().currentMessage() == \
        "1 time expression(s) and 0 entity date(s) reverted"


def test_no_suggestions_when_switched_off(qtbot: QtBot, tmp_path: Path) -> None:
    window = MainWindow(open_project(_project(tmp_path)), "kari", suggest=False)
    qtbot.addWidget(window)
    assert window.session.document is not None and not window.session.document.mentions


def test_timeline_dock_follows_the_text_and_leads_back_to_it(qtbot: QtBot,
                                                             tmp_path: Path) -> None:
    path, _ = create_demo(tmp_path / "demo.akkord")
    window = MainWindow(open_project(path), "kari", "gold")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.timeline.view is None  # pyqtgraph is not loaded until asked for
    assert window.timeline_action.shortcut().toString() == "Ctrl+T"
    window.timeline_action.trigger()
    timeline = window.timeline.view
    assert timeline is not None and window.timeline.dock is not None
    qtbot.waitUntil(window.timeline.dock.isVisible)
    document = window.session.document
    assert document is not None
    meeting = next(m for m in document.in_order() if m.label == "MEETING" and m.entity_id)
    window.session.select(meeting.id)
    assert timeline.selected == meeting.entity_id
    other = next(i for i in timeline.data.items if i.entity_id != meeting.entity_id)
    window.session.open_document(document.id)
    with qtbot.waitSignal(timeline.entity_activated):
        timeline.entity_activated.emit(other.entity_id)
    selected = window.session.selected_mention()
    assert selected is not None and selected.entity_id == other.entity_id
    mention = window.session.document.mentions[selected.id]
    window.session.select(None)
    timeline.mention_activated.emit(mention.document_id, mention.start, mention.end)
    assert window.session.selected == mention.id
    window.timeline_action.trigger()
    assert not window.timeline.dock.isVisible()
    QApplication.processEvents()
