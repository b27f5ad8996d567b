"""Curation: the units annotators' layers disagree on, their state, and building gold.

Read side (:func:`curation_units`, :func:`curation_queue`, :func:`curation_progress`):

* A **unit** is one thing the annotators may agree on, found by aligning every layer
  (the annotators' and ``gold``) pairwise, as the agreement measures do, and joining the
  aligned mentions: a ``mention`` (span and label), its ``link`` (the canonical entity),
  its ``value`` (the date of a TIME mention), a ``relation`` between two units, and a
  ``record`` slot (a meeting's participants as each layer states them).
* Each unit has every annotator's **version** (or none), the gold version, an
  **agreement** (the share of annotator pairs with the same version) and a **state**:
  ``agree`` (every annotator has the same version), ``accepted`` (gold holds a version
  and the annotators do not all agree), ``rejected`` (gold holds none, and the curator
  said so or finished the document), ``incomplete`` (some annotators have no version)
  or ``disagree``. Units on which everyone agrees and that gold lacks are *unanimous*:
  pre-merged into gold, they only need confirming.
* The queue sorts units by lowest agreement first.

Write side: plain functions that take the caller's SQLAlchemy ``Session`` (inside the
caller's transaction; they never commit) and return a :class:`Change` saying exactly
what they created, deleted and updated, so the edit path can wrap each as one undoable
edit (:func:`revert` undoes a change in another transaction):
:func:`copy_version_to_gold`, :func:`premerge_unanimous` and :func:`mark_unit`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from akkord.domain.schema import Schema
from akkord.domain.statuses import CURATION_MARKS, GOLD
from akkord.errors import AkkordError
from akkord.services.agreement.align import align
from akkord.services.agreement.layers import Corpus, load_corpus
from akkord.services.agreement.records import describe, layer_records
from akkord.store.models import (
    Annotator,
    CurationMark,
    Document,
    DocumentState,
    Mention,
    MentionValue,
    Relation,
)

STATES = ("disagree", "incomplete", "agree", "accepted", "rejected")
UNIT_KINDS = ("mention", "link", "value", "relation", "record")


class CurationError(AkkordError):
    """A curation step that cannot be done (the message says why)."""


@dataclass(frozen=True, slots=True)
class Unit:
    """One unit of curation with every layer's version of it."""

    key: str
    kind: str
    document: int | None
    start: int
    end: int
    label: str  # the label, relation type or kind.attribute
    versions: dict[str, str | None]  # annotator → version as text (None: no version)
    gold: str | None
    state: str
    agreement: float
    sources: dict[str, tuple[int, ...]] = field(default_factory=dict)  # layer → row ids
    mark: str | None = None
    note: str | None = None

    @property
    def unanimous(self) -> bool:
        """Everyone agrees and gold does not hold it yet: to be pre-merged."""
        return self.state == "agree" and self.gold is None and \
            all(v is not None for v in self.versions.values())


@dataclass(frozen=True, slots=True)
class CurationProgress:
    """Documents each annotator marked done, and how many the curator finished (gold)."""

    documents: int
    annotators: dict[str, int]
    curated: int

    def summary(self) -> str:
        """``Ingrid 31/40, Ola 12/40; curated 9/40``."""
        people = ", ".join(f"{name} {done}/{self.documents}"
                           for name, done in self.annotators.items())
        return f"{people or 'no annotators'}; curated {self.curated}/{self.documents}"


# -- reading -------------------------------------------------------------------------------------

def _annotators(session: Session, annotators: Sequence[str] | None) -> tuple[list[str], bool]:
    names = list(session.scalars(select(Annotator.name).order_by(Annotator.name)))
    has_gold = GOLD in names
    if annotators:
        missing = [a for a in annotators if a not in names]
        if missing:
            raise CurationError(f"no annotator called {', '.join(missing)} in this project")
        chosen = [a for a in dict.fromkeys(annotators) if a != GOLD]
    else:
        with_mentions = set(session.scalars(select(Annotator.name).join(
            Mention, Mention.annotator_id == Annotator.id).distinct()))
        chosen = [n for n in names if n != GOLD and n in with_mentions]
    if len(chosen) < 2:
        raise CurationError("curation needs at least two annotators' layers besides gold "
                            f"(found: {', '.join(chosen) or 'none'})")
    return chosen, has_gold


