"""Text from data is never markup on the timeline (issue 8, defect 6).

The demo with hostile names: a meeting, an actor and every document title carry HTML
(an ``<img>`` of ``/dev/zero`` aborted the program with ``std::bad_alloc`` when a tool
tip rendered it). Every place the timeline shows them must show the characters.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QGraphicsTextItem, QLabel, QToolTip, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from akkord.gui.timeline_tooltips import plain_tooltip, publication_tooltip
from akkord.gui.timeline_view import TimelineView
from akkord.services.demo import create_demo
from akkord.store import Project, open_project
from akkord.store.models import Document, Entity
from tests.gui.conftest import shown_timeline

MEETING = 'Møte <b>x</b> &amp; <i>y</i>'
ACTOR = '<b>x</b>'
TITLE = 'Nyheter <img src="file:///dev/zero">'
GENEVA = "meeting/geneve-2022-01-10"


@pytest.fixture(scope="module")
def hostile_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = create_demo(tmp_path_factory.mktemp("hostile") / "demo.akkord")
    with open_project(path) as project, project.write() as session:
        session.execute(update(Entity).where(Entity.key == GENEVA).values(name=MEETING))
        session.execute(update(Entity).where(Entity.key == "actor/usa").values(name=ACTOR))
        session.execute(update(Document).values(title=TITLE))
    return path


@pytest.fixture
def hostile(hostile_path: Path) -> Iterator[Project]:
    with open_project(hostile_path) as project:
        yield project


@pytest.fixture
def view(qtbot: QtBot, hostile: Project) -> TimelineView:
    return shown_timeline(qtbot, hostile)


def _geneva(project: Project) -> int:
    with project.read() as session:
        found = session.scalar(select(Entity.id).where(Entity.key == GENEVA))
    assert found is not None
    return found


def hover(qtbot: QtBot, widget: QWidget, pos: QPoint) -> None:
    """Move the mouse to ``pos`` from beside it (no move event when already there)."""
    qtbot.mouseMove(widget, pos + QPoint(3, 3))
    qtbot.mouseMove(widget, pos)


def shown_text(tip: str) -> str:
    """What Qt shows for a tool tip: rich text rendered, plain text as it is."""
    if not QtGui.Qt.mightBeRichText(tip):
        return tip
    doc = QTextDocument()
    doc.setHtml(tip)
    return doc.toPlainText()


def test_tooltip_helpers_show_the_characters() -> None:
    for text in (TITLE, ACTOR, "&amp;", "a & b", "line\nbreak", "<qt>not rich</qt>"):
        assert shown_text(plain_tooltip(text)) == text
        assert shown_text(publication_tooltip(text)) == f"published: {text}"


def test_the_mentions_title_and_rows_show_names_and_titles_as_text(
        qtbot: QtBot, view: TimelineView, hostile: Project) -> None:
    view.select_entity(_geneva(hostile))
    panel = view.mentions
    qtbot.waitUntil(lambda: panel.list.count() > 0)
    assert panel.title.textFormat() == Qt.TextFormat.PlainText
    assert MEETING in panel.title.text()
    row = panel.list.item(0)
    assert shown_text(row.toolTip()) == TITLE
    html_doc = QTextDocument()
    html_doc.setHtml(str(row.data(Qt.ItemDataRole.UserRole + 1)))
    assert html_doc.toPlainText().startswith(TITLE)
    # the real tool tip of the row, shown by Qt on hover
    rect = panel.list.visualItemRect(row)
    hover(qtbot, panel.list.viewport(), rect.center())
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert shown_text(QToolTip.text()) == TITLE


def test_item_tooltips_show_names_and_titles_as_text(qtbot: QtBot, view: TimelineView,
                                                     hostile: Project) -> None:
    plot = view.plot
    scene = plot.scene_pos_of(_geneva(hostile))
    assert scene is not None
    hover(qtbot, plot.graphics.viewport(), plot.graphics.mapFromScene(scene))
    qtbot.waitUntil(lambda: MEETING in shown_text(plot.tooltip_text))
    text = shown_text(plot.tooltip_text)
    assert f"{ACTOR} (host)" in text and TITLE in text
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert MEETING in shown_text(QToolTip.text())


def test_lanes_names_legend_and_filters_are_plain_text(view: TimelineView) -> None:
    plot = view.plot
    assert ACTOR in plot.lane_axis.labels.values()  # drawn with drawText
    plot.show_range(date(2022, 1, 8), date(2022, 1, 16))
    plot.labels.drawn = []
    plot.graphics.grab()
    names = [text for _i, _p, text in plot.labels.drawn]
    assert any(text.startswith(MEETING[:10]) for text in names), names
    actors = view.filters.actors.list
    assert any(actors.item(i).text().startswith(ACTOR) for i in range(actors.count()))
    documents = view.filters.documents.list
    assert documents.item(0).text() == TITLE
    # nothing in the scene renders text as HTML (pyqtgraph's TextItem and LabelItem do)
    for item in plot.graphics.scene().items():
        if isinstance(item, QGraphicsTextItem):
            assert item.toPlainText() == "", item.toPlainText()
    for label in view.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
