"""All agreement figures of a project, as rows: ``{measure, label, annotators, document,
value}``.

Measures (``label`` is a schema label, a relation type, ``kind.attribute`` or ``ALL``):

========================  ==================================================================
``span_f1_exact``          F1 of mentions with the same span and label (pairs)
``span_f1_overlap``        F1 of aligned mentions with the same label (overlap is enough)
``span_f1_unlabelled``     F1 of mentions with the same span, whatever the label (ALL)
``confusion``              aligned mentions per (label of the first / of the second; O = none)
``token_kappa``            Cohen's κ on token labels (pairs; a label: that label vs the rest)
``token_alpha``            Krippendorff's α (nominal) on token labels, missing layers allowed
``token_fleiss_kappa``     Fleiss' κ on token labels, documents every layer worked on
``alpha_unitized``         Krippendorff's unitizing α_U per label (ALL: pooled D_o / D_e)
``muc`` ``b3`` ``ceaf_e`` ``lea``   coreference F1 of the mention → entity links, across
                           documents, mentions matched through aligned spans
``date_exact``             share of aligned dated units with the same date value
``date_overlap``           share whose earliest–latest intervals overlap
``date_precision``         share with the same precision (day, week, month …)
``value_kappa``            Cohen's κ of an enum attribute on aligned units (``kind.attr``)
``relation_f1``            F1 of (head, type, tail) with heads and tails aligned
``record_f1``              F1 of records (demands, meetings …) aligned by evidence mentions
``record_slots``           mean slot agreement of aligned records, by target
``record_slots_role``      the same for references with roles, (target, role) pairs
========================  ==================================================================

Pairwise measures have one row per pair of annotators; when there are more than two, a
row with every annotator gives the mean over the pairs. ``document`` is ``None`` except
for the per-document rows (``by_document``: span F1, token κ and relation F1 per pair).
A value is ``None`` when the measure is undefined (nothing to compare).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from akkord.domain.schema import Attribute, Schema
from akkord.services.agreement import measures as m
from akkord.services.agreement.align import Alignment, align
from akkord.services.agreement.layers import (
    Corpus,
    Layer,
    document_texts,
    load_corpus,
)
from akkord.services.agreement.records import record_kinds
from akkord.services.agreement.statements import (
    SlotScores,
    Statements,
    align_record_ids,
    first_dates,
    pair_of,
    prepare,
    slot_scores,
    statements,
)
from akkord.services.agreement.tokens import TokenCounts, count_tokens
from akkord.store.project import Project

ALL = "ALL"
NONE_LABEL = "O"
PAIRWISE_PER_DOCUMENT = ("span_f1_exact", "span_f1_overlap", "token_kappa", "relation_f1")


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    label: str
    annotators: tuple[str, ...]
    document: int | None
    value: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "label": self.label,
                "annotators": list(self.annotators), "document": self.document,
                "value": self.value}


@dataclass(frozen=True, slots=True)
class Version:
    """One annotator's side of a disagreement, as text."""

    annotator: str
    text: str


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A place in the text where two annotators differ, and how."""

    document: int
    start: int
    end: int
    kind: str  # missing | label | boundary | link | date | value | relation | record
    versions: tuple[Version, ...]


@dataclass(slots=True)
class AgreementOptions:
    annotators: list[str] | None = None  # default: every annotator with annotations
    by_document: bool = False
    disagreements: bool = False
    tokens: bool = True  # token κ / α and α_U (they read the texts)


@dataclass(slots=True)
class AgreementReport:
    annotators: list[str]
    labels: list[str]
    rows: list[Row] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    def value(self, measure: str, label: str = ALL, annotators: Sequence[str] | None = None,
              document: int | None = None) -> float | None:
        """The value of one row (annotators in either order); KeyError when absent."""
        wanted = tuple(sorted(annotators or self.annotators))
        for row in self.rows:
            if (row.measure, row.label, row.document) == (measure, label, document) and \
                    tuple(sorted(row.annotators)) == wanted:
                return row.value
        raise KeyError((measure, label, annotators, document))


def agreement(project: Project, options: AgreementOptions | None = None) -> AgreementReport:
    """Every agreement figure of the project, read in one consistent snapshot."""
    with project.read() as session:
        return compute_agreement(session, project.schema, options or AgreementOptions())


def compute_agreement(session: Session, schema: Schema, options: AgreementOptions
                      ) -> AgreementReport:
    m.import_scipy_early()  # while the layers are read
    corpus = load_corpus(session, schema, options.annotators)
    report = AgreementReport(corpus.names, list(corpus.labels))
    computer = _Computer(corpus, report, options)
    for a, b in combinations(corpus.layers, 2):
        computer.pair(a, b)
    if options.tokens:
        docs = frozenset().union(*(layer.documents for layer in corpus.layers))
        counts = count_tokens(corpus.layers, len(corpus.labels),
                              document_texts(session, sorted(docs)), options.by_document)
        computer.tokens(counts)
    computer.means()
    return report


class _Computer:
    def __init__(self, corpus: Corpus, report: AgreementReport, options: AgreementOptions
                 ) -> None:
        self.corpus = corpus
        self.report = report
        self.options = options
        self.labels = corpus.labels
        self.kinds = record_kinds(corpus.schema)
        self.entity_labels = [i for i, label in enumerate(corpus.labels)
                              if corpus.schema.label(label).entity is not None]
        self.dated_labels = [i for i, label in enumerate(corpus.labels)
                             if any(a.type == "date"
                                    for a in corpus.schema.label(label).attributes)]
        self.records: dict[tuple[str, frozenset[int]], Statements] = {}
        self.codes = prepare(corpus)
        self._dates: tuple[npt.NDArray[np.int64], ...] | None = None

    # -- output ---------------------------------------------------------------------------
    def row(self, measure: str, label: str, names: tuple[str, ...], value: float | None,
            document: int | None = None) -> None:
        self.report.rows.append(Row(measure, label, names, document,
                                    None if value is None else float(value)))

    def disagree(self, layer: Layer, position: int, kind: str, *versions: Version) -> None:
        if self.options.disagreements:
            self.report.disagreements.append(Disagreement(
                int(layer.docs[position]), int(layer.starts[position]),
                int(layer.ends[position]), kind, versions))

    # -- one pair ---------------------------------------------------------------------------
    def pair(self, a: Layer, b: Layer) -> None:
        docs = a.documents & b.documents
        alignment = align(a, b, docs)
        names = (a.name, b.name)
        self.spans(alignment, names)
        self.identity(alignment, names)
        self.relations(alignment, names)
        self.dates(alignment, names)
        self.mention_enums(alignment, names)
        self.record_measures(alignment, names)
        if self.options.disagreements:
            self.span_disagreements(alignment)

    def spans(self, al: Alignment, names: tuple[str, ...]) -> None:
        a, b, k = al.a, al.b, len(self.labels)
        n_a = np.bincount(a.labels[al.in_a], minlength=k)
        n_b = np.bincount(b.labels[al.in_b], minlength=k)
        same, exact = al.same_label, al.exact
        labels_a = a.labels[al.pa]
        exact_hits = np.bincount(labels_a[same & exact], minlength=k)
        overlap_hits = np.bincount(labels_a[same], minlength=k)
        for i, label in enumerate(self.labels):
            if n_a[i] + n_b[i]:
                self.row("span_f1_exact", label, names, m.f1(exact_hits[i], n_a[i], n_b[i]))
                self.row("span_f1_overlap", label, names,
                         m.f1(overlap_hits[i], n_a[i], n_b[i]))
        total_a, total_b = int(n_a.sum()), int(n_b.sum())
        self.row("span_f1_exact", ALL, names, m.f1(int(exact_hits.sum()), total_a, total_b))
        self.row("span_f1_overlap", ALL, names,
                 m.f1(int(overlap_hits.sum()), total_a, total_b))
        self.row("span_f1_unlabelled", ALL, names, m.f1(int(exact.sum()), total_a, total_b))
        self.confusion(al, names)
        if self.options.by_document:
            self.spans_by_document(al, names, same, exact)

    def confusion(self, al: Alignment, names: tuple[str, ...]) -> None:
        a, b = al.a, al.b
        k = len(self.labels) + 1  # the last one is "none"
        aligned_a = np.zeros(len(a), bool)
        aligned_a[al.pa] = True
        aligned_b = np.zeros(len(b), bool)
        aligned_b[al.pb] = True
        cells = np.concatenate((a.labels[al.pa] * k + b.labels[al.pb],
                                a.labels[al.in_a & ~aligned_a] * k + (k - 1),
                                (k - 1) * k + b.labels[al.in_b & ~aligned_b]))
        counts = np.bincount(cells, minlength=k * k)
        names_of = [*self.labels, NONE_LABEL]
        for cell in sorted(np.flatnonzero(counts).tolist(),
                           key=lambda c: (names_of[c // k], names_of[c % k])):
            self.row("confusion", f"{names_of[cell // k]}/{names_of[cell % k]}", names,
                     int(counts[cell]))

    def spans_by_document(self, al: Alignment, names: tuple[str, ...],
                          same: npt.NDArray[np.bool_], exact: npt.NDArray[np.bool_]) -> None:
        a, b = al.a, al.b
        docs = sorted(al.docs)
        index = {d: i for i, d in enumerate(docs)}
        where = np.array(docs, dtype=np.int64)

        def per_doc(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
            found = np.searchsorted(where, values)
            return np.bincount(found, minlength=len(docs))

        n_a = per_doc(a.docs[al.in_a])
        n_b = per_doc(b.docs[al.in_b])
        pair_docs = a.docs[al.pa]
        hits_exact = per_doc(pair_docs[same & exact])
        hits_overlap = per_doc(pair_docs[same])
        for doc, i in index.items():
            self.row("span_f1_exact", ALL, names, m.f1(hits_exact[i], n_a[i], n_b[i]), doc)
            self.row("span_f1_overlap", ALL, names, m.f1(hits_overlap[i], n_a[i], n_b[i]),
                     doc)

    def identity(self, al: Alignment, names: tuple[str, ...]) -> None:
        """Coreference scores of the two layers' mention → entity links.

        The mentions are those of either layer; an aligned pair is one mention. A mention
        not linked (or absent) in a layer is missing from that layer's clustering.
        """
        a, b = al.a, al.b
        partner_of = al.b_of_a()
        for label in [*self.entity_labels, None]:
            keep_a = al.in_a if label is None else al.in_a & (a.labels == label)
            keep_b = al.in_b if label is None else al.in_b & (b.labels == label)
            pa = np.flatnonzero(keep_a)
            partner = partner_of[pa]
            paired = partner >= 0
            paired[paired] = keep_b[partner[paired]]
            response = np.full(len(pa), -1, dtype=np.int64)
            response[paired] = b.entities[partner[paired]]
            used_b = np.zeros(len(b), dtype=bool)
            used_b[partner[paired]] = True
            lone_b = np.flatnonzero(keep_b & ~used_b)
            key = np.concatenate((a.entities[pa], np.full(len(lone_b), -1, np.int64)))
            response = np.concatenate((response, b.entities[lone_b]))
            if not ((key >= 0).any() and (response >= 0).any()):
                continue
            clusterings = m.Clusterings.of(key, response)
            name = self.labels[label] if label is not None else ALL
            for measure, score in (("muc", m.muc), ("b3", m.b_cubed),
                                   ("ceaf_e", m.ceaf_e), ("lea", m.lea)):
                self.row(measure, name, names, score(clusterings).f1)

    def relations(self, al: Alignment, names: tuple[str, ...]) -> None:
        a, b = al.a, al.b
        width = max(int(b.ids.max(initial=0)), int(a.ids.max(initial=0))) + 1
        n_types = len(self.corpus.relation_types)
        heads_a, tails_a = a.positions(a.rel_heads), a.positions(a.rel_tails)
        keep_a = (heads_a >= 0) & (tails_a >= 0)
        keep_a[keep_a] = al.in_a[heads_a[keep_a]]
        heads_b, tails_b = b.positions(b.rel_heads), b.positions(b.rel_tails)
        keep_b = (heads_b >= 0) & (tails_b >= 0)
        keep_b[keep_b] = al.in_b[heads_b[keep_b]]
        partner = al.b_of_a()
        mapped_head = np.where(keep_a, partner[np.maximum(heads_a, 0)], -1)
        mapped_tail = np.where(keep_a, partner[np.maximum(tails_a, 0)], -1)
        ok = keep_a & (mapped_head >= 0) & (mapped_tail >= 0)
        key_a = (b.ids[np.maximum(mapped_head, 0)] * width + b.ids[np.maximum(mapped_tail, 0)]
                 ) * n_types + a.rel_types
        key_b = (b.rel_heads * width + b.rel_tails) * n_types + b.rel_types
        hit = ok & m.member(key_a, key_b[keep_b])
        types_a, types_b = a.rel_types[keep_a], b.rel_types[keep_b]
        hits = np.bincount(a.rel_types[hit], minlength=n_types)
        count_a = np.bincount(types_a, minlength=n_types)
        count_b = np.bincount(types_b, minlength=n_types)
        for i, name in enumerate(self.corpus.relation_types):
            if count_a[i] + count_b[i]:
                self.row("relation_f1", name, names, m.f1(hits[i], count_a[i], count_b[i]))
        self.row("relation_f1", ALL, names, m.f1(int(hits.sum()), int(count_a.sum()),
                                                 int(count_b.sum())))
        if self.options.by_document:
            docs = sorted(al.docs)
            where = np.array(docs, dtype=np.int64)
            doc_a = np.searchsorted(where, a.docs[heads_a[keep_a]])
            doc_b = np.searchsorted(where, b.docs[heads_b[keep_b]])
            doc_hit = np.searchsorted(where, a.docs[heads_a[hit]])
            na = np.bincount(doc_a, minlength=len(docs))
            nb = np.bincount(doc_b, minlength=len(docs))
            nh = np.bincount(doc_hit, minlength=len(docs))
            for i, doc in enumerate(docs):
                self.row("relation_f1", ALL, names, m.f1(nh[i], na[i], nb[i]), doc)
        if self.options.disagreements:
            self.relation_disagreements(al, heads_a, keep_a & ~hit, heads_b, keep_b, key_b,
                                        width, n_types)

    def relation_disagreements(self, al: Alignment, heads_a: npt.NDArray[np.int64],
                               missed_a: npt.NDArray[np.bool_],
                               heads_b: npt.NDArray[np.int64], keep_b: npt.NDArray[np.bool_],
                               key_b: npt.NDArray[np.int64], width: int, n_types: int) -> None:
        a, b = al.a, al.b
        types = self.corpus.relation_types
        for r in np.flatnonzero(missed_a).tolist():
            self.disagree(a, int(heads_a[r]), "relation",
                          Version(a.name, f"{types[int(a.rel_types[r])]} relation"),
                          Version(b.name, "—"))
        partner = al.a_of_b()
        a_keys = set()
        ha, ta = a.positions(a.rel_heads), a.positions(a.rel_tails)
        for h, t, ty in zip(ha.tolist(), ta.tolist(), a.rel_types.tolist(), strict=True):
            if h >= 0 and t >= 0:
                a_keys.add((h, t, ty))
        tails_b = b.positions(b.rel_tails)
        for r in np.flatnonzero(keep_b).tolist():
            h, t = int(partner[heads_b[r]]), int(partner[tails_b[r]])
            if (h, t, int(b.rel_types[r])) not in a_keys:
                self.disagree(b, int(heads_b[r]), "relation", Version(a.name, "—"),
                              Version(b.name, f"{types[int(b.rel_types[r])]} relation"))

    def dates(self, al: Alignment, names: tuple[str, ...]) -> None:
        if not self.dated_labels:
            return
        a, b = al.a, al.b
        da, db = a.dates[al.pa], b.dates[al.pb]
        labels = a.labels[al.pa]
        keep = np.isin(labels, self.dated_labels) & ((da >= 0) | (db >= 0))
        for label in sorted(set(labels[keep].tolist()), key=lambda i: self.labels[i]):
            chosen = keep & (labels == label)
            self.date_rows(self.labels[label], names, da[chosen], db[chosen])
        if keep.any():
            self.date_rows(ALL, names, da[keep], db[keep])
        if self.options.disagreements:
            table = self.corpus.date_table
            for i in np.flatnonzero(keep & (da != db)).tolist():
                x, ca, cb = int(al.pa[i]), int(da[i]), int(db[i])
                self.disagree(a, x, "date",
                              Version(a.name, table[ca].value if ca >= 0 else "—"),
                              Version(b.name, table[cb].value if cb >= 0 else "—"))

    def date_rows(self, label: str, names: tuple[str, ...], da: npt.NDArray[np.int64],
                  db: npt.NDArray[np.int64]) -> None:
        """date_exact / date_overlap / date_precision of pairs of date codes (−1: none)."""
        if not len(da):
            return
        earliest, latest, precision = self.date_arrays()
        both = (da >= 0) & (db >= 0)
        x, y = np.maximum(da, 0), np.maximum(db, 0)
        n = len(da)
        self.row("date_exact", label, names, float((both & (da == db)).sum()) / n)
        overlap = both & (earliest[x] <= latest[y]) & (earliest[y] <= latest[x])
        self.row("date_overlap", label, names, float(overlap.sum()) / n)
        self.row("date_precision", label, names,
                 float((both & (precision[x] == precision[y])).sum()) / n)

    def date_arrays(self) -> tuple[npt.NDArray[np.int64], ...]:
        table = self.corpus.date_table
        if self._dates is None or len(self._dates[0]) != len(table):
            precisions: dict[str, int] = {}
            self._dates = (
                np.array([int(d.earliest.replace("-", "")) for d in table] or [0], np.int64),
                np.array([int(d.latest.replace("-", "")) for d in table] or [0], np.int64),
                np.array([precisions.setdefault(d.precision, len(precisions)) for d in table]
                         or [0], np.int64))
        return self._dates

    def mention_enums(self, al: Alignment, names: tuple[str, ...]) -> None:
        enums = self.corpus.mention_enums
        if not enums:
            return
        a, b = al.a, al.b
        pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for label in self.corpus.schema.labels:
            for attr in label.attributes:
                if attr.type != "enum":
                    continue
                index = self.labels.index(label.name)
                for x, y in zip(al.pa.tolist(), al.pb.tolist(), strict=True):
                    if a.labels[x] == index:
                        va = enums.get((int(a.ids[x]), attr.name))
                        vb = enums.get((int(b.ids[y]), attr.name))
                        if va is not None and vb is not None:
                            pairs[f"{label.name}.{attr.name}"].append((va, vb))
        for name, values in sorted(pairs.items()):
            self.row("value_kappa", name, names, _kappa(values))

    # -- records -----------------------------------------------------------------------------
    def statements(self, layer: Layer, docs: frozenset[int]) -> Statements:
        key = (layer.name, docs)
        found = self.records.get(key)
        if found is None:
            found = self.records[key] = statements(self.corpus, self.codes, layer,
                                                   layer.in_documents(docs))
        return found

    def record_measures(self, al: Alignment, names: tuple[str, ...]) -> None:
        codes = self.codes
        if not codes.attributes:
            return
        left, right = self.statements(al.a, al.docs), self.statements(al.b, al.docs)
        pa, pb = align_record_ids(al, left, right)
        n_attr = len(codes.attributes)
        scores = slot_scores(left, right, pa, pb, n_attr)
        attribute = scores.groups % n_attr
        kind_of_pair = codes.kinds_of(pa)
        for k, kind in enumerate(codes.kinds):
            n_left = int((left.record_kinds == k).sum())
            n_right = int((right.record_kinds == k).sum())
            if n_left + n_right:
                self.row("record_f1", kind, names,
                         m.f1(int((kind_of_pair == k).sum()), n_left, n_right))
        with_roles = np.array([bool(a.roles) for _, a in codes.attributes])
        enums = [i for i, (_, a) in enumerate(codes.attributes) if a.type == "enum"]
        for code, (kind, attr) in enumerate(codes.attributes):
            chosen = attribute == code
            if not chosen.any():
                continue
            label = f"{kind}.{attr.name}"
            self.row("record_slots", label, names, float(scores.target[chosen].mean()))
            if attr.roles:
                self.row("record_slots_role", label, names, float(scores.role[chosen].mean()))
            if code in enums:
                both = chosen & (scores.single_a >= 0) & (scores.single_b >= 0)
                if both.any():
                    self.row("value_kappa", label, names, _kappa(list(zip(
                        scores.single_a[both].tolist(), scores.single_b[both].tolist(),
                        strict=True))))
        if len(left.records) + len(right.records):
            self.row("record_f1", ALL, names, m.f1(len(pa), len(left.records),
                                                   len(right.records)))
        if len(scores.groups):
            self.row("record_slots", ALL, names, float(scores.target.mean()))
            roles = with_roles[attribute]
            if roles.any():
                self.row("record_slots_role", ALL, names, float(scores.role[roles].mean()))
        self.record_dates(left, right, pa, pb, names)
        if self.options.disagreements:
            self.record_disagreements(al, left, right, pa, pb, scores)

    def record_dates(self, left: Statements, right: Statements, pa: npt.NDArray[np.int64],
                     pb: npt.NDArray[np.int64], names: tuple[str, ...]) -> None:
        n_attr = len(self.codes.attributes)
        ga, ca = first_dates(left, pair_of(pa, left.date_entity), n_attr)
        gb, cb = first_dates(right, pair_of(pb, right.date_entity), n_attr)
        groups = m.unique(np.concatenate((ga, gb)))
        da = _lookup(ga, ca, groups)
        db = _lookup(gb, cb, groups)
        for code, (kind, attr) in enumerate(self.codes.attributes):
            chosen = groups % n_attr == code
            if chosen.any():
                self.date_rows(f"{kind}.{attr.name}", names, da[chosen], db[chosen])

    def record_disagreements(self, al: Alignment, left: Statements, right: Statements,
                             pa: npt.NDArray[np.int64], pb: npt.NDArray[np.int64],
                             scores: SlotScores) -> None:
        codes = self.codes
        n_attr = len(codes.attributes)
        names = self.corpus.entity_names
        first = dict(zip(left.records.tolist(), left.first_mention.tolist(), strict=True))
        bad = (scores.target < 1) | (scores.role < 1)
        for group in scores.groups[bad].tolist():
            pair, code = divmod(group, n_attr)
            attr = codes.attributes[code][1]
            ea, eb = int(pa[pair]), int(pb[pair])
            self.disagree(al.a, first[ea], "record",
                          Version(al.a.name, f"{names.get(ea, '?')}: {attr.name} = "
                                             f"{self.slot_text(left, ea, code, attr)}"),
                          Version(al.b.name, f"{names.get(eb, '?')}: {attr.name} = "
                                             f"{self.slot_text(right, eb, code, attr)}"))

    def slot_text(self, s: Statements, entity: int, code: int, attr: Attribute) -> str:
        rows = np.flatnonzero((s.entity == entity) & (s.attribute == code))
        parts = []
        for value, role in zip(s.value[rows].tolist(), s.role[rows].tolist(), strict=True):
            if attr.type == "ref":
                shown = self.corpus.entity_names.get(value, f"#{value}")
            elif attr.type == "date":
                shown = self.corpus.date_table[value].value
            else:
                shown = str(self.codes.value_list[value])
            name = self.codes.role_list[role]
            parts.append(shown + (f" ({name})" if name else ""))
        return ", ".join(sorted(parts)) or "—"

    # -- disagreements on spans ----------------------------------------------------------------
    def span_disagreements(self, al: Alignment) -> None:
        a, b = al.a, al.b
        names = self.corpus.entity_names
        labels = self.labels

        def show(layer: Layer, i: int) -> str:
            entity = int(layer.entities[i])
            link = f" → {names.get(entity, '?')}" if entity >= 0 else ""
            return f"{labels[int(layer.labels[i])]} [{layer.starts[i]}, {layer.ends[i]}){link}"

        aligned_a = np.zeros(len(a), bool)
        aligned_a[al.pa] = True
        aligned_b = np.zeros(len(b), bool)
        aligned_b[al.pb] = True
        for i in np.flatnonzero(al.in_a & ~aligned_a).tolist():
            self.disagree(a, i, "missing", Version(a.name, show(a, i)), Version(b.name, "—"))
        for j in np.flatnonzero(al.in_b & ~aligned_b).tolist():
            self.disagree(b, j, "missing", Version(a.name, "—"), Version(b.name, show(b, j)))
        for x, y in zip(al.pa.tolist(), al.pb.tolist(), strict=True):
            if a.labels[x] != b.labels[y]:
                kind = "label"
            elif a.starts[x] != b.starts[y] or a.ends[x] != b.ends[y]:
                kind = "boundary"
            elif a.entities[x] != b.entities[y]:
                kind = "link"
            else:
                continue
            self.disagree(a, x, kind, Version(a.name, show(a, x)), Version(b.name, show(b, y)))

    # -- token-level and unitizing --------------------------------------------------------------
    def tokens(self, counts: TokenCounts) -> None:
        layers = self.corpus.layers
        k = counts.n_labels
        names_all = tuple(self.corpus.names)
        for (i, j), table in counts.pair_tables.items():
            names = (layers[i].name, layers[j].name)
            self.row("token_kappa", ALL, names, m.cohen_kappa(table))
            self.row("token_alpha", ALL, names, _pair_alpha(table))
            for label in range(1, k):
                binary = _binary(table, label)
                if binary[1].sum() + binary[:, 1].sum():
                    self.row("token_kappa", self.labels[label - 1], names,
                             m.cohen_kappa(binary))
            for doc, doc_table in sorted(counts.pair_doc_tables.get((i, j), {}).items()):
                self.row("token_kappa", ALL, names, _quick_kappa(doc_table), doc)
        self.multi_token_rows(counts, names_all)
        self.unitized(counts, names_all)

    def multi_token_rows(self, counts: TokenCounts, names: tuple[str, ...]) -> None:
        patterns, weights = counts.decode(counts.all_patterns)
        if len(weights):
            self.row("token_fleiss_kappa", ALL, names, m.fleiss_kappa(patterns, weights))
            for label in range(1, counts.n_labels):
                collapsed = np.stack((patterns.sum(1) - patterns[:, label], patterns[:, label]),
                                     axis=1)
                if collapsed[:, 1].any():
                    self.row("token_fleiss_kappa", self.labels[label - 1], names,
                             m.fleiss_kappa(collapsed, weights))
        patterns, weights = counts.decode(counts.some_patterns)
        if len(weights) and len(self.corpus.layers) > 2:
            self.row("token_alpha", ALL, names, m.krippendorff_alpha_nominal(patterns, weights))

    def unitized(self, counts: TokenCounts, names_all: tuple[str, ...]) -> None:
        """α_U per label for every pair and for all annotators, each on the documents its
        annotators share, laid end to end as one continuum. Groups on the same documents
        (usually all of them) share one :class:`~measures.Continuum` per label."""
        layers = self.corpus.layers
        groups: list[tuple[tuple[str, ...], list[int]]] = [
            ((layers[i].name, layers[j].name), [i, j])
            for i, j in combinations(range(len(layers)), 2)]
        if len(layers) > 2:
            groups.append((names_all, list(range(len(layers)))))
        continua: dict[frozenset[int], list[m.Continuum]] = {}
        for names, members in groups:
            docs = self.corpus.common_documents([layers[i] for i in members])
            if not docs:
                continue
            per_label = continua.get(docs)
            if per_label is None:
                per_label = continua[docs] = self.continua(docs, counts)
            pooled_o = pooled_e = 0.0
            for label, continuum in zip(self.labels, per_label, strict=True):
                if not any(continuum.units(i) for i in members):
                    continue
                result = continuum.unitizing(members)
                pooled_o += result.observed
                pooled_e += result.expected
                self.row("alpha_unitized", label, names, result.alpha)
            if pooled_e:
                self.row("alpha_unitized", ALL, names, 1 - pooled_o / pooled_e)

    def continua(self, docs: frozenset[int], counts: TokenCounts) -> list[m.Continuum]:
        """Per label, every layer's mentions in ``docs`` on their continuum: the documents
        in id order, each one's characters after the previous one's."""
        ordered = sorted(docs)
        lengths = np.array([counts.doc_lengths.get(d, 0) for d in ordered], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        where = np.array(ordered, dtype=np.int64)
        total = int(lengths.sum())
        units: list[list[npt.NDArray[np.int64]]] = [[] for _ in self.labels]
        for layer in self.corpus.layers:
            keep = layer.in_documents(docs)
            shift = offsets[np.searchsorted(where, layer.docs[keep])]
            spans = np.stack((layer.starts[keep] + shift, layer.ends[keep] + shift), axis=1)
            labels = layer.labels[keep]
            for label_index, per_layer in enumerate(units):
                per_layer.append(spans[labels == label_index])
        return [m.Continuum(per_layer, total) for per_layer in units]

    # -- the mean over pairs ------------------------------------------------------------------
    def means(self) -> None:
        names = tuple(self.corpus.names)
        if len(names) <= 2:
            return
        groups: dict[tuple[str, str, int | None], list[float]] = defaultdict(list)
        multi = {(r.measure, r.label, r.document) for r in self.report.rows
                 if len(r.annotators) > 2}
        for r in self.report.rows:
            if len(r.annotators) == 2 and r.value is not None and r.measure != "confusion":
                groups[(r.measure, r.label, r.document)].append(r.value)
        for (measure, label, document), values in groups.items():
            if (measure, label, document) not in multi:
                self.row(measure, label, names, float(np.mean(values)), document)


def _lookup(groups: npt.NDArray[np.int64], codes: npt.NDArray[np.int64],
            wanted: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The code of each wanted group (−1 where the side has none)."""
    out = np.full(len(wanted), -1, dtype=np.int64)
    if len(groups):
        at = np.minimum(np.searchsorted(groups, wanted), len(groups) - 1)
        found = groups[at] == wanted
        out[found] = codes[at[found]]
    return out


