"""Relations suggested from the sentence they stand in, calibrated by the layer's own.

Relations are typed links between two mentions, most of them in one sentence; and a
relation that ``fills`` an attribute states what the canonical entity records (ACTOR
–participant→ MEETING adds the actor to the meeting's participants). Every ordered pair
of mentions of one sentence that the schema allows a type for is a **candidate**, and
is described by a few discrete cues:

* where the two stand: one inside the other ("Genève" in "samtalene i Genève", "Nato"
  in the demand "at Nato ikke utvides"), or which comes first, and how many words lie
  between them;
* whether each is the nearest mention of its label to the other, and the only one of
  its label in the sentence;
* whether a side is a modifier of the mention right after it (the genitive "USAs" in
  "USAs viseutenriksminister Wendy Sherman": the person takes part, not the state);
* whether **the record** supports it: another document already stated it (Lavrov, and a
  meeting whose participants include Lavrov; a TIME whose date is the meeting's date;
  a PLACE that is its place). Values stated in the candidate's own document do not
  count, so that what the layer learns from its past documents is what it meets in a
  new one.

The layer's own decided relations in its latest documents are the training data: every
candidate of those documents is a positive (related by that type) or a negative example,
and a naive Bayes model per relation type (Laplace-smoothed counts of the cues) gives
each candidate of the open document a probability (``score``). A candidate is proposed
when that probability reaches :data:`MIN_SCORE`: a wrong proposal costs one click to
leave out, a right one saves three keys, so proposals pay from one chance in four; the
threshold stays a little above that because the model's probabilities are rough.
Before the layer has related :data:`MIN_PATTERN_SEEN` pairs of a type, there is nothing
to learn from: only what the records support is proposed, and a pair nested one in the
other that no other type could relate ("Genève" in "samtalene i Genève").

Relations the layer already has are never proposed. The window lists the proposals
with a check box each (all checked) and adds the checked ones as one edit; nothing is
stored for a proposal, so nothing is left behind when it is not taken.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.schema import RelationType, Schema
from akkord.services.queries import chunks
from akkord.services.suggesting.features import sentences_of, tokens_of
from akkord.store.models import Document, EntityValue, Mention, MentionValue, Relation

RECORD = "record"  # the record supports it
SENTENCE = "sentence"  # the sentence's cues, as the layer related such pairs before
DECIDED = ("manual", "accepted")
MIN_SCORE = 0.3  # the probability from which a candidate is proposed
PRIOR_SCORE = 0.5  # a record-supported or nested candidate's before the layer has examples
MIN_PATTERN_SEEN = 3  # relations of a type the layer must have made before it learns
PATTERN_DOCUMENTS = 100  # the layer's documents with the latest relations it learns from

Records = dict[tuple[int, str], dict[int | str, set[int | None]]]


@dataclass(frozen=True, slots=True)
class RelationSuggestion:
    type: str
    head: int  # mention ids
    tail: int
    reason: str  # RECORD or SENTENCE
    score: float = 1.0  # the model's probability that the layer relates them so


@dataclass(frozen=True, slots=True)
class _Mention:
    id: int
    start: int
    end: int
    label: str
    entity_id: int | None
    date: str | None  # a TIME mention's date value
    sentence: int
    first: int  # token indices
    last: int
    text: str


@dataclass(slots=True)
class _Document:
    id: int
    mentions: list[_Mention]
    by_sentence: dict[int, list[_Mention]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[int, list[_Mention]] = defaultdict(list)
        for m in sorted(self.mentions, key=lambda m: (m.start, -m.end)):
            grouped[m.sentence].append(m)
        self.by_sentence = dict(grouped)


def _document(session: Session, annotator_id: int, document_id: int) -> _Document:
    row = session.execute(select(Document.text, Document.meta)
                          .where(Document.id == document_id)).first()
    if row is None:
        return _Document(document_id, [])
    tokens = tokens_of(row.text, row.meta or {})
    token_starts = [t[0] for t in tokens]
    starts = [tokens[first][0] for first, last in sentences_of(row.text, row.meta or {},
                                                                 tokens) if last > first]
    rows = session.execute(select(Mention.id, Mention.start, Mention.end, Mention.label,
                                  Mention.entity_id).where(
        Mention.document_id == document_id, Mention.annotator_id == annotator_id,
        Mention.status.in_(DECIDED))).all()
    dates: dict[int, str] = {}
    for chunk in chunks([r.id for r in rows]):
        for mention_id, value in session.execute(
                select(MentionValue.mention_id, MentionValue.date_value).where(
                    MentionValue.mention_id.in_(chunk), MentionValue.date_value.is_not(None))):
            if value is not None:
                dates.setdefault(mention_id, value)
    return _Document(document_id, [_Mention(
        r.id, r.start, r.end, r.label, r.entity_id, dates.get(r.id),
        bisect.bisect_right(starts, r.start) - 1,
        bisect.bisect_right(token_starts, r.start) - 1,
        max(bisect.bisect_left(token_starts, r.end) - 1, 0), row.text[r.start:r.end])
        for r in rows])


def _records(session: Session, entity_ids: Sequence[int]) -> Records:
    """(entity, attribute) → each entity (ref) or date value its record holds → the
    documents whose mentions state it (``None``: stated without a mention)."""
    out: Records = defaultdict(lambda: defaultdict(set))
    for chunk in chunks(sorted(set(entity_ids))):
        for entity_id, attribute, ref, date, document_id in session.execute(
                select(EntityValue.entity_id, EntityValue.attribute, EntityValue.ref_id,
                       EntityValue.date_value, Mention.document_id)
                .outerjoin(Mention, Mention.id == EntityValue.evidence_id)
                .where(EntityValue.entity_id.in_(chunk))):
            for value in (ref, date):
                if value is not None:
                    out[(entity_id, attribute)][value].add(document_id)
    return out


def _owner_side(schema: Schema, rtype: RelationType) -> dict[str, str]:
    """Label → ``"head"`` or ``"tail"``: on which side a mention of that label holds the
    attribute the relation fills (as :mod:`akkord.services.edits.relations` fills it)."""
    out: dict[str, str] = {}
    for side, labels in (("tail", rtype.tails), ("head", rtype.heads)):
        for label in labels:
            kind = schema.kind_of_label(label)
            if kind is not None and any(a.name == rtype.fills for a in kind.attributes):
                out.setdefault(label, side)
    return out


def _supported(schema: Schema, rtype: RelationType, head: _Mention, tail: _Mention,
               records: Records, document_id: int) -> bool:
    """Does another document (or a value typed by hand) state what the pair would?"""
    sides = _owner_side(schema, rtype)
    if rtype.fills is None or not ({sides.get(tail.label), sides.get(head.label)}
                                   & {"head", "tail"}):
        return False
    owner, other = (tail, head) if sides.get(tail.label) == "tail" else (head, tail)
    if owner.entity_id is None:
        return False
    held = records.get((owner.entity_id, rtype.fills), {})
    for value in (other.entity_id, other.date):
        if value is not None and held.get(value, set()) - {document_id}:
            return True
    return False


def _distance(a: _Mention, b: _Mention) -> str:
    if a.start <= b.start and b.end <= a.end:
        return "contains"
    if b.start <= a.start and a.end <= b.end:
        return "inside"
    words = b.first - a.last - 1 if a.start < b.start else a.first - b.last - 1
    return "0" if words <= 0 else "1-3" if words <= 3 else "4-8" if words <= 8 else "9+"


def _modifier(m: _Mention, sentence: Sequence[_Mention]) -> bool:
    """A genitive right before another mention (*USAs* viseutenriksminister Sherman)."""
    return m.text.endswith(("s", "'", "’")) and any(
        o.first == m.last + 1 and o.start >= m.end for o in sentence if o is not m)


def _nearest(m: _Mention, other: _Mention, sentence: Sequence[_Mention]) -> bool:
    """Is ``m`` the mention of its label closest to ``other`` (nested ones closest)?"""
    def gap(x: _Mention) -> int:
        if x.start < other.end and other.start < x.end:
            return 0
        return x.first - other.last if x.start > other.start else other.first - x.last
    same = [x for x in sentence if x.label == m.label and x is not other]
    return min(same, key=gap) is m


def _first(m: _Mention, sentence: Sequence[_Mention]) -> bool:
    """Is ``m`` the first mention of its label in the sentence (often its subject)?"""
    return next(x for x in sentence if x.label == m.label) is m


def _cues(schema: Schema, rtype: RelationType, head: _Mention, tail: _Mention,
          sentence: Sequence[_Mention], records: Records, document_id: int
          ) -> tuple[str, ...]:
    lone = Counter(m.label for m in sentence)
    return (f"where={_distance(head, tail)}" + ("<" if head.start < tail.start else ">"),
            f"hnear={_nearest(head, tail, sentence)}",
            f"tnear={_nearest(tail, head, sentence)}",
            f"hlone={lone[head.label] == 1}", f"tlone={lone[tail.label] == 1}",
            f"hfirst={_first(head, sentence)}", f"tfirst={_first(tail, sentence)}",
            f"hmod={_modifier(head, sentence)}", f"tmod={_modifier(tail, sentence)}",
            f"record={_supported(schema, rtype, head, tail, records, document_id)}")


Candidate = tuple[RelationType, _Mention, _Mention, tuple[str, ...]]


def _candidates(schema: Schema, document: _Document, records: Records) -> Iterator[Candidate]:
    for _, sentence in sorted(document.by_sentence.items()):
        for rtype in schema.relations:
            for head in sentence:
                if head.label not in rtype.heads:
                    continue
                for tail in sentence:
                    if tail is not head and tail.label in rtype.tails:
                        yield rtype, head, tail, _cues(schema, rtype, head, tail,
                                                       sentence, records, document.id)


@dataclass(slots=True)
class _Model:
    """Naive Bayes per relation type over the cues (Laplace-smoothed)."""

    examples: Counter[tuple[str, bool]] = field(default_factory=Counter)  # type, related
    cues: Counter[tuple[str, bool, str]] = field(default_factory=Counter)

    def add(self, type_: str, related: bool, cues: Sequence[str]) -> None:
        self.examples[(type_, related)] += 1
        for cue in cues:
            self.cues[(type_, related, cue)] += 1

    def knows(self, type_: str) -> bool:
        return self.examples[(type_, True)] >= MIN_PATTERN_SEEN

    def probability(self, type_: str, cues: Sequence[str]) -> float:
        log_odds = math.log((self.examples[(type_, True)] + 1)
                            / (self.examples[(type_, False)] + 1))
        for cue in cues:
            for related, sign in ((True, 1.0), (False, -1.0)):
                seen = self.cues[(type_, related, cue)]
                total = self.examples[(type_, related)]
                log_odds += sign * math.log((seen + 1) / (total + 2))
        return 1.0 / (1.0 + math.exp(-log_odds))


def _learn(session: Session, schema: Schema, annotator_id: int, document_id: int,
           records: Records) -> _Model:
    """The model, from the layer's latest related documents other than ``document_id``."""
    model = _Model()
    latest = (select(Mention.document_id, func.max(Relation.id).label("last"))
              .join(Relation, Relation.head_id == Mention.id)
              .where(Relation.annotator_id == annotator_id,
                     Mention.document_id != document_id)
              .group_by(Mention.document_id).order_by(func.max(Relation.id).desc())
              .limit(PATTERN_DOCUMENTS))
    documents = [_document(session, annotator_id, row.document_id)
                 for row in session.execute(latest)]
    entity_ids = [m.entity_id for d in documents for m in d.mentions if m.entity_id]
    missing = set(entity_ids) - {entity for entity, _ in records}
    records.update(_records(session, sorted(missing)))
    for document in documents:
        ids = [m.id for m in document.mentions]
        related = {(t, h, tl) for chunk in chunks(ids) for t, h, tl in session.execute(
            select(Relation.type, Relation.head_id, Relation.tail_id).where(
                Relation.annotator_id == annotator_id, Relation.head_id.in_(chunk)))}
        for rtype, head, tail, cues in _candidates(schema, document, records):
            model.add(rtype.name, (rtype.name, head.id, tail.id) in related, cues)
    return model


