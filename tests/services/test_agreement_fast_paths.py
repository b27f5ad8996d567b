"""The agreement's fast paths against the straightforward computation, on a small random
project with three annotators (SQLite and PostgreSQL).

The measures read the layers as arrays through aggregated texts, find tokens by their
starts, align records and spans with a greedy matching that loops only over contested
candidates, and share unitizing work between subsets of annotators. Each is compared
here with what it replaces written the plain way: ORM rows, a token-by-token count, the
object version of record alignment, a plain greedy loop, Krippendorff's α_U summed
segment by segment.
"""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from akkord.domain.dates import PartialDate
from akkord.domain.document import content_hash
from akkord.formats.jsonl import write_jsonl
from akkord.formats.records import (
    DocumentRecord,
    EntityRecord,
    HeaderRecord,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.resources import default_schema_text
from akkord.services.agreement import layers as layers_module
from akkord.services.agreement import measures as m
from akkord.services.agreement.align import align
from akkord.services.agreement.layers import Corpus, Layer, document_texts, load_corpus
from akkord.services.agreement.records import align_records, layer_records
from akkord.services.agreement.statements import align_record_ids, prepare, statements
from akkord.services.agreement.tokens import count_tokens, token_index
from akkord.services.importing import ImportOptions, import_paths
from akkord.store.models import Annotator, Mention, MentionValue, Relation
from akkord.store.project import Project

NAMES = ["anna", "ola", "per"]
WORDS = ["Russland", "krever", "garantier", "fra", "Nato", "møtet", "i", "Genève", "10.",
         "januar", "Moskva", "og", "Washington", "holdt", "—", "«samtaler»", "2022", ",",
         "Stoltenberg", "sa", "at", "alliansen", "ikke", "vil", "trekke", "seg", "tilbake"]
# The default schema with an enum attribute on a mention label (value κ of mentions).
SCHEMA = default_schema_text().replace(
    "[labels.TIME.attributes.date]",
    '[labels.TIME.attributes.certainty]\ntype = "enum"\nvalues = ["sure", "vague"]\n\n'
    "[labels.TIME.attributes.date]")
KINDS = {"ACTOR": "actor", "PLACE": "place", "DEMAND": "demand", "MEETING": "meeting"}
RELATIONS = {"claimant": ("ACTOR", "DEMAND"), "addressee": ("DEMAND", "ACTOR"),
             "participant": ("ACTOR", "MEETING"), "place": ("PLACE", "MEETING"),
             "time": ("TIME", "MEETING")}


def _text(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(0, 60))]
    return " ".join(words) + ("." if words else "   ")


def _entities() -> list[EntityRecord]:
    out = [EntityRecord(f"{kind}/{i}", kind, f"{kind} {i}") for kind in KINDS.values()
           for i in range(4)]
    out[8].values.append(ValueRecord("claimant", ref="actor/0"))  # demand/0, no evidence
    out[12].values.append(ValueRecord("status", text="held"))  # meeting/0
    return out


def _layer(rng: random.Random, text: str, name: str, doc: int
           ) -> tuple[list[SpanRecord], list[RelationRecord]]:
    starts = [mt.start() for mt in re.finditer(r"\S+", text)]
    ends = [mt.end() for mt in re.finditer(r"\S+", text)]
    spans: list[SpanRecord] = []
    for n in range(rng.randint(0, min(12, len(starts)))):
        first = rng.randrange(len(starts))
        last = min(len(starts) - 1, first + rng.choice((0, 0, 0, 1, 2)))
        start = starts[first] + rng.choice((0, 0, 0, 1)) if rng.random() < 0.2 else starts[first]
        end = ends[last]
        if start >= end:
            start = starts[first]
        label = rng.choice(["ACTOR", "ACTOR", "PLACE", "DEMAND", "MEETING", "TIME"])
        entity = f"{KINDS[label]}/{rng.randrange(4)}" if label in KINDS and \
            rng.random() < 0.8 else None
        values = []
        if label == "TIME":
            day = PartialDate.parse(f"2022-01-{rng.randint(10, 12):02d}")
            values = [ValueRecord("date", date=rng.choice((day, PartialDate.parse("2022-W02"),
                                                           PartialDate.parse("2022-01"))))]
            if rng.random() < 0.7:
                values.append(ValueRecord("certainty", text=rng.choice(("sure", "vague"))))
        status = "suggested" if rng.random() < 0.1 else "manual"
        spans.append(SpanRecord(start, end, label, f"{name}:{doc}:{n}", name, status, entity,
                                values))
    relations = []
    for _ in range(rng.randint(0, 6)):
        if len(spans) < 2:
            break
        head, tail = rng.sample(spans, 2)
        for type_, (h, t) in RELATIONS.items():
            if (head.label, tail.label) == (h, t):
                assert head.id is not None and tail.id is not None
                relations.append(RelationRecord(head.id, tail.id, type_, name))
                break
    return spans, relations


