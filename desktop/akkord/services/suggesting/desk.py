"""What a window reads to suggest, for one annotator's layer: the reading side of the
suggestion edits (:mod:`.edits`).

Each method opens its own read transaction and returns plain values (suggestions, review
items, training examples), so the window can compute suggestions, then write them with
an edit; and the recommender's worker thread can read its training examples through its
own :class:`SuggestionDesk` (one database session per thread, never shared).

The name matcher is built once and kept until :meth:`SuggestionDesk.forget_names` (the
window calls it when entities or aliases change); building it reads every name and alias
of the project.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.services.linking import CandidatePool, Offices, candidate_pool, rank_candidates
from akkord.services.projects import Project
from akkord.services.queries import chunks
from akkord.services.suggesting.clauses import document_clauses
from akkord.services.suggesting.model import Suggestion
from akkord.services.suggesting.occurrences import occurrences
from akkord.services.suggesting.offices import office_terms
from akkord.services.suggesting.preannotate import KnownNames, load_matcher, preannotate
from akkord.services.suggesting.recommender import (
    DEFAULT_THRESHOLD,
    THRESHOLD_SETTING,
    Example,
    LayerExamples,
    Recommender,
    annotated_count,
    recommend,
    training_examples,
)
from akkord.services.suggesting.rejections import RejectedForms, rejected_forms, signature
from akkord.services.suggesting.relations import RelationSuggestion, relation_suggestions
from akkord.services.suggesting.review import ReviewItem, review_queue
from akkord.services.views import Candidate
from akkord.store.columns import DOCUMENTS
from akkord.store.models import Document, Entity

TRAINING_DOCUMENTS = 300
"""What the window's recommender learns from at most: the layer's latest annotated
documents (a layer of 10,000 imported documents would take an hour to train on)."""


_DOCUMENT_DATE = select(DOCUMENTS.date_value).where(DOCUMENTS.id == bindparam("id"))


class SuggestionDesk:
    """Suggestions for the layer ``annotator_id`` of ``project`` (see the module docstring)."""

    def __init__(self, project: Project, annotator_id: int) -> None:
        self.project = project
        self.annotator_id = annotator_id
        self._names: KnownNames | None = None
        self._rejected: tuple[tuple[int, int], RejectedForms] | None = None
        self._lock = threading.Lock()
        # the last pool per kind: its catalogue is kept while the entities read the same
        self._pools: dict[str, CandidatePool] = {}

    # -- known names ----------
    def known_names(self) -> KnownNames:
        with self._lock:
            if self._names is None:
                with self.project.read() as session:
                    self._names = load_matcher(session, self.project.schema, self.annotator_id)
            return self._names

    def forget_names(self) -> None:
        """Names or aliases changed: the matcher is built again when next needed."""
        with self._lock:
            self._names = None

    def rejected_forms(self, session: Session) -> RejectedForms:
        """The layer's tally of rejected forms, read again when its rejections changed."""
        mark = signature(session, self.annotator_id)
        with self._lock:
            if self._rejected is None or self._rejected[0] != mark:
                self._rejected = (mark, rejected_forms(session, self.annotator_id))
            return self._rejected[1]

    def preannotation(self, document_id: int) -> list[Suggestion]:
        """The project's known names and offices in the document, as suggestions."""
        known = self.known_names()
        with self.project.read() as session:
            return preannotate(session, known, self.annotator_id, document_id,
                               self.rejected_forms(session))

    def clauses(self, document_id: int) -> list[Suggestion]:
        """Clauses (demands) after the triggers the layer's own clauses show."""
        with self.project.read() as session:
            return document_clauses(session, self.annotator_id, document_id)

    def occurrences(self, mention_id: int, *, project_wide: bool
                    ) -> dict[int, list[Suggestion]]:
        """Every other occurrence of the mention's form (document id → suggestions)."""
        with self.project.read() as session:
            return occurrences(session, self.annotator_id, mention_id,
                               project_wide=project_wide,
                               rejected=self.rejected_forms(session))

    def candidate_pool(self, kind: str, document_id: int | None = None) -> CandidatePool:
        """What ranking reads for ``kind`` (the entities, their uses, the offices on the
        document's date), read once for the keys typed into one opening of the picker."""
        with self.project.read() as session:
            pool = candidate_pool(session, kind, self.annotator_id,
                                  self._offices(session, kind, document_id),
                                  self._pools.get(kind))
        self._pools[kind] = pool
        return pool

    def _offices(self, session: Session, kind: str, document_id: int | None
                 ) -> Offices | None:
        """The offices among the entities of ``kind``, on the document's date."""
        if document_id is None:
            return None
        terms = office_terms(session, self.project.schema, [kind])
        if not terms:
            return None
        value = session.connection().execute(_DOCUMENT_DATE, {"id": document_id}).scalar()
        return Offices(terms, PartialDate.parse(value) if value else None)

    def candidates(self, kind: str, query: str, document_id: int | None = None,
                   context: Mapping[int, int] | frozenset[int] = frozenset(),
                   nearest: Sequence[int] = (), written: str | None = None,
                   pool: CandidatePool | None = None) -> list[Candidate]:
        """The picker's ranking; an office is followed by its holder on the document's
        date (so Enter links the person); among equal matches, the entities in
        ``context`` (linked in the document already; a mapping: how often) first;
        ``nearest`` and ``written`` as :func:`~akkord.services.linking.rank_candidates`;
        ``pool``: :meth:`candidate_pool` of the same kind and document, read before."""
        with self.project.read() as session:
            if pool is None:
                pool = candidate_pool(session, kind, self.annotator_id,
                                      self._offices(session, kind, document_id))
            return rank_candidates(session, kind, query, self.annotator_id,
                                   context=context, nearest=nearest, written=written,
                                   pool=pool)

    def relation_suggestions(self, document_id: int) -> list[RelationSuggestion]:
        """Relations proposed in the document from records and sentences."""
        with self.project.read() as session:
            return relation_suggestions(session, self.project.schema, self.annotator_id,
                                        document_id)

    # -- the review list ----------
    def queue(self, document_id: int | None = None, *, by_gap: bool = False
              ) -> list[ReviewItem]:
        with self.project.read() as session:
            return review_queue(session, self.annotator_id, document_id, by_gap=by_gap)

    def names(self, entity_ids: Iterable[int]) -> dict[int, str]:
        """Entity id → name (for the review list's rows)."""
        wanted = sorted(set(entity_ids))
        out: dict[int, str] = {}
        with self.project.read() as session:
            for chunk in chunks(wanted):
                out.update((row.id, row.name) for row in session.execute(
                    select(Entity.id, Entity.name).where(Entity.id.in_(chunk))))
        return out

    def titles(self, document_ids: Iterable[int]) -> dict[int, str]:
        """Document id → its title (or external id)."""
        wanted = sorted(set(document_ids))
        out: dict[int, str] = {}
        with self.project.read() as session:
            for chunk in chunks(wanted):
                out.update((row.id, row.title or row.external_id or f"document {row.id}")
                           for row in session.execute(
                               select(Document.id, Document.title, Document.external_id)
                               .where(Document.id.in_(chunk))))
        return out

    # -- the recommender ----------
    def training_examples(self) -> list[Example]:
        """The layer's latest :data:`TRAINING_DOCUMENTS` annotated documents."""
        with self.project.read() as session:
            return training_examples(session, self.annotator_id,
                                     max_documents=TRAINING_DOCUMENTS)

    def example_source(self) -> LayerExamples:
        """:meth:`training_examples`, to be read by the training's own process."""
        return LayerExamples(self.project.url, self.annotator_id, TRAINING_DOCUMENTS)

    def annotated_count(self) -> int:
        with self.project.read() as session:
            return annotated_count(session, self.annotator_id)

    def recommendations(self, recommender: Recommender, document_id: int) -> list[Suggestion]:
        with self.project.read() as session:
            return recommend(session, recommender, self.annotator_id, document_id)

    def threshold(self) -> float:
        stored = self.project.setting(THRESHOLD_SETTING)
        try:
            value = float(stored) if stored is not None else DEFAULT_THRESHOLD
        except ValueError:
            return DEFAULT_THRESHOLD
        return value if 0.0 <= value <= 1.0 else DEFAULT_THRESHOLD


__all__ = ["THRESHOLD_SETTING", "SuggestionDesk"]
