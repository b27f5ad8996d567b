"""The inspector's forms and dialogs as a user meets them: a refused value says why in
words, dates are read as people write them, the relation dialog filters as one types,
and relation arcs never hide the article's text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog
from pytestqt.qtbot import QtBot

from akkord.gui.attribute_form import DateField, TextField
from akkord.gui.inspector import RelationDialog
from akkord.gui.main_window import MainWindow
from tests.gui.conftest import demo_window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> MainWindow:
    return demo_window(qtbot, tmp_path)


def select_linked(window: MainWindow, label: str) -> int:
    document = window.session.document
    assert document is not None
    mention = next(m for m in sorted(document.mentions.values(), key=lambda m: m.start)
                   if m.label == label and m.entity_id is not None)
    window.session.select(mention.id)
    assert mention.entity_id is not None
    return mention.entity_id


def test_a_refused_value_says_why(qtbot: QtBot, window: MainWindow) -> None:
    entity_id = select_linked(window, "ACTOR")
    before = window.session.service.entity(entity_id).first("country")
    field = window.inspector.entity_form.fields["country"]
    assert isinstance(field, TextField)
    qtbot.waitUntil(field.isVisible)  # a new form's fields are shown by a posted event
    field.edit.setText("rus")
    field.edit.editingFinished.emit()
    assert field.problem.isVisibleTo(window.inspector)
    assert "Not saved" in field.problem.text() and "[A-Z]{3}" in field.problem.text()
    assert window.session.service.entity(entity_id).first("country") == before
    field.edit.setText("RUS")
    field.edit.editingFinished.emit()
    assert not field.problem.isVisibleTo(window.inspector)


def test_a_date_attribute_as_written_in_norwegian(window: MainWindow) -> None:
    entity_id = select_linked(window, "MEETING")
    field = window.inspector.entity_form.fields["date"]
    assert isinstance(field, DateField)
    field.edit.setText("12. januar 2022")
    field.edit.textEdited.emit("12. januar 2022")
    assert "12 Jan 2022" in field.meaning.text()
    field.edit.editingFinished.emit()
    value = window.session.service.entity(entity_id).first("date")
    assert value is not None and value.date is not None and value.date.value == "2022-01-12"


@pytest.mark.parametrize("typed", ["20.01.2022", "20. januar 2022"])
def test_publication_date_as_written(qtbot: QtBot, window: MainWindow, typed: str) -> None:
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(10, answer)
            return
        dialog.setTextValue(typed)
        dialog.accept()

    QTimer.singleShot(0, answer)
    window.ask_publication_date()
    document = window.session.document
    assert document is not None and document.date is not None
    assert document.date.value == "2022-01-20"
    assert not getattr(window, "last_error", "")


def test_the_relation_dialog_filters_as_one_types(qtbot: QtBot, window: MainWindow) -> None:
    select_linked(window, "MEETING")
    mention = window.session.selected_mention()
    assert mention is not None
    dialog = RelationDialog(window.session, mention, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.filter)
    everything = dialog.list.count()
    qtbot.keyClicks(QApplication.focusWidget(), "participant")
    assert dialog.filter.text() == "participant"
    assert 0 < dialog.list.count() < everything
    assert all("participant" in dialog.list.item(i).text() for i in range(dialog.list.count()))
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Down)
    assert dialog.list.currentRow() == min(1, dialog.list.count() - 1)
    assert QApplication.focusWidget() is dialog.filter
    qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    choice = dialog.choice()
    assert choice is not None and choice[0] == "participant"


def ink_and_lightness(image: QImage) -> tuple[np.ndarray, np.ndarray]:
    """The cores of the letters (dark and grey: the label bars are dark but coloured), and
    the lightness of every pixel."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3].astype(np.int16)
    lightness = (pixels.max(axis=2) + pixels.min(axis=2)) // 2
    spread = pixels.max(axis=2) - pixels.min(axis=2)
    return (lightness < 50) & (spread < 30), lightness


def test_relation_arcs_never_hide_the_text(window: MainWindow) -> None:
    """Selecting a mention draws its relations as arcs with labels; every letter that was
    visible before stays as dark as it was (the arcs and labels pass under the text; they
    were painted over it, captions included)."""
    document = window.session.document
    assert document is not None
    related = [m for m in sorted(document.mentions.values(), key=lambda m: m.start)
               if document.relations_of(m.id)][:16]
    assert len(related) > 10
    viewport = window.view.viewport()
    window.view.setCursorWidth(0)  # the text cursor moves with the selection: not text
    for mention in related:
        window.session.select(mention.id)  # scrolls to it
        window.session.select(None)
        text, _ = ink_and_lightness(viewport.grab().toImage())
        assert text.sum() > 500  # the letters on the page
        window.session.select(mention.id)
        _, lightness = ink_and_lightness(viewport.grab().toImage())
        hidden = int((text & (lightness >= 80)).sum())
        assert hidden <= 2, f"{hidden} text pixels hidden by the arcs of " \
                            f"{document.surface(mention.id)!r}"


def test_relation_labels_sit_between_the_lines(window: MainWindow) -> None:
    """A relation's type is written in the gap above a line, never on the text (they were
    painted over the caption)."""
    checked = 0
    for doc_id in (1, 2):
        window.session.open_document(doc_id)
        document = window.session.document
        assert document is not None
        for mention in document.mentions.values():
            if not document.relations_of(mention.id):
                continue
            window.session.select(mention.id)
            lines = window.view.span_rects(*window.view.visible_range())
            for arc in window.view.relation_arcs(mention.id):
                checked += 1
                for line in lines:
                    overlap = arc.box.intersected(line)
                    assert overlap.isEmpty() or overlap.height() < 0.5, \
                        f"the label {arc.label!r} lies on a line of text"
    assert checked > 20
