"""Annotators' layers read from the project, as arrays: what the agreement measures compare.

One :class:`Corpus` holds, for the chosen annotators, every mention an annotator made or
accepted (suggested and rejected ones are not annotations), their relations, the values
of their mentions, and the canonical entities with their values. It is read in a handful
of bulk queries whatever the size of the project, straight from the driver (no ORM
objects), so 10,000 articles with three layers load in a few seconds.

A document counts for an annotator when they worked on it: a status "in progress" or
"done", or at least one mention in it. Pairs of annotators are compared on the documents
both worked on; measures over all annotators on the documents all of them worked on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Text, case, cast, exists, func, literal, select
from sqlalchemy.orm import Session

from akkord.domain.schema import Schema
from akkord.errors import AkkordError
from akkord.services.agreement.measures import member
from akkord.store.bulk import fetch_rows
from akkord.store.models import (
    Annotator,
    Document,
    DocumentState,
    Entity,
    EntityValue,
    Mention,
    MentionValue,
    Relation,
)

IntArray = npt.NDArray[np.int64]
ANNOTATED = ("manual", "accepted")  # mention statuses that are an annotator's annotation
WORKED = ("in progress", "done")  # document statuses that say an annotator worked on it
DOCUMENT_FILTER = 900  # documents named in one query (SQLite binds at most 999 values)


@dataclass(frozen=True, slots=True)
class DateValue:
    """A partial date as the measures compare it: value, interval of days (ISO strings,
    which compare as the days do), precision."""

    value: str
    earliest: str
    latest: str
    precision: str

    def overlaps(self, other: DateValue) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest


@dataclass(slots=True)
class Layer:
    """One annotator's mentions (sorted by document, start, end) and relations."""

    name: str
    annotator_id: int
    ids: IntArray
    docs: IntArray
    starts: IntArray
    ends: IntArray
    labels: IntArray  # index into Corpus.labels
    entities: IntArray  # entity id, −1 when not linked
    documents: frozenset[int]
    rel_heads: IntArray
    rel_tails: IntArray
    rel_types: IntArray  # index into Corpus.relation_types
    rel_ids: IntArray
    dates: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # code or −1
    _order: IntArray | None = None
    _table: IntArray | None = None  # position by id − _low (see positions)
    _low: int = 0

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, mention_ids: npt.ArrayLike) -> IntArray:
        """Array positions of these mention ids in this layer (−1 for ids not in it).

        Through a table indexed by id when the layer's ids are dense enough (one layer of
        a project whose annotators' mentions interleave: a few times its length), else by
        a sorted search."""
        wanted = np.asarray(mention_ids, dtype=np.int64)
        if not len(self.ids) or not len(wanted):
            return np.full(len(wanted), -1, dtype=np.int64)
        if self._order is None and self._table is None:
            low, high = int(self.ids.min()), int(self.ids.max())
            if high - low < 8 * len(self.ids) + 1024:
                table = np.full(high - low + 2, -1, dtype=np.int64)  # the last: not here
                table[self.ids - low] = np.arange(len(self.ids), dtype=np.int64)
                self._table, self._low = table, low
            else:
                self._order = np.argsort(self.ids, kind="stable").astype(np.int64)
        if self._table is not None:
            outside = len(self._table) - 1
            at = wanted - self._low
            at[(at < 0) | (at > outside)] = outside
            found: IntArray = self._table[at]
            return found
        assert self._order is not None
        ordered = self.ids[self._order]
        at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
        found = np.where(ordered[at] == wanted, self._order[at], -1)
        return found

    def in_documents(self, docs: frozenset[int]) -> npt.NDArray[np.bool_]:
        if docs >= self.documents:
            return np.ones(len(self.ids), dtype=bool)
        return member(self.docs, np.fromiter(docs, dtype=np.int64, count=len(docs)))


@dataclass(frozen=True, slots=True)
class EntityValueRow:
    entity_id: int
    attribute: str
    value: object  # ("ref", id) | date value string | text | flag | number
    role: str | None
    date: DateValue | None
    evidence: int | None  # mention id
    preferred: bool


