"""The agreement heatmaps as Qt table models, built from the agreement service's rows.

Two views of the same rows (:class:`akkord.services.agreement.Row`):

* :class:`PairMatrixModel`: annotator × annotator for one measure (label ``ALL``), the
  diagonal 1;
* :class:`LabelMatrixModel`: label × measure for one group of annotators (all of them by
  default: for more than two, the rows the service gives for everyone).

Cells show the value to three decimals, coloured from red (≤ 0.5) through yellow to
green (1) with dark text, so the colours read the same in a light or a dark palette; an
undefined value is an empty, uncoloured cell. Names and labels are data: the models
return them as plain display text, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from akkord.services.agreement import ALL, Row

Index = QModelIndex | QPersistentModelIndex
CENTER = int(Qt.AlignmentFlag.AlignCenter)
TEXT_ON_COLOUR = QColor("#111111")
Key = tuple[str, str, tuple[str, ...]]


def heat(value: float) -> QColor:
    """The background of a cell: hue 0 (red) at ≤ 0.5 to 120 (green) at 1."""
    share = max(0.0, min(1.0, (value - 0.5) / 0.5))
    return QColor.fromHsl(int(120 * share), 170, 185)


def _values(rows: Sequence[Row]) -> dict[Key, float | None]:
    return {(r.measure, r.label, tuple(sorted(r.annotators))): r.value for r in rows
            if r.document is None}


class _HeatModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row_names: list[str] = []
        self.column_names: list[str] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.row_names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.column_names)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        names = self.column_names if orientation == Qt.Orientation.Horizontal \
            else self.row_names
        return names[section] if section < len(names) else None

    def value(self, row: int, column: int) -> float | None:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.value(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if value is None else f"{value:.3f}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return CENTER
        if value is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return heat(value)
        if role == Qt.ItemDataRole.ForegroundRole:
            return TEXT_ON_COLOUR
        return None


class PairMatrixModel(_HeatModel):
    """Annotator × annotator for one measure."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: dict[Key, float | None] = {}
        self.measure = ""
        self.label = ALL

    def set_rows(self, rows: Sequence[Row], annotators: Sequence[str]) -> None:
        self.beginResetModel()
        self.values = _values(rows)
        self.row_names = self.column_names = list(annotators)
        self.endResetModel()

    def measures(self) -> list[str]:
        """The measures with a value for some pair (for the chooser)."""
        return sorted({m for (m, label, who) in self.values if label == ALL and len(who) == 2
                       and m != "confusion"})

    def set_measure(self, measure: str, label: str = ALL) -> None:
        self.beginResetModel()
        self.measure, self.label = measure, label
        self.endResetModel()

    def value(self, row: int, column: int) -> float | None:
        if row == column:
            return 1.0
        pair = tuple(sorted((self.row_names[row], self.column_names[column])))
        return self.values.get((self.measure, self.label, pair))


class LabelMatrixModel(_HeatModel):
    """Label × measure for one group of annotators."""

    MEASURES = ("span_f1_exact", "span_f1_overlap", "token_kappa", "token_fleiss_kappa",
                "alpha_unitized", "muc", "b3", "ceaf_e", "lea", "relation_f1", "date_exact",
                "date_overlap", "date_precision", "record_f1", "record_slots")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: dict[Key, float | None] = {}
        self.who: tuple[str, ...] = ()

    def set_rows(self, rows: Sequence[Row], annotators: Sequence[str]) -> None:
        self.beginResetModel()
        self.values = _values(rows)
        self.who = tuple(sorted(annotators))
        present = {(m, label) for (m, label, who), value in self.values.items()
                   if who == self.who and value is not None}
        labels = sorted({label for _, label in present if label != ALL and "/" not in label})
        self.row_names = [*labels, ALL] if present else []
        self.column_names = [m for m in self.MEASURES
                             if any((m, label) in present for label in self.row_names)]
        self.endResetModel()

    def value(self, row: int, column: int) -> float | None:
        return self.values.get((self.column_names[column], self.row_names[row], self.who))