def _prior(schema: Schema, rtype: RelationType, head: _Mention, tail: _Mention,
           cues: Sequence[str]) -> bool:
    """Before the layer has examples of the type: what the record supports, and a pair
    nested one in the other that only this type can relate ("Genève" in "samtalene i
    Genève"); never a modifier ("USAs" of "USAs viseutenriksminister")."""
    if "hmod=True" in cues or "tmod=True" in cues:
        return False
    nested = any(c.startswith(("where=inside", "where=contains")) for c in cues)
    alone = [r for r in schema.relations if r.allows(head.label, tail.label)
             or r.allows(tail.label, head.label)] == [rtype]
    return "record=True" in cues or (nested and alone)


def relation_suggestions(session: Session, schema: Schema, annotator_id: int,
                         document_id: int) -> list[RelationSuggestion]:
    """The relations proposed in the document (see the module docstring), without the
    layer's existing relations; in reading order of their heads."""
    document = _document(session, annotator_id, document_id)
    if len(document.mentions) < 2:
        return []
    by_id = {m.id: m for m in document.mentions}
    records = _records(session, [m.entity_id for m in document.mentions
                                 if m.entity_id is not None])
    model = _learn(session, schema, annotator_id, document_id, records)
    existing = {(t, h, tl) for chunk in chunks(list(by_id)) for t, h, tl in session.execute(
        select(Relation.type, Relation.head_id, Relation.tail_id).where(
            Relation.annotator_id == annotator_id, Relation.head_id.in_(chunk)))}
    out: dict[tuple[str, int, int], RelationSuggestion] = {}
    for rtype, head, tail, cues in _candidates(schema, document, records):
        key = (rtype.name, head.id, tail.id)
        if key in existing or key in out:
            continue
        supported = "record=True" in cues
        if model.knows(rtype.name):
            score = model.probability(rtype.name, cues)
        elif _prior(schema, rtype, head, tail, cues):
            score = PRIOR_SCORE
        else:
            continue
        if score >= MIN_SCORE:
            out[key] = RelationSuggestion(rtype.name, head.id, tail.id,
                                          RECORD if supported else SENTENCE, round(score, 3))
    return sorted(out.values(), key=lambda s: (by_id[s.head].start, by_id[s.tail].start,
                                               s.type))


__all__ = ["MIN_SCORE", "RECORD", "SENTENCE", "RelationSuggestion", "relation_suggestions"]
