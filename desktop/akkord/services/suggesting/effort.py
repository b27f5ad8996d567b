"""What annotating costs a person, with suggestions off and on: the replay's counting model.

:func:`replay` annotates a corpus again from its gold layer, in publication order, in a
fresh project that starts with the texts and no entities, and counts the keys and
clicks a person would need in the window. It uses the real services — the link picker's
ranking, :func:`remember_alias`, the name matcher, occurrences, the recommender and
:func:`write_suggestions` — and writes the layer as it goes, so what is learnt from one
document is what the next one gets. (The window's own edit path will replay through
the annotation session; this is the model of the counting, kept free of Qt.)

The counting model, one action = one key press or one mouse gesture:

* **a mention made by hand**: a double-click on its first word (1) and Shift+→ for each
  further word, the label key (1), and, for a label that links to an entity, the
  picker: Enter when the right entity is on top (1); otherwise the letters of its name
  typed until it is (then Enter); a new entity is Enter (the picker creates it from the
  mention's text; choosing its canonical name is entity work, like its attributes).
* **a suggestion** is reviewed in the review list, one key each: Enter accepts, Delete
  rejects, and the list moves on to the next (1); an accepted suggestion linked to the
  wrong entity (or to none) costs opening the picker (1) and the picker on top. With
  suggestions on, the time tagger's suggestions (:mod:`akkord.services.dating`) are
  there too, as the window shows them on a new document.
* **annotate all occurrences** (suggestions on): after a form is linked by hand, when it
  occurs again in the document, one key asks for all of them; each is then a suggestion.
* **relations**: R, a Tab to the other mention, Enter (3 each), the same in both modes.
* Attribute values (dates of meetings, statuses) are not counted: suggestions do not
  change them.

The picker's **top-1 accuracy** is probed on every gold mention linked to an entity that
already had a mention, by hand or through a suggestion, just before it is annotated: is
the entity the first candidate for the mention's text? Counted twice: over all such
mentions (*entity seen before*), and over those whose form (or an inflection of it) was
linked before (*form seen before*: what remembering can know).
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.document import Part
from akkord.domain.entities import entity_key
from akkord.domain.schema import Schema
from akkord.services.linking import CandidatePool, candidate_pool, rank_candidates
from akkord.services.progress import SILENT, Progress
from akkord.services.suggesting.aliases import remember_alias
from akkord.services.suggesting.model import TIMEX, Suggestion
from akkord.services.suggesting.occurrences import occurrences
from akkord.services.suggesting.pipeline import Suggesters, merge, suggest_document
from akkord.services.suggesting.preannotate import load_matcher
from akkord.services.suggesting.recommender import (
    NotTrained,
    Recommender,
    Settings,
    annotated_count,
    training_examples,
)
from akkord.services.suggesting.writing import write_suggestions
from akkord.store.models import Document, DocumentState, Entity, Mention, Relation
from akkord.store.project import Project
from akkord.textproc.lemmas import fold, phrase_keys, sentence_initial, words

RELATION_ACTIONS = 3


@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int
    end: int
    label: str
    entity: str | None = None  # the gold entity's key
    name: str | None = None  # and its name (the replay creates it under that name)
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class GoldRelation:
    """A relation of the gold layer, between the places of its two mentions."""

    type: str
    head: tuple[int, int, str]  # (start, end, label)
    tail: tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class GoldDocument:
    text: str
    title: str | None
    date: PartialDate | None
    meta: dict[str, object]
    mentions: tuple[GoldMention, ...]
    relations: int
    parts: tuple[Part, ...] = ()
    links: tuple[GoldRelation, ...] = ()  # the relations themselves (``relations`` of them)


@dataclass(slots=True)
class Effort:
    """What the replay counted."""

    actions: int = 0
    mention_actions: int = 0
    relation_actions: int = 0
    mentions: int = 0
    by_hand: int = 0
    accepted: int = 0
    rejected: int = 0
    relinked: int = 0
    adjusted: int = 0  # suggestions whose extent was moved, then accepted (the window's replay)
    relabelled: int = 0  # given another label from the review list, then linked (ditto)
    suggested_relations: int = 0  # relations taken from the suggested ones
    rejected_relations: int = 0
    picker_seen: int = 0  # linked gold mentions of an entity seen before
    picker_top1: int = 0  # … where it was the picker's first candidate
    form_seen: int = 0  # … of a form linked before
    form_top1: int = 0
    per_document: list[int] = field(default_factory=list)

    @property
    def picker_accuracy(self) -> float:
        return self.picker_top1 / self.picker_seen if self.picker_seen else 1.0

    @property
    def form_accuracy(self) -> float:
        return self.form_top1 / self.form_seen if self.form_seen else 1.0


def gold_documents(session: Session, annotator: str = "gold") -> list[GoldDocument]:
    """The layer's made and accepted mentions of every document, in publication order."""
    annotator_id = Project.annotator_id(session, annotator)
    entities = {e.id: (e.key, e.name, e.kind) for e in session.execute(
        select(Entity.id, Entity.key, Entity.name, Entity.kind))}
    mentions: dict[int, list[GoldMention]] = defaultdict(list)
    for doc, start, end, label, entity_id in session.execute(
            select(Mention.document_id, Mention.start, Mention.end, Mention.label,
                   Mention.entity_id).where(Mention.annotator_id == annotator_id,
                                            Mention.status.in_(("manual", "accepted")))
            .order_by(Mention.document_id, Mention.start, Mention.end.desc())):
        key, name, kind = entities.get(entity_id, (None, None, None)) if entity_id else (
            None, None, None)
        mentions[doc].append(GoldMention(start, end, label, key, name, kind))
    relations: dict[int, int] = defaultdict(int)
    links: dict[int, list[GoldRelation]] = defaultdict(list)
    places = {m.id: (m.document_id, m.start, m.end, m.label) for m in session.execute(
        select(Mention.id, Mention.document_id, Mention.start, Mention.end, Mention.label)
        .where(Mention.annotator_id == annotator_id))}
    for type_, head, tail in session.execute(
            select(Relation.type, Relation.head_id, Relation.tail_id)
            .where(Relation.annotator_id == annotator_id).order_by(Relation.id)):
        doc = places[head][0]
        relations[doc] += 1
        links[doc].append(GoldRelation(type_, places[head][1:], places[tail][1:]))
    docs = session.execute(select(Document).order_by(Document.date_earliest, Document.id)
                           ).scalars().all()
    return [GoldDocument(d.text, d.title, PartialDate.parse(d.date_value) if d.date_value
                         else None, dict(d.meta), tuple(mentions[d.id]), relations[d.id],
                         tuple(Part.from_list(p) for p in d.parts or []), tuple(links[d.id]))
            for d in docs]


