"""What the timeline actually draws, mapped back to dates and lanes.

The glyph layers record what each paint drew (device pixels, with the paint's transform);
these tests map it back to view coordinates and check it against the items' own dates and
lanes, so a clipping or culling mistake shows as an item drawn on the wrong days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from akkord.domain.dates import Precision
from akkord.domain.schema import parse_schema
from akkord.gui.timeline_model import DAY, LaneRow, day_seconds, seconds_day
from akkord.gui.timeline_view import TimelineView
from akkord.resources import default_schema_text
from akkord.services.timeline import (
    NO_LANE,
    TimelineData,
    TimelineItem,
    lanes_of,
    timeline_kinds,
)
from akkord.store import Project
from tests.gui.conftest import shown_timeline


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


def paint(view: TimelineView) -> None:
    """Paint the plot now; afterwards each layer's ``drawn`` is what this paint drew (a
    layer that Qt does not paint at all, being out of view, drew nothing)."""
    plot = view.plot
    for layer in (plot.bars, plot.lines, plot.labels):
        layer.drawn = []
    plot.graphics.grab()


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
    if pixel > DAY / 4:
        return  # a day is less than a few pixels: the pixel is the precision
    if bar.left > low + pixel:  # starts inside the view: on its first day
        assert seconds_day(bar.left + pixel) == bar.item.earliest, where
    if bar.right < high - pixel and x1 - x0 >= bar.min_width:  # ends inside the view
        assert seconds_day(bar.right - pixel) == bar.item.latest, where


def _day(seconds: float) -> str:
    day = seconds / DAY
    return f"{seconds_day(seconds).isoformat()} (+{day - int(day // 1):.2f})"


# -- the demo --------------------------------------------------------------------------------

@pytest.fixture
def view(qtbot: QtBot, demo: Project) -> TimelineView:
    return shown_timeline(qtbot, demo)


def test_bars_cut_by_the_left_edge_keep_their_days(view: TimelineView) -> None:
    """Issue 8, defect 3: with the view on 13–30 Jan, the OSSE week 10–16 Jan was drawn
    12.6–19.6 Jan and a 12 Jan meeting 12.6–13.6 Jan (left edge + full length)."""
    view.show_range(date(2022, 1, 13), date(2022, 1, 30))
    paint(view)
    (low, high), _y = view.plot.view_box.viewRange()
    bars = drawn_bars(view)
    assert bars
    pixel = (high - low) / view.plot.view_box.width()
    cut = [bar for bar in bars if day_seconds(bar.item.earliest) < low]
    assert cut, "some bar starts left of the view"
    for bar in bars:
        check_bar_days(bar, (low, high), pixel)


# -- the guard: random data, plot sizes and view ranges ------------------------------------

KINDS = timeline_kinds(parse_schema(default_schema_text()))
BAR_KIND = next(k for k in KINDS if k.style == "bar")
MARKER_KIND = next(k for k in KINDS if k.style == "marker")
FIRST_DAY = date(2019, 1, 1)
N_LANES = 6
LANE_NAMES = {i: f"Actor {i}" for i in range(1, N_LANES + 1)} | {NO_LANE: "(no actor)"}
LANE_KINDS = {i: ("state", "person", "alliance")[i % 3] for i in range(1, N_LANES + 1)}


@st.composite
def items(draw: st.DrawFn, entity_id: int) -> TimelineItem:
    marker = draw(st.booleans())
    kind = MARKER_KIND if marker else BAR_KIND
    precision = draw(st.sampled_from(list(Precision)))
    earliest = FIRST_DAY + timedelta(days=draw(st.integers(0, 5 * 365)))
    days = draw(st.integers(1, 3) if precision is Precision.DAY and draw(st.booleans())
                else st.integers(1, 400))
    lanes = tuple(draw(st.lists(st.integers(1, N_LANES), max_size=3, unique=True))) or (
        NO_LANE,)
    targets = (tuple(draw(st.lists(st.integers(1, N_LANES), max_size=3, unique=True)))
               if marker else ())
    status = draw(st.sampled_from(kind.statuses))
    return TimelineItem(
        entity_id=entity_id, kind=kind.name, name=f"{kind.display} {entity_id}",
        earliest=earliest, latest=earliest + timedelta(days=days - 1), precision=precision,
        value=earliest.isoformat(), certain=True, status=status, style=kind.style,
        lanes=lanes, roles=tuple(None for _ in lanes), targets=targets, documents=(),
        mention_count=0, look=kind.look(status))


@st.composite
def timelines(draw: st.DrawFn) -> TimelineData:
    n = draw(st.integers(1, 30))
    drawn = [draw(items(100 + i)) for i in range(n)]
    drawn.sort(key=lambda i: (i.earliest, i.latest, i.kind, i.name))
    return TimelineData(items=drawn, lanes=lanes_of(drawn, LANE_NAMES, LANE_KINDS),
                        publication_days=[], kinds=KINDS,
                        statuses=tuple(s for k in KINDS for s in k.statuses), names=LANE_NAMES)


# view moves: ("range", start day offset, width in seconds), ("pan", fraction of the
# width), ("zoom", factor, where in the view (0…1)), ("lanes", top row, rows)
HOUR, YEARS_80 = 3600.0, 80 * 365.25 * DAY
moves = st.one_of(
    st.tuples(st.just("range"), st.floats(-400, 5 * 365 + 400),
              st.one_of(st.just(HOUR), st.just(YEARS_80),
                        st.floats(HOUR, YEARS_80).map(float))),
    st.tuples(st.just("range"), st.floats(-400, 5 * 365 + 400),
              st.floats(0.5, 8.0).map(lambda e: 10 ** e)),  # log-uniform widths
    st.tuples(st.just("pan"), st.floats(-1.5, 1.5)),
    st.tuples(st.just("zoom"), st.floats(0.05, 20.0), st.floats(0.0, 1.0)),
    st.tuples(st.just("lanes"), st.floats(-2.0, 40.0), st.floats(2.0, 60.0)))


def _move(view: TimelineView, move: tuple[Any, ...]) -> None:
    box = view.plot.view_box
    (x0, x1), _y = box.viewRange()
    if move[0] == "range":
        start = day_seconds(FIRST_DAY) + move[1] * DAY
        box.setXRange(start, start + move[2], padding=0)
    elif move[0] == "pan":
        box.translateBy(x=move[1] * (x1 - x0))
    elif move[0] == "zoom":
        box.scaleBy(x=move[1], center=QPointF(x0 + move[2] * (x1 - x0), 0))
    else:
        box.setYRange(move[1], move[1] + move[2], padding=0)


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=timelines(), collapsed=st.booleans(),
       size=st.tuples(st.integers(320, 2400), st.integers(200, 1400)),
       steps=st.lists(moves, min_size=1, max_size=4))
def test_what_is_drawn_maps_back_to_each_items_days_and_lanes(
        qtbot: QtBot, blank: TimelineView, data: TimelineData, collapsed: bool,
        size: tuple[int, int], steps: list[tuple[Any, ...]]) -> None:
    view = blank
    view.resize(*size)
    QApplication.processEvents()
    view.set_collapsed(collapsed)
    view.set_data(data)
    view.fit()
    QApplication.processEvents()
    for move in steps:
        _move(view, move)
        paint(view)
        check_drawing(view, data)


@pytest.fixture
def blank(qtbot: QtBot) -> TimelineView:
    widget = TimelineView()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def check_drawing(view: TimelineView, data: TimelineData) -> None:
    """Bars, bands, markers, target lines and names as drawn, against the data."""
    plot = view.plot
    geometry = plot.geometry_
    assert geometry is not None
    (low, high), (y_low, y_high) = plot.view_box.viewRange()
    pixel = (high - low) / plot.view_box.width()
    row_pixel = (y_high - y_low) / plot.view_box.height()
    lanes = _lane_rows(view)
    # bars and bands: on their own days (cut at the edges), on one of their lanes
    bars = drawn_bars(view)
    for bar in bars:
        check_bar_days(bar, (low, high), pixel)
        row = _row_at(geometry.rows, (bar.top + bar.bottom) / 2)
        assert lanes[row] & set(bar.item.lanes), f"{bar.item.name} on the wrong lane"
    # and every bar glyph overlapping the view is drawn, once
    x0 = np.array([day_seconds(geometry.items[i].earliest) for i in geometry.bar_item])
    x1 = np.array([day_seconds(geometry.items[i].latest) + DAY for i in geometry.bar_item])
    expected = np.flatnonzero((x1 >= low) & (x0 <= high) & (geometry.bar_y1 >= y_low)
                              & (geometry.bar_y0 <= y_high))
    got = np.concatenate([d.glyphs for d in plot.bars.drawn]) if plot.bars.drawn else (
        np.empty(0, np.int64))
    assert sorted(got.tolist()) == expected.tolist()
    _check_markers(view, lanes)
    _check_lines(view, lanes, (low, high, y_low, y_high), pixel, row_pixel)
    _check_labels(view, lanes, pixel)


def _lane_rows(view: TimelineView) -> list[set[int]]:
    """The lane ids of each row, checked against the lane axis's names."""
    geometry = view.plot.geometry_
    assert geometry is not None
    out = []
    for row in geometry.rows:
        shown = view.plot.lane_axis.labels[round(row.center, 6)]
        assert row.label.startswith(shown.rstrip("…")), (row.label, shown)
        if not view.collapsed:
            (member,) = row.members
            assert row.label == LANE_NAMES[member]
        out.append(set(row.members))
    return out


