"""Curation: the units annotators' layers disagree on, their state, and the gold layer.

This module is the read side; the steps that build gold are edits
(:mod:`akkord.services.edits.curation`), so each is one transaction with its exact inverse
and undo works across curation and annotation.

* A **unit** is one thing the annotators may agree on, found by aligning every layer
  (the annotators' and ``gold``) pairwise, as the agreement measures do, and joining the
  aligned mentions: a ``mention`` (span and label), its ``link`` (the canonical entity),
  its ``value`` (the date of a TIME mention), a ``relation`` between two units, and a
  ``record`` slot (what a layer states in one document about a meeting's participants,
  a demand's claimant … : the values its relations state and the values whose evidence
  is one of its mentions there).
* Each unit has the **version** (or none) of every annotator who worked on its document
  (a status "in progress" or "done" there, or a mention in it), the gold version, an
  **agreement** (the share of annotator pairs with the same version) and a **state**:
  ``agree`` (every annotator has the same version), ``accepted`` (gold holds a version
  and the annotators do not all agree), ``rejected`` (gold holds none, and the curator
  said so or finished the document), ``incomplete`` (some annotators have no version)
  or ``disagree``. Units on which everyone agrees and that gold lacks are *unanimous*:
  shown as pre-merged into gold, they only need confirming.
* A unit's **key** names it by its place (``mention:DOC:START-END``,
  ``relation:DOC:HEAD:TYPE:TAIL``, ``record:DOC:ENTITY:ATTRIBUTE``): the same whichever
  documents were read, so a curator's mark (``curation_marks``) finds its unit again.
* The queue sorts units by lowest agreement first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.schema import Schema
from akkord.domain.statuses import GOLD
from akkord.errors import AkkordError
from akkord.services.agreement.align import align
from akkord.services.agreement.layers import Corpus, document_texts, load_corpus
from akkord.services.agreement.records import Record, describe, document_records
from akkord.store.models import (
    Annotator,
    CurationMark,
    Document,
    DocumentState,
    Mention,
)
from akkord.store.project import Project

STATES = ("disagree", "incomplete", "agree", "accepted", "rejected")
UNIT_KINDS = ("mention", "link", "value", "relation", "record")
Span = tuple[int, int]


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
    spans: dict[str, tuple[Span, ...]] = field(default_factory=dict)  # layer → its places
    surface: str = ""  # the words of the unit (a relation: head → tail; a record: its name)
    entity: int | None = None  # a record unit's entity

    @property
    def unanimous(self) -> bool:
        """Everyone agrees and gold does not hold it yet: to be pre-merged."""
        return self.state == "agree" and self.gold is None and \
            all(v is not None for v in self.versions.values())

    @property
    def attribute(self) -> str:
        """A record unit's attribute (``meeting.participants`` → ``participants``)."""
        return self.label.rpartition(".")[2]


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


@dataclass(frozen=True, slots=True)
class CurationSnapshot:
    """What the curation view shows, read in one transaction: the units, the annotators
    (in the order of their keys 1, 2 …), progress and the documents' titles."""

    annotators: tuple[str, ...]
    units: tuple[Unit, ...]
    progress: CurationProgress
    titles: dict[int, str]


# -- reading -------------------------------------------------------------------------------------

def curation_annotators(session: Session, annotators: Sequence[str] | None = None
                        ) -> tuple[list[str], bool]:
    """The annotators to curate (default: everyone with a mention, gold aside) and whether
    the project has a gold layer; refused with fewer than two."""
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
                   documents: Iterable[int] | None = None, *, texts: bool = False
                   ) -> list[Unit]:
    """Every unit of the chosen documents (default: all) across the annotators' layers;
    with ``texts``, each unit's :attr:`Unit.surface` too (it reads the documents)."""
    names, has_gold = curation_annotators(session, annotators)
    layer_names = [*names, GOLD] if has_gold else names
    wanted = sorted(set(documents)) if documents is not None else None
    corpus = load_corpus(session, schema, layer_names, wanted)
    docs = frozenset().union(*(corpus.layer(n).documents for n in names))
    if wanted is not None:
        docs = docs & frozenset(wanted)
    finished = set(session.scalars(select(DocumentState.document_id).join(
        Annotator, Annotator.id == DocumentState.annotator_id).where(
        Annotator.name == GOLD, DocumentState.status == "done")))
    query = select(CurationMark)
    if wanted is not None and len(wanted) <= 900:
        query = query.where(CurationMark.document_id.in_(wanted))
    marks = {m.key: m for m in session.scalars(query)}
    units = _Builder(corpus, names, has_gold, docs, finished, marks).build()
    if texts:
        units = _with_surfaces(session, units, docs)
    return units


