"""Relations suggested from the entities' records and from the sentence they stand in.

Relations are typed links between two mentions of a sentence, most of them; and a
relation that ``fills`` an attribute states what the canonical entity already records
(ACTOR –participant→ MEETING adds the actor to the meeting's participants). So:

* **from the records**: in one sentence, a mention of an entity and a mention linked to
  a value of that entity's record (Lavrov, and a meeting whose participants include
  Lavrov; a PLACE that is the meeting's place; a TIME whose date is its date) are
  proposed as related by the type that fills that attribute (``reason`` ``record``);
* **from the sentence**: where a sentence has only one mention of a label (one MEETING),
  it and each mention of another label there (the PLACE, the TIME, the ACTORs) are
  proposed as related when the schema allows exactly one type for the pair and the
  layer's own relations related such pairs that way often enough before
  (:data:`MIN_PATTERN_SHARE` of them, seen :data:`MIN_PATTERN_SEEN` times at least;
  ``reason`` ``sentence``). A wrong proposal costs one click to leave out, a right one
  saves three keys, so proposals are made down to an even chance.

Relations the layer already has are never proposed. The window lists the proposals
with a check box each (all checked) and adds the checked ones as one edit; nothing is
stored for a proposal, so nothing is left behind when it is not taken.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.schema import RelationType, Schema
from akkord.services.queries import chunks
from akkord.services.suggesting.features import sentences_of, tokens_of
from akkord.store.models import Document, EntityValue, Mention, MentionValue, Relation

RECORD = "record"
SENTENCE = "sentence"
DECIDED = ("manual", "accepted")
MIN_PATTERN_SHARE = 0.4  # of the pairs like it, how many the layer related that way
MIN_PATTERN_SEEN = 3  # sentences with the pair the layer must have related before
PATTERN_DOCUMENTS = 100  # the layer's documents with the latest relations it learns from


@dataclass(frozen=True, slots=True)
class RelationSuggestion:
    type: str
    head: int  # mention ids
    tail: int
    reason: str  # RECORD or SENTENCE


@dataclass(frozen=True, slots=True)
class _Mention:
    id: int
    start: int
    end: int
    label: str
    entity_id: int | None
    date: str | None  # a TIME mention's date value
    sentence: int


def _mentions(session: Session, annotator_id: int, document_id: int) -> list[_Mention]:
    row = session.execute(select(Document.text, Document.meta)
                          .where(Document.id == document_id)).first()
    if row is None:
        return []
    tokens = tokens_of(row.text, row.meta or {})
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
    return [_Mention(r.id, r.start, r.end, r.label, r.entity_id, dates.get(r.id),
                     bisect.bisect_right(starts, r.start) - 1) for r in rows]


def _records(session: Session, entity_ids: Sequence[int]
             ) -> dict[tuple[int, str], set[int | str]]:
    """(entity, attribute) → the entities (ref) and date values its record holds."""
    out: dict[tuple[int, str], set[int | str]] = defaultdict(set)
    for chunk in chunks(sorted(set(entity_ids))):
        for entity_id, attribute, ref, date in session.execute(
                select(EntityValue.entity_id, EntityValue.attribute, EntityValue.ref_id,
                       EntityValue.date_value).where(EntityValue.entity_id.in_(chunk))):
            if ref is not None:
                out[(entity_id, attribute)].add(ref)
            if date is not None:
                out[(entity_id, attribute)].add(date)
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


def _from_records(schema: Schema, mentions: Sequence[_Mention],
                  records: dict[tuple[int, str], set[int | str]]) -> list[RelationSuggestion]:
    found: list[RelationSuggestion] = []
    for rtype in schema.relations:
        if rtype.fills is None:
            continue
        sides = _owner_side(schema, rtype)
        for owner in mentions:
            side = sides.get(owner.label)
            if side is None or owner.entity_id is None:
                continue
            held = records.get((owner.entity_id, rtype.fills), set())
            others = rtype.heads if side == "tail" else rtype.tails
            matching = [m for m in mentions if m.sentence == owner.sentence
                        and m.id != owner.id and m.label in others
                        and (m.entity_id in held or (m.date is not None and m.date in held))
                        and not (m.start < owner.end and owner.start < m.end)]
            by_value: dict[int | str | None, _Mention] = {}
            for m in sorted(matching, key=lambda m: abs(m.start - owner.start)):
                by_value.setdefault(m.entity_id if m.entity_id is not None else m.date, m)
            for m in by_value.values():
                head, tail = (m, owner) if side == "tail" else (owner, m)
                found.append(RelationSuggestion(rtype.name, head.id, tail.id, RECORD))
    return found


def _patterns(session: Session, annotator_id: int) -> Counter[tuple[str, str, str]]:
    """How the layer related pairs of labels standing alone in a sentence: (head label,
    tail label, type) → count, and (head label, tail label, "") → sentences with the pair."""
    counts: Counter[tuple[str, str, str]] = Counter()
    latest = (select(Mention.document_id, func.max(Relation.id).label("last"))
              .join(Relation, Relation.head_id == Mention.id)
              .where(Relation.annotator_id == annotator_id)
              .group_by(Mention.document_id).order_by(func.max(Relation.id).desc())
              .limit(PATTERN_DOCUMENTS))
    documents = [row.document_id for row in session.execute(latest)]
    for document_id in documents:
        mentions = _mentions(session, annotator_id, document_id)
        related = {(h, t): type_ for type_, h, t in session.execute(
            select(Relation.type, Relation.head_id, Relation.tail_id).where(
                Relation.annotator_id == annotator_id,
                Relation.head_id.in_([m.id for m in mentions])))}
        for head, tail in _lone_pairs(mentions):
            counts[(head.label, tail.label, "")] += 1
            type_ = related.get((head.id, tail.id))
            if type_ is not None:
                counts[(head.label, tail.label, type_)] += 1
    return counts


def _lone_pairs(mentions: Sequence[_Mention]) -> list[tuple[_Mention, _Mention]]:
    """Ordered pairs of mentions of different labels in one sentence, one of which is
    the only mention of its label there (one MEETING and the ACTORs around it)."""
    by_sentence: dict[int, dict[str, list[_Mention]]] = defaultdict(lambda: defaultdict(list))
    for m in mentions:
        by_sentence[m.sentence][m.label].append(m)
    pairs = []
    for labels in by_sentence.values():
        for a_label, a_list in labels.items():
            for b_label, b_list in labels.items():
                if a_label == b_label or (len(a_list) > 1 and len(b_list) > 1):
                    continue
                pairs += [(a, b) for a in a_list for b in b_list
                          if not (a.start < b.end and b.start < a.end)]
    return pairs


def _from_sentences(schema: Schema, mentions: Sequence[_Mention],
                    patterns: Counter[tuple[str, str, str]]) -> list[RelationSuggestion]:
    found = []
    for head, tail in _lone_pairs(mentions):
        types = [r.name for r in schema.relations if r.allows(head.label, tail.label)]
        if len(types) != 1:
            continue
        seen = patterns[(head.label, tail.label, "")]
        related = patterns[(head.label, tail.label, types[0])]
        if seen >= MIN_PATTERN_SEEN and related >= MIN_PATTERN_SHARE * seen:
            found.append(RelationSuggestion(types[0], head.id, tail.id, SENTENCE))
    return found


def relation_suggestions(session: Session, schema: Schema, annotator_id: int,
                         document_id: int) -> list[RelationSuggestion]:
    """The relations proposed in the document (see the module docstring), records first,
    without the layer's existing relations; in reading order of their heads."""
    mentions = _mentions(session, annotator_id, document_id)
    if len(mentions) < 2:
        return []
    by_id = {m.id: m for m in mentions}
    records = _records(session, [m.entity_id for m in mentions if m.entity_id is not None])
    proposed = _from_records(schema, mentions, records) + _from_sentences(
        schema, mentions, _patterns(session, annotator_id))
    existing = {(t, h, tl) for t, h, tl in session.execute(
        select(Relation.type, Relation.head_id, Relation.tail_id).where(
            Relation.annotator_id == annotator_id, Relation.head_id.in_(list(by_id))))}
    out: dict[tuple[str, int, int], RelationSuggestion] = {}
    for suggestion in proposed:
        key = (suggestion.type, suggestion.head, suggestion.tail)
        if key not in existing:
            out.setdefault(key, suggestion)
    return sorted(out.values(), key=lambda s: (by_id[s.head].start, by_id[s.tail].start,
                                               s.type))


__all__ = ["RECORD", "SENTENCE", "RelationSuggestion", "relation_suggestions"]