@dataclass(slots=True)
class Corpus:
    """The layers of the chosen annotators and what the measures need beside them."""

    schema: Schema
    labels: tuple[str, ...]
    relation_types: tuple[str, ...]
    layers: list[Layer]
    entity_kinds: dict[int, str]
    entity_names: dict[int, str]
    entity_values: dict[int, list[EntityValueRow]]
    mention_enums: dict[tuple[int, str], str]  # (mention id, attribute) → enum value
    date_table: list[DateValue] = field(default_factory=list)  # a mention's date code → date
    date_codes: dict[str, int] = field(default_factory=dict)  # date value → code

    def date_code(self, date: DateValue) -> int:
        found = self.date_codes.get(date.value)
        if found is None:
            found = self.date_codes[date.value] = len(self.date_table)
            self.date_table.append(date)
        return found

    def date_at(self, layer: Layer, position: int) -> DateValue | None:
        """The date value of a layer's mention (its first date attribute), if any."""
        code = int(layer.dates[position])
        return self.date_table[code] if code >= 0 else None

    @property
    def names(self) -> list[str]:
        return [layer.name for layer in self.layers]

    def layer(self, name: str) -> Layer:
        return next(layer for layer in self.layers if layer.name == name)

    def common_documents(self, layers: Sequence[Layer]) -> frozenset[int]:
        docs = layers[0].documents
        for layer in layers[1:]:
            docs = docs & layer.documents
        return docs


def _date(value: str | None, earliest: object, latest: object, precision: str | None
          ) -> DateValue | None:
    if value is None or earliest is None or latest is None:
        return None
    return DateValue(value, _iso(earliest), _iso(latest), precision or "")


def _iso(raw: object) -> str:
    """A day as ISO text, whether the driver gave a date (PostgreSQL) or text (SQLite)."""
    return raw.isoformat() if isinstance(raw, date) else str(raw)


def annotators_with_annotations(session: Session) -> list[str]:
    """Everyone whose layer holds an annotation (a mention made or accepted), by name."""
    return sorted(session.scalars(select(Annotator.name).where(Annotator.id.in_(
        select(Mention.annotator_id).where(Mention.status.in_(ANNOTATED)).distinct()))))


def _resolve_annotators(session: Session, wanted: Sequence[str] | None, at_least: int = 2
                        ) -> list[tuple[str, int]]:
    known: dict[str, int] = dict(session.execute(
        select(Annotator.name, Annotator.id)).all())
    if wanted:
        missing = [a for a in wanted if a not in known]
        if missing:
            raise AkkordError(f"no annotator called {', '.join(missing)} in this project "
                              f"(annotators: {', '.join(sorted(known)) or 'none'})")
        names = list(dict.fromkeys(wanted))
    else:
        # EXISTS stops at each annotator's first annotation (DISTINCT reads every row).
        with_mentions = set(session.scalars(select(Annotator.id).where(exists().where(
            Mention.annotator_id == Annotator.id, Mention.status.in_(ANNOTATED)))))
        names = sorted(n for n, i in known.items() if i in with_mentions)
    if len(names) < at_least:
        raise AkkordError("agreement needs at least two annotators' layers "
                          f"(found: {', '.join(names) or 'none'}); name them with --annotator")
    return [(n, known[n]) for n in names]