class _Groups:
    """Union-find over (layer, mention position): the aligned mentions of all layers."""

    def __init__(self, sizes: Sequence[int]) -> None:
        self.offsets = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        self.parent = list(range(int(self.offsets[-1])))

    def node(self, layer: int, position: int) -> int:
        return int(self.offsets[layer]) + position

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def _agreement(versions: list[str | None]) -> float:
    pairs = list(combinations(versions, 2))
    if not pairs:
        return 1.0
    return sum(a == b for a, b in pairs) / len(pairs)


def _state(versions: list[str | None], gold: str | None, mark: str | None,
           finished: bool) -> str:
    everyone = all(v is not None for v in versions)
    if everyone and len(set(versions)) == 1:
        return "agree"
    if gold is not None:
        return "accepted"
    if mark == "rejected" or finished:
        return "rejected"
    return "incomplete" if not everyone else "disagree"


def curation_units(session: Session, schema: Schema, annotators: Sequence[str] | None = None,
                   documents: Iterable[int] | None = None) -> list[Unit]:
    """Every unit of the chosen documents (default: all) across the annotators' layers."""
    names, has_gold = _annotators(session, annotators)
    layer_names = [*names, GOLD] if has_gold else names
    corpus = _load(session, schema, layer_names)
    wanted = frozenset(documents) if documents is not None else None
    docs = frozenset().union(*(corpus.layer(n).documents for n in names))
    if wanted is not None:
        docs = docs & wanted
    finished = set(session.scalars(select(DocumentState.document_id).join(
        Annotator, Annotator.id == DocumentState.annotator_id).where(
        Annotator.name == GOLD, DocumentState.status == "done")))
    marks = {m.key: m for m in session.scalars(select(CurationMark))}
    builder = _Builder(corpus, names, has_gold, docs, finished, marks)
    return builder.build()


def _load(session: Session, schema: Schema, names: list[str]) -> Corpus:
    return load_corpus(session, schema, names)


def curation_queue(units: Iterable[Unit], *, include_agreed: bool = False) -> list[Unit]:
    """Units by lowest agreement first (then by place in the text)."""
    chosen = [u for u in units if include_agreed or u.state not in ("agree",)]
    return sorted(chosen, key=lambda u: (u.agreement, u.document or 0, u.start, u.kind, u.key))


def curation_progress(session: Session) -> CurationProgress:
    """Per annotator the documents they marked done; ``curated``: gold's done documents."""
    total = session.scalar(select(func.count()).select_from(Document)) or 0
    done = dict.fromkeys(session.scalars(select(Annotator.name).order_by(Annotator.name)), 0)
    for name, count in session.execute(
            select(Annotator.name, func.count(DocumentState.document_id))
            .join(DocumentState, DocumentState.annotator_id == Annotator.id)
            .where(DocumentState.status == "done").group_by(Annotator.name)):
        done[name] = count
    curated = done.pop(GOLD, 0)
    return CurationProgress(total, done, curated)


