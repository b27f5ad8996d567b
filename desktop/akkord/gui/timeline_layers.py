"""The timeline's glyph layers: many rectangles or lines per graphics item (pyqtgraph).

Every layer holds numpy arrays and paints a whole group of glyphs with one
``drawRects``/``drawLines`` call, in device pixels (so that minimum widths, insets and
hatching are in pixels): culled to the visible range, cut to the view (Qt rasterises
huge rectangles slowly even where it clips them, and an SVG export does not clip), and
with the painter restored whatever happens (a painter left saved crashes Qt).

Each paint records what it drew (``drawn``: glyph indices, device rectangles or lines,
and the paint's transform), so that tests can map what is on the screen back to dates
and lanes.

Only the timeline modules import this one: importing pyqtgraph is slow, so the main
window imports the timeline lazily.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyqtgraph as pg
from pyqtgraph.Qt import internals
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QTransform,
)
from PySide6.QtWidgets import QApplication

from akkord.gui.timeline_axes import DateAxis
from akkord.gui.timeline_colors import alpha
from akkord.gui.timeline_model import DAY, Floats, Ints
from akkord.gui.timeline_styles import MARKER_SIZE, RectStyle

MAX_LINES = 4000  # target lines drawn only while at most this many are in view


# -- batched graphics items ----------------------------------------------------------------

def _device(painter: QPainter) -> tuple[float, float, float, float]:
    """(sx, dx, sy, dy) of the painter's item → device transform (no rotation)."""
    t = painter.transform()
    return t.m11(), t.m31(), t.m22(), t.m32()


@contextmanager
def _pixels(painter: QPainter) -> Iterator[tuple[float, float, float, float]]:
    """Paint in device pixels: yields the item → pixel scale and offset, x then y, and
    restores the painter whatever happens (a painter left saved crashes Qt)."""
    scale = _device(painter)
    painter.save()
    try:
        painter.setTransform(QTransform())
        yield scale
    finally:
        painter.restore()


@dataclass(frozen=True, slots=True)
class DrawnRects:
    """What one paint drew of one group of a :class:`RectLayer`: the glyphs (indices into
    the layer's arrays) and their rectangles in device pixels, with the item → device
    transform of that paint, so that what is on the screen can be mapped back to data."""

    group: int
    glyphs: npt.NDArray[np.int64]
    left: Floats
    top: Floats
    width: Floats
    height: Floats
    transform: QTransform


def clip_rects(px0: Floats, px1: Floats, py0: Floats, py1: Floats,
               box: tuple[float, float, float, float], min_px: float
               ) -> tuple[Floats, Floats, Floats, Floats]:
    """Rectangles (device pixels, corners in any order) cut to ``box`` (left, right,
    top, bottom): ``(left, top, width, height)``.

    A rectangle narrower than ``min_px`` is first widened to it from its left end (so
    that nothing vanishes when zoomed out); then both ends are cut at the box. The
    right end never depends on where the left end was cut: a bar that starts left of
    the view keeps its own last day.
    """
    lo, hi = np.minimum(px0, px1), np.maximum(px0, px1)
    right = np.minimum(np.maximum(hi, lo + min_px), box[1])
    left = np.maximum(lo, box[0])
    top = np.maximum(np.minimum(py0, py1), box[2])
    bottom = np.minimum(np.maximum(py0, py1), box[3])
    return left, top, np.maximum(right - left, 0.0), np.maximum(bottom - top, 0.0)


