"""The row-level work the edits share: checks, value rows, progress, compare-and-set."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from akkord.domain.entities import Value, fold
from akkord.domain.schema import Attribute
from akkord.domain.statuses import DocumentStatus
from akkord.domain.validation import RefTarget, value_problem, values_problem
from akkord.services import queries
from akkord.services.edits.base import ConflictError, EditError, UnitOfWork
from akkord.store.models import (
    CurationMark,
    Document,
    DocumentState,
    Entity,
    EntityAlias,
    EntityValue,
    MentionValue,
)

Values = Mapping[str, tuple[Value, ...]]


def value_row(value: Value, attribute: str, position: int) -> dict[str, Any]:
    """The columns of one ``entity_values`` / ``mention_values`` row for ``value``."""
    row: dict[str, Any] = {"text": value.text, "flag": value.flag, "number": value.number,
                           "role": value.role, "preferred": value.preferred,
                           "attribute": attribute, "position": position,
                           "ref_id": value.ref, "date_value": None, "date_earliest": None,
                           "date_latest": None, "date_precision": None,
                           "date_certainty": None}
    if value.date is not None:
        row.update(date_value=value.date.value, date_earliest=value.date.earliest,
                   date_latest=value.date.latest, date_precision=value.date.precision.value,
                   date_certainty=value.date.certainty.value)
    return row


def insert_ignoring_conflict(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on either backend; True when a row was inserted.

    Two writers creating the same row at once (a document's first edit from two windows)
    must not fail on the primary key: the second simply finds it there. (RETURNING, not
    ``rowcount``: psycopg reports 1 for a row that was skipped.)
    """
    module = dialect_module(session.get_bind().dialect.name == "postgresql")
    key = next(iter(table.primary_key.columns))
    stmt = module.insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return session.execute(stmt).first() is not None


# -- documents ------------------------------------------------------------------------------

def document_text(uow: UnitOfWork, doc_id: int) -> str:
    text = uow.session.scalar(select(Document.text).where(Document.id == doc_id))
    if text is None:
        raise EditError(f"document {doc_id} is not in the project")
    return text


def check_span(uow: UnitOfWork, doc_id: int, start: int, end: int) -> None:
    # len() in Python, not SQL length(): SQLite's stops at a NUL character. Texts never
    # change, so one read per document and unit of work is enough.
    length = uow.lengths.get(doc_id)
    if length is None:
        length = uow.lengths[doc_id] = len(document_text(uow, doc_id))
    if not 0 <= start < end <= length:
        raise EditError(f"[{start}, {end}) is not a non-empty span of the document")


def document_status(uow: UnitOfWork, doc_id: int) -> DocumentStatus | None:
    """The layer's status of a document; ``None`` when it has none yet (new)."""
    found = uow.session.scalar(select(DocumentState.status).where(
        DocumentState.document_id == doc_id, DocumentState.annotator_id == uow.annotator_id))
    return DocumentStatus(found) if found is not None else None


def document_title(session: Session, doc_id: int) -> str:
    """The document's title as the edits name it; refuses a document not in the project."""
    row = session.execute(select(Document.title, Document.external_id)
                          .where(Document.id == doc_id)).first()
    if row is None:
        raise EditError(f"document {doc_id} is not in the project")
    return row.title or row.external_id or f"document {doc_id}"


def touch(uow: UnitOfWork, doc_id: int) -> bool:
    """The first edit in a document moves it from new to in progress; True when it did
    (so the edit's inverse can move it back). Every edit runs it: built once per
    backend (see :func:`insert_ignoring_conflict` for why it is written so)."""
    statement = _touch(uow.session.get_bind().dialect.name == "postgresql")
    return queries.run_prepared(uow.session, statement, document=doc_id,
                                layer=uow.annotator_id).first() is not None


