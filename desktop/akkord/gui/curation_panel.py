"""Curation mode: the queue of units (lowest agreement first, coloured by state,
filtered by document, label and state) above each annotator's version of the chosen unit
side by side, and the gold being built.

Keys in the queue come from :mod:`akkord.domain.actions` (scope ``curation``): a digit
accepts that annotator's version into gold, E edits the unit in the gold layer (the
article), U marks it unresolved with a note (typed in the bar that opens; Enter keeps
it, Esc cancels), X or Delete rejects it, C confirms every agreed unit of the document.
Each step is an edit (:mod:`akkord.services.edits.curation`) handed to the window's
annotating session, so it is one transaction and Ctrl+Z undoes it like any edit.

The units are read on a worker thread with a connection of its own
(:func:`akkord.services.background.curation_at`): all of them when the panel opens, then
the documents an edit, undo or redo touched; the window never waits for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from akkord.domain.actions import MAX_ANNOTATORS_BY_KEY
from akkord.domain.statuses import GOLD
from akkord.gui import plain_text
from akkord.gui.curation_model import (
    STATE_COLOURS,
    STATE_FILTERS,
    TO_CONFIRM,
    CurationQueueModel,
    state_text,
)
from akkord.gui.keys import CURATION_KEYS, key_name
from akkord.gui.version_pane import VersionPane
from akkord.gui.worker import Background
from akkord.services.background import curation_at
from akkord.services.curation import CurationSnapshot, Unit, read_document, sentence_range
from akkord.services.edits import ChangeSet, Edit
from akkord.services.edits.curation import (
    AcceptVersion,
    ConfirmDocument,
    MarkUnresolved,
    RejectUnit,
    UnitRef,
)
from akkord.services.projects import Project

Applier = Callable[[Edit], bool]  # push an edit; True when it was applied
ALL = "All"


class CurationPanel(QWidget):
    """See the module docstring."""

    unit_chosen = Signal(object)  # Unit | None
    edit_requested = Signal(int, int, int)  # document, start, end
    progress_changed = Signal(str)  # "Ingrid 8/8, Ola 5/8; curated 3/8"
    hint = Signal(str)
    loaded = Signal()  # the queue took in a snapshot
    failed = Signal(str)

    def __init__(self, project: Project, apply: Applier, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("curationPanel")
        self.project = project
        self.schema = project.schema
        self.apply_edit = apply
        self.model = CurationQueueModel(self)
        self.background = Background(self)
        self.background.finished.connect(self._loaded)
        self.background.failed.connect(self._failed)
        self._running: list[int] | None = None  # documents the running job reads
        self._pending = False  # something to read: the documents in _wanted (None: all)
        self._wanted: set[int] | None = set()
        self._advance_from: str | None = None  # the unit a step was made on
        self._texts: dict[int, tuple[str, str]] = {}
        self.panes: list[VersionPane] = []
        self._build()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.progress = plain_text.label("Reading the units…", self, object_name="muted")
        self.counts = plain_text.label("", self, object_name="muted")
        self.document_box = QComboBox(self)
        self.label_box = QComboBox(self)
        self.state_box = QComboBox(self)
        for box, tip in ((self.document_box, "Show the units of one document"),
                         (self.label_box, "Show the units of one label, relation type or "
                                          "record slot"),
                         (self.state_box, "Show the units in one state")):
            box.setToolTip(tip)
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(14)
            box.activated.connect(self._filter_chosen)
        self.state_box.addItem(ALL, None)
        for state in STATE_FILTERS:
            self.state_box.addItem(state, state)
            self.state_box.setItemData(self.state_box.count() - 1, STATE_COLOURS[state],
                                       Qt.ItemDataRole.DecorationRole)
        filters = QHBoxLayout()
        filters.addWidget(plain_text.label("Document", self))
        filters.addWidget(self.document_box)
        filters.addWidget(plain_text.label("Label", self))
        filters.addWidget(self.label_box)
        filters.addWidget(plain_text.label("State", self))
        filters.addWidget(self.state_box)
        filters.addStretch(1)
        filters.addWidget(self.counts)
        self.queue = self._queue_view()
        self.note = QLineEdit(self)
        self.note.setPlaceholderText("Why is it unresolved? Enter keeps the note, Esc "
                                     "cancels")
        self.note.hide()
        self.note.returnPressed.connect(self._note_given)
        self.note.installEventFilter(self)
        self.pane_row = QWidget(self)
        self.pane_layout = QHBoxLayout(self.pane_row)
        self.pane_layout.setContentsMargins(0, 0, 0, 0)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(filters)
        top_layout.addWidget(self.queue, 1)
        top_layout.addWidget(self.note)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.pane_row)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 300])
        self.pane_row.setMinimumHeight(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.progress)
        layout.addWidget(split, 1)

    def _queue_view(self) -> QTableView:
        view = QTableView(self)
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never re-measured
        header.setStretchLastSection(True)
        for column, width in enumerate((170, 90, 220, 190)):
            header.resizeSection(column, width)
        view.setTabKeyNavigation(False)
        view.installEventFilter(self)
        view.selectionModel().currentRowChanged.connect(self._current_changed)
        return view

    def _panes_for(self, annotators: Sequence[str]) -> None:
        wanted = len(annotators) + 1
        while len(self.panes) < wanted:
            pane = VersionPane(self.pane_row)
            self.panes.append(pane)
            self.pane_layout.addWidget(pane, 1)
        for extra in self.panes[wanted:]:
            extra.hide()
        for pane in self.panes[:wanted]:
            pane.show()

    # -- reading --------------------------------------------------------------------------------
    def reload(self, documents: Sequence[int] | None = None) -> None:
        """Read the units again: of ``documents``, or of every document (None)."""
        if documents is None or self._wanted is None:
            self._wanted = None
        else:
            self._wanted |= set(documents)
        self._pending = True
        self._kick()

    @property
    def idle(self) -> bool:
        """Nothing being read and nothing waiting to be: the queue shows the project."""
        return not self.background.busy and not self._pending

    def changed(self, changes: ChangeSet) -> None:
        """After any edit, undo or redo in the window: read its documents' units again."""
        if changes.documents:
            self.reload(sorted(changes.documents))

    def _kick(self) -> None:
        if self.background.busy or not self._pending:
            return
        documents = None if self._wanted is None else sorted(self._wanted)
        self._wanted, self._pending = set(), False
        self._running = documents
        url, schema = self.project.url, self.schema
        self.background.run(lambda: curation_at(url, schema, documents))

    def _loaded(self, snapshot: object) -> None:
        assert isinstance(snapshot, CurationSnapshot)
        current = self.current_unit()
        self.model.set_snapshot(snapshot, self._running)
        self._running = None
        self._panes_for(snapshot.annotators)
        self._fill_filters()
        summary = snapshot.progress.summary()
        self.progress.setText(f"{summary}   ·   lowest agreement first; "
                              f"1–{min(len(snapshot.annotators), MAX_ANNOTATORS_BY_KEY)} "
                              "accept a version, E edit, U unresolved, X reject, C confirm "
                              "the document")
        self.progress_changed.emit(summary)
        self._show_counts()
        self._reselect(current)
        self.loaded.emit()
        self._kick()

    def _failed(self, message: str) -> None:
        self._running = None
        self.progress.setText(f"The units could not be read: {message}")
        self.failed.emit(message)
        self._kick()

    def _show_counts(self) -> None:
        counts = self.model.counts(self.model.rows)
        order = ["disagree", "incomplete", "unresolved", TO_CONFIRM, "accepted", "rejected",
                 "agree"]
        open_units = sum(counts.get(s, 0) for s in ("disagree", "incomplete", "unresolved"))
        self.counts.setText(f"{len(self.model.rows)} units, {open_units} to decide")
        self.counts.setToolTip(plain_text.tooltip(", ".join(
            f"{counts[s]} {s}" for s in order if counts.get(s))))

    def _fill_filters(self) -> None:
        self._refill(self.document_box, [(self.model.title(d), d)
                                         for d in self.model.documents()])
        self._refill(self.label_box, [(label, label) for label in self.model.labels()])

    @staticmethod
    def _refill(box: QComboBox, items: list[tuple[str, object]]) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(ALL, None)
        for text, data in items:
            box.addItem(text, data)
        found = box.findData(chosen) if chosen is not None else 0
        box.setCurrentIndex(max(0, found))
        box.blockSignals(False)

    def _filter_chosen(self, _index: int = 0) -> None:
        current = self.current_unit()
        self.model.set_filter(self.document_box.currentData(), self.label_box.currentData(),
                              self.state_box.currentData())
        self._show_counts()
        self._reselect(current)

    def set_filter(self, document: int | None = None, label: str | None = None,
                   state: str | None = None) -> None:
        """Choose the filters (as the combo boxes do)."""
        for box, value in ((self.document_box, document), (self.label_box, label),
                           (self.state_box, state)):
            box.setCurrentIndex(max(0, box.findData(value)) if value is not None else 0)
        self._filter_chosen()

    # -- the chosen unit ------------------------------------------------------------------------
    def current_unit(self) -> Unit | None:
        return self.model.unit(self.queue.currentIndex().row())

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, 0)
            self.queue.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.queue.scrollTo(index)
        else:
            self._show(None)

    def select_key(self, key: str) -> bool:
        row = self.model.row_of(key)
        if row is None:
            return False
        self.select_row(row)
        return True

    def select_place(self, document: int, start: int, end: int) -> bool:
        """Choose the unit at a place of the text (a disagreement of the agreement view)."""
        found = [i for i, u in enumerate(self.model.rows)
                 if u.document == document and u.start < max(end, start + 1)
                 and start < u.end]
        if not found and (self.model.document, self.model.label, self.model.state) != \
                (None, None, None):
            self.set_filter()
            return self.select_place(document, start, end)
        if found:
            self.select_row(min(found, key=lambda i: (self.model.rows[i].start != start,
                                                      self.model.rows[i].kind != "mention",
                                                      i)))
        return bool(found)

    def _reselect(self, before: Unit | None) -> None:
        key, self._advance_from = self._advance_from, None
        if key is not None:
            row = self.model.row_of(key)
            self.select_row(min(row + 1, self.model.rowCount() - 1) if row is not None
                            else self.queue.currentIndex().row())
        elif before is not None and self.select_key(before.key):
            pass
        elif self.model.rowCount() and not self.queue.currentIndex().isValid():
            self.select_row(0)
        else:
            self._show(self.current_unit())

    def _current_changed(self, *_args: object) -> None:
        unit = self.current_unit()
        self._show(unit)
        self.unit_chosen.emit(unit)

    def _text(self, document: int) -> tuple[str, str]:
        found = self._texts.get(document)
        if found is None:  # texts never change: read once
            found = self._texts[document] = read_document(self.project, document)
        return found

    def _show(self, unit: Unit | None) -> None:
        annotators = self.model.annotators
        if unit is None or unit.document is None:
            for pane in self.panes:
                pane.clear()
            return
        _title, text = self._text(unit.document)
        places = [p for spans in unit.spans.values() for p in spans] or \
            [(unit.start, unit.end)]
        if unit.kind == "record":  # evidence all over the article: its first sentence
            places = [(unit.start, unit.end)]
        begin, stop = sentence_range(text, min(s for s, _ in places),
                                     max(e for _, e in places))
        sentence = text[begin:stop]
        tint = STATE_COLOURS["accepted"]
        for n, (pane, name) in enumerate(zip(self.panes, annotators, strict=False), start=1):
            version = _readable(unit, unit.versions.get(name), unit.spans.get(name, ()), text)
            spans = [(s - begin, e - begin) for s, e in unit.spans.get(name, ())]
            key = f"{n} · " if n <= MAX_ANNOTATORS_BY_KEY else ""
            if unit.document is not None and name not in unit.versions:
                version = "(did not annotate this document)"
            pane.show_version(f"{key}{name}", version or "(no version)", sentence, spans, tint)
        if len(self.panes) > len(annotators):
            self._show_gold(self.panes[len(annotators)], unit, sentence, begin)

    def _show_gold(self, pane: VersionPane, unit: Unit, sentence: str, begin: int) -> None:
        first = next(iter(unit.versions), "")
        text = self._text(unit.document)[1] if unit.document is not None else ""
        if unit.gold is not None:
            version = _readable(unit, unit.gold, unit.spans.get(GOLD, ()), text) or ""
            layer, tint = GOLD, STATE_COLOURS["agree"]
        elif unit.unanimous:
            agreed = _readable(unit, unit.versions[first], unit.spans.get(first, ()), text)
            version = f"pre-merged, to confirm (C): {agreed}"
            layer, tint = first, STATE_COLOURS[TO_CONFIRM]
        else:
            version, layer, tint = "(no version)", GOLD, QColor()
        if unit.mark:
            version += f"   [{unit.mark}{': ' + unit.note if unit.note else ''}]"
        spans = [(s - begin, e - begin) for s, e in unit.spans.get(layer, ())]
        pane.show_version(f"{GOLD} · {state_text(unit)}", version, sentence, spans, tint)

    # -- keys and steps -------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if watched is self.note:
            if event.key() == Qt.Key.Key_Escape:
                self.note.hide()
                self.queue.setFocus()
                return True
            return False
        if watched is self.queue:
            action = CURATION_KEYS.get(key_name(event))
            if action is not None:
                self.run_action(action)
                return True
        return False

    def run_action(self, action: str) -> None:
        if action.startswith("curation-accept-"):
            self.accept(int(action.rsplit("-", 1)[1]))
        elif action == "curation-edit":
            self.edit_unit()
        elif action == "curation-unresolved":
            self.ask_unresolved()
        elif action == "curation-reject":
            self.reject()
        elif action == "curation-confirm":
            self.confirm_document()

    def _chosen(self) -> Unit | None:
        unit = self.current_unit()
        if unit is None:
            self.hint.emit("Choose a unit in the curation queue first")
        return unit

    def _step(self, unit: Unit | None, edit: Edit) -> None:
        if self.apply_edit(edit) and unit is not None:
            self._advance_from = unit.key

    def accept(self, number: int) -> None:
        """Accept the version of annotator ``number`` (1 is the first) into gold."""
        unit = self._chosen()
        if unit is None:
            return
        annotators = self.model.annotators
        if not 1 <= number <= len(annotators):
            self.hint.emit(f"There is no annotator {number} (1–{len(annotators)})")
            return
        name = annotators[number - 1]
        if unit.versions.get(name) is None and unit.kind != "record":
            self.hint.emit(f"{name} has no version of this {unit.kind}; reject it (X) "
                           "or take another's")
            return
        self._step(unit, AcceptVersion(UnitRef.of(unit), name))

    def reject(self) -> None:
        unit = self._chosen()
        if unit is not None:
            self._step(unit, RejectUnit(UnitRef.of(unit)))

    def ask_unresolved(self) -> None:
        unit = self._chosen()
        if unit is not None:
            self.note.setText(unit.note or "")
            self.note.show()
            self.note.setFocus()

    def _note_given(self) -> None:
        unit = self.current_unit()
        self.note.hide()
        self.queue.setFocus()
        if unit is not None:
            self._step(unit, MarkUnresolved(UnitRef.of(unit), self.note.text()))

    def confirm_document(self) -> None:
        unit = self.current_unit()
        document = unit.document if unit is not None else self.model.document
        if document is None:
            self.hint.emit("Choose a unit (or a document) to confirm its agreed units")
            return
        self.apply_edit(ConfirmDocument(document, self.model.annotators))

    def edit_unit(self) -> None:
        unit = self._chosen()
        if unit is not None and unit.document is not None:
            self.edit_requested.emit(unit.document, unit.start, unit.end)

    def wait(self) -> None:
        """Let a running read end (the window is closing)."""
        self.background.wait()


def _readable(unit: Unit, version: str | None, spans: Sequence[tuple[int, int]], text: str
              ) -> str | None:
    """A version as a curator reads it: a mention's label with its words
    (``ACTOR «Moskva»``) rather than offsets; other versions as they are."""
    if version is None or unit.kind != "mention" or not spans:
        return version
    labels = [part.split(" ", 1)[0] for part in version.split("; ")]
    return "; ".join(f"{label} «{text[s:e]}»" for label, (s, e) in
                     zip(labels, spans, strict=False))