class _Builder:
    def __init__(self, corpus: Corpus, names: list[str], has_gold: bool, docs: frozenset[int],
                 finished: set[int], marks: dict[str, CurationMark]) -> None:
        self.corpus = corpus
        self.names = names
        self.layers = [corpus.layer(n) for n in names] + ([corpus.layer(GOLD)] if has_gold
                                                          else [])
        self.has_gold = has_gold
        self.docs = docs
        self.finished = finished
        self.marks = marks
        self.object_marks: dict[tuple[str, int], CurationMark] = {}
        for found in marks.values():
            if found.mention_id is not None:
                self.object_marks[(found.kind, found.mention_id)] = found
            elif found.relation_id is not None:
                self.object_marks[(found.kind, found.relation_id)] = found
        self.groups = _Groups([len(layer) for layer in self.layers])
        self.units: list[Unit] = []

    def build(self) -> list[Unit]:
        for i, j in combinations(range(len(self.layers)), 2):
            a, b = self.layers[i], self.layers[j]
            al = align(a, b, self.docs & (a.documents | b.documents))
            for x, y in zip(al.pa.tolist(), al.pb.tolist(), strict=True):
                self.groups.join(self.groups.node(i, x), self.groups.node(j, y))
        members: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for li, layer in enumerate(self.layers):
            inside = layer.in_documents(self.docs)
            for position in np.flatnonzero(inside).tolist():
                members[self.groups.find(self.groups.node(li, position))].append(
                    (li, position))
        group_of: dict[tuple[int, int], int] = {}
        for root, items in members.items():
            for item in items:
                group_of[item] = root
            self.mention_units(items)
        self.relation_units(group_of)
        self.record_units()
        return self.units

    # versions of a group, per layer
    def _per_layer(self, items: list[tuple[int, int]]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for li, position in items:
            out[li].append(position)
        return out

    def add(self, kind: str, key: str, doc: int | None, start: int, end: int, label: str,
            versions: dict[int, str | None], sources: dict[int, tuple[int, ...]]) -> None:
        annotator_versions = [versions.get(i) for i in range(len(self.names))]
        gold = versions.get(len(self.names)) if self.has_gold else None
        mark = self.marks.get(key)
        gold_ids = sources.get(len(self.names), ()) if self.has_gold else ()
        if mark is None and gold_ids:  # a mark that came with an imported gold layer
            mark = self.object_marks.get((kind, gold_ids[0]))
        state = _state(annotator_versions, gold, mark.mark if mark else None,
                       doc in self.finished if doc is not None else False)
        layer_names = [layer.name for layer in self.layers]
        self.units.append(Unit(
            key, kind, doc, start, end, label,
            {n: annotator_versions[i] for i, n in enumerate(self.names)}, gold, state,
            _agreement(annotator_versions),
            {layer_names[i]: ids for i, ids in sources.items()},
            mark.mark if mark else None, mark.note if mark else None))

    def mention_units(self, items: list[tuple[int, int]]) -> None:
        per_layer = self._per_layer(items)
        labels = self.corpus.labels
        names = self.corpus.entity_names
        anchor_layer, anchor = min(((li, p) for li, ps in per_layer.items() for p in ps),
                                   key=lambda x: (x[0] >= len(self.names), x))
        layer = self.layers[anchor_layer]
        doc, start, end = int(layer.docs[anchor]), int(layer.starts[anchor]), \
            int(layer.ends[anchor])
        label = labels[int(layer.labels[anchor])]
        spans: dict[int, str | None] = {}
        links: dict[int, str | None] = {}
        values: dict[int, str | None] = {}
        sources: dict[int, tuple[int, ...]] = {}
        for li, positions in per_layer.items():
            lay = self.layers[li]
            spans[li] = "; ".join(
                f"{labels[int(lay.labels[p])]} {int(lay.starts[p])}–{int(lay.ends[p])}"
                for p in sorted(positions))
            linked = [int(lay.entities[p]) for p in positions if lay.entities[p] >= 0]
            links[li] = "; ".join(names.get(e, f"#{e}") for e in linked) or None
            dated = [found.value for p in positions
                     if (found := self.corpus.date_at(lay, p)) is not None]
            values[li] = "; ".join(dated) or None
            sources[li] = tuple(int(lay.ids[p]) for p in positions)
        where = f"{doc}:{start}-{end}"
        self.add("mention", f"mention:{where}", doc, start, end, label, spans, sources)
        if any(v is not None for v in links.values()):
            self.add("link", f"link:{where}", doc, start, end, label, links, sources)
        if any(v is not None for v in values.values()):
            self.add("value", f"value:{where}", doc, start, end, label, values, sources)

    def relation_units(self, group_of: dict[tuple[int, int], int]) -> None:
        types = self.corpus.relation_types
        found: dict[tuple[int, int, int], dict[int, list[int]]] = defaultdict(
            lambda: defaultdict(list))
        anchors: dict[tuple[int, int, int], tuple[int, int]] = {}
        for li, layer in enumerate(self.layers):
            heads, tails = layer.positions(layer.rel_heads), layer.positions(layer.rel_tails)
            for r, (h, t) in enumerate(zip(heads.tolist(), tails.tolist(), strict=True)):
                if h < 0 or t < 0 or (li, h) not in group_of:
                    continue
                key = (group_of[(li, h)], int(layer.rel_types[r]), group_of[(li, t)])
                found[key][li].append(int(layer.rel_ids[r]))
                anchors.setdefault(key, (li, h))
        for key, per_layer in found.items():
            li, h = anchors[key]
            layer = self.layers[li]
            doc, start, end = int(layer.docs[h]), int(layer.starts[h]), int(layer.ends[h])
            versions: dict[int, str | None] = dict.fromkeys(per_layer, types[key[1]])
            unit_key = f"relation:{doc}:{key[0]}:{types[key[1]]}:{key[2]}"
            self.add("relation", unit_key, doc, start, end, types[key[1]], versions,
                     {i: tuple(v) for i, v in per_layer.items()})

    def record_units(self) -> None:
        names = self.corpus.entity_names
        per_layer = [layer_records(self.corpus, layer, layer.in_documents(self.docs))
                     for layer in self.layers]
        entities = sorted(set().union(*(r.keys() for r in per_layer)))
        for entity in entities:
            kind = self.corpus.entity_kinds[entity]
            attributes = sorted(set().union(*(r[entity].slots.keys() for r in per_layer
                                              if entity in r)))
            anchor = next((li, r[entity]) for li, r in enumerate(per_layer) if entity in r)
            layer = self.layers[anchor[0]]
            first = anchor[1].evidence[0]
            doc, start, end = int(layer.docs[first]), int(layer.starts[first]), \
                int(layer.ends[first])
            for attribute in attributes:
                versions: dict[int, str | None] = {}
                for li, records in enumerate(per_layer):
                    record = records.get(entity)
                    if record is None:
                        continue
                    values = record.slots.get(attribute, set())
                    versions[li] = ", ".join(sorted(
                        describe(v, names) + (f" ({role})" if role else "")
                        for v, role in values)) or None
                self.add("record", f"record:{entity}:{attribute}", doc, start, end,
                         f"{kind}.{attribute}", versions, {})


# -- writing ---------------------------------------------------------------------------------------

@dataclass(slots=True)
class Change:
    """What a curation step changed, enough to undo it (:func:`revert`)."""

    created: list[tuple[str, int]] = field(default_factory=list)  # (table, id)
    deleted: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (table, row)
    updated: list[tuple[str, int, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list)  # (table, id, old values, new values)

    def extend(self, other: Change) -> None:
        self.created += other.created
        self.deleted += other.deleted
        self.updated += other.updated


_TABLES: dict[str, Any] = {"mentions": Mention, "mention_values": MentionValue,
                           "relations": Relation, "curation_marks": CurationMark}


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def _delete_mention(session: Session, mention_id: int, change: Change) -> None:
    mention = session.get(Mention, mention_id)
    if mention is None:
        return
    for relation in session.scalars(select(Relation).where(
            (Relation.head_id == mention_id) | (Relation.tail_id == mention_id))):
        change.deleted.append(("relations", _row(relation)))
    for value in session.scalars(select(MentionValue).where(
            MentionValue.mention_id == mention_id)):
        change.deleted.append(("mention_values", _row(value)))
    for mark in session.scalars(select(CurationMark).where(
            CurationMark.mention_id == mention_id)):
        change.deleted.append(("curation_marks", _row(mark)))
    change.deleted.append(("mentions", _row(mention)))
    session.execute(delete(Mention).where(Mention.id == mention_id))


def _copy_mention(session: Session, source_id: int, gold_id: int, change: Change) -> int:
    source = session.get(Mention, source_id)
    if source is None:
        raise CurationError(f"mention {source_id} no longer exists")
    new_id = session.execute(insert(Mention).values(
        document_id=source.document_id, annotator_id=gold_id, start=source.start,
        end=source.end, label=source.label, status="manual", entity_id=source.entity_id,
    ).returning(Mention.id)).scalar_one()
    change.created.append(("mentions", new_id))
    for value in session.scalars(select(MentionValue).where(
            MentionValue.mention_id == source_id)):
        row = _row(value)
        row.pop("id")
        row["mention_id"] = new_id
        value_id = session.execute(insert(MentionValue).values(**row)
                                   .returning(MentionValue.id)).scalar_one()
        change.created.append(("mention_values", value_id))
    return new_id


def _upsert_mark(session: Session, unit: Unit, mark: str, note: str | None,
                 curator_id: int | None, change: Change, mention_id: int | None = None,
                 relation_id: int | None = None) -> None:
    if mark not in CURATION_MARKS:
        raise CurationError(f"{mark!r} is not a curation mark ({', '.join(CURATION_MARKS)})")
    values = {"mark": mark, "note": note, "curator_id": curator_id, "mention_id": mention_id,
              "relation_id": relation_id}
    found = session.scalar(select(CurationMark).where(CurationMark.key == unit.key))
    if found is None:
        mark_id = session.execute(insert(CurationMark).values(
            key=unit.key, document_id=unit.document, kind=unit.kind, **values)
            .returning(CurationMark.id)).scalar_one()
        change.created.append(("curation_marks", mark_id))
    else:
        old = {k: getattr(found, k) for k in values}
        if mention_id is None:
            values["mention_id"] = found.mention_id
        if relation_id is None:
            values["relation_id"] = found.relation_id
        session.execute(update(CurationMark).where(CurationMark.id == found.id).values(**values))
        change.updated.append(("curation_marks", found.id, old, values))


def gold_annotator_id(session: Session) -> int:
    """The id of the gold layer's annotator, created on first use."""
    found = session.scalar(select(Annotator.id).where(Annotator.name == GOLD))
    if found is not None:
        return found
    return session.execute(insert(Annotator).values(name=GOLD).returning(Annotator.id)
                           ).scalar_one()


def copy_version_to_gold(session: Session, unit: Unit, annotator: str, gold_id: int,
                         curator_id: int | None = None) -> Change:
    """Make ``annotator``'s version of ``unit`` the gold one; mark it adjudicated (or
    unanimous when every annotator agrees)."""
    sources = unit.sources.get(annotator)
    if not sources:
        raise CurationError(f"{annotator} has no version of this {unit.kind}")
    change = Change()
    mark = "unanimous" if unit.state == "agree" else "adjudicated"
    gold = unit.sources.get(GOLD, ())
    if unit.kind == "mention":
        for mention_id in gold:
            _delete_mention(session, mention_id, change)
        created = [_copy_mention(session, s, gold_id, change) for s in sources]
        _upsert_mark(session, unit, mark, None, curator_id, change, mention_id=created[0])
    elif unit.kind in ("link", "value"):
        if not gold:
            raise CurationError(f"gold has no mention here yet; accept the mention first "
                                f"({unit.label} at {unit.start}–{unit.end})")
        source = session.get(Mention, sources[0])
        assert source is not None
        for mention_id in gold:
            if unit.kind == "link":
                target = session.get(Mention, mention_id)
                assert target is not None
                change.updated.append(("mentions", mention_id,
                                       {"entity_id": target.entity_id},
                                       {"entity_id": source.entity_id}))
                session.execute(update(Mention).where(Mention.id == mention_id)
                                .values(entity_id=source.entity_id))
            else:
                for value in session.scalars(select(MentionValue).where(
                        MentionValue.mention_id == mention_id)):
                    change.deleted.append(("mention_values", _row(value)))
                session.execute(delete(MentionValue).where(
                    MentionValue.mention_id == mention_id))
                for value in session.scalars(select(MentionValue).where(
                        MentionValue.mention_id == source.id)):
                    row = _row(value)
                    row.pop("id")
                    row["mention_id"] = mention_id
                    change.created.append(("mention_values", session.execute(
                        insert(MentionValue).values(**row).returning(MentionValue.id)
                    ).scalar_one()))
        _upsert_mark(session, unit, mark, None, curator_id, change, mention_id=gold[0])
    elif unit.kind == "relation":
        relation_id = _copy_relation(session, sources[0], gold_id, change)
        _upsert_mark(session, unit, mark, None, curator_id, change, relation_id=relation_id)
    else:
        raise CurationError("a record is curated through its mentions and relations")
    return change


def _gold_twin(session: Session, mention_id: int, gold_id: int) -> int:
    """The gold mention at the same place (same document, overlapping, same label first)."""
    source = session.get(Mention, mention_id)
    assert source is not None
    candidates = session.execute(select(Mention.id, Mention.start, Mention.end, Mention.label)
                                 .where(Mention.annotator_id == gold_id,
                                        Mention.document_id == source.document_id,
                                        Mention.start < source.end,
                                        Mention.end > source.start)).all()
    if not candidates:
        raise CurationError("gold has no mention at one end of this relation yet; accept "
                            "the mentions first")
    best = max(candidates, key=lambda c: (c.label == source.label,
                                          (c.start, c.end) == (source.start, source.end),
                                          min(c.end, source.end) - max(c.start, source.start)))
    return int(best.id)


def _copy_relation(session: Session, relation_id: int, gold_id: int, change: Change) -> int:
    source = session.get(Relation, relation_id)
    if source is None:
        raise CurationError("the relation no longer exists")
    head = _gold_twin(session, source.head_id, gold_id)
    tail = _gold_twin(session, source.tail_id, gold_id)
    existing = session.scalar(select(Relation.id).where(
        Relation.annotator_id == gold_id, Relation.head_id == head, Relation.tail_id == tail,
        Relation.type == source.type))
    if existing is not None:
        return existing
    created = session.execute(insert(Relation).values(
        annotator_id=gold_id, type=source.type, head_id=head, tail_id=tail)
        .returning(Relation.id)).scalar_one()
    change.created.append(("relations", created))
    return created


def premerge_unanimous(session: Session, units: Iterable[Unit], gold_id: int) -> Change:
    """Copy every unanimous mention, then link, value and relation unit into gold.

    A unanimous link, value or relation whose mentions are not (yet) in gold, because
    the annotators disagree on the mention itself, waits for the curator.
    """
    change = Change()
    chosen = [u for u in units if u.unanimous]
    for kind in ("mention", "link", "value", "relation"):
        for unit in (u for u in chosen if u.kind == kind):
            annotator = next(iter(unit.versions))
            if kind == "mention":
                change.extend(copy_version_to_gold(session, unit, annotator, gold_id))
                continue
            try:
                with session.begin_nested():
                    step = copy_version_to_gold(
                        session, _refresh_gold(session, unit, gold_id), annotator, gold_id)
            except CurationError:
                continue
            change.extend(step)
    return change


def _refresh_gold(session: Session, unit: Unit, gold_id: int) -> Unit:
    """The unit with the gold mentions that the pre-merge of mentions just created."""
    if unit.kind == "relation":
        return unit
    source = unit.sources[next(iter(unit.versions))][0]
    twin = _gold_twin(session, source, gold_id)
    return Unit(unit.key, unit.kind, unit.document, unit.start, unit.end, unit.label,
                unit.versions, unit.gold, unit.state, unit.agreement,
                {**unit.sources, GOLD: (twin,)}, unit.mark, unit.note)


def mark_unit(session: Session, unit: Unit, mark: str, note: str | None = None,
              curator_id: int | None = None) -> Change:
    """Record a decision about a unit: ``unresolved`` with a note, ``rejected`` …"""
    change = Change()
    gold = unit.sources.get(GOLD, ())
    target: dict[str, int | None] = {}
    if gold and mark != "rejected":  # the gold version the decision is about
        target = {"relation_id": gold[0]} if unit.kind == "relation" else \
            {"mention_id": gold[0]} if unit.kind in ("mention", "link", "value") else {}
    _upsert_mark(session, unit, mark, note, curator_id, change, **target)
    return change


def revert(session: Session, change: Change) -> None:
    """Undo a :class:`Change` (inside the caller's transaction)."""
    for table, row_id, old, _new in reversed(change.updated):
        model = _TABLES[table]
        session.execute(update(model).where(model.id == row_id).values(**old))
    for table, row_id in reversed(change.created):
        model = _TABLES[table]
        session.execute(delete(model).where(model.id == row_id))
    order = {"mentions": 0, "mention_values": 1, "relations": 1, "curation_marks": 2}
    for table, row in sorted(change.deleted, key=lambda item: order[item[0]]):
        session.execute(insert(_TABLES[table]).values(**row))