def _kappa(pairs: list[tuple[Any, Any]]) -> float | None:
    values = sorted({v for pair in pairs for v in pair})
    index = {v: i for i, v in enumerate(values)}
    table = np.zeros((len(values), len(values)))
    for a, b in pairs:
        table[index[a], index[b]] += 1
    return m.cohen_kappa(table)


def _binary(table: npt.NDArray[np.int64], label: int) -> npt.NDArray[np.int64]:
    """A labels × labels table collapsed to "label" vs "anything else"."""
    inside_a = table[label].sum()
    inside_b = table[:, label].sum()
    both = table[label, label]
    total = table.sum()
    return np.array([[total - inside_a - inside_b + both, inside_b - both],
                     [inside_a - both, both]], dtype=np.int64)


def _pair_alpha(table: npt.NDArray[np.int64]) -> float | None:
    k = len(table)
    cells = np.argwhere(table > 0)
    patterns = np.zeros((len(cells), k), dtype=np.int64)
    patterns[np.arange(len(cells)), cells[:, 0]] += 1
    patterns[np.arange(len(cells)), cells[:, 1]] += 1
    return m.krippendorff_alpha_nominal(patterns, table[cells[:, 0], cells[:, 1]])


def _quick_kappa(table: npt.NDArray[np.int64]) -> float | None:
    """Cohen's κ of one document's table (the same formula; statsmodels per document
    would dominate the run time of a 10,000-document project)."""
    total = table.sum()
    if total == 0:
        return None
    observed = np.trace(table) / total
    expected = float((table.sum(0) * table.sum(1)).sum() / total**2)
    if expected >= 1:
        return None
    return float((observed - expected) / (1 - expected))
