"""The timeline's plot: glyphs on a zoomable calendar, hover, click and selection.

:class:`TimelinePlot` draws a :class:`~akkord.gui.timeline_model.Geometry` (numpy arrays
of every glyph) with a few batched layers (:mod:`akkord.gui.timeline_layers`), keeps the
view within sensible limits (decades to hours; lanes never squeezed), and turns mouse
events into hits on the arrays (never per-item graphics objects). Its colours follow the
palette (:class:`~akkord.gui.timeline_colors.TimelineColors`), also when the palette
changes while it is shown.

Signals: ``item_clicked(entity_id)`` on a click (``None`` on an empty spot of the plot),
``item_activated(entity_id)`` on a double-click on an item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QShowEvent
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from akkord.gui.timeline_axes import DateAxis, LaneAxis, TimelineViewBox
from akkord.gui.timeline_colors import TimelineColors, alpha
from akkord.gui.timeline_export import export_png, export_svg
from akkord.gui.timeline_layers import (
    GridLayer,
    HighlightLayer,
    LabelLayer,
    LineLayer,
    RectLayer,
)
from akkord.gui.timeline_legend import Legend, legend_entries
from akkord.gui.timeline_model import (
    DAY,
    PUBLICATION_BOTTOM,
    PUBLICATION_TOP,
    Geometry,
    Ints,
    day_seconds,
    seconds_day,
)
from akkord.gui.timeline_styles import RectStyle, bar_style, marker_style
from akkord.gui.timeline_tooltips import item_tooltip, publication_tooltip
from akkord.services.timeline import TimelineData, TimelineItem

MIN_ROW_PX = 15.0  # the default view shows as many lanes as fit at this height per row
SMALLEST_ROW_PX = 4.0  # zooming out never squeezes a sub-row below this (scroll instead)
LANE_LABEL_PX = 190  # lane names are elided to this width
YEAR = 365.25 * DAY

Rect = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class MarkerGroup:
    """The scatter item that draws one group's markers, and which glyphs they are
    (indices into the geometry's ``mark_*`` arrays, in the scatter's order)."""

    scatter: pg.ScatterPlotItem
    glyphs: Ints
    group: int


class TimelinePlot(QWidget):
    """The calendar with lanes, glyphs, publication ticks and legend (see the module)."""

    item_clicked = Signal(object)
    item_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: TimelineData | None = None
        self.geometry_: Geometry | None = None
        self.selected: int | None = None
        self.hovered: int | None = None
        self.tooltip_text = ""
        self.fitted = False
        self.markers: list[MarkerGroup] = []
        self.line_order = np.empty(0, dtype=np.int64)  # line i of ``lines`` is segment [i]
        self.colors = TimelineColors.of(self.palette())
        self._plot_height = 0.0
        self._build()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        self._apply_colors()

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMouseTracking(True)
        self.graphics.ci.setContentsMargins(4, 4, 12, 2)
        self.view_box = TimelineViewBox(enableMenu=False)
        self.view_box.invertY(True)
        self.date_axis = DateAxis()
        self.lane_axis = LaneAxis()
        self.plot = self.graphics.addPlot(row=0, col=0, viewBox=self.view_box,
                                          axisItems={"bottom": self.date_axis,
                                                     "left": self.lane_axis})
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.lane_axis.setStyle(tickLength=0)
        self.legend = Legend()
        self.graphics.addItem(self.legend, row=1, col=0)
        self.stripes = RectLayer(full_width=True)
        self.publications = RectLayer()
        self.guides = RectLayer(limit=150)  # publication days down through the lanes
        self.bars = RectLayer()
        self.lines = LineLayer()
        self.selected_lines = LineLayer(limit=None, width=2.0)
        self.highlight = HighlightLayer()
        self.labels = LabelLayer()
        self.grid = GridLayer(self.date_axis)
        layers: tuple[Any, ...] = (self.stripes, self.guides, self.publications, self.lines,
                                   self.bars)
        for z, item in enumerate(layers):
            item.setZValue(z - 10)
        for item, z in ((self.labels, 4), (self.selected_lines, 5), (self.highlight, 10),
                        (self.grid, -20)):
            item.setZValue(z)
        for item in (self.labels, *layers, self.selected_lines, self.highlight, self.grid):
            self.plot.addItem(item)
        self.view_box.sigResized.connect(self._on_resized)
        scene = self.graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)

    # -- colours ----------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            colors = TimelineColors.of(self.palette())
            if colors != self.colors:
                self.colors = colors
                self._apply_colors()
                self._draw()

    def _apply_colors(self) -> None:
        """Background, axes, names, legend and rings in the palette's colours."""
        colors = self.colors
        self.graphics.setBackground(colors.background)
        for axis in (self.date_axis, self.lane_axis):
            axis.setTextPen(pg.mkPen(colors.ink))
            axis.setPen(pg.mkPen(colors.grey))
            axis.picture = None  # pyqtgraph caches the drawn axis
            axis.update()
        self.highlight.color = self.labels.color = self.legend.color = colors.ink
        self.grid.color = colors.grey
        self.legend.set_entries(legend_entries(self.shown.kinds if self.shown else (), colors))

    # -- drawing ----------------------------------------------------------------------------
    def set_geometry(self, shown: TimelineData | None, geometry: Geometry | None) -> None:
        """Draw ``geometry`` (laid out from ``shown``); ``None`` draws nothing."""
        self.shown, self.geometry_ = shown, geometry
        self.legend.set_entries(legend_entries(shown.kinds if shown else (), self.colors))
        self._draw()
        if not self.fitted and self.isVisible():
            self.fit()

    def _draw(self) -> None:
        for marker in self.markers:
            self.plot.removeItem(marker.scatter)
        self.markers = []
        geometry, shown = self.geometry_, self.shown
        if geometry is None or shown is None:
            for layer in (self.stripes, self.guides, self.publications, self.bars):
                layer.set_rects(np.empty(0), np.empty(0), np.empty(0), np.empty(0), [])
            self.lines.set_lines(np.empty(0), np.empty(0), np.empty(0), [])
            self.line_order = np.empty(0, dtype=np.int64)
            self.labels.set_labels(np.empty(0), np.empty(0), np.empty(0),
                                   np.empty(0, dtype=np.bool_), [])
            self.lane_axis.set_lanes([])
            self._update_highlight()
            return
        colors = {kind.name: QColor(kind.color) for kind in shown.kinds}
        self._draw_lanes(geometry)
        self._draw_publications(geometry)
        self.bars.set_rects(geometry.bar_x0, geometry.bar_x1, geometry.bar_y0, geometry.bar_y1,
                            [(start, stop, bar_style(colors[geometry.groups[g].kind],
                                                     geometry.groups[g].look,
                                                     geometry.groups[g].exact, self.colors))
                             for start, stop, g in geometry.bar_slices])
        self._draw_markers(geometry, colors)
        self._draw_lines(geometry, colors)
        label = geometry.labels
        self.labels.set_labels(label.x, label.y, label.stop, label.marker,
                               [geometry.items[i].name for i in label.item])
        self._update_limits()
        self._update_highlight()

    def _draw_lanes(self, geometry: Geometry) -> None:
        rows = geometry.rows
        stripes = rows[::2]
        self.stripes.set_rects(
            np.zeros(len(stripes)), np.zeros(len(stripes)),
            np.array([r.top - 0.17 for r in stripes]), np.array([r.bottom + 0.17 for r in stripes]),
            [(0, len(stripes), RectStyle(QBrush(self.colors.stripe), min_px=0))])
        metrics = QFontMetricsF(self.lane_axis.font())
        labels = [(row.center, metrics.elidedText(row.label, Qt.TextElideMode.ElideRight,
                                                  LANE_LABEL_PX))
                  for row in rows]
        labels.append(((PUBLICATION_TOP + PUBLICATION_BOTTOM) / 2, "published"))
        self.lane_axis.set_lanes(labels)
        width = max((metrics.horizontalAdvance(text) for _y, text in labels), default=60)
        self.lane_axis.setWidth(int(min(width, LANE_LABEL_PX) + 14))

    def _draw_publications(self, geometry: Geometry) -> None:
        """Day-precise publications as thin ticks in the strip (with a faint guide down
        through the lanes), fuzzier ones as a faint band in the strip."""
        tick = self.colors.muted
        exact = geometry.pub_exact
        middle = (geometry.pub_x0[exact] + geometry.pub_x1[exact]) / 2
        fuzzy_x0, fuzzy_x1 = geometry.pub_x0[~exact], geometry.pub_x1[~exact]
        n_exact, n_fuzzy = middle.size, fuzzy_x0.size
        top, bottom = PUBLICATION_TOP + 0.1, PUBLICATION_BOTTOM - 0.1
        groups = [(0, n_fuzzy, RectStyle(QBrush(alpha(tick, 40)), min_px=3.0)),
                  (n_fuzzy, n_fuzzy + n_exact, RectStyle(QBrush(alpha(tick, 170)), min_px=2.0))]
        self.publications.set_rects(
            np.concatenate([fuzzy_x0, middle]), np.concatenate([fuzzy_x1, middle]),
            np.full(n_fuzzy + n_exact, top), np.full(n_fuzzy + n_exact, bottom),
            [g for g in groups if g[1] > g[0]])
        self.guides.set_rects(middle, middle, np.full(n_exact, PUBLICATION_BOTTOM),
                              np.full(n_exact, max(geometry.height, 1.0)),
                              [(0, n_exact, RectStyle(QBrush(alpha(tick, 26)), min_px=1.0))]
                              if n_exact else [])

    def _draw_markers(self, geometry: Geometry, colors: dict[str, QColor]) -> None:
        for index, group in enumerate(geometry.groups):
            if not group.marker:
                continue
            glyphs = np.flatnonzero(geometry.mark_group == index)
            scatter = pg.ScatterPlotItem(x=geometry.mark_x[glyphs], y=geometry.mark_y[glyphs],
                                         pxMode=True, hoverable=False,
                                         **marker_style(colors[group.kind], group.look,
                                                        group.exact, self.colors))
            scatter.setZValue(1 if group.exact else 0)
            self.plot.addItem(scatter)
            self.markers.append(MarkerGroup(scatter, glyphs, index))

    def _draw_lines(self, geometry: Geometry, colors: dict[str, QColor]) -> None:
        kinds = np.array([geometry.items[i].kind for i in geometry.seg_item], dtype=object)
        order = np.argsort(kinds, kind="stable") if kinds.size else np.empty(0, dtype=np.int64)
        groups = []
        start = 0
        for name in dict.fromkeys(kinds[order].tolist()):
            stop = start + int((kinds == name).sum())
            groups.append((start, stop, alpha(colors[name], 120)))
            start = stop
        self.line_order = order
        self.lines.set_lines(geometry.seg_x[order], geometry.seg_y0[order],
                             geometry.seg_y1[order], groups)

    # -- the view ---------------------------------------------------------------------------
    def _update_limits(self, *_args: object) -> None:
        """Zoom from decades (80 years in view) to hours (one hour); lanes never thinner
        than :data:`SMALLEST_ROW_PX` a sub-row: a taller stack scrolls instead (and
        "Lanes by kind" gives the overview)."""
        geometry = self.geometry_
        bounds = geometry.x_bounds if geometry else None
        low, high = bounds if bounds else (day_seconds(date.today()) - YEAR,
                                           day_seconds(date.today()) + YEAR)
        height = max(geometry.height if geometry else 1.0, 1.0)
        rows = max(self.view_box.height(), 100.0) / SMALLEST_ROW_PX
        self.view_box.setLimits(xMin=low - 30 * YEAR, xMax=high + 30 * YEAR,
                                minXRange=3600.0, maxXRange=80 * YEAR,
                                yMin=PUBLICATION_TOP - 0.6, yMax=height + 0.6, minYRange=2.0,
                                maxYRange=min(height - PUBLICATION_TOP + 1.2, rows))

    def _on_resized(self, *_args: object) -> None:
        """Keep the lanes' height in pixels when the plot grows or shrinks (the mentions
        list opening, the dock resized): more or fewer lanes show, none is squeezed, and
        what is under the pointer stays there."""
        height = float(self.view_box.height())
        (_x0, _x1), (y0, y1) = self.view_box.viewRange()
        self._update_limits()
        if self._plot_height > 0 and height > 0:
            self.view_box.setYRange(y0, y0 + (y1 - y0) * height / self._plot_height, padding=0)
        self._plot_height = height

    def fit(self) -> None:
        """The whole data range (with a margin) and as many lanes as fit comfortably."""
        geometry = self.geometry_
        bounds = geometry.x_bounds if geometry else None
        if bounds is None:
            today = day_seconds(date.today())
            bounds = (today - 30 * DAY, today + 30 * DAY)
        low, high = bounds
        margin = max((high - low) * 0.03, DAY)
        self.view_box.setXRange(low - margin, high + margin, padding=0)
        self.fit_lanes()
        self.fitted = True

    def fit_lanes(self) -> None:
        """From the publication strip down, as many lanes as fit at a readable height."""
        geometry = self.geometry_
        height = geometry.height if geometry else 1.0
        pixels = max(self.view_box.height(), 100.0)
        top = PUBLICATION_TOP - 0.3
        rows = max(pixels / MIN_ROW_PX, 4.0)
        self.view_box.setYRange(top, min(height + 0.4, top + rows), padding=0)

    def show_range(self, start: date, end: date) -> None:
        """Zoom the time axis to ``start`` … ``end`` (inclusive)."""
        self.view_box.setXRange(day_seconds(start), day_seconds(end) + DAY, padding=0.02)

    def visible_range(self) -> tuple[date, date]:
        (x0, x1), _y = self.view_box.viewRange()
        return seconds_day(x0), seconds_day(x1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.fitted:
            QTimer.singleShot(0, self._first_fit)  # once the layout has sized the plot

    def _first_fit(self) -> None:
        if not self.fitted:
            self.fit()

    # -- selection and hover -------------------------------------------------------------
    def highlight_entity(self, entity_id: int | None) -> None:
        """Mark the item of ``entity_id`` (``None`` clears), panning to it if out of view."""
        self.selected = entity_id
        self._update_highlight()
        self._ensure_visible(entity_id)

    def item(self, entity_id: int) -> TimelineItem | None:
        """The shown item of an entity (``None`` when filtered out or undated)."""
        return self.geometry_.item_of(entity_id) if self.geometry_ else None

    def _glyphs_of(self, entity_id: int | None) -> tuple[list[Rect], list[tuple[float, float]]]:
        geometry = self.geometry_
        if geometry is None or entity_id is None or entity_id not in geometry.index_of:
            return [], []
        index = geometry.index_of[entity_id]
        bars = np.flatnonzero(geometry.bar_item == index)
        marks = np.flatnonzero(geometry.mark_item == index)
        rects = [(float(geometry.bar_x0[b]), float(geometry.bar_x1[b]),
                  float(geometry.bar_y0[b]), float(geometry.bar_y1[b])) for b in bars]
        points = [(float(geometry.mark_x[m]), float(geometry.mark_y[m])) for m in marks]
        return rects, points

    def _update_highlight(self) -> None:
        rects, points = self._glyphs_of(self.selected)
        hover_rects, hover_points = (self._glyphs_of(self.hovered)
                                     if self.hovered != self.selected else ([], []))
        self.highlight.set_glyphs(rects, points, hover_rects, hover_points)
        geometry, shown = self.geometry_, self.shown
        if geometry is None or shown is None or self.selected not in geometry.index_of:
            self.selected_lines.set_lines(np.empty(0), np.empty(0), np.empty(0), [])
            return
        index = geometry.index_of[self.selected]
        chosen = geometry.seg_item == index
        kind = shown.kind(geometry.items[index].kind)
        color = QColor(kind.color if kind else self.colors.ink)
        self.selected_lines.set_lines(geometry.seg_x[chosen], geometry.seg_y0[chosen],
                                      geometry.seg_y1[chosen],
                                      [(0, int(chosen.sum()), color)])

    def _ensure_visible(self, entity_id: int | None) -> None:
        geometry = self.geometry_
        if geometry is None or entity_id is None or entity_id not in geometry.index_of:
            return
        bounds = geometry.glyph_bounds(geometry.index_of[entity_id])
        if bounds is None:
            return
        x0, x1, y0, y1 = bounds
        (vx0, vx1), (vy0, vy1) = self.view_box.viewRange()
        if x1 < vx0 or x0 > vx1:
            middle, half = (x0 + x1) / 2, (vx1 - vx0) / 2
            self.view_box.setXRange(middle - half, middle + half, padding=0)
        if y1 < vy0 or y0 > vy1:
            half = (vy1 - vy0) / 2
            self.view_box.setYRange(y0 - 1 - half / 2, y0 - 1 + half * 1.5, padding=0)

    def item_at(self, scene_pos: QPointF) -> TimelineItem | None:
        """The item drawn at a scene position (hit test on the glyph arrays)."""
        geometry = self.geometry_
        if geometry is None or not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view_box.mapSceneToView(scene_pos)
        px, py = self.view_box.viewPixelSize()
        index = geometry.hit(point.x(), point.y(), px, py)
        return geometry.items[index] if index is not None else None

    def publication_at(self, scene_pos: QPointF) -> int | None:
        geometry = self.geometry_
        if geometry is None or not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view_box.mapSceneToView(scene_pos)
        px, _py = self.view_box.viewPixelSize()
        return geometry.hit_publication(point.x(), point.y(), px)

    def scene_pos_of(self, entity_id: int) -> QPointF | None:
        """Where an item is drawn (the middle of its first glyph), in scene coordinates."""
        geometry = self.geometry_
        if geometry is None or entity_id not in geometry.index_of:
            return None
        index = geometry.index_of[entity_id]
        marks = np.flatnonzero(geometry.mark_item == index)
        if marks.size:
            point = QPointF(float(geometry.mark_x[marks[0]]), float(geometry.mark_y[marks[0]]))
        else:
            bars = np.flatnonzero(geometry.bar_item == index)
            if not bars.size:
                return None
            b = bars[0]
            px, _py = self.view_box.viewPixelSize()
            right = max(float(geometry.bar_x1[b]), float(geometry.bar_x0[b]) + 2 * px)
            point = QPointF((float(geometry.bar_x0[b]) + right) / 2,
                            float(geometry.bar_y0[b] + geometry.bar_y1[b]) / 2)
        return self.view_box.mapViewToScene(point)  # type: ignore[no-any-return]

    def tooltip_html(self, item: TimelineItem) -> str:
        shown = self.shown
        assert shown is not None
        return item_tooltip(item, shown)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        item = self.item_at(scene_pos)
        hovered = item.entity_id if item else None
        if hovered != self.hovered:
            self.hovered = hovered
            self._update_highlight()
        global_pos = self.graphics.mapToGlobal(self.graphics.mapFromScene(scene_pos))
        if item is not None:
            self.tooltip_text = self.tooltip_html(item)
            self.graphics.setCursor(Qt.CursorShape.PointingHandCursor)
            QToolTip.showText(global_pos, self.tooltip_text, self.graphics)
            return
        self.graphics.unsetCursor()
        doc = self.publication_at(scene_pos)
        if doc is not None and self.shown is not None:
            self.tooltip_text = publication_tooltip(self.shown.documents.get(doc, ""))
            QToolTip.showText(global_pos, self.tooltip_text, self.graphics)
            return
        if self.tooltip_text:
            self.tooltip_text = ""
            QToolTip.hideText()

    def _on_mouse_clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        item = self.item_at(event.scenePos())
        if event.double():
            if item is not None:
                self.item_activated.emit(item.entity_id)
            return
        if item is not None:
            self.item_clicked.emit(item.entity_id)
        elif self.view_box.sceneBoundingRect().contains(event.scenePos()):
            self.item_clicked.emit(None)

    # -- export ----------------------------------------------------------------------------
    def export_png(self, path: str | Path, width: int | None = None) -> Path:
        """The plot and its legend as a PNG (``width`` pixels wide, default as shown)."""
        return export_png(self.graphics, path, self.colors.background, width)

    def export_svg(self, path: str | Path) -> Path:
        """The plot and its legend as an SVG drawing."""
        return export_svg(self.graphics, path, self.colors.background)
