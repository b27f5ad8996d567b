"""The review list's rows: pending suggestions with their text, label, entity, origin,
score and gap (the margin to the runner-up: small means the suggester hesitated).

Rows are :class:`~akkord.services.suggesting.review.ReviewItem` values; the panel
(:mod:`akkord.gui.review_panel`) fills them from the layer. Everything shown comes from
data and is plain ``DisplayRole`` text, which item views never read as markup; tool tips
go through :func:`akkord.gui.plain_text.tooltip`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from akkord.gui import plain_text
from akkord.gui.row_model import RIGHT, RowTableModel
from akkord.services.suggesting.review import ReviewItem

ORIGINS = {"alias": "known name", "office": "office holder", "occurrence": "occurrence",
           "model": "model", "timex": "time tagger", "clause": "clause after a trigger"}


def score_text(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def origin_text(origin: str | None) -> str:
    return ORIGINS.get(origin or "", origin or "")


class ReviewModel(RowTableModel):
    """One row per pending suggestion; its mention id is under ``Qt.UserRole``."""

    columns = ("Text", "Label", "Entity", "Origin", "Score", "Gap", "Document")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entities: dict[int, str] = {}
        self.titles: dict[int, str] = {}

    def set_items(self, items: Sequence[ReviewItem], entities: Mapping[int, str],
                  titles: Mapping[int, str]) -> None:
        self.entities, self.titles = dict(entities), dict(titles)
        self.set_rows(list(items))

    def item(self, row: int) -> ReviewItem | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, mention_id: int) -> int | None:
        for row, item in enumerate(self.rows):
            if item.mention_id == mention_id:
                return row
        return None

    def cell(self, row: Any, column: int, role: int) -> Any:
        item: ReviewItem = row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, column)
        if role == Qt.ItemDataRole.UserRole:
            return item.mention_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (4, 5):
            return RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_text.tooltip(item.text)
        return None

    def text(self, item: ReviewItem, column: int) -> str:
        if column == 0:
            return " ".join(item.text.split())
        if column == 1:
            return item.label
        if column == 2:
            return self.entities.get(item.entity_id, "") if item.entity_id else ""
        if column == 3:
            return origin_text(item.origin)
        if column == 4:
            return score_text(item.score)
        if column == 5:
            return score_text(item.gap)
        return self.titles.get(item.document_id, "")
