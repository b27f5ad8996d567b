"""The timeline: dated entities on a calendar, one lane per actor (pyqtgraph).

What is drawn (the schema's ``timeline`` tables decide which kinds, lanes and targets):

* **bars** from the earliest to the latest day of an item, on each of its lanes (a
  meeting on every participant's lane); **markers** at the middle of an item's days on
  its lanes (a demand on its claimant's lane), with a **line** to each target's lane
  ending in a dot (its addressees);
* **precision**: an item stated to the day is drawn solid; one stated as a week, month,
  season, quarter or year is a faint band over its whole interval (a marker sits in the
  middle of its band);
* **status**, as the schema's ``looks`` say: *solid* (filled), *outline* (pale fill,
  coloured border), *tentative* (hatched), *void* (grey, struck through); markers:
  filled, hollow, small hollow and a grey cross;
* **publication days** of the documents as quiet grey ticks in a strip above the lanes
  (a month-precise publication date as a faint band);
* colours are the schema's label colours of each kind; a legend below the plot says all
  of this.

Performance: the glyphs live in numpy arrays (:mod:`akkord.gui.timeline_model`) and are
drawn by a few batched graphics items that cull to the visible range and paint each
group with one ``drawRects``/``drawLines`` call in device pixels
(:mod:`akkord.gui.timeline_layers`); target lines are only drawn while fewer than
``MAX_LINES`` are in view (the selected item's always are). Hover and click hit-test the
arrays (vectorised), never per-item graphics objects.

Import this module lazily: importing pyqtgraph takes a noticeable fraction of a second
(it and :mod:`akkord.gui.timeline_layers` are the only modules that import it).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # registers pg.exporters
from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPalette,
    QShowEvent,
    QTextDocument,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from akkord.gui.timeline_layers import (
    GREY,
    INK,
    PUBLICATION,
    STRIPE,
    DateAxis,
    GridLayer,
    HighlightLayer,
    LabelLayer,
    LaneAxis,
    Legend,
    LineLayer,
    RectLayer,
    RectStyle,
    TimelineViewBox,
    alpha,
    bar_style,
    legend_entries,
    marker_style,
)
from akkord.gui.timeline_model import (
    DAY,
    PUBLICATION_BOTTOM,
    PUBLICATION_TOP,
    Geometry,
    build_geometry,
    day_seconds,
    seconds_day,
)
from akkord.services.projects import Project
from akkord.services.timeline import (
    MentionRef,
    TimelineData,
    TimelineFilter,
    TimelineItem,
    filter_timeline,
    load_timeline,
    mentions_of,
    without_gc,
)

Index = QModelIndex | QPersistentModelIndex

MIN_ROW_PX = 15.0  # the default view shows as many lanes as fit at this height per row
SMALLEST_ROW_PX = 4.0  # zooming out never squeezes a sub-row below this (scroll instead)
YEAR = 365.25 * DAY


class CheckList(QToolButton):
    """A drop-down list of checkable options with a search box; ``changed`` on edits.

    ``selected()`` is ``None`` while everything is checked (no restriction).
    """

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.list = QListWidget()
        self.search = QLineEdit(placeholderText="Search…", clearButtonEnabled=True)
        self.search.textChanged.connect(self._search)
        buttons = QHBoxLayout()
        for text, state in (("All", True), ("None", False)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self._check_all(s))
            buttons.addWidget(button)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        box.setMinimumSize(260, 300)
        action = QWidgetAction(self)
        action.setDefaultWidget(box)
        menu = QMenu(self)
        menu.addAction(action)
        self.setMenu(menu)
        self.list.itemChanged.connect(self._changed)
        self._keys: list[object] = []
        self._update_text()

    def set_options(self, options: Sequence[tuple[object, str]]) -> None:
        """Replace the options, keeping the state of keys seen before (new ones checked)."""
        before = {key: self.list.item(i).checkState() for i, key in enumerate(self._keys)}
        self.list.blockSignals(True)
        self.list.clear()
        self._keys = [key for key, _label in options]
        for key, label in options:
            item = QListWidgetItem(label, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(before.get(key, Qt.CheckState.Checked))
        self.list.blockSignals(False)
        self._update_text()

    def selected(self) -> frozenset[Any] | None:
        checked = [key for i, key in enumerate(self._keys)
                   if self.list.item(i).checkState() == Qt.CheckState.Checked]
        return None if len(checked) == len(self._keys) else frozenset(checked)

    def set_selected(self, keys: frozenset[Any] | None) -> None:
        self.list.blockSignals(True)
        for i, key in enumerate(self._keys):
            on = keys is None or key in keys
            self.list.item(i).setCheckState(Qt.CheckState.Checked if on
                                            else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._update_text()

    def _check_all(self, state: bool) -> None:
        self.set_selected(None if state else frozenset())
        self.changed.emit()

    def _search(self, text: str) -> None:
        needle = text.casefold()
        for i in range(self.list.count()):
            self.list.item(i).setHidden(needle not in self.list.item(i).text().casefold())

    def _changed(self, _item: QListWidgetItem) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        chosen = self.selected()
        self.setText(self.title if chosen is None
                     else f"{self.title} ({len(chosen)}/{len(self._keys)})")


class MentionDelegate(QStyledItemDelegate):
    """Paints a mention row as rich text: the document, then the sentence with the
    mention in bold. Article text is escaped: markup in an article stays text."""

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(Qt.ItemDataRole.UserRole + 1)))
        doc.setTextWidth(max(option.rect.width() - 8, 200))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rect = option.rect
        doc = self._document(option, index)
        painter.save()
        try:
            if option.state & QStyle.StateFlag.State_Selected:
                painter.fillRect(rect, option.palette.color(QPalette.ColorRole.Highlight))
            painter.translate(rect.left() + 4, rect.top() + 2)
            doc.drawContents(painter)
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        doc = self._document(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 4)


def mention_html(mention: MentionRef) -> str:
    """The document title and date, then the sentence with the mention in bold."""
    before = mention.sentence[:mention.start - mention.sentence_start]
    inside = mention.sentence[mention.start - mention.sentence_start:
                              mention.end - mention.sentence_start]
    after = mention.sentence[mention.end - mention.sentence_start:]
    when = f" · {html.escape(mention.published)}" if mention.published else ""
    return (f"<span style='color:#5f6368'>{html.escape(mention.title)}{when}</span><br>"
            f"{html.escape(before)}<b>{html.escape(inside)}</b>{html.escape(after)}")


# -- the widget ---------------------------------------------------------------------------------

class TimelineView(QWidget):
    """Dated entities of a project on a zoomable calendar, with filters and exports.

    Signals: ``entity_clicked(entity_id)`` when an item is clicked (it is then selected
    and its mentions listed), ``entity_activated(entity_id)`` on a double-click,
    ``mention_activated(doc_id, start, end)`` on a double-click in the mentions list.
    Slot: :meth:`highlight_entity` marks an item (selection in the text view).
    """

    entity_clicked = Signal(int)
    entity_activated = Signal(int)
    mention_activated = Signal(int, int, int)

    def __init__(self, project: Project | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.data: TimelineData | None = None  # everything loaded
        self.shown: TimelineData | None = None  # after the filters
        self.geometry_: Geometry | None = None
        self.collapsed = False
        self.selected: int | None = None  # entity id
        self.hovered: int | None = None
        self.tooltip_text = ""
        self._fitted = False
        self._build_plot()
        self._build_filters()
        self._build_mentions()
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.graphics)
        splitter.addWidget(self.mentions_box)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        self.splitter = splitter
        self.mentions_box.hide()  # until an item is selected: the plot gets the height
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self.filter_bar)
        layout.addWidget(splitter, 1)
        if project is not None:
            self.reload()

    # -- construction ---------------------------------------------------------------------
    def _build_plot(self) -> None:
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
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
        for axis in (self.date_axis, self.lane_axis):
            axis.setTextPen(pg.mkPen(INK))
            axis.setPen(pg.mkPen(GREY))
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
        self.labels.setZValue(4)
        self.plot.addItem(self.labels)
        self.markers: list[Any] = []
        layers: tuple[Any, ...] = (self.stripes, self.guides, self.publications, self.lines,
                                   self.bars)
        for z, item in enumerate(layers):
            item.setZValue(z - 10)
            self.plot.addItem(item)
        self.selected_lines.setZValue(5)
        self.highlight.setZValue(10)
        self.plot.addItem(self.selected_lines)
        self.plot.addItem(self.highlight)
        self.grid = GridLayer(self.date_axis)
        self.grid.setZValue(-20)
        self.plot.addItem(self.grid)
        self._plot_height = 0.0
        self.view_box.sigResized.connect(self._on_resized)
        scene = self.graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)

    def _build_filters(self) -> None:
        self.actors = CheckList("Actors")
        self.kinds = CheckList("Kinds")
        self.statuses = CheckList("Status")
        self.documents = CheckList("Documents")
        for box in (self.actors, self.kinds, self.statuses, self.documents):
            box.changed.connect(self._apply)
        self.use_dates = QCheckBox("Dates")
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._on_dates)
        self.use_dates.toggled.connect(self._on_use_dates)
        self.collapse = QCheckBox("Lanes by kind")
        self.collapse.setToolTip("One lane per kind of actor (state, person, …)")
        self.collapse.toggled.connect(self.set_collapsed)
        fit = _button("Fit", "Show everything (Home)", self.fit)
        png = _button("PNG…", "Export the view as a PNG image",
                      lambda: self._export_dialog("PNG image (*.png)", self.export_png))
        svg = _button("SVG…", "Export the view as an SVG drawing",
                      lambda: self._export_dialog("SVG drawing (*.svg)", self.export_svg))
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #5f6368")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # the first thing to give way when the dock is narrow
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setToolTip("Hover an item for its details; click it to list its "
                                "mentions, double-click it to open it")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        left: tuple[QWidget, ...] = (self.actors, self.kinds, self.statuses, self.documents,
                                     self.use_dates, self.date_from, QLabel("–"), self.date_to,
                                     self.collapse)
        for widget in left:
            bar.addWidget(widget)
        bar.addWidget(self.summary, 1)
        for button in (fit, png, svg):
            bar.addWidget(button)
        self.filter_bar = bar

    def _build_mentions(self) -> None:
        self.mentions_title = QLabel()
        self.mentions_title.setStyleSheet("color: #5f6368")
        self.mentions = QListWidget()
        self.mentions.setItemDelegate(MentionDelegate(self.mentions))
        self.mentions.setWordWrap(True)
        self.mentions.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.mentions.itemActivated.connect(self._on_mention_activated)
        self.mentions.itemDoubleClicked.connect(self._on_mention_activated)
        self.mentions_box = QWidget()
        layout = QVBoxLayout(self.mentions_box)
        layout.setContentsMargins(4, 0, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.mentions_title)
        layout.addWidget(self.mentions)

    # -- data -----------------------------------------------------------------------------
    def set_project(self, project: Project | None) -> None:
        """Show another project (or none); the filters start afresh."""
        self.project = project
        self.data = None
        self._fitted = False
        self.reload()

    def reload(self) -> None:
        """Read the project again (after edits), keeping filters and the view."""
        if self.project is None:
            self.set_data(None)
            return
        with self.project.read() as session:
            data = load_timeline(session, self.project.schema)
        self.set_data(data)

    def set_data(self, data: TimelineData | None) -> None:
        """Show ``data`` (all of it; the filter bar filters in memory)."""
        self.data = data
        self._fill_filters()
        self._apply()

    def _fill_filters(self) -> None:
        data = self.data
        lanes = data.lanes if data else []
        self.actors.set_options([(lane.entity_id, f"{lane.name} ({lane.activity})")
                                 for lane in lanes])
        kinds = data.kinds if data else ()
        self.kinds.set_options([(kind.name, kind.display) for kind in kinds])
        statuses: list[tuple[object, str]] = [(s, s) for s in (data.statuses if data else ())]
        if data and any(item.status is None for item in data.items):
            statuses.append((None, "(no status)"))
        self.statuses.set_options(statuses)
        self.documents.set_options(sorted(data.documents.items()) if data else [])
        self.legend.set_entries(legend_entries(kinds))
        span = data.span if data else None
        if span and not self.use_dates.isChecked():
            for edit, day in ((self.date_from, span[0]), (self.date_to, span[1])):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)

    def current_filter(self) -> TimelineFilter:
        """The filter the filter bar describes."""
        start = end = None
        if self.use_dates.isChecked():
            start, end = _py_date(self.date_from.date()), _py_date(self.date_to.date())
        return TimelineFilter(actor_ids=self.actors.selected(), kinds=self.kinds.selected(),
                              statuses=self.statuses.selected(),
                              document_ids=self.documents.selected(), start=start, end=end)

    def set_filter(self, filters: TimelineFilter) -> None:
        """Set the filter bar (and the view) to ``filters``."""
        self.actors.set_selected(filters.actor_ids)
        self.kinds.set_selected(filters.kinds)
        self.statuses.set_selected(filters.statuses)
        self.documents.set_selected(filters.document_ids)
        has_dates = filters.start is not None or filters.end is not None
        for edit, day in ((self.date_from, filters.start), (self.date_to, filters.end)):
            if day is not None:
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.use_dates.blockSignals(True)
        self.use_dates.setChecked(has_dates)
        self.use_dates.blockSignals(False)
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(has_dates)
        self._apply()
        if has_dates:
            self._show_filter_dates()

    @Slot(bool)
    def set_collapsed(self, collapsed: bool) -> None:
        """One lane per actor, or (collapsed) one per kind of actor."""
        if self.collapse.isChecked() != collapsed:
            self.collapse.setChecked(collapsed)  # comes back here through toggled
            return
        self.collapsed = collapsed
        self._apply()
        self._fit_lanes()

    def _apply(self) -> None:
        """Filter, lay out and draw again, keeping the time range in view."""
        with without_gc():  # hundreds of thousands of short tuples, no cycles
            self.shown = (filter_timeline(self.data, self.current_filter()) if self.data
                          else None)
            self.geometry_ = build_geometry(self.shown, self.collapsed) if self.shown else None
        self._draw()
        shown = self.shown
        self.summary.setText(
            f"{len(shown.items)} items · {len(shown.lanes)} lanes"
            + (f" · {shown.undated} undated" if shown.undated else "") if shown else "")
        if not self._fitted and self.isVisible():
            self.fit()

    # -- drawing ----------------------------------------------------------------------------
    def _draw(self) -> None:
        for marker in self.markers:
            self.plot.removeItem(marker)
        self.markers = []
        geometry = self.geometry_
        if geometry is None or self.shown is None:
            for layer in (self.stripes, self.guides, self.publications, self.bars):
                layer.set_rects(np.empty(0), np.empty(0), np.empty(0), np.empty(0), [])
            self.lines.set_lines(np.empty(0), np.empty(0), np.empty(0), [])
            self.labels.set_labels(np.empty(0), np.empty(0), np.empty(0),
                                   np.empty(0, dtype=np.bool_), [])
            self.lane_axis.set_lanes([])
            self._update_highlight()
            return
        colors = {kind.name: QColor(kind.color) for kind in self.shown.kinds}
        self._draw_lanes(geometry)
        self._draw_publications(geometry)
        self.bars.set_rects(geometry.bar_x0, geometry.bar_x1, geometry.bar_y0, geometry.bar_y1,
                            [(start, stop, bar_style(colors[geometry.groups[g].kind],
                                                     geometry.groups[g].look,
                                                     geometry.groups[g].exact))
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
            [(0, len(stripes), RectStyle(QBrush(STRIPE), min_px=0))])
        metrics = QFontMetricsF(self.lane_axis.font())
        labels = [(row.center, metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, 190))
                  for row in rows]
        labels.append(((PUBLICATION_TOP + PUBLICATION_BOTTOM) / 2, "published"))
        self.lane_axis.set_lanes(labels)
        width = max((metrics.horizontalAdvance(text) for _y, text in labels), default=60)
        self.lane_axis.setWidth(int(min(width, 190) + 14))

    def _draw_publications(self, geometry: Geometry) -> None:
        """Day-precise publications as thin ticks in the strip (with a faint guide down
        through the lanes), fuzzier ones as a faint band in the strip."""
        exact = geometry.pub_exact
        middle = (geometry.pub_x0[exact] + geometry.pub_x1[exact]) / 2
        fuzzy_x0, fuzzy_x1 = geometry.pub_x0[~exact], geometry.pub_x1[~exact]
        n_exact, n_fuzzy = middle.size, fuzzy_x0.size
        top, bottom = PUBLICATION_TOP + 0.1, PUBLICATION_BOTTOM - 0.1
        groups = [(0, n_fuzzy, RectStyle(QBrush(alpha(PUBLICATION, 40)), min_px=3.0)),
                  (n_fuzzy, n_fuzzy + n_exact,
                   RectStyle(QBrush(alpha(PUBLICATION, 170)), min_px=2.0))]
        self.publications.set_rects(
            np.concatenate([fuzzy_x0, middle]), np.concatenate([fuzzy_x1, middle]),
            np.full(n_fuzzy + n_exact, top), np.full(n_fuzzy + n_exact, bottom),
            [g for g in groups if g[1] > g[0]])
        self.guides.set_rects(middle, middle, np.full(n_exact, PUBLICATION_BOTTOM),
                              np.full(n_exact, max(geometry.height, 1.0)),
                              [(0, n_exact, RectStyle(QBrush(alpha(PUBLICATION, 22)),
                                                      min_px=1.0))] if n_exact else [])

    def _draw_markers(self, geometry: Geometry, colors: dict[str, QColor]) -> None:
        for index, group in enumerate(geometry.groups):
            if not group.marker:
                continue
            chosen = geometry.mark_group == index
            scatter = pg.ScatterPlotItem(x=geometry.mark_x[chosen], y=geometry.mark_y[chosen],
                                         pxMode=True, hoverable=False,
                                         **marker_style(colors[group.kind], group.look,
                                                        group.exact))
            scatter.setZValue(1 if group.exact else 0)
            self.plot.addItem(scatter)
            self.markers.append(scatter)

    def _draw_lines(self, geometry: Geometry, colors: dict[str, QColor]) -> None:
        kinds = np.array([geometry.items[i].kind for i in geometry.seg_item], dtype=object)
        order = np.argsort(kinds, kind="stable") if kinds.size else np.empty(0, dtype=np.int64)
        groups = []
        start = 0
        for name in dict.fromkeys(kinds[order].tolist()):
            stop = start + int((kinds == name).sum())
            groups.append((start, stop, alpha(colors[name], 120)))
            start = stop
        self.lines.set_lines(geometry.seg_x[order], geometry.seg_y0[order],
                             geometry.seg_y1[order], groups)

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

    # -- view ---------------------------------------------------------------------------------
    @Slot()
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
        self._fit_lanes()
        self._fitted = True

    def _fit_lanes(self) -> None:
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
        if not self._fitted:
            QTimer.singleShot(0, self._first_fit)  # once the layout has sized the plot

    def _first_fit(self) -> None:
        if not self._fitted:
            self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Home:
            self.fit()
        elif event.key() == Qt.Key.Key_Escape:
            self.highlight_entity(None)
        else:
            super().keyPressEvent(event)

    # -- selection and hover -------------------------------------------------------------------
    @Slot(object)
    def highlight_entity(self, entity_id: int | None) -> None:
        """Mark the item of ``entity_id`` (``None`` clears), panning to it if out of view.
        For "selection in the text view highlights the item on the timeline"."""
        self.selected = entity_id
        self._update_highlight()
        self._ensure_visible(entity_id)

    def select_entity(self, entity_id: int | None) -> None:
        """Highlight the item and list its mentions (what a click does)."""
        self.highlight_entity(entity_id)
        self._show_mentions(entity_id)

    def item(self, entity_id: int) -> TimelineItem | None:
        """The shown item of an entity (``None`` when filtered out or undated)."""
        return self.geometry_.item_of(entity_id) if self.geometry_ else None

    def _glyphs_of(self, entity_id: int | None) -> tuple[list[tuple[float, float, float, float]],
                                                          list[tuple[float, float]]]:
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
        geometry = self.geometry_
        if geometry is None or self.selected not in geometry.index_of or self.shown is None:
            self.selected_lines.set_lines(np.empty(0), np.empty(0), np.empty(0), [])
            return
        index = geometry.index_of[self.selected]
        chosen = geometry.seg_item == index
        color = QColor(next(k.color for k in self.shown.kinds
                            if k.name == geometry.items[index].kind))
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
        """Name, date (value, precision, certainty), status, lanes with roles, targets,
        documents."""
        shown = self.data or self.shown
        assert shown is not None
        kind = shown.kind(item.kind)
        names = shown.names
        when = item.value if item.value == f"{item.earliest}" else (
            f"{item.value} ({item.earliest} – {item.latest})")
        lines = [f"<b>{html.escape(item.name)}</b>",
                 html.escape(f"{kind.display if kind else item.kind} · {when}"
                             f" · {item.precision.value}"
                             + ("" if item.certain else " · uncertain")
                             + (f" · {item.status}" if item.status else ""))]
        lanes = [names.get(lane, "?") + (f" ({role})" if role else "")
                 for lane, role in zip(item.lanes, item.roles, strict=True)
                 if lane in names]
        if lanes:
            label = (kind.lanes_attribute if kind and kind.lanes_attribute else "lanes")
            lines.append(f"<i>{html.escape(label)}:</i> {html.escape(', '.join(lanes))}")
        if item.targets:
            label = kind.targets_attribute if kind and kind.targets_attribute else "targets"
            targets = ", ".join(names.get(t, "?") for t in item.targets)
            lines.append(f"<i>{html.escape(label)}:</i> {html.escape(targets)}")
        titles = [shown.documents.get(doc, f"document {doc}") for doc in item.documents]
        if titles:
            listed = "".join(f"<br>&nbsp;· {html.escape(t)}" for t in titles[:6])
            more = f"<br>&nbsp;· … {len(titles) - 6} more" if len(titles) > 6 else ""
            lines.append(f"<i>{len(titles)} document(s), {item.mention_count} mention(s):</i>"
                         f"{listed}{more}")
        return "<br>".join(lines)

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
            self.tooltip_text = (f"<i>published:</i> "
                                 f"{html.escape(self.shown.documents.get(doc, ''))}")
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
                self.entity_activated.emit(item.entity_id)
            return
        if item is None:
            if self.view_box.sceneBoundingRect().contains(event.scenePos()):
                self.select_entity(None)
            return
        self.select_entity(item.entity_id)
        self.entity_clicked.emit(item.entity_id)

    # -- mentions --------------------------------------------------------------------------
    def _show_mentions(self, entity_id: int | None) -> None:
        """List the mentions of the selected item below the plot (hidden when none is)."""
        self.mentions.clear()
        item = self.item(entity_id) if entity_id is not None else None
        if item is None or self.project is None:
            self.mentions_box.hide()
            return
        with self.project.read() as session:
            found = mentions_of(session, item.entity_id)
        self.mentions_title.setText(f"{len(found)} mention(s) of {item.name} — double-click "
                                    "one to open the text")
        if self.mentions_box.isHidden():
            self.mentions_box.show()
            total = sum(self.splitter.sizes())
            self.splitter.setSizes([int(total * 0.72), total - int(total * 0.72)])
        for mention in found:
            row = QListWidgetItem(self.mentions)
            row.setData(Qt.ItemDataRole.UserRole, (mention.doc_id, mention.start, mention.end))
            row.setData(Qt.ItemDataRole.UserRole + 1, mention_html(mention))
            row.setToolTip(mention.title)

    def _on_mention_activated(self, row: QListWidgetItem) -> None:
        doc_id, start, end = row.data(Qt.ItemDataRole.UserRole)
        self.mention_activated.emit(doc_id, start, end)

    # -- dates filter ------------------------------------------------------------------------
    def _on_use_dates(self, on: bool) -> None:
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(on)
        self._apply()
        if on:
            self._show_filter_dates()

    def _on_dates(self, _day: QDate) -> None:
        if self.use_dates.isChecked():
            self._apply()
            self._show_filter_dates()

    def _show_filter_dates(self) -> None:
        start, end = _py_date(self.date_from.date()), _py_date(self.date_to.date())
        if start <= end:
            self.show_range(start, end)

    # -- export ------------------------------------------------------------------------------
    def export_png(self, path: str | Path, width: int | None = None) -> Path:
        """Write the plot and its legend as a PNG (``width`` pixels wide, default as
        shown)."""
        exporter = pg.exporters.ImageExporter(self.graphics.ci)
        if width is not None:
            exporter.parameters()["width"] = width
        exporter.parameters()["background"] = QColor("white")
        exporter.export(str(path))
        return Path(path)

    def export_svg(self, path: str | Path) -> Path:
        """Write the plot and its legend as an SVG drawing.

        Rendered by Qt's SVG generator directly: pyqtgraph's SVG exporter rewrites the
        generated paths and fails on some of them (closed sub-paths).
        """
        source = self.graphics.ci.sceneBoundingRect()
        target = QRectF(0, 0, source.width(), source.height())
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(target.size().toSize())
        generator.setViewBox(target)
        generator.setTitle("Akkord timeline")
        # the screen's resolution: pyqtgraph's axes replay pictures recorded for it
        generator.setResolution(round(self.logicalDpiX()))
        painter = QPainter(generator)
        try:
            painter.fillRect(target, QColor("white"))
            self.graphics.scene().render(painter, target, source)
        finally:
            painter.end()
        return Path(path)

    def _export_dialog(self, kind: str, export: Callable[[Path], Path]) -> None:
        suffix = ".png" if "png" in kind else ".svg"
        default = f"timeline{suffix}"
        path, _chosen = QFileDialog.getSaveFileName(self, "Export the timeline", default, kind)
        if path:
            export(Path(path) if Path(path).suffix else Path(path + suffix))


def _button(text: str, tip: str, action: Callable[[], object]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.clicked.connect(action)
    return button


def _py_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def grab_timeline(project: Project, path: str | Path, size: tuple[int, int] = (1400, 800),
                  select: int | None = None) -> Path:
    """Save a screenshot of the timeline of ``project`` (for ``akkord screenshot`` and
    the docs): the default view, with ``select`` (an entity id) selected if given."""
    from akkord.gui.app import application

    application()
    view = TimelineView(project)
    view.resize(*size)
    view.show()
    QApplication.processEvents()
    view.fit()
    if select is not None:
        view.select_entity(select)
    QApplication.processEvents()
    view.grab().save(str(path))
    view.close()
    view.deleteLater()
    return Path(path)


