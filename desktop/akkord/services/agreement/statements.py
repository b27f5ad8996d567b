"""Records as arrays: what each layer states about each record, for the agreement rows.

The same reading of a record as :mod:`akkord.services.agreement.records` (which the
curation view uses, one record at a time): the values the layer's relations state, the
entity's values whose evidence is one of the layer's mentions, and its values without
evidence. Here they are rows of integer arrays, ``(entity, attribute, value, role)``,
so that three layers of a 10,000-article project (hundreds of thousands of records and
statements) are compared with a few numpy operations instead of a Python loop per slot.

Codes: ``attribute`` indexes :attr:`Codes.attributes` (``kind.attribute`` of the record
kinds); a reference's ``value`` is the entity id, a date's its code in
:attr:`Corpus.date_table`, any other value a code in :attr:`Codes.values`; ``role`` 0
is no role.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from akkord.domain.schema import Attribute
from akkord.services.agreement.align import Alignment
from akkord.services.agreement.layers import Corpus, DateValue, IntArray, Layer
from akkord.services.agreement.measures import greedy_matching, member, unique
from akkord.services.agreement.records import record_kinds

SHIFT = np.int64(1 << 32)
ROLES = 64  # room for the role codes in a (value, role) key


@dataclass(slots=True)
class Codes:
    """The integer codes shared by every layer's statements."""

    attributes: list[tuple[str, Attribute]]  # (kind, attribute) per attribute code
    kinds: list[str]  # record kinds, per kind code
    attribute_codes: dict[tuple[str, str], int]
    values: dict[object, int] = field(default_factory=dict)
    value_list: list[object] = field(default_factory=list)
    roles: dict[str, int] = field(default_factory=dict)
    role_list: list[str | None] = field(default_factory=lambda: [None])
    kind_of_entity: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # per relation type (Corpus.relation_types order): record kind code → attribute code
    fills: list[dict[int, int]] = field(default_factory=list)

    @classmethod
    def of(cls, corpus: Corpus) -> Codes:
        kinds = record_kinds(corpus.schema)
        attributes = [(kind, attr) for kind, attrs in kinds.items() for attr in attrs.values()]
        codes = cls(attributes, list(kinds), {(k, a.name): i for i, (k, a) in
                                              enumerate(attributes)})
        top = max(corpus.entity_kinds, default=0)
        kind_of_entity = np.full(top + 1, -1, dtype=np.int64)
        index = {k: i for i, k in enumerate(codes.kinds)}
        for entity, kind in corpus.entity_kinds.items():
            if kind in index:
                kind_of_entity[entity] = index[kind]
        codes.kind_of_entity = kind_of_entity
        for name in corpus.relation_types:
            attribute = corpus.schema.relation(name).fills
            codes.fills.append({k: codes.attribute_codes[(kind, attribute)]
                                for k, kind in enumerate(codes.kinds)
                                if attribute and (kind, attribute) in codes.attribute_codes})
        return codes

    def value(self, raw: object) -> int:
        found = self.values.get(raw)
        if found is None:
            found = self.values[raw] = len(self.value_list)
            self.value_list.append(raw)
        return found

    def role(self, raw: str | None) -> int:
        if raw is None:
            return 0
        found = self.roles.get(raw)
        if found is None:
            found = self.roles[raw] = len(self.role_list)
            self.role_list.append(raw)
        return found

    def kinds_of(self, entities: IntArray) -> IntArray:
        inside = (entities >= 0) & (entities < len(self.kind_of_entity))
        out = np.full(len(entities), -1, dtype=np.int64)
        out[inside] = self.kind_of_entity[entities[inside]]
        return out


@dataclass(slots=True)
class Statements:
    """One layer's records (on some documents) and what it states about them."""

    records: IntArray  # entity ids, sorted
    record_kinds: IntArray  # kind code per record
    first_mention: IntArray  # the layer position of each record's first mention
    entity: IntArray
    attribute: IntArray
    value: IntArray
    role: IntArray
    date_entity: IntArray  # the date statements in the order they were made
    date_attribute: IntArray
    date_code: IntArray


def statements(corpus: Corpus, codes: Codes, layer: Layer, in_docs: npt.NDArray[np.bool_]
               ) -> Statements:
    kinds = codes.kinds_of(layer.entities)
    mine = np.flatnonzero(in_docs & (kinds >= 0))
    records, first = np.unique(layer.entities[mine], return_index=True)
    rows: list[tuple[IntArray, ...]] = [_entity_values(corpus, codes, layer, in_docs, records)]
    rows.append(_relation_values(codes, layer, in_docs, kinds))
    entity = np.concatenate([r[0] for r in rows])
    attribute = np.concatenate([r[1] for r in rows])
    value = np.concatenate([r[2] for r in rows])
    role = np.concatenate([r[3] for r in rows])
    is_date = np.array([a.type == "date" for _, a in codes.attributes] or [False])[attribute] \
        if len(attribute) else np.zeros(0, bool)
    dates = (entity[is_date], attribute[is_date], value[is_date])
    entity, attribute, value, role = _settle(entity, attribute, value, role)
    return Statements(records, codes.kinds_of(records), mine[first], entity, attribute,
                      value, role, *dates)