def _build(project: Project, tmp_path: Path, seed: int) -> Project:
    rng = random.Random(seed)
    docs = []
    for d in range(12):
        text = _text(rng)
        record = DocumentRecord(text=text, external_id=f"doc{d}", title=f"Dokument {d}",
                                date=PartialDate.parse("2022-01-11"))
        for name in NAMES:
            if rng.random() < 0.15:
                continue  # this annotator did not work on it
            if rng.random() < 0.9:
                record.states[name] = "done"
            spans, relations = _layer(rng, text, name, d)
            record.spans += spans
            record.relations += relations
        docs.append((record, content_hash(text)))
    out = io.BytesIO()
    write_jsonl(out, HeaderRecord(SCHEMA, NAMES), _entities(), docs)
    source = tmp_path / f"random-{seed}.jsonl"
    source.write_bytes(out.getvalue())
    report = import_paths(project, [source], ImportOptions(all_or_nothing=True,
                                                          suggest_times=False))
    assert not report.problems, report.problems
    return project


@pytest.fixture(params=[1, 2])
def random_project(request: pytest.FixtureRequest, project: Project, tmp_path: Path
                   ) -> Project:
    return _build(project, tmp_path, request.param)


def _corpus(project: Project) -> tuple[Corpus, dict[int, str]]:
    with project.read() as session:
        corpus = load_corpus(session, project.schema)
        texts = {d: t for chunk in document_texts(
            session, sorted(frozenset().union(*(x.documents for x in corpus.layers))))
            for d, t in chunk}
    return corpus, texts


# -- loading -------------------------------------------------------------------------------

def _plain_layer(project: Project, name: str) -> dict[str, object]:
    """One annotator's layer read through ORM rows, sorted as the layers are."""
    schema = project.schema
    labels = list(schema.label_names)
    types = [r.name for r in schema.relations]
    with project.read() as session:
        annotator = session.scalars(select(Annotator).where(Annotator.name == name)).one()
        mentions = [x for x in session.scalars(select(Mention).where(
            Mention.annotator_id == annotator.id)) if x.status in ("manual", "accepted")
            and x.label in labels]
        mentions.sort(key=lambda x: (x.document_id, x.start, x.end, labels.index(x.label),
                                     x.id))
        ids = {x.id for x in mentions}
        relations = sorted((r.head_id, r.tail_id, types.index(r.type), r.id)
                           for r in session.scalars(select(Relation).where(
                               Relation.annotator_id == annotator.id))
                           if r.head_id in ids and r.tail_id in ids and r.type in types)
        dates: dict[int, str] = {}
        enums: dict[tuple[int, str], str] = {}
        for value in session.scalars(select(MentionValue).order_by(
                MentionValue.mention_id, MentionValue.attribute, MentionValue.position)):
            if value.mention_id in ids and value.date_value is not None:
                dates.setdefault(value.mention_id, value.date_value)
            elif value.mention_id in ids and value.attribute == "certainty" and value.text:
                enums.setdefault((value.mention_id, value.attribute), value.text)
    return {"ids": [x.id for x in mentions], "docs": [x.document_id for x in mentions],
            "starts": [x.start for x in mentions], "ends": [x.end for x in mentions],
            "labels": [labels.index(x.label) for x in mentions],
            "entities": [x.entity_id if x.entity_id is not None else -1 for x in mentions],
            "relations": relations, "dates": [dates.get(x.id) for x in mentions],
            "enums": {key: v for key, v in enums.items() if key[0] in ids}}


