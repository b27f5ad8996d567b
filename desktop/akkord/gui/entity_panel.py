"""Side panel: the actors, demands, meetings (… every linked kind) of the document or project.

Selecting an entity highlights its mentions in the text; double-click jumps to its first
mention (opening the document that has it, in project view). Two selected entities can
be merged; an unused one deleted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from akkord.gui import plain_text
from akkord.gui.row_model import RIGHT, RowTableModel
from akkord.gui.session import AnnotationSession
from akkord.gui.table_columns import fix_widths
from akkord.services.edits import ChangeSet
from akkord.services.views import EntityView


class EntityTableModel(RowTableModel):
    """Rows of :class:`EntityView`; the entity id is under ``Qt.UserRole``."""

    columns = ("Name", "Mentions", "Docs")

    def set_entities(self, rows: list[EntityView]) -> None:
        self.set_rows(rows)

    def put(self, entity_id: int, entity: EntityView | None) -> None:
        """Show ``entity`` in its row (added when new; ``None``: its row goes)."""
        row = next((i for i, e in enumerate(self.rows) if e.id == entity_id), None)
        if row is None and entity is not None:
            self.append_row(entity)
        elif row is not None and entity is None:
            self.remove_row(row)
        elif row is not None:
            self.replace_row(row, entity)

    def cell(self, row: Any, column: int, role: int) -> Any:
        entity: EntityView = row
        if role == Qt.ItemDataRole.DisplayRole:
            return (entity.name, entity.mentions, entity.documents)[column]
        if role == Qt.ItemDataRole.UserRole:
            return entity.id
        if role == Qt.ItemDataRole.ToolTipRole:
            aliases = ", ".join(entity.aliases)
            return plain_text.tooltip(f"{entity.key}" + (f"\nalso: {aliases}" if aliases
                                                         else ""))
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return RIGHT
        return None


class _KindTab(QWidget):
    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.model = EntityTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(Qt.ItemDataRole.DisplayRole)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # one line per entity; the name is elided
        # Not ResizeToContents: each link changes a row's counts, and that measured every
        # row of the project's thousands of entities again.
        fix_widths(self.table, self.model.columns, {1: " 999,999 ", 2: " 99,999 "})
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def selected_ids(self) -> list[int]:
        return [int(i.data(Qt.ItemDataRole.UserRole))
                for i in self.table.selectionModel().selectedRows()]


class EntityPanel(QWidget):
    entity_selected = Signal(object)  # entity id | None
    entity_activated = Signal(int)

    def __init__(self, session: AnnotationSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.scope = QComboBox(self)
        self.scope.addItem("This document", "document")
        self.scope.addItem("Whole project", "project")
        self.filter = QLineEdit(self, placeholderText="Filter…", clearButtonEnabled=True)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.kind_tabs: dict[str, _KindTab] = {}
        linked = {label.entity for label in session.schema.labels if label.entity}
        for kind in session.schema.kinds:
            if kind.name in linked:
                tab = _KindTab(kind.name, self)
                self.kind_tabs[kind.name] = tab
                self.tabs.addTab(tab, kind.display + "s")
                tab.table.selectionModel().selectionChanged.connect(self._selection)
                tab.table.doubleClicked.connect(
                    lambda index: self.entity_activated.emit(
                        int(index.data(Qt.ItemDataRole.UserRole))))
        self.merge_button = QPushButton("Merge", self)
        self.merge_button.setToolTip("Merge the selected entities into the most used one")
        self.delete_button = QPushButton("Delete unused", self)
        self.merge_button.clicked.connect(self.merge_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        top = QHBoxLayout()
        top.addWidget(self.scope)
        top.addWidget(self.filter, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.merge_button)
        bottom.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        layout.addLayout(bottom)
        self.scope.currentIndexChanged.connect(lambda _i: self.reload())
        self.filter.textChanged.connect(self._filter)
        self.tabs.currentChanged.connect(lambda _i: self._selection())
        session.changed.connect(self._changed)
        session.document_opened.connect(lambda _doc: self.reload())

    @property
    def project_wide(self) -> bool:
        return bool(self.scope.currentData() == "project")

    def _changed(self, changes: ChangeSet) -> None:
        """Entities edited, linked or unlinked (their counts) show at once; an empty
        change set means "everything may have changed" (a reload). An edit's own entities
        (read back with it) update their rows only: a link runs this on every Enter."""
        fresh = self.session.fresh_entities
        if not changes or (changes.entities and not changes.entities <= fresh.keys()):
            self.reload()
            return
        for entity_id in sorted(changes.entities):
            self._put(entity_id, fresh[entity_id])
        self._update_titles()

    def _put(self, entity_id: int, entity: EntityView | None) -> None:
        shown = entity if entity is not None and self._in_scope(entity_id) else None
        for kind, tab in self.kind_tabs.items():
            tab.model.put(entity_id, shown if shown is not None and shown.kind == kind
                          else None)

    def _in_scope(self, entity_id: int) -> bool:
        """In the document's list: linked from one of its mentions (of any status)."""
        document = self.session.document
        if self.project_wide:
            return True
        return document is not None and document.links(entity_id)

    def _update_titles(self) -> None:
        for kind, tab in self.kind_tabs.items():
            display = self.session.schema.kind(kind).display
            title, index = f"{display}s ({tab.model.rowCount()})", self.tabs.indexOf(tab)
            if self.tabs.tabText(index) != title:  # the tab bar lays itself out again
                self.tabs.setTabText(index, title)

    def reload(self) -> None:
        """Every kind's list, from one read (on opening a document, changing the scope, a
        reload, or an edit that changed more entities than it read back)."""
        document = self.session.document
        found: list[EntityView] = []
        if self.project_wide:
            found = self.session.service.entities()
        elif document is not None:
            found = self.session.service.entities(None, document.id)
        by_kind: dict[str, list[EntityView]] = {kind: [] for kind in self.kind_tabs}
        for entity in found:
            by_kind.setdefault(entity.kind, []).append(entity)
        for kind, tab in self.kind_tabs.items():
            selected = set(tab.selected_ids())
            rows = by_kind[kind]
            tab.model.set_entities(rows)
            for row in range(tab.proxy.rowCount()):
                index = tab.proxy.index(row, 0)
                if int(index.data(Qt.ItemDataRole.UserRole)) in selected:
                    tab.table.selectRow(row)
        self._update_titles()

    def _filter(self, text: str) -> None:
        for tab in self.kind_tabs.values():
            tab.proxy.setFilterFixedString(text)

    def current_tab(self) -> _KindTab | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, _KindTab) else None

    def _selection(self, *_args: object) -> None:
        tab = self.current_tab()
        ids = tab.selected_ids() if tab else []
        self.entity_selected.emit(ids[0] if len(ids) == 1 else None)

    def show_entity(self, entity_id: int) -> None:
        for tab in self.kind_tabs.values():
            for row in range(tab.proxy.rowCount()):
                if int(tab.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole)) == entity_id:
                    self.tabs.setCurrentWidget(tab)
                    tab.table.selectRow(row)
                    return

    def merge_selected(self) -> None:
        tab = self.current_tab()
        ids = tab.selected_ids() if tab else []
        if len(ids) != 2:
            plain_text.inform(self, "Merge", "Select exactly two entities to merge.")
            return
        first, second = (self.session.entity(i) for i in ids)
        if first is None or second is None:
            return
        keep, drop = (first, second) if first.mentions >= second.mentions else (second, first)
        if plain_text.ask(
                self, "Merge", f"Merge “{drop.name}” into “{keep.name}”?\n\nIts mentions, "
                f"references and aliases move to “{keep.name}”. Undo (Ctrl+Z) splits them "
                "again."):
            self.session.merge(keep, drop)

    def delete_selected(self) -> None:
        tab = self.current_tab()
        for entity_id in tab.selected_ids() if tab else []:
            entity = self.session.entity(entity_id)
            if entity is not None:
                self.session.delete_entity(entity)  # refused, with the reason, when used