def load_corpus(session: Session, schema: Schema, annotators: Sequence[str] | None = None,
                documents: Sequence[int] | None = None, *, at_least: int = 2) -> Corpus:
    """Read the layers of ``annotators`` (default: every annotator with annotations);
    with ``documents``, only what is in those documents (and the entities it links to):
    one document of the curation view is read in milliseconds at any project size.
    Fewer than ``at_least`` layers is refused (agreement needs two)."""
    chosen = _resolve_annotators(session, annotators, at_least)
    conn = session.connection()
    labels = tuple(schema.label_names)
    relation_types = tuple(r.name for r in schema.relations)
    ids = [i for _, i in chosen]
    only = sorted(set(documents)) if documents is not None else None
    worked: dict[int, set[int]] = defaultdict(set)
    query = select(DocumentState.document_id, DocumentState.annotator_id).where(
        DocumentState.annotator_id.in_(ids), DocumentState.status.in_(WORKED))
    for doc_id, annotator in fetch_rows(conn, _within(query, DocumentState.document_id,
                                                      only)):
        worked[annotator].add(doc_id)
    # One pass over each table, integers only (labels and types numbered by the database),
    # each column as one text of numbers (see _int_columns): no Python object per value.
    label_code = _codes(Mention.label, labels)
    where = [Mention.annotator_id.in_(ids), Mention.status.in_(ANNOTATED)]
    if only is not None and len(only) <= DOCUMENT_FILTER:
        where.append(Mention.document_id.in_(only))
    mentions = _int_columns(conn, Mention.id, (
        Mention.document_id, Mention.start, Mention.end, Mention.id,
        func.coalesce(Mention.entity_id, -1), label_code, Mention.annotator_id), where)
    where = [Relation.annotator_id.in_(ids)]
    if only is not None and len(only) <= DOCUMENT_FILTER:
        where.append(Relation.head_id.in_(select(Mention.id).where(
            Mention.document_id.in_(only))))
    relations = _int_columns(conn, Relation.id, (
        Relation.head_id, Relation.tail_id, _codes(Relation.type, relation_types),
        Relation.id, Relation.annotator_id), where)
    layers = []
    for name, annotator in chosen:
        # Labels and relation types the schema no longer has (code −1) are left out.
        mine = (mentions[6] == annotator) & (mentions[5] >= 0)
        rels = (relations[4] == annotator) & (relations[2] >= 0)
        layers.append(_layer(name, annotator, [c[mine] for c in mentions[:6]],
                             [c[rels] for c in relations[:4]], worked[annotator]))
    del mentions, relations
    corpus = Corpus(schema, labels, relation_types, layers, {}, {}, {}, {})
    linked = None if only is None else sorted(
        {int(e) for layer in layers for e in np.unique(layer.entities).tolist() if e >= 0})
    _load_entities(session, corpus, linked)
    _load_mention_values(session, corpus, only)
    return corpus


ID_RANGE = 1 << 20  # rows read by one query of _int_columns: a range of ids


def _int_columns(conn: Connection, key: Any, columns: Sequence[Any], where: Sequence[Any]
                 ) -> list[IntArray]:
    """The rows (``where``) of a table as integer arrays, one per column.

    Each column comes as one comma-separated text (``group_concat`` in SQLite,
    ``string_agg`` in PostgreSQL), parsed by numpy: a million rows of seven integers cost
    the driver seconds in Python objects (a tuple and its integers per row), the texts a
    fraction of that. All columns of one query aggregate the same rows in the same order;
    ``columns`` must never be NULL (``coalesce`` them). Rows are read by ranges of the
    table's integer primary key ``key`` (:data:`ID_RANGE` a query), so no text grows with
    the project; the order of the rows is not defined.
    """
    low, high = conn.execute(select(func.min(key), func.max(key))).one()
    parts: list[list[IntArray]] = [[] for _ in columns]
    # SQLite writes an integer as text by itself (a CAST costs a tenth more there).
    as_text = (lambda c: c) if conn.dialect.name == "sqlite" else (lambda c: cast(c, Text))
    texts = [func.aggregate_strings(as_text(column), ",") for column in columns]
    for start in range(int(low or 0), int(high or -1) + 1, ID_RANGE):
        row: tuple[str | None, ...] = tuple(conn.execute(select(*texts).where(
            *where, key >= start, key < start + ID_RANGE)).one())
        if row[0] is None:  # no rows in this range
            continue
        values = [np.fromstring(text or "", dtype=np.int64, sep=",") for text in row]
        if len({len(v) for v in values}) != 1:
            raise ValueError("a column read for agreement has NULL values")
        for part, value in zip(parts, values, strict=True):
            part.append(value)
    return [part[0] if len(part) == 1 else np.concatenate(part or [np.zeros(0, np.int64)])
            for part in parts]


def _within(query: Any, column: Any, documents: Sequence[int] | None) -> Any:
    """``query`` limited to ``documents`` (None: all). A list longer than one statement's
    parameters reads everything: the callers compare only the documents they chose."""
    if documents is None or len(documents) > DOCUMENT_FILTER:
        return query
    return query.where(column.in_(documents))


def _codes(column: Any, names: Sequence[str]) -> Any:
    """SQL that numbers ``column``'s value by its place in ``names`` (−1: none of them)."""
    if not names:
        return literal(-1)
    return case(*((column == name, i) for i, name in enumerate(names)), else_=-1)


