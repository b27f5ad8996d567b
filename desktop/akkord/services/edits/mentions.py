"""Edits of mentions in the unit of work's layer: add, delete, restore, change, link.

A deleted mention is restored *with the same id*, its relations and the entity values
that cited it as evidence, so later edits that refer to it stay valid. The first
decided edit in a document marks it "in progress" for the layer; the inverse takes that
back too, so an edit and its undo leave the project exactly as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import EllipsisType
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from akkord.domain.entities import Value
from akkord.domain.statuses import MentionStatus, mention_status
from akkord.services import queries
from akkord.services.edits.base import (
    Applied,
    ChangeSet,
    Compound,
    ConflictError,
    Edit,
    EditError,
    UnitOfWork,
    with_inverse,
)
from akkord.services.edits.rows import (
    MarkRow,
    Values,
    check_label,
    check_span,
    check_values,
    marks_on,
    restore_marks,
    write_mention_values,
)
from akkord.services.edits.status import started
from akkord.services.views import MentionView, RelationView
from akkord.store.models import EntityValue, Mention, MentionValue, Relation


def _status(value: str) -> MentionStatus:
    found = mention_status(value)
    if found is None:
        raise EditError(f"{value!r} is not a mention status")
    return found


def current(uow: UnitOfWork, mention_id: int, expected: MentionView | None = None
            ) -> MentionView:
    """The mention as stored now; refused when it is gone or not what the caller saw."""
    found = queries.mention(uow.session, uow.layer, mention_id)
    if found is None:
        raise EditError(f"mention {mention_id} no longer exists in {uow.layer.name}'s layer")
    if expected is not None and found != expected:
        raise ConflictError("the mention was changed in another window since you saw it; "
                            "nothing was changed. The view now shows the current state.")
    return found


@dataclass(frozen=True, slots=True)
class AddMention(Edit):
    """Label ``[start, end)`` of a document (optionally linked, with values)."""

    document_id: int
    start: int
    end: int
    label: str
    status: str = MentionStatus.MANUAL
    entity_id: int | None = None
    values: Values = field(default_factory=dict)
    origin: str | None = None  # a suggestion's suggester, score and gap (see MentionView)
    score: float | None = None
    gap: float | None = None

    @property
    def text(self) -> str:
        return f"Add {self.label}"

    def apply(self, uow: UnitOfWork) -> Applied:
        status = _status(self.status)
        check_span(uow, self.document_id, self.start, self.end)
        check_label(uow, self.label, self.entity_id)
        _check_mention_values(uow, self.label, self.values)
        mention_id = uow.session.execute(insert(Mention).values(
            document_id=self.document_id, annotator_id=uow.annotator_id, start=self.start,
            end=self.end, label=self.label, status=status.value, entity_id=self.entity_id,
            origin=self.origin, score=self.score, score_gap=self.gap)
            .returning(Mention.id)).scalar_one()
        write_mention_values(uow, mention_id, self.values)
        view = MentionView(mention_id, self.document_id, self.start, self.end, self.label,
                           status, uow.layer.name, self.entity_id, dict(self.values),
                           self.origin, self.score, self.gap)
        applied = Applied(ChangeSet.of(documents=[self.document_id], mentions=[mention_id],
                                       entities=_linked(self.entity_id)),
                          DeleteMention(mention_id, view), focus=mention_id)
        return with_inverse(applied, *started(uow, self.document_id, status.decided))


@dataclass(frozen=True, slots=True)
class DeleteMention(Edit):
    """Delete a mention with its relations (restorable, see :class:`RestoreMention`)."""

    mention_id: int
    expected: MentionView | None = None

    @property
    def text(self) -> str:
        return "Delete mention"

    def apply(self, uow: UnitOfWork) -> Applied:
        view = current(uow, self.mention_id, self.expected)
        relations = tuple(queries.relations_touching(uow.session, uow.layer, view.id))
        cited = uow.session.execute(select(EntityValue.id, EntityValue.entity_id).where(
            EntityValue.evidence_id == view.id)).all()
        marks = marks_on(uow.session, [view.id], [r.id for r in relations])
        uow.session.execute(delete(Mention).where(Mention.id == view.id))
        changes = ChangeSet.of(documents=[view.document_id], mentions=[view.id],
                               relations=[r.id for r in relations],
                               entities={*_linked(view.entity_id),
                                         *(entity for _, entity in cited)})
        restore = RestoreMention(view, relations, tuple(value_id for value_id, _ in cited),
                                 marks)
        return with_inverse(Applied(changes, restore),
                            *started(uow, view.document_id, _status(view.status).decided))


@dataclass(frozen=True, slots=True)
class RestoreMention(Edit):
    """Put a deleted mention back with its id, values, relations, evidence links and the
    curation marks of a gold mention."""

    mention: MentionView
    relations: tuple[RelationView, ...] = ()
    evidence_of: tuple[int, ...] = ()  # entity_values.id that cited the mention
    marks: tuple[MarkRow, ...] = ()

    @property
    def text(self) -> str:
        return f"Restore {self.mention.label}"

    def apply(self, uow: UnitOfWork) -> Applied:
        m = self.mention
        check_span(uow, m.document_id, m.start, m.end)
        check_label(uow, m.label, m.entity_id)
        if uow.session.get(Mention, m.id) is not None:
            raise ConflictError(f"mention {m.id} exists again; nothing was restored")
        uow.session.execute(insert(Mention).values(
            id=m.id, document_id=m.document_id, annotator_id=uow.annotator_id, start=m.start,
            end=m.end, label=m.label, status=_status(m.status).value, entity_id=m.entity_id,
            origin=m.origin, score=m.score, score_gap=m.gap))
        write_mention_values(uow, m.id, m.values)
        for rel in self.relations:
            uow.session.execute(insert(Relation).values(
                id=rel.id, annotator_id=uow.annotator_id, type=rel.type, head_id=rel.head,
                tail_id=rel.tail))
        restore_marks(uow.session, self.marks)
        entities: Sequence[int] = ()
        if self.evidence_of:
            entities = list(uow.session.scalars(select(EntityValue.entity_id).where(
                EntityValue.id.in_(self.evidence_of))))
            uow.session.execute(update(EntityValue).where(
                EntityValue.id.in_(self.evidence_of)).values(evidence_id=m.id))
        changes = ChangeSet.of(documents=[m.document_id], mentions=[m.id],
                               relations=[r.id for r in self.relations],
                               entities={*entities, *_linked(m.entity_id)})
        applied = Applied(changes, DeleteMention(m.id, m), focus=m.id)
        return with_inverse(applied, *started(uow, m.document_id, _status(m.status).decided))


_KEEP: Any = ...

# Built once: a link or a relabel runs it at every key, and building and running an ORM
# update costs about a millisecond more than running a prepared one.
_SET_MENTION = update(Mention).where(Mention.id == bindparam("mention")).values(
    start=bindparam("new_start"), end=bindparam("new_end"), label=bindparam("new_label"),
    status=bindparam("new_status"), entity_id=bindparam("new_entity"))


@dataclass(frozen=True, slots=True)
class UpdateMention(Edit):
    """Change a mention's span, label, status or link (fields left ``None``/``...`` stay).

    Relabelling to a label of another entity kind drops the link unless a new
    ``entity_id`` is given; ``entity_id=None`` unlinks.
    """

    mention_id: int
    start: int | None = None
    end: int | None = None
    label: str | None = None
    status: str | None = None
    entity_id: int | EllipsisType | None = _KEEP
    expected: MentionView | None = None
    description: str = "Change mention"

    @property
    def text(self) -> str:
        return self.description

    def apply(self, uow: UnitOfWork) -> Applied:
        return self.apply_to(uow, current(uow, self.mention_id, self.expected))

    def apply_to(self, uow: UnitOfWork, before: MentionView) -> Applied:
        """:meth:`apply` to the mention as ``before`` shows it, read earlier in this unit
        of work by an edit that contains this one (not read a second time)."""
        after = self._after(uow, before)
        check_span(uow, before.document_id, after.start, after.end)
        check_label(uow, after.label, after.entity_id)
        queries.run_prepared(uow.session, _SET_MENTION, mention=before.id,
                             new_start=after.start, new_end=after.end, new_label=after.label,
                             new_status=after.status, new_entity=after.entity_id)
        inverse = UpdateMention(before.id, before.start, before.end, before.label,
                                before.status, before.entity_id, after, self.description)
        links = set() if before.entity_id == after.entity_id else \
            {*_linked(before.entity_id), *_linked(after.entity_id)}
        applied = Applied(ChangeSet.of(documents=[before.document_id], mentions=[before.id],
                                       entities=links), inverse, focus=before.id)
        return with_inverse(applied, *started(uow, before.document_id))

    def _after(self, uow: UnitOfWork, before: MentionView) -> MentionView:
        label = self.label or before.label
        entity_id = self.entity_id
        if isinstance(entity_id, EllipsisType):
            same_kind = uow.schema.label(label).entity == uow.schema.label(before.label).entity \
                if label in uow.schema.label_names else False
            entity_id = before.entity_id if same_kind else None
        return replace(before, start=before.start if self.start is None else self.start,
                       end=before.end if self.end is None else self.end, label=label,
                       status=_status(self.status or before.status), entity_id=entity_id)


@dataclass(frozen=True, slots=True)
class SetMentionValues(Edit):
    """Replace the values of one attribute of a mention (a TIME mention's date)."""

    mention_id: int
    attribute: str
    values: tuple[Value, ...]
    expected: tuple[Value, ...] | None = None

    @property
    def text(self) -> str:
        return f"Set {self.attribute}"

    def apply(self, uow: UnitOfWork) -> Applied:
        before = current(uow, self.mention_id)
        old = before.values.get(self.attribute, ())
        if self.expected is not None and old != self.expected:
            raise ConflictError(f"{self.attribute} of the mention was changed in another "
                                "window since you saw it; nothing was changed.")
        _check_mention_values(uow, before.label, {self.attribute: self.values})
        uow.session.execute(delete(MentionValue).where(
            MentionValue.mention_id == before.id, MentionValue.attribute == self.attribute))
        write_mention_values(uow, before.id, {self.attribute: self.values})
        inverse = SetMentionValues(before.id, self.attribute, old, self.values)
        applied = Applied(ChangeSet.of(documents=[before.document_id], mentions=[before.id]),
                          inverse, focus=before.id)
        return with_inverse(applied, *started(uow, before.document_id))


@dataclass(frozen=True, slots=True)
class LinkMentions(Edit):
    """Set the links of several mentions at once (link identical ones, or put back)."""

    links: tuple[tuple[int, int | None], ...]  # (mention id, entity id or None)
    expected: tuple[tuple[int, int | None], ...] | None = None
    description: str = "Link mentions"

    @property
    def text(self) -> str:
        return self.description

    def apply(self, uow: UnitOfWork) -> Applied:
        ids = [m for m, _ in self.links]
        found = {m.id: m for m in queries.mentions_by_id(uow.session, uow.layer, ids)}
        missing = [m for m in ids if m not in found]
        if missing:
            raise EditError(f"{len(missing)} of the mentions no longer exist")
        old = tuple((m, found[m].entity_id) for m in ids)
        if self.expected is not None and dict(old) != dict(self.expected):
            raise ConflictError("the links were changed in another window since you saw "
                                "them; nothing was changed.")
        for mention_id, entity_id in self.links:
            check_label(uow, found[mention_id].label, entity_id)
            uow.session.execute(update(Mention).where(Mention.id == mention_id)
                                .values(entity_id=entity_id))
        documents = sorted({m.document_id for m in found.values()})
        untouch = [edit for doc_id in documents for edit in started(uow, doc_id)]
        changes = ChangeSet.of(documents=documents, mentions=ids,
                               entities={e for _, e in (*old, *self.links) if e is not None})
        return with_inverse(Applied(changes, LinkMentions(old, self.links, self.description)),
                            *untouch)


def _linked(entity_id: int | None) -> tuple[int, ...]:
    """The entity whose use a mention edit changes (its counts), if linked."""
    return () if entity_id is None else (entity_id,)


def _check_mention_values(uow: UnitOfWork, label: str, values: Values) -> None:
    if not values:
        return
    specs = {a.name: a for a in uow.schema.label(label).attributes}
    for attribute, items in values.items():
        spec = specs.get(attribute)
        if spec is None:
            raise EditError(f"{label} mentions have no attribute {attribute!r}")
        check_values(uow, spec, items)


def delete_mentions(ids: Sequence[int], description: str = "Delete mentions") -> Edit:
    """Several deletions as one step."""
    return Compound.of([DeleteMention(i) for i in ids], description)