def _row_at(rows: Sequence[LaneRow], y: float) -> int:
    found = [i for i, row in enumerate(rows) if row.top <= y <= row.bottom]
    assert len(found) == 1, f"y {y} is in no lane (or in two)"
    return found[0]


def _middle(item: TimelineItem) -> float:
    return (day_seconds(item.earliest) + day_seconds(item.latest) + DAY) / 2


def _check_markers(view: TimelineView, lanes: list[set[int]]) -> None:
    plot = view.plot
    geometry = plot.geometry_
    assert geometry is not None
    seen = []
    for group in plot.markers:
        xs, ys = group.scatter.getData()
        assert group.scatter.mapToScene(QPointF(1.0, 2.0)) == plot.view_box.mapViewToScene(
            QPointF(1.0, 2.0)), "markers are drawn in the view's coordinates"
        for x, y, glyph in zip(xs.tolist(), ys.tolist(), group.glyphs.tolist(), strict=True):
            item = geometry.items[int(geometry.mark_item[glyph])]
            assert item.style == "marker" and abs(x - _middle(item)) < 1.0, item.name
            assert lanes[_row_at(geometry.rows, y)] & set(item.lanes), item.name
            seen.append(glyph)
    assert sorted(seen) == list(range(geometry.mark_x.size))


