"""A drop-down list of checkable options with a search box (the timeline's filters).

Option labels are data (actor names, document titles): they go into list items and the
button's text, which Qt shows as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)


class CheckList(QToolButton):
    """A drop-down list of checkable options with a search box; ``changed`` on edits.

    ``selected()`` is ``None`` while everything is checked (no restriction).
    """

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.list = QListWidget()
        self.search = QLineEdit(placeholderText="Search…", clearButtonEnabled=True)
        self.search.textChanged.connect(self._search)
        buttons = QHBoxLayout()
        for text, state in (("All", True), ("None", False)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=state: self._check_all(s))
            buttons.addWidget(button)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        box.setMinimumSize(260, 300)
        action = QWidgetAction(self)
        action.setDefaultWidget(box)
        menu = QMenu(self)
        menu.addAction(action)
        self.setMenu(menu)
        self.list.itemChanged.connect(self._changed)
        self._keys: list[object] = []
        self._update_text()

    def set_options(self, options: Sequence[tuple[object, str]]) -> None:
        """Replace the options, keeping the state of keys seen before (new ones checked)."""
        before = {key: self.list.item(i).checkState() for i, key in enumerate(self._keys)}
        self.list.blockSignals(True)
        self.list.clear()
        self._keys = [key for key, _label in options]
        for key, label in options:
            item = QListWidgetItem(label, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(before.get(key, Qt.CheckState.Checked))
        self.list.blockSignals(False)
        self._update_text()

    def selected(self) -> frozenset[Any] | None:
        checked = [key for i, key in enumerate(self._keys)
                   if self.list.item(i).checkState() == Qt.CheckState.Checked]
        return None if len(checked) == len(self._keys) else frozenset(checked)

    def set_selected(self, keys: frozenset[Any] | None) -> None:
        self.list.blockSignals(True)
        for i, key in enumerate(self._keys):
            on = keys is None or key in keys
            self.list.item(i).setCheckState(Qt.CheckState.Checked if on
                                            else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._update_text()

    def _check_all(self, state: bool) -> None:
        self.set_selected(None if state else frozenset())
        self.changed.emit()

    def _search(self, text: str) -> None:
        needle = text.casefold()
        for i in range(self.list.count()):
            self.list.item(i).setHidden(needle not in self.list.item(i).text().casefold())

    def _changed(self, _item: QListWidgetItem) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        chosen = self.selected()
        self.setText(self.title if chosen is None
                     else f"{self.title} ({len(chosen)}/{len(self._keys)})")
