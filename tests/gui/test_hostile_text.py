"""Text from data is never rendered as markup: every label and tool tip of the window,
with the hostile corpus loaded, every mention selected, the dialogs open.

Qt renders a label, a message box or a tool tip as HTML when the text *looks* like HTML.
This walks what the window would show and checks, for each string, what Qt would make
of it: a string that Qt would treat as rich text must not draw an image, and the
corpus's sentinel words (each wrapped in tags, ``<b>ZZNAME</b>``) must stay visible with
their tags. Rendering happens in ``tests/gui/test_window_sweep.py`` (hostile scenario, in
a process of its own: an image of ``/dev/zero`` aborts Qt).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from akkord.gui import plain_text
from akkord.gui.inspector import RelationDialog
from akkord.gui.main_window import MainWindow
from akkord.store import open_project
from tests.gui.hostile_corpus import SENTINEL, hostile_project


def rendered(text: str, text_format: Qt.TextFormat) -> tuple[str, bool]:
    """What Qt shows for ``text`` in this format: the visible text, and whether it would
    draw an image."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    if not rich:
        return text, False
    document = QTextDocument()
    document.setHtml(text)
    block = document.begin()
    images = False
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            images = images or it.fragment().charFormat().isImageFormat()
            it += 1
        block = block.next()
    return document.toPlainText(), images


def markup_problem(text: str, text_format: Qt.TextFormat) -> str | None:
    visible, images = rendered(text, text_format)
    if images:
        return "draws an image"
    start = visible.find(SENTINEL)
    while start >= 0:
        if start == 0 or visible[start - 1] != ">":
            return f"shows {visible[max(0, start - 12):start + 12]!r}: its tags were markup"
        start = visible.find(SENTINEL, start + 1)
    return None


def item_tooltips(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()

    def columns(parent: QModelIndex) -> int:
        try:
            return int(model.columnCount(parent))
        except TypeError:  # list models keep columnCount private in PySide6
            return 1

    def walk(parent: QModelIndex) -> Iterator[str]:  # tables and lists: one level
        for row in range(model.rowCount(parent)):
            for column in range(columns(parent)):
                index = model.index(row, column, parent)
                tip = index.data(Qt.ItemDataRole.ToolTipRole)
                if isinstance(tip, str) and tip:
                    yield tip

    yield from walk(QModelIndex())


def problems_in(root: QWidget, where: str) -> list[str]:
    """Every label and tool tip under ``root`` that would render markup from data."""
    found: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if isinstance(widget, QLabel) and widget.text():
            problem = markup_problem(widget.text(), widget.textFormat())
            if problem:
                found.append(f"{where}: label {widget.text()!r} {problem}")
        if isinstance(widget, QMessageBox) and widget.text():
            problem = markup_problem(widget.text(), widget.textFormat())
            if problem:
                found.append(f"{where}: message box {widget.text()!r} {problem}")
        if widget.toolTip():
            problem = markup_problem(widget.toolTip(), Qt.TextFormat.AutoText)
            if problem:
                found.append(f"{where}: tool tip of {type(widget).__name__} "
                             f"{widget.toolTip()!r} {problem}")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            for tip in item_tooltips(widget):
                problem = markup_problem(tip, Qt.TextFormat.AutoText)
                if problem:
                    found.append(f"{where}: item tool tip {tip!r} {problem}")
    return found


def _parents(widget: QWidget) -> Iterator[QWidget]:
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


@pytest.fixture
def hostile_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    window = MainWindow(open_project(hostile_project(tmp_path)), "kari", "gold", suggest=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window


def test_the_checker_sees_markup() -> None:
    """The walk below can fail: a data string in an auto-detecting label is caught."""
    assert markup_problem(f"<b>{SENTINEL}NAME</b>", Qt.TextFormat.AutoText) is not None
    assert markup_problem('Nyheter <img src="file:///x.png">', Qt.TextFormat.AutoText) \
        == "draws an image"
    assert markup_problem(f"<b>{SENTINEL}NAME</b>", Qt.TextFormat.PlainText) is None
    assert markup_problem(plain_text.tooltip(f"<b>{SENTINEL}NAME</b>\nx"),
                          Qt.TextFormat.AutoText) is None


def test_no_label_or_tooltip_renders_data_as_markup(qtbot: QtBot,
                                                    hostile_window: MainWindow) -> None:
    window = hostile_window
    window.entities.scope.setCurrentIndex(window.entities.scope.findData("project"))
    window.timeline.toggle()  # its lanes, legend and mention list are walked too
    problems: list[str] = []
    documents = window.documents
    for row in range(documents.model.rowCount()):
        doc_id = int(documents.model.index(row, 0).data(Qt.ItemDataRole.UserRole))
        documents.select_document(doc_id)
        qtbot.waitUntil(lambda d=doc_id: window.session.document is not None
                        and window.session.document.id == d)
        document = window.session.document
        assert document is not None and document.mentions
        for mention_id, mention in document.mentions.items():
            window.session.select(mention_id)
            problems += problems_in(window, f"document {row + 1}, mention {mention_id}")
            dialog = RelationDialog(window.session, mention, window)
            problems += problems_in(dialog, f"relation dialog of mention {mention_id}")
            dialog.deleteLater()
        window.gestures.open_picker(next(iter(document.mentions)))
        problems += problems_in(window.picker, "the link picker")
        window.picker.hide()
    # An edit refused with a message quoting a name from the data.
    tab = window.entities.current_tab()
    assert tab is not None and tab.proxy.rowCount()
    tab.table.selectRow(0)
    window.entities.delete_selected()
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                                for w in QApplication.topLevelWidgets() + window.findChildren(
                                    QMessageBox)))
    assert SENTINEL in getattr(window, "last_error", "")
    problems += problems_in(window, "the edit-refused message")
    assert not problems, "\n".join(dict.fromkeys(problems))