def _entity_values(corpus: Corpus, codes: Codes, layer: Layer, in_docs: npt.NDArray[np.bool_],
                   records: IntArray) -> tuple[IntArray, ...]:
    out: list[tuple[int, int, int, int]] = []
    own: set[int] | None = None
    for entity in records.tolist():
        values = corpus.entity_values.get(entity)
        if not values:
            continue
        kind = corpus.entity_kinds[entity]
        for row in values:
            attribute = codes.attribute_codes.get((kind, row.attribute))
            if attribute is None:
                continue
            if row.evidence is not None:
                if own is None:
                    own = set(layer.ids[in_docs].tolist())
                if row.evidence not in own:
                    continue
            out.append((entity, attribute, _code(corpus, codes, row.value, row.date),
                        codes.role(row.role)))
    array = np.array(out, dtype=np.int64).reshape(-1, 4)
    return array[:, 0], array[:, 1], array[:, 2], array[:, 3]


def _code(corpus: Corpus, codes: Codes, value: object, date: DateValue | None) -> int:
    if date is not None:
        return corpus.date_code(date)
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "ref":
        return int(value[1])
    return codes.value(value)


def _relation_values(codes: Codes, layer: Layer, in_docs: npt.NDArray[np.bool_],
                     kinds: IntArray) -> tuple[IntArray, ...]:
    """What the layer's relations with ``fills`` state about the records they touch."""
    schema_relations = codes.fills
    heads, tails = layer.positions(layer.rel_heads), layer.positions(layer.rel_tails)
    keep = (heads >= 0) & (tails >= 0)
    keep[keep] = in_docs[heads[keep]]
    heads, tails, types = heads[keep], tails[keep], layer.rel_types[keep]
    n_kinds = max(len(codes.kinds), 1)
    table = np.full((max(len(schema_relations), 1), n_kinds), -1, dtype=np.int64)
    for t, per_kind in enumerate(schema_relations):
        for k, code in per_kind.items():
            table[t, k] = code
    tail_kind, head_kind = kinds[tails], kinds[heads]
    tail_attr = np.where(tail_kind >= 0, table[types, np.maximum(tail_kind, 0)], -1)
    head_attr = np.where(head_kind >= 0, table[types, np.maximum(head_kind, 0)], -1)
    on_tail = tail_attr >= 0
    target = np.where(on_tail, tails, heads)
    source = np.where(on_tail, heads, tails)
    attribute = np.where(on_tail, tail_attr, head_attr)
    ok = attribute >= 0
    target, source, attribute = target[ok], source[ok], attribute[ok]
    is_date = np.array([a.type == "date" for _, a in codes.attributes] or [False])[attribute]
    value = np.where(is_date, layer.dates[source], layer.entities[source])
    ok = value >= 0
    entity = layer.entities[target[ok]]
    return entity, attribute[ok], value[ok], np.zeros(int(ok.sum()), dtype=np.int64)


def prepare(corpus: Corpus) -> Codes:
    """The codes of a corpus, ready for :func:`statements`."""
    return Codes.of(corpus)