class _Replay:
    def __init__(self, project: Project, annotator_id: int, suggestions: bool) -> None:
        self.project = project
        self.schema: Schema = project.schema
        self.annotator_id = annotator_id
        self.suggestions = suggestions
        self.effort = Effort()
        self.entities: dict[str, int] = {}  # gold key → replay entity id
        self.used: set[int] = set()  # entities with a mention so far
        self.forms: set[tuple[str, ...]] = set()  # keys of the forms linked so far
        self.recommender = Recommender(Settings())
        self.pools: dict[str, CandidatePool] = {}  # the picker's last pool per kind

    # -- the picker ----------
    def _opened(self, session: Session, kind: str) -> CandidatePool:
        """What the picker reads when it opens, once per mention as in the window (its
        catalogue kept while the entities read the same)."""
        pool = self.pools[kind] = candidate_pool(session, kind, self.annotator_id,
                                                 previous=self.pools.get(kind))
        return pool

    def _top(self, session: Session, pool: CandidatePool, query: str) -> int | None:
        ranked = rank_candidates(session, pool.kind, query, self.annotator_id, limit=1,
                                 pool=pool)
        return ranked[0].entity_id if ranked else None

    def link_cost(self, session: Session, gold: GoldMention, surface: str) -> int:
        """The picker: Enter on the right top candidate, else letters typed (or a new
        entity named); creates the entity the first time it is needed."""
        assert gold.entity is not None and gold.kind is not None and gold.name is not None
        wanted = self.entities.get(gold.entity)
        if wanted is None:
            taken = set(session.scalars(select(Entity.key)))
            wanted = session.execute(insert(Entity).values(
                key=entity_key(gold.kind, gold.name, taken), kind=gold.kind, name=gold.name,
                version=1).returning(Entity.id)).scalar_one()
            self.entities[gold.entity] = wanted
            return 1
        pool = self._opened(session, gold.kind)
        if self._top(session, pool, surface) == wanted:
            return 1
        for typed in range(1, len(gold.name) + 1):
            if self._top(session, pool, gold.name[:typed]) == wanted:
                return typed + 1
        return len(gold.name) + 1

    # -- one document ----------
    def document(self, session: Session, doc_id: int, gold: GoldDocument,
                 suggested: Sequence[Suggestion]) -> int:
        cost = 0
        pending = {(m.start, m.end, m.label): m for m in gold.mentions}
        suggestions = list(suggested)
        written = write_suggestions(session, self.annotator_id, doc_id, suggestions)
        cost += self._review(session, gold, pending, suggestions, written.written_ids())
        for mention in gold.mentions:
            place = (mention.start, mention.end, mention.label)
            if place not in pending:
                continue
            del pending[place]
            by_hand, mention_id = self._by_hand(session, doc_id, gold, mention)
            cost += by_hand
            if self.suggestions and mention.entity is not None:
                cost += self._annotate_all(session, doc_id, gold, mention, mention_id,
                                           pending)
        self.effort.relation_actions += RELATION_ACTIONS * gold.relations
        return cost + RELATION_ACTIONS * gold.relations

    def _review(self, session: Session, gold: GoldDocument,
                pending: dict[tuple[int, int, str], GoldMention],
                suggestions: Sequence[Suggestion], ids: dict[tuple[int, int, str], int]
                ) -> int:
        cost = 0
        for s in suggestions:
            place = (s.start, s.end, s.label)
            mention_id = ids.get(place)
            if mention_id is None:
                continue
            cost += 1  # Enter (accept) or Delete (reject) in the review list
            target = pending.pop(place, None)
            if target is not None:
                self._probe(session, target, gold.text[s.start:s.end])
            if target is None:
                self.effort.rejected += 1
                session.execute(update(Mention).where(Mention.id == mention_id)
                                .values(status="rejected"))
                continue
            self.effort.accepted += 1
            entity = s.entity_id
            if target.entity is not None:
                wanted = self.entities.get(target.entity)
                if entity is None or entity != wanted:
                    self.effort.relinked += 1
                    cost += 1 + self.link_cost(session, target, gold.text[s.start:s.end])
                    entity = self.entities[target.entity]
                self._learn(session, gold.text, s.start, s.end, entity)
            session.execute(update(Mention).where(Mention.id == mention_id)
                            .values(status="accepted", entity_id=entity))
        return cost

    def _by_hand(self, session: Session, doc_id: int, gold: GoldDocument,
                 mention: GoldMention) -> tuple[int, int]:
        surface = gold.text[mention.start:mention.end]
        cost = max(1, len(words(surface))) + 1  # double-click, Shift+→ per word, label key
        entity = None
        if mention.entity is not None:
            self._probe(session, mention, surface)
            cost += self.link_cost(session, mention, surface)
            entity = self.entities[mention.entity]
            self._learn(session, gold.text, mention.start, mention.end, entity)
        mention_id = session.execute(insert(Mention).values(
            document_id=doc_id, annotator_id=self.annotator_id, start=mention.start,
            end=mention.end, label=mention.label, status="manual", entity_id=entity)
            .returning(Mention.id)).scalar_one()
        self.effort.by_hand += 1
        return cost, mention_id

    def _annotate_all(self, session: Session, doc_id: int, gold: GoldDocument,
                      mention: GoldMention, mention_id: int,
                      pending: dict[tuple[int, int, str], GoldMention]) -> int:
        """One key for every other occurrence of the form, then each reviewed (only when
        the form occurs again: the person sees that in the text)."""
        form = fold(gold.text[mention.start:mention.end])
        if not any(fold(gold.text[m.start:m.end]) == form and m.label == mention.label
                   for m in pending.values()):
            return 0
        found = occurrences(session, self.annotator_id, mention_id).get(doc_id, [])
        written = write_suggestions(session, self.annotator_id, doc_id, found)
        return 1 + self._review(session, gold, pending, found, written.written_ids())

    def _probe(self, session: Session, gold: GoldMention, surface: str) -> None:
        """Would the picker offer the right entity first? (See the module docstring.)"""
        wanted = self.entities.get(gold.entity or "")
        if wanted is None or wanted not in self.used or gold.kind is None:
            return
        right = self._top(session, self._opened(session, gold.kind), surface) == wanted
        self.effort.picker_seen += 1
        self.effort.picker_top1 += right
        if phrase_keys(surface) & self.forms:
            self.effort.form_seen += 1
            self.effort.form_top1 += right

    def _learn(self, session: Session, text: str, start: int, end: int, entity: int) -> None:
        self.used.add(entity)
        self.forms |= phrase_keys(text[start:end])
        remember_alias(session, entity, text[start:end],
                       sentence_initial=sentence_initial(text, start))

    # -- suggestions ----------
    def suggesters(self, session: Session) -> Suggesters:
        recommender = None
        if self.recommender.due(annotated_count(session, self.annotator_id)):
            with contextlib.suppress(NotTrained):  # too little annotated yet
                self.recommender.train(training_examples(session, self.annotator_id))
        if self.recommender.active_labels:
            recommender = self.recommender
        return Suggesters(load_matcher(session, self.schema, self.annotator_id), False,
                          recommender)


