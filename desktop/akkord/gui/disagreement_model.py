"""The disagreements of an agreement report as a Qt table model: where (document and
words), what kind (missing, label, boundary, link, date, relation, record …) and each
annotator's version. Everything shown is data: display text, never markup."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from akkord.gui import plain_text
from akkord.gui.row_model import RowTableModel
from akkord.services.agreement import Disagreement

COLUMNS = ("Document", "Kind", "Words", "Versions")


def versions_text(item: Disagreement) -> str:
    return " · ".join(f"{v.annotator}: {v.text}" for v in item.versions)


class DisagreementModel(RowTableModel):
    columns = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titles: dict[int, str] = {}
        self.words: dict[tuple[int, int, int], str] = {}

    @property
    def items(self) -> list[Disagreement]:
        return self.rows

    def set_items(self, items: list[Disagreement], titles: dict[int, str],
                  words: dict[tuple[int, int, int], str]) -> None:
        self.titles, self.words = titles, words
        self.set_rows(sorted(items, key=lambda d: (d.document, d.start, d.end, d.kind)))

    def item(self, row: int) -> Disagreement | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def text(self, item: Disagreement, column: int) -> str:
        if column == 0:
            return self.titles.get(item.document) or f"document {item.document}"
        if column == 1:
            return item.kind
        if column == 2:
            return self.words.get((item.document, item.start, item.end), "").replace(
                "\n", " ")
        return versions_text(item)

    def cell(self, item: Disagreement, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_text.tooltip(self.text(item, column))
        return None
