"""Every agreement measure against a published worked example and a reference library.

Sources of the expected values:

* Krippendorff's reliability-data example (4 observers, 12 units; α nominal = 0.743),
  K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011).
* Krippendorff (1995), "On the reliability of unitizing contiguous data", p. 57: the
  digitised pair Bertha/Bill (Cohen's κ = 0.385, α = 0.329) and the unitizing example A.
* Krippendorff (2004), *Content Analysis*, p. 254: α_U = 0.7286 for category c, 1 for k,
  0.8591 overall (D_o, D_e as printed there).
* Fleiss (1971) as worked on Wikipedia's "Fleiss' kappa" page: κ = 0.210.
* The CoNLL reference coreference scorer's test cases (Pradhan et al. 2014, TC-A … TC-N,
  with LEA values from Moosavi and Strube 2016's implementation of them).
"""

from __future__ import annotations

import statistics
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akkord.services.agreement import measures as m

# -- Cohen, Fleiss, Krippendorff ---------------------------------------------------------------

BERTHA = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
BILL = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]


def _table(a: list[int], b: list[int], k: int = 2) -> np.ndarray:
    table = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        table[x, y] += 1
    return table


def test_cohen_kappa_of_krippendorffs_digitised_example() -> None:
    assert m.cohen_kappa(_table(BERTHA, BILL)) == pytest.approx(0.385, abs=0.0005)


@settings(deadline=None)  # the first example imports statsmodels
@given(st.lists(st.integers(0, 40), min_size=9, max_size=9))
def test_cohen_kappa_is_statsmodels_cohens_kappa(cells: list[int]) -> None:
    from statsmodels.stats.inter_rater import cohens_kappa

    table = np.array(cells, dtype=np.float64).reshape(3, 3)
    ours = m.cohen_kappa(table)
    if ours is not None:
        assert ours == pytest.approx(float(cohens_kappa(table, return_results=False)))


def test_cohen_kappa_is_undefined_without_variation() -> None:
    assert m.cohen_kappa(np.array([[5, 0], [0, 0]])) is None
    assert m.cohen_kappa(np.zeros((2, 2))) is None


def test_krippendorff_alpha_of_the_reliability_data_example() -> None:
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    counts = np.zeros((12, 6))
    for row in observers:
        for unit, value in enumerate(row):
            if value is not None:
                counts[unit, value] += 1
    assert m.krippendorff_alpha_nominal(counts) == pytest.approx(0.743, abs=0.0005)
    # Aggregating identical units into one weighted row gives the same α.
    patterns, weights = np.unique(counts, axis=0, return_counts=True)
    assert m.krippendorff_alpha_nominal(patterns, weights) == pytest.approx(
        m.krippendorff_alpha_nominal(counts))


def test_krippendorff_alpha_of_the_digitised_example() -> None:
    counts = np.zeros((len(BERTHA), 2))
    for unit, (a, b) in enumerate(zip(BERTHA, BILL, strict=True)):
        counts[unit, a] += 1
        counts[unit, b] += 1
    assert m.krippendorff_alpha_nominal(counts) == pytest.approx(0.329, abs=0.0005)