def _times(gold: GoldDocument, schema: Schema) -> list[Suggestion]:
    from akkord.services.dating import time_suggestions

    return [Suggestion(s.start, s.end, s.label, TIMEX, score=1.0)
            for s in time_suggestions(gold.text, gold.date, gold.parts, schema)]


def insert_documents(project: Project, documents: Sequence[GoldDocument], tag: str
                     ) -> list[int]:
    """Add the gold documents' texts (no annotation) to a project that holds no entity
    yet (a replay creates them as the gold first needs them); their ids, in order."""
    with project.write() as session:
        if session.scalar(select(Entity.id).limit(1)) is not None:
            raise ValueError("the replay needs a project without entities")
        return [session.execute(insert(Document).values(
            content_hash=f"replay-{tag}-{i}", text=d.text, title=d.title,
            date_value=d.date.value if d.date else None,
            date_earliest=d.date.earliest if d.date else None,
            date_latest=d.date.latest if d.date else None,
            date_precision=d.date.precision.value if d.date else None,
            meta=d.meta, parts=[p.as_list() for p in d.parts]).returning(Document.id)
            ).scalar_one()
            for i, d in enumerate(documents)]


def replay(project: Project, documents: Sequence[GoldDocument], *, suggestions: bool,
           annotator: str = "replay", progress: Progress = SILENT) -> Effort:
    """Annotate ``documents`` again in ``project`` (which must hold no entities: the
    replay creates them as the gold first needs them) and count the effort; see the
    module docstring. The documents are added to the project."""
    with project.write() as session:
        annotator_id = Project.annotator_id(session, annotator)
    doc_ids = insert_documents(project, documents, annotator)
    state = _Replay(project, annotator_id, suggestions)
    progress.start(len(documents), "replaying the gold annotation")
    try:
        for doc_id, gold in zip(doc_ids, documents, strict=True):
            progress.check("the replay")
            with project.write() as session:
                suggested: list[Suggestion] = []
                if suggestions:
                    suggested = merge(suggest_document(session, annotator_id, doc_id,
                                                       state.suggesters(session)),
                                      _times(gold, state.schema))
                cost = state.document(session, doc_id, gold, suggested)
                session.execute(insert(DocumentState).values(
                    document_id=doc_id, annotator_id=annotator_id, status="done"))
            state.effort.per_document.append(cost)
            state.effort.actions += cost
            state.effort.mentions += len(gold.mentions)
            progress.advance()
    finally:
        progress.finish()
    state.effort.mention_actions = state.effort.actions - state.effort.relation_actions
    return state.effort
