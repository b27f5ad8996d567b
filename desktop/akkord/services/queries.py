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

from sqlalchemy import BindParameter, Executable, Result, bindparam, func, select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.services.views import EntityView, MentionView, RelationView
from akkord.store.columns import (
    ALIASES,
    ANNOTATORS,
    ENTITIES,
    ENTITY_VALUES,
    MENTION_VALUES,
    MENTIONS,
    RELATIONS,
    STATES,
    TOTALS,
)
from akkord.store.models import Entity, Mention, MentionValue

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


# -- statements built once, on the tables' columns (see akkord.store.columns) ----------------
# The window runs these on every key that edits. Built once with bound parameters and run
# on the session's connection (see _run), each costs a compiled-cache lookup instead of
# being built, coerced and loaded through the ORM again: that Python work cost more than
# SQLite's own, several times over.

_VALUE_COLUMNS = ("attribute", "text", "flag", "number", "date_value", "ref_id", "role",
                  "preferred")
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_LAYER: BindParameter[int] = bindparam("layer")
_DOCUMENT: BindParameter[int] = bindparam("document")

_MENTION = (MENTIONS.id, MENTIONS.document_id, MENTIONS.start, MENTIONS.end, MENTIONS.label,
            MENTIONS.status, MENTIONS.entity_id, MENTIONS.origin, MENTIONS.score,
            MENTIONS.score_gap)
_MENTION_WIDTH = len(_MENTION)
_TEXT_ORDER = (MENTIONS.start, MENTIONS.end.desc(), MENTIONS.id)
_MENTIONS_OF_DOCUMENT = select(*_MENTION).where(
    MENTIONS.annotator_id == _LAYER, MENTIONS.document_id == _DOCUMENT).order_by(*_TEXT_ORDER)
_MENTION_VALUE = (MENTION_VALUES.mention_id,
                  *(getattr(MENTION_VALUES, c) for c in _VALUE_COLUMNS))
_VALUE_ORDER = (MENTION_VALUES.attribute, MENTION_VALUES.position)
# The mentions an edit reads before and after it writes (one or a few): with their values
# joined, one statement instead of two (each costs more in SQLAlchemy than in SQLite). A
# mention without values comes as one row whose value columns are NULL.
_MENTIONS_WITH_VALUES_OF_IDS = select(*_MENTION, *_MENTION_VALUE[1:]).select_from(
    Mention.__table__.outerjoin(MentionValue.__table__,
                                MENTION_VALUES.mention_id == MENTIONS.id)).where(
    MENTIONS.annotator_id == _LAYER, MENTIONS.id.in_(_IDS)).order_by(*_TEXT_ORDER,
                                                                     *_VALUE_ORDER)
_VALUES_OF_DOCUMENT = select(*_MENTION_VALUE).join(
    Mention.__table__, MENTIONS.id == MENTION_VALUES.mention_id).where(
    MENTIONS.annotator_id == _LAYER, MENTIONS.document_id == _DOCUMENT).order_by(*_VALUE_ORDER)

_RELATION = (RELATIONS.id, RELATIONS.type, RELATIONS.head_id, RELATIONS.tail_id)
_RELATIONS_OF_IDS = select(*_RELATION).where(
    RELATIONS.annotator_id == _LAYER, RELATIONS.id.in_(_IDS))
_RELATIONS_TOUCHING = select(*_RELATION).where(
    RELATIONS.annotator_id == _LAYER,
    (RELATIONS.head_id == bindparam("mention")) | (RELATIONS.tail_id == bindparam("mention")))
_RELATIONS_OF_DOCUMENT = select(*_RELATION).where(
    RELATIONS.annotator_id == _LAYER, RELATIONS.head_id.in_(select(MENTIONS.id).where(
        MENTIONS.document_id == _DOCUMENT, MENTIONS.annotator_id == _LAYER)))

_ENTITY = (ENTITIES.id, ENTITIES.key, ENTITIES.kind, ENTITIES.name, ENTITIES.version)
_ENTITIES_OF_IDS = select(*_ENTITY).where(ENTITIES.id.in_(_IDS)).order_by(ENTITIES.name)
_ALIASES_OF_IDS = select(ALIASES.entity_id, ALIASES.alias).where(
    ALIASES.entity_id.in_(_IDS)).order_by(ALIASES.id)
_ENTITY_VALUES_OF_IDS = select(
    ENTITY_VALUES.entity_id, ENTITY_VALUES.evidence_id,
    *(getattr(ENTITY_VALUES, c) for c in _VALUE_COLUMNS)).where(
    ENTITY_VALUES.entity_id.in_(_IDS)).order_by(ENTITY_VALUES.attribute, ENTITY_VALUES.position)
