"""The annotating session: the open document, the selection, the undo stack.

Widgets never call the annotation service directly. They ask the session, which pushes
an undoable command (:mod:`akkord.gui.commands`); the command commits through the
service and then tells the session what changed, and the session updates its
:class:`~akkord.gui.document_model.DocumentModel` and emits signals that the widgets
repaint from. So every change (an edit, its undo, its redo) reaches every widget the
same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.errors import AkkordError
from akkord.gui import commands
from akkord.gui.document_model import DocumentModel
from akkord.services.annotation import Annotation, ConflictError
from akkord.services.dating import suggest_times
from akkord.services.linking import rank_candidates
from akkord.services.views import Candidate, EntityView, MentionView, RelationView
from akkord.store.project import Project


class AnnotationSession(QObject):
    document_opened = Signal(object)  # DocumentModel | None
    mentions_changed = Signal(int, int)  # text range to repaint
    selection_changed = Signal(object)  # mention id | None
    relations_changed = Signal()
    entities_changed = Signal()
    status_changed = Signal(int, str)  # document id, status
    dated = Signal(int, str)  # document id, what changed (for the status bar)
    failed = Signal(str)

    def __init__(self, project: Project, layer: str, parent: QObject | None = None, *,
                 suggest: bool = True) -> None:
        super().__init__(parent)
        self.suggest = suggest  # time suggestions in a new document of this layer
        self.project = project
        self.service = Annotation(project, layer)
        self.schema = project.schema
        self.undo_stack = QUndoStack(self)
        self.document: DocumentModel | None = None
        self.selected: int | None = None
        self._versions: dict[int, int] = {}  # entity id → version last seen or written here

    @property
    def layer(self) -> str:
        return self.service.annotator

    # -- navigation ----------
    def open_document(self, doc_id: int | None) -> None:
        if doc_id is None:
            self.document = None
        else:
            view = self.service.load_document(doc_id)
            if self.suggest and view.status == "new" and not view.mentions and \
                    suggest_times(self.project, doc_id, self.service.annotator_id):
                view = self.service.load_document(doc_id)
            self.document = DocumentModel(view)
        self.selected = None
        self.document_opened.emit(self.document)
        self.selection_changed.emit(None)

    def reload(self) -> None:
        """Re-read the open document (after a conflict or another window's edit)."""
        self.schema = self.project.schema
        selected = self.selected
        self.open_document(self.document.id if self.document else None)
        if self.document is not None and selected in self.document.mentions:
            self.select(selected)
        self.entities_changed.emit()

    def select(self, mention_id: int | None) -> None:
        if self.document is None or mention_id not in self.document.mentions:
            mention_id = None
        self.selected = mention_id
        self.selection_changed.emit(mention_id)

    def selected_mention(self) -> MentionView | None:
        if self.document is None or self.selected is None:
            return None
        return self.document.mentions.get(self.selected)

    # -- edits (each one undoable) --------------------------------------------------------------
    def push(self, command: commands.EditCommand) -> None:
        self.undo_stack.push(command)

    def add_mention(self, start: int, end: int, label: str) -> int | None:
        """Label ``[start, end)``; returns the new mention's id (None if refused)."""
        if self.document is None:
            return None
        existing = [m for m in self.document.mentions.values()
                    if (m.start, m.end, m.label) == (start, end, label)]
        if existing:
            self.select(existing[0].id)
            return existing[0].id
        command = commands.AddMention(self, self.document.id, start, end, label)
        self.push(command)
        return command.mention_id

    def delete_mention(self, mention_id: int) -> None:
        mention = self._mention(mention_id)
        if mention is None:
            return
        if mention.status == "suggested":
            self.push(commands.UpdateMention(self, mention_id, "Reject suggestion",
                                             status="rejected"))
        else:
            self.push(commands.DeleteMention(self, mention_id))

    def relabel(self, mention_id: int, label: str) -> None:
        mention = self._mention(mention_id)
        if mention is not None and mention.label != label:
            self.push(commands.UpdateMention(self, mention_id, f"Relabel as {label}",
                                             label=label))

    def set_span(self, mention_id: int, start: int, end: int) -> None:
        mention = self._mention(mention_id)
        if mention is not None and (mention.start, mention.end) != (start, end) and start < end:
            self.push(commands.UpdateMention(self, mention_id, "Change span", start=start,
                                             end=end))

    def accept(self, mention_id: int) -> None:
        mention = self._mention(mention_id)
        if mention is not None and mention.status in ("suggested", "rejected"):
            self.push(commands.UpdateMention(self, mention_id, "Accept suggestion",
                                             status="accepted"))

    def link(self, mention_id: int, entity_id: int | None) -> None:
        mention = self._mention(mention_id)
        if mention is None or mention.entity_id == entity_id:
            return
        changes: dict[str, object] = {"entity_id": entity_id}
        if mention.status == "suggested":
            changes["status"] = "accepted"
        self.push(commands.UpdateMention(self, mention_id,
                                         "Unlink" if entity_id is None else "Link", **changes))

    def link_new(self, mention_id: int, name: str) -> int | None:
        """Create an entity called ``name`` and link the mention to it (one undo step)."""
        mention = self._mention(mention_id)
        kind = self.schema.label(mention.label).entity if mention else None
        if mention is None or kind is None:
            return None
        self.undo_stack.beginMacro(f"Link to new {kind} {name}")
        create = commands.CreateEntity(self, kind, name)
        self.push(create)
        if create.entity_id is not None:
            self.link(mention_id, create.entity_id)
        self.undo_stack.endMacro()
        return create.entity_id

    def link_identical(self, mention_id: int, *, project_wide: bool) -> int:
        """Link every identical unlinked mention like this one; returns how many."""
        mention = self._mention(mention_id)
        if mention is None or mention.entity_id is None:
            return 0
        others = self.service.identical_unlinked(mention_id, project_wide=project_wide)
        if others:
            where = "project" if project_wide else "document"
            self.push(commands.LinkMany(self, others, mention.entity_id,
                                        f"Link {len(others)} identical mentions in the {where}"))
        return len(others)

    def split(self, mention_id: int) -> None:
        mention = self._mention(mention_id)
        if mention is None or self.document is None:
            return
        self.link_new(mention_id, self.document.surface(mention_id))

    def set_mention_values(self, mention_id: int, attribute: str, values: Sequence[Value]
                           ) -> None:
        self.push(commands.SetMentionValues(self, mention_id, attribute, values))

    def rename_entity(self, entity: EntityView, name: str) -> None:
        if name.strip() and name.strip() != entity.name:
            self.push(commands.RenameEntity(self, entity.id, entity.version, name.strip()))

    def set_aliases(self, entity: EntityView, aliases: Sequence[str]) -> None:
        if tuple(aliases) != entity.aliases:
            self.push(commands.SetAliases(self, entity.id, entity.version, aliases))

    def set_attribute(self, entity: EntityView, attribute: str, values: Sequence[Value]
                      ) -> None:
        if tuple(values) != entity.values.get(attribute, ()):
            self.push(commands.SetAttribute(self, entity.id, entity.version, attribute, values))

    def delete_entity(self, entity: EntityView) -> None:
        self.push(commands.DeleteEntity(self, entity.id, entity.name))

    def merge(self, keep: EntityView, drop: EntityView) -> None:
        self.push(commands.MergeEntities(self, keep.id, drop.id,
                                         f"Merge {drop.name} into {keep.name}"))

    def add_relation(self, type_: str, head: int, tail: int) -> None:
        self.push(commands.AddRelation(self, type_, head, tail))

    def delete_relation(self, relation_id: int) -> None:
        self.push(commands.DeleteRelation(self, relation_id))

    def set_publication_date(self, date: PartialDate | None) -> None:
        if self.document is not None and self.document.date != date:
            self.push(commands.SetPublicationDate(self, self.document.id, date))

    def set_status(self, status: str) -> None:
        if self.document is not None and self.document.status != status:
            self.push(commands.SetStatus(self, self.document.id, status))

    # -- queries ----------
    def candidates(self, kind: str, query: str) -> list[Candidate]:
        with self.project.read() as session:
            return rank_candidates(session, kind, query, self.service.annotator_id)

    def entity(self, entity_id: int) -> EntityView | None:
        try:
            entity = self.service.entity(entity_id)
        except AkkordError:
            return None
        self._versions[entity.id] = entity.version
        return entity

    def version(self, entity_id: int, seen: int) -> int:
        """The version an edit of this session must expect: the latest this session read
        or wrote (so undoing its own earlier edits never conflicts with its later ones);
        a change by someone else since then still raises a conflict."""
        return max(self._versions.get(entity_id, seen), seen)

    def wrote(self, entity_id: int, version: int) -> None:
        self._versions[entity_id] = version

    def _mention(self, mention_id: int) -> MentionView | None:
        return self.document.mentions.get(mention_id) if self.document else None

    # -- notifications from commands ----------
    def _ensure_open(self, doc_id: int) -> bool:
        """Show the document an undone or redone edit belongs to; True if it was reloaded."""
        if self.document is None or self.document.id != doc_id:
            self.open_document(doc_id)
            return True
        return False

    def mention_put(self, view: MentionView, *, select: bool = False) -> None:
        if self._ensure_open(view.document_id):
            if select:
                self.select(view.id)
            return
        assert self.document is not None
        start, end = self.document.put_mention(view)
        self.mentions_changed.emit(start, end)
        self._started()
        if select:
            self.select(view.id)
        elif view.id == self.selected:
            self.selection_changed.emit(view.id)

    def mention_dropped(self, view: MentionView) -> None:
        if self._ensure_open(view.document_id):
            return
        assert self.document is not None
        span = self.document.drop_mention(view.id)
        self._started()
        if self.selected == view.id:
            self.select(None)
        if span:
            self.mentions_changed.emit(*span)
        self.relations_changed.emit()

    def links_changed(self, mention_ids: Sequence[int]) -> None:
        if self.document is None:
            return
        mine = [m for m in mention_ids if m in self.document.mentions]
        for mention_id in mine:
            self.document.put_mention(self.service.mention(mention_id))
        if mine:
            spans = [self.document.index.span(m) for m in mine]
            self.mentions_changed.emit(min(s for s, _ in spans), max(e for _, e in spans))
        if self.selected in mine:
            self.selection_changed.emit(self.selected)
        self.entities_changed.emit()

    def relation_put(self, relation: RelationView) -> None:
        if self.document is not None and relation.head in self.document.mentions:
            self.document.put_relation(relation)
            self.relations_changed.emit()

    def relation_dropped(self, relation: RelationView) -> None:
        if self.document is not None:
            self.document.drop_relation(relation.id)
            self.relations_changed.emit()

    def entities_touched(self) -> None:
        self.entities_changed.emit()
        if self.selected is not None:
            self.selection_changed.emit(self.selected)

    def redated(self, doc_id: int, mentions: int, entity_values: int) -> None:
        """A publication date changed: reload what shows dates."""
        if self.document is None or self.document.id != doc_id:
            self.open_document(doc_id)
        else:
            self.reload()
        self.dated.emit(doc_id, f"{mentions} time expression(s) and {entity_values} "
                                f"entity date(s) re-resolved")

    def _started(self) -> None:
        """The service marks a new document in progress at its first edit; mirror it."""
        if self.document is not None and self.document.status == "new":
            self.status_put(self.document.id, "in progress")

    def status_put(self, doc_id: int, status: str) -> None:
        if self.document is not None and self.document.id == doc_id:
            self.document.status = status
        self.status_changed.emit(doc_id, status)

    def report(self, error: AkkordError) -> None:
        self.failed.emit(str(error))
        if isinstance(error, ConflictError):
            self.reload()
