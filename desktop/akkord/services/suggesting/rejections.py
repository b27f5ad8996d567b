"""Forms the layer keeps rejecting: they are no longer proposed.

A common noun remembered as an alias ("møter", "land", "samtalene") is found everywhere
and rejected nearly everywhere. :func:`rejected_forms` tallies, per label and form
(case-folded, :func:`~akkord.textproc.lemmas.fold`), how often
the layer rejected a name or occurrence suggestion of it that proposed an entity, and how
often it kept that form (made or accepted a mention of the label with the same form,
linked to one of the entities the rejections proposed). Unlinked suggestions (occurrences
of an unlinked mention) are not tallied: counting what was kept of them would read every
unlinked mention of the layer. A form
rejected more often than kept (a genitive counting what is kept of the form it is the
genitive of: *Natos* rejected where the mention was "Natos utenriksministre", *Nato* kept
for the alliance) is no longer pre-annotated (:mod:`.preannotate`) nor
proposed as an occurrence (:mod:`.occurrences`, :mod:`.pipeline`).

The tally is computed from the layer's mentions, never stored: a rejection is a mention
whose status is ``rejected``, so undoing it (an edit, :class:`~.edits.UndoReview`)
restores the tally by itself, and two windows always agree. It reads only the layer's
rejected mentions (index ``ix_mentions_annotator_status``) with their form cut out in SQL
(``substr``), then the kept mentions of the entities they name that have the length of a
rejected form (index on ``entity_id``): a layer without rejections costs one index probe.
A window keeps the tally until the layer's rejections change (:func:`signature`; 0.5 s of
CPU to read in a 10,000-document layer with 2,000 rejections of entities it linked 40,000
times), so what it keeps in between counts from the next rejection or undo on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from akkord.services.queries import chunks
from akkord.services.suggesting.model import ALIAS, OCCURRENCE, OFFICE, Suggestion
from akkord.store.models import Document, Mention
from akkord.textproc.lemmas import fold, genitive_base

FormKey = tuple[str, str]
"""A label and a form, case-folded: ``("MEETING", "møter")``."""

TALLIED_ORIGINS = (ALIAS, OCCURRENCE, OFFICE)
"""The suggestions whose rejections count: names and occurrences (not the time tagger's,
nor the recommender's, which learns from what the layer keeps)."""

_KEPT = ("manual", "accepted")


@dataclass(frozen=True, slots=True)
class RejectedForms:
    """The forms not to propose again, and the tally they come from."""

    keys: frozenset[FormKey] = frozenset()
    rejected: dict[FormKey, int] = field(default_factory=dict)
    kept: dict[FormKey, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def blocks(self, label: str, surface: str) -> bool:
        """Whether a suggestion of ``label`` with this text is one the layer keeps
        rejecting."""
        return bool(self.keys) and (label, _key(surface)) in self.keys

    def keep(self, text: str, suggestions: Iterable[Suggestion]) -> list[Suggestion]:
        """The suggestions (in ``text``) whose form is not blocked."""
        if not self.keys:
            return list(suggestions)
        return [s for s in suggestions if not self.blocks(s.label, text[s.start:s.end])]


def _key(form: str) -> str:
    """The form as compared: case-folded, spaces collapsed. Not its lemmas: the layer
    keeps "møtet" (the meeting the article is about) and rejects "møter" (meetings at
    large); one lemma would let either decide for both."""
    return fold(form)


def _form() -> ColumnElement[str]:
    """The mention's text, cut out of its document by the database (1-based ``substr``)."""
    return func.substr(Document.text, Mention.start + 1, Mention.end - Mention.start)


def signature(session: Session, annotator_id: int) -> tuple[int, int]:
    """How many mentions the layer has rejected, and the last one's id: what a cached
    tally is checked against (a rejection, or its undo, changes it; one index range)."""
    count, last = session.execute(select(func.count(), func.max(Mention.id)).where(
        Mention.annotator_id == annotator_id, Mention.status == "rejected")).one()
    return int(count or 0), int(last or 0)


def rejected_forms(session: Session, annotator_id: int) -> RejectedForms:
    """The layer's tally and the forms it rejected more often than it kept (see the
    module docstring)."""
    rejected: Counter[FormKey] = Counter()
    entities: set[int] = set()
    lengths: set[int] = set()
    for label, entity_id, form in session.execute(
            select(Mention.label, Mention.entity_id, _form())
            .join(Document, Document.id == Mention.document_id)
            .where(Mention.annotator_id == annotator_id, Mention.status == "rejected",
                   Mention.origin.in_(TALLIED_ORIGINS), Mention.entity_id.is_not(None))):
        rejected[(label, _key(form or ""))] += 1
        entities.add(entity_id or 0)  # never 0: only linked rejections are read
        lengths.add(len(form or ""))
    if not rejected:
        return RejectedForms()
    # a genitive counts what is kept of the form it is the genitive of (Natos, Nato)
    bases: dict[FormKey, list[FormKey]] = {}
    for label, form in rejected:
        base = genitive_base(form)
        if base is not None:
            bases.setdefault((label, base), []).append((label, form))
            lengths.add(len(base))
    kept: Counter[FormKey] = Counter()
    for chunk in chunks(sorted(entities)):
        for kept_label, kept_form in session.execute(
                select(Mention.label, _form()).join(Document, Document.id == Mention.document_id)
                .where(Mention.entity_id.in_(chunk), Mention.annotator_id == annotator_id,
                       Mention.status.in_(_KEPT), (Mention.end - Mention.start).in_(lengths))):
            key = (kept_label, _key(kept_form or ""))
            if key in rejected:
                kept[key] += 1
            for genitive in bases.get(key, ()):
                kept[genitive] += 1
    blocked = frozenset(k for k, n in rejected.items() if n > kept.get(k, 0))
    return RejectedForms(blocked, dict(rejected), dict(kept))