def _layer(name: str, annotator: int, mentions: list[IntArray], relations: list[IntArray],
           worked: set[int]) -> Layer:
    """``mentions``: columns document, start, end, id, entity, label; ``relations``:
    head, tail, type, id."""
    doc, start, end, ident, entity, label = mentions
    order = _mention_order(doc, start, end, label, ident)
    docs = doc[order]
    distinct = np.ones(len(docs), dtype=bool)
    distinct[1:] = docs[1:] != docs[:-1]
    documents = frozenset(worked) | frozenset(docs[distinct].tolist())
    heads, tails, types, rel_ids = relations
    layer = Layer(name, annotator, ident[order], docs, start[order], end[order],
                  label[order], entity[order], documents, heads, tails, types, rel_ids)
    # Relations whose mentions are not annotations of the layer (suggested, rejected) go.
    known = (layer.positions(heads) >= 0) & (layer.positions(tails) >= 0)
    layer.rel_heads, layer.rel_tails = heads[known], tails[known]
    layer.rel_types, layer.rel_ids = types[known], rel_ids[known]
    return layer


def _mention_order(doc: IntArray, start: IntArray, end: IntArray, label: IntArray,
                   ident: IntArray) -> IntArray:
    """The order of mentions by (document, start, end, label, id), as ``np.lexsort`` of
    the five gives it.

    Mentions come from the database in id order, and an import writes them in document
    and start order: a stable sort by (document, start) alone (timsort, quick on sorted
    runs) is then the whole order unless mentions with the same start are out of (end,
    label, id) order, which is checked. Otherwise three keys when (document, start) and
    (end, label) each fit one 63-bit integer (any id below 2³¹), or the five."""
    if not len(doc):
        return np.zeros(0, dtype=np.int64)
    if int(doc.max()) >= 1 << 31 or int(end.max()) >= 1 << 32 or int(label.max()) >= 1 << 16 \
            or min(int(doc.min()), int(start.min()), int(label.min())) < 0:
        return np.lexsort((ident, label, end, start, doc)).astype(np.int64)
    first = (doc << 32) | start
    second = (end << 16) | label
    order: IntArray = np.argsort(first, kind="stable")
    tied = first[order[1:]] == first[order[:-1]]
    if tied.any():
        a, b = order[:-1][tied], order[1:][tied]
        if ((second[a] > second[b]) | ((second[a] == second[b]) & (ident[a] > ident[b]))).any():
            order = np.lexsort((ident, second, first))
    return order.astype(np.int64)


def _plain(text: str | None, flag: bool | None, number: float | None, ref: int | None,
           date_value: str | None) -> object:
    if ref is not None:
        return ("ref", ref)
    for value in (date_value, text, flag, number):
        if value is not None:
            return value
    return None


def _load_entities(session: Session, corpus: Corpus, linked: Sequence[int] | None = None
                   ) -> None:
    """Every entity's kind, name and values; with ``linked``, only those entities' values,
    and the kinds and names of them and of the entities their values refer to."""
    value_query = select(
        EntityValue.entity_id, EntityValue.attribute, EntityValue.text, EntityValue.flag,
        EntityValue.number, EntityValue.ref_id, EntityValue.role, EntityValue.date_value,
        EntityValue.date_earliest, EntityValue.date_latest, EntityValue.date_precision,
        EntityValue.evidence_id, EntityValue.preferred).order_by(
        EntityValue.entity_id, EntityValue.attribute, EntityValue.position)
    parts = [value_query] if linked is None else [
        value_query.where(EntityValue.entity_id.in_(linked[i:i + DOCUMENT_FILTER]))
        for i in range(0, len(linked), DOCUMENT_FILTER)]
    named: set[int] = set(linked or ())
    for part in parts:
        for row in session.execute(part):
            corpus.entity_values.setdefault(row.entity_id, []).append(EntityValueRow(
                row.entity_id, row.attribute,
                _plain(row.text, row.flag, row.number, row.ref_id, row.date_value), row.role,
                _date(row.date_value, row.date_earliest, row.date_latest, row.date_precision),
                row.evidence_id, bool(row.preferred)))
            if row.ref_id is not None:
                named.add(row.ref_id)
    name_query = select(Entity.id, Entity.kind, Entity.name)
    wanted = sorted(named)
    names = [name_query] if linked is None else [
        name_query.where(Entity.id.in_(wanted[i:i + DOCUMENT_FILTER]))
        for i in range(0, len(wanted), DOCUMENT_FILTER)]
    for named_part in names:
        for entity_id, kind, name in fetch_rows(session.connection(), named_part):
            corpus.entity_kinds[entity_id] = kind
            corpus.entity_names[entity_id] = name


