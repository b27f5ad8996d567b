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
* colours are the schema's label colours of each kind, the rest follows the palette
  (light or dark); a legend below the plot says all of this.

The widget is a composition, one part per reason to change:

* :class:`~akkord.gui.timeline_filters.FilterBar` (the filter controls; model:
  :class:`~akkord.services.timeline.TimelineFilter`);
* :class:`~akkord.gui.timeline_plot.TimelinePlot` (drawing, the view, hover and click;
  model: :class:`~akkord.gui.timeline_model.Geometry`);
* :class:`~akkord.gui.timeline_mentions.MentionsPanel` (the selected item's mentions;
  model: :class:`~akkord.services.timeline.MentionRef`);
* :mod:`akkord.gui.timeline_export` (PNG and SVG).

This class loads the data through the service (:func:`read_timeline`,
:func:`read_mentions`: the GUI never opens a database session), filters and lays it out,
and wires the parts together.

Performance: the glyphs live in numpy arrays (:mod:`akkord.gui.timeline_model`) and are
drawn by a few batched graphics items that cull to the visible range and paint each
group with one ``drawRects``/``drawLines`` call in device pixels
(:mod:`akkord.gui.timeline_layers`). Hover and click hit-test the arrays.

Import this module lazily: importing pyqtgraph takes a noticeable fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from akkord.gui.timeline_export import ask_export_path
from akkord.gui.timeline_filters import FilterBar
from akkord.gui.timeline_mentions import MentionsPanel
from akkord.gui.timeline_model import build_geometry
from akkord.gui.timeline_plot import TimelinePlot
from akkord.services.timeline import (
    TimelineData,
    TimelineFilter,
    TimelineItem,
    TimelineSource,
    filter_timeline,
    read_mentions,
    read_timeline,
    without_gc,
)

MENTIONS_SHARE = 0.28  # of the height, for the mentions list when it opens