def _as_plain(corpus: Corpus, layer: Layer) -> dict[str, object]:
    return {"ids": layer.ids.tolist(), "docs": layer.docs.tolist(),
            "starts": layer.starts.tolist(), "ends": layer.ends.tolist(),
            "labels": layer.labels.tolist(), "entities": layer.entities.tolist(),
            "relations": sorted(zip(layer.rel_heads.tolist(), layer.rel_tails.tolist(),
                                    layer.rel_types.tolist(), layer.rel_ids.tolist(),
                                    strict=True)),
            "dates": [None if (d := corpus.date_at(layer, i)) is None else d.value
                      for i in range(len(layer))],
            "enums": {key: v for key, v in corpus.mention_enums.items()
                      if key[0] in set(layer.ids.tolist())}}


@pytest.mark.parametrize("id_range", [layers_module.ID_RANGE, 7])
def test_layers_read_as_texts_equal_the_orm_rows(random_project: Project, id_range: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layers_module, "ID_RANGE", id_range)  # 7: many ranges of ids
    corpus, _ = _corpus(random_project)
    assert corpus.names == NAMES
    for layer in corpus.layers:
        assert len(layer) > 0
        assert _as_plain(corpus, layer) == _plain_layer(random_project, layer.name)
    assert len(corpus.mention_enums) > 10


def test_positions_by_table_and_by_search_agree() -> None:
    rng = np.random.default_rng(5)
    empty = np.zeros(0, dtype=np.int64)
    for top in (300, 10**9):  # dense ids: a table; sparse ids: a sorted search
        ids = rng.choice(top, size=100, replace=False).astype(np.int64)
        layer = Layer("x", 1, ids, ids, ids, ids, ids, ids, frozenset(), empty, empty,
                      empty, empty)
        wanted = np.concatenate((ids[::3], rng.integers(-5, top + 5, 50), [-1, top * 2]))
        expected = [ids.tolist().index(w) if w in ids else -1 for w in wanted.tolist()]
        assert layer.positions(wanted).tolist() == expected
        assert (layer._table is not None) == (top == 300)


# -- tokens ----------------------------------------------------------------------------------

def _plain_token_labels(text: str, layer: Layer, doc: int) -> list[int]:
    """Each token's label + 1 (0 = O) by the longest mention over its first character."""
    tokens = [mt.start() for mt in re.finditer(r"\w+|[^\w\s]", text)]
    labels = [0] * len(tokens)
    mine = [i for i in range(len(layer)) if layer.docs[i] == doc]
    mine.sort(key=lambda i: int(layer.ends[i] - layer.starts[i]))  # stable: longest last
    index, _ = token_index(text)
    for i in mine:
        first, last = index[layer.starts[i]], index[layer.ends[i] - 1]
        for t in range(first, last + 1):
            labels[t] = int(layer.labels[i]) + 1
    return labels


def test_token_counts_equal_a_token_by_token_count(random_project: Project) -> None:
    corpus, texts = _corpus(random_project)
    k = len(corpus.labels) + 1
    chunks = [[(d, texts[d]) for d in sorted(texts)][i:i + 5] for i in range(0, len(texts), 5)]
    counts = count_tokens(corpus.layers, len(corpus.labels), iter(chunks), True)
    tables = {pair: np.zeros((k, k), dtype=np.int64)
              for pair in combinations(range(len(NAMES)), 2)}
    per_doc: dict[tuple[int, int], dict[int, list[list[int]]]] = {p: {} for p in tables}
    everyone: Counter[tuple[int, ...]] = Counter()
    for doc, text in texts.items():
        labels = [_plain_token_labels(text, layer, doc) if doc in layer.documents else None
                  for layer in corpus.layers]
        for (i, j), table in tables.items():
            x, y = labels[i], labels[j]
            if x is not None and y is not None and x:
                cells = np.zeros((k, k), dtype=np.int64)
                for a, b in zip(x, y, strict=True):
                    cells[a, b] += 1
                table += cells
                per_doc[(i, j)][doc] = cells.tolist()
        present = [lab for lab in labels if lab is not None]
        if len(present) == len(NAMES):
            for token in zip(*present, strict=True):
                everyone[tuple(np.bincount(token, minlength=k).tolist())] += 1
    for pair, table in tables.items():
        assert counts.pair_tables[pair].tolist() == table.tolist()
        assert {d: t.tolist() for d, t in counts.pair_doc_tables.get(pair, {}).items()} == \
            per_doc[pair]
    patterns, weights = counts.decode(counts.all_patterns)
    assert Counter({tuple(p): w for p, w in zip(patterns.tolist(), weights.tolist(),
                                                  strict=True)}) == everyone
    assert counts.doc_lengths == {d: len(t) for d, t in texts.items()}


