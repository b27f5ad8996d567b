"""The timeline widget on the demo project, driven offscreen with real mouse events."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication, QToolTip, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from akkord.gui.timeline_view import TimelineView, grab_timeline
from akkord.services.timeline import TimelineFilter
from akkord.store import Project, open_project
from akkord.store.models import Entity
from tests.gui.conftest import shown_timeline

GENEVA = "meeting/geneve-2022-01-10"
ENLARGEMENT = "demand/no-nato-enlargement"


@pytest.fixture
def view(qtbot: QtBot, demo: Project) -> TimelineView:
    return shown_timeline(qtbot, demo)


def _id(project: Project, key: str) -> int:
    with project.read() as session:
        found = session.scalar(select(Entity.id).where(Entity.key == key))
    assert found is not None
    return found


def _double_click(qtbot: QtBot, widget: QWidget, pos: QPoint) -> None:
    """What Qt delivers for a real double click: press, release, double-click, release
    (``QTest.mouseDClick`` alone sends only the double-click event)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=pos)


def hover(qtbot: QtBot, widget: QWidget, pos: QPoint) -> None:
    """Move the mouse to ``pos`` from beside it: Qt sends no move event when the
    cursor is already there (an earlier test may have left it at the same spot)."""
    qtbot.mouseMove(widget, pos + QPoint(3, 3))
    qtbot.mouseMove(widget, pos)


def _point(view: TimelineView, entity_id: int) -> QPoint:
    """Where the item is drawn, in the coordinates of the plot's viewport."""
    scene = view.plot.scene_pos_of(entity_id)
    assert scene is not None
    return view.plot.graphics.mapFromScene(scene)


def _empty_point(view: TimelineView) -> QPoint:
    """A point of the plot where no item is drawn (found, not assumed: the demo grows)."""
    box = view.plot.view_box.sceneBoundingRect()
    for fx in (0.98, 0.5, 0.02):
        for fy in (0.98, 0.5, 0.02):
            scene = QPointF(box.left() + fx * box.width(), box.top() + fy * box.height())
            if view.plot.item_at(scene) is None:
                return view.plot.graphics.mapFromScene(scene)
    raise AssertionError("no empty place in the plot")


def test_default_view_shows_the_demo_months(view: TimelineView) -> None:
    assert view.mentions.isHidden()  # until an item is clicked
    start, end = view.visible_range()
    assert date(2021, 11, 25) <= start <= date(2021, 12, 7)
    assert date(2022, 1, 31) <= end <= date(2022, 2, 20)
    assert view.shown is not None and len(view.shown.items) == 34
    assert "34 items" in view.summary.text()
    labels = view.plot.lane_axis.labels.values()
    assert {"Russland", "USA", "Nato", "published"} <= set(labels)


def test_hover_shows_a_tooltip_with_name_date_and_participants(
        qtbot: QtBot, view: TimelineView, demo: Project) -> None:
    geneva = _id(demo, GENEVA)
    hover(qtbot, view.plot.graphics.viewport(), _point(view, geneva))
    qtbot.waitUntil(lambda: "Genève" in view.plot.tooltip_text)
    text = view.plot.tooltip_text
    assert "Strategiske stabilitetssamtaler" in text and "2022-01-09/2022-01-10" in text
    assert "participants" in text and "USA (host)" in text and "Russland" in text
    assert "document(s)" in text
    assert view.plot.hovered == geneva
    qtbot.waitUntil(lambda: QToolTip.isVisible() and "Genève" in QToolTip.text())
    QToolTip.hideText()  # a shown tip takes the next move itself (offscreen platform)
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    hover(qtbot, view.plot.graphics.viewport(), _empty_point(view))
    qtbot.waitUntil(lambda: view.plot.tooltip_text == "" and view.plot.hovered is None)


