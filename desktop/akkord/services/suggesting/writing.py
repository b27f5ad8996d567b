"""Writing suggestions into an annotator's layer, and the place memory that stops them.

:func:`write_suggestions` works inside the caller's transaction (an edit, a CLI command,
a test) and never commits. A suggestion is written as a mention with status
``suggested``, its entity link, and ``origin`` / ``score`` / ``score_gap``. It is left
out when the layer already has a mention with the same span and label in any status: a
rejected suggestion stays rejected at that place (the ``rejected`` mention is the record
of it), an accepted one is not offered again, and writing the same suggestions twice
writes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from akkord.errors import AkkordError
from akkord.services.suggesting.model import ORIGINS, Suggestion, SuggestionCounts
from akkord.store.models import Document, Entity, Mention


class SuggestionError(AkkordError):
    """A suggestion does not fit the document (the message says which and why)."""


def existing_spans(session: Session, annotator_id: int, document_id: int
                   ) -> set[tuple[int, int, str]]:
    """``(start, end, label)`` of every mention of the layer in the document."""
    return {(s, e, label) for s, e, label in session.execute(
        select(Mention.start, Mention.end, Mention.label).where(
            Mention.document_id == document_id, Mention.annotator_id == annotator_id))}


def write_suggestions(session: Session, annotator_id: int, document_id: int,
                      suggestions: Iterable[Suggestion]) -> SuggestionCounts:
    """Write ``suggestions`` as pale mentions of the layer; see the module docstring.

    Raises :class:`SuggestionError` (and writes nothing) when a span is outside the
    document, an origin is unknown or an entity does not exist.
    """
    wanted = list(suggestions)
    text = session.scalar(select(Document.text).where(Document.id == document_id))
    if text is None:
        raise SuggestionError(f"document {document_id} is not in the project")
    length = len(text)  # not SQL length(): SQLite's stops at a NUL character
    entity_ids = {s.entity_id for s in wanted if s.entity_id is not None}
    known = set(session.scalars(select(Entity.id).where(Entity.id.in_(entity_ids)))) \
        if entity_ids else set()
    for s in wanted:
        if not 0 <= s.start < s.end <= length:
            raise SuggestionError(f"[{s.start}, {s.end}) is not a span of document "
                                  f"{document_id}")
        if s.origin not in ORIGINS:
            raise SuggestionError(f"{s.origin!r} is not a suggestion origin")
        if s.entity_id is not None and s.entity_id not in known:
            raise SuggestionError(f"entity {s.entity_id} no longer exists")
    taken = existing_spans(session, annotator_id, document_id)
    counts = SuggestionCounts()
    rows = []
    for s in wanted:
        place = (s.start, s.end, s.label)
        if place in taken:
            counts.skipped += 1
            continue
        taken.add(place)
        rows.append({"document_id": document_id, "annotator_id": annotator_id,
                     "start": s.start, "end": s.end, "label": s.label,
                     "status": "suggested", "entity_id": s.entity_id, "origin": s.origin,
                     "score": s.score, "score_gap": s.gap})
        counts.written[s.origin] = counts.written.get(s.origin, 0) + 1
        counts.places.append(place)
    if rows:
        counts.mention_ids = list(session.scalars(
            insert(Mention).returning(Mention.id, sort_by_parameter_order=True), rows))
    return counts
