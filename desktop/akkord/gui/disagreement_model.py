"""The disagreements of an agreement report as a Qt table model: where (document and
words), what kind (missing, label, boundary, link, date, relation, record …) and each
annotator's version. Everything shown is data: display text, never markup."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QWidget

from akkord.gui import plain_text
from akkord.services.agreement import Disagreement

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Document", "Kind", "Words", "Versions")


def versions_text(item: Disagreement) -> str:
    return " · ".join(f"{v.annotator}: {v.text}" for v in item.versions)


class DisagreementModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[Disagreement] = []
        self.titles: dict[int, str] = {}
        self.words: dict[tuple[int, int, int], str] = {}

    def set_items(self, items: list[Disagreement], titles: dict[int, str],
                  words: dict[tuple[int, int, int], str]) -> None:
        self.beginResetModel()
        self.items = sorted(items, key=lambda d: (d.document, d.start, d.end, d.kind))
        self.titles, self.words = titles, words
        self.endResetModel()

    def item(self, row: int) -> Disagreement | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def text(self, item: Disagreement, column: int) -> str:
        if column == 0:
            return self.titles.get(item.document) or f"document {item.document}"
        if column == 1:
            return item.kind
        if column == 2:
            return self.words.get((item.document, item.start, item.end), "").replace(
                "\n", " ")
        return versions_text(item)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_text.tooltip(self.text(item, index.column()))
        return None