def curation_snapshot(session: Session, schema: Schema,
                      annotators: Sequence[str] | None = None,
                      documents: Iterable[int] | None = None) -> CurationSnapshot:
    """Units (with their words), annotators, progress and titles, in one transaction."""
    names, _ = curation_annotators(session, annotators)
    units = curation_units(session, schema, names, documents, texts=True)
    titles: dict[int, str] = {int(d): str(t) for d, t in session.execute(select(
        Document.id, func.coalesce(Document.title, Document.external_id, "")))}
    return CurationSnapshot(tuple(names), tuple(units), curation_progress(session, names),
                            titles)


def _with_surfaces(session: Session, units: list[Unit], docs: Iterable[int]) -> list[Unit]:
    by_doc: dict[int, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        if unit.document is not None and not unit.surface:
            by_doc[unit.document].append(i)
    out = list(units)
    for chunk in document_texts(session, sorted(by_doc)):
        for doc, text in chunk:
            for i in by_doc[doc]:
                unit = out[i]
                out[i] = _replace_surface(unit, _surface(unit, text))
    return out


def _surface(unit: Unit, text: str) -> str:
    places = next((p for p in unit.spans.values() if p), ())
    if unit.kind == "relation" and len(places) >= 2:
        (hs, he), (ts, te) = places[0], places[1]
        return f"{text[hs:he]} → {text[ts:te]}"
    return text[unit.start:unit.end]


def _replace_surface(unit: Unit, surface: str) -> Unit:
    return Unit(unit.key, unit.kind, unit.document, unit.start, unit.end, unit.label,
                unit.versions, unit.gold, unit.state, unit.agreement, unit.sources,
                unit.mark, unit.note, unit.spans, surface, unit.entity)


def curation_queue(units: Iterable[Unit], *, include_agreed: bool = False) -> list[Unit]:
    """Units by lowest agreement first (then by place in the text)."""
    chosen = [u for u in units if include_agreed or u.state not in ("agree",)]
    return sorted(chosen, key=lambda u: (u.agreement, u.document or 0, u.start, u.kind, u.key))


def curation_progress(session: Session, annotators: Sequence[str] | None = None
                      ) -> CurationProgress:
    """Per annotator (all, or ``annotators``) the documents they marked done;
    ``curated``: gold's done documents."""
    total = session.scalar(select(func.count()).select_from(Document)) or 0
    done = dict.fromkeys(session.scalars(select(Annotator.name).order_by(Annotator.name)), 0)
    for name, count in session.execute(
            select(Annotator.name, func.count(DocumentState.document_id))
            .join(DocumentState, DocumentState.annotator_id == Annotator.id)
            .where(DocumentState.status == "done").group_by(Annotator.name)):
        done[name] = count
    curated = done.pop(GOLD, 0)
    if annotators is not None:
        done = {name: done.get(name, 0) for name in annotators}
    return CurationProgress(total, done, curated)


_SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")


def sentence_range(text: str, start: int, end: int) -> Span:
    """The sentence(s) around ``[start, end)``: from the end of the sentence before to
    the end of the last one."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, max(0, start)):
        begin = match.end()
    after = _SENTENCE_END.search(text, max(end, begin))
    stop = after.start() + 1 if after else len(text)
    while begin < stop and text[begin].isspace():
        begin += 1
    return begin, min(stop, len(text))


def document_text(session: Session, document_id: int) -> tuple[str, str]:
    """A document's (title, text), for the curation panes."""
    row = session.execute(select(func.coalesce(Document.title, Document.external_id, ""),
                                 Document.text).where(Document.id == document_id)).first()
    if row is None:
        raise CurationError(f"document {document_id} is not in the project")
    return str(row[0]), str(row[1])


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
        self.anchors: dict[int, tuple[int, int, int]] = {}  # group → (doc, start, end)
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
            self.mention_units(root, items)
        self.relation_units(group_of)
        self.record_units()
        return self.units

    def _per_layer(self, items: list[tuple[int, int]]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for li, position in items:
            out[li].append(position)
        return out

    def add(self, kind: str, key: str, doc: int | None, start: int, end: int, label: str,
            versions: dict[int, str | None], sources: dict[int, tuple[int, ...]],
            spans: dict[int, tuple[Span, ...]], surface: str = "",
            entity: int | None = None) -> None:
        # Only the annotators who worked on the document have a version (or lack one).
        who = [i for i in range(len(self.names))
               if doc is None or doc in self.layers[i].documents]
        annotator_versions = [versions.get(i) for i in who]
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
            {self.names[i]: versions.get(i) for i in who}, gold, state,
            _agreement(annotator_versions),
            {layer_names[i]: ids for i, ids in sources.items()},
            mark.mark if mark else None, mark.note if mark else None,
            {layer_names[i]: places for i, places in spans.items()}, surface, entity))

    def mention_units(self, root: int, items: list[tuple[int, int]]) -> None:
        per_layer = self._per_layer(items)
        labels = self.corpus.labels
        names = self.corpus.entity_names
        anchor_layer, anchor = min(((li, p) for li, ps in per_layer.items() for p in ps),
                                   key=lambda x: (x[0] >= len(self.names), x))
        layer = self.layers[anchor_layer]
        doc, start, end = int(layer.docs[anchor]), int(layer.starts[anchor]), \
            int(layer.ends[anchor])
        self.anchors[root] = (doc, start, end)
        label = labels[int(layer.labels[anchor])]
        spans: dict[int, str | None] = {}
        links: dict[int, str | None] = {}
        values: dict[int, str | None] = {}
        sources: dict[int, tuple[int, ...]] = {}
        places: dict[int, tuple[Span, ...]] = {}
        for li, positions in per_layer.items():
            lay = self.layers[li]
            ordered = sorted(positions)
            spans[li] = "; ".join(
                f"{labels[int(lay.labels[p])]} {int(lay.starts[p])}–{int(lay.ends[p])}"
                for p in ordered)
            linked = [int(lay.entities[p]) for p in ordered if lay.entities[p] >= 0]
            links[li] = "; ".join(names.get(e, f"#{e}") for e in linked) or None
            dated = [found.value for p in ordered
                     if (found := self.corpus.date_at(lay, p)) is not None]
            values[li] = "; ".join(dated) or None
            sources[li] = tuple(int(lay.ids[p]) for p in ordered)
            places[li] = tuple((int(lay.starts[p]), int(lay.ends[p])) for p in ordered)
        where = f"{doc}:{start}-{end}"
        self.add("mention", f"mention:{where}", doc, start, end, label, spans, sources, places)
        if any(v is not None for v in links.values()):
            self.add("link", f"link:{where}", doc, start, end, label, links, sources, places)
        if any(v is not None for v in values.values()):
            self.add("value", f"value:{where}", doc, start, end, label, values, sources,
                     places)

    def relation_units(self, group_of: dict[tuple[int, int], int]) -> None:
        types = self.corpus.relation_types
        found: dict[tuple[int, int, int], dict[int, list[int]]] = defaultdict(
            lambda: defaultdict(list))
        places: dict[tuple[int, int, int], dict[int, list[Span]]] = defaultdict(
            lambda: defaultdict(list))
        for li, layer in enumerate(self.layers):
            heads, tails = layer.positions(layer.rel_heads), layer.positions(layer.rel_tails)
            for r, (h, t) in enumerate(zip(heads.tolist(), tails.tolist(), strict=True)):
                if h < 0 or t < 0 or (li, h) not in group_of or (li, t) not in group_of:
                    continue
                key = (group_of[(li, h)], int(layer.rel_types[r]), group_of[(li, t)])
                found[key][li].append(int(layer.rel_ids[r]))
                places[key][li] += [(int(layer.starts[h]), int(layer.ends[h])),
                                    (int(layer.starts[t]), int(layer.ends[t]))]
        for key, per_layer in found.items():
            doc, start, end = self.anchors[key[0]]
            _, tail_start, tail_end = self.anchors[key[2]]
            versions: dict[int, str | None] = dict.fromkeys(per_layer, types[key[1]])
            unit_key = (f"relation:{doc}:{start}-{end}:{types[key[1]]}:"
                        f"{tail_start}-{tail_end}")
            self.add("relation", unit_key, doc, start, end, types[key[1]], versions,
                     {i: tuple(v) for i, v in per_layer.items()},
                     {i: tuple(v) for i, v in places[key].items()})

    def record_units(self) -> None:
        names = self.corpus.entity_names
        per_layer = [document_records(self.corpus, layer, layer.in_documents(self.docs))
                     for layer in self.layers]
        found = sorted(set().union(*(r.keys() for r in per_layer)))
        for doc, entity in found:
            kind = self.corpus.entity_kinds[entity]
            attributes = sorted(set().union(*(r[(doc, entity)].slots.keys()
                                              for r in per_layer if (doc, entity) in r)))
            anchor = next((li, r[(doc, entity)]) for li, r in enumerate(per_layer)
                          if (doc, entity) in r)
            layer = self.layers[anchor[0]]
            first = min(anchor[1].evidence)
            start, end = int(layer.starts[first]), int(layer.ends[first])
            places = {li: tuple((int(self.layers[li].starts[p]), int(self.layers[li].ends[p]))
                                for p in sorted(r[(doc, entity)].evidence))
                      for li, r in enumerate(per_layer) if (doc, entity) in r}
            for attribute in attributes:
                versions: dict[int, str | None] = {}
                for li, records in enumerate(per_layer):
                    record = records.get((doc, entity))
                    if record is not None:
                        versions[li] = slot_text(record, attribute, names)
                self.add("record", f"record:{doc}:{entity}:{attribute}", doc, start, end,
                         f"{kind}.{attribute}", versions, {}, places,
                         names.get(entity, f"#{entity}"), entity)


