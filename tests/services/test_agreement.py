"""Agreement between annotators' layers on real projects (SQLite and PostgreSQL).

The layers are in ``agreement_data``: Anna and Per annotated alike; Ola made a longer
DEMAND span, took "Moskva" for a PLACE, dated "10. januar" as its week, left out one
participant relation, and missed "Brussel" in the second document. Every expected figure
below is counted by hand from those differences.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from akkord.errors import AkkordError
from akkord.services.agreement import ALL, AgreementOptions, agreement
from akkord.store.project import Project
from tests.services.agreement_data import (
    ANNA,
    OLA,
    PER,
    SECOND,
    SECOND_LAYERS,
    TEXT,
    Mark,
    build,
    locate,
)


@pytest.fixture
def two(project: Project, tmp_path: Path) -> Project:
    return build(project, tmp_path, [ANNA, OLA])


@pytest.fixture
def three(project: Project, tmp_path: Path) -> Project:
    return build(project, tmp_path, [ANNA, OLA, PER])


def test_spans_relations_dates_and_records_of_two_annotators(two: Project) -> None:
    report = agreement(two, AgreementOptions(by_document=True))
    pair = ("anna", "ola")
    # Document 1: 8 mentions each; 6 with the same span and label; the DEMAND overlaps.
    # Document 2: Anna 3, Ola 2 (no Brussel): 2 exact.
    assert report.value("span_f1_exact", ALL, pair, document=1) == pytest.approx(12 / 16)
    assert report.value("span_f1_overlap", ALL, pair, document=1) == pytest.approx(14 / 16)
    assert report.value("span_f1_exact", ALL, pair) == pytest.approx(2 * 8 / 21)
    assert report.value("span_f1_overlap", ALL, pair) == pytest.approx(2 * 9 / 21)
    assert report.value("span_f1_unlabelled", ALL, pair) == pytest.approx(2 * 9 / 21)
    assert report.value("span_f1_exact", "DEMAND", pair) == 0
    assert report.value("span_f1_overlap", "DEMAND", pair) == 1
    assert report.value("confusion", "ACTOR/PLACE", pair) == 1
    assert report.value("confusion", "PLACE/O", pair) == 1
    # Six relations against five; the participant relation of "Moskva" is Anna's alone.
    assert report.value("relation_f1", ALL, pair) == pytest.approx(10 / 11)
    assert report.value("relation_f1", "participant", pair) == pytest.approx(2 / 3)
    # "10. januar": a day against its ISO week.
    assert report.value("date_exact", "TIME", pair) == 0
    assert report.value("date_overlap", "TIME", pair) == 1
    assert report.value("date_precision", "TIME", pair) == 0
    # The meeting: participants {Russland, USA} against {USA}; the same place and status.
    assert report.value("record_f1", "meeting", pair) == 1
    assert report.value("record_slots", "meeting.participants", pair) == pytest.approx(2 / 3)
    assert report.value("record_slots", "meeting.place", pair) == 1
    assert report.value("record_slots", "meeting.status", pair) == 1
    assert report.value("date_overlap", "meeting.date", pair) == 1
    assert report.value("record_slots", "demand.claimant", pair) == 1


def test_identity_across_documents_is_scored_on_links(two: Project) -> None:
    """Anna links "Moskva" to Russland (with "Russland" twice): one cluster of three; Ola
    links it to the place Moskva. B³ over ACTOR mentions counted by hand."""
    report = agreement(two, AgreementOptions(tokens=False))
    pair = ("anna", "ola")
    # ACTOR in Anna: Russland {R1, M, R2}, Nato {N1, N2}, USA {W}; in Ola the ACTOR
    # mentions are R1, R2 (Russland), N1, N2, W, and "Moskva" is not an ACTOR.
    recall = ((2**2) / 3 + 2**2 / 2 + 1) / 6  # Σ n_kr²/|k| over 6 key mentions
    precision = (2**2 / 2 + 2**2 / 2 + 1) / 5
    expected = 2 * recall * precision / (recall + precision)
    assert report.value("b3", "ACTOR", pair) == pytest.approx(expected)
    # MUC: key links 2 + 1 + 0, of which Ola keeps 1 + 1; her 2 links are all right.
    assert report.value("muc", "ACTOR", pair) == pytest.approx(2 * (2 / 3) / (2 / 3 + 1))


def _tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]


def _token_labels(text: str, marks: list[Mark]) -> list[str]:
    labels = ["O"] * len(_tokens(text))
    spans = sorted(((*locate(text, mark), mark.label) for mark in marks),
                   key=lambda s: s[1] - s[0])
    for start, end, label in spans:
        for i, (s, _e) in enumerate(_tokens(text)):
            if start <= s < end:
                labels[i] = label
    return labels


def test_token_kappa_equals_statsmodels_on_an_independent_tokenisation(two: Project) -> None:
    report = agreement(two)
    a = _token_labels(TEXT, ANNA.marks) + _token_labels(SECOND, SECOND_LAYERS["anna"])
    b = _token_labels(TEXT, OLA.marks) + _token_labels(SECOND, SECOND_LAYERS["ola"])
    values = sorted(set(a) | set(b))
    table = np.zeros((len(values), len(values)))
    for x, y in zip(a, b, strict=True):
        table[values.index(x), values.index(y)] += 1
    expected = cohens_kappa(table, return_results=False)
    assert report.value("token_kappa", ALL, ("anna", "ola")) == pytest.approx(expected)


def test_three_annotators_have_pair_rows_and_rows_for_all(three: Project) -> None:
    report = agreement(three)
    assert report.annotators == ["anna", "ola", "per"]
    assert report.value("span_f1_exact", ALL, ("anna", "per")) == 1
    assert report.value("lea", ALL, ("anna", "per")) == 1
    assert report.value("token_kappa", ALL, ("anna", "per")) == 1
    everyone = ("anna", "ola", "per")
    pairs = [report.value("span_f1_exact", ALL, p) for p in
             (("anna", "ola"), ("anna", "per"), ("ola", "per"))]
    assert report.value("span_f1_exact", ALL, everyone) == pytest.approx(
        sum(v for v in pairs if v is not None) / 3)
    fleiss = report.value("token_fleiss_kappa", ALL, everyone)
    alpha = report.value("token_alpha", ALL, everyone)
    assert fleiss is not None and 0 < fleiss < 1
    assert alpha is not None and 0 < alpha < 1
    unitized = report.value("alpha_unitized", "PLACE", everyone)
    assert unitized is not None and unitized < report.value("alpha_unitized", "MEETING",
                                                            everyone)


def test_disagreements_name_their_place_and_versions(two: Project) -> None:
    report = agreement(two, AgreementOptions(disagreements=True, tokens=False))
    kinds = {(d.kind, d.document, d.start) for d in report.disagreements}
    moskva = TEXT.index("Moskva")
    assert ("label", 1, moskva) in kinds
    assert ("boundary", 1, TEXT.index("garantier")) in kinds
    assert ("date", 1, TEXT.index("10. januar")) in kinds
    assert ("missing", 2, SECOND.index("Brussel")) in kinds
    assert ("relation", 1, moskva) in kinds
    record = next(d for d in report.disagreements if d.kind == "record"
                  and "participants" in d.versions[0].text)
    assert "Russland" in record.versions[0].text and "Russland" not in record.versions[1].text


def test_an_unknown_or_single_annotator_is_a_clear_error(two: Project) -> None:
    with pytest.raises(AkkordError, match="no annotator called zoe"):
        agreement(two, AgreementOptions(annotators=["anna", "zoe"]))
    with pytest.raises(AkkordError, match="at least two"):
        agreement(two, AgreementOptions(annotators=["anna"]))


def test_tokens_are_words_and_single_marks_and_a_blank_document_counts_nothing() -> None:
    from akkord.services.agreement.layers import Layer
    from akkord.services.agreement.tokens import count_tokens, token_index

    index, n = token_index("Nato-sjef  Jens, 12.")
    assert n == 7  # Nato - sjef Jens , 12 .
    assert index[:4].tolist() == [0, 0, 0, 0] and index[4] == 1
    empty = np.zeros(0, dtype=np.int64)
    layers = [Layer(name, i, empty, empty, empty, empty, empty, empty, frozenset({1, 2}),
                    empty, empty, empty, empty) for i, name in enumerate(("a", "b"))]
    for layer in layers:
        layer.dates = empty
    counts = count_tokens(layers, 1, iter([[(1, "   "), (2, "Nato svarte.")]]), True)
    table = counts.pair_tables[(0, 1)]
    assert table.sum() == 3 and table[0, 0] == 3  # three tokens, all O for both
    assert counts.doc_lengths == {1: 3, 2: 12}
    assert set(counts.pair_doc_tables[(0, 1)]) == {2}
