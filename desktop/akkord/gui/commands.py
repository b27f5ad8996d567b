"""Undoable edits: each ``redo``/``undo`` is one committed call of the annotation service.

A command keeps what it needs to reverse itself (a deleted mention's snapshot, a link's
previous target, an attribute's previous values and the entity version it produced), so
undo and redo work across documents and after the window was reopened is not needed:
the stack lives as long as the window. A command whose service call fails (a conflict
with another annotator, a vanished entity) reports the reason and is dropped from the
stack (``setObsolete``) instead of leaving the history inconsistent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.errors import AkkordError
from akkord.services.annotation import (
    AttributeChange,
    EntitySnapshot,
    MentionSnapshot,
    MergeSnapshot,
)
from akkord.services.dating import set_publication_date
from akkord.services.views import MentionView, RelationView

if TYPE_CHECKING:
    from akkord.gui.session import AnnotationSession


class EditCommand(QUndoCommand):
    def __init__(self, session: AnnotationSession, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.service = session.service

    def redo(self) -> None:
        self._guard(self.do)

    def undo(self) -> None:
        self._guard(self.undo_)

    def _guard(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except AkkordError as exc:
            self.setObsolete(True)
            self.session.report(exc)

    def do(self) -> None:
        raise NotImplementedError

    def undo_(self) -> None:
        raise NotImplementedError


class AddMention(EditCommand):
    def __init__(self, session: AnnotationSession, doc_id: int, start: int, end: int,
                 label: str, *, status: str = "manual", entity_id: int | None = None,
                 values: dict[str, tuple[Value, ...]] | None = None) -> None:
        super().__init__(session, f"Add {label}")
        self.args = (doc_id, start, end, label)
        self.status, self.entity_id, self.values = status, entity_id, values
        self.mention_id: int | None = None

    def do(self) -> None:
        view = self.service.add_mention(*self.args, status=self.status, entity_id=self.entity_id,
                                        values=self.values, restore_id=self.mention_id)
        self.mention_id = view.id
        self.session.mention_put(view, select=True)

    def undo_(self) -> None:
        assert self.mention_id is not None
        snapshot = self.service.delete_mention(self.mention_id)
        self.session.mention_dropped(snapshot.mention)


class DeleteMention(EditCommand):
    def __init__(self, session: AnnotationSession, mention_id: int) -> None:
        super().__init__(session, "Delete mention")
        self.mention_id = mention_id
        self.snapshot: MentionSnapshot | None = None

    def do(self) -> None:
        self.snapshot = self.service.delete_mention(self.mention_id)
        self.session.mention_dropped(self.snapshot.mention)

    def undo_(self) -> None:
        assert self.snapshot is not None
        view = self.service.restore_mention(self.snapshot)
        self.session.mention_put(view, select=True)
        for relation in self.snapshot.relations:
            self.session.relation_put(relation)


class UpdateMention(EditCommand):
    """Relabel, move an edge, change the status or the link of one mention."""

    def __init__(self, session: AnnotationSession, mention_id: int, text: str,
                 **changes: object) -> None:
        super().__init__(session, text)
        self.mention_id = mention_id
        self.changes = changes
        self.before: MentionView | None = None

    def do(self) -> None:
        before, after = self.service.update_mention(self.mention_id, **self.changes)  # type: ignore[arg-type]
        self.before = before
        self.session.mention_put(after, select=True)

    def undo_(self) -> None:
        assert self.before is not None
        b = self.before
        _, after = self.service.update_mention(b.id, start=b.start, end=b.end, label=b.label,
                                               status=b.status, entity_id=b.entity_id)
        self.session.mention_put(after, select=True)


class LinkMany(EditCommand):
    def __init__(self, session: AnnotationSession, mention_ids: Sequence[int],
                 entity_id: int | None, text: str) -> None:
        super().__init__(session, text)
        self.mention_ids, self.entity_id = list(mention_ids), entity_id
        self.old: list[tuple[int, int | None]] = []

    def do(self) -> None:
        self.old = self.service.link_many(self.mention_ids, self.entity_id)
        self.session.links_changed([m for m, _ in self.old])

    def undo_(self) -> None:
        self.service.restore_links(self.old)
        self.session.links_changed([m for m, _ in self.old])


class SetMentionValues(EditCommand):
    def __init__(self, session: AnnotationSession, mention_id: int, attribute: str,
                 values: Sequence[Value]) -> None:
        super().__init__(session, f"Set {attribute}")
        self.mention_id, self.attribute, self.values = mention_id, attribute, tuple(values)
        self.old: tuple[Value, ...] = ()

    def do(self) -> None:
        self.old = self.service.set_mention_values(self.mention_id, self.attribute, self.values)
        self.session.mention_put(self.service.mention(self.mention_id))

    def undo_(self) -> None:
        self.service.set_mention_values(self.mention_id, self.attribute, self.old)
        self.session.mention_put(self.service.mention(self.mention_id))


class CreateEntity(EditCommand):
    def __init__(self, session: AnnotationSession, kind: str, name: str,
                 aliases: Sequence[str] = ()) -> None:
        super().__init__(session, f"New {kind} {name}")
        self.kind, self.name, self.aliases = kind, name, list(aliases)
        self.snapshot: EntitySnapshot | None = None
        self.entity_id: int | None = None

    def do(self) -> None:
        view = self.service.create_entity(self.kind, self.name, self.aliases,
                                          restore=self.snapshot)
        self.entity_id = view.id
        self.session.entities_touched()

    def undo_(self) -> None:
        assert self.entity_id is not None
        self.snapshot = self.service.delete_entity(self.entity_id)
        self.session.entities_touched()


class DeleteEntity(EditCommand):
    def __init__(self, session: AnnotationSession, entity_id: int, name: str) -> None:
        super().__init__(session, f"Delete {name}")
        self.entity_id = entity_id
        self.snapshot: EntitySnapshot | None = None

    def do(self) -> None:
        self.snapshot = self.service.delete_entity(self.entity_id)
        self.session.entities_touched()

    def undo_(self) -> None:
        assert self.snapshot is not None
        entity = self.snapshot.entity
        self.service.create_entity(entity.kind, entity.name, restore=self.snapshot)
        self.session.entities_touched()


class RenameEntity(EditCommand):
    def __init__(self, session: AnnotationSession, entity_id: int, version: int,
                 name: str) -> None:
        super().__init__(session, f"Rename to {name}")
        self.entity_id, self.version, self.name, self.old = entity_id, version, name, ""

    def do(self) -> None:
        self.old, version = self.service.rename_entity(
            self.entity_id, self.name, self.session.version(self.entity_id, self.version))
        self.session.wrote(self.entity_id, version)
        self.session.entities_touched()

    def undo_(self) -> None:
        _, version = self.service.rename_entity(
            self.entity_id, self.old, self.session.version(self.entity_id, self.version))
        self.session.wrote(self.entity_id, version)
        self.session.entities_touched()


class SetAliases(EditCommand):
    def __init__(self, session: AnnotationSession, entity_id: int, version: int,
                 aliases: Sequence[str]) -> None:
        super().__init__(session, "Set aliases")
        self.entity_id, self.version, self.aliases = entity_id, version, list(aliases)
        self.old: tuple[str, ...] = ()

    def do(self) -> None:
        self.old, version = self.service.set_aliases(
            self.entity_id, self.aliases, self.session.version(self.entity_id, self.version))
        self.session.wrote(self.entity_id, version)
        self.session.entities_touched()

    def undo_(self) -> None:
        _, version = self.service.set_aliases(
            self.entity_id, self.old, self.session.version(self.entity_id, self.version))
        self.session.wrote(self.entity_id, version)
        self.session.entities_touched()


class SetAttribute(EditCommand):
    def __init__(self, session: AnnotationSession, entity_id: int, version: int,
                 attribute: str, values: Sequence[Value]) -> None:
        super().__init__(session, f"Set {attribute}")
        self.entity_id, self.version = entity_id, version
        self.attribute, self.values = attribute, tuple(values)
        self.old: tuple[Value, ...] = ()

    def do(self) -> None:
        change = self.service.set_attribute(self.entity_id, self.attribute, self.values,
                                            self.session.version(self.entity_id, self.version))
        self.old = change.old
        self.session.wrote(self.entity_id, change.version)
        self.session.entities_touched()

    def undo_(self) -> None:
        change = self.service.set_attribute(self.entity_id, self.attribute, self.old,
                                            self.session.version(self.entity_id, self.version))
        self.session.wrote(self.entity_id, change.version)
        self.session.entities_touched()


class MergeEntities(EditCommand):
    def __init__(self, session: AnnotationSession, keep: int, drop: int, text: str) -> None:
        super().__init__(session, text)
        self.keep, self.drop = keep, drop
        self.snapshot: MergeSnapshot | None = None

    def do(self) -> None:
        self.snapshot = self.service.merge_entities(self.keep, self.drop)
        self.session.wrote(self.keep, self.snapshot.version)
        self.session.links_changed(list(self.snapshot.moved_mentions))
        self.session.entities_touched()

    def undo_(self) -> None:
        assert self.snapshot is not None
        version = self.service.unmerge(
            self.snapshot, self.session.version(self.keep, self.snapshot.version))
        self.session.wrote(self.keep, version)
        self.session.links_changed(list(self.snapshot.moved_mentions))
        self.session.entities_touched()


class AddRelation(EditCommand):
    """A relation, and what it states about the linked entities (``fills``)."""

    def __init__(self, session: AnnotationSession, type_: str, head: int, tail: int) -> None:
        super().__init__(session, f"Add {type_} relation")
        self.type, self.head, self.tail = type_, head, tail
        self.relation: RelationView | None = None
        self.change: AttributeChange | None = None

    def do(self) -> None:
        self.relation = self.service.add_relation(
            self.type, self.head, self.tail,
            restore_id=self.relation.id if self.relation else None)
        self.session.relation_put(self.relation)
        if self.change is None:
            self.change = self.service.fill_from_relation(self.relation)
        else:
            c = self.change
            self.change = self.service.set_attribute(
                c.entity_id, c.attribute, c.new, self.session.version(c.entity_id, c.version))
        if self.change is not None:
            self.session.wrote(self.change.entity_id, self.change.version)
            self.session.entities_touched()

    def undo_(self) -> None:
        assert self.relation is not None
        self.service.delete_relation(self.relation.id)
        self.session.relation_dropped(self.relation)
        if self.change is not None:
            c = self.change
            undone = self.service.set_attribute(c.entity_id, c.attribute, c.old,
                                                self.session.version(c.entity_id, c.version))
            self.change = AttributeChange(c.entity_id, c.attribute, c.old, c.new, undone.version)
            self.session.wrote(c.entity_id, undone.version)
            self.session.entities_touched()


class DeleteRelation(EditCommand):
    def __init__(self, session: AnnotationSession, relation_id: int) -> None:
        super().__init__(session, "Delete relation")
        self.relation_id = relation_id
        self.relation: RelationView | None = None

    def do(self) -> None:
        self.relation = self.service.delete_relation(self.relation_id)
        self.session.relation_dropped(self.relation)

    def undo_(self) -> None:
        assert self.relation is not None
        r = self.relation
        self.session.relation_put(self.service.add_relation(r.type, r.head, r.tail,
                                                            restore_id=r.id))


class SetStatus(EditCommand):
    def __init__(self, session: AnnotationSession, doc_id: int, status: str) -> None:
        super().__init__(session, f"Mark {status}")
        self.doc_id, self.status, self.old = doc_id, status, "new"

    def do(self) -> None:
        self.old = self.service.set_status(self.doc_id, self.status)
        self.session.status_put(self.doc_id, self.status)

    def undo_(self) -> None:
        self.service.set_status(self.doc_id, self.old)
        self.session.status_put(self.doc_id, self.old)


class SetPublicationDate(EditCommand):
    """Set a document's publication day; its relative time expressions are re-resolved."""

    def __init__(self, session: AnnotationSession, doc_id: int, date: PartialDate | None
                 ) -> None:
        super().__init__(session, f"Set publication date {date.value if date else '—'}")
        self.doc_id, self.date = doc_id, date
        self.old: PartialDate | None = None

    def do(self) -> None:
        result = set_publication_date(self.session.project, self.doc_id, self.date)
        self.old = result.old
        self.session.redated(self.doc_id, len(result.mentions), result.entity_values)

    def undo_(self) -> None:
        set_publication_date(self.session.project, self.doc_id, self.old)
        self.session.redated(self.doc_id, 0, 0)