def _settle(entity: IntArray, attribute: IntArray, value: IntArray, role: IntArray
            ) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Distinct statements; a value restated without a role goes when it has one."""
    if not len(entity):
        return entity, attribute, value, role
    order = np.lexsort((role, value, attribute, entity))
    entity, attribute, value, role = entity[order], attribute[order], value[order], role[order]
    same = np.ones(len(entity), dtype=bool)
    same[1:] = (entity[1:] != entity[:-1]) | (attribute[1:] != attribute[:-1]) | \
        (value[1:] != value[:-1])
    group = np.cumsum(same) - 1
    has_role = np.zeros(int(group[-1]) + 1, dtype=bool)
    np.logical_or.at(has_role, group, role > 0)
    keep = (role > 0) | ~has_role[group]
    new = np.ones(len(entity), dtype=bool)
    new[1:] = same[1:] | (role[1:] != role[:-1])
    keep &= new
    return entity[keep], attribute[keep], value[keep], role[keep]


# -- comparing two layers -------------------------------------------------------------------

def align_record_ids(alignment: Alignment, left: Statements, right: Statements
                     ) -> tuple[IntArray, IntArray]:
    """Pairs of records (entity ids), one-to-one, by shared evidence mentions.

    Candidates are the (a's record, b's record) pairs of aligned mentions, weighted by how
    many there are, and the same entity on both sides (weight 0 when no mention says
    so); records of different kinds are never paired. In order of weight (the same
    entity first on a tie, then by ids) a candidate is taken when neither record is
    taken yet. The pairs come out in that order.
    """
    a, b = alignment.a, alignment.b
    ea, eb = a.entities[alignment.pa], b.entities[alignment.pb]
    keep = member(ea, left.records) & member(eb, right.records)
    key = np.sort(ea[keep] * SHIFT + eb[keep])  # (a's entity, b's entity) as one key
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))) if len(key) \
        else np.zeros(0, dtype=np.int64)
    counts = np.diff(np.append(starts, len(key)))
    same = np.intersect1d(left.records, right.records, assume_unique=True)
    same = same * SHIFT + same
    same = same[~member(same, key)]
    keys = np.concatenate((key[starts], same))
    weights = np.concatenate((counts, np.zeros(len(same), dtype=np.int64)))
    x, y = keys // SHIFT, keys % SHIFT
    kind_a = left.record_kinds[np.searchsorted(left.records, x)]
    kind_b = right.record_kinds[np.searchsorted(right.records, y)]
    alike = kind_a == kind_b
    x, y, weights = x[alike], y[alike], weights[alike]
    ranked = np.lexsort((y, x, x != y, -weights))
    x, y = x[ranked], y[ranked]
    taken = greedy_matching(x, y)
    return x[taken].astype(np.int64), y[taken].astype(np.int64)


def pair_of(records: IntArray, entities: IntArray) -> IntArray:
    """For each entity, its index in ``records`` (the aligned pairs' side), or −1."""
    if not len(records):
        return np.full(len(entities), -1, dtype=np.int64)
    order = np.argsort(records)
    ordered = records[order]
    at = np.minimum(np.searchsorted(ordered, entities), len(ordered) - 1)
    found: IntArray = np.where(ordered[at] == entities, order[at], -1)
    return found


@dataclass(frozen=True, slots=True)
class SlotScores:
    """Per (aligned pair, attribute) group: the Dice agreement by target and by role."""

    groups: IntArray  # pair index × attributes + attribute code
    target: npt.NDArray[np.float64]
    role: npt.NDArray[np.float64]
    single_a: IntArray  # the value when a side states exactly one, else −1
    single_b: IntArray


def slot_scores(left: Statements, right: Statements, pa: IntArray, pb: IntArray,
                n_attributes: int) -> SlotScores:
    side_a = pair_of(pa, left.entity)
    side_b = pair_of(pb, right.entity)
    ka = _keys(side_a, left, n_attributes)
    kb = _keys(side_b, right, n_attributes)
    groups = unique(np.concatenate((ka[0] // SHIFT, kb[0] // SHIFT)))
    scores = []
    distinct = []
    for a_keys, b_keys, width in ((ka[0], kb[0], 1), (ka[1], kb[1], ROLES)):
        ua, ub = unique(a_keys), unique(b_keys)
        distinct.append((ua, ub))
        na = _count(ua // SHIFT // width, groups)
        nb = _count(ub // SHIFT // width, groups)
        both = _count(np.intersect1d(ua, ub, assume_unique=True) // SHIFT // width, groups)
        scores.append(2 * both / np.maximum(na + nb, 1))
    target_a, target_b = distinct[0]
    return SlotScores(groups, scores[0], scores[1], _single(target_a, groups),
                      _single(target_b, groups))


def _keys(side: IntArray, s: Statements, n_attributes: int) -> tuple[IntArray, IntArray]:
    keep = side >= 0
    group = side[keep] * n_attributes + s.attribute[keep]
    target = group * SHIFT + s.value[keep]
    # (value, role) pairs: the role in the group part, kept apart from the target keys.
    role = (group * ROLES + s.role[keep]) * SHIFT + s.value[keep]
    return target, role


def _count(group_of_keys: IntArray, groups: IntArray) -> IntArray:
    at = np.searchsorted(groups, group_of_keys)
    return np.bincount(at, minlength=len(groups)).astype(np.int64)


def _single(keys: IntArray, groups: IntArray) -> IntArray:
    out = np.full(len(groups), -1, dtype=np.int64)
    counts = _count(keys // SHIFT, groups)
    at = np.searchsorted(groups, keys // SHIFT)
    one = counts[at] == 1
    out[at[one]] = keys[one] % SHIFT
    return out


def first_dates(s: Statements, side: IntArray, n_attributes: int) -> tuple[IntArray, IntArray]:
    """(group, date code) of the first date each aligned record states per attribute."""
    pair = side
    keep = pair >= 0
    group = pair[keep] * n_attributes + s.date_attribute[keep]
    codes = s.date_code[keep]
    groups, first = np.unique(group, return_index=True)
    return groups, codes[first]
