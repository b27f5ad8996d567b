"""Documents as the document list and ``akkord list`` see them.

Two uses, two costs:

* The window shows a page of rows at a time, so it asks :func:`document_ids` for the
  ordered ids that pass its filter (one narrow query, no mention is read) and
  :func:`summaries` for the rows it is about to paint (their counts come from the
  ``(document, annotator, start)`` index of those documents only). Nothing it does per
  row or per edit grows with the size of the project.
* ``akkord list`` prints every document: :func:`list_documents` streams them with one
  grouped count over the mentions, so its time grows linearly and its memory does not.

Counts are of annotations (manual and accepted mentions), never of pending or rejected
suggestions. A status is that of the annotator asked about; without one, the furthest
any annotator got (``done`` before ``in progress`` before ``new``), so a document someone
marked done never shows as ``new``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.store.bulk import fetch_rows
from akkord.store.columns import DOCUMENTS
from akkord.store.models import Annotator, Document, DocumentState, Mention
from akkord.store.project import Project

COUNTED = ("manual", "accepted")
NEW = "new"
_RANK = {"new": 0, "in progress": 1, "done": 2}
_PAGE = 500  # ids per IN (...) list: well under every driver's parameter limit


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: int
    title: str
    external_id: str | None
    date: PartialDate | None
    mentions: int
    label_counts: dict[str, int] = field(default_factory=dict)
    status: str = NEW  # of the annotator asked about (else the furthest of any)


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Which documents a list shows: a text in the title, a status, a date overlap."""

    text: str = ""
    status: str | None = None
    date: PartialDate | None = None

    @property
    def empty(self) -> bool:
        return not self.text and self.status is None and self.date is None


def _title(title: str | None, external_id: str | None, doc_id: int) -> str:
    return title or external_id or f"document {doc_id}"


def annotator_id(session: Session, annotator: str | None) -> int | None:
    """The id of the annotator called ``annotator`` (None: none asked, or unknown)."""
    if annotator is None:
        return None
    return session.scalar(select(Annotator.id).where(Annotator.name == annotator))


def _status_column(annotator: str | None, annotator_id_: int | None
                   ) -> Select[int, Any]:
    """(document id, status) rows: the annotator's, or the furthest of any annotator."""
    if annotator is not None:
        return select(DocumentState.document_id, DocumentState.status).where(
            DocumentState.annotator_id == annotator_id_)
    rank = func.max(case(*((DocumentState.status == s, r) for s, r in _RANK.items()),
                         else_=0))
    return select(DocumentState.document_id, rank).group_by(DocumentState.document_id)


def _status_of(value: object, annotator: str | None) -> str:
    if annotator is None:
        names = {r: s for s, r in _RANK.items()}
        return names.get(value, NEW) if isinstance(value, int) else NEW
    return str(value)


def document_ids(session: Session, annotator: str | None,
                 wanted: DocumentFilter = DocumentFilter()) -> list[int]:
    """The ids of the documents that pass ``wanted``, in import order.

    The status and the date are filtered in SQL; the text (case-folded, so ``ø`` matches
    ``Ø``, which SQLite's ``LIKE`` does not do) in Python over the titles only."""
    # No ORDER BY: SQLite then reads the ids from the narrowest covering index instead of
    # walking the table, whose pages hold the texts (a quarter of a second more at 30,000
    # documents, from a cold cache far more); 30,000 integers sort in a few milliseconds.
    columns = DOCUMENTS  # not the mapped class: see akkord.store.columns
    query = select(columns.id)
    if wanted.date is not None:
        query = query.where(columns.date_earliest <= wanted.date.latest,
                            columns.date_latest >= wanted.date.earliest)
    if wanted.status is not None:
        who = annotator_id(session, annotator)
        states = _status_column(annotator, who).subquery()
        status_value: object = wanted.status if annotator is not None \
            else _RANK.get(wanted.status, -1)
        query = query.outerjoin(states, states.c.document_id == columns.id)
        matches = states.c[1] == status_value
        query = query.where(or_(matches, states.c.document_id.is_(None))
                            if wanted.status == NEW else matches)
    # Rows straight from the driver: the ORM's per-row machinery would cost more than the
    # query (0.4 s for 30,000 ids).
    conn = session.connection()
    if not wanted.text:
        return sorted(row[0] for row in fetch_rows(conn, query))
    needle = wanted.text.casefold()
    rows = fetch_rows(conn, query.add_columns(columns.title, columns.external_id))
    return sorted(doc_id for doc_id, title, external_id in rows
                  if needle in _title(title, external_id, doc_id).casefold())


