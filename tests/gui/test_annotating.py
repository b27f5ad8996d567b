"""A whole annotation session driven through the real widgets (offscreen pytest-qt).

Each test presses real keys in the real window and then reads the database: what the
window shows as done must be committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from akkord.gui.main_window import MainWindow
from akkord.services.annotation import Annotation
from akkord.store import Project, open_project
from akkord.store.models import Annotator, DocumentState, Entity, Mention, Relation
from tests.services.editing import add, link, new_entity

FIRST = (" date 2022-01-12 RÅDET: Delegasjonene samles i Brussel.\n\n"
         "Nato og Russland møttes i Brussel\n\n"
         "Natos generalsekretær Jens Stoltenberg ledet møtet onsdag. Russland krevde at Nato "
         "stanser utvidelsen. Stoltenberg avviste kravet.\n")
SECOND = (" date 2022-01-21 GENÈVE: Ministrene møttes.\n\nBlinken møtte Lavrov\n\n"
          "Stoltenberg var ikke til stede da Blinken møtte Lavrov i Genève.\n")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    from akkord.services.importing import ImportOptions, import_paths

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(SECOND, encoding="utf-8")
    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project:
        options = ImportOptions(suggest_times=False)  # tests/services/test_dating.py has them
        assert not import_paths(project, [tmp_path / "in"], options).problems
    return path


@pytest.fixture
def window(qtbot: QtBot, project_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_project(project_path), "kari", suggest=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.session.document is not None)
    yield win


def select_text(win: MainWindow, text: str, occurrence: int = 1,
                partial: slice | None = None) -> tuple[int, int]:
    doc = win.session.document
    assert doc is not None
    start = -1
    for _ in range(occurrence):
        start = doc.text.index(text, start + 1)
    end = start + len(text)
    a, b = (start, end) if partial is None else (start + partial.start, start + partial.stop)
    cursor = win.view.textCursor()
    cursor.setPosition(doc.to_qt(a))
    cursor.setPosition(doc.to_qt(b), QTextCursor.MoveMode.KeepAnchor)
    win.view.setTextCursor(cursor)
    win.view.setFocus()
    return start, end


def mentions(project: Project) -> list[tuple[int, int, str, int | None, str]]:
    with project.read() as session:
        return [tuple(r) for r in session.execute(
            select(Mention.start, Mention.end, Mention.label, Mention.entity_id, Mention.status)
            .order_by(Mention.start))]


def test_select_press_key_and_the_row_is_saved(window: MainWindow, qtbot: QtBot) -> None:
    start, end = select_text(window, "Jens Stoltenberg", partial=slice(2, 9))  # "ns Stol"
    qtbot.keyClick(window.view, "1")
    assert mentions(window.project) == [(start, end, "ACTOR", None, "manual")]
    qtbot.waitUntil(window.picker.isVisible)  # ACTOR links to an entity: the picker opens
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Escape)
    assert not window.picker.isVisible()
    with window.project.read() as session:
        assert session.scalar(select(Annotator.name).join(
            Mention, Mention.annotator_id == Annotator.id)) == "kari"
        assert session.scalar(select(DocumentState.status)) == "in progress"
    assert window.session.selected is not None
    assert "1 mentions" in window.counts_label.text()


def test_link_by_typing_a_new_name_then_reuse_it(window: MainWindow, qtbot: QtBot) -> None:
    select_text(window, "Jens Stoltenberg")
    qtbot.keyClick(window.view, "1")
    qtbot.waitUntil(window.picker.isVisible)
    window.picker.query.clear()
    qtbot.keyClicks(window.picker.query, "Jens Stoltenberg")
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Return)
    with window.project.read() as session:
        entity = session.scalars(select(Entity)).one()
    assert entity.name == "Jens Stoltenberg" and entity.kind == "actor"
    assert mentions(window.project)[0][3] == entity.id
    # The genitive-free surname finds him first; Enter accepts the top candidate.
    start, end = select_text(window, "Stoltenberg", occurrence=2)
    qtbot.keyClick(window.view, "1")
    qtbot.waitUntil(window.picker.isVisible)
    assert window.picker.list.currentItem().text().startswith("Jens Stoltenberg")
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Return)
    assert (start, end, "ACTOR", entity.id, "manual") in mentions(window.project)


def test_undo_and_redo_every_edit(window: MainWindow, qtbot: QtBot) -> None:
    select_text(window, "Russland", occurrence=2)
    qtbot.keyClick(window.view, "1")
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Escape)
    qtbot.keyClick(window.view, "5")  # relabel the selected mention
    assert [m[2] for m in mentions(window.project)] == ["PLACE"]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [m[2] for m in mentions(window.project)] == ["ACTOR"]
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert mentions(window.project) == []
    assert window.session.document is not None and not window.session.document.mentions
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert [m[2] for m in mentions(window.project)] == ["PLACE"]
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert mentions(window.project) == []
    window.undo_action.trigger()
    assert [m[2] for m in mentions(window.project)] == ["PLACE"]


def test_link_identical_merge_and_undo(window: MainWindow, qtbot: QtBot) -> None:
    service = window.session.service
    doc = window.session.document
    assert doc is not None
    nato_spans = [(i, i + 4) for i in range(len(doc.text)) if doc.text.startswith("Nato ", i)]
    ids = [add(service, doc.id, (s, e), "ACTOR") for s, e in nato_spans]
    window.session.reload()
    window.session.select(ids[0])
    window.session.link_new(ids[0], "Nato")
    qtbot.keyClick(window.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    nato = window.session.entity(window.session.document.mentions[ids[0]].entity_id or 0)
    assert nato is not None and nato.mentions == len(ids)
    other = new_entity(service, "actor", "NATO-alliansen")
    link(service, ids[-1], other)
    window.session.reload()
    keep, drop = service.entity(nato.id), service.entity(other)
    window.session.merge(keep, drop)
    with window.project.read() as session:
        assert session.scalars(select(Entity.name)).all() == ["Nato"]
        assert set(session.scalars(select(Mention.entity_id))) == {nato.id}
    window.undo_action.trigger()
    with window.project.read() as session:
        assert sorted(session.scalars(select(Entity.name))) == ["NATO-alliansen", "Nato"]
        assert session.scalar(select(Mention.entity_id).where(Mention.id == ids[-1])) == other


def test_clicking_nested_mentions_selects_each(window: MainWindow, qtbot: QtBot) -> None:
    doc = window.session.document
    assert doc is not None
    service = window.session.service
    outer_start = doc.text.index("Natos generalsekretær Jens Stoltenberg")
    outer = add(service, doc.id, (outer_start, outer_start + 38), "ACTOR")
    inner = add(service, doc.id, (outer_start, outer_start + 5), "ACTOR")
    window.session.reload()
    assert window.view.model is not None
    assert window.view.model.index.level(inner) == 1
    rect = window.view.span_rects(outer_start, outer_start + 2)[0]
    point = rect.center().toPoint()
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.session.selected == inner
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.session.selected == outer
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.session.selected == inner  # text order: outer first, then inner
    empty = window.view.span_rects(doc.text.index("ledet"), doc.text.index("ledet") + 1)[0]
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=empty.center().toPoint())
    assert window.session.selected is None


def test_shift_arrows_extend_by_word_and_alt_moves_edges(window: MainWindow,
                                                         qtbot: QtBot) -> None:
    doc = window.session.document
    assert doc is not None
    start = doc.text.index("Jens")
    cursor = window.view.textCursor()
    cursor.setPosition(doc.to_qt(start))
    window.view.setTextCursor(cursor)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert window.view.textCursor().selectedText() == "Jens Stoltenberg"
    qtbot.keyClick(window.view, "1")
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Escape)
    alt_shift = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.view, Qt.Key.Key_Right, alt_shift)
    assert doc.surface(window.session.selected or 0) == "Jens Stoltenberg ledet"
    qtbot.keyClick(window.view, Qt.Key.Key_Left, alt_shift)
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert doc.surface(window.session.selected or 0) == "generalsekretær Jens Stoltenberg"
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert mentions(window.project)[0][:2] == (start, start + len("Jens Stoltenberg"))


def test_suggestions_are_accepted_or_rejected(window: MainWindow, qtbot: QtBot) -> None:
    doc = window.session.document
    assert doc is not None
    service = window.session.service
    first = doc.text.index("onsdag")
    time = add(service, doc.id, (first, first + 6), "TIME", status="suggested")
    nato = doc.text.index("Nato stanser")
    actor = add(service, doc.id, (nato, nato + 4), "ACTOR", status="suggested")
    window.session.reload()
    window.session.select(time)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert not window.statusBar().currentMessage().endswith("not linked")
    window.session.select(actor)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    statuses = {m[2]: m[4] for m in mentions(window.project)}
    assert statuses == {"TIME": "accepted", "ACTOR": "rejected"}


def test_relation_fills_the_meeting_and_is_listed(window: MainWindow) -> None:
    doc = window.session.document
    assert doc is not None
    service = window.session.service
    jens = new_entity(service, "actor", "Jens Stoltenberg")
    meeting = new_entity(service, "meeting", "NRC 12. januar")
    a = doc.text.index("Jens Stoltenberg")
    m = doc.text.index("møtet")
    actor = add(service, doc.id, (a, a + 16), "ACTOR", entity_id=jens)
    talk = add(service, doc.id, (m, m + 5), "MEETING", entity_id=meeting)
    window.session.reload()
    window.session.select(actor)
    window.session.add_relation("participant", actor, talk)
    assert window.inspector.relations.count() == 1
    assert "participant" in window.inspector.relations.item(0).text()
    participants = service.entity(meeting).values["participants"]
    assert [(v.ref, v.evidence) for v in participants] == [(jens, actor)]
    window.undo_action.trigger()
    assert "participants" not in service.entity(meeting).values
    with window.project.read() as session:
        assert session.scalars(select(Relation)).all() == []


def test_mark_done_progress_and_next_document(window: MainWindow, qtbot: QtBot) -> None:
    first = window.session.document
    assert first is not None
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    with window.project.read() as session:
        assert session.scalar(select(DocumentState.status)) == "done"
    assert window.progress_label.text().strip() == "1 of 2 done"
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.session.document is not None
                    and window.session.document.id != first.id)
    window.documents.status.setCurrentIndex(window.documents.status.findData("done"))
    assert window.documents.model.rowCount() == 1
    window.documents.status.setCurrentIndex(0)
    window.documents.date.setText("2022-01-21")
    assert window.documents.model.rowCount() == 1


def test_reopening_shows_exactly_the_same_state(qtbot: QtBot, project_path: Path) -> None:
    first = MainWindow(open_project(project_path), "kari", suggest=False)
    qtbot.addWidget(first)
    select_text(first, "Brussel", occurrence=2)
    qtbot.keyClick(first.view, "5")
    qtbot.keyClick(first.picker.query, Qt.Key.Key_Escape)
    before = mentions(first.project)
    first.close()
    second = MainWindow(open_project(project_path), "kari", suggest=False)
    qtbot.addWidget(second)
    assert second.session.document is not None
    shown = [(m.start, m.end, m.label) for m in second.session.document.mentions.values()]
    assert shown == [b[:3] for b in before]


def test_shortcut_overlay(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert window.overlay.isVisible()
    rows = window.overlay.rows()
    assert ("1", "label ACTOR") in rows
    assert ("R", "add a relation from the selected mention") in rows  # from the action table
    qtbot.keyClick(window.overlay, Qt.Key.Key_Escape)
    assert not window.overlay.isVisible()


def test_layers_are_separate_in_the_window(qtbot: QtBot, project_path: Path) -> None:
    with open_project(project_path) as project:
        gold = Annotation(project, "gold")
        doc = gold.load_document(1)
        start = doc.text.index("Russland")
        add(gold, 1, (start, start + 8), "ACTOR")
    window = MainWindow(open_project(project_path), "kari", "gold", suggest=False)
    qtbot.addWidget(window)
    assert window.session.document is not None and len(window.session.document.mentions) == 1
    assert "gold layer (kari)" in window.windowTitle()
    mine = window.replace_with(window.project, "kari")
    qtbot.addWidget(mine)
    assert mine.session.document is not None and not mine.session.document.mentions
    assert mine.view.viewport().mapToGlobal(QPoint(0, 0)) is not None


def test_commands_without_a_selection_say_what_to_do(window: MainWindow, qtbot: QtBot) -> None:
    window.session.select(None)
    window.view.setFocus()
    for key, word in ((Qt.Key.Key_R, "press R"), (Qt.Key.Key_Delete, "then Delete"),
                      (Qt.Key.Key_Return, "then Enter")):
        window.statusBar().clearMessage()
        qtbot.keyClick(window.view, key)
        assert word in window.statusBar().currentMessage()
    assert mentions(window.project) == []


def test_painted_places_follow_the_text_when_the_window_narrows(window: MainWindow,
                                                                qtbot: QtBot) -> None:
    """The view keeps where each span lies (a repaint costs rectangles, not a layout
    walk); after the lines wrap elsewhere, what it paints must be where the text is."""
    doc = window.session.document
    assert doc is not None
    start = doc.text.index("Stoltenberg avviste")
    span = (start, start + len("Stoltenberg avviste kravet"))
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: window.view.viewport().width() > 450)
    before = window.view.span_rects(*span)
    cursor = window.view.cursorForPosition(before[0].center().toPoint())
    assert doc.from_qt(cursor.position()) in range(*span)
    window.view.setFixedWidth(230)  # the reading column wraps into short lines
    qtbot.waitUntil(lambda: window.view.viewport().width() < 250)
    after = window.view.span_rects(*span)
    assert after != before
    for rect in after:  # every rectangle still covers the span's own letters
        cursor = window.view.cursorForPosition(rect.center().toPoint())
        assert start <= doc.from_qt(cursor.position()) <= span[1]