class RectLayer(pg.GraphicsObject):  # type: ignore[misc]
    """Many rectangles in a few groups, each group painted with one ``drawRects``.

    Coordinates are data units; painting culls to the view, converts to device pixels
    (so that minimum widths, insets and hatching are in pixels) and resets the painter
    transform. ``full_width`` rectangles span the whole view horizontally (lane stripes).
    """

    def __init__(self, full_width: bool = False, limit: int | None = None) -> None:
        super().__init__()
        self.full_width = full_width
        self.limit = limit  # draw nothing while more rectangles than this are in view
        self._rects = internals.PrimitiveArray(QRectF, 4)
        self._lines = internals.PrimitiveArray(pg.QtCore.QLineF, 4)
        self.drawn: list[DrawnRects] = []  # what the last paint drew
        self.set_rects(np.empty(0), np.empty(0), np.empty(0), np.empty(0), [])

    def set_rects(self, x0: Floats, x1: Floats, y0: Floats, y1: Floats,
                  groups: Sequence[tuple[int, int, RectStyle]]) -> None:
        self.prepareGeometryChange()
        self.drawn = []
        self.x0, self.x1, self.y0, self.y1 = x0, x1, y0, y1
        self.groups = list(groups)
        if x0.size:
            self._bounds = QRectF(float(x0.min()) - DAY, float(y0.min()),
                                  float(x1.max() - x0.min()) + 2 * DAY,
                                  float(y1.max() - y0.min()))
        else:
            self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        if self.full_width:
            view = self.getViewBox()
            if view is not None and self._bounds.isValid():
                rect = view.viewRect()
                return QRectF(rect.left(), self._bounds.top(), rect.width(),
                              self._bounds.height())
        return self._bounds

    def paint(self, painter: QPainter, *_args: Any) -> None:
        self.drawn = []
        view = self.getViewBox()
        if view is None or not self.x0.size:
            return
        (vx0, vx1), (vy0, vy1) = view.viewRange()
        transform = painter.transform()
        with _pixels(painter) as (sx, dx, sy, dy):
            painter.setPen(Qt.PenStyle.NoPen)
            # Clamp to the view: Qt rasterises a huge rectangle slowly even where it is
            # clipped away, and an SVG export has no clipping at all.
            box = (vx0 * sx + dx, vx1 * sx + dx,
                   min(vy0 * sy + dy, vy1 * sy + dy), max(vy0 * sy + dy, vy1 * sy + dy))
            masks = [self._visible(start, stop, vx0, vx1, vy0, vy1)
                     for start, stop, _style in self.groups]
            if self.limit is None or sum(int(m.sum()) for m in masks) <= self.limit:
                for group, ((start, _stop, style), visible) in enumerate(
                        zip(self.groups, masks, strict=True)):
                    if visible.any():
                        glyphs = start + np.flatnonzero(visible)
                        rects = self._paint_group(
                            painter, style, self.x0[glyphs] * sx + dx,
                            self.x1[glyphs] * sx + dx, self.y0[glyphs] * sy + dy,
                            self.y1[glyphs] * sy + dy, box)
                        self.drawn.append(DrawnRects(group, glyphs, *rects, transform))

    def _visible(self, start: int, stop: int, vx0: float, vx1: float, vy0: float,
                 vy1: float) -> npt.NDArray[np.bool_]:
        y0, y1 = self.y0[start:stop], self.y1[start:stop]
        if self.full_width:
            return (y1 >= vy0) & (y0 <= vy1)
        x0, x1 = self.x0[start:stop], self.x1[start:stop]
        return (x1 >= vx0) & (x0 <= vx1) & (y1 >= vy0) & (y0 <= vy1)

    def _paint_group(self, painter: QPainter, style: RectStyle, px0: Floats, px1: Floats,
                     py0: Floats, py1: Floats, box: tuple[float, float, float, float]
                     ) -> tuple[Floats, Floats, Floats, Floats]:
        if self.full_width:
            px0, px1 = np.full_like(px0, box[0]), np.full_like(px1, box[1])
        px0, top, width, height = clip_rects(px0, px1, py0, py1, box, style.min_px)
        bottom = top + height
        self._draw(painter, style.fill, px0, top, width, height)
        if style.pattern is not None:
            self._draw(painter, style.pattern, px0, top, width, height)
        if style.inner is not None:
            roomy = (width > 2 * style.inset + 1) & (height > 2 * style.inset + 1)
            self._draw(painter, style.inner, px0[roomy] + style.inset, top[roomy] + style.inset,
                       width[roomy] - 2 * style.inset, height[roomy] - 2 * style.inset)
        if style.strike is not None:
            wide = width >= 4  # a strike through a sliver is only noise
            middle = (top[wide] + bottom[wide]) / 2
            self._lines.resize(middle.size)
            lines = self._lines.ndarray()
            lines[:, 0], lines[:, 1] = px0[wide], middle
            lines[:, 2], lines[:, 3] = px0[wide] + width[wide], middle
            painter.setPen(QPen(style.strike, 1.5))
            painter.drawLines(*self._lines.drawargs())
            painter.setPen(Qt.PenStyle.NoPen)
        return px0, top, width, height

    def _draw(self, painter: QPainter, brush: QBrush, x: Floats, y: Floats, w: Floats,
              h: Floats) -> None:
        if not x.size:
            return
        self._rects.resize(x.size)
        rects = self._rects.ndarray()
        rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3] = x, y, w, h
        painter.setBrush(brush)
        painter.drawRects(*self._rects.drawargs())


