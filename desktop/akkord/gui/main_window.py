"""The main window: documents on the left, the article in the middle, the inspector and
the entity lists on the right, the timeline below (on demand).

The window wires widgets to the :class:`~akkord.gui.session.AnnotationSession` and owns
the menus and shortcuts; it holds no annotation logic of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStyle,
    QToolButton,
    QWidget,
)

from akkord.domain.actions import ACTIONS, MENUS, Action
from akkord.domain.dates import PartialDate
from akkord.domain.statuses import DocumentStatus, MentionStatus
from akkord.errors import AkkordError
from akkord.gui import plain_text, theme
from akkord.gui.app import settings
from akkord.gui.article_view import ArticleView
from akkord.gui.curation_mode import CurationMode
from akkord.gui.document_list import DocumentList
from akkord.gui.entity_panel import EntityPanel
from akkord.gui.entity_picker import EntityPicker
from akkord.gui.inspector import Inspector
from akkord.gui.session import AnnotationSession
from akkord.gui.shortcuts import ShortcutOverlay
from akkord.gui.suggestions import WindowSuggestions
from akkord.services.documents import DocumentCatalog
from akkord.services.edits import ChangeSet
from akkord.services.projects import Project
from akkord.textproc.spans import edge_moved

if TYPE_CHECKING:
    from akkord.gui.timeline_view import TimelineView

RECENT_KEY = "recent/projects"
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
MAX_RECENT = 8


def remember_project(project: Project) -> None:
    """Put the project first in the recent list (files only; URLs may hold passwords)."""
    if project.path is None:
        return
    store = settings()
    recent = [p for p in (store.value(RECENT_KEY) or []) if p != str(project.path)]
    store.setValue(RECENT_KEY, [str(project.path), *recent][:MAX_RECENT])
    store.setValue("recent/last", str(project.path))


def recent_projects() -> list[str]:
    return [p for p in (settings().value(RECENT_KEY) or []) if isinstance(p, str)]


class MainWindow(QMainWindow):
    def __init__(self, project: Project, annotator: str, layer: str | None = None, *,
                 suggest: bool = True) -> None:
        super().__init__()
        self.project = project
        self.annotator = annotator
        self.session = AnnotationSession(project, layer or annotator, self, suggest=suggest,
                                         author=annotator)
        self.view = ArticleView(self)
        self.view.set_schema(self.session.schema)
        self.setCentralWidget(self.view)
        self.documents = DocumentList(self)
        self.inspector = Inspector(self.session, self)
        self.entities = EntityPanel(self.session, self)
        self.picker = EntityPicker(self)
        self.overlay = ShortcutOverlay(self)
        self.timeline_dock: QDockWidget | None = None
        self._status_shown: tuple[int, str] | None = None  # what the progress label counted
        self.timeline: TimelineView | None = None
        self._docks()
        self._actions()
        self._toolbar()
        self._status_bar()
        self.modes = CurationMode(self)  # curation and agreement docks, on first use
        self._connect()
        self.restore_layout()
        self._update_title()
        self.reload_documents(select_first=True)
        self.modes.restore()  # curation and agreement, if they were open
        remember_project(project)

    # -- layout ----------
    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str
              ) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _docks(self) -> None:
        self.documents_dock = self._dock("Documents", self.documents,
                                         Qt.DockWidgetArea.LeftDockWidgetArea, "documents")
        self.inspector_dock = self._dock("Inspector", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea, "inspector")
        self.entities_dock = self._dock("Entities", self.entities,
                                        Qt.DockWidgetArea.LeftDockWidgetArea, "entities")
        self.suggesting = WindowSuggestions(self)  # the review list, the recommender

    def restore_layout(self) -> None:
        """The user's last geometry and docks (``QSettings``), or a size from the screen.

        Qt's ``restoreGeometry`` moves a saved window back onto the available area when
        the screen has changed since; on a first start the window takes most of the
        screen's available geometry (never more), centred, and the docks share it.
        """
        store = settings()
        geometry, state = store.value(GEOMETRY_KEY), store.value(STATE_KEY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.fit_screen()
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def save_layout(self) -> None:
        store = settings()
        store.setValue(GEOMETRY_KEY, self.saveGeometry())
        store.setValue(STATE_KEY, self.saveState())

    def fit_screen(self) -> None:
        """Size the window (and its docks) from the screen's available geometry."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        size = QSize(int(area.width() * 0.92), int(area.height() * 0.9))
        self.setGeometry(QStyle.alignedRect(Qt.LayoutDirection.LeftToRight,
                                            Qt.AlignmentFlag.AlignCenter, size, area))
        width = size.width()
        # The inspector gets what its content needs (no horizontal scroll bar) unless the
        # screen is so small that the article would be squeezed out (a third at most).
        inspector = max(int(width * 0.26), min(self.inspector.content_width(),
                                               int(width * 0.34)))
        documents = max(200, min(440, int(width * 0.24)))
        self.resizeDocks([self.documents_dock, self.inspector_dock], [documents, inspector],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.documents_dock, self.entities_dock],
                         [size.height() // 2, size.height() // 2], Qt.Orientation.Vertical)

    def _handlers(self) -> dict[str, Callable[[], object]]:
        """What each action of the table (:mod:`akkord.domain.actions`) does here."""
        return {
            "new-project": self.new_project, "open-project": self.open_project_dialog,
            "open-demo": self.open_demo, "import": self.import_files,
            "export": self.export_files, "quit": self.close,
            "undo": self.session.undo_stack.undo, "redo": self.session.undo_stack.redo,
            "link": self.link_selected,
            "link-identical": lambda: self._identical(False),
            "link-identical-project": lambda: self._identical(True),
            "add-relation": self.add_relation, "split": self.split_selected,
            "delete": self.delete_selected,
            "next": lambda: self._step_mention(1), "previous": lambda: self._step_mention(-1),
            "start-left": lambda: self._move_edge("start", -1),
            "start-right": lambda: self._move_edge("start", 1),
            "end-left": lambda: self._move_edge("end", -1),
            "end-right": lambda: self._move_edge("end", 1),
            "start-left-char": lambda: self._move_edge("start", -1, by_char=True),
            "start-right-char": lambda: self._move_edge("start", 1, by_char=True),
            "end-left-char": lambda: self._move_edge("end", -1, by_char=True),
            "end-right-char": lambda: self._move_edge("end", 1, by_char=True),
            "find-occurrences": lambda: self.suggesting.find_occurrences(False),
            "find-occurrences-project": lambda: self.suggesting.find_occurrences(True),
            "review": self.suggesting.toggle_review,
            "suggest-relations": self.suggesting.suggest_relations,
            "suggestion-settings": self.suggesting.show_settings,
            "clear": self.clear_selection,
            "next-document": lambda: self.step_document(1),
            "previous-document": lambda: self.step_document(-1),
            "toggle-done": self.toggle_done, "publication-date": self.ask_publication_date,
            "filter-documents": self.documents.filter.setFocus,
            "timeline": self.show_timeline, "shortcuts": self.show_shortcuts,
            "curation": lambda: self.modes.show_curation(),
            "agreement": lambda: self.modes.show_agreement(),
            "change-name": self.change_name,
        }

    def _actions(self) -> None:
        """Menus and window shortcuts, from the action table; the article's own keys
        reach :meth:`run_action` through the view (they only work there)."""
        bar = self.menuBar()
        self.menus = {name: bar.addMenu(f"&{name}") for name in MENUS}
        self.handlers = self._handlers()
        self.actions_by_id: dict[str, QAction] = {}
        for spec in ACTIONS:
            if spec.menu is None:
                continue
            qaction = self._qaction(spec)
            self.actions_by_id[spec.id] = qaction
            self.menus[spec.menu].addAction(qaction)
            if spec.id == "open-demo":
                self.recent_menu = QMenu("Open &recent", self)
                self.recent_menu.aboutToShow.connect(self._fill_recent)
                self.menus["File"].insertMenu(qaction, self.recent_menu)
        self.undo_action, self.redo_action = (self.actions_by_id["undo"],
                                              self.actions_by_id["redo"])
        self.done_action = self.actions_by_id["toggle-done"]
        self.date_action = self.actions_by_id["publication-date"]
        self.timeline_action = self.actions_by_id["timeline"]
        self.menus["View"].addSeparator()
        for dock in (self.documents_dock, self.inspector_dock, self.entities_dock):
            self.menus["View"].addAction(dock.toggleViewAction())
        self.layer_menu = self.menus["Annotator"].addMenu("Work in &layer")
        self.layer_menu.aboutToShow.connect(self._fill_layers)

    def _qaction(self, spec: Action) -> QAction:
        stack = self.session.undo_stack
        if spec.id in ("undo", "redo"):  # Qt keeps their text ("Undo Add ACTOR") and state
            made = stack.createUndoAction if spec.id == "undo" else stack.createRedoAction
            qaction = made(self, spec.text)
            qaction.setShortcuts([QKeySequence(key) for key in spec.keys])
            return qaction
        qaction = QAction(spec.text, self)
        if spec.scope == "window":
            qaction.setShortcuts([QKeySequence(key) for key in spec.keys])
        elif spec.keys:  # shown in the menu, but only the article's keys run it
            qaction.setText(f"{spec.text}\t{spec.keys[0]}")
        qaction.triggered.connect(lambda _=False, i=spec.id: self.run_action(i))
        return qaction

    def run_action(self, action_id: str) -> None:
        self.handlers[action_id]()

    def _toolbar(self) -> None:
        bar = self.addToolBar("Labels")
        bar.setObjectName("labels")
        bar.setMovable(False)
        for label in self.session.schema.labels:
            button = QToolButton(bar)
            button.setText(f"{label.key}  {label.name}")
            button.setToolTip(plain_text.tooltip(
                f"{label.description}\nSelect text and press {label.key}"))
            button.setStyleSheet(theme.label_button_style(label.color))
            button.clicked.connect(lambda _=False, name=label.name: self.label_clicked(name))
            bar.addWidget(button)
        bar.addSeparator()
        bar.addWidget(plain_text.label(" Layer ", bar))
        self.layer_box = QComboBox(bar)
        self._fill_layer_box()
        self.layer_box.activated.connect(
            lambda i: self.switch_layer(str(self.layer_box.itemData(i))))
        bar.addWidget(self.layer_box)

    def _status_bar(self) -> None:
        self.progress_label = plain_text.label("", self)
        self.counts_label = plain_text.label("", self)
        status = self.statusBar()
        status.addPermanentWidget(self.counts_label)
        status.addPermanentWidget(self.progress_label)

    def _connect(self) -> None:
        s = self.session
        self.documents.document_chosen.connect(self.open_document)
        s.document_opened.connect(self._document_opened)
        s.changed.connect(self._changed)
        s.selection_changed.connect(lambda m: self.view.select_mention(m))
        s.failed.connect(self._failed)
        s.noted.connect(lambda note: self.statusBar().showMessage(note, 5000))
        s.undo_stack.indexChanged.connect(self._saved)
        self.view.label_key.connect(self.label_key)
        self.view.command.connect(self.run_action)
        self.view.mention_clicked.connect(s.select)
        self.view.cleared.connect(lambda: s.select(None))
        self.inspector.link_requested.connect(self.open_picker)
        self.entities.entity_selected.connect(self._emphasise_entity)
        self.entities.entity_activated.connect(self.jump_to_entity)
        self.picker.chosen.connect(self._picked)
        self.picker.create_new.connect(self._create_picked)

    def _changed(self, changes: ChangeSet) -> None:
        """After any edit, undo or redo: every part of the window that shows it updates
        (and only those: this runs on every key that edits)."""
        document = self.session.document
        open_id = document.id if document is not None else None
        if document is not None and document.id in changes.documents:
            self.view.refresh(*document.take_dirty())
            self._update_counts()
            if (document.id, document.status) != self._status_shown:
                self._update_progress()  # the open document's status changed
        others = changes.documents - {open_id}
        if others:  # an undo elsewhere, a project-wide link: read those rows again
            self.documents.model.invalidate(sorted(others))
            self._update_progress()
        if not changes:  # a reload: anything may have changed
            self._update_progress()
        if changes.entities or changes.documents:
            self._timeline_changed()

    # -- documents ----------
    def reload_documents(self, select_first: bool = False) -> None:
        """Read the document list again (ids only; rows are read as they are shown)."""
        if not hasattr(self, "_catalog"):
            self._catalog = DocumentCatalog(self.project, self.session.layer)
            self.documents.set_source(self._catalog.ids, self._catalog.rows)
        else:
            self.documents.reload()
        current = self.session.document.id if self.session.document else None
        if current is not None:
            self.documents.select_document(current)
        elif select_first and self.documents.model.ids:
            self.documents.select_document(self.documents.model.ids[0])
        self._update_progress()

    def open_document(self, doc_id: int) -> None:
        if self.session.document is None or self.session.document.id != doc_id:
            self.session.open_document(doc_id)

    def step_document(self, delta: int) -> None:
        doc_id = self.documents.step(delta)
        if doc_id is not None:
            self.documents.select_document(doc_id)

    def _document_opened(self, model: object) -> None:
        self.view.set_document(self.session.document)
        document = self.session.document
        if document is not None:
            self.documents.select_document(document.id)
            self._update_counts()
            self._status_shown = (document.id, document.status)
        self._update_title()

    def toggle_done(self) -> None:
        document = self.session.document
        if document is not None:
            done = document.status == DocumentStatus.DONE
            self.session.set_status(DocumentStatus.IN_PROGRESS if done else DocumentStatus.DONE)
            if not done:
                self.statusBar().showMessage("Document marked done", 2000)

    def ask_publication_date(self) -> None:
        """Set the article's publication day (or week, month …): relative expressions such
        as "kommende fredag" are resolved again against it."""
        document = self.session.document
        if document is None:
            return
        text, ok = QInputDialog.getText(
            self, "Publication date", "Published on (20.01.2022, 20. januar 2022, "
            "2022-01-20; januar 2022 or 2022-01 if only the month is known; empty: "
            "unknown):", text=document.date.value if document.date else "")
        if not ok:
            return
        try:
            date = PartialDate.read(text) if text.strip() else None
        except AkkordError as exc:
            self._failed(str(exc))
            return
        self.session.set_publication_date(date)

    # -- annotating ----------
    def label_clicked(self, label: str) -> None:
        span = self.view.selection()
        self.label_key(label, *(span or (-1, -1)), self.view.textCursor().hasSelection())
        self.view.setFocus()

    def label_key(self, label: str, start: int, end: int, explicit: bool) -> None:
        """A label key: label the selected text; relabel the selected mention; or the word."""
        selected = self.session.selected_mention()
        if selected is not None and not explicit:
            self.session.relabel(selected.id, label)
            return
        if start < 0:
            self.statusBar().showMessage("Select some text first, then press a label key", 3000)
            return
        mention_id = self.session.add_mention(start, end, label)
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        if mention_id is not None and self.session.schema.label(label).entity:
            mention = self.session.selected_mention()
            if mention is not None and mention.entity_id is None:
                self.open_picker(mention_id)

    def clear_selection(self) -> None:
        self.session.select(None)
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)

    def _step_mention(self, step: int) -> None:
        document = self.session.document
        if document is not None:
            self.session.select(document.neighbour(self.session.selected, step))

    def _move_edge(self, edge: str, step: int, *, by_char: bool = False) -> None:
        """Alt(+Shift)+←/→ move the selected mention's start (end) by a word; Ctrl(+Shift)
        by a character (part of a word). A move that cannot be made says why."""
        mention = self.session.selected_mention()
        document = self.session.document
        if mention is None or document is None:
            self._hint("Select a mention first (Tab moves to the next one)")
            return
        start, end = edge_moved(document.text, mention.start, mention.end, edge, step,
                                by_char)
        if start >= end:
            unit = "character" if by_char else "word"
            self._hint(f"The mention is a single {unit}: its {edge} cannot move past its "
                       f"{'end' if edge == 'start' else 'start'} (Delete removes it)")
        elif (start, end) == (mention.start, mention.end):
            place = "start" if step < 0 else "end"
            self._hint(f"The mention's {edge} is already at the {place} of the text")
        else:
            self.session.set_span(mention.id, start, end)

    def add_relation(self) -> None:
        if self.session.selected_mention() is None:
            self._hint("Select a mention first (Tab moves to the next one), then press R "
                       "to relate it to another")
            return
        self.inspector.add_relation()

    def _hint(self, message: str) -> None:
        self.statusBar().showMessage(message, 4000)

    def split_selected(self) -> None:
        if self.session.selected is not None:
            self.session.split(self.session.selected)

    def delete_selected(self) -> None:
        if self.session.selected is None:
            self._hint("Select a mention first (click it, or Tab to it), then Delete")
            return
        self.session.delete_mention(self.session.selected)

    def link_selected(self) -> None:
        """Enter: accept a suggestion; link a mention of a linked label (picker)."""
        mention = self.session.selected_mention()
        if mention is None:
            self._hint("Select a mention first (click it, or Tab to it), then Enter")
            return
        if mention.status == MentionStatus.SUGGESTED:
            self.session.accept(mention.id)
            mention = self.session.selected_mention()
            if mention is None or mention.entity_id is not None \
                    or self.session.schema.label(mention.label).entity is None:
                return  # accepted; nothing to link (a TIME mention) or linked already
        self.open_picker(mention.id)

    def open_picker(self, mention_id: int) -> None:
        document = self.session.document
        if document is None or mention_id not in document.mentions:
            return
        mention = document.mentions[mention_id]
        kind = self.session.schema.label(mention.label).entity
        if kind is None:
            self.statusBar().showMessage(f"{mention.label} mentions are not linked", 3000)
            return
        rects = self.view.span_rects(mention.start, mention.end)
        local = rects[-1].bottomLeft().toPoint() + QPoint(0, 8) if rects else QPoint(40, 40)
        at = self.view.viewport().mapToGlobal(local)
        self._picking = mention_id
        self.picker.open(kind, self.session.schema.kind(kind).display,
                         document.surface(mention_id),
                         lambda query: self.session.candidates(kind, query), at)

    def _picked(self, entity_id: int) -> None:
        mention_id = getattr(self, "_picking", None)
        if mention_id is not None:
            self.session.link(mention_id, entity_id)
            self._offer_identical(mention_id)
        self.view.setFocus()

    def _create_picked(self, name: str) -> None:
        mention_id = getattr(self, "_picking", None)
        if mention_id is not None and name:
            self.session.link_new(mention_id, name)
            self._offer_identical(mention_id)
        self.view.setFocus()

    def _offer_identical(self, mention_id: int) -> None:
        others = self.session.service.identical_unlinked(mention_id, project_wide=False)
        if others:
            self.statusBar().showMessage(
                f"{len(others)} identical unlinked mention(s) in this document: "
                "Ctrl+L links them, Ctrl+Shift+L links them in the whole project", 6000)

    def _identical(self, project_wide: bool) -> None:
        if self.session.selected is not None:
            count = self.session.link_identical(self.session.selected,
                                                project_wide=project_wide)
            self.statusBar().showMessage(f"Linked {count} identical mention(s)", 3000)
            if project_wide:
                self.reload_documents()

    def _emphasise_entity(self, entity_id: object) -> None:
        document = self.session.document
        ids = set(document.mentions_of_entity(entity_id)) if document and isinstance(
            entity_id, int) else set()
        self.view.emphasise(ids)

    def jump_to_entity(self, entity_id: int) -> None:
        """Select the entity's first mention, opening the document that has it."""
        document = self.session.document
        if document is None or not document.mentions_of_entity(entity_id):
            doc_id = self.session.service.first_mention_of(entity_id)
            if doc_id is None:
                self.statusBar().showMessage("No mention of it in this layer yet", 3000)
                return
            self.session.open_document(doc_id)
            document = self.session.document
        assert document is not None
        first = document.mentions_of_entity(entity_id)[0]
        self.session.select(first)
        self._emphasise_entity(entity_id)
        self.view.setFocus()

    # -- status ----------
    def _update_title(self) -> None:
        layer = self.session.layer
        who = layer if layer == self.annotator else f"{layer} layer ({self.annotator})"
        document = self.session.document
        prefix = f"{document.title} — " if document else ""
        self.setWindowTitle(f"{prefix}{self.project.name} — {who} — Akkord")

    def _update_progress(self) -> None:
        document = self.session.document
        self._status_shown = (document.id, document.status) if document else None
        progress = self.session.service.progress()
        self.progress_label.setText(f"  {progress.done} of {progress.total} done  ")

    def _update_counts(self) -> None:
        document = self.session.document
        if document is None:
            self.counts_label.setText("")
            return
        counts: dict[str, int] = {}
        suggested = 0
        for (label, status), n in document.counts.items():
            if status == MentionStatus.SUGGESTED:
                suggested += n
            elif status != MentionStatus.REJECTED and n:
                counts[label] = counts.get(label, 0) + n
        made = sum(counts.values())
        text = f"{made + suggested} mentions"
        if suggested:
            text += f" ({suggested} suggested)"
        self.counts_label.setText(text + "  ·  ")
        self.documents.model.update(document.id, mentions=made, label_counts=counts,
                                    status=document.status)

    def _saved(self, _index: int) -> None:
        if not self.statusBar().currentMessage():  # a more specific message stays
            self.statusBar().showMessage("Saved", 1500)

    def _failed(self, message: str) -> None:
        """Say why an edit was refused, without blocking the keyboard (not modal)."""
        self.statusBar().showMessage(message, 8000)
        box = plain_text.message_box(QMessageBox.Icon.Warning, "Akkord", message, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error = message

    # -- project, layer, annotator ----------
    def _fill_layer_box(self) -> None:
        self.layer_box.clear()
        names = sorted({*self.session.service.annotator_names(), self.annotator,
                        self.session.layer})
        for name in names:
            self.layer_box.addItem(name if name != self.annotator else f"{name} (you)", name)
        self.layer_box.setCurrentIndex(self.layer_box.findData(self.session.layer))

    def _fill_layers(self) -> None:
        self.layer_menu.clear()
        for name in sorted({*self.session.service.annotator_names(), self.annotator}):
            action = self.layer_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == self.session.layer)
            action.triggered.connect(lambda _=False, n=name: self.switch_layer(n))

    def switch_layer(self, layer: str) -> None:
        if layer != self.session.layer:
            self.replace_with(self.project, layer)

    def replace_with(self, project: Project, layer: str | None = None) -> MainWindow:
        """Open ``project`` (or another layer) in a new window in place of this one."""
        self.save_layout()  # the new window opens where this one is, with the same docks
        window = MainWindow(project, self.annotator, layer, suggest=self.session.suggest)
        window.show()
        self._keep_project_open = project is self.project
        self.close()
        return window

    def change_name(self) -> None:
        from akkord.gui.project_dialogs import ask_annotator_name

        name = ask_annotator_name(self, self.annotator)
        if name and name != self.annotator:
            self.annotator = name
            self.replace_with(self.project, name)

    def new_project(self) -> None:
        from akkord.gui.project_dialogs import new_project_dialog

        project = new_project_dialog(self)
        if project is not None:
            self.replace_with(project)

    def open_project_dialog(self) -> None:
        from akkord.gui.project_dialogs import open_project_dialog

        project = open_project_dialog(self)
        if project is not None:
            self.replace_with(project)

    def open_path(self, path: str) -> None:
        from akkord.services.projects import open_project

        try:
            self.replace_with(open_project(Path(path)))
        except AkkordError as exc:
            plain_text.warn(self, "Open project", str(exc))

    def open_demo(self) -> None:
        from akkord.services.demo import open_demo

        try:
            self.replace_with(open_demo(), "gold")
        except AkkordError as exc:
            plain_text.warn(self, "Demo", str(exc))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_projects():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def import_files(self) -> None:
        from akkord.gui.import_dialog import import_with_dialog

        if import_with_dialog(self, self.project, self.annotator) is not None:
            self.reload_documents()
            self.session.reload()  # imports may add labels to the schema
            self.view.set_schema(self.session.schema)

    def export_files(self) -> None:
        from akkord.gui.export_dialog import export_with_dialog

        export_with_dialog(self, self.project)

    # -- views ----------
    def show_shortcuts(self) -> None:
        self.overlay.open(self.session.schema)

    def timeline_widget(self, create: bool = False) -> TimelineView | None:
        """The timeline dock's view, created on first use (pyqtgraph is slow to import,
        so a session that never looks at the timeline never loads it)."""
        if self.timeline is None and create:
            from akkord.gui.timeline_view import TimelineView

            view = self.timeline = TimelineView(self.project, self)
            self.timeline_dock = self._dock("Timeline", view,
                                            Qt.DockWidgetArea.BottomDockWidgetArea, "timeline")
            if not self.restoreDockWidget(self.timeline_dock):
                self.resizeDocks([self.timeline_dock], [max(200, self.height() // 3)],
                                 Qt.Orientation.Vertical)
            self.menus["View"].addAction(self.timeline_dock.toggleViewAction())
            view.entity_activated.connect(self.jump_to_entity)
            view.entity_clicked.connect(self.entities.show_entity)
            view.mention_activated.connect(self.jump_to_span)
            self._timeline_refresh = QTimer(self, singleShot=True, interval=400)
            self._timeline_refresh.timeout.connect(view.reload)
            self.session.selection_changed.connect(self._timeline_follow)
        return self.timeline

    def show_timeline(self) -> None:
        """Ctrl+T: show the timeline (created on first use), or hide it again."""
        created = self.timeline is None
        self.timeline_widget(create=True)
        assert self.timeline_dock is not None
        if self.timeline_dock.isVisible() and not created:
            self.timeline_dock.hide()
            return
        self.timeline_dock.show()
        self._timeline_follow(self.session.selected)

    def _timeline_changed(self, *_args: object) -> None:
        if self.timeline_dock is not None and self.timeline_dock.isVisible():
            self._timeline_refresh.start()

    def _timeline_follow(self, mention_id: object) -> None:
        """Selecting a linked mention in the text highlights its entity on the timeline."""
        mention = self.session.selected_mention()
        if self.timeline is not None and self.timeline_dock is not None \
                and self.timeline_dock.isVisible():
            self.timeline.highlight_entity(mention.entity_id if mention else None)

    def jump_to_span(self, doc_id: int, start: int, end: int) -> None:
        """Open a document at a span (from the timeline's mention list)."""
        self.session.open_document(doc_id)
        document = self.session.document
        if document is None:
            return
        exact = [m for m in document.mentions.values() if (m.start, m.end) == (start, end)]
        if exact:
            self.session.select(exact[0].id)
        else:
            self.view.reveal(start, end)
        self.view.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.modes.close()
        self.save_layout()
        self.suggesting.shut_down()  # a background training ends before the project
        if not getattr(self, "_keep_project_open", False):
            self.project.close()
        super().closeEvent(event)