def test_hover_over_a_demand_names_its_addressees(qtbot: QtBot, view: TimelineView,
                                                  demo: Project) -> None:
    hover(qtbot, view.plot.graphics.viewport(), _point(view, _id(demo, ENLARGEMENT)))
    qtbot.waitUntil(lambda: "addressees" in view.plot.tooltip_text)
    assert "Nato" in view.plot.tooltip_text and "rejected" in view.plot.tooltip_text


def test_click_selects_and_lists_mentions_double_click_activates(
        qtbot: QtBot, view: TimelineView, demo: Project) -> None:
    geneva = _id(demo, GENEVA)
    point = _point(view, geneva)
    with qtbot.waitSignal(view.entity_clicked, timeout=3000) as clicked:
        qtbot.mouseClick(view.plot.graphics.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked.args == [geneva]
    assert view.selected == geneva and view.plot.highlight.rects
    qtbot.waitUntil(lambda: view.mentions.list.count() >= 5)
    assert "Strategiske" in view.mentions.title.text() and view.mentions.isVisible()
    with qtbot.waitSignal(view.entity_activated, timeout=3000) as activated:
        _double_click(qtbot, view.plot.graphics.viewport(), point)
    assert activated.args == [geneva]


def test_double_click_on_a_mention_asks_for_the_text(qtbot: QtBot, view: TimelineView,
                                                     demo: Project) -> None:
    view.select_entity(_id(demo, GENEVA))
    qtbot.waitUntil(lambda: view.mentions.list.count() > 0)
    first = view.mentions.list.item(0)
    doc_id, start, end = first.data(Qt.ItemDataRole.UserRole)
    rect = view.mentions.list.visualItemRect(first)
    with qtbot.waitSignal(view.mention_activated, timeout=3000) as activated:
        _double_click(qtbot, view.mentions.list.viewport(), rect.center())
    assert activated.args == [doc_id, start, end] and end > start


def test_highlight_entity_marks_the_item_and_brings_it_into_view(
        qtbot: QtBot, view: TimelineView, demo: Project) -> None:
    demand = _id(demo, ENLARGEMENT)
    view.show_range(date(2022, 1, 20), date(2022, 1, 30))  # the demand is out of view
    view.highlight_entity(demand)
    assert view.selected == demand and view.plot.highlight.points
    start, end = view.visible_range()
    assert start <= date(2021, 12, 17) <= end
    point = _point(view, demand)
    image = view.plot.graphics.grab().toImage()
    ring = image.pixelColor(point.x() + 9, point.y())  # the highlight ring, 9 px out
    assert ring.lightness() < 90, ring.name()
    view.highlight_entity(None)
    highlight = view.plot.highlight
    assert view.selected is None and not highlight.points and not highlight.rects


def test_filters_reduce_items(view: TimelineView, demo: Project) -> None:
    view.set_filter(TimelineFilter(kinds=frozenset({"meeting"})))
    assert view.shown is not None and len(view.shown.items) == 18
    assert view.filters.kinds.text() == "Kinds (1/2)" and not view.plot.markers
    view.set_filter(TimelineFilter(statuses=frozenset({"proposed"})))
    assert [i.status for i in view.shown.items] == ["proposed"]
    germany = _id(demo, "actor/tyskland")
    view.set_filter(TimelineFilter(actor_ids=frozenset({germany})))
    assert 0 < len(view.shown.items) < 34
    view.set_filter(TimelineFilter(start=date(2022, 1, 18), end=date(2022, 1, 18)))
    assert view.filters.use_dates.isChecked()
    assert all(i.earliest <= date(2022, 1, 18) <= i.latest for i in view.shown.items)
    start, end = view.visible_range()
    assert start <= date(2022, 1, 18) <= end and (end - start).days <= 3
    view.set_filter(TimelineFilter())
    assert len(view.shown.items) == 34 and view.filters.kinds.text() == "Kinds"


def test_the_filter_bar_filters(qtbot: QtBot, view: TimelineView) -> None:
    row = next(i for i in range(view.filters.kinds.list.count())
               if view.filters.kinds.list.item(i).text() == "Demand")
    with qtbot.waitSignal(view.filters.kinds.changed):
        view.filters.kinds.list.item(row).setCheckState(Qt.CheckState.Unchecked)
    assert view.shown is not None and {i.kind for i in view.shown.items} == {"meeting"}
    view.filters.date_from.setDate(date(2022, 1, 9))
    view.filters.date_to.setDate(date(2022, 1, 13))
    view.filters.use_dates.setChecked(True)
    assert view.shown.items and all(i.latest >= date(2022, 1, 9) for i in view.shown.items)
    assert len(view.shown.items) < 18
    view.filters.use_dates.setChecked(False)
    assert len(view.shown.items) == 18


def test_lanes_collapse_to_kinds_of_actors(view: TimelineView) -> None:
    view.set_collapsed(True)
    assert view.filters.collapse.isChecked() and view.plot.geometry_ is not None
    labels = [row.label for row in view.plot.geometry_.rows]
    assert labels[0].startswith("state (") and any(lbl.startswith("person (") for lbl in labels)
    view.set_collapsed(False)
    assert view.plot.geometry_.rows[0].label == "Russland"


def test_zoom_reaches_from_decades_to_hours(view: TimelineView) -> None:
    year = 365.25 * 86400
    middle = (view.plot.view_box.viewRange()[0][0] + view.plot.view_box.viewRange()[0][1]) / 2
    view.plot.view_box.setXRange(middle - 30 * year, middle + 30 * year, padding=0)
    (low, high), _y = view.plot.view_box.viewRange()
    assert high - low >= 50 * year
    view.plot.view_box.setXRange(middle - 1800, middle + 1800, padding=0)
    (low, high), _y = view.plot.view_box.viewRange()
    assert 3600 - 1 <= high - low <= 2 * 3600
    view.fit()


def _wheel(view: TimelineView, steps: int, modifiers: Qt.KeyboardModifier) -> None:
    viewport = view.plot.graphics.viewport()
    pos = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(pos, QPointF(viewport.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, modifiers,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)


def test_wheel_zooms_time_and_shift_wheel_scrolls_lanes(view: TimelineView) -> None:
    (x0, x1), (y0, y1) = view.plot.view_box.viewRange()
    _wheel(view, 2, Qt.KeyboardModifier.NoModifier)
    (zx0, zx1), (zy0, zy1) = view.plot.view_box.viewRange()
    assert zx1 - zx0 < (x1 - x0) * 0.95 and (zy0, zy1) == pytest.approx((y0, y1))
    view.plot.view_box.setYRange(10, 30, padding=0)
    (x0, x1), (y0, y1) = view.plot.view_box.viewRange()
    _wheel(view, -1, Qt.KeyboardModifier.ShiftModifier)
    (sx0, sx1), (sy0, _sy1) = view.plot.view_box.viewRange()
    assert (sx0, sx1) == pytest.approx((x0, x1)) and sy0 > y0


def test_export_png_and_svg(view: TimelineView, tmp_path: Path) -> None:
    png = view.export_png(tmp_path / "timeline.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = view.export_svg(tmp_path / "timeline.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and len(list(root.iter())) > 50


def test_grab_timeline_writes_a_screenshot(qtbot: QtBot, demo: Project, tmp_path: Path
                                           ) -> None:
    path = grab_timeline(demo, tmp_path / "shot.png", size=(900, 500),
                         select=_id(demo, GENEVA))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert (image.width(), image.height()) == (900, 500)
    assert image.pixelColor(5, 5) != QColor()


def test_an_empty_project_shows_an_empty_timeline(qtbot: QtBot, tmp_path: Path) -> None:
    with open_project(tmp_path / "empty.akkord", create=True) as project:
        widget = TimelineView(project)
        qtbot.addWidget(widget)
        widget.show()
        assert widget.shown is not None and widget.shown.items == []
        assert widget.plot.item_at(QPointF(10, 10)) is None
        widget.set_project(None)
        assert widget.shown is None
