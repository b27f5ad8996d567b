"""The curation queue as a Qt table model: every unit, lowest agreement first, filtered.

Rows are :class:`akkord.services.curation.Unit` values from a
:class:`~akkord.services.curation.CurationSnapshot` (read on a worker thread); the model
never reads the database. Columns: state, agreement, document, unit (kind and label) and
its words. The state cell is tinted by state: a light colour with dark text, so it reads
the same in a light or a dark palette (a state is also written out, never colour only).
Words, titles and labels are data: returned as display text, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from akkord.gui import plain_text
from akkord.gui.row_model import RIGHT, RowTableModel
from akkord.services.curation import CurationSnapshot, Unit, curation_queue

TEXT_ON_COLOUR = QColor("#111111")
TO_CONFIRM = "to confirm"  # the state filter's name for unanimous units gold lacks
UNRESOLVED = "unresolved"

# Light tints: dark text stays readable on them whatever the palette's own colours.
STATE_COLOURS: dict[str, QColor] = {
    "agree": QColor("#b9e4c5"),
    TO_CONFIRM: QColor("#def2d0"),
    "disagree": QColor("#f5b3ad"),
    "incomplete": QColor("#fbd79b"),
    "accepted": QColor("#acd0f4"),
    "rejected": QColor("#d4d4d4"),
    UNRESOLVED: QColor("#dcc4f0"),
}
STATE_NAMES = {"agree": "all agree", "disagree": "disagree", "incomplete": "incomplete",
               "accepted": "accepted", "rejected": "rejected"}
STATE_FILTERS = ("disagree", "incomplete", TO_CONFIRM, "agree", "accepted", "rejected",
                 UNRESOLVED)
COLUMNS = ("State", "Agreement", "Document", "Unit", "Words")


def shown_state(unit: Unit) -> str:
    """The state a curator reads: unanimous units gold lacks are "to confirm", undecided
    units the curator marked are "unresolved"."""
    if unit.unanimous:
        return TO_CONFIRM
    if unit.mark == UNRESOLVED and unit.state in ("disagree", "incomplete"):
        return UNRESOLVED
    return unit.state


def state_text(unit: Unit) -> str:
    state = shown_state(unit)
    if state == TO_CONFIRM:
        return "all agree · to confirm"
    if state == UNRESOLVED:
        return f"{STATE_NAMES[unit.state]} · unresolved"
    return STATE_NAMES.get(state, state)


def state_colour(unit: Unit) -> QColor:
    return STATE_COLOURS.get(shown_state(unit), STATE_COLOURS["disagree"])


class CurationQueueModel(RowTableModel):
    """The queue; :meth:`set_filter` chooses the rows shown, :meth:`unit` reads one."""

    columns = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.all: list[Unit] = []
        self.titles: dict[int, str] = {}
        self.annotators: tuple[str, ...] = ()
        self.document: int | None = None
        self.label: str | None = None
        self.state: str | None = None

    # -- data in ------------------------------------------------------------------------------
    def set_snapshot(self, snapshot: CurationSnapshot,
                     documents: Iterable[int] | None = None) -> None:
        """Take in a snapshot: of every document, or of ``documents`` only (their units
        replace those documents' units)."""
        if documents is None:
            units = list(snapshot.units)
        else:
            covered = set(documents)
            units = [u for u in self.all if u.document not in covered] + \
                [u for u in snapshot.units if u.document in covered]
        self.all = curation_queue(units, include_agreed=True)
        self.titles.update(snapshot.titles)
        self.annotators = snapshot.annotators
        self.set_rows(self._filtered())

    def set_filter(self, document: int | None = None, label: str | None = None,
                   state: str | None = None) -> None:
        self.document, self.label, self.state = document, label, state
        self.set_rows(self._filtered())

    def _filtered(self) -> list[Unit]:
        return [u for u in self.all
                     if (self.document is None or u.document == self.document)
                     and (self.label is None or u.label == self.label)
                     and (self.state is None or shown_state(u) == self.state
                          or (self.state == "agree" and shown_state(u) == TO_CONFIRM))]

    # -- reading ------------------------------------------------------------------------------
    def unit(self, row: int) -> Unit | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, key: str) -> int | None:
        return next((i for i, u in enumerate(self.rows) if u.key == key), None)

    def labels(self) -> list[str]:
        return sorted({u.label for u in self.all})

    def documents(self) -> list[int]:
        return sorted({u.document for u in self.all if u.document is not None})

    def title(self, document: int | None) -> str:
        if document is None:
            return ""
        return self.titles.get(document) or f"document {document}"

    def counts(self, units: Sequence[Unit] | None = None) -> dict[str, int]:
        """How many units are in each shown state (of ``units``, default: all)."""
        out: dict[str, int] = {}
        for unit in self.all if units is None else units:
            state = shown_state(unit)
            out[state] = out.get(state, 0) + 1
        return out

    # -- Qt ------------------------------------------------------------------------------------
    def cell(self, unit: Unit, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(unit, column)
        if role == Qt.ItemDataRole.ToolTipRole:  # tool tips guess markup: escape
            return plain_text.tooltip(unit.surface if column == 4 else self._text(unit, column))
        if column == 0 and role == Qt.ItemDataRole.BackgroundRole:
            return state_colour(unit)
        if column == 0 and role == Qt.ItemDataRole.ForegroundRole:
            return TEXT_ON_COLOUR
        if column == 1 and role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT
        return None

    def _text(self, unit: Unit, column: int) -> str:
        if column == 0:
            return state_text(unit)
        if column == 1:
            return f"{unit.agreement:.2f}"
        if column == 2:
            return self.title(unit.document)
        if column == 3:
            return f"{unit.kind} {unit.label}"
        return unit.surface.replace("\n", " ")
