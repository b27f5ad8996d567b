"""The document list: title, date, status and mention counts; filter by text, status, date.

Built for projects of tens of thousands of documents: nothing the list does when a
document is opened or edited grows with the number of documents.

* The model holds only the ordered ids that pass the filter; the rows themselves
  (title, date, status, counts) are read a page at a time when the view first paints
  them (:class:`~akkord.services.documents.DocumentCatalog`) and kept while they are
  looked at.
* Filtering runs in the database (status, date) or over the titles (text), and replaces
  the id list; there is no proxy model scanning every row.
* The columns have fixed widths measured once from a sample text, never
  ``ResizeToContents``: that mode re-measures every row on each ``dataChanged`` (100–280 ms
  per document switch with 10,000 documents, DESIGN.md "Known traps").
* After an edit the window hands the open document's new counts and status to
  :meth:`DocumentListModel.update`, which repaints that one row; an edit that changes
  other documents names them to :meth:`DocumentListModel.invalidate`, and their rows are
  read again if they are on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from akkord.domain.dates import PartialDate, PartialDateError
from akkord.gui import plain_text, theme
from akkord.gui.table_columns import fix_widths
from akkord.services.documents import DocumentFilter, DocumentSummary

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
STATUS_COLORS = {"new": "#9ca3af", "in progress": "#d97706", "done": "#15803d"}
PAGE = 100  # rows read at once when the view reaches rows not read yet
KEEP = 2_000  # rows kept; past that the cache starts again from what is on screen
# What each fixed-width column must hold (measured once with the table's font).
SAMPLES = {1: "2022-W52 ", 2: " in progress ", 3: " 99999 "}

IdSource = Callable[[DocumentFilter], list[int]]
RowSource = Callable[[Sequence[int]], list[DocumentSummary]]


class DocumentListModel(QAbstractTableModel):
    """The documents that pass the filter, in import order; the id is under ``UserRole``.

    ``ids`` gives the ids for a filter and ``rows`` the summaries of some ids (both from
    the project); without them the model is empty."""

    columns = ("Title", "Date", "Status", "Mentions")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ids_for: IdSource = lambda _wanted: []
        self._rows_for: RowSource = lambda _ids: []
        self.wanted = DocumentFilter()
        self.ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._rows: dict[int, DocumentSummary] = {}

    # -- contents ----------
    def set_source(self, ids: IdSource, rows: RowSource) -> None:
        self._ids_for, self._rows_for = ids, rows
        self.reload()

    def set_filter(self, wanted: DocumentFilter) -> None:
        self.wanted = wanted
        self.reload()

    def reload(self) -> None:
        """Read the ids again (after an import, a filter change); rows are read lazily."""
        self.beginResetModel()
        self.ids = self._ids_for(self.wanted)
        self._row_of = {doc_id: row for row, doc_id in enumerate(self.ids)}
        self._rows = {}
        self.endResetModel()

    def row_of(self, doc_id: int) -> int | None:
        return self._row_of.get(doc_id)

    def summary(self, row: int) -> DocumentSummary:
        doc_id = self.ids[row]
        found = self._rows.get(doc_id)
        if found is None:
            self._load_page(row)
            found = self._rows.get(doc_id)
        if found is None:  # deleted behind our back: a placeholder until the next reload
            found = DocumentSummary(doc_id, f"document {doc_id}", None, None, 0)
            self._rows[doc_id] = found
        return found

    def summaries(self) -> list[DocumentSummary]:
        """Every row that passes the filter (reads them all: for small projects and
        screenshots, not for the window's own use)."""
        return self._rows_for(self.ids)

    def _load_page(self, row: int) -> None:
        if len(self._rows) >= KEEP:
            self._rows = {}
        first = row - row % PAGE
        wanted = [i for i in self.ids[first:first + PAGE] if i not in self._rows]
        self._rows.update((s.id, s) for s in self._rows_for(wanted))

    def update(self, doc_id: int, **changes: Any) -> None:
        """Replace fields of one row (status, mentions, label_counts, date) after an edit;
        only that row is repainted. A row not read yet is read when it is shown."""
        row = self._row_of.get(doc_id)
        current = self._rows.get(doc_id)
        if row is None or current is None:
            return
        changed = replace(current, **changes)
        if changed != current:
            self._rows[doc_id] = changed
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def invalidate(self, doc_ids: Sequence[int]) -> None:
        """Forget the rows of ``doc_ids`` (an edit changed them in the database, e.g. a
        link in the whole project); those on screen are read again when repainted."""
        for doc_id in doc_ids:
            row = self._row_of.get(doc_id)
            if self._rows.pop(doc_id, None) is not None and row is not None:
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, len(self.columns) - 1))

    # -- Qt ----------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        return self.cell(self.summary(index.row()), index.column(), role)

    def cell(self, summary: DocumentSummary, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (summary.title, summary.date.value if summary.date else "",
                    summary.status, summary.mentions)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.label_counts.items()))
            return plain_text.tooltip(f"{summary.title}\n{counts}" if counts
                                      else summary.title)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QColor(STATUS_COLORS.get(summary.status, "#6b7280"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return RIGHT
        return None


class DocumentList(QWidget):
    """Filters over the table of documents; emits ``document_chosen(id)``."""

    document_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self._quiet = False
        self.filter = QLineEdit(self, placeholderText="Filter titles…", clearButtonEnabled=True)
        self.status = QComboBox(self)
        self.status.addItem("All", None)
        for status in ("new", "in progress", "done"):
            self.status.addItem(status.capitalize(), status)
        self.date = QLineEdit(self, placeholderText="Date: 2022-01", clearButtonEnabled=True)
        self.date.setMaximumWidth(120)
        self.date.setToolTip("Only documents dated within: a day, 2022-W03, 2022-01, 2022 …")
        for signal in (self.filter.textChanged, self.date.textChanged):
            signal.connect(self._refilter)
        self.status.currentIndexChanged.connect(self._refilter)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        fix_widths(self.table, self.model.columns, SAMPLES)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        row.addWidget(self.status)
        row.addWidget(self.date)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table)

    def set_source(self, ids: IdSource, rows: RowSource) -> None:
        self.model.set_source(ids, rows)

    def reload(self) -> None:
        self.model.reload()

    def visible_count(self) -> int:
        return self.model.rowCount()

    def _refilter(self, *_args: object) -> None:
        date: PartialDate | None = None
        text = self.date.text().strip()
        if text:
            try:
                date = PartialDate.parse(text)
                theme.set_style(self.date, "")
            except PartialDateError:
                theme.set_style(self.date, "border-color: #d64545;")
        current = self.current_id()
        self.model.set_filter(DocumentFilter(self.filter.text().strip(),
                                             self.status.currentData(), date))
        if current is not None:
            self.select_document(current, notify=False)

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.ids[index.row()] if index.isValid() else None

    def select_document(self, doc_id: int, notify: bool = True) -> None:
        """Make ``doc_id`` the current row (if it passes the filter) and show it."""
        row = self.model.row_of(doc_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        self._quiet = not notify
        try:
            self.table.setCurrentIndex(index)
        finally:
            self._quiet = False
        self.table.scrollTo(index)

    def step(self, delta: int) -> int | None:
        """The id of the next (``delta`` 1) or previous (-1) visible document."""
        current = self.table.currentIndex()
        row = (current.row() if current.isValid() else -1) + delta
        if 0 <= row < len(self.model.ids):
            return self.model.ids[row]
        return None

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and not self._quiet:
            self.document_chosen.emit(self.model.ids[current.row()])
