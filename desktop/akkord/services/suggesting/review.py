"""Reviewing suggestions: the list the window shows, and accepting or rejecting them.

Each function works inside the caller's transaction (one review action = one edit) and
returns what it changed, so the edit's inverse is :func:`undo_review`.

* :func:`review_queue` lists the layer's pending suggestions with their origin, score and
  gap: by position (reading order), or least certain first (``by_gap``: the margin
  active learning looks at).
* :func:`accept` turns suggestions into ``accepted`` mentions and remembers each linked
  one's form as an alias of its entity (linking that remembers); :func:`reject` makes
  them ``rejected``, which keeps them from being proposed there again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from akkord.services.queries import chunks
from akkord.services.suggesting.aliases import forget_alias, remembered_alias
from akkord.store.models import Document, Mention
from akkord.textproc.lemmas import sentence_initial


@dataclass(frozen=True, slots=True)
class ReviewItem:
    mention_id: int
    document_id: int
    start: int
    end: int
    label: str
    entity_id: int | None
    origin: str | None
    score: float | None
    gap: float | None
    text: str  # the suggested span's text


@dataclass(frozen=True, slots=True)
class ReviewChange:
    """What a review action did: the mentions it moved out of ``suggested`` (to
    ``status``) and the aliases it added (entity id, alias)."""

    mention_ids: tuple[int, ...]
    status: str
    aliases: tuple[tuple[int, str], ...] = ()


def review_queue(session: Session, annotator_id: int, document_id: int | None = None, *,
                 by_gap: bool = False) -> list[ReviewItem]:
    """The layer's pending suggestions (of one document, or all)."""
    # The span's text in SQL: selecting the document's text for every row would copy a
    # 180 KB article once per suggestion (2,000 of them: 400 MB).
    surface = func.substr(Document.text, Mention.start + 1, Mention.end - Mention.start)
    query = (select(Mention.id, Mention.document_id, Mention.start, Mention.end,
                    Mention.label, Mention.entity_id, Mention.origin, Mention.score,
                    Mention.score_gap, surface.label("surface"))
             .join(Document, Document.id == Mention.document_id)
             .where(Mention.annotator_id == annotator_id, Mention.status == "suggested"))
    if document_id is not None:
        query = query.where(Mention.document_id == document_id)
    items = [ReviewItem(r.id, r.document_id, r.start, r.end, r.label, r.entity_id, r.origin,
                        r.score, r.score_gap, r.surface or "")
             for r in session.execute(query)]
    if by_gap:
        return sorted(items, key=lambda i: (i.gap if i.gap is not None else 1.0,
                                            i.document_id, i.start))
    return sorted(items, key=lambda i: (i.document_id, i.start, -i.end))


def _pending(session: Session, annotator_id: int, ids: Sequence[int]) -> list[int]:
    return [found for chunk in chunks(list(ids)) for found in session.scalars(
        select(Mention.id).where(Mention.id.in_(chunk), Mention.annotator_id == annotator_id,
                                 Mention.status == "suggested"))]


def _set_status(session: Session, ids: Sequence[int], status: str,
                where_status: str | None = None) -> None:
    for chunk in chunks(list(ids)):
        query = update(Mention).where(Mention.id.in_(chunk))
        if where_status is not None:
            query = query.where(Mention.status == where_status)
        session.execute(query.values(status=status))


def accept(session: Session, annotator_id: int, mention_ids: Sequence[int]) -> ReviewChange:
    """Accept the given suggestions (others are left alone) and remember their forms."""
    ids = _pending(session, annotator_id, mention_ids)
    if not ids:
        return ReviewChange((), "accepted")
    _set_status(session, ids, "accepted")
    added: list[tuple[int, str]] = []
    for chunk in chunks(ids):
        for start, end, entity_id, text in session.execute(
                select(Mention.start, Mention.end, Mention.entity_id, Document.text)
                .join(Document, Document.id == Mention.document_id)
                .where(Mention.id.in_(chunk), Mention.entity_id.is_not(None))
                .order_by(Mention.document_id, Mention.start)):
            if entity_id is None:
                continue
            alias = remembered_alias(session, entity_id, text[start:end],
                                     sentence_initial=sentence_initial(text, start))
            if alias is not None:
                added.append((entity_id, alias))
    return ReviewChange(tuple(ids), "accepted", tuple(added))


def reject(session: Session, annotator_id: int, mention_ids: Sequence[int]) -> ReviewChange:
    """Reject the given suggestions: they stay as ``rejected`` marks of the place."""
    ids = _pending(session, annotator_id, mention_ids)
    _set_status(session, ids, "rejected")
    return ReviewChange(tuple(ids), "rejected")


def undo_review(session: Session, change: ReviewChange) -> None:
    """Put the mentions back to ``suggested`` and forget the aliases the action added."""
    _set_status(session, change.mention_ids, "suggested", change.status)
    for entity_id, alias in change.aliases:
        forget_alias(session, entity_id, alias)
