"""How much layout an edit costs the window: the inspector is laid out once per
selection, the status bar's counts do not lay the window out, and a widget's own style
sheet is not set again when it is unchanged (each of these was most of an edit's time in
a 10,000-article project; see benchmarks/bench_gui.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from akkord.gui import plain_text, theme
from akkord.gui.main_window import MainWindow
from tests.gui.conftest import demo_window


class Events(QObject):
    """Counts the events of some types that a widget receives."""

    def __init__(self, widget: QWidget, *types: QEvent.Type) -> None:
        super().__init__()
        self.types, self.count = types, 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in self.types:
            self.count += 1
        return False


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The demo window under the application's look (its style sheet: what makes a
    needless ``setStyleSheet`` costly), put back as it was afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with theme.kept(app):
        theme.apply(app)
        yield demo_window(qtbot, tmp_path, 1366, 768)


def _linked_and_unlinked(window: MainWindow) -> tuple[int, int]:
    """Two mentions of one label, the first linked, the second unlinked (by an edit)."""
    document = window.session.document
    assert document is not None
    linked = next(m for m in document.in_order() if m.entity_id)
    other = next(m for m in document.in_order()
                 if m.entity_id and m.label == linked.label and m.id != linked.id)
    window.session.link(other.id, None)
    assert not document.mentions[other.id].entity_id
    return linked.id, other.id


def test_showing_a_linked_mention_lays_the_inspector_out_once_not_per_row(window: MainWindow,
                                                              qtbot: QtBot) -> None:
    linked, unlinked = _linked_and_unlinked(window)
    window.session.select(unlinked)
    qtbot.waitUntil(lambda: not window.inspector.unlink_button.isVisibleTo(window.inspector))
    QApplication.processEvents()
    resizes = Events(window.inspector.entity_name, QEvent.Type.Resize)
    window.session.select(linked)  # nine rows and buttons appear
    QApplication.processEvents()
    assert window.inspector.unlink_button.isVisible()
    assert window.inspector.entity_name.text()
    # One layout of the inspector (settling with its scroll bar takes up to three
    # resizes of a field); one per row and button shown took nine.
    assert resizes.count <= 3


def test_the_focus_stays_in_the_inspector_while_it_changes(window: MainWindow,
                                                           qtbot: QtBot) -> None:
    linked, _ = _linked_and_unlinked(window)
    window.session.select(linked)
    window.activateWindow()
    window.inspector.entity_name.setFocus()
    qtbot.waitUntil(window.inspector.entity_name.hasFocus)
    window.session.select(linked)  # shown again, e.g. after an edit of its entity
    assert window.inspector.entity_name.hasFocus()


def test_counts_in_the_status_bar_do_not_lay_the_window_out(window: MainWindow) -> None:
    label = window.counts_label
    plain_text.set_steady(label, "1234 mentions  ·  ")
    QApplication.processEvents()
    requests = Events(window.statusBar(), QEvent.Type.LayoutRequest)
    for text in ("1235 mentions  ·  ", "17 mentions  ·  ", "", "999 mentions  ·  "):
        plain_text.set_steady(label, text)
        QApplication.processEvents()
        assert label.text() == text
    assert requests.count == 0
    plain_text.set_steady(label, "123456 mentions (120000 suggested)  ·  ")  # needs room
    assert label.width() >= label.sizeHint().width()


def test_an_unchanged_style_sheet_is_not_set_again(window: MainWindow) -> None:
    edit = QLineEdit(window)
    edit.show()
    theme.set_style(edit, "")
    QApplication.processEvents()
    changes = Events(edit, QEvent.Type.StyleChange)
    theme.set_style(edit, "")
    theme.set_style(edit, "border-color: red;")
    theme.set_style(edit, "border-color: red;")
    QApplication.processEvents()
    assert edit.styleSheet() == "border-color: red;"
    assert changes.count == 1


def test_closing_the_picker_does_not_repaint_the_article(window: MainWindow,
                                                         qtbot: QtBot) -> None:
    """Qt repaints the whole of a widget that takes the focus: the article view, scroll
    bar included, after every link. Focus lent to a popup is not taken from the view."""
    linked, _ = _linked_and_unlinked(window)
    window.session.select(linked)
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.view.hasFocus)
    window.gestures.open_picker(linked)
    qtbot.waitUntil(window.picker.isVisible)
    QApplication.processEvents()
    paints = Events(window.view.viewport(), QEvent.Type.Paint)
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.picker.isVisible())
    QApplication.processEvents()
    assert window.view.hasFocus()
    assert paints.count == 0
    before = window.view.textCursor().position()  # the keys still reach the text
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert window.view.textCursor().position() != before


def test_a_link_does_not_measure_every_entity_of_the_project(window: MainWindow,
                                                             qtbot: QtBot) -> None:
    """The entity list in project scope: a link changes one row's counts, and a column
    sized to its contents measured every row again (thousands in a real project)."""
    from akkord.services import edits

    window.session.service.apply(edits.Compound(tuple(
        edits.CreateEntity("actor", f"Aktør {n}") for n in range(300)), "many"))
    panel = window.entities
    panel.scope.setCurrentIndex(panel.scope.findData("project"))
    tab = panel.kind_tabs["actor"]
    assert tab.model.rowCount() > 300
    QApplication.processEvents()
    linked, unlinked = _linked_and_unlinked(window)
    entity = window.session.document.mentions[linked].entity_id  # type: ignore[union-attr]
    calls = []
    cell = tab.model.cell
    tab.model.cell = lambda *args: calls.append(args) or cell(*args)  # type: ignore[method-assign]
    window.session.link(unlinked, entity)
    QApplication.processEvents()
    assert window.session.document.mentions[unlinked].entity_id == entity  # type: ignore[union-attr]
    assert 0 < len(calls) < 300


def test_a_link_repaints_the_entity_box_not_the_mention_box(qtbot: QtBot,
                                                           tmp_path: Path) -> None:
    """Linking the selected mention changes what the entity box shows; the mention box
    above it (label, text, status, attributes) stays as it was, unpainted. (In a window
    tall enough for the inspector: where its scroll bar comes and goes with the rows,
    everything in it moves and is repainted.)"""
    window = demo_window(qtbot, tmp_path, 1920, 1200)
    linked, unlinked = _linked_and_unlinked(window)
    entity = window.session.document.mentions[linked].entity_id  # type: ignore[union-attr]
    window.session.select(unlinked)
    qtbot.waitUntil(lambda: not window.inspector.unlink_button.isVisibleTo(window.inspector))
    QApplication.processEvents()
    chip = Events(window.inspector.chip, QEvent.Type.Paint)
    names = Events(window.inspector.entity_name, QEvent.Type.Resize, QEvent.Type.Show)
    window.session.link(unlinked, entity)
    QApplication.processEvents()
    assert window.inspector.unlink_button.isVisible()
    assert window.inspector.entity_name.text() == window.session.entity(entity).name  # type: ignore[union-attr]
    assert names.count > 0  # the entity's rows appeared
    assert chip.count == 0
    window.session.link(unlinked, None)  # and back: the rows go, the chip stays
    QApplication.processEvents()
    assert not window.inspector.unlink_button.isVisibleTo(window.inspector)
    assert chip.count == 0


def test_a_link_keeps_the_rows_of_the_entitys_references(window: MainWindow) -> None:
    """An entity whose values refer to other entities (an office and its holders): each
    link to it showed them by building their rows again (widgets to polish, and four
    reads per name). The rows stay while the values and the names they show are the
    same, and are built again when a name changes."""
    from akkord.domain.entities import Value
    from akkord.gui.attribute_form import RefField

    linked, unlinked = _linked_and_unlinked(window)
    session = window.session
    entity = session.entity(session.document.mentions[linked].entity_id)  # type: ignore[union-attr, arg-type]
    assert entity is not None and entity.kind == "actor"
    holder = next(e for e in session.service.entities("actor") if e.id != entity.id)
    session.set_attribute(entity, "holders", [Value(ref=holder.id)])
    session.select(unlinked)
    session.link(unlinked, entity.id)
    QApplication.processEvents()
    field = window.inspector.entity_form.fields["holders"]
    assert isinstance(field, RefField)

    def names() -> list[QWidget]:
        return [w for w in field.findChildren(QWidget) if getattr(w, "text", None)
                and w.text() == holder.name]  # type: ignore[attr-defined]

    (shown,) = names()
    session.link(unlinked, None)
    session.link(unlinked, entity.id)
    QApplication.processEvents()
    assert names() == [shown]  # the same row: not built again
    session.rename_entity(holder, "Ny innehaver")
    session.select(unlinked)
    QApplication.processEvents()
    assert [w.text() for w in field.findChildren(QWidget)  # type: ignore[attr-defined]
            if getattr(w, "text", None) and w.isVisibleTo(field)
            and w.text() == "Ny innehaver"]  # type: ignore[attr-defined]
