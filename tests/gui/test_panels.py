"""The inspector's schema-built form and the entity panel, on the demo project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from akkord.gui.attribute_form import DateField, EnumField, RefField
from akkord.gui.main_window import MainWindow
from akkord.services.demo import create_demo
from akkord.store import open_project


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    path, _ = create_demo(tmp_path / "demo.akkord")
    win = MainWindow(open_project(path), "kari", "gold")
    qtbot.addWidget(win)
    win.show()
    yield win


def _select_meeting(window: MainWindow) -> int:
    document = window.session.document
    assert document is not None
    meeting = next(m for m in document.in_order() if m.label == "MEETING" and m.entity_id)
    window.session.select(meeting.id)
    assert meeting.entity_id is not None
    return meeting.entity_id


def test_enum_and_date_fields_save_at_once_and_undo(window: MainWindow) -> None:
    entity_id = _select_meeting(window)
    status = window.inspector.entity_form.fields["status"]
    assert isinstance(status, EnumField)
    index = status.combo.findData("cancelled")
    status.combo.setCurrentIndex(index)
    status.combo.activated.emit(index)
    assert window.session.service.entity(entity_id).first("status").text == "cancelled"
    date = window.inspector.entity_form.fields["date"]
    assert isinstance(date, DateField)
    date.edit.setText("2022-W05")
    date.edit.editingFinished.emit()
    saved = window.session.service.entity(entity_id).first("date")
    assert saved is not None and saved.date is not None
    assert (saved.date.earliest.isoformat(), saved.date.precision.value) == (
        "2022-01-31", "week")
    assert "31 Jan – 6 Feb 2022 · week" in date.meaning.text()
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.session.service.entity(entity_id).first("status").text != "cancelled"


def test_an_invalid_date_is_not_saved(window: MainWindow) -> None:
    entity_id = _select_meeting(window)
    before = window.session.service.entity(entity_id).first("date")
    date = window.inspector.entity_form.fields["date"]
    assert isinstance(date, DateField)
    date.edit.setText("2022-13")
    date.edit.textEdited.emit("2022-13")
    date.edit.editingFinished.emit()
    assert "not a valid date" in date.meaning.text() or "not a date" in date.meaning.text()
    assert window.session.service.entity(entity_id).first("date") == before


def test_reference_picker_adds_a_participant_with_a_role(window: MainWindow,
                                                         qtbot: QtBot) -> None:
    entity_id = _select_meeting(window)
    field = window.inspector.entity_form.fields["participants"]
    assert isinstance(field, RefField)
    before = len(field.values)
    field._pick()
    qtbot.waitUntil(field.picker.isVisible)
    field.picker.query.setText("Frankrike")
    field.picker.query.textEdited.emit("Frankrike")
    assert field.picker.list.count() >= 1
    qtbot.keyClick(field.picker.query, Qt.Key.Key_Return)
    participants = window.session.service.entity(entity_id).values["participants"]
    assert len(participants) == before + 1 or any(
        window.session.service.entity(p.ref or 0).name == "Frankrike" for p in participants)


def test_selecting_an_entity_highlights_its_mentions_and_jumps(window: MainWindow) -> None:
    tab = window.entities.kind_tabs["actor"]
    row = next(r for r in range(tab.proxy.rowCount())
               if tab.proxy.index(r, 0).data() == "Russland")
    tab.table.selectRow(row)
    document = window.session.document
    assert document is not None
    russia = int(tab.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole))
    assert window.view.emphasised == set(document.mentions_of_entity(russia)) != set()
    window.entities.entity_activated.emit(russia)
    selected = window.session.selected_mention()
    assert selected is not None and selected.entity_id == russia
    window.entities.scope.setCurrentIndex(window.entities.scope.findData("project"))
    assert tab.model.rowCount() > len({m.entity_id for m in document.mentions.values()
                                       if m.label == "ACTOR"}) - 1


def test_two_windows_conflict_instead_of_overwriting(qtbot: QtBot, tmp_path: Path) -> None:
    path, _ = create_demo(tmp_path / "demo.akkord")
    kari = MainWindow(open_project(path), "kari", "gold")
    ola = MainWindow(open_project(path), "ola", "gold")
    for window in (kari, ola):
        qtbot.addWidget(window)
    entity_id = _select_meeting(kari)
    assert _select_meeting(ola) == entity_id  # both see the same meeting, same version
    for window, value in ((kari, "postponed"), (ola, "cancelled")):
        field = window.inspector.entity_form.fields["status"]
        assert isinstance(field, EnumField)
        index = field.combo.findData(value)
        field.combo.setCurrentIndex(index)
        field.combo.activated.emit(index)
    assert kari.session.service.entity(entity_id).first("status").text == "postponed"
    assert "kari changed the status of" in getattr(ola, "last_error", "")
    assert not ola.session.undo_stack.canUndo()  # the refused edit left no history


def test_undo_over_another_windows_edit_is_refused(qtbot: QtBot, tmp_path: Path) -> None:
    """A edits, B edits the same value after, A presses Ctrl+Z: refused, B's stays."""
    path, _ = create_demo(tmp_path / "demo.akkord")
    anne = MainWindow(open_project(path), "anne", "gold")
    bo = MainWindow(open_project(path), "bo", "gold")
    for window in (anne, bo):
        qtbot.addWidget(window)
    entity_id = _select_meeting(anne)
    _select_meeting(bo)
    for window, value in ((anne, "postponed"), (bo, "cancelled")):
        window.session.reload()  # B's inspector sees A's edit, as after a re-read
        _select_meeting(window)
        field = window.inspector.entity_form.fields["status"]
        assert isinstance(field, EnumField)
        index = field.combo.findData(value)
        field.combo.setCurrentIndex(index)
        field.combo.activated.emit(index)
    anne.session.reload()
    _select_meeting(anne)  # A's inspector re-reads the meeting: it must not adopt B's edit
    anne.undo_action.trigger()
    assert "Undo Set status refused: bo changed the status of" in getattr(anne, "last_error",
                                                                          "")
    assert anne.session.service.entity(entity_id).first("status").text == "cancelled"
    assert not anne.session.undo_stack.canUndo()  # the refused step left the history


def test_kept_reference_rows_show_the_stored_roles_again(window: MainWindow) -> None:
    """Rows are kept while the values are the same (see RefField.set_values); a role
    box the user moved without the edit being stored shows the stored role again."""
    _select_meeting(window)
    field = window.inspector.entity_form.fields["participants"]
    assert isinstance(field, RefField) and field.values and field._roles
    box, stored = field._roles[0], field.values[0].role
    box.setCurrentIndex((box.currentIndex() + 1) % box.count())
    assert box.currentData() != stored
    rows = field.findChildren(QComboBox)
    field.set_values(field.values)
    assert box.currentData() == stored
    assert field.findChildren(QComboBox) == rows  # the same rows, not built again
