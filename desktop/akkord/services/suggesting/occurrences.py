"""Annotate all occurrences: from one mention, the same form (and its inflections)
everywhere else in the document or the project, proposed with the same label and entity;
for a person's name of two or three capitalised words, the surname alone too ("Putin",
"Putins" from "Vladimir Putin", as pre-annotation finds it:
:func:`~akkord.services.suggesting.preannotate.surname`).

The form is matched like pre-annotation matches names (whole words, lemmas, genitives,
capitals; :mod:`akkord.services.suggesting.matcher`); forms the layer rejected more
often than it kept are left out (:mod:`.rejections`), and places the layer already has a
mention of the label overlapping, or any mention with the same span, are skipped. The
result is a list per document, to be written with
:func:`~akkord.services.suggesting.writing.write_suggestions` and reviewed one by one.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from akkord.errors import AkkordError
from akkord.services.suggesting.matcher import NameEntry, NameMatcher
from akkord.services.suggesting.model import OCCURRENCE, Suggestion
from akkord.services.suggesting.preannotate import Occupied, document_mentions, surname
from akkord.services.suggesting.rejections import RejectedForms, rejected_forms
from akkord.store.models import Document, Mention
from akkord.textproc.lemmas import as_written, words

_KIND = "occurrence"


def occurrences(session: Session, annotator_id: int, mention_id: int, *,
                project_wide: bool = False, rejected: RejectedForms | None = None
                ) -> dict[int, list[Suggestion]]:
    """Document id → the other occurrences of the mention's form there (see the module
    docstring). Raises :class:`AkkordError` when the mention is not in the layer."""
    source = session.execute(
        select(Mention.document_id, Mention.start, Mention.end, Mention.label,
               Mention.entity_id)
        .where(Mention.id == mention_id, Mention.annotator_id == annotator_id)).first()
    if source is None:
        raise AkkordError(f"mention {mention_id} is not in this annotator's layer")
    text = session.scalar(select(Document.text).where(Document.id == source.document_id))
    form = as_written(text or "", source.start, source.end)
    if not words(form):
        return {}
    last = surname(form)  # "Vladimir Putin" → "Putin", "Putins" too
    matcher = NameMatcher([NameEntry(source.entity_id or 0, _KIND, f)
                           for f in (form, last) if f is not None])
    refused = rejected if rejected is not None else rejected_forms(session, annotator_id)
    out: dict[int, list[Suggestion]] = {}
    for document_id, doc_text in _documents(session, source.document_id, project_wide):
        occupied = Occupied(len(doc_text),
                             document_mentions(session, annotator_id, document_id))
        found = refused.keep(doc_text, (
            Suggestion(m.start, m.end, source.label, OCCURRENCE, source.entity_id, m.score,
                       None)
            for m in matcher.find(doc_text, occupied.blocker(source.label))))
        if found:
            out[document_id] = found
    return out


def _documents(session: Session, document_id: int, project_wide: bool
               ) -> Iterator[tuple[int, str]]:
    if not project_wide:
        text = session.scalar(select(Document.text).where(Document.id == document_id))
        if text is not None:
            yield document_id, text
        return
    last = 0
    while True:  # in batches, so a 10,000-document project is never all in memory
        batch = session.execute(select(Document.id, Document.text).where(Document.id > last)
                                .order_by(Document.id).limit(200)).all()
        if not batch:
            return
        yield from ((row.id, row.text) for row in batch)
        last = batch[-1].id
