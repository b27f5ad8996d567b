"""The main window: documents on the left, the article in the middle, the inspector and
the entity lists on the right, the timeline below (on demand).

The window composes the widgets and owns the frame: docks and their layout, the menus and
keys from the action table, the status bar, the document list and routing the session's
``changed`` to the parts that show it. What the actions do lives beside it, one module
per reason to change: the annotating gestures (:mod:`~akkord.gui.window_gestures`),
projects, layers and files (:mod:`~akkord.gui.window_projects`), the timeline dock
(:mod:`~akkord.gui.window_timeline`), suggestions (:mod:`~akkord.gui.suggestions`) and
curation (:mod:`~akkord.gui.curation_mode`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QMainWindow,
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
from akkord.gui.application import settings
from akkord.gui.article_view import ArticleView
from akkord.gui.curation_mode import CurationMode
from akkord.gui.docks import add_dock
from akkord.gui.document_list import DocumentList
from akkord.gui.entity_panel import EntityPanel
from akkord.gui.entity_picker import EntityPicker
from akkord.gui.inspector import Inspector
from akkord.gui.session import AnnotationSession
from akkord.gui.shortcuts import ShortcutOverlay
from akkord.gui.suggestions import WindowSuggestions
from akkord.gui.window_gestures import WindowGestures
from akkord.gui.window_projects import WindowProjects, recent_projects, remember_project
from akkord.gui.window_timeline import WindowTimeline
from akkord.services.documents import DocumentCatalog
from akkord.services.edits import ChangeSet
from akkord.services.projects import Project

__all__ = ["MainWindow", "recent_projects"]

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"


class MainWindow(QMainWindow):
    def __init__(self, project: Project, annotator: str, layer: str | None = None, *,
                 suggest: bool = True) -> None:
        super().__init__()
        self.project = project
        self.annotator = annotator
        self.suggest = suggest  # asked for (a read-only project suggests nothing anyway)
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
        self._status_shown: tuple[int, str] | None = None  # what the progress label counted
        self._docks()
        self.gestures = WindowGestures(self)
        self.projects = WindowProjects(self)
        self.timeline = WindowTimeline(self)
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
        return add_dock(self, title, widget, area, name)[0]

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
        self.size_docks(size)

    def size_docks(self, size: QSize) -> None:
        """Share ``size`` (the window's) between the article and the docks."""
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
        g, p, sug, undo = self.gestures, self.projects, self.suggesting, self.session.undo_stack
        return {
            "new-project": p.new_project, "open-project": p.open_project_dialog,
            "open-demo": p.open_demo, "import": p.import_files, "export": p.export_files,
            "quit": self.close, "undo": undo.undo, "redo": undo.redo,
            "link": g.link_selected,
            "link-identical": lambda: g.link_identical(False),
            "link-identical-project": lambda: g.link_identical(True),
            "add-relation": g.add_relation, "split": g.split_selected,
            "delete": g.delete_selected,
            "next": lambda: g.step_mention(1), "previous": lambda: g.step_mention(-1),
            **{f"{edge}-{way}{suffix}": partial(g.move_edge, edge, step, by_char=bool(suffix))
               for edge in ("start", "end") for way, step in (("left", -1), ("right", 1))
               for suffix in ("", "-char")},
            "find-occurrences": lambda: sug.find_occurrences(False),
            "find-occurrences-project": lambda: sug.find_occurrences(True),
            "review": sug.toggle_review, "suggest-relations": sug.suggest_relations,
            "suggestion-settings": sug.show_settings,
            "clear": g.clear_selection,
            "next-document": lambda: self.step_document(1),
            "previous-document": lambda: self.step_document(-1),
            "toggle-done": self.toggle_done, "publication-date": self.ask_publication_date,
            "filter-documents": self.documents.filter.setFocus,
            "timeline": self.timeline.toggle, "shortcuts": self.show_shortcuts,
            "curation": lambda: self.modes.show_curation(),
            "agreement": lambda: self.modes.show_agreement(),
            "change-name": p.change_name,
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
                self.menus["File"].insertMenu(qaction, self.projects.recent_menu)
        self.undo_action, self.redo_action = (self.actions_by_id["undo"],
                                              self.actions_by_id["redo"])
        self.done_action = self.actions_by_id["toggle-done"]
        self.date_action = self.actions_by_id["publication-date"]
        self.timeline_action = self.actions_by_id["timeline"]
        self.menus["View"].addSeparator()
        for dock in (self.documents_dock, self.inspector_dock, self.entities_dock):
            self.menus["View"].addAction(dock.toggleViewAction())
        self.menus["Annotator"].addMenu(self.projects.layer_menu)

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
            button.clicked.connect(
                lambda _=False, name=label.name: self.gestures.label_clicked(name))
            bar.addWidget(button)
        bar.addSeparator()
        bar.addWidget(plain_text.label(" Layer ", bar))
        bar.addWidget(self.projects.layer_box)

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
        self.view.command.connect(self.run_action)
        self.view.mention_clicked.connect(s.select)
        self.view.cleared.connect(lambda: s.select(None))

    def _changed(self, changes: ChangeSet) -> None:
        """After any edit, undo or redo: every part of the window that shows it updates
        (and only those: this runs on every key that edits)."""
        document = self.session.document
        open_id = document.id if document is not None else None
        if document is not None and document.id in changes.documents:
            self.view.refresh(*document.take_dirty())
            self._update_counts()
            if (document.id, document.status) != self._status_shown:
                self._status_changed(document.id, document.status)
        others = changes.documents - {open_id}
        if others:  # an undo elsewhere, a project-wide link: read those rows again
            self.documents.model.invalidate(sorted(others))
            self._update_progress()
        if not changes:  # a reload: anything may have changed
            self._update_progress()
        if changes.entities or changes.documents:
            self.timeline.changed()

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

    # -- status ----------
    def _update_title(self) -> None:
        layer = self.session.layer
        who = layer if layer == self.annotator else f"{layer} layer ({self.annotator})"
        document = self.session.document
        prefix = f"{document.title} — " if document else ""
        # A project that cannot be written says so where the user looks first (issue 9).
        reason = self.project.read_only_reason if self.project.read_only else None
        state = f" — read-only ({reason})" if reason else ""
        self.setWindowTitle(f"{prefix}{self.project.name}{state} — {who} — Akkord")

    def _status_changed(self, doc_id: int, status: str) -> None:
        """The open document's status changed: the count of done documents changes only
        when it became done or stopped being so (new ↔ in progress, on a first edit and
        its undo, changes nothing there)."""
        before = self._status_shown
        if before is not None and before[0] == doc_id \
                and DocumentStatus.DONE not in (before[1], status):
            self._status_shown = (doc_id, status)
            return
        self._update_progress()

    def _update_progress(self) -> None:
        document = self.session.document
        self._status_shown = (document.id, document.status) if document else None
        progress = self.session.service.progress()
        plain_text.set_steady(self.progress_label, f"  {progress.done} of {progress.total} done  ")

    def _update_counts(self) -> None:
        document = self.session.document
        if document is None:
            plain_text.set_steady(self.counts_label, "")
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
        plain_text.set_steady(self.counts_label, text + "  ·  ")
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

    # -- project, layer ----------
    def replace_with(self, project: Project, layer: str | None = None) -> MainWindow:
        """Open ``project`` (or another layer) in a new window in place of this one."""
        self.save_layout()  # the new window opens where this one is, with the same docks
        window = MainWindow(project, self.annotator, layer, suggest=self.suggest)
        window.show()
        self._keep_project_open = project is self.project
        self.close()
        return window

    # -- views ----------
    def show_shortcuts(self) -> None:
        self.overlay.open(self.session.schema)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.modes.close()
        self.save_layout()
        self.suggesting.shut_down()  # a background training ends before the project
        if not getattr(self, "_keep_project_open", False):
            self.project.close()
        super().closeEvent(event)
