"""Records (demands, meetings …) as each annotator stated them, and their alignment.

A *record* is a canonical entity of a kind that has reference or date attributes (in the
default schema: demands and meetings). Entities are shared by the whole project, so an
annotator's version of a record is what their own layer says about it:

* the mentions of their layer linked to it (its *evidence mentions*);
* the values their relations state (an ACTOR –participant→ MEETING relation in their
  layer says the actor takes part; TIME –time→ MEETING gives the date of the TIME
  mention), the relation types' ``fills`` in the schema;
* the entity's values whose evidence is a mention of their layer;
* the entity's values without evidence, which belong to everyone who links to it (on a
  shared server two annotators edit one canonical record; where they built their own
  records, on their own machines, these differ).

Two annotators' records are aligned by their evidence mentions (the pair of records with
the most aligned mentions first; the same entity on both sides wins a tie), then compared
slot by slot: by *target* (the set of actors, the date, the status) and, for references
with roles, by *role* (the set of (actor, role) pairs).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from akkord.domain.schema import Attribute, Schema
from akkord.services.agreement.align import Alignment
from akkord.services.agreement.layers import Corpus, DateValue, Layer

Value = tuple[object, str | None]  # (value, role); a ref is ("ref", entity id)


@dataclass(frozen=True, slots=True)
class Statement:
    """How a layer states one value of a record: by a ``relation`` (its id), by an entity
    value whose evidence is one of its mentions (``value``: the mention's id), or by an
    entity value without evidence (``shared`` by everyone who links to the entity)."""

    value: object
    role: str | None
    how: str
    ident: int | None


@dataclass(slots=True)
class Record:
    """One annotator's version of one record."""

    entity_id: int
    kind: str
    evidence: list[int] = field(default_factory=list)  # positions in the layer
    slots: dict[str, set[Value]] = field(default_factory=dict)
    dates: dict[str, list[DateValue]] = field(default_factory=dict)
    stated: dict[str, list[Statement]] = field(default_factory=dict)  # how, per attribute
    _plain: dict[str, set[object]] = field(default_factory=dict, repr=False)

    def add(self, attribute: str, value: object, role: str | None,
            date: DateValue | None = None, how: str = "", ident: int | None = None) -> None:
        if how:
            self.stated.setdefault(attribute, []).append(Statement(value, role, how, ident))
        values = self.slots.get(attribute)
        if values is None:
            values = self.slots[attribute] = set()
            self._plain[attribute] = set()
        plain = self._plain[attribute]
        if role is None and value in plain:
            return  # a relation restating a value that already has its role
        if role is not None:
            values.discard((value, None))
        values.add((value, role))
        plain.add(value)
        if date is not None:
            self.dates.setdefault(attribute, []).append(date)


def record_kinds(schema: Schema) -> dict[str, dict[str, Attribute]]:
    """Kinds whose entities are records: those with reference or date attributes."""
    return {k.name: {a.name: a for a in k.attributes} for k in schema.kinds
            if any(a.type in ("ref", "date") for a in k.attributes)}


def layer_records(corpus: Corpus, layer: Layer, in_docs: np.ndarray) -> dict[int, Record]:
    """Every record ``layer`` links a mention to (in the chosen documents), as it states it."""
    kinds = record_kinds(corpus.schema)
    records: dict[int, Record] = {}
    linked = np.flatnonzero(in_docs & (layer.entities >= 0))
    for position, entity in zip(linked.tolist(), layer.entities[linked].tolist(), strict=True):
        kind = corpus.entity_kinds.get(entity)
        if kind in kinds:
            record = records.get(entity)
            if record is None:
                record = records[entity] = Record(entity, kind)
            record.evidence.append(position)
    if not records:
        return records
    own = {int(m) for m in layer.ids[in_docs].tolist()}
    for entity, record in records.items():
        attrs = kinds[record.kind]
        for row in corpus.entity_values.get(entity, ()):
            if row.attribute in attrs and (row.evidence is None or row.evidence in own):
                record.add(row.attribute, row.value, row.role, row.date)
    _relation_values(corpus, layer, in_docs, records, kinds)
    return records


def document_records(corpus: Corpus, layer: Layer, in_docs: np.ndarray
                     ) -> dict[tuple[int, int], Record]:
    """What ``layer`` states about each record in each document: the reading of
    :func:`layer_records`, one record per (document, entity), each statement with how it
    is made (:class:`Statement`), so a curator can take one document's version into gold.

    Values without evidence belong to every document's record of the entity.
    """
    kinds = record_kinds(corpus.schema)
    records: dict[tuple[int, int], Record] = {}
    linked = np.flatnonzero(in_docs & (layer.entities >= 0))
    docs = layer.docs
    for position, entity in zip(linked.tolist(), layer.entities[linked].tolist(), strict=True):
        kind = corpus.entity_kinds.get(entity)
        if kind in kinds:
            key = (int(docs[position]), entity)
            record = records.get(key)
            if record is None:
                record = records[key] = Record(entity, kind)
            record.evidence.append(position)
    if not records:
        return records
    chosen = np.flatnonzero(in_docs)
    doc_of = dict(zip(layer.ids[chosen].tolist(), docs[chosen].tolist(), strict=True))
    for (doc, entity), record in records.items():
        attrs = kinds[record.kind]
        for row in corpus.entity_values.get(entity, ()):
            if row.attribute not in attrs:
                continue
            if row.evidence is None:
                record.add(row.attribute, row.value, row.role, row.date, "shared")
            elif doc_of.get(row.evidence) == doc:
                record.add(row.attribute, row.value, row.role, row.date, "value",
                           row.evidence)
    _relation_values(corpus, layer, in_docs, records, kinds, by_document=True)
    return records


def _relation_values(corpus: Corpus, layer: Layer, in_docs: np.ndarray,
                     records: Any, kinds: dict[str, dict[str, Attribute]],
                     *, by_document: bool = False) -> None:
    """Add what the layer's relations state (``records`` by entity, or by (document,
    entity) when ``by_document``)."""
    schema = corpus.schema
    fills = {i: schema.relation(name).fills for i, name in enumerate(corpus.relation_types)}
    heads, tails = layer.positions(layer.rel_heads), layer.positions(layer.rel_tails)
    keep = (heads >= 0) & (tails >= 0)
    keep[keep] = in_docs[heads[keep]]
    heads, tails, types = heads[keep], tails[keep], layer.rel_types[keep]
    ids = layer.rel_ids[keep].tolist()
    entities = layer.entities.tolist()
    docs = layer.docs.tolist()
    dates, table = layer.dates.tolist(), corpus.date_table
    for r, (head, tail, type_) in enumerate(zip(heads.tolist(), tails.tolist(),
                                                types.tolist(), strict=True)):
        attribute = fills.get(type_)
        if attribute is None:
            continue
        for target, source in ((tail, head), (head, tail)):
            key = (docs[head], entities[target]) if by_document else entities[target]
            record = records.get(key)
            if record is None or attribute not in kinds[record.kind]:
                continue
            spec = kinds[record.kind][attribute]
            if spec.type == "date":
                if dates[source] >= 0:
                    date = table[dates[source]]
                    record.add(attribute, date.value, None, date, "relation", ids[r])
            elif spec.type == "ref" and entities[source] >= 0:
                record.add(attribute, ("ref", entities[source]), None, None, "relation", ids[r])
            break


@dataclass(frozen=True, slots=True)
class RecordPair:
    a: Record
    b: Record


def align_records(alignment: Alignment, left: dict[int, Record], right: dict[int, Record]
                  ) -> list[RecordPair]:
    """One-to-one pairs of records, by shared evidence mentions (see the module doc)."""
    a, b = alignment.a, alignment.b
    ea, eb = a.entities[alignment.pa], b.entities[alignment.pb]
    keep = np.isin(ea, np.fromiter(left, np.int64, len(left))) & \
        np.isin(eb, np.fromiter(right, np.int64, len(right)))
    weights: Counter[tuple[int, int]] = Counter()
    if keep.any():
        found, counts = np.unique(np.stack((ea[keep], eb[keep]), axis=1), axis=0,
                                  return_counts=True)
        weights.update({(int(x), int(y)): int(n)
                        for (x, y), n in zip(found.tolist(), counts.tolist(), strict=True)})
    for entity in left.keys() & right.keys():
        weights.setdefault((entity, entity), 0)
    ranked = sorted(weights.items(), key=lambda item: (-item[1], item[0][0] != item[0][1],
                                                       item[0]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[RecordPair] = []
    for (x, y), _weight in ranked:
        if x not in used_a and y not in used_b and left[x].kind == right[y].kind:
            used_a.add(x)
            used_b.add(y)
            pairs.append(RecordPair(left[x], right[y]))
    return pairs


def slot_agreement(a: set[Value], b: set[Value], *, by_role: bool) -> float | None:
    """Dice agreement of two slot values (None when neither states anything)."""
    left = a if by_role else {v for v, _ in a}
    right = b if by_role else {v for v, _ in b}
    if not left and not right:
        return None
    return 2 * len(left & right) / (len(left) + len(right))


def slot_names(kinds: dict[str, dict[str, Attribute]]) -> dict[str, list[str]]:
    return {kind: list(attrs) for kind, attrs in kinds.items()}


def describe(value: object, names: dict[int, str]) -> str:
    """A slot value as a person reads it."""
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "ref":
        return names.get(int(value[1]), f"#{value[1]}")
    return str(value)


def group_by_kind(pairs: list[RecordPair]) -> dict[str, list[RecordPair]]:
    out: dict[str, list[RecordPair]] = defaultdict(list)
    for pair in pairs:
        out[pair.a.kind].append(pair)
    return out
