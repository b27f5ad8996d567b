"""The timeline's graphics items: batched glyph layers, axes, legend (pyqtgraph).

Every layer holds numpy arrays and paints a whole group of glyphs with one
``drawRects``/``drawLines`` call, in device pixels (so that minimum widths, insets and
hatching are in pixels): culled to the visible range, clamped to the view (Qt rasterises
huge rectangles slowly even where it clips them, and an SVG export does not clip), and
with the painter restored whatever happens (a painter left saved crashes Qt).

Only :mod:`akkord.gui.timeline_view` imports this module: importing pyqtgraph is slow, so
the main window imports the timeline lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
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
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QApplication

from akkord.domain.schema import LOOKS, Look
from akkord.gui.timeline_model import DAY, Floats
from akkord.services.timeline import TimelineKind

MAX_LINES = 4000  # target lines drawn only while at most this many are in view
MARKER_SIZE = 11.0
GREY = QColor("#9aa0a6")
INK = QColor("#202124")
STRIPE = QColor("#f1f3f4")
PUBLICATION = QColor("#5f6368")


# -- colours and looks --------------------------------------------------------------------

def _mix(color: QColor, other: QColor, amount: float) -> QColor:
    """``color`` moved ``amount`` (0…1) of the way towards ``other``."""
    return QColor.fromRgbF(color.redF() + (other.redF() - color.redF()) * amount,
                           color.greenF() + (other.greenF() - color.greenF()) * amount,
                           color.blueF() + (other.blueF() - color.blueF()) * amount)


def alpha(color: QColor, value: int) -> QColor:
    """``color`` with opacity ``value`` (0…255)."""
    out = QColor(color)
    out.setAlpha(value)
    return out


@dataclass(frozen=True, slots=True)
class RectStyle:
    """How one group of rectangles is painted, in device pixels.

    ``fill`` first, then ``pattern`` (hatching) over it, then ``inner`` inset by
    ``inset`` pixels (leaving a coloured border: the *outline* look), then a ``strike``
    line through the middle (the *void* look). Rectangles narrower than ``min_px`` are
    widened so that nothing disappears when zoomed out.
    """

    fill: QBrush
    pattern: QBrush | None = None
    inner: QBrush | None = None
    inset: float = 1.6
    strike: QColor | None = None
    min_px: float = 2.0


def bar_style(color: QColor, look: Look, exact: bool) -> RectStyle:
    """The style of bars (and bands) of one kind colour, look and precision class."""
    white = QColor("white")
    if look == "void":
        fill = _mix(GREY, white, 0.35)
        return RectStyle(QBrush(alpha(fill, 255 if exact else 90)),
                         strike=alpha(QColor("#5f6368"), 230 if exact else 120))
    if not exact:  # a faint band over the whole interval
        pattern = (QBrush(alpha(color, 110), Qt.BrushStyle.BDiagPattern)
                   if look == "tentative" else None)
        if look == "outline":  # a faint border around a paler inside
            return RectStyle(QBrush(alpha(color, 120)), inner=QBrush(alpha(white, 215)),
                             inset=1.4, min_px=3.0)
        return RectStyle(QBrush(alpha(color, 48)), pattern=pattern, min_px=3.0)
    if look == "outline":
        return RectStyle(QBrush(color), inner=QBrush(_mix(color, white, 0.85)))
    if look == "tentative":
        return RectStyle(QBrush(_mix(color, white, 0.8)),
                         pattern=QBrush(color, Qt.BrushStyle.BDiagPattern))
    return RectStyle(QBrush(color))


def marker_style(color: QColor, look: Look, exact: bool) -> dict[str, Any]:
    """ScatterPlotItem options for markers of one colour, look and precision class."""
    white = QColor("white")
    fade = 255 if exact else 170
    dark = alpha(_mix(color, INK, 0.35), fade)
    if look == "void":
        return {"symbol": "x", "size": MARKER_SIZE, "pen": pg.mkPen(None),
                "brush": pg.mkBrush(alpha(GREY, fade))}
    if look == "outline":
        return {"symbol": "d", "size": MARKER_SIZE, "pen": pg.mkPen(alpha(color, fade), width=2),
                "brush": pg.mkBrush(alpha(white, fade))}
    if look == "tentative":
        return {"symbol": "d", "size": MARKER_SIZE - 2,
                "pen": pg.mkPen(alpha(color, fade), width=1.2,
                                style=Qt.PenStyle.DashLine),
                "brush": pg.mkBrush(alpha(_mix(color, white, 0.75), fade))}
    return {"symbol": "d", "size": MARKER_SIZE, "pen": pg.mkPen(dark, width=1),
            "brush": pg.mkBrush(alpha(color, fade))}


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
        self.set_lines(np.empty(0), np.empty(0), np.empty(0), [])

    def set_lines(self, x: Floats, y0: Floats, y1: Floats,
                  groups: Sequence[tuple[int, int, QColor]]) -> None:
        self.prepareGeometryChange()
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
        view = self.getViewBox()
        if view is None or not self.x.size:
            return
        (vx0, vx1), (vy0, vy1) = view.viewRange()
        visible = ((self.x >= vx0) & (self.x <= vx1)
                   & (np.maximum(self.y0, self.y1) >= vy0) & (np.minimum(self.y0, self.y1) <= vy1))
        if self.limit is not None and int(visible.sum()) > self.limit:
            return
        with _pixels(painter) as (sx, dx, sy, dy):
            top, bottom = sorted((vy0 * sy + dy, vy1 * sy + dy))
            for start, stop, color in self.groups:
                keep = visible[start:stop]
                if not keep.any():
                    continue
                x = self.x[start:stop][keep] * sx + dx
                y0 = np.clip(self.y0[start:stop][keep] * sy + dy, top, bottom)
                y1 = self.y1[start:stop][keep] * sy + dy
                self._lines.resize(x.size)
                lines = self._lines.ndarray()
                lines[:, 0], lines[:, 1] = x, y0
                lines[:, 2], lines[:, 3] = x, np.clip(y1, top, bottom)
                painter.setPen(QPen(color, self.width))
                painter.drawLines(*self._lines.drawargs())
                ends = (y1 >= top) & (y1 <= bottom)
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
        with _pixels(painter) as (sx, dx, sy, dy):
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rects, points, pen in (
                    (self.hover_rects, self.hover_points, QPen(alpha(INK, 120), 1.5)),
                    (self.rects, self.points, QPen(INK, 2.2))):
                painter.setPen(pen)
                for x0, x1, y0, y1 in rects:
                    left, right = x0 * sx + dx, x1 * sx + dx
                    top, bottom = sorted((y0 * sy + dy, y1 * sy + dy))
                    painter.drawRect(QRectF(left - 2, top - 2, max(right - left, 2) + 4,
                                            bottom - top + 4))
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
                painter.setPen(QPen(alpha(GREY, opacity), 1))
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
        self.set_labels(np.empty(0), np.empty(0), np.empty(0), np.empty(0, dtype=np.bool_), [])

    def set_labels(self, x: Floats, y: Floats, limit: Floats, marker: npt.NDArray[np.bool_],
                   texts: list[str]) -> None:
        self.prepareGeometryChange()
        self.x, self.y, self.stop, self.marker, self.texts = x, y, limit, marker, texts
        self._bounds = (QRectF(float(x.min()), float(y.min()) - 1,
                               float(x.max() - x.min()) + 60 * DAY, float(y.max() - y.min()) + 2)
                        if x.size else QRectF())
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, *_args: Any) -> None:
        view = self.getViewBox()
        if view is None or not self.x.size:
            return
        (vx0, vx1), (vy0, vy1) = view.viewRange()
        # a label goes with its glyph: none for glyphs left of the view
        visible = np.flatnonzero((self.x >= vx0) & (self.x <= vx1)
                                 & (self.y >= vy0) & (self.y <= vy1))
        if visible.size > self.limit:
            return
        with _pixels(painter) as (sx, dx, sy, dy):
            right_edge = vx1 * sx + dx
            painter.setFont(self.font)
            painter.setPen(alpha(INK, 200))
            metrics = QFontMetricsF(self.font)
            shift = metrics.ascent() / 2 - 1
            for i in visible:
                start = self.x[i] * sx + dx + (MARKER_SIZE / 2 + 3 if self.marker[i] else 3)
                room = min(self.stop[i] * sx + dx, right_edge) - start - 4
                if room < 28:
                    continue
                text = metrics.elidedText(self.texts[i], Qt.TextElideMode.ElideRight, room)
                painter.drawText(QPointF(start, self.y[i] * sy + dy + shift), text)


# -- legend --------------------------------------------------------------------------------

Swatch = Callable[[QPainter, QRectF], None]


class Legend(pg.GraphicsWidget):  # type: ignore[misc]
    """Swatches and words below the plot, wrapped to the width (part of the exports,
    unlike a widget would be)."""

    LINE = 20.0
    LEFT = 70.0

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[Swatch, str]] = []
        self.font = QFont(QApplication.font())
        self.font.setPointSizeF(self.font.pointSizeF() * 0.92)
        self._lines = 1
        self._fix_height()

    def set_entries(self, entries: list[tuple[Swatch, str]]) -> None:
        self.entries = entries
        self._relayout()
        self.update()

    def _positions(self) -> list[tuple[float, int]]:
        """(x, line) of each entry at the current width."""
        metrics = QFontMetricsF(self.font)
        width = max(self.size().width(), 200.0)
        out, x, line = [], self.LEFT, 0
        for _swatch, text in self.entries:
            advance = 27 + metrics.horizontalAdvance(text) + 16
            if x + advance > width and x > self.LEFT:
                x, line = self.LEFT, line + 1
            out.append((x, line))
            x += advance
        return out

    def _relayout(self) -> None:
        lines = max((line for _x, line in self._positions()), default=0) + 1
        if lines != self._lines:
            self._lines = lines
            self._fix_height()

    def _fix_height(self) -> None:
        self.setMinimumHeight(self._lines * self.LINE + 2)
        self.setMaximumHeight(self._lines * self.LINE + 2)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._relayout()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.size().width(), self.size().height())

    def paint(self, painter: QPainter, *_args: Any) -> None:
        painter.setFont(self.font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        metrics = QFontMetricsF(self.font)
        for (swatch, text), (x, line) in zip(self.entries, self._positions(), strict=True):
            middle = line * self.LINE + self.LINE / 2 + 1
            swatch(painter, QRectF(x, middle - 6, 22, 12))
            painter.setPen(INK)
            painter.drawText(QPointF(x + 27, middle + metrics.ascent() / 2 - 1), text)


def _rect_swatch(style: RectStyle) -> Swatch:
    def draw(painter: QPainter, rect: QRectF) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for brush in (style.fill, style.pattern):
            if brush is not None:
                painter.setBrush(brush)
                painter.drawRect(rect)
        if style.inner is not None:
            painter.setBrush(style.inner)
            painter.drawRect(rect.adjusted(style.inset, style.inset, -style.inset,
                                           -style.inset))
        if style.strike is not None:
            painter.setPen(QPen(style.strike, 1.5))
            painter.drawLine(QPointF(rect.left(), rect.center().y()),
                             QPointF(rect.right(), rect.center().y()))
    return draw


def _marker_swatch(options: dict[str, Any]) -> Swatch:
    def draw(painter: QPainter, rect: QRectF) -> None:
        center, r = rect.center(), options["size"] / 2
        painter.setPen(options["pen"])
        painter.setBrush(options["brush"])
        if options["symbol"] == "x":
            painter.setPen(QPen(options["brush"].color(), 2.5))
            painter.drawLine(center + QPointF(-r + 1, -r + 1), center + QPointF(r - 1, r - 1))
            painter.drawLine(center + QPointF(-r + 1, r - 1), center + QPointF(r - 1, -r + 1))
            return
        painter.drawPolygon(QPolygonF([center + QPointF(0, -r), center + QPointF(r, 0),
                                       center + QPointF(0, r), center + QPointF(-r, 0)]))
    return draw


def _tick_swatch(painter: QPainter, rect: QRectF) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(alpha(PUBLICATION, 200))
    painter.drawRect(QRectF(rect.center().x() - 1, rect.top(), 2.5, rect.height()))


def legend_entries(kinds: Sequence[TimelineKind]) -> list[tuple[Swatch, str]]:
    """Kinds (colour and bar/marker), then each look with the status values drawn so,
    precision and publication ticks."""
    entries: list[tuple[Swatch, str]] = []
    for kind in kinds:
        color = QColor(kind.color)
        swatch = (_marker_swatch(marker_style(color, "solid", True)) if kind.style == "marker"
                  else _rect_swatch(bar_style(color, "solid", True)))
        entries.append((swatch, kind.display))
    for look in LOOKS:
        values = [s for kind in kinds for s in kind.statuses if kind.look(s) == look]
        if values:
            entries.append((_rect_swatch(bar_style(QColor("#6b7280"), look, True)),
                            ", ".join(dict.fromkeys(values))))
    entries.append((_rect_swatch(bar_style(QColor("#6b7280"), "solid", False)),
                    "week, month … (approximate)"))
    entries.append((_tick_swatch, "published"))
    return entries


# -- the view box, the filter controls, the mentions list ------------------------------------

class DateAxis(pg.DateAxisItem):  # type: ignore[misc]
    """pyqtgraph's date axis (UTC) without finer ticks crowding a coarser one (no
    "Feb02" where the month tick and a day tick meet)."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom", utcOffset=0)
        # set by pyqtgraph when it first paints; the grid may ask for ticks before that
        self.fontMetrics = QFontMetrics(self.font())

    def tickValues(self, low: float, high: float, size: float
                   ) -> list[tuple[float, list[float]]]:
        levels: list[tuple[float, list[float]]] = super().tickValues(low, high, size)
        kept: list[tuple[float, list[float]]] = []
        coarser = np.empty(0)
        for spacing, values in levels:
            ticks = np.asarray(values, dtype=np.float64)
            gap = float(np.median(np.diff(np.sort(ticks)))) if ticks.size > 1 else spacing
            if coarser.size and ticks.size:
                distance = np.abs(ticks[:, None] - coarser[None, :]).min(axis=1)
                ticks = ticks[(distance < 1e-6 * gap) | (distance >= 0.6 * gap)]
            kept.append((spacing, ticks.tolist()))
            coarser = np.concatenate([coarser, ticks])
        return kept


