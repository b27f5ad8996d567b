"""A document's status in a layer (new, in progress, done), and the mark the layer's
first decision in a document leaves: the edits of mentions, relations and suggestions
return its inverse with theirs, so undoing that decision makes the document new again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update

from akkord.domain.statuses import DocumentStatus, document_status
from akkord.services.edits.base import Applied, ChangeSet, Edit, EditError, UnitOfWork
from akkord.services.edits.rows import document_title, touch
from akkord.store.models import DocumentState


def started(uow: UnitOfWork, doc_id: int, decided: bool = True) -> list[Edit]:
    """Mark the document "in progress" at the layer's first decision in it, and return
    the inverse of that mark when this edit made it (adding or removing a mere
    suggestion is not a decision and leaves the document "new")."""
    if decided and touch(uow, doc_id):
        return [SetStatus(doc_id, None)]
    return []


@dataclass(frozen=True, slots=True)
class SetStatus(Edit):
    """The layer's status of a document; ``None`` removes it (the document is new)."""

    document_id: int
    status: str | None

    @property
    def text(self) -> str:
        return f"Mark {self.status or 'new'}"

    def apply(self, uow: UnitOfWork) -> Applied:
        status = None if self.status is None else document_status(self.status)
        if self.status is not None and status is None:
            raise EditError(f"{self.status!r} is not a document status")
        document_title(uow.session, self.document_id)  # refuses a vanished document
        where = (DocumentState.document_id == self.document_id,
                 DocumentState.annotator_id == uow.annotator_id)
        old = uow.session.scalar(select(DocumentState.status).where(*where))
        uow.session.execute(delete(DocumentState).where(*where))
        if status is not None and status is not DocumentStatus.NEW:
            touch(uow, self.document_id)
            uow.session.execute(update(DocumentState).where(*where).values(status=status.value))
        return Applied(ChangeSet.of(documents=[self.document_id]),
                       SetStatus(self.document_id, old))
