"""Time expressions as suggestions, and what a document's publication day decides.

* The time label is whatever label of the schema has no entity and a ``date``
  attribute (TIME in the default schema); nothing here knows its name.
* :func:`time_suggestions` runs the Norwegian tagger (:mod:`akkord.timex`) over a
  document and proposes a pale ``suggested`` TIME mention, with its resolved date, for
  every expression (the dateline and ``Publisert:`` line excepted). The import adds them
  to every article that arrives as raw text (annotated data stays as it came); the
  window adds them to an annotator's layer the first time the annotator opens a
  document.
* :func:`set_publication_date` sets a document's date and re-resolves its relative
  expressions: every time mention whose date the tagger made (it equals what the tagger
  gives for the old date) gets the date for the new one, and every entity date that was
  taken from such a mention (its evidence) follows. Dates an annotator typed stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.document import Part
from akkord.domain.entities import Value
from akkord.domain.schema import Label, Schema
from akkord.errors import AkkordError
from akkord.formats.records import SpanRecord, ValueRecord
from akkord.services.annotation import value_row
from akkord.store.models import Document, Entity, EntityValue, Mention, MentionValue
from akkord.store.project import Project

_NOT_CONTENT = ("dateline", "published")


def time_label(schema: Schema) -> tuple[Label, str] | None:
    """The label for time expressions and its date attribute, if the schema has one."""
    for label in schema.labels:
        if label.entity is None:
            for attr in label.attributes:
                if attr.type == "date":
                    return label, attr.name
    return None


def _excluded(parts: Sequence[Part]) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in parts if p.kind in _NOT_CONTENT]


def time_suggestions(text: str, dct: PartialDate | None, parts: Sequence[Part],
                     schema: Schema, annotator: str | None = None) -> list[SpanRecord]:
    """Suggested time mentions for a document (empty when the schema has no time label)."""
    found = time_label(schema)
    if found is None:
        return []
    from akkord.timex import tag

    label, attribute = found
    skip = _excluded(parts)
    spans = []
    for n, expression in enumerate(tag(text, dct), start=1):
        if any(s <= expression.start < e for s, e in skip):
            continue
        values = [ValueRecord(attribute, date=expression.date)] if expression.date else []
        spans.append(SpanRecord(expression.start, expression.end, label.name,
                                f"timex{n}", annotator, "suggested", None, values))
    return spans


def suggest_times(project: Project, doc_id: int, annotator_id: int) -> int:
    """Add time suggestions to an annotator's layer of one document (not over existing
    mentions of the layer, of any status); returns how many were added."""
    schema = project.schema
    with project.write() as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            return 0
        taken = session.execute(select(Mention.start, Mention.end).where(
            Mention.document_id == doc_id, Mention.annotator_id == annotator_id)).all()
        dct = PartialDate.parse(doc.date_value) if doc.date_value else None
        parts = [Part.from_list(p) for p in doc.parts or []]
        added = 0
        for span in time_suggestions(doc.text, dct, parts, schema):
            if any(s < span.end and span.start < e for s, e in taken):
                continue
            mention = Mention(document_id=doc_id, annotator_id=annotator_id, start=span.start,
                              end=span.end, label=span.label, status="suggested")
            session.add(mention)
            session.flush()
            for position, value in enumerate(span.values):
                if value.date is not None:
                    session.add(MentionValue(mention_id=mention.id, **value_row(
                        Value(date=value.date), value.attribute, position)))
            added += 1
    return added


@dataclass(slots=True)
class Redating:
    old: PartialDate | None
    new: PartialDate | None
    mentions: list[tuple[int, str, str]] = field(default_factory=list)  # id, old, new value
    entity_values: int = 0


def _tagged(text: str, dct: PartialDate | None) -> dict[tuple[int, int], PartialDate]:
    from akkord.timex import tag

    return {(e.start, e.end): e.date for e in tag(text, dct) if e.date is not None}


def set_publication_date(project: Project, doc_id: int, date: PartialDate | None
                         ) -> Redating:
    """Set (or, with ``None``, clear) the document's date and re-resolve the dates the
    tagger derived from it."""
    found = time_label(project.schema)
    with project.write() as session:
        doc = session.get(Document, doc_id)
        if doc is None:
            raise AkkordError(f"document {doc_id} is not in the project")
        old = PartialDate.parse(doc.date_value) if doc.date_value else None
        result = Redating(old, date)
        doc.date_value = date.value if date else None
        doc.date_earliest = date.earliest if date else None
        doc.date_latest = date.latest if date else None
        doc.date_precision = date.precision.value if date else None
        if found is not None:
            _redate(session, doc, found, old, date, result)
    return result


def _redate(session: Session, doc: Document, found: tuple[Label, str],
            old: PartialDate | None, new: PartialDate | None, result: Redating) -> None:
    label, attribute = found
    before, after = _tagged(doc.text, old), _tagged(doc.text, new)
    rows = session.execute(
        select(Mention.id, Mention.start, Mention.end, MentionValue.id, MentionValue.date_value)
        .join(MentionValue, MentionValue.mention_id == Mention.id)
        .where(Mention.document_id == doc.id, Mention.label == label.name,
               MentionValue.attribute == attribute)).all()
    for mention_id, start, end, value_id, value in rows:
        made, remade = before.get((start, end)), after.get((start, end))
        if made is None or remade is None or value != made.value or made == remade:
            continue
        session.execute(update(MentionValue).where(MentionValue.id == value_id).values(
            date_value=remade.value, date_earliest=remade.earliest, date_latest=remade.latest,
            date_precision=remade.precision.value))
        result.mentions.append((mention_id, made.value, remade.value))
        derived = select(EntityValue.entity_id).where(
            EntityValue.evidence_id == mention_id, EntityValue.date_value == made.value)
        entities = list(session.scalars(derived))
        if not entities:
            continue
        session.execute(update(Entity).where(Entity.id.in_(entities))
                        .values(version=Entity.version + 1))  # others see the change
        session.execute(update(EntityValue).where(
            EntityValue.evidence_id == mention_id, EntityValue.date_value == made.value)
            .values(date_value=remade.value, date_earliest=remade.earliest,
                    date_latest=remade.latest, date_precision=remade.precision.value))
        result.entity_values += len(entities)