# Counted by triggers (see EntityUsage and EntityTotals): one row per entity and layer,
# whatever the number of its mentions or documents (counting its mentions took 16 ms per
# link for an entity linked 30,000 times; summing its rows per document, 2–4 ms).
_USAGE_OF_IDS = select(TOTALS.entity_id, TOTALS.mentions, TOTALS.documents).where(
    TOTALS.entity_id.in_(_IDS), TOTALS.annotator_id == _LAYER)


_USES = (select(TOTALS.entity_id, func.sum(TOTALS.confirmed))
         .join(Entity.__table__, ENTITIES.id == TOTALS.entity_id)
         .where(ENTITIES.kind.in_(bindparam("kinds", expanding=True)), TOTALS.confirmed > 0)
         .group_by(TOTALS.entity_id))
_USES_IN_LAYER = _USES.where(TOTALS.annotator_id == _LAYER)


def run_prepared(session: Session, statement: Executable, **params: Any
         ) -> Result[*tuple[Any, ...]]:
    """Run a statement built once on the session's connection, in its transaction. The
    ORM flushes what an edit added before it reads; so does this, when there is any."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, params)


# -- mentions -------------------------------------------------------------------------------

def _mention_views(layer: Layer, rows: Sequence[Any],
                   values: dict[int, dict[str, tuple[Value, ...]]]) -> list[MentionView]:
    name, none = layer.name, dict[str, tuple[Value, ...]]()
    return [MentionView(id_, doc, start, end, label, status, name, entity,
                        values.get(id_, none), origin, score, gap)
            for id_, doc, start, end, label, status, entity, origin, score, gap in rows]


def mentions(session: Session, layer: Layer, *where: Any) -> list[MentionView]:
    """The layer's mentions matching ``where`` (conditions on ``Mention``), in text
    order, in two statements whatever their number (the values joined with the same
    conditions). The window's own reads use the faster :func:`mentions_by_id` and
    :func:`mentions_in`."""
    rows = session.execute(select(*_MENTION).where(MENTIONS.annotator_id == layer.id, *where)
                           .order_by(*_TEXT_ORDER)).all()
    values = group_values(session.execute(
        select(*_MENTION_VALUE).join(Mention.__table__, MENTIONS.id == MENTION_VALUES.mention_id)
        .where(MENTIONS.annotator_id == layer.id, *where).order_by(*_VALUE_ORDER)),
        "mention_id") if rows else {}
    return _mention_views(layer, rows, values)


def mentions_in(session: Session, layer: Layer, document_id: int) -> list[MentionView]:
    """The layer's mentions of a document, in text order (two statements)."""
    rows = run_prepared(session, _MENTIONS_OF_DOCUMENT, layer=layer.id, document=document_id).all()
    values = group_values(run_prepared(session, _VALUES_OF_DOCUMENT, layer=layer.id,
                               document=document_id), "mention_id") if rows else {}
    return _mention_views(layer, rows, values)


def mentions_by_id(session: Session, layer: Layer, ids: Sequence[int]) -> list[MentionView]:
    """The layer's mentions among ``ids`` that exist, in text order per chunk of ids
    (one statement per chunk)."""
    found: list[MentionView] = []
    for chunk in chunks(list(ids)):
        joined = run_prepared(session, _MENTIONS_WITH_VALUES_OF_IDS, layer=layer.id,
                              ids=list(chunk)).all()
        mentions = {row[0]: row[:_MENTION_WIDTH] for row in joined}  # one per mention
        values = group_values((row for row in joined if row.attribute is not None), "id")
        found += _mention_views(layer, list(mentions.values()), values)
    return found


def mention(session: Session, layer: Layer, mention_id: int) -> MentionView | None:
    found = mentions_by_id(session, layer, [mention_id])
    return found[0] if found else None


# -- relations ------------------------------------------------------------------------------

def _relation_views(layer: Layer, rows: Iterable[Any]) -> list[RelationView]:
    """Plain rows, not ORM objects (the long document has thousands of relations), by
    id."""
    name = layer.name
    return sorted((RelationView(id_, type_, head, tail, name)
                   for id_, type_, head, tail in rows), key=lambda r: r.id)


def relations_in(session: Session, layer: Layer, document_id: int) -> list[RelationView]:
    """The layer's relations whose head is in the document, by id (one statement)."""
    return _relation_views(layer, run_prepared(session, _RELATIONS_OF_DOCUMENT, layer=layer.id,
                                       document=document_id))


