"""Edits of relations, and what a relation states about the entities it links.

Adding an ACTOR –participant→ MEETING relation also adds the actor to the meeting's
participants (the relation type's ``fills``), pointing at the stating mention as
evidence; both are one edit, so a crash never leaves the relation without the fill,
and undo takes back both.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from akkord.domain.entities import Value
from akkord.domain.schema import Attribute
from akkord.services.edits.base import (
    Applied,
    ChangeSet,
    ConflictError,
    Edit,
    EditError,
    UnitOfWork,
    with_inverse,
)
from akkord.services.edits.entities import SetAttribute, entity_state
from akkord.services.edits.mentions import current
from akkord.services.edits.rows import MarkRow, marks_on, restore_marks
from akkord.services.edits.status import started
from akkord.services.views import MentionView, RelationView
from akkord.store.models import Relation


@dataclass(frozen=True, slots=True)
class AddRelation(Edit):
    type: str
    head: int
    tail: int

    @property
    def text(self) -> str:
        return f"Add {self.type} relation"

    def apply(self, uow: UnitOfWork) -> Applied:
        head, tail = current(uow, self.head), current(uow, self.tail)
        self._check(uow, head, tail)
        relation_id = uow.session.execute(insert(Relation).values(
            annotator_id=uow.annotator_id, type=self.type, head_id=self.head,
            tail_id=self.tail).returning(Relation.id)).scalar_one()
        view = RelationView(relation_id, self.type, self.head, self.tail, uow.layer.name)
        applied = with_inverse(Applied(
            ChangeSet.of(documents=[head.document_id], relations=[relation_id]),
            DeleteRelation(relation_id, view), focus=self.head),
            *started(uow, head.document_id))
        fill = _fill(uow, self.type, head, tail)
        if fill is None:
            return applied
        filled = fill.apply(uow)
        return with_inverse(Applied(applied.changes | filled.changes, filled.inverse,
                                    applied.focus), applied.inverse)

    def _check(self, uow: UnitOfWork, head: MentionView, tail: MentionView) -> None:
        try:
            rtype = uow.schema.relation(self.type)
        except KeyError:
            raise EditError(f"{self.type!r} is not a relation type of this project") from None
        if not rtype.allows(head.label, tail.label):
            raise EditError(f"a {self.type} relation cannot go from {head.label} "
                            f"to {tail.label}")
        if head.document_id != tail.document_id:
            raise EditError("a relation links two mentions of the same document")
        if head.id == tail.id:
            raise EditError("a relation links two different mentions")
        same = uow.session.scalar(select(Relation.id).where(
            Relation.annotator_id == uow.annotator_id, Relation.type == self.type,
            Relation.head_id == self.head, Relation.tail_id == self.tail))
        if same is not None:
            raise EditError(f"this {self.type} relation is already there")


@dataclass(frozen=True, slots=True)
class DeleteRelation(Edit):
    relation_id: int
    expected: RelationView | None = None

    @property
    def text(self) -> str:
        return "Delete relation"

    def apply(self, uow: UnitOfWork) -> Applied:
        row = uow.session.get(Relation, self.relation_id)
        if row is None or row.annotator_id != uow.annotator_id:
            raise EditError(f"relation {self.relation_id} no longer exists")
        view = RelationView(row.id, row.type, row.head_id, row.tail_id, uow.layer.name)
        if self.expected is not None and view != self.expected:
            raise ConflictError("the relation was changed in another window; nothing was "
                                "changed")
        document_id = current(uow, row.head_id).document_id
        marks = marks_on(uow.session, relation_ids=[row.id])
        uow.session.execute(delete(Relation).where(Relation.id == row.id))
        return Applied(ChangeSet.of(documents=[document_id], relations=[row.id]),
                       RestoreRelation(view, marks), focus=row.head_id)


@dataclass(frozen=True, slots=True)
class RestoreRelation(Edit):
    """Put a deleted relation back with its id (and a gold relation's curation marks)."""

    relation: RelationView
    marks: tuple[MarkRow, ...] = ()

    @property
    def text(self) -> str:
        return f"Restore {self.relation.type} relation"

    def apply(self, uow: UnitOfWork) -> Applied:
        r = self.relation
        head = current(uow, r.head)
        current(uow, r.tail)
        if uow.session.get(Relation, r.id) is not None:
            raise ConflictError(f"relation {r.id} exists again; nothing was restored")
        uow.session.execute(insert(Relation).values(
            id=r.id, annotator_id=uow.annotator_id, type=r.type, head_id=r.head,
            tail_id=r.tail))
        restore_marks(uow.session, self.marks)
        return Applied(ChangeSet.of(documents=[head.document_id], relations=[r.id]),
                       DeleteRelation(r.id, r), focus=r.head)


def _fill(uow: UnitOfWork, type_: str, head: MentionView, tail: MentionView
          ) -> SetAttribute | None:
    """What the relation states about an entity, as an attribute edit; ``None`` when
    nothing changes (not linked, the type fills nothing, already stated)."""
    rtype = uow.schema.relation(type_)
    if rtype.fills is None:
        return None
    for target, source in ((tail, head), (head, tail)):
        kind = uow.schema.kind_of_label(target.label)
        if target.entity_id is None or kind is None:
            continue
        attr = {a.name: a for a in kind.attributes}.get(rtype.fills)
        if attr is None:
            continue
        value = _value_from_mention(attr, source)
        state = entity_state(uow, target.entity_id)
        if value is None or state is None:
            return None
        present = state.values.get(attr.name, ())
        if any(v.plain() == value.plain() for v in present):
            return None
        new = (*present, value) if attr.many else (value,)
        return SetAttribute(target.entity_id, attr.name, new, present)
    return None


def _value_from_mention(attr: Attribute, source: MentionView) -> Value | None:
    if attr.type == "date":
        date = source.date()
        return Value(date=date, evidence=source.id) if date else None
    if attr.type == "ref" and source.entity_id is not None:
        role = "participant" if "participant" in attr.roles else None
        return Value(ref=source.entity_id, role=role, evidence=source.id)
    return None
