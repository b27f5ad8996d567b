"""The annotating session: the open document, the selection, the undo stack.

Widgets never change the project themselves. They ask the session, which builds an edit
(:mod:`akkord.services.edits`) with what the widget showed as the expected state,
applies it through the layer's service (one transaction), pushes the generic undo
command (:mod:`akkord.gui.commands`), brings the open
:class:`~akkord.gui.document_model.DocumentModel` up to date from the edit's
:class:`~akkord.services.edits.ChangeSet`, and emits :attr:`changed` with it. Every
widget updates from that one signal, whether the change came from an edit, its undo or
its redo.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.domain.statuses import DocumentStatus, MentionStatus
from akkord.errors import AkkordError
from akkord.gui.commands import EditCommand
from akkord.gui.document_model import DocumentModel
from akkord.services import edits
from akkord.services.annotation import Annotation, Changed, Shown
from akkord.services.edits import Applied, ChangeSet, ConflictError, Edit, EntityState
from akkord.services.projects import Project
from akkord.services.suggesting import Suggestion
from akkord.services.suggesting import edits as suggesting
from akkord.services.suggesting.desk import SuggestionDesk
from akkord.services.suggesting.pipeline import merge
from akkord.services.suggesting.recommender import Recommender
from akkord.services.views import Candidate, EntityView, MentionView
from akkord.textproc.lemmas import as_written


def state_of(entity: EntityView) -> EntityState:
    """What the widget showed of an entity: the expected state of an edit of it."""
    return EntityState(entity.key, entity.kind, entity.name, entity.aliases, entity.values)


@dataclass(slots=True)
class SuggestionKinds:
    """Which suggesters run in the window (the annotator's choice, kept in the settings)."""

    names: bool = True  # known names, aliases and office holders on a new document
    occurrences: bool = True  # other occurrences of a form (annotate all)
    model: bool = True  # the recommender trained on the layer


class AnnotationSession(QObject):
    document_opened = Signal(object)  # DocumentModel | None
    selection_changed = Signal(object)  # mention id | None
    changed = Signal(object)  # ChangeSet, after the open document's model took it in
    noted = Signal(str)  # what an edit wants said beyond "saved"
    failed = Signal(str)

    def __init__(self, project: Project, layer: str, parent: QObject | None = None, *,
                 suggest: bool = True, author: str | None = None) -> None:
        super().__init__(parent)
        # Suggestions in a new document of this layer (written as an edit: not on a
        # project that cannot be written).
        self.suggest = suggest and not project.read_only
        self.project = project
        self.service = Annotation(project, layer, author=author)
        self.schema = project.schema
        self.undo_stack = QUndoStack(self)
        self.document: DocumentModel | None = None
        self.selected: int | None = None
        # The entities the edit being shown changed, as its transaction read them back
        # (see _take_in); empty between edits, so nothing is served stale.
        self.fresh_entities: dict[int, EntityView | None] = {}
        self.suggestions = SuggestionDesk(project, self.service.annotator_id)
        self.kinds = SuggestionKinds()
        self.recommender: Recommender | None = None  # set once trained, passing its threshold
        self.changed.connect(self._names_changed)

    def _names_changed(self, changes: ChangeSet) -> None:
        if changes.entities:  # names, aliases or uses changed: match them anew next time
            self.suggestions.forget_names()

    @property
    def layer(self) -> str:
        return self.service.annotator

    # -- navigation ----------
    def open_document(self, doc_id: int | None) -> None:
        if doc_id is None:
            self.document = None
        else:
            view = self.service.load_document(doc_id)
            if self.suggest and view.status == DocumentStatus.NEW and not view.mentions:
                added = self._quietly(self._first_suggestions(doc_id))
                if added is not None and added.changes:
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
        self.changed.emit(ChangeSet())

    def select(self, mention_id: int | None) -> None:
        if self.document is None or mention_id not in self.document.mentions:
            mention_id = None
        self.selected = mention_id
        self.selection_changed.emit(mention_id)

    def selected_mention(self) -> MentionView | None:
        if self.document is None or self.selected is None:
            return None
        return self.document.mentions.get(self.selected)

    # -- the edit path --------------------------------------------------------------------------
    def push(self, edit: Edit, text: str | None = None) -> Applied | None:
        """Apply ``edit`` and put it on the undo stack (as ``text`` in the Edit menu);
        ``None`` when it was refused."""
        applied = self.apply(edit)
        if applied is not None and applied.changes:
            self.undo_stack.push(EditCommand(self, applied, text or edit.text))
        return applied

    def apply(self, edit: Edit, action: str | None = None) -> Applied | None:
        """Apply an edit (an undo, a redo, or a new one) and show what it changed."""
        document = self.document
        try:
            applied, shown = self.service.apply_showing(
                edit, document.id if document is not None else None)
        except AkkordError as error:
            self.report(error, action)
            return None
        self._take_in(applied, shown)
        return applied

    def _first_suggestions(self, doc_id: int) -> Edit:
        """What a document gets when the layer first opens it: the project's known names
        (and office holders), the recommender's spans, and the time expressions."""
        found: list[Suggestion] = []
        if self.kinds.names:
            try:
                found = self.suggestions.preannotation(doc_id)
            except AkkordError as error:
                self.report(error)
        model = self._recommendations(doc_id)
        if self.kinds.model:  # learned from the layer's own clauses, like the recommender
            model = self.suggestions.clauses(doc_id) + model
        steps: list[Edit] = []
        if found or model:
            steps.append(suggesting.AddSuggestions(doc_id, tuple(merge(found, model)),
                                                   "Suggest known names"))
        steps.append(edits.AddTimeSuggestions(doc_id))
        return edits.Compound(tuple(steps), "Suggest")

    def _recommendations(self, doc_id: int) -> list[Suggestion]:
        if not self.kinds.model or self.recommender is None:
            return []
        try:
            return self.suggestions.recommendations(self.recommender, doc_id)
        except AkkordError as error:
            self.report(error)
            return []

    def suggest_from_model(self) -> int:
        """The recommender's suggestions in the open document (after it was trained
        again), shown but not undoable: no user action made them. Returns how many."""
        document = self.document
        if document is None or document.status == DocumentStatus.DONE:
            return 0
        found = self._recommendations(document.id)
        if not found:
            return 0
        applied = self.apply(suggesting.AddSuggestions(document.id, tuple(found),
                                                       "Suggest from the model"))
        return len(applied.changes.mentions) if applied is not None else 0

    def _quietly(self, edit: Edit) -> Applied | None:
        """An edit that is no user action (suggestions on first opening): not undoable."""
        try:
            return self.service.apply(edit)
        except AkkordError as error:
            self.report(error)
            return None

    def _take_in(self, applied: Applied, shown: Shown) -> None:
        """Show what an edit changed; while its signals run, :meth:`entity` answers from
        the entities it read back (the inspector and the entity list ask for them)."""
        self.fresh_entities = shown.entities
        try:
            self._show_change(applied, shown.document)
        finally:
            self.fresh_entities = {}

    def _show_change(self, applied: Applied, shown: Changed | None) -> None:
        changes = applied.changes
        if shown is not None:
            self._refresh_model(changes, shown)
        elif applied.focus is not None:
            self._show_document_of(applied.focus)  # an undo or redo in another document
        document, focus = self.document, applied.focus
        if focus is not None and document is not None and focus in document.mentions:
            self.select(focus)
        elif self.selected is not None and document is not None \
                and self.selected not in document.mentions:
            self.select(None)
        elif self.selected is not None:
            self.selection_changed.emit(self.selected)  # its links or entity may differ
        self.changed.emit(changes)
        if applied.note:
            self.noted.emit(applied.note)

    def _show_document_of(self, mention_id: int) -> None:
        doc_id = self.service.document_of(mention_id)
        if doc_id is not None and (self.document is None or doc_id != self.document.id):
            self.open_document(doc_id)

    def _refresh_model(self, changes: ChangeSet, now: Changed) -> None:
        """Bring the open document's picture up to date with what the edit changed, as
        its transaction read it back."""
        document = self.document
        assert document is not None
        fresh = {m.id: m for m in now.mentions}
        for mention_id in changes.mentions:
            mention = fresh.get(mention_id)
            if mention is not None:
                document.put_mention(mention)
            else:
                document.drop_mention(mention_id)
        relations = {r.id: r for r in now.relations}
        for relation_id in changes.relations:
            relation = relations.get(relation_id)
            if relation is not None and relation.head in document.mentions:
                document.put_relation(relation)
            else:
                document.drop_relation(relation_id)
        document.date, document.status = now.date, now.status

    def report(self, error: AkkordError, action: str | None = None) -> None:
        message = f"{action} refused: {error}" if action else str(error)
        self.failed.emit(message)
        if isinstance(error, ConflictError):
            self.reload()

    # -- edits the widgets ask for (each one undoable) ------------------------------------------
    def add_mention(self, start: int, end: int, label: str) -> int | None:
        """Label ``[start, end)``; returns the new mention's id (None if refused)."""
        if self.document is None:
            return None
        mentions = self.document.mentions  # those overlapping, from the index: not all 2,600
        existing = [mentions[i] for i in self.document.index.overlapping(start, end)
                    if (mentions[i].start, mentions[i].end, mentions[i].label)
                    == (start, end, label)]
        if existing:
            self.select(existing[0].id)
            return existing[0].id
        applied = self.push(edits.AddMention(self.document.id, start, end, label))
        return applied.focus if applied else None

    def delete_mention(self, mention_id: int) -> None:
        mention = self._mention(mention_id)
        if mention is None:
            return
        if mention.status == MentionStatus.SUGGESTED:
            self.push(suggesting.RejectSuggestions((mention_id,), "Reject suggestion"))
        else:
            self.push(edits.DeleteMention(mention_id, mention))

    def relabel(self, mention_id: int, label: str) -> None:
        mention = self._mention(mention_id)
        if mention is not None and mention.label != label:
            self.push(edits.UpdateMention(mention_id, label=label, expected=mention,
                                          description=f"Relabel as {label}"))

    def set_span(self, mention_id: int, start: int, end: int) -> None:
        mention = self._mention(mention_id)
        if mention is not None and (mention.start, mention.end) != (start, end) and start < end:
            self.push(edits.UpdateMention(mention_id, start=start, end=end, expected=mention,
                                          description="Change span"))

    def accept(self, mention_id: int) -> None:
        """Accept a suggestion (remembering its form as an alias of its entity), or take
        back a rejection."""
        mention = self._mention(mention_id)
        if mention is None:
            return
        if mention.status == MentionStatus.SUGGESTED:
            self.push(suggesting.AcceptSuggestions((mention_id,), "Accept suggestion"))
        elif mention.status == MentionStatus.REJECTED:
            self.push(edits.Compound((
                edits.UpdateMention(mention_id, status=MentionStatus.ACCEPTED,
                                    expected=mention),
                suggesting.RememberForm(mention_id)), "Accept suggestion"))

    def review(self, mention_ids: Sequence[int], *, accept: bool) -> int:
        """Accept (remembering forms) or reject several suggestions, as one undo step;
        returns how many changed."""
        ids = tuple(mention_ids)
        if not ids:
            return 0
        verb = "Accept" if accept else "Reject"
        text = f"{verb} {len(ids)} suggestion(s)" if len(ids) > 1 else f"{verb} suggestion"
        edit = (suggesting.AcceptSuggestions(ids, text) if accept
                else suggesting.RejectSuggestions(ids, text))
        applied = self.push(edit)
        return len(applied.changes.mentions) if applied is not None else 0

    def find_occurrences(self, mention_id: int, *, project_wide: bool) -> list[int]:
        """Annotate all: every other occurrence of the mention's form (and inflections),
        in the document or the project, as suggestions with its label and entity (one
        undo step). Returns the new suggestions' ids."""
        if self._mention(mention_id) is None:
            return []
        try:
            found = self.suggestions.occurrences(mention_id, project_wide=project_wide)
        except AkkordError as error:
            self.report(error)
            return []
        if not any(found.values()):
            return []
        where = "project" if project_wide else "document"
        applied = self.push(suggesting.add_suggestions(found, f"Find every occurrence in "
                                                             f"the {where}"))
        return sorted(applied.changes.mentions) if applied is not None else []

    def add_relations(self, relations: Sequence[tuple[str, int, int]]) -> int:
        """Add several relations (suggested ones the annotator kept) as one undo step;
        returns how many were added."""
        if not relations:
            return 0
        applied = self.push(edits.Compound(tuple(edits.AddRelation(*r) for r in relations),
                                           f"Add {len(relations)} relation(s)"))
        return len(applied.changes.relations) if applied is not None else 0

    def link(self, mention_id: int, entity_id: int | None) -> None:
        """Link (or unlink) a mention; a linked form is remembered as an alias of the
        entity when it is a new form (one undo step)."""
        mention = self._mention(mention_id)
        if mention is None or mention.entity_id == entity_id:
            return
        status = MentionStatus.ACCEPTED if mention.status == MentionStatus.SUGGESTED else None
        linking = edits.UpdateMention(mention_id, status=status, entity_id=entity_id,
                                      expected=mention,
                                      description="Unlink" if entity_id is None else "Link")
        if entity_id is None:
            self.push(linking)
        else:
            self.push(edits.Compound((linking, suggesting.RememberForm(mention_id)), "Link"))

    def link_new(self, mention_id: int, name: str) -> int | None:
        """Create an entity called ``name`` and link the mention to it (one undo step)."""
        mention = self._mention(mention_id)
        if mention is None or not name.strip():
            return None
        if self.schema.label(mention.label).entity is None:
            self.failed.emit(f"{mention.label} mentions are not linked to entities")
            return None
        link = edits.LinkToNewEntity(mention_id, name.strip(), mention)
        applied = self.push(edits.Compound((link, suggesting.RememberForm(mention_id)),
                                           link.text))
        if applied is None:
            return None
        linked = self._mention(mention_id)
        return linked.entity_id if linked else None

    def link_identical(self, mention_id: int, *, project_wide: bool) -> int:
        """Link every identical unlinked mention like this one; returns how many."""
        mention = self._mention(mention_id)
        if mention is None or mention.entity_id is None:
            return 0
        others = self.service.identical_unlinked(mention_id, project_wide=project_wide)
        if others:
            where = "project" if project_wide else "document"
            self.push(edits.LinkMentions(
                tuple((m, mention.entity_id) for m in others),
                tuple((m, None) for m in others),
                f"Link {len(others)} identical mentions in the {where}"))
        return len(others)

    def split(self, mention_id: int) -> None:
        if self._mention(mention_id) is not None and self.document is not None:
            self.link_new(mention_id, self.document.surface(mention_id))

    def set_mention_values(self, mention_id: int, attribute: str, values: Sequence[Value]
                           ) -> None:
        mention = self._mention(mention_id)
        if mention is not None:
            self.push(edits.SetMentionValues(mention_id, attribute, tuple(values),
                                             mention.values.get(attribute, ())))

    def rename_entity(self, entity: EntityView, name: str) -> None:
        if name.strip() and name.strip() != entity.name:
            self.push(edits.RenameEntity(entity.id, name.strip(), entity.name))

    def set_aliases(self, entity: EntityView, aliases: Sequence[str]) -> None:
        if tuple(aliases) != entity.aliases:
            self.push(edits.SetAliases(entity.id, tuple(aliases), entity.aliases))

    def set_attribute(self, entity: EntityView, attribute: str, values: Sequence[Value]
                      ) -> None:
        old = entity.values.get(attribute, ())
        if tuple(values) != old:
            self.push(edits.SetAttribute(entity.id, attribute, tuple(values), old))

    def delete_entity(self, entity: EntityView) -> None:
        self.push(edits.DeleteEntity(entity.id, state_of(entity)))

    def merge(self, keep: EntityView, drop: EntityView) -> None:
        self.push(edits.MergeEntities(keep.id, drop.id, state_of(keep), state_of(drop)),
                  f"Merge {drop.name} into {keep.name}")

    def add_relation(self, type_: str, head: int, tail: int) -> None:
        self.push(edits.AddRelation(type_, head, tail))

    def delete_relation(self, relation_id: int) -> None:
        relation = self.document.relations.get(relation_id) if self.document else None
        self.push(edits.DeleteRelation(relation_id, relation))

    def set_publication_date(self, date: PartialDate | None) -> None:
        if self.document is not None and self.document.date != date:
            self.push(edits.SetPublicationDate(self.document.id, date, self.document.title))

    def set_status(self, status: DocumentStatus) -> None:
        if self.document is not None and self.document.status != status:
            self.push(edits.SetStatus(self.document.id, status))

    # -- queries ----------
    def candidates(self, kind: str, query: str, at: int | None = None) -> list[Candidate]:
        """The picker's ranking for the open document (see :meth:`ranker`)."""
        return self.ranker(kind, at)(query)

    def ranker(self, kind: str, at: int | None = None) -> Callable[[str], list[Candidate]]:
        """The ranking for one opening of the link picker: the entities of ``kind`` are
        read now, then each key typed ranks them again in memory.
        Offices resolve to their holder on the document's date; among equal matches,
        the entities the document links most often come first. ``at``: where the
        mention being linked starts, so the entities linked nearest before it come
        first among the document's unmatched ones, and a description ("Møtet" as
        written: "møtet") prefers the document's own entities."""
        opened = self.document
        pool = self.suggestions.candidate_pool(kind, opened.id if opened else None)

        def rank(query: str) -> list[Candidate]:
            document = self.document
            if document is None:
                return self.suggestions.candidates(kind, query, pool=pool)
            decided = [(m.start, m.entity_id) for m in document.mentions.values()
                       if m.entity_id is not None and MentionStatus(m.status).decided]
            linked = Counter(entity for _, entity in decided)
            nearest: list[int] = []
            written = None
            if at is not None:
                nearest = [entity for start, entity in sorted(decided, reverse=True)
                           if start < at]
                if document.text[at:at + len(query)] == query:
                    written = as_written(document.text, at, at + len(query))
            return self.suggestions.candidates(kind, query, document.id, linked, nearest,
                                               written, pool=pool)

        return rank

    def entity(self, entity_id: int) -> EntityView | None:
        if entity_id in self.fresh_entities:
            return self.fresh_entities[entity_id]
        try:
            return self.service.entity(entity_id)
        except AkkordError:
            return None

    def entity_names(self, ids: Iterable[int]) -> dict[int, str]:
        """The names of the entities ``ids`` (those that exist): the edit's own entities
        as it read them back, the others in one read."""
        wanted = set(ids)
        found = {i: e.name for i, e in self.fresh_entities.items()
                 if i in wanted and e is not None}
        # One that cannot be read is shown as unknown (the form's fallback).
        with suppress(AkkordError):
            found.update(self.service.entity_names(wanted - found.keys()))
        return found

    def _mention(self, mention_id: int) -> MentionView | None:
        return self.document.mentions.get(mention_id) if self.document else None