def _load_mention_values(session: Session, corpus: Corpus,
                         documents: Sequence[int] | None = None) -> None:
    """Each layer mention's date (its first date value) and enum values.

    Queries on the values alone, in (mention, attribute, position) order; which layer a
    value belongs to (if any: other annotators', suggested and rejected mentions are in
    none) is looked up in the layers' arrays, not joined in SQL.
    """
    def rows_of(*columns: Any) -> tuple[list[tuple[Any, ...]], IntArray]:
        query = select(*columns).where(*conditions).order_by(
            MentionValue.mention_id, MentionValue.attribute, MentionValue.position)
        if documents is not None and len(documents) <= DOCUMENT_FILTER:
            query = query.where(MentionValue.mention_id.in_(
                select(Mention.id).where(Mention.document_id.in_(documents))))
        rows = fetch_rows(session.connection(), query)
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        label_of = np.full(len(rows), -1, dtype=np.int64)  # −1: in no layer
        for layer in corpus.layers:
            where = layer.positions(ids)
            found = where >= 0
            label_of[found] = layer.labels[where[found]]
        return rows, label_of

    conditions: list[Any] = [MentionValue.date_value.is_not(None),
                             MentionValue.date_earliest.is_not(None),
                             MentionValue.date_latest.is_not(None)]
    rows, label_of = rows_of(MentionValue.mention_id, MentionValue.date_value,
                             MentionValue.date_earliest, MentionValue.date_latest,
                             MentionValue.date_precision)
    mention_ids: list[int] = []
    codes: list[int] = []
    for i in np.flatnonzero(label_of >= 0).tolist():
        mention_id, value, earliest, latest, precision = rows[i]
        code = corpus.date_codes.get(value)
        if code is None:
            code = corpus.date_code(DateValue(value, _iso(earliest), _iso(latest),
                                              precision or ""))
        mention_ids.append(mention_id)
        codes.append(code)
    del rows
    dated = np.array(mention_ids, dtype=np.int64)
    # The first date value of each mention (rows come by mention, attribute, position).
    dated, first = np.unique(dated, return_index=True)
    values = np.array(codes, dtype=np.int64)[first]
    for layer in corpus.layers:
        layer.dates = np.full(len(layer), -1, dtype=np.int64)
        where = layer.positions(dated)
        found = where >= 0
        layer.dates[where[found]] = values[found]
    labels = {name: i for i, name in enumerate(corpus.labels)}
    enum_attributes = {(labels[label.name], a.name) for label in corpus.schema.labels
                       for a in label.attributes if a.type == "enum"}
    if not enum_attributes:
        return
    conditions = [MentionValue.date_value.is_(None), MentionValue.text.is_not(None),
                  MentionValue.attribute.in_(sorted({a for _, a in enum_attributes}))]
    rows, label_of = rows_of(MentionValue.mention_id, MentionValue.attribute,
                             MentionValue.text)
    chosen = np.flatnonzero(label_of >= 0)
    for i, label in zip(chosen.tolist(), label_of[chosen].tolist(), strict=True):
        mention_id, attribute, text = rows[i]
        if (label, attribute) in enum_attributes:
            corpus.mention_enums.setdefault((mention_id, attribute), text)


def document_texts(session: Session, doc_ids: Sequence[int], chunk: int = 500
                   ) -> Iterator[list[tuple[int, str]]]:
    """(document id, text) in chunks, in id order, read straight from the driver."""
    conn = session.connection()
    ordered = sorted(doc_ids)
    for i in range(0, len(ordered), chunk):
        part = ordered[i:i + chunk]
        yield [(d, t) for d, t in fetch_rows(conn, select(Document.id, Document.text).where(
            Document.id.in_(part)).order_by(Document.id))]