def dialect_module(postgres: bool) -> Any:
    """SQLAlchemy's PostgreSQL or SQLite dialect module (for ``insert … on conflict``),
    imported when first used: the PostgreSQL one pulls in asyncio and ssl, a tenth of a
    second of the window's start-up on a SQLite project."""
    if postgres:
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite


@functools.cache
def _touch(postgres: bool) -> Any:
    """The statement :func:`touch` runs, built once per backend ("is it PostgreSQL")."""
    table = DocumentState.__table__
    return dialect_module(postgres).insert(table).values(
        document_id=bindparam("document"), annotator_id=bindparam("layer"),
        status=DocumentStatus.IN_PROGRESS.value).on_conflict_do_nothing().returning(
        table.c.document_id)


_ENTITY_KIND = select(Entity.kind).where(Entity.id == bindparam("entity"))


# -- labels and values ----------------------------------------------------------------------

def check_label(uow: UnitOfWork, label: str, entity_id: int | None) -> None:
    schema = uow.schema
    if label not in schema.label_names:
        raise EditError(f"{label!r} is not a label of this project "
                        f"({', '.join(schema.label_names)})")
    if entity_id is None:
        return
    kind = schema.label(label).entity
    found = queries.run_prepared(uow.session, _ENTITY_KIND, entity=entity_id).scalar()
    if found is None:
        raise EditError(f"entity {entity_id} no longer exists")
    if kind != found:
        raise EditError(f"a {label} mention cannot link to a {found}")


def check_values(uow: UnitOfWork, spec: Attribute, values: Iterable[Value]) -> None:
    """The one rule set (:mod:`akkord.domain.validation`), with references looked up."""
    items = list(values)
    problem = values_problem(spec, len(items), sum(v.preferred for v in items))
    if problem:
        raise EditError(problem)
    for value in items:
        target = None
        if spec.type == "ref" and value.ref is not None:
            kind = uow.session.scalar(select(Entity.kind).where(Entity.id == value.ref))
            target = RefTarget(kind is not None, kind)
        problem = value_problem(spec, value, value.ref, target)
        if problem:
            raise EditError(problem)


def write_mention_values(uow: UnitOfWork, mention_id: int, values: Values) -> None:
    rows = [{"mention_id": mention_id, **value_row(v, attribute, i)}
            for attribute, items in values.items() for i, v in enumerate(items)]
    if rows:
        uow.session.execute(insert(MentionValue), rows)


def write_entity_values(uow: UnitOfWork, entity_id: int, values: Values) -> None:
    rows = [{"entity_id": entity_id, "evidence_id": v.evidence, **value_row(v, a, i)}
            for a, items in values.items() for i, v in enumerate(items)]
    if rows:
        uow.session.execute(insert(EntityValue), rows)


def write_aliases(uow: UnitOfWork, entity_id: int, aliases: Iterable[str],
                  ids: Sequence[int] = ()) -> None:
    """Insert the entity's aliases (the first of those that fold alike). ``ids``, one per
    alias, are their former row ids: an undo puts the rows back with them, so the list
    keeps its order; an id another row holds meanwhile (SQLite reuses the ids of deleted
    rows) is left to the database."""
    given = list(aliases)
    former: list[int | None] = list(ids) if len(ids) == len(given) else [None] * len(given)
    seen: dict[str, tuple[str, int | None]] = {}
    for alias, alias_id in zip(given, former, strict=True):
        if alias.strip():
            seen.setdefault(fold(alias), (alias.strip(), alias_id))
    wanted = [i for _, i in seen.values() if i is not None]
    taken = set(uow.session.scalars(select(EntityAlias.id).where(
        EntityAlias.id.in_(wanted)))) if wanted else set()
    with_id = [{"id": i, "entity_id": entity_id, "alias": a, "folded": f}
               for f, (a, i) in seen.items() if i is not None and i not in taken]
    new = [{"entity_id": entity_id, "alias": a, "folded": f}
           for f, (a, i) in seen.items() if i is None or i in taken]
    for rows in (with_id, new):
        if rows:
            uow.session.execute(insert(EntityAlias), rows)