FLEISS_1971 = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
               [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
               [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]


def test_fleiss_kappa_of_the_worked_example_and_statsmodels() -> None:
    from statsmodels.stats.inter_rater import fleiss_kappa

    assert m.fleiss_kappa(FLEISS_1971) == pytest.approx(0.210, abs=0.0005)
    assert m.fleiss_kappa(FLEISS_1971) == pytest.approx(fleiss_kappa(np.array(FLEISS_1971)))
    doubled = np.array(FLEISS_1971)
    assert m.fleiss_kappa(doubled, np.full(10, 3)) == pytest.approx(
        fleiss_kappa(np.repeat(doubled, 3, axis=0)))


# -- unitizing α -------------------------------------------------------------------------------

def test_unitizing_alpha_of_krippendorff_2004() -> None:
    begin = 150
    c = [np.array([[225, 295], [370, 400]]) - begin,
         np.array([[220, 300], [355, 375], [400, 420]]) - begin]
    k = [np.array([[180, 240], [300, 350]]) - begin] * 2
    uc, uk = m.unitizing(c, 300), m.unitizing(k, 300)
    assert uc.observed == pytest.approx(0.0144, abs=0.0001)
    assert uc.expected == pytest.approx(0.0532, abs=0.0001)
    assert uc.alpha == pytest.approx(0.7286, abs=0.0001)
    assert uk.observed == 0 and uk.expected == pytest.approx(0.0490, abs=0.0001)
    assert uk.alpha == 1
    overall = 1 - (uc.observed + uk.observed) / (uc.expected + uk.expected)
    assert overall == pytest.approx(0.8591, abs=0.0005)


def test_unitizing_alpha_of_krippendorff_1995_example_a() -> None:
    stretch = 50_000  # the published D_e is the limit of a fine-grained continuum
    bertha = np.array([[2, 10], [14, 20]]) * stretch
    bill = np.array([[4, 8], [15, 17]]) * stretch
    coarse = m.unitizing([bertha // stretch, bill // stretch], 24)
    assert coarse.observed == pytest.approx(0.03125)
    fine = m.unitizing([bertha, bill], 24 * stretch)
    assert fine.expected == pytest.approx(0.06990, abs=0.005)
    assert fine.alpha == pytest.approx(0.553, abs=0.02)


def test_merge_ranges_joins_nested_and_overlapping_units() -> None:
    merged = m.merge_ranges([[5, 9], [0, 3], [6, 7], [8, 12], [20, 21]])
    assert merged.tolist() == [[0, 3], [5, 12], [20, 21]]


# -- coreference: the reference scorer's test cases ------------------------------------------------

def _clusterings(key: str, response: str) -> m.Clusterings:
    mentions = sorted(set(key.replace(" ", "")) | set(response.replace(" ", "")))
    index = {x: i for i, x in enumerate(mentions)}
    k = np.full(len(mentions), -1)
    r = np.full(len(mentions), -1)
    for cid, cluster in enumerate(key.split()):
        k[[index[x] for x in cluster]] = cid
    for cid, cluster in enumerate(response.split()):
        r[[index[x] for x in cluster]] = cid
    return m.Clusterings.of(k, r)


KEY_A = "a bc def"
# (case, key, response, measure, recall, precision) from TestCases.README.
REFERENCE = [
    ("A-1", KEY_A, "a bc def", m.b_cubed, 1, 1),
    ("A-1", KEY_A, "a bc def", m.muc, 1, 1),
    ("A-1", KEY_A, "a bc def", m.ceaf_e, 1, 1),
    ("A-1", KEY_A, "a bc def", m.lea, 1, 1),
    ("A-2", KEY_A, "a de", m.b_cubed, Fraction(7, 18), 1),
    ("A-2", KEY_A, "a de", m.muc, Fraction(1, 3), 1),
    ("A-2", KEY_A, "a de", m.ceaf_e, 0.6, 0.9),
    ("A-2", KEY_A, "a de", m.lea, Fraction(1, 3), 1),
    ("A-3", KEY_A, "a bcx defy z", m.b_cubed, 1, Fraction(55, 108)),
    ("A-3", KEY_A, "a bcx defy z", m.muc, 1, Fraction(3, 5)),
    ("A-3", KEY_A, "a bcx defy z", m.ceaf_e, 0.88571, 0.66429),
    ("A-3", KEY_A, "a bcx defy z", m.lea, 1, (1 + 3 * Fraction(1, 3) + 4 * Fraction(3, 6)) / 9),
    ("A-4", KEY_A, "a bcx dy z", m.b_cubed, Fraction(5, 9), Fraction(17, 42)),
    ("A-4", KEY_A, "a bcx dy z", m.muc, Fraction(1, 3), Fraction(1, 3)),
    ("A-4", KEY_A, "a bcx dy z", m.ceaf_e, 0.73333, 0.55),
    ("A-4", KEY_A, "a bcx dy z", m.lea, Fraction(1, 2), Fraction(2, 7)),
    ("A-10", KEY_A, "a b c d e f", m.b_cubed, Fraction(1, 2), 1),
    ("A-10", KEY_A, "a b c d e f", m.muc, 0, 0),
    ("A-10", KEY_A, "a b c d e f", m.lea, Fraction(1, 6), Fraction(1, 6)),
    ("A-11", KEY_A, "abcdef", m.b_cubed, 1, Fraction(7, 18)),
    ("A-11", KEY_A, "abcdef", m.muc, 1, Fraction(3, 5)),
    ("A-11", KEY_A, "abcdef", m.lea, Fraction(5, 6), Fraction(4, 15)),
    ("A-12", KEY_A, "a x y c d e z", m.b_cubed, Fraction(13, 36), Fraction(4, 7)),
    ("A-12", KEY_A, "a x y c d e z", m.muc, 0, 0),
    ("A-12", KEY_A, "a x y c d e z", m.lea, Fraction(1, 6), Fraction(1, 7)),
    ("A-13", KEY_A, "axycdez", m.b_cubed, Fraction(17, 36), Fraction(6, 49)),
    ("A-13", KEY_A, "axycdez", m.muc, Fraction(1, 3), Fraction(1, 6)),
    ("A-13", KEY_A, "axycdez", m.lea, Fraction(1, 6), Fraction(1, 21)),
    ("B-1", "ab cde", "bcx de", m.lea, Fraction(1, 5), Fraction(2, 5)),
    ("C-1", "ab cde fg", "bcx de fg", m.lea, Fraction(3, 7), Fraction(4, 7)),
    ("D-1", "12345 67 89ABC", "12345 6789ABC", m.b_cubed, 1, Fraction(16, 21)),
    ("D-1", "12345 67 89ABC", "12345 6789ABC", m.muc, 1, Fraction(9, 10)),
    ("D-1", "12345 67 89ABC", "12345 6789ABC", m.lea, 1, (5 + 7 * Fraction(11, 21)) / 12),
    ("E-1", "12345 67 89ABC", "1234589ABC 67", m.b_cubed, 1, Fraction(7, 12)),
    ("E-1", "12345 67 89ABC", "1234589ABC 67", m.muc, 1, Fraction(9, 10)),
    ("E-1", "12345 67 89ABC", "1234589ABC 67", m.lea, 1, (10 * Fraction(20, 45) + 2) / 12),
    ("F-1", "ABCD", "AB CD", m.muc, Fraction(2, 3), 1),
    ("F-1", "ABCD", "AB CD", m.lea, Fraction(2, 6), 1),
    ("G-1", "AB CD", "ABCD", m.muc, 1, Fraction(2, 3)),
    ("G-1", "AB CD", "ABCD", m.lea, 1, Fraction(2, 6)),
    ("J-1", "ABC", "AC", m.muc, Fraction(1, 2), 1),
    ("J-1", "ABC", "AC", m.lea, Fraction(1, 3), 1),
    ("K-1", "BCDEGHJ", "ABC DEF GHI", m.muc, Fraction(3, 6), Fraction(3, 6)),
    ("K-1", "BCDEGHJ", "ABC DEF GHI", m.lea, Fraction(3, 21), Fraction(3, 9)),
    ("L-1", "ABC DEFG", "AB CD FGH", m.muc, Fraction(2, 5), Fraction(2, 4)),
    ("L-1", "ABC DEFG", "AB CD FGH", m.lea, (1 + Fraction(4, 6)) / 7, Fraction(3, 7)),
    ("M-1", "abcdef", "abcdef", m.ceaf_e, 1, 1),
    ("M-2", "abcdef", "a b c d e f", m.lea, 0, 0),
    ("M-3", "abcdef", "ab cde f", m.lea, Fraction(4, 15), Fraction(5, 6)),
    ("M-4", "abcdef", "abcxyz", m.lea, Fraction(3, 15), Fraction(3, 15)),
    ("M-6", "abcdef", "ab cxy z", m.lea, Fraction(1, 15), Fraction(2, 6)),
    ("N-1", "a b c d e f", "a b c d e f", m.lea, 1, 1),
    ("N-1", "a b c d e f", "a b c d e f", m.muc, 0, 0),
    ("N-1", "a b c d e f", "a b c d e f", m.ceaf_e, 1, 1),
    ("N-2", "a b c d e f", "abcdef", m.lea, 0, 0),
    ("N-3", "a b c d e f", "ab cde f", m.lea, Fraction(1, 6), Fraction(1, 6)),
    ("N-4", "a b c d e f", "a b c x y z", m.lea, Fraction(1, 2), Fraction(1, 2)),
    ("N-6", "a b c d e f", "ab cxy z", m.lea, 0, 0),
]


@pytest.mark.parametrize(("case", "key", "response", "measure", "recall", "precision"),
                         REFERENCE, ids=[f"TC-{r[0]}-{r[3].__name__}" for r in REFERENCE])
def test_coreference_measures_match_the_reference_scorer_cases(
        case: str, key: str, response: str, measure: object, recall: float,
        precision: float) -> None:
    assert callable(measure)
    score = measure(_clusterings(key, response))
    assert score.recall == pytest.approx(float(recall), abs=1e-4), case
    assert score.precision == pytest.approx(float(precision), abs=1e-4), case


@st.composite
def _two_clusterings(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    n = draw(st.integers(2, 25))
    ids = st.integers(-1, 6)
    return draw(st.lists(ids, min_size=n, max_size=n)), draw(st.lists(ids, min_size=n,
                                                                        max_size=n))


def _sets(ids: list[int]) -> list[set[int]]:
    clusters: dict[int, set[int]] = {}
    for mention, cid in enumerate(ids):
        if cid >= 0:
            clusters.setdefault(cid, set()).add(mention)
    return list(clusters.values())


@settings(max_examples=150, deadline=None)
@given(_two_clusterings())
def test_sparse_coreference_scores_equal_scorch(pair: tuple[list[int], list[int]]) -> None:
    """scorch (the Python port of the reference scorer) gives the same recall/precision."""
    from scorch import scores

    key, response = pair
    k, r = _sets(key), _sets(response)
    if not k or not r:
        return
    ours = m.Clusterings.of(key, response)
    for mine, theirs in ((m.muc, scores.muc), (m.b_cubed, scores.b_cubed),
                         (m.ceaf_e, scores.ceaf_e)):
        try:
            expected = theirs(k, r)
        except statistics.StatisticsError:  # scorch's F1 of recall = precision = 0
            expected = (0.0, 0.0, 0.0)
        got = mine(ours)
        assert (got.recall, got.precision) == pytest.approx(expected[:2], abs=1e-9)


def test_f1_is_symmetric_and_undefined_on_nothing() -> None:
    assert m.f1(3, 4, 5) == pytest.approx(6 / 9)
    assert m.f1(0, 0, 0) is None
    assert m.Score(0.5, 1.0).f1 == pytest.approx(2 / 3)
