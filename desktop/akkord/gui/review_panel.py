"""The review list: the layer's pending suggestions, to accept or reject one by one or
all at once, by keyboard.

Rows come from :meth:`~akkord.services.suggesting.desk.SuggestionDesk.queue` for the
open document or the whole project, in reading order or least certain first (the
smallest gap between the suggester's choice and its runner-up). The current row is shown
in the text (the window opens its document and selects it), so the inspector shows its
entity, score and gap. Enter accepts and moves on, Delete rejects and moves on,
Ctrl+Enter / Ctrl+Delete accept or reject every listed suggestion (keys from
:mod:`akkord.domain.actions`); each is one edit with undo, through the session. A label
key (from the schema) gives the current suggestion that label, as it does to a mention
selected in the text ("Ukraina" proposed as the state where the text means the area: 5),
and, for a label linked to entities, asks for the picker (``link_requested``): linking
accepts it, and the keyboard comes back to the list. The suggestion's own label's key
just asks for the picker: another entity for a right span.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from akkord.gui import plain_text
from akkord.gui.keys import REVIEW_KEYS, key_name
from akkord.gui.review_model import ReviewModel
from akkord.gui.session import AnnotationSession
from akkord.services.edits import ChangeSet
from akkord.services.suggesting.review import ReviewItem

_WIDTHS = (220, 80, 170, 100, 56, 56, 200)  # fixed: re-measuring rows costs on every change


class ReviewPanel(QWidget):
    show_requested = Signal(int, int)  # document id, mention id
    link_requested = Signal(int)  # mention id: open the picker on it

    def __init__(self, session: AnnotationSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = ReviewModel(self)
        self.scope = QComboBox(self)
        self.scope.addItem("This document", "document")
        self.scope.addItem("Whole project", "project")
        self.order = QComboBox(self)
        self.order.addItem("Reading order", "reading")
        self.order.addItem("Least certain first", "gap")
        self.count = plain_text.label("", self, object_name="muted")
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(_WIDTHS):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.accept_button = QPushButton("Accept (Enter)", self)
        self.reject_button = QPushButton("Reject (Del)", self)
        self.accept_all_button = QPushButton("Accept all", self)
        self.reject_all_button = QPushButton("Reject all", self)
        self.accept_all_button.setToolTip("Accept every suggestion in the list (Ctrl+Enter)")
        self.reject_all_button.setToolTip("Reject every suggestion in the list (Ctrl+Del)")
        self.accept_button.clicked.connect(lambda: self.run("review-accept"))
        self.reject_button.clicked.connect(lambda: self.run("review-reject"))
        self.accept_all_button.clicked.connect(lambda: self.run("review-accept-all"))
        self.reject_all_button.clicked.connect(lambda: self.run("review-reject-all"))
        self._layout()
        self._stale = True
        self._showing = False  # the list is moving the selection in the text itself
        self._refresh_soon = QTimer(self, singleShot=True, interval=60)
        self._refresh_soon.timeout.connect(self.refresh)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.order.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.installEventFilter(self)
        session.changed.connect(self._changed)
        session.document_opened.connect(self._document_opened)
        session.selection_changed.connect(self._follow_text)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.scope)
        top.addWidget(self.order)
        top.addWidget(self.count, 1)
        buttons = QGridLayout()
        buttons.addWidget(self.accept_button, 0, 0)
        buttons.addWidget(self.reject_button, 0, 1)
        buttons.addWidget(self.accept_all_button, 0, 2)
        buttons.addWidget(self.reject_all_button, 0, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # -- what is listed ----------
    @property
    def project_wide(self) -> bool:
        return bool(self.scope.currentData() == "project")

    def set_scope(self, project_wide: bool) -> None:
        self.scope.setCurrentIndex(1 if project_wide else 0)

    def refresh(self) -> None:
        """Read the list again, keeping the current suggestion (or its row) current."""
        self._refresh_soon.stop()
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        current = self.current_item()
        row = max(self.table.currentIndex().row(), 0)
        document = self.session.document
        if self.project_wide or document is not None:
            items = self.session.suggestions.queue(
                None if self.project_wide else document.id if document else None,
                by_gap=self.order.currentData() == "gap")
        else:
            items = []
        entities = self.session.suggestions.names(i.entity_id for i in items if i.entity_id)
        titles = self.session.suggestions.titles(i.document_id for i in items) \
            if self.project_wide else {}
        self.table.setColumnHidden(6, not self.project_wide)
        self.model.set_items(items, entities, titles)
        self.count.setText(f"{len(items)} to review" if items else "Nothing to review")
        kept = self.model.row_of(current.mention_id) if current else None
        self._set_row(kept if kept is not None else min(row, len(items) - 1), show=False)
        for button in (self.accept_button, self.reject_button, self.accept_all_button,
                       self.reject_all_button):
            button.setEnabled(bool(items))

    def current_item(self) -> ReviewItem | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def select_mention(self, mention_id: int) -> bool:
        """Make the row of ``mention_id`` current (and show it); False when not listed."""
        row = self.model.row_of(mention_id)
        if row is None:
            return False
        self._set_row(row, show=True)
        return True

    def _set_row(self, row: int, *, show: bool) -> None:
        if row < 0:
            return
        self._showing = True  # the row's own signal shows nothing: this method decides
        try:
            self.table.setCurrentIndex(self.model.index(row, 0))
        finally:
            self._showing = False
        self.table.scrollTo(self.model.index(row, 0))
        item = self.model.item(row)
        if show and item is not None:
            self.show_requested.emit(item.document_id, item.mention_id)

    # -- acting ----------
    def run(self, action: str) -> None:
        """One of the review list's actions (``review-accept`` …), as an undoable edit."""
        items = self.model.rows
        current = self.current_item()
        row = self.table.currentIndex().row()
        if action in ("review-accept", "review-reject"):
            if current is None:
                return
            self.session.review([current.mention_id], accept=action == "review-accept")
        elif items:
            self.session.review([i.mention_id for i in items],
                                accept=action == "review-accept-all")
        self.refresh()
        if self.model.rows:
            self._set_row(min(max(row, 0), len(self.model.rows) - 1), show=True)
        self.table.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            action = REVIEW_KEYS.get(key_name(event))
            if action is not None:
                self.run(action)
                return True
            label = self._label_of(event)
            if label is not None:
                self.relabel(label)
                return True
        return super().eventFilter(watched, event)

    def _label_of(self, event: QKeyEvent) -> str | None:
        """The label whose key (the schema's) ``event`` is, pressed without modifiers."""
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
        keys = {label.key: label.name for label in self.session.schema.labels}
        return keys.get(event.text()) if plain and event.text() else None

    def relabel(self, label: str) -> None:
        """A label key: the current suggestion gets ``label`` (one undo step); for a label
        linked to entities, the picker is asked for (its choice links and accepts it)."""
        item = self.current_item()
        if item is None:
            return
        self.show_requested.emit(item.document_id, item.mention_id)
        self.session.relabel(item.mention_id, label)
        if self.session.schema.label(label).entity is not None:
            self.link_requested.emit(item.mention_id)

    # -- following the session ----------
    def _current_changed(self, current: object, _previous: object) -> None:
        if self._showing:
            return
        item = self.current_item()
        if item is not None:
            self.show_requested.emit(item.document_id, item.mention_id)

    def _follow_text(self, mention_id: object) -> None:
        """A suggestion selected in the text becomes the current row (without moving
        the text again)."""
        if isinstance(mention_id, int):
            row = self.model.row_of(mention_id)
            if row is not None and row != self.table.currentIndex().row():
                self._set_row(row, show=False)

    def _changed(self, changes: ChangeSet) -> None:
        if changes.documents or changes.mentions:
            self._refresh_soon.start()

    def _document_opened(self, _model: object) -> None:
        if not self.project_wide:
            self._refresh_soon.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
