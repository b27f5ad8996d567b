"""The document list: title, date, status and mention counts; filter by text, status, date."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
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
from akkord.gui import plain_text
from akkord.gui.row_model import RIGHT, RowTableModel
from akkord.services.documents import DocumentSummary

Index = QModelIndex | QPersistentModelIndex
STATUS_COLORS = {"new": "#9ca3af", "in progress": "#d97706", "done": "#15803d"}


class DocumentListModel(RowTableModel):
    """Rows of :class:`DocumentSummary`; the document id is under ``Qt.UserRole``."""

    columns = ("Title", "Date", "Status", "Mentions")

    def set_documents(self, rows: list[DocumentSummary]) -> None:
        self.set_rows(rows)

    def summary(self, row: int) -> DocumentSummary:
        found: DocumentSummary = self.rows[row]
        return found

    def summaries(self) -> list[DocumentSummary]:
        return list(self.rows)

    def row_of(self, doc_id: int) -> int | None:
        return next((i for i, s in enumerate(self.rows) if s.id == doc_id), None)

    def update(self, doc_id: int, **changes: Any) -> None:
        """Replace fields of one row (status, mentions, date) after an edit."""
        row = self.row_of(doc_id)
        if row is not None:
            self.replace_row(row, replace(self.rows[row], **changes))

    def cell(self, row: Any, column: int, role: int) -> Any:
        summary: DocumentSummary = row
        if role == Qt.ItemDataRole.DisplayRole:
            return (summary.title, summary.date.value if summary.date else "",
                    summary.status, summary.mentions)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.label_counts.items()))
            return plain_text.tooltip(f"{summary.title}\n{counts}" if counts
                                      else summary.title)
        if role == Qt.ItemDataRole.UserRole:
            return summary.id
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return QColor(STATUS_COLORS.get(summary.status, "#6b7280"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return RIGHT
        return None


class _Filter(QSortFilterProxyModel):
    """Text in the title, a status, and a date (partial: ``2022-01`` keeps January)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.status: str | None = None
        self.date: PartialDate | None = None

    def set_filter(self, text: str, status: str | None, date: PartialDate | None) -> None:
        self.beginFilterChange()
        self.text, self.status, self.date = text.casefold(), status, date
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, DocumentListModel)
        summary = model.summary(row)
        if self.text and self.text not in summary.title.casefold():
            return False
        if self.status is not None and summary.status != self.status:
            return False
        return not (self.date is not None and (
            summary.date is None or not summary.date.overlaps(self.date)))


class DocumentList(QWidget):
    """Filters over the table of documents; emits ``document_chosen(id)``."""

    document_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
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
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        row.addWidget(self.status)
        row.addWidget(self.date)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table)

    def set_documents(self, rows: list[DocumentSummary]) -> None:
        self.model.set_documents(rows)

    def _refilter(self, *_args: object) -> None:
        date: PartialDate | None = None
        text = self.date.text().strip()
        if text:
            try:
                date = PartialDate.parse(text)
                self.date.setStyleSheet("")
            except PartialDateError:
                self.date.setStyleSheet("border-color: #d64545;")
        self.proxy.set_filter(self.filter.text(), self.status.currentData(), date)

    def select_document(self, doc_id: int) -> None:
        row = self.model.row_of(doc_id)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                self.table.setCurrentIndex(index)

    def step(self, delta: int) -> int | None:
        """The id of the next (``delta`` 1) or previous (-1) visible document."""
        current = self.table.currentIndex()
        row = (current.row() if current.isValid() else -1) + delta
        if 0 <= row < self.proxy.rowCount():
            return int(self.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole))
        return None

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.document_chosen.emit(int(current.data(Qt.ItemDataRole.UserRole)))