def slot_text(record: Record, attribute: str, names: dict[int, str]) -> str | None:
    """A record slot as a person reads it (``Russland, USA (host)``); None when empty."""
    values = record.slots.get(attribute, set())
    return ", ".join(sorted(describe(v, names) + (f" ({role})" if role else "")
                            for v, role in values)) or None


def slot_records(session: Session, schema: Schema, document: int, entity: int,
                 layers: Sequence[str]) -> tuple[dict[str, Record | None], dict[int, str]]:
    """What each of ``layers`` states about ``entity`` in ``document`` (its
    :class:`Record`, with how each value is stated), and the entity names for reading
    them: the same reading as the record units, for the edit that takes one into gold."""
    corpus = load_corpus(session, schema, list(layers), [document], at_least=1)
    out: dict[str, Record | None] = {}
    for name in layers:
        layer = corpus.layer(name)
        records = document_records(corpus, layer, layer.in_documents(frozenset([document])))
        out[name] = records.get((document, entity))
    return out, corpus.entity_names


def gold_twin(session: Session, mention_id: int, gold_id: int) -> int | None:
    """The gold mention at the place of another layer's mention: in the same document,
    overlapping, with the same label (the same span first, then the largest overlap);
    None when gold has none (a relation copied to another label would be wrong)."""
    source = session.get(Mention, mention_id)
    if source is None:
        return None
    candidates = session.execute(select(Mention.id, Mention.start, Mention.end, Mention.label)
                                 .where(Mention.annotator_id == gold_id,
                                        Mention.document_id == source.document_id,
                                        Mention.label == source.label,
                                        Mention.status.in_(("manual", "accepted")),
                                        Mention.start < source.end,
                                        Mention.end > source.start)).all()
    if not candidates:
        return None
    best = max(candidates, key=lambda c: ((c.start, c.end) == (source.start, source.end),
                                          min(c.end, source.end) - max(c.start, source.start),
                                          -c.id))
    return int(best.id)


def read_document(project: Project, document_id: int) -> tuple[str, str]:
    """A document's (title, text), read in a transaction of its own (the window's)."""
    with project.read() as session:
        return document_text(session, document_id)