class TimelineView(QWidget):
    """Dated entities of a project on a zoomable calendar, with filters and exports.

    ``project`` is anything the timeline service reads from (an open project).
    Signals: ``entity_clicked(entity_id)`` when an item is clicked (it is then selected
    and its mentions listed), ``entity_activated(entity_id)`` on a double-click,
    ``mention_activated(doc_id, start, end)`` on a double-click in the mentions list.
    Slot: :meth:`highlight_entity` marks an item (selection in the text view).
    """

    entity_clicked = Signal(int)
    entity_activated = Signal(int)
    mention_activated = Signal(int, int, int)

    def __init__(self, project: TimelineSource | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.data: TimelineData | None = None
        self.shown: TimelineData | None = None
        self.collapsed = False
        self.filters = FilterBar()
        self.filters.changed.connect(self._apply)
        self.filters.range_chosen.connect(self.show_range)
        self.filters.collapse_toggled.connect(self.set_collapsed)
        self.plot = TimelinePlot()
        self.plot.item_clicked.connect(self._on_item_clicked)
        self.plot.item_activated.connect(self.entity_activated)
        self.mentions = MentionsPanel()
        self.mentions.mention_activated.connect(self.mention_activated)
        self.mentions.hide()  # until an item is selected: the plot gets the height
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.plot)
        self.splitter.addWidget(self.mentions)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._top_bar())
        layout.addWidget(self.splitter, 1)
        if project is not None:
            self.reload()

    def _top_bar(self) -> QHBoxLayout:
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # the first thing to give way when the dock is narrow
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setToolTip("Hover an item for its details; click it to list its "
                                "mentions, double-click it to open it")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.filters)
        bar.addWidget(self.summary, 1)
        for text, tip, action in (
                ("Fit", "Show everything (Home)", self.fit),
                ("PNG…", "Export the view as a PNG image", lambda: self._export("png")),
                ("SVG…", "Export the view as an SVG drawing", lambda: self._export("svg"))):
            bar.addWidget(_button(text, tip, action))
        return bar

    # -- data -----------------------------------------------------------------------------
    def set_project(self, project: TimelineSource | None) -> None:
        """Show another project (or none); the filters start afresh."""
        self.project = project
        self.data = None
        self.plot.fitted = False
        self.reload()

    def reload(self) -> None:
        """Read the project again (after edits), keeping filters and the view."""
        self.set_data(read_timeline(self.project) if self.project is not None else None)

    def set_data(self, data: TimelineData | None) -> None:
        """Show ``data`` (all of it; the filter bar filters in memory)."""
        self.data = data
        self.filters.set_options(data)
        self._apply()

    def current_filter(self) -> TimelineFilter:
        """The filter the filter bar describes."""
        return self.filters.current()

    def set_filter(self, filters: TimelineFilter) -> None:
        """Set the filter bar (and the view) to ``filters``."""
        self.filters.set_filter(filters)
        self._apply()
        start, end = self.filters.dates()
        if (filters.start is not None or filters.end is not None) and start <= end:
            self.show_range(start, end)

    @Slot(bool)
    def set_collapsed(self, collapsed: bool) -> None:
        """One lane per actor, or (collapsed) one per kind of actor."""
        if self.filters.collapse.isChecked() != collapsed:
            self.filters.collapse.setChecked(collapsed)  # comes back here through toggled
            return
        self.collapsed = collapsed
        self._apply()
        self.plot.fit_lanes()

    def _apply(self) -> None:
        """Filter, lay out and draw again, keeping the time range in view."""
        with without_gc():  # hundreds of thousands of short tuples, no cycles
            self.shown = (filter_timeline(self.data, self.current_filter()) if self.data
                          else None)
            geometry = build_geometry(self.shown, self.collapsed) if self.shown else None
        self.plot.set_geometry(self.shown, geometry)
        shown = self.shown
        self.summary.setText(
            f"{len(shown.items)} items · {len(shown.lanes)} lanes"
            + (f" · {shown.undated} undated" if shown.undated else "") if shown else "")

    # -- view ---------------------------------------------------------------------------------
    @Slot()
    def fit(self) -> None:
        """The whole data range (with a margin) and as many lanes as fit comfortably."""
        self.plot.fit()

    def show_range(self, start: date, end: date) -> None:
        """Zoom the time axis to ``start`` … ``end`` (inclusive)."""
        self.plot.show_range(start, end)

    def visible_range(self) -> tuple[date, date]:
        return self.plot.visible_range()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Home:
            self.fit()
        elif event.key() == Qt.Key.Key_Escape:
            self.highlight_entity(None)
        else:
            super().keyPressEvent(event)

    # -- selection -------------------------------------------------------------------------
    @property
    def selected(self) -> int | None:
        """The entity whose item is highlighted."""
        return self.plot.selected

    @Slot(object)
    def highlight_entity(self, entity_id: int | None) -> None:
        """Mark the item of ``entity_id`` (``None`` clears), panning to it if out of view.
        For "selection in the text view highlights the item on the timeline"."""
        self.plot.highlight_entity(entity_id)

    def select_entity(self, entity_id: int | None) -> None:
        """Highlight the item and list its mentions (what a click does)."""
        self.highlight_entity(entity_id)
        self._show_mentions(entity_id)

    def item(self, entity_id: int) -> TimelineItem | None:
        """The shown item of an entity (``None`` when filtered out or undated)."""
        return self.plot.item(entity_id)

    def _on_item_clicked(self, entity_id: int | None) -> None:
        self.select_entity(entity_id)
        if entity_id is not None:
            self.entity_clicked.emit(entity_id)

    def _show_mentions(self, entity_id: int | None) -> None:
        """List the mentions of the selected item below the plot (hidden when none is)."""
        item = self.item(entity_id) if entity_id is not None else None
        if item is None or self.project is None:
            self.mentions.clear()
            self.mentions.hide()
            return
        self.mentions.show_mentions(item.name, read_mentions(self.project, item.entity_id))
        if self.mentions.isHidden():
            self.mentions.show()
            total = sum(self.splitter.sizes())
            plot = int(total * (1 - MENTIONS_SHARE))
            self.splitter.setSizes([plot, total - plot])

    # -- export ------------------------------------------------------------------------------
    def export_png(self, path: str | Path, width: int | None = None) -> Path:
        """Write the plot and its legend as a PNG (``width`` pixels wide, default as
        shown)."""
        return self.plot.export_png(path, width)

    def export_svg(self, path: str | Path) -> Path:
        """Write the plot and its legend as an SVG drawing."""
        return self.plot.export_svg(path)

    def _export(self, kind: str) -> None:
        path = ask_export_path(self, kind)
        if path is not None:
            (self.export_png if kind == "png" else self.export_svg)(path)


def _button(text: str, tip: str, action: Callable[[], object]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.clicked.connect(action)
    return button


def dispose(widget: QWidget) -> None:
    """Close and delete ``widget`` now, while Python is still fully alive.

    A pyqtgraph widget left to the interpreter's exit is torn down after Python has
    started finalising; its Python overrides are then called and crash the process
    (a segmentation fault or exit status 1 after all output). Scripts that make a
    timeline and exit call this first.
    """
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def grab_timeline(project: TimelineSource, path: str | Path,
                  size: tuple[int, int] = (1400, 800), select: int | None = None) -> Path:
    """Save a screenshot of the timeline of ``project`` (for ``akkord screenshot`` and
    the docs): the default view, with ``select`` (an entity id) selected if given."""
    from akkord.gui.application import application

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
    dispose(view)
    return Path(path)
