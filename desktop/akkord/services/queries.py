"""Reading one annotator's layer: plain snapshots from a session the caller opened.

Every function takes a SQLAlchemy ``Session`` (a read transaction, or the unit of work of
an edit) and returns frozen views (:mod:`akkord.services.views`), never ORM objects, so
the edits in :mod:`akkord.services.edits` and the reading facade
:class:`akkord.services.annotation.Annotation` share one definition of what a mention,
a relation or an entity looks like.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.services.views import EntityView, MentionView, RelationView
from akkord.store.models import (
    Annotator,
    Entity,
    EntityAlias,
    EntityValue,
    Mention,
    MentionValue,
    Relation,
)

CHUNK = 900  # SQLite binds at most 999 parameters per statement


@dataclass(frozen=True, slots=True)
class Layer:
    """Whose annotations a query reads: the annotator's id and name."""

    id: int
    name: str


def value_of(row: Any) -> Value:
    """A ``Value`` from an ``entity_values`` / ``mention_values`` row."""
    date = PartialDate.parse(row.date_value) if row.date_value else None
    return Value(text=row.text, flag=row.flag, number=row.number, date=date,
                 ref=row.ref_id, role=row.role, preferred=row.preferred,
                 evidence=getattr(row, "evidence_id", None))


def group_values(rows: Iterable[Any], owner: str) -> dict[int, dict[str, tuple[Value, ...]]]:
    """Value rows grouped by their owner's id, then attribute, in position order."""
    grouped: dict[int, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[getattr(row, owner)][row.attribute].append(value_of(row))
    return {k: {a: tuple(v) for a, v in attrs.items()} for k, attrs in grouped.items()}


def chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


# -- mentions -------------------------------------------------------------------------------

def mentions(session: Session, layer: Layer, *where: Any) -> list[MentionView]:
    """The layer's mentions matching ``where`` (conditions on ``Mention``), in text
    order. Two statements whatever their number: the values are read with the same
    conditions, joined, not by lists of ids (the long document has 2,600 mentions)."""
    rows = session.execute(
        select(Mention.id, Mention.document_id, Mention.start, Mention.end, Mention.label,
               Mention.status, Mention.entity_id, Mention.origin, Mention.score,
               Mention.score_gap)
        .where(Mention.annotator_id == layer.id, *where)
        .order_by(Mention.start, Mention.end.desc(), Mention.id)).all()
    values = _values_where(session, layer, where) if rows else {}
    name, none = layer.name, dict[str, tuple[Value, ...]]()
    return [MentionView(id_, doc, start, end, label, status, name, entity,
                        values.get(id_, none), origin, score, gap)
            for id_, doc, start, end, label, status, entity, origin, score, gap in rows]


def _values_where(session: Session, layer: Layer, where: Sequence[Any]
                  ) -> dict[int, dict[str, tuple[Value, ...]]]:
    columns = [MentionValue.mention_id, *(getattr(MentionValue, c) for c in _VALUE_COLUMNS)]
    return group_values(session.execute(
        select(*columns).join(Mention, Mention.id == MentionValue.mention_id)
        .where(Mention.annotator_id == layer.id, *where)
        .order_by(MentionValue.attribute, MentionValue.position)), "mention_id")


def mentions_by_id(session: Session, layer: Layer, ids: Sequence[int]) -> list[MentionView]:
    found: list[MentionView] = []
    for chunk in chunks(list(ids)):
        found += mentions(session, layer, Mention.id.in_(chunk))
    return found


def mention(session: Session, layer: Layer, mention_id: int) -> MentionView | None:
    found = mentions(session, layer, Mention.id == mention_id)
    return found[0] if found else None


_VALUE_COLUMNS = ("attribute", "text", "flag", "number", "date_value", "ref_id", "role",
                  "preferred")


# -- relations ------------------------------------------------------------------------------

_RELATION = (Relation.id, Relation.type, Relation.head_id, Relation.tail_id)


def _relations(session: Session, layer: Layer, *where: Any) -> list[RelationView]:
    """Plain rows, not ORM objects: the long document has thousands of relations."""
    name = layer.name
    return [RelationView(id_, type_, head, tail, name)
            for id_, type_, head, tail in session.execute(select(*_RELATION).where(
                Relation.annotator_id == layer.id, *where))]


def relations_in(session: Session, layer: Layer, document_id: int) -> list[RelationView]:
    """The layer's relations whose head is in the document, by id (one statement)."""
    heads = select(Mention.id).where(Mention.document_id == document_id,
                                     Mention.annotator_id == layer.id)
    return sorted(_relations(session, layer, Relation.head_id.in_(heads)),
                  key=lambda r: r.id)


def relations_touching(session: Session, layer: Layer, mention_id: int) -> list[RelationView]:
    """Relations with the mention at either end."""
    return sorted(_relations(session, layer, (Relation.head_id == mention_id)
                             | (Relation.tail_id == mention_id)), key=lambda r: r.id)


def relations_by_id(session: Session, layer: Layer, ids: Sequence[int]) -> list[RelationView]:
    out: list[RelationView] = []
    for chunk in chunks(list(ids)):
        out += _relations(session, layer, Relation.id.in_(chunk))
    return sorted(out, key=lambda r: r.id)


# -- entities -------------------------------------------------------------------------------

def entities(session: Session, layer: Layer, *where: Any) -> list[EntityView]:
    """Entities matching ``where`` with aliases, values and their use in the layer."""
    rows = session.execute(select(Entity.id, Entity.key, Entity.kind, Entity.name,
                                  Entity.version).where(*where).order_by(Entity.name)).all()
    ids = [e.id for e in rows]
    aliases: dict[int, list[str]] = defaultdict(list)
    values: dict[int, dict[str, tuple[Value, ...]]] = {}
    usage: dict[int, tuple[int, int]] = {}
    for chunk in chunks(ids):
        for entity_id, alias in session.execute(
                select(EntityAlias.entity_id, EntityAlias.alias)
                .where(EntityAlias.entity_id.in_(chunk)).order_by(EntityAlias.id)):
            aliases[entity_id].append(alias)
        values.update(group_values(session.execute(
            select(EntityValue.entity_id, EntityValue.evidence_id,
                   *(getattr(EntityValue, c) for c in _VALUE_COLUMNS))
            .where(EntityValue.entity_id.in_(chunk))
            .order_by(EntityValue.attribute, EntityValue.position)), "entity_id"))
        for linked, count, documents in session.execute(
                select(Mention.entity_id, func.count(),
                       func.count(func.distinct(Mention.document_id)))
                .where(Mention.entity_id.in_(chunk), Mention.annotator_id == layer.id)
                .group_by(Mention.entity_id)):
            if linked is not None:
                usage[linked] = (count, documents)
    return [EntityView(e.id, e.key, e.kind, e.name, e.version, tuple(aliases[e.id]),
                       values.get(e.id, {}), *usage.get(e.id, (0, 0))) for e in rows]


def entity(session: Session, layer: Layer, entity_id: int) -> EntityView | None:
    found = entities(session, layer, Entity.id == entity_id)
    return found[0] if found else None


def annotator_name(session: Session, annotator_id: int | None) -> str | None:
    if annotator_id is None:
        return None
    return session.scalar(select(Annotator.name).where(Annotator.id == annotator_id))