class LaneAxis(pg.AxisItem):  # type: ignore[misc]
    """Lane names at the lanes' centres, thinned (top lanes first, as they are the most
    active) so that labels never overlap, however many lanes share the height."""

    def __init__(self) -> None:
        super().__init__(orientation="left")
        self.centers = np.empty(0)
        self.labels: dict[float, str] = {}

    def set_lanes(self, lanes: Sequence[tuple[float, str]]) -> None:
        self.centers = np.array(sorted(y for y, _text in lanes))
        self.labels = {round(y, 6): text for y, text in lanes}
        self.picture = None
        self.update()

    def tickValues(self, low: float, high: float, size: float
                   ) -> list[tuple[float, list[float]]]:
        low, high = min(low, high), max(low, high)
        visible = self.centers[(self.centers >= low) & (self.centers <= high)]
        if not visible.size or size <= 0:
            return [(1.0, [])]
        gap = QFontMetricsF(self.font()).height() * (high - low) / size
        kept, last = [], -np.inf
        for y in visible.tolist():
            if y - last >= gap:
                kept.append(y)
                last = y
        return [(1.0, kept)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.labels.get(round(v, 6), "") for v in values]


class TimelineViewBox(pg.ViewBox):  # type: ignore[misc]
    """Wheel zooms time only (around the cursor); Shift+wheel scrolls the lanes."""

    def wheelEvent(self, ev: Any, axis: int | None = None) -> None:
        if ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            (_x0, _x1), (y0, y1) = self.viewRange()
            self.translateBy(y=-ev.delta() / 120 * max((y1 - y0) / 10, 1))
            ev.accept()
            return
        super().wheelEvent(ev, axis=0)
