"""Suggestions in the window, driven by real keys and mouse events (offscreen pytest-qt):
pre-annotation on opening, linking that remembers, accepting and rejecting, annotate
all with the review list, parts of words, and what a suggestion shows of its source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from akkord.gui.article_view import mention_tooltip
from akkord.gui.main_window import MainWindow
from akkord.gui.relation_suggestions import RelationSuggestionsDialog
from akkord.gui.screenshot import save_suggestion_screenshots
from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.store import Project, open_project
from akkord.store.models import Document, EntityAlias, Mention
from tests.services.editing import add, new_entity

FIRST = ("Nato-sjef Jens Stoltenberg møtte Russland i Brussel. Alliansen svarte at Nato står "
         "samlet. Russland krevde svar, og Nato avviste kravet.")
SECOND = "Russlands utenriksminister kritiserte Nato. Alliansen og Russland møtes i Genève."
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "s.akkord"
    with open_project(path, create=True) as project:
        with project.write() as session:
            for n, text in enumerate((FIRST, SECOND), 1):
                session.add(Document(content_hash=f"h{n}", text=text, meta={}, parts=[],
                                     title=f"Artikkel {n}"))
        gold = Annotation(project, "gold")
        new_entity(gold, "actor", "Nato")
        new_entity(gold, "actor", "Russland")
        new_entity(gold, "actor", "Jens Stoltenberg")
    return path


def _window(qtbot: QtBot, path: Path, suggest: bool) -> MainWindow:
    win = MainWindow(open_project(path), "kari", suggest=suggest)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.session.document is not None)
    return win


@pytest.fixture
def window(qtbot: QtBot, project_path: Path) -> Iterator[MainWindow]:
    yield _window(qtbot, project_path, suggest=True)


@pytest.fixture
def plain(qtbot: QtBot, project_path: Path) -> Iterator[MainWindow]:
    """A window without suggestions on opening (what the test makes is all there is)."""
    yield _window(qtbot, project_path, suggest=False)


def at(text: str, word: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(word, start + 1)
    return start, start + len(word)


def stored(project: Project) -> list[tuple[int, int, int, str, str, int | None, str | None]]:
    with project.read() as session:
        return [tuple(r) for r in session.execute(
            select(Mention.document_id, Mention.start, Mention.end, Mention.label,
                   Mention.status, Mention.entity_id, Mention.origin)
            .order_by(Mention.document_id, Mention.start))]


def aliases(project: Project) -> list[str]:
    with project.read() as session:
        return list(session.scalars(select(EntityAlias.alias).order_by(EntityAlias.id)))


def entity_id(window: MainWindow, name: str) -> int:
    found = [e.id for e in window.session.service.entities() if e.name == name]
    assert found, name
    return found[0]


def select_mention_at(window: MainWindow, start: int, end: int) -> int:
    document = window.session.document
    assert document is not None
    found = [m.id for m in document.mentions.values() if (m.start, m.end) == (start, end)]
    assert found, (start, end)
    window.session.select(found[0])
    window.view.setFocus()
    return found[0]


# -- pre-annotation ----------

def test_opening_a_new_document_suggests_the_projects_names(window: MainWindow) -> None:
    nato, russland = entity_id(window, "Nato"), entity_id(window, "Russland")
    rows = [r for r in stored(window.project) if r[0] == 1]
    assert [(FIRST[s:e], status, entity, origin) for _, s, e, _, status, entity, origin
            in rows] == [
        ("Jens Stoltenberg", "suggested", entity_id(window, "Jens Stoltenberg"), "alias"),
        ("Russland", "suggested", russland, "alias"),
        ("Nato", "suggested", nato, "alias"),  # never the "Nato" inside "Nato-sjef"
        ("Russland", "suggested", russland, "alias"),
        ("Nato", "suggested", nato, "alias")]
    assert window.session.undo_stack.count() == 0  # no one made them: nothing to undo
    assert "5 mentions (5 suggested)" in window.counts_label.text()
    window.session.open_document(2)
    window.session.open_document(1)  # opened again: nothing new
    assert [r for r in stored(window.project) if r[0] == 1] == rows


def test_a_suggestion_shows_its_source_score_and_gap(window: MainWindow) -> None:
    mention_id = select_mention_at(window, *at(FIRST, "Russland"))
    assert window.inspector.provenance.isVisible()
    assert window.inspector.provenance.text() == "known name · score 0.90 · gap 0.90"
    document = window.session.document
    assert document is not None
    tip = mention_tooltip(document.mentions[mention_id])
    assert tip.splitlines() == ["ACTOR · suggested",
                                "suggested by: known name · score 0.90 · gap 0.90",
                                "Enter accepts, Delete rejects"]


def test_enter_accepts_delete_rejects_and_both_undo(window: MainWindow, qtbot: QtBot) -> None:
    select_mention_at(window, *at(FIRST, "Russland"))
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    select_mention_at(window, *at(FIRST, "Nato", 2))
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    statuses = {FIRST[s:e] + str(s): status for d, s, e, _l, status, _e, _o
                in stored(window.project) if d == 1}
    assert statuses[f"Russland{at(FIRST, 'Russland')[0]}"] == "accepted"
    assert statuses[f"Nato{at(FIRST, 'Nato', 2)[0]}"] == "rejected"
    assert not window.picker.isVisible()  # accepted with its entity: nothing to link
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert {r[4] for r in stored(window.project) if r[0] == 1} == {"suggested"}


# -- linking that remembers ----------

def open_picker_on(window: MainWindow, qtbot: QtBot, start: int, end: int) -> None:
    """Select ``[start, end)`` in the article and press the ACTOR key: the picker opens."""
    cursor = window.view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    window.view.setFocus()
    qtbot.keyClick(window.view, "1")
    qtbot.waitUntil(window.picker.isVisible)


def test_linking_remembers_the_form_in_one_undo_step(plain: MainWindow, qtbot: QtBot) -> None:
    window = plain
    open_picker_on(window, qtbot, *at(FIRST, "Alliansen"))
    window.picker.query.clear()
    qtbot.keyClicks(window.picker.query, "Nato")
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Return)
    assert aliases(window.project) == ["alliansen"]  # the sentence's capital dropped
    assert window.inspector.aliases.text() == "alliansen"  # visible, and editable there
    # the remembered form finds Nato first in the other document
    window.session.open_document(2)
    assert window.session.candidates("actor", "Alliansen")[0].name == "Nato"
    window.session.open_document(1)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # link and alias together
    assert aliases(window.project) == []
    assert [r[5] for r in stored(window.project)] == [None]
    # removed in the inspector, it is gone; undo brings it back
    window.undo_action.trigger()
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert aliases(window.project) == ["alliansen"]
    window.session.select(window.session.document.mentions_of_entity(  # type: ignore[union-attr]
        entity_id(window, "Nato"))[0])
    window.inspector.aliases.setText("")
    window.inspector.aliases.editingFinished.emit()
    assert aliases(window.project) == []
    window.undo_action.trigger()
    assert aliases(window.project) == ["alliansen"]


def test_the_picker_lists_the_entity_linked_nearest_before_the_mention_first(
        plain: MainWindow, qtbot: QtBot) -> None:
    """Opened on "kravet", which names no entity, the picker lists the document's linked
    entities, the one linked nearest before the mention first (Russland, though Nato
    would come first by name), below "+ New"."""
    window = plain
    nato, russia = entity_id(window, "Nato"), entity_id(window, "Russland")
    add(window.session.service, 1, at(FIRST, "Nato", 2), "ACTOR", entity_id=nato)
    add(window.session.service, 1, at(FIRST, "Russland", 2), "ACTOR", entity_id=russia)
    window.session.reload()
    assert [c.name for c in window.session.candidates("actor", "kravet")] == [
        "Nato", "Russland"]  # no place: by name
    open_picker_on(window, qtbot, *at(FIRST, "kravet"))
    rows = [window.picker.list.item(i).text() for i in range(window.picker.list.count())]
    assert rows[0].startswith("+ New") and rows[1].startswith("Russland")
    assert window.picker.list.currentRow() == 0  # never preselected over "+ New"
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Escape)


def test_arrow_keys_and_enter_link_the_second_and_third_row(plain: MainWindow,
                                                            qtbot: QtBot) -> None:
    """The replay counts ↓ / ↑ per row moved plus Enter (effort_replay ``arrows``): in the
    window, from the preselected "+ New", ↓ ↓ ↑ Enter links the second row and ↓ ↓ Enter
    the third, with the query line keeping the focus."""
    window = plain
    nato, russia = entity_id(window, "Nato"), entity_id(window, "Russland")
    add(window.session.service, 1, at(FIRST, "Nato", 2), "ACTOR", entity_id=nato)
    add(window.session.service, 1, at(FIRST, "Russland", 2), "ACTOR", entity_id=russia)
    window.session.reload()

    def rows() -> list[str]:
        return [window.picker.list.item(i).text() for i in range(window.picker.list.count())]

    def entity_at(word: str, occurrence: int) -> list[int | None]:
        return [r[5] for r in stored(window.project) if (r[1], r[2]) == at(FIRST, word,
                                                                           occurrence)]

    open_picker_on(window, qtbot, *at(FIRST, "svar", 2))  # "krevde svar": no name
    assert [r.split()[0] for r in rows()] == ["+", "Russland", "Nato"]
    assert window.picker.list.currentRow() == 0
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Up):
        qtbot.keyClick(window.picker.query, key)
    assert window.picker.query.hasFocus() and window.picker.list.currentRow() == 1
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.picker.isVisible())
    assert entity_at("svar", 2) == [russia]
    open_picker_on(window, qtbot, *at(FIRST, "kravet"))
    assert [r.split()[0] for r in rows()] == ["+", "Russland", "Nato"]
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Down)
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Down)
    assert window.picker.list.currentRow() == 2
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.picker.isVisible())
    assert entity_at("kravet", 1) == [nato]

# -- annotate all and the review list ----------

def test_find_every_occurrence_then_review_by_keyboard(plain: MainWindow, qtbot: QtBot) -> None:
    window = plain
    nato = entity_id(window, "Nato")
    first = add(window.session.service, 1, at(FIRST, "Nato", 2), "ACTOR", entity_id=nato)
    window.session.reload()
    window.session.select(first)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_G, CTRL)
    found = [r for r in stored(window.project) if r[4] == "suggested"]
    assert [(FIRST[s:e], entity, origin) for _d, s, e, _l, _s, entity, origin in found] == [
        ("Nato", nato, "occurrence")]  # not the "Nato" of "Nato-sjef"
    review = window.suggesting.review
    qtbot.waitUntil(window.suggesting.review_dock.isVisible)
    assert review.table.hasFocus() and len(review.model.rows) == 1
    assert window.session.selected == review.current_item().mention_id  # type: ignore[union-attr]
    # the whole project: one key, then the list on them
    window.view.setFocus()
    window.session.select(first)
    qtbot.keyClick(window.view, Qt.Key.Key_G, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert review.project_wide
    assert [(r.document_id, r.text) for r in review.model.rows] == [(1, "Nato"), (2, "Nato")]
    assert review.model.text(review.model.rows[1], 6) == "Artikkel 2"
    # Enter accepts the current one and moves on (showing it: its document opens)
    review.select_mention(review.model.rows[0].mention_id)
    qtbot.keyClick(review.table, Qt.Key.Key_Return)
    assert [(r.document_id, r.text) for r in review.model.rows] == [(2, "Nato")]
    assert window.session.document is not None and window.session.document.id == 2
    qtbot.keyClick(review.table, Qt.Key.Key_Delete)
    assert review.model.rows == []
    assert sorted(r[4] for r in stored(window.project)) == ["accepted", "manual", "rejected"]
    window.undo_action.trigger()
    window.undo_action.trigger()
    review.refresh()
    assert len(review.model.rows) == 2


def test_a_label_key_in_the_review_list_relabels_and_links_the_suggestion(
        window: MainWindow, qtbot: QtBot) -> None:
    """"Russland" proposed as the ACTOR where the text means the place: 5 (PLACE) on its
    row relabels it and opens the picker; Enter there links it to a new place and accepts
    it, and the keyboard is back in the list. The row's own label's key (1) just opens
    the picker (another entity)."""
    window.suggesting.open_review()
    review = window.suggesting.review
    before = len(review.model.rows)
    russia = next(r for r in review.model.rows if r.text == "Russland")
    assert review.select_mention(russia.mention_id)
    review.table.setFocus()
    qtbot.keyClick(review.table, "5")
    qtbot.waitUntil(window.picker.isVisible)
    assert window.picker.kind == "place"
    assert window.picker.list.currentItem().text().startswith("+ New")
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.picker.isVisible())
    row = next(r for r in stored(window.project) if (r[0], r[1], r[2]) == (
        1, russia.start, russia.end))
    assert row[3:5] == ("PLACE", "accepted")
    assert window.session.entity(row[5]).kind == "place"  # type: ignore[arg-type, union-attr]
    review.refresh()
    assert len(review.model.rows) == before - 1
    qtbot.waitUntil(review.table.hasFocus)
    nato = next(r for r in review.model.rows if r.text == "Nato")
    assert review.select_mention(nato.mention_id)
    review.table.setFocus()
    qtbot.keyClick(review.table, "1")
    qtbot.waitUntil(window.picker.isVisible)
    assert window.picker.kind == "actor"
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Escape)
    assert next(r for r in stored(window.project) if r[1:3] == (nato.start, nato.end))[3:5] \
        == ("ACTOR", "suggested")


def test_accept_all_and_reject_all_are_one_step_each(window: MainWindow, qtbot: QtBot) -> None:
    window.suggesting.open_review()
    review = window.suggesting.review
    assert len(review.model.rows) == 5
    qtbot.keyClick(review.table, Qt.Key.Key_Return, CTRL)
    assert {r[4] for r in stored(window.project) if r[0] == 1} == {"accepted"}
    assert review.model.rows == [] and review.count.text() == "Nothing to review"
    window.undo_action.trigger()
    review.refresh()
    assert len(review.model.rows) == 5
    qtbot.keyClick(review.table, Qt.Key.Key_Delete, CTRL)
    assert {r[4] for r in stored(window.project) if r[0] == 1} == {"rejected"}
    window.undo_action.trigger()
    assert {r[4] for r in stored(window.project) if r[0] == 1} == {"suggested"}


def test_least_certain_first(window: MainWindow, qtbot: QtBot) -> None:
    """Suggestions with a smaller gap to the runner-up come first in that order."""
    add(window.session.service, 1, at(FIRST, "Brussel"), "PLACE", status="suggested")
    with window.project.write() as session:
        session.execute(Mention.__table__.update().where(  # type: ignore[attr-defined]
            Mention.start == at(FIRST, "Brussel")[0]).values(origin="model", score=0.61,
                                                             score_gap=0.05))
    window.session.reload()
    window.suggesting.open_review()
    review = window.suggesting.review
    review.order.setCurrentIndex(1)
    assert review.model.rows[0].text == "Brussel"
    assert [review.model.text(review.model.rows[0], c) for c in range(1, 6)] == [
        "PLACE", "", "model", "0.61", "0.05"]
    review.order.setCurrentIndex(0)
    assert review.model.rows[0].text == "Jens Stoltenberg"


# -- parts of words ----------

def _drag(window: MainWindow, qtbot: QtBot, start: int, end: int,
          modifiers: Qt.KeyboardModifier) -> None:
    """Press at ``start``, move and release at ``end`` with ``modifiers`` held."""
    viewport = window.view.viewport()
    a = window.view.span_rects(start, start + 1)[0]
    b = window.view.span_rects(end - 1, end)[0]
    press = QPointF(a.left() + 0.5, a.center().y())
    release = QPointF(b.right() - 0.5, b.center().y())
    for kind, point, buttons in (
            (QEvent.Type.MouseButtonPress, press, Qt.MouseButton.LeftButton),
            (QEvent.Type.MouseMove, release, Qt.MouseButton.LeftButton),
            (QEvent.Type.MouseButtonRelease, release, Qt.MouseButton.NoButton)):
        event = QMouseEvent(kind, point, viewport.mapToGlobal(point), Qt.MouseButton.LeftButton,
                            buttons, modifiers)
        QApplication.sendEvent(viewport, event)
    qtbot.wait(1)


@pytest.mark.parametrize("modifier", [Qt.KeyboardModifier.ControlModifier,
                                      Qt.KeyboardModifier.AltModifier])
def test_ctrl_or_alt_while_selecting_takes_part_of_a_word(plain: MainWindow, qtbot: QtBot,
                                                          modifier: Qt.KeyboardModifier) -> None:
    window = plain
    _drag(window, qtbot, 0, 4, modifier)  # "Nato" of "Nato-sjef"
    assert window.view.textCursor().selectedText() == "Nato"
    qtbot.keyClick(window.view, "1")
    qtbot.keyClick(window.picker.query, Qt.Key.Key_Escape)
    assert [(s, e) for _d, s, e, *_ in stored(window.project)] == [(0, 4)]


def test_without_a_modifier_a_selection_snaps_to_the_word(plain: MainWindow,
                                                          qtbot: QtBot) -> None:
    _drag(plain, qtbot, 0, 4, Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(plain.view, "1")
    qtbot.keyClick(plain.picker.query, Qt.Key.Key_Escape)
    assert [(s, e) for _d, s, e, *_ in stored(plain.project)] == [(0, 9)]  # Nato-sjef


def test_edges_move_by_a_character_or_say_why_not(plain: MainWindow, qtbot: QtBot) -> None:
    window = plain
    mention = add(window.session.service, 1, at(FIRST, "Nato-sjef"), "ACTOR")
    window.session.reload()
    window.session.select(mention)
    window.view.setFocus()
    shift = Qt.KeyboardModifier.ShiftModifier
    for _ in range(5):
        qtbot.keyClick(window.view, Qt.Key.Key_Left, CTRL | shift)
    assert stored(window.project)[0][1:3] == (0, 4)  # "Nato"
    qtbot.keyClick(window.view, Qt.Key.Key_Right, CTRL)
    assert stored(window.project)[0][1:3] == (1, 4)
    qtbot.keyClick(window.view, Qt.Key.Key_Left, CTRL)
    qtbot.keyClick(window.view, Qt.Key.Key_Left, CTRL)  # at the start of the text
    assert stored(window.project)[0][1:3] == (0, 4)
    assert "already at the start of the text" in window.statusBar().currentMessage()
    alt_shift = Qt.KeyboardModifier.AltModifier | shift
    qtbot.keyClick(window.view, Qt.Key.Key_Left, alt_shift)  # one word: cannot shrink
    assert stored(window.project)[0][1:3] == (0, 4)
    assert "single word" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_Right, alt_shift)  # to the end of the word
    assert stored(window.project)[0][1:3] == (0, 9)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, alt_shift)
    assert stored(window.project)[0][1:3] == (0, 14)  # "Nato-sjef Jens"
    qtbot.keyClick(window.view, Qt.Key.Key_Left, alt_shift)
    assert stored(window.project)[0][1:3] == (0, 9)


def test_a_keyboard_selection_after_an_exact_one_snaps_again(plain: MainWindow,
                                                              qtbot: QtBot) -> None:
    _drag(plain, qtbot, 0, 4, CTRL)
    assert plain.view.exact
    start = at(FIRST, "Russland")[0]
    cursor = plain.view.textCursor()
    cursor.setPosition(start)
    plain.view.setTextCursor(cursor)
    qtbot.keyClick(plain.view, Qt.Key.Key_Right)  # an ordinary key that moves the cursor
    assert not plain.view.exact


# -- suggested relations ----------

def test_suggested_relations_are_checked_and_added_with_enter(plain: MainWindow,
                                                              qtbot: QtBot) -> None:
    window, service = plain, plain.session.service
    russland = entity_id(window, "Russland")
    talks = new_entity(service, "meeting", "Samtalene")
    actor = add(service, 1, at(FIRST, "Russland"), "ACTOR", entity_id=russland)
    meeting = add(service, 1, at(FIRST, "møtte"), "MEETING", entity_id=talks)
    service.apply(edits.AddRelation("participant", actor, meeting))  # Russland takes part
    add(service, 2, at(SECOND, "Russland", 2), "ACTOR", entity_id=russland)
    add(service, 2, at(SECOND, "møtes"), "MEETING", entity_id=talks)
    add(service, 2, at(SECOND, "Nato"), "ACTOR", entity_id=entity_id(window, "Nato"))
    window.session.open_document(2)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_R, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.findChild(RelationSuggestionsDialog)
    assert dialog is not None and dialog.isVisible()
    assert [dialog.list.item(r).text() for r in range(dialog.list.count())] == [
        "Russland  —participant→  møtes"]
    assert "record, probability 0.50" in dialog.list.item(0).toolTip()  # no examples yet
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)  # unchecks it
    assert dialog.chosen() == []
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    document = window.session.document
    assert document is not None
    assert [(r.type, document.surface(r.head), document.surface(r.tail))
            for r in document.relations.values()] == [("participant", "Russland", "møtes")]
    window.undo_action.trigger()
    assert not window.session.document.relations  # type: ignore[union-attr]


def test_suggestion_screenshots_in_the_dark_palette(qtbot: QtBot, tmp_path: Path) -> None:
    """The README's pictures are made by ``akkord screenshot --suggestions``; this one in
    the dark palette, on a scratch demo (a recommender trained on its gold layer)."""
    written = save_suggestion_screenshots(tmp_path, dark=True)
    assert [p.name for p in written] == ["suggestions-dark.png", "suggestions-review-dark.png"]
    for path in written:
        image = QImage(str(path))
        assert image.width() > 1000
        corner = image.pixelColor(image.width() // 2, image.height() // 2)
        assert corner.lightness() < 128  # the article's page is dark, not a light one
