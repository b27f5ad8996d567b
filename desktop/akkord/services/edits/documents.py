"""Edits of a document's state: its publication date, and the time suggestions a layer
gets when the document is first opened (its status in a layer: :mod:`.status`).

Setting the publication date re-resolves every date the tagger derived from the old one
(see :mod:`akkord.services.dating`); the edit records each value it moved
(:class:`Redate`), so undo puts back exactly those values and says how many, instead of
running a second re-resolution.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from sqlalchemy import select, update

from akkord.domain.dates import PartialDate
from akkord.domain.document import Part
from akkord.domain.entities import Value
from akkord.domain.statuses import MentionStatus
from akkord.services.dating import tagged_dates, time_label, time_suggestions
from akkord.services.edits.base import (
    Applied,
    ChangeSet,
    Compound,
    ConflictError,
    Edit,
    EditError,
    Nothing,
    UnitOfWork,
)
from akkord.services.edits.rows import document_title
from akkord.services.suggesting.model import TIMEX
from akkord.store.models import (
    Document,
    Entity,
    EntityValue,
    Mention,
    MentionValue,
)


@dataclass(frozen=True, slots=True)
class DateMove:
    """One stored date that follows the publication date: its value row, from, to."""

    value_id: int
    owner: int  # mention id (mention values) or entity id (entity values)
    old: str
    new: str

    def flipped(self) -> DateMove:
        return DateMove(self.value_id, self.owner, self.new, self.old)


@dataclass(frozen=True, slots=True)
class SetPublicationDate(Edit):
    """Set (``None``: clear) a document's publication date; relative dates follow."""

    document_id: int
    date: PartialDate | None
    title: str = ""

    @property
    def text(self) -> str:
        return (f"Set publication date of {self.title or 'the document'} to "
                f"{self.date.value if self.date else 'unknown'}")

    def apply(self, uow: UnitOfWork) -> Applied:
        doc = uow.session.get(Document, self.document_id)
        if doc is None:
            raise EditError(f"document {self.document_id} is not in the project")
        old = PartialDate.parse(doc.date_value) if doc.date_value else None
        mentions, entities = _redate(uow, doc, old, self.date)
        title = self.title or document_title(uow.session, self.document_id)
        return Redate(self.document_id, old, self.date, mentions, entities, title,
                      "re-resolved").apply(uow)


@dataclass(frozen=True, slots=True)
class Redate(Edit):
    """Move a document's publication date and exactly the dates that follow it; the
    inverse moves the same values back (and says "reverted")."""

    document_id: int
    old: PartialDate | None  # the date the document must have now (compare-and-set)
    new: PartialDate | None
    mentions: tuple[DateMove, ...]
    entities: tuple[DateMove, ...]
    title: str = ""
    verb: str = "re-resolved"

    @property
    def text(self) -> str:
        return f"Set publication date of {self.title or 'the document'}"

    def apply(self, uow: UnitOfWork) -> Applied:
        doc = uow.session.get(Document, self.document_id)
        if doc is None:
            raise EditError(f"document {self.document_id} is not in the project")
        if doc.date_value != (self.old.value if self.old else None):
            raise ConflictError(f"the publication date of {self.title} was changed since; "
                                "nothing was changed")
        _set_document_date(doc, self.new)
        for move in self.mentions:
            _move(uow, MentionValue, move)
        for move in self.entities:
            _move(uow, EntityValue, move)
        entity_ids = sorted({m.owner for m in self.entities})
        if entity_ids:
            uow.session.execute(update(Entity).where(Entity.id.in_(entity_ids)).values(
                version=Entity.version + 1, changed_by=uow.person.id,
                changed_what="the date (the publication date changed)"))
        inverse = Redate(self.document_id, self.new, self.old,
                         tuple(m.flipped() for m in self.mentions),
                         tuple(e.flipped() for e in self.entities), self.title,
                         "reverted" if self.verb == "re-resolved" else "re-resolved")
        changes = ChangeSet.of(documents=[self.document_id],
                               mentions=[m.owner for m in self.mentions], entities=entity_ids)
        note = (f"{len(self.mentions)} time expression(s) and {len(self.entities)} entity "
                f"date(s) {self.verb}")
        return Applied(changes, inverse, note=note)