def _check_lines(view: TimelineView, lanes: list[set[int]],
                 box: tuple[float, float, float, float], pixel: float,
                 row_pixel: float) -> None:
    """A line starts at its item's middle day on the item's lane and ends on a target's
    lane (or at the view's edge, towards it), with a dot only where the end shows."""
    plot = view.plot
    geometry = plot.geometry_
    assert geometry is not None
    low, high, y_low, y_high = box
    for drawn in plot.lines.drawn:
        back, _ok = drawn.transform.inverted()
        for glyph, x, y0, y1, dot in zip(drawn.glyphs.tolist(), drawn.x.tolist(),
                                         drawn.y0.tolist(), drawn.y1.tolist(),
                                         drawn.dots.tolist(), strict=True):
            segment = int(plot.line_order[glyph])
            item = geometry.items[int(geometry.seg_item[segment])]
            start, end = back.map(QPointF(x, y0)), back.map(QPointF(x, y1))
            assert abs(start.x() - _middle(item)) <= pixel, item.name
            assert low - pixel <= start.x() <= high + pixel
            own = [r for r in geometry.rows if lanes[geometry.rows.index(r)] & set(item.lanes)]
            assert any(r.top - row_pixel <= start.y() <= r.bottom + row_pixel
                       or start.y() in (pytest.approx(y_low), pytest.approx(y_high))
                       for r in own), item.name
            centres = [r.center for i, r in enumerate(geometry.rows)
                       if lanes[i] & set(item.targets)]
            if dot:
                assert any(abs(end.y() - c) <= row_pixel for c in centres), item.name
            else:  # cut at the edge on the way to a target beyond it
                assert any((c < y_low and end.y() == pytest.approx(y_low, abs=row_pixel))
                           or (c > y_high and end.y() == pytest.approx(y_high, abs=row_pixel))
                           for c in centres), item.name


def _check_labels(view: TimelineView, lanes: list[set[int]], pixel: float) -> None:
    """A name is written after its item's glyph, on the item's lane."""
    layer = view.plot.labels
    geometry = view.plot.geometry_
    assert geometry is not None
    back, _ok = layer.transform.inverted()
    for index, point, text in layer.drawn:
        item = geometry.items[int(geometry.labels.item[index])]
        at = back.map(point)
        # markers are named at the marker, bars after their last day
        end = _middle(item) if item.style == "marker" else day_seconds(item.latest) + DAY
        assert at.x() >= end - pixel, (item.name, text)
        assert item.name.startswith(text.rstrip("…")), (item.name, text)
        row = _row_at(geometry.rows, float(geometry.labels.y[index]))
        assert lanes[row] & set(item.lanes), item.name