def _counts(session: Session, ids: Sequence[int] | None, annotator: str | None,
            annotator_id_: int | None) -> Iterator[tuple[int, dict[str, int]]]:
    # The status is a FILTER on the count, not a WHERE term: with both the layer and the
    # status in WHERE, SQLite chose the (layer, status) index and read every mention of
    # the layer for a page of 100 documents (325 ms at 30,000 articles, after every start
    # and on every scroll of the document list); now it reads the page's documents only.
    counted = func.count().filter(Mention.status.in_(COUNTED))
    query = (select(Mention.document_id, Mention.label, counted)
             .group_by(Mention.document_id, Mention.label)
             .having(counted > 0)
             .order_by(Mention.document_id))
    if annotator is not None:
        query = query.where(Mention.annotator_id == annotator_id_)
    if ids is not None:
        query = query.where(Mention.document_id.in_(ids))
    for doc_id, rows in groupby(session.execute(query), key=itemgetter(0)):
        yield doc_id, {label: count for _, label, count in rows}


def _rows(session: Session, ids: Sequence[int] | None, annotator: str | None
          ) -> Iterator[DocumentSummary]:
    who = annotator_id(session, annotator)
    if annotator is not None and who is None:
        counts: Iterator[tuple[int, dict[str, int]]] = iter(())
        statuses: dict[int, object] = {}
    else:
        counts = _counts(session, ids, annotator, who)
        status_query = _status_column(annotator, who)
        if ids is not None:
            status_query = status_query.where(DocumentState.document_id.in_(ids))
        statuses = {row[0]: row[1] for row in session.execute(status_query)}
    query = select(Document.id, Document.title, Document.external_id,
                   Document.date_value).order_by(Document.id)
    if ids is not None:
        query = query.where(Document.id.in_(ids))
    pending = next(counts, None)
    for doc_id, title, external_id, date_value in session.execute(query):
        labels: dict[str, int] = {}
        while pending is not None and pending[0] < doc_id:
            pending = next(counts, None)
        if pending is not None and pending[0] == doc_id:
            labels = pending[1]
            pending = next(counts, None)
        yield DocumentSummary(
            id=doc_id, title=_title(title, external_id, doc_id), external_id=external_id,
            date=PartialDate.parse(date_value) if date_value else None,
            mentions=sum(labels.values()), label_counts=labels,
            status=_status_of(statuses.get(doc_id), annotator) if doc_id in statuses
            else NEW)


def summaries(session: Session, ids: Sequence[int], annotator: str | None
              ) -> list[DocumentSummary]:
    """The rows of the documents ``ids`` (in the order given; unknown ids are left out),
    with ``annotator``'s counts and status (all layers' counts when None)."""
    found: dict[int, DocumentSummary] = {}
    for start in range(0, len(ids), _PAGE):
        found.update((s.id, s) for s in _rows(session, ids[start:start + _PAGE], annotator))
    return [found[i] for i in ids if i in found]


def list_documents(session: Session, annotator: str | None = None
                   ) -> Iterator[DocumentSummary]:
    """Every document in import order, streamed, with mention counts (of ``annotator``'s
    layer when given, else of all layers) and status (see the module docstring)."""
    return _rows(session, None, annotator)


def count_documents(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Document)) or 0


class DocumentCatalog:
    """The document list's window on the project: ids that pass a filter, and the rows
    of a few of them, each read in its own short read transaction."""

    def __init__(self, project: Project, annotator: str | None) -> None:
        self.project = project
        self.annotator = annotator

    def ids(self, wanted: DocumentFilter = DocumentFilter()) -> list[int]:
        with self.project.read() as session:
            return document_ids(session, self.annotator, wanted)

    def rows(self, ids: Sequence[int]) -> list[DocumentSummary]:
        with self.project.read() as session:
            return summaries(session, ids, self.annotator)