# -- compare-and-set on entities ------------------------------------------------------------

def lock_entity(uow: UnitOfWork, entity_id: int) -> None:
    """Hold the entity's row until the transaction ends, so read, compare and write are
    one step for concurrent writers (``FOR UPDATE`` on PostgreSQL; SQLite already runs
    one writer at a time, with ``BEGIN IMMEDIATE``)."""
    found = uow.session.scalar(select(Entity.id).where(Entity.id == entity_id)
                               .with_for_update())
    if found is None:
        raise ConflictError(f"entity {entity_id} no longer exists (deleted meanwhile)")


def compare(uow: UnitOfWork, entity_id: int, what: str, expected: object,
            current: object) -> None:
    """Refuse the edit when the stored ``current`` is not what its author saw.

    ``expected`` ``None`` means "whatever is there" (a fresh edit without a view).
    """
    if expected is None or expected == current:
        return
    row = uow.session.execute(select(Entity.name, Entity.changed_by, Entity.changed_what)
                              .where(Entity.id == entity_id)).first()
    if row is None:
        raise ConflictError(f"entity {entity_id} was deleted by someone else meanwhile")
    who = queries.annotator_name(uow.session, row.changed_by)
    if who is None:
        by = "someone else"
    elif who == uow.person.name:
        by = "you, in another window,"
    else:
        by = who
    changed = row.changed_what or what
    raise ConflictError(
        f"{by} changed {changed} of {row.name} since you saw it; nothing was changed, so "
        f"their work stays. The view now shows the current state.")


def bump(uow: UnitOfWork, entity_id: int, what: str) -> None:
    """Record a change of the entity: version + 1, and who changed what."""
    result = uow.session.execute(update(Entity).where(Entity.id == entity_id).values(
        version=Entity.version + 1, changed_by=uow.person.id, changed_what=what))
    if not result.rowcount:  # type: ignore[attr-defined]
        raise ConflictError(f"entity {entity_id} was deleted by someone else meanwhile")


# -- curation marks -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MarkRow:
    """One ``curation_marks`` row as it was, to put it back exactly (id and time too)."""

    id: int
    key: str
    document_id: int | None
    kind: str
    mark: str
    note: str | None
    curator_id: int | None
    mention_id: int | None
    relation_id: int | None
    updated_at: datetime


def _mark_row(row: Any) -> MarkRow:
    return MarkRow(row.id, row.key, row.document_id, row.kind, row.mark, row.note,
                   row.curator_id, row.mention_id, row.relation_id, row.updated_at)


def marks_where(session: Session, *where: Any) -> tuple[MarkRow, ...]:
    """The curation marks matching ``where``, by id."""
    return tuple(_mark_row(r) for r in session.execute(
        select(*CurationMark.__table__.columns).where(*where).order_by(CurationMark.id)))


def marks_on(session: Session, mention_ids: Iterable[int] = (),
             relation_ids: Iterable[int] = ()) -> tuple[MarkRow, ...]:
    """The marks that point at these gold mentions or relations: deleting those deletes
    the marks (``ON DELETE CASCADE``), so their edits keep them for the inverse."""
    mentions, relations = list(mention_ids), list(relation_ids)
    if not mentions and not relations:
        return ()
    return marks_where(session, CurationMark.mention_id.in_(mentions)
                       | CurationMark.relation_id.in_(relations))


def restore_marks(session: Session, rows: Iterable[MarkRow]) -> None:
    """Insert marks exactly as they were (a mark restored with its mention)."""
    for row in rows:
        session.execute(insert(CurationMark).values(
            id=row.id, key=row.key, document_id=row.document_id, kind=row.kind,
            mark=row.mark, note=row.note, curator_id=row.curator_id,
            mention_id=row.mention_id, relation_id=row.relation_id,
            updated_at=row.updated_at))
