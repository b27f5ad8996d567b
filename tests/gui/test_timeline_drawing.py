"""What the timeline actually draws, mapped back to dates and lanes.

The glyph layers record what each paint drew (device pixels, with the paint's transform);
these tests map it back to view coordinates and check it against the items' own dates and
lanes, so a clipping or culling mistake shows as an item drawn on the wrong days.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from pytestqt.qtbot import QtBot

from akkord.gui.timeline_model import DAY, day_seconds, seconds_day
from akkord.gui.timeline_view import TimelineView
from akkord.services.demo import create_demo
from akkord.services.timeline import TimelineItem
from akkord.store import Project, open_project


@dataclass(frozen=True)
class DrawnBar:
    """One rectangle as drawn, in view coordinates (x: seconds, y: row units)."""

    item: TimelineItem
    left: float
    right: float
    top: float
    bottom: float
    min_width: float  # the style's minimum width, in view units


def drawn_bars(view: TimelineView) -> list[DrawnBar]:
    """Every bar and band of the last paint, mapped back through the paint's transform."""
    geometry = view.plot.geometry_
    assert geometry is not None
    out = []
    for drawn in view.plot.bars.drawn:
        back, invertible = drawn.transform.inverted()
        assert invertible
        style = view.plot.bars.groups[drawn.group][2]
        pixel = 1 / abs(drawn.transform.m11())
        for glyph, left, top, width, height in zip(
                drawn.glyphs.tolist(), drawn.left.tolist(), drawn.top.tolist(),
                drawn.width.tolist(), drawn.height.tolist(), strict=True):
            a = back.map(QPointF(left, top))
            b = back.map(QPointF(left + width, top + height))
            out.append(DrawnBar(geometry.items[int(geometry.bar_item[glyph])], a.x(), b.x(),
                                min(a.y(), b.y()), max(a.y(), b.y()), style.min_px * pixel))
    return out


def check_bar_days(bar: DrawnBar, view_x: tuple[float, float], pixel: float) -> None:
    """The drawn x-range is the item's own days, cut at the view's edges (and widened
    to the style's minimum width when narrower)."""
    x0 = day_seconds(bar.item.earliest)
    x1 = day_seconds(bar.item.latest) + DAY
    low, high = view_x
    want_left = max(x0, low)
    want_right = min(max(x1, x0 + bar.min_width), high)
    where = (f"{bar.item.name} ({bar.item.earliest} – {bar.item.latest}) drawn "
             f"{_day(bar.left)} – {_day(bar.right)} with the view on "
             f"{_day(low)} – {_day(high)}")
    assert abs(bar.left - want_left) <= pixel, where
    assert abs(bar.right - want_right) <= pixel, where
    if bar.left > low + pixel:  # starts inside the view: on its first day
        assert seconds_day(bar.left + pixel / 2) == bar.item.earliest, where
    if bar.right < high - pixel and x1 - x0 >= bar.min_width:  # ends inside the view
        assert seconds_day(bar.right - pixel / 2) == bar.item.latest, where


def _day(seconds: float) -> str:
    day = seconds / DAY
    return f"{seconds_day(seconds).isoformat()} (+{day - int(day // 1):.2f})"


# -- the demo --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = create_demo(tmp_path_factory.mktemp("demo") / "demo.akkord")
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Project]:
    with open_project(demo_path) as project:
        yield project


@pytest.fixture
def view(qtbot: QtBot, demo: Project) -> TimelineView:
    widget = TimelineView(demo)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.plot.geometry_ is not None and widget.plot.fitted)
    return widget


def test_bars_cut_by_the_left_edge_keep_their_days(view: TimelineView) -> None:
    """Issue 8, defect 3: with the view on 13–30 Jan, the OSSE week 10–16 Jan was drawn
    12.6–19.6 Jan and a 12 Jan meeting 12.6–13.6 Jan (left edge + full length)."""
    view.show_range(date(2022, 1, 13), date(2022, 1, 30))
    view.plot.graphics.grab()  # a synchronous paint
    (low, high), _y = view.plot.view_box.viewRange()
    bars = drawn_bars(view)
    assert bars
    pixel = (high - low) / view.plot.view_box.width()
    cut = [bar for bar in bars if day_seconds(bar.item.earliest) < low]
    assert cut, "some bar starts left of the view"
    for bar in bars:
        check_bar_days(bar, (low, high), pixel)
