"""Documents as the document list and ``akkord list`` see them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.store.models import Annotator, Document, DocumentState, Mention

COUNTED = ("manual", "accepted")


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: int
    title: str
    external_id: str | None
    date: PartialDate | None
    length: int
    mentions: int
    label_counts: dict[str, int] = field(default_factory=dict)
    status: str = "new"  # for the annotator asked about


def _title(title: str | None, external_id: str | None, doc_id: int) -> str:
    return title or external_id or f"document {doc_id}"


def list_documents(session: Session, annotator: str | None = None) -> list[DocumentSummary]:
    """Every document in import order, with mention counts (of ``annotator``'s layer, when
    given, else of all layers) and that annotator's status.

    Counts are of annotations (manual and accepted mentions), not of pending or rejected
    suggestions."""
    annotator_id = None
    if annotator is not None:
        annotator_id = session.scalar(select(Annotator.id).where(Annotator.name == annotator))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    query = select(Mention.document_id, Mention.label, func.count()).group_by(
        Mention.document_id, Mention.label).where(Mention.status.in_(COUNTED))
    if annotator is not None:
        query = query.where(Mention.annotator_id == annotator_id)
    for doc_id, label, count in session.execute(query):
        counts[doc_id][label] = count
    statuses: dict[int, str] = {}
    if annotator_id is not None:
        statuses = dict(session.execute(
            select(DocumentState.document_id, DocumentState.status)
            .where(DocumentState.annotator_id == annotator_id)).all())
    rows = session.execute(select(
        Document.id, Document.title, Document.external_id, Document.date_value,
        func.length(Document.text)).order_by(Document.id))
    return [
        DocumentSummary(
            id=doc_id, title=_title(title, external_id, doc_id), external_id=external_id,
            date=PartialDate.parse(date_value) if date_value else None, length=length,
            mentions=sum(counts[doc_id].values()), label_counts=dict(counts[doc_id]),
            status=statuses.get(doc_id, "new"))
        for doc_id, title, external_id, date_value, length in rows
    ]