@dataclass(frozen=True, slots=True)
class DrawnLines:
    """What one paint drew of one group of a :class:`LineLayer`, in device pixels: the
    glyphs, each line's x and its two ends (cut to the view), whether its far end (the
    target's lane) is in view and got its dot, and the paint's transform."""

    group: int
    glyphs: Ints
    x: Floats
    y0: Floats
    y1: Floats
    dots: npt.NDArray[np.bool_]
    transform: QTransform


class LineLayer(pg.GraphicsObject):  # type: ignore[misc]
    """Vertical lines from an item to its targets' lanes, with a dot at the target end.

    Grouped by colour like :class:`RectLayer`; skipped entirely while more than
    ``limit`` lines are in view (at that density they are only noise).
    """

    def __init__(self, limit: int | None = MAX_LINES, width: float = 1.0) -> None:
        super().__init__()
        self.limit = limit
        self.width = width
        self._lines = internals.PrimitiveArray(pg.QtCore.QLineF, 4)
        self._points = internals.PrimitiveArray(QPointF, 2)
        self.drawn: list[DrawnLines] = []  # what the last paint drew
        self.set_lines(np.empty(0), np.empty(0), np.empty(0), [])

    def set_lines(self, x: Floats, y0: Floats, y1: Floats,
                  groups: Sequence[tuple[int, int, QColor]]) -> None:
        self.prepareGeometryChange()
        self.drawn = []
        self.x, self.y0, self.y1 = x, y0, y1
        self.groups = list(groups)
        if x.size:
            low, high = np.minimum(y0, y1), np.maximum(y0, y1)
            self._bounds = QRectF(float(x.min()) - DAY, float(low.min()),
                                  float(x.max() - x.min()) + 2 * DAY,
                                  float(high.max() - low.min()))
        else:
            self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, *_args: Any) -> None:
        self.drawn = []
        view = self.getViewBox()
        if view is None or not self.x.size:
            return
        (vx0, vx1), (vy0, vy1) = view.viewRange()
        visible = ((self.x >= vx0) & (self.x <= vx1)
                   & (np.maximum(self.y0, self.y1) >= vy0) & (np.minimum(self.y0, self.y1) <= vy1))
        if self.limit is not None and int(visible.sum()) > self.limit:
            return
        transform = painter.transform()
        with _pixels(painter) as (sx, dx, sy, dy):
            top, bottom = sorted((vy0 * sy + dy, vy1 * sy + dy))
            for group, (start, stop, color) in enumerate(self.groups):
                glyphs = start + np.flatnonzero(visible[start:stop])
                if not glyphs.size:
                    continue
                x = self.x[glyphs] * sx + dx
                y0 = np.clip(self.y0[glyphs] * sy + dy, top, bottom)
                y1 = self.y1[glyphs] * sy + dy
                ends = (y1 >= top) & (y1 <= bottom)
                y1 = np.clip(y1, top, bottom)
                self._paint_group(painter, color, x, y0, y1, ends)
                self.drawn.append(DrawnLines(group, glyphs, x, y0, y1, ends, transform))

    def _paint_group(self, painter: QPainter, color: QColor, x: Floats, y0: Floats,
                     y1: Floats, ends: npt.NDArray[np.bool_]) -> None:
        """Lines from (x, y0) to (x, y1), and a dot at the ends that are in view."""
        self._lines.resize(x.size)
        lines = self._lines.ndarray()
        lines[:, 0], lines[:, 1] = x, y0
        lines[:, 2], lines[:, 3] = x, y1
        painter.setPen(QPen(color, self.width))
        painter.drawLines(*self._lines.drawargs())
        self._points.resize(int(ends.sum()))
        points = self._points.ndarray()
        points[:, 0], points[:, 1] = x[ends], y1[ends]
        pen = QPen(color, 3 + 2 * self.width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.drawPoints(*self._points.drawargs())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


class HighlightLayer(pg.GraphicsObject):  # type: ignore[misc]
    """Outlines around the glyphs of the selected (and the hovered) item."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[tuple[float, float, float, float]] = []
        self.points: list[tuple[float, float]] = []
        self.hover_rects: list[tuple[float, float, float, float]] = []
        self.hover_points: list[tuple[float, float]] = []
        self.color = QColor("black")  # the palette's text colour, set by the plot
        self._bounds = QRectF()

    def set_glyphs(self, rects: list[tuple[float, float, float, float]],
                   points: list[tuple[float, float]],
                   hover_rects: list[tuple[float, float, float, float]],
                   hover_points: list[tuple[float, float]]) -> None:
        self.prepareGeometryChange()
        self.rects, self.points = rects, points
        self.hover_rects, self.hover_points = hover_rects, hover_points
        xs = [v for r in rects + hover_rects for v in r[:2]] + [
            p[0] for p in points + hover_points]
        ys = [v for r in rects + hover_rects for v in r[2:]] + [
            p[1] for p in points + hover_points]
        self._bounds = (QRectF(min(xs) - DAY, min(ys) - 1, max(xs) - min(xs) + 2 * DAY,
                               max(ys) - min(ys) + 2) if xs else QRectF())
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, *_args: Any) -> None:
        view = self.getViewBox()
        if view is None:
            return
        (vx0, vx1), (vy0, vy1) = view.viewRange()
        with _pixels(painter) as (sx, dx, sy, dy):
            # cut to the view with a margin: the cut side of the ring falls outside it
            box = (vx0 * sx + dx - 4, vx1 * sx + dx + 4,
                   min(vy0 * sy + dy, vy1 * sy + dy) - 4, max(vy0 * sy + dy, vy1 * sy + dy) + 4)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rects, points, pen in (
                    (self.hover_rects, self.hover_points, QPen(alpha(self.color, 120), 1.5)),
                    (self.rects, self.points, QPen(self.color, 2.2))):
                painter.setPen(pen)
                if rects:
                    x0, x1, y0, y1 = (np.array(column) for column in zip(*rects, strict=True))
                    left, top, width, height = clip_rects(
                        x0 * sx + dx - 2, x1 * sx + dx + 2, y0 * sy + dy - 2, y1 * sy + dy + 2,
                        box, 6.0)
                    for rect in zip(left.tolist(), top.tolist(), width.tolist(),
                                    height.tolist(), strict=True):
                        painter.drawRect(QRectF(*rect))
                for x, y in points:
                    painter.drawEllipse(QPointF(x * sx + dx, y * sy + dy), 9, 9)


class GridLayer(pg.GraphicsObject):  # type: ignore[misc]
    """Faint vertical lines at the date axis's coarsest ticks (years, months, days …).

    pyqtgraph's own grid draws a line for every tick of every level (hundreds when the
    whole range is in view) and costs more than all the glyphs; this draws a dozen.
    """

    def __init__(self, axis: DateAxis) -> None:
        super().__init__()
        self.axis = axis
        self.color = QColor("grey")  # set by the plot from the palette
        self._lines = internals.PrimitiveArray(pg.QtCore.QLineF, 4)

    def boundingRect(self) -> QRectF:
        view = self.getViewBox()
        return view.viewRect() if view is not None else QRectF()

    def paint(self, painter: QPainter, *_args: Any) -> None:
        view = self.getViewBox()
        if view is None:
            return
        (vx0, vx1), (vy0, vy1) = view.viewRange()
        with _pixels(painter) as (sx, dx, sy, dy):
            levels = self.axis.tickValues(vx0, vx1, max((vx1 - vx0) * sx, 1.0))
            top, bottom = sorted((vy0 * sy + dy, vy1 * sy + dy))
            # the coarsest level firmly, the finest faintly while it is not crowded
            chosen = [(levels[0][1], 90)] if levels else []
            if len(levels) > 1 and len(levels[-1][1]) <= 80:
                chosen.append((levels[-1][1], 45))
            for ticks, opacity in chosen:
                values = np.asarray(ticks, dtype=np.float64)
                values = values[(values >= vx0) & (values <= vx1)]
                if not values.size:
                    continue
                self._lines.resize(values.size)
                lines = self._lines.ndarray()
                lines[:, 0] = lines[:, 2] = np.round(values * sx + dx)
                lines[:, 1], lines[:, 3] = top, bottom
                painter.setPen(QPen(alpha(self.color, opacity), 1))
                painter.drawLines(*self._lines.drawargs())


class LabelLayer(pg.GraphicsObject):  # type: ignore[misc]
    """Item names beside their glyphs, where there is room before the next glyph.

    Only drawn while at most ``limit`` labels are in view: names are for reading a
    zoomed-in stretch, not for an overview of thousands of items.
    """

    def __init__(self, limit: int = 400) -> None:
        super().__init__()
        self.limit = limit
        self.font = QFont(QApplication.font())
        self.font.setPointSizeF(self.font.pointSizeF() * 0.85)
        self.color = QColor("black")  # the palette's text colour, set by the plot
        self.transform = QTransform()  # of the last paint
        self.drawn: list[tuple[int, QPointF, str]] = []  # label index, device point, text
        self.set_labels(np.empty(0), np.empty(0), np.empty(0), np.empty(0, dtype=np.bool_), [])

    def set_labels(self, x: Floats, y: Floats, limit: Floats, marker: npt.NDArray[np.bool_],
                   texts: list[str]) -> None:
        self.prepareGeometryChange()
        self.drawn = []
        self.x, self.y, self.stop, self.marker, self.texts = x, y, limit, marker, texts
        self._bounds = (QRectF(float(x.min()), float(y.min()) - 1,
                               float(x.max() - x.min()) + 60 * DAY, float(y.max() - y.min()) + 2)
                        if x.size else QRectF())
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, *_args: Any) -> None:
        self.drawn = []
        view = self.getViewBox()
        if view is None or not self.x.size:
            return
        (vx0, vx1), (vy0, vy1) = view.viewRange()
        # a label goes with its glyph: none for glyphs left of the view
        visible = np.flatnonzero((self.x >= vx0) & (self.x <= vx1)
                                 & (self.y >= vy0) & (self.y <= vy1))
        if visible.size > self.limit:
            return
        self.transform = painter.transform()
        with _pixels(painter) as (sx, dx, sy, dy):
            right_edge = vx1 * sx + dx
            painter.setFont(self.font)
            painter.setPen(alpha(self.color, 210))
            metrics = QFontMetricsF(self.font)
            shift = metrics.ascent() / 2 - 1
            for i in visible.tolist():
                start = self.x[i] * sx + dx + (MARKER_SIZE / 2 + 3 if self.marker[i] else 3)
                room = min(self.stop[i] * sx + dx, right_edge) - start - 4
                if room < 28:
                    continue
                text = metrics.elidedText(self.texts[i], Qt.TextElideMode.ElideRight, room)
                point = QPointF(start, self.y[i] * sy + dy + shift)
                painter.drawText(point, text)  # plain text: names are data, never markup
                self.drawn.append((i, point, text))
