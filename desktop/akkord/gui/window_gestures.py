"""The annotating gestures of the main window: label keys, moving a mention's edges,
linking through the picker, relations, split and delete, jumping to an entity.

Each gesture reads the selection, says in the status bar why it cannot be made (never a
silent no-op), and otherwise asks the :class:`~akkord.gui.session.AnnotationSession` for
one edit; what the edit changed comes back through ``session.changed``, not from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint
from PySide6.QtWidgets import QWidget

from akkord.domain.statuses import MentionStatus
from akkord.textproc.spans import edge_moved

if TYPE_CHECKING:
    from akkord.gui.main_window import MainWindow


class WindowGestures(QObject):
    """The gestures of one window (its article view, inspector, picker and entity list)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.view = window.view
        self.picking: int | None = None  # the mention the picker links
        self.return_to: QWidget | None = None  # where the keyboard goes after the picker
        window.view.label_key.connect(self.label_key)
        window.inspector.link_requested.connect(self.open_picker)
        window.entities.entity_selected.connect(self.emphasise_entity)
        window.entities.entity_activated.connect(self.jump_to_entity)
        window.picker.chosen.connect(self._picked)
        window.picker.create_new.connect(self._create_picked)

    def hint(self, message: str, ms: int = 4000) -> None:
        self.window.statusBar().showMessage(message, ms)

    # -- labelling ----------
    def label_clicked(self, label: str) -> None:
        span = self.view.selection()
        self.label_key(label, *(span or (-1, -1)), self.view.textCursor().hasSelection())
        self.view.setFocus()

    def label_key(self, label: str, start: int, end: int, explicit: bool) -> None:
        """A label key: label the selected text; relabel the selected mention; or the word."""
        session = self.session
        selected = session.selected_mention()
        if selected is not None and not explicit:
            session.relabel(selected.id, label)
            return
        if start < 0:
            self.hint("Select some text first, then press a label key", 3000)
            return
        mention_id = session.add_mention(start, end, label)
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        if mention_id is not None and session.schema.label(label).entity:
            mention = session.selected_mention()
            if mention is not None and mention.entity_id is None:
                self.open_picker(mention_id)

    def clear_selection(self) -> None:
        self.session.select(None)
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)

    def step_mention(self, step: int) -> None:
        document = self.session.document
        if document is not None:
            self.session.select(document.neighbour(self.session.selected, step))

    def move_edge(self, edge: str, step: int, *, by_char: bool = False) -> None:
        """Alt(+Shift)+←/→ move the selected mention's start (end) by a word; Ctrl(+Shift)
        by a character (part of a word). A move that cannot be made says why."""
        mention = self.session.selected_mention()
        document = self.session.document
        if mention is None or document is None:
            self.hint("Select a mention first (Tab moves to the next one)")
            return
        start, end = edge_moved(document.text, mention.start, mention.end, edge, step,
                                by_char)
        if start >= end:
            unit = "character" if by_char else "word"
            self.hint(f"The mention is a single {unit}: its {edge} cannot move past its "
                      f"{'end' if edge == 'start' else 'start'} (Delete removes it)")
        elif (start, end) == (mention.start, mention.end):
            place = "start" if step < 0 else "end"
            self.hint(f"The mention's {edge} is already at the {place} of the text")
        else:
            self.session.set_span(mention.id, start, end)

    # -- relations, split, delete ----------
    def add_relation(self) -> None:
        if self.session.selected_mention() is None:
            self.hint("Select a mention first (Tab moves to the next one), then press R "
                      "to relate it to another")
            return
        self.window.inspector.add_relation()

    def split_selected(self) -> None:
        if self.session.selected is not None:
            self.session.split(self.session.selected)

    def delete_selected(self) -> None:
        if self.session.selected is None:
            self.hint("Select a mention first (click it, or Tab to it), then Delete")
            return
        self.session.delete_mention(self.session.selected)

    # -- linking ----------
    def link_selected(self) -> None:
        """Enter: accept a suggestion; link a mention of a linked label (picker)."""
        session = self.session
        mention = session.selected_mention()
        if mention is None:
            self.hint("Select a mention first (click it, or Tab to it), then Enter")
            return
        if mention.status == MentionStatus.SUGGESTED:
            session.accept(mention.id)
            mention = session.selected_mention()
            if mention is None or mention.entity_id is not None \
                    or session.schema.label(mention.label).entity is None:
                return  # accepted; nothing to link (a TIME mention) or linked already
        self.open_picker(mention.id)

    def open_picker(self, mention_id: int, return_to: QWidget | None = None) -> None:
        """The entity picker under the mention, for its label's kind of entity; once it
        links, the keyboard goes back to ``return_to`` (the review list), else the text."""
        self.return_to = return_to
        session = self.session
        document = session.document
        if document is None or mention_id not in document.mentions:
            return
        mention = document.mentions[mention_id]
        kind = session.schema.label(mention.label).entity
        if kind is None:
            self.hint(f"{mention.label} mentions are not linked", 3000)
            return
        rects = self.view.span_rects(mention.start, mention.end)
        local = rects[-1].bottomLeft().toPoint() + QPoint(0, 8) if rects else QPoint(40, 40)
        self.picking = mention_id
        self.window.picker.open(kind, session.schema.kind(kind).display,
                                document.surface(mention_id),
                                session.ranker(kind, mention.start),
                                self.view.viewport().mapToGlobal(local))

    def _picked(self, entity_id: int) -> None:
        if self.picking is not None:
            self.session.link(self.picking, entity_id)
            self._offer_identical(self.picking)
        (self.return_to or self.view).setFocus()

    def _create_picked(self, name: str) -> None:
        if self.picking is not None and name:
            self.session.link_new(self.picking, name)
            self._offer_identical(self.picking)
        (self.return_to or self.view).setFocus()

    def _offer_identical(self, mention_id: int) -> None:
        document = self.session.document
        if document is None or mention_id not in document.mentions:
            return
        others = document.identical_unlinked(mention_id)
        if others:
            self.hint(f"{len(others)} identical unlinked mention(s) in this document: "
                      "Ctrl+L links them, Ctrl+Shift+L links them in the whole project", 6000)

    def link_identical(self, project_wide: bool) -> None:
        if self.session.selected is not None:
            count = self.session.link_identical(self.session.selected,
                                                project_wide=project_wide)
            self.hint(f"Linked {count} identical mention(s)", 3000)
            if project_wide:
                self.window.reload_documents()

    # -- entities ----------
    def emphasise_entity(self, entity_id: object) -> None:
        document = self.session.document
        ids = set(document.mentions_of_entity(entity_id)) if document and isinstance(
            entity_id, int) else set()
        self.view.emphasise(ids)

    def jump_to_entity(self, entity_id: int) -> None:
        """Select the entity's first mention, opening the document that has it."""
        session = self.session
        document = session.document
        if document is None or not document.mentions_of_entity(entity_id):
            doc_id = session.service.first_mention_of(entity_id)
            if doc_id is None:
                self.hint("No mention of it in this layer yet", 3000)
                return
            session.open_document(doc_id)
            document = session.document
        assert document is not None
        session.select(document.mentions_of_entity(entity_id)[0])
        self.emphasise_entity(entity_id)
        self.view.setFocus()

    def jump_to_span(self, doc_id: int, start: int, end: int) -> None:
        """Open a document at a span (from the timeline's mention list, curation)."""
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