# -- alignment -------------------------------------------------------------------------------

def test_greedy_matching_equals_the_plain_loop() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(0, 40))
        x, y = rng.integers(0, 12, n), rng.integers(0, 12, n)
        used_x: set[int] = set()
        used_y: set[int] = set()
        expected = []
        for p, q in zip(x.tolist(), y.tolist(), strict=True):
            expected.append(p not in used_x and q not in used_y)
            if expected[-1]:
                used_x.add(p)
                used_y.add(q)
        assert m.greedy_matching(x, y).tolist() == expected


def test_record_alignment_equals_the_record_objects_alignment(random_project: Project
                                                              ) -> None:
    corpus, _ = _corpus(random_project)
    codes = prepare(corpus)
    found = 0
    for a, b in combinations(corpus.layers, 2):
        al = align(a, b, a.documents & b.documents)
        left = statements(corpus, codes, a, a.in_documents(al.docs))
        right = statements(corpus, codes, b, b.in_documents(al.docs))
        pa, pb = align_record_ids(al, left, right)
        plain = align_records(al, layer_records(corpus, a, a.in_documents(al.docs)),
                              layer_records(corpus, b, b.in_documents(al.docs)))
        assert list(zip(pa.tolist(), pb.tolist(), strict=True)) == \
            [(p.a.entity_id, p.b.entity_id) for p in plain]
        found += len(plain)
    assert found > 0


# -- unitizing α -----------------------------------------------------------------------------

def _plain_unitizing(coders: list[list[tuple[int, int]]], length: int) -> tuple[float, float]:
    """D_o and D_e of Krippendorff (2004, pp. 251–256), segment pair by segment pair."""
    segments = []
    for units in coders:
        merged: list[list[int]] = []
        for s, e in sorted(units):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        cuts, at = [], 0
        for s, e in merged:
            if s > at:
                cuts.append((at, s, False))
            cuts.append((s, e, True))
            at = e
        if at < length:
            cuts.append((at, length, False))
        segments.append(cuts)
    m_ = len(coders)
    observed = 0.0
    for i in range(m_):
        for j in range(m_):
            if i == j:
                continue
            for sg, eg, ug in segments[i]:
                for sh, eh, uh in segments[j]:
                    if min(eg, eh) <= max(sg, sh):
                        continue  # no overlap
                    if ug and uh:
                        observed += (sg - sh) ** 2 + (eg - eh) ** 2
                    elif ug and sh <= sg and eg <= eh:
                        observed += (eg - sg) ** 2
                    elif uh and sg <= sh and eh <= eg:
                        observed += (eh - sh) ** 2
    observed /= m_ * (m_ - 1) * length**2
    units = [e - s for cuts in segments for s, e, u in cuts if u]
    gaps = [e - s for cuts in segments for s, e, u in cuts if not u]
    if not units:
        return observed, 0.0
    n_c = len(units)
    top = sum((n_c - 1) * (2 * g**3 - 3 * g**2 + g) / 3
              + g**2 * sum(h - g + 1 for h in gaps if h >= g) for g in units)
    bottom = m_ * length * (m_ * length - 1) - sum(g * (g - 1) for g in units)
    return observed, (2 / length) * top / bottom


def test_unitizing_of_any_subset_equals_the_segment_by_segment_formula() -> None:
    rng = random.Random(11)
    for _ in range(60):
        length = rng.randint(1, 80)
        coders = []
        for _ in range(3):
            units = []
            for _ in range(rng.randint(0, 6)):
                s = rng.randrange(length)
                units.append((s, rng.randint(s + 1, min(length, s + 15))))
            coders.append(units)
        arrays = [np.array(u, dtype=np.int64).reshape(-1, 2) for u in coders]
        continuum = m.Continuum(arrays, length)
        for chosen in ([0, 1], [0, 2], [1, 2], [0, 1, 2]):
            result = continuum.unitizing(chosen)
            observed, expected = _plain_unitizing([coders[c] for c in chosen], length)
            assert result.observed == pytest.approx(observed, rel=1e-12, abs=1e-15)
            assert result.expected == pytest.approx(expected, rel=1e-12, abs=1e-15)
            alone = m.unitizing([arrays[c] for c in chosen], length)
            assert (alone.observed, alone.expected) == (result.observed, result.expected)
