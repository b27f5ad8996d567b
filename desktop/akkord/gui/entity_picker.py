"""The link picker: type to filter canonical entities, Enter links, a new name creates one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from akkord.gui import plain_text
from akkord.services.views import Candidate

NEW = -1  # the item id of the "create a new entity" row
STRONG_MATCH = 50.0  # a name, alias, surname or prefix match: preselected over "new"

Ranker = Callable[[str], list[Candidate]]


class EntityPicker(QFrame):
    """A popup list of candidates, best first; emits ``chosen(id)`` or ``create_new(name)``."""

    chosen = Signal(int)
    create_new = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(380)
        self.title = plain_text.label("", self, object_name="muted")
        self.query = QLineEdit(self, placeholderText="Type to search or name a new one…")
        self.list = QListWidget(self)
        self.list.setMinimumHeight(220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.query)
        layout.addWidget(self.list)
        self.ranker: Ranker = lambda _query: []
        self.kind = ""
        self.query.textEdited.connect(self._refill)
        self.query.installEventFilter(self)
        self.query.returnPressed.connect(self.accept_current)
        self.list.itemActivated.connect(lambda _item: self.accept_current())

    def open(self, kind: str, display: str, query: str, ranker: Ranker, at: QPoint) -> None:
        self.kind, self.ranker = kind, ranker
        self.title.setText(f"Link to {display.lower()} — Enter links, Esc cancels")
        self.query.setText(query)
        self._refill(query, initial=True)
        self.move(at)
        self.show()
        self.query.setFocus()
        self.query.selectAll()

    def _refill(self, query: str, initial: bool = False) -> None:
        self.list.clear()
        candidates = self.ranker(query)
        strong = bool(candidates) and candidates[0].score >= STRONG_MATCH
        typed = query.strip()
        if typed and not any(c.name.casefold() == typed.casefold() for c in candidates):
            item = QListWidgetItem(f"+ New {self.kind}: “{typed}”")
            item.setData(Qt.ItemDataRole.UserRole, NEW)
            self.list.addItem(item)
        for candidate in candidates:
            extra = f"   · also “{candidate.matched}”" if candidate.matched != candidate.name \
                else ""
            uses = f"   ({candidate.uses}×)" if candidate.uses else ""
            item = QListWidgetItem(f"{candidate.name}{extra}{uses}")
            item.setData(Qt.ItemDataRole.UserRole, candidate.entity_id)
            self.list.addItem(item)
        best = next((i for i in range(self.list.count())
                     if self.list.item(i).data(Qt.ItemDataRole.UserRole) != NEW), None)
        prefer_existing = strong or (not initial and best is not None and typed == "")
        row = best if prefer_existing and best is not None else 0
        if self.list.count():
            self.list.setCurrentRow(row)

    def accept_current(self) -> None:
        if self.list.currentRow() < 0:
            return
        item = self.list.currentItem()
        entity_id = int(item.data(Qt.ItemDataRole.UserRole))
        self.hide()
        if entity_id == NEW:
            self.create_new.emit(self.query.text().strip())
        else:
            self.chosen.emit(entity_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and isinstance(event, QKeyEvent) and \
                event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                self.list.setCurrentRow(row)
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.hide()
                return True
        return super().eventFilter(watched, event)