def _set_document_date(doc: Document, date: PartialDate | None) -> None:
    doc.date_value = date.value if date else None
    doc.date_earliest = date.earliest if date else None
    doc.date_latest = date.latest if date else None
    doc.date_precision = date.precision.value if date else None


def _move(uow: UnitOfWork, table: type[MentionValue] | type[EntityValue], move: DateMove
          ) -> None:
    """Move one stored date from ``old`` to ``new``; refused when it is not at ``old``."""
    target = PartialDate.parse(move.new)
    result = uow.session.execute(update(table).where(
        table.id == move.value_id, table.date_value == move.old).values(
        date_value=target.value, date_earliest=target.earliest, date_latest=target.latest,
        date_precision=target.precision.value))
    if not result.rowcount:  # type: ignore[attr-defined]
        raise ConflictError("a date the publication date had resolved was edited since; "
                            "nothing was changed")


def _redate(uow: UnitOfWork, doc: Document, old: PartialDate | None, new: PartialDate | None
            ) -> tuple[tuple[DateMove, ...], tuple[DateMove, ...]]:
    """The dates that follow the publication date: tagger-made time values (they equal
    what the tagger gives for the old date) and entity dates citing them."""
    found = time_label(uow.schema)
    if found is None or old == new:
        return (), ()
    label, attribute = found
    before, after = tagged_dates(doc.text, old), tagged_dates(doc.text, new)
    rows = uow.session.execute(
        select(Mention.id, Mention.start, Mention.end, MentionValue.id, MentionValue.date_value)
        .join(MentionValue, MentionValue.mention_id == Mention.id)
        .where(Mention.document_id == doc.id, Mention.label == label.name,
               MentionValue.attribute == attribute)).all()
    mentions, entities = [], []
    for mention_id, start, end, value_id, value in rows:
        made, remade = before.get((start, end)), after.get((start, end))
        if made is None or remade is None or value != made.value or made == remade:
            continue
        mentions.append(DateMove(value_id, mention_id, made.value, remade.value))
        for entity_value_id, entity_id in uow.session.execute(
                select(EntityValue.id, EntityValue.entity_id).where(
                    EntityValue.evidence_id == mention_id,
                    EntityValue.date_value == made.value)):
            entities.append(DateMove(entity_value_id, entity_id, made.value, remade.value))
    return tuple(mentions), tuple(entities)


@dataclass(frozen=True, slots=True)
class AddTimeSuggestions(Edit):
    """The time tagger's expressions as pale suggestions in the layer (not over any
    mention the layer has there, of any status)."""

    document_id: int

    @property
    def text(self) -> str:
        return "Suggest time expressions"

    def apply(self, uow: UnitOfWork) -> Applied:
        from akkord.services.edits.mentions import AddMention

        doc = uow.session.get(Document, self.document_id)
        if doc is None:
            raise EditError(f"document {self.document_id} is not in the project")
        taken = sorted(uow.session.execute(select(Mention.start, Mention.end).where(
            Mention.document_id == doc.id, Mention.annotator_id == uow.annotator_id)).all())
        starts = [s for s, _ in taken]
        reach = list(itertools.accumulate((e for _, e in taken), max))  # farthest end so far
        dct = PartialDate.parse(doc.date_value) if doc.date_value else None
        parts = [Part.from_list(p) for p in doc.parts or []]
        edits: list[Edit] = []
        for span in time_suggestions(doc.text, dct, parts, uow.schema):
            i = bisect.bisect_left(starts, span.end)  # the mentions starting before its end
            if i and reach[i - 1] > span.start:  # … one of which ends after its start
                continue
            values = {v.attribute: (Value(date=v.date),) for v in span.values
                      if v.date is not None}
            edits.append(AddMention(doc.id, span.start, span.end, span.label,
                                    MentionStatus.SUGGESTED, None, values, origin=TIMEX,
                                    score=1.0))
        if not edits:
            return Applied(ChangeSet(), Nothing(self.text))
        return Compound(tuple(edits), self.text).apply(uow)
