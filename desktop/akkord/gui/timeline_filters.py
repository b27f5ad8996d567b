"""The timeline's filter bar: actors, kinds, statuses, documents, a date range, and
"Lanes by kind".

Its model is a :class:`~akkord.services.timeline.TimelineFilter`: :meth:`FilterBar.current`
reads one off the controls and :meth:`FilterBar.set_filter` sets the controls from one.
The options come from the loaded :class:`~akkord.services.timeline.TimelineData`
(:meth:`FilterBar.set_options`); filtering itself happens in the service, in memory.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from akkord.gui.timeline_checklist import CheckList
from akkord.services.timeline import TimelineData, TimelineFilter


class FilterBar(QWidget):
    """Drop-down check lists and a date range; says what changed by signals.

    ``changed`` after every edit of the filter; ``range_chosen(start, end)`` when the
    date range is switched on or edited (the plot then shows it); ``collapse_toggled``
    when "Lanes by kind" is switched. :meth:`set_filter` emits nothing: the caller that
    sets a filter applies it.
    """

    changed = Signal()
    range_chosen = Signal(object, object)
    collapse_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actors = CheckList("Actors")
        self.kinds = CheckList("Kinds")
        self.statuses = CheckList("Status")
        self.documents = CheckList("Documents")
        for box in (self.actors, self.kinds, self.statuses, self.documents):
            box.changed.connect(self.changed)
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
        self.collapse.toggled.connect(self.collapse_toggled)
        dash = QLabel("–")
        dash.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.actors, self.kinds, self.statuses, self.documents, self.use_dates,
                       self.date_from, dash, self.date_to, self.collapse):
            layout.addWidget(widget)

    def set_options(self, data: TimelineData | None) -> None:
        """Offer the lanes, kinds, statuses and documents of ``data`` (keeping what was
        chosen of those seen before); the date range starts as the data's span."""
        lanes = data.lanes if data else []
        self.actors.set_options([(lane.entity_id, f"{lane.name} ({lane.activity})")
                                 for lane in lanes])
        self.kinds.set_options([(kind.name, kind.display) for kind in (data.kinds if data
                                                                        else ())])
        statuses: list[tuple[object, str]] = [(s, s) for s in (data.statuses if data else ())]
        if data and any(item.status is None for item in data.items):
            statuses.append((None, "(no status)"))
        self.statuses.set_options(statuses)
        self.documents.set_options(sorted(data.documents.items()) if data else [])
        span = data.span if data else None
        if span and not self.use_dates.isChecked():
            self._set_dates(*span)

    def current(self) -> TimelineFilter:
        """The filter the controls describe."""
        start = end = None
        if self.use_dates.isChecked():
            start, end = self.dates()
        return TimelineFilter(actor_ids=self.actors.selected(), kinds=self.kinds.selected(),
                              statuses=self.statuses.selected(),
                              document_ids=self.documents.selected(), start=start, end=end)

    def set_filter(self, filters: TimelineFilter) -> None:
        """Set the controls to ``filters`` (without signals)."""
        self.actors.set_selected(filters.actor_ids)
        self.kinds.set_selected(filters.kinds)
        self.statuses.set_selected(filters.statuses)
        self.documents.set_selected(filters.document_ids)
        has_dates = filters.start is not None or filters.end is not None
        self._set_dates(filters.start, filters.end)
        self.use_dates.blockSignals(True)
        self.use_dates.setChecked(has_dates)
        self.use_dates.blockSignals(False)
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(has_dates)

    def dates(self) -> tuple[date, date]:
        """The date range as shown (whether or not it is switched on)."""
        return _py_date(self.date_from.date()), _py_date(self.date_to.date())

    def _set_dates(self, start: date | None, end: date | None) -> None:
        for edit, day in ((self.date_from, start), (self.date_to, end)):
            if day is not None:
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)

    def _on_use_dates(self, on: bool) -> None:
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(on)
        self.changed.emit()
        if on:
            self._choose_range()

    def _on_dates(self, _day: QDate) -> None:
        if self.use_dates.isChecked():
            self.changed.emit()
            self._choose_range()

    def _choose_range(self) -> None:
        start, end = self.dates()
        if start <= end:
            self.range_chosen.emit(start, end)


def _py_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