def relations_touching(session: Session, layer: Layer, mention_id: int) -> list[RelationView]:
    """Relations with the mention at either end."""
    return _relation_views(layer, run_prepared(session, _RELATIONS_TOUCHING, layer=layer.id,
                                       mention=mention_id))


def relations_by_id(session: Session, layer: Layer, ids: Sequence[int]) -> list[RelationView]:
    rows: list[Any] = []
    for chunk in chunks(list(ids)):
        rows += run_prepared(session, _RELATIONS_OF_IDS, layer=layer.id, ids=list(chunk)).all()
    return _relation_views(layer, rows)


# -- entities -------------------------------------------------------------------------------

def entities(session: Session, layer: Layer, *where: Any) -> list[EntityView]:
    """Entities matching ``where`` with aliases, values and their use in the layer."""
    rows = session.execute(select(*_ENTITY).where(*where).order_by(ENTITIES.name)).all()
    return _entity_views(session, layer, rows)


def entities_by_id(session: Session, layer: Layer, ids: Sequence[int]) -> list[EntityView]:
    """:func:`entities` among ``ids`` (those that exist), by name."""
    rows: list[Any] = []
    for chunk in chunks(list(ids)):
        rows += run_prepared(session, _ENTITIES_OF_IDS, ids=list(chunk)).all()
    return _entity_views(session, layer, sorted(rows, key=lambda r: r[3]))


def _entity_views(session: Session, layer: Layer, rows: Sequence[Any]) -> list[EntityView]:
    aliases: dict[int, list[str]] = defaultdict(list)
    values: dict[int, dict[str, tuple[Value, ...]]] = {}
    usage: dict[int, tuple[int, int]] = {}
    for chunk in chunks([r[0] for r in rows]):
        ids = list(chunk)
        for entity_id, alias in run_prepared(session, _ALIASES_OF_IDS, ids=ids):
            aliases[entity_id].append(alias)
        values.update(entity_values(session, ids))
        for linked, count, documents in run_prepared(session, _USAGE_OF_IDS, ids=ids,
                                             layer=layer.id):
            if linked is not None:
                usage[linked] = (count, documents)
    return [EntityView(id_, key, kind, name, version, tuple(aliases[id_]),
                       values.get(id_, {}), *usage.get(id_, (0, 0)))
            for id_, key, kind, name, version in rows]


def entity_uses(session: Session, kinds: Sequence[str], annotator_id: int | None = None
                ) -> dict[int, int]:
    """entity id → its made or accepted mentions in the layer ``annotator_id`` (or in
    every layer), for the entities of ``kinds`` that have any: what the link picker and
    the name matcher rank by. Kept per entity and layer by triggers (``entity_totals``),
    so a key typed in the picker does not count the layer's mentions again (66 ms per
    key at 10,000 articles did)."""
    if annotator_id is None:
        rows = run_prepared(session, _USES, kinds=list(kinds))
    else:
        rows = run_prepared(session, _USES_IN_LAYER, kinds=list(kinds), layer=annotator_id)
    return {entity_id: int(count) for entity_id, count in rows}


def entity_values(session: Session, ids: Sequence[int]
                  ) -> dict[int, dict[str, tuple[Value, ...]]]:
    """The values of the entities among ``ids``, by entity and attribute, in position
    order (rows, not ORM objects: loading those cost a new entity 5 ms more)."""
    found: dict[int, dict[str, tuple[Value, ...]]] = {}
    for chunk in chunks(list(ids)):
        found.update(group_values(run_prepared(session, _ENTITY_VALUES_OF_IDS,
                                               ids=list(chunk)), "entity_id"))
    return found


def entity(session: Session, layer: Layer, entity_id: int) -> EntityView | None:
    found = entities_by_id(session, layer, [entity_id])
    return found[0] if found else None


def annotator_name(session: Session, annotator_id: int | None) -> str | None:
    if annotator_id is None:
        return None
    return session.scalar(select(ANNOTATORS.name).where(ANNOTATORS.id == annotator_id))


def recently_worked(session: Session, annotator_id: int, limit: int) -> list[int]:
    """The ids of the layer's ``limit`` documents most recently marked in progress or
    done, latest first: what the suggesters learn the layer's habits from (a bounded
    read through the progress index, whatever the project's size)."""
    return list(session.scalars(
        select(STATES.document_id).where(STATES.annotator_id == annotator_id,
                                                STATES.status != "new")
        .order_by(STATES.updated_at.desc(), STATES.document_id.desc())
        .limit(limit)))
