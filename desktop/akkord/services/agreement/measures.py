"""The agreement measures as pure functions over counts and arrays: no database, no Qt.

Every function here is checked in ``tests/services/test_agreement_measures.py`` against a
published worked example (Krippendorff's reliability data, Krippendorff's unitizing
example, the CoNLL reference scorer's test cases, Fleiss 1971) and, where one exists,
against the library that is the usual reference (statsmodels, scorch).

Why some measures are written out here rather than taken from a library:

* Cohen's κ is the textbook formula on the contingency table (:func:`cohen_kappa`),
  checked against statsmodels in the tests (importing statsmodels costs seconds).
* Fleiss' κ and Krippendorff's α are computed from *aggregated* counts (a table of
  distinct rating patterns with their frequency, a coincidence matrix): a corpus has
  millions of tokens but only a few dozen distinct patterns, and neither statsmodels'
  ``fleiss_kappa`` (one row per item) nor the ``krippendorff`` package (GPL-3.0, while
  Akkord is MIT) takes those. The formulas are a few lines each.
* Krippendorff's unitizing α (α_U, Krippendorff 2004, ch. 11.6) has no maintained Python
  implementation that installs here (``krippendorff-unitized-alpha`` pins numpy < 2).
* MUC, B³, CEAF-e and LEA: scorch (the reference scorer's Python port) loops over every
  key × response cluster pair, which is 10¹⁰ steps for a 10,000-article project; these
  versions work from the sparse contingency of the two clusterings (same results, tested
  against scorch and the reference test cases). scorch has no LEA.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def unique(values: npt.ArrayLike) -> IntArray:
    """The distinct values, sorted.

    ``np.unique`` without ``return_*`` takes a hash-table path in numpy 2.4 that is ~50×
    slower than sorting on a million mostly distinct keys (measured here); this sorts.
    """
    ordered = np.sort(np.asarray(values, dtype=np.int64))
    if len(ordered) == 0:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    result: IntArray = ordered[keep]
    return result


def member(values: npt.ArrayLike, pool: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """``np.isin`` by sorting and searching (numpy 2.4's is slow on large pools too)."""
    wanted = np.asarray(values, dtype=np.int64)
    ordered = unique(pool)
    if not len(ordered):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
    found: npt.NDArray[np.bool_] = ordered[at] == wanted
    return found


def greedy_matching(x: IntArray, y: IntArray) -> npt.NDArray[np.bool_]:
    """Which of the ranked candidate pairs (x, y) a greedy one-to-one matching takes: a
    pair is taken when no earlier taken pair has its x or its y. A pair whose x and y
    occur in no other candidate is always taken; only the others need the loop."""
    contested = _repeated(x) | _repeated(y)
    taken = ~contested
    used_x: set[int] = set()
    used_y: set[int] = set()
    chosen = np.flatnonzero(contested)
    for t, p, q in zip(chosen.tolist(), x[chosen].tolist(), y[chosen].tolist(), strict=True):
        if p not in used_x and q not in used_y:
            used_x.add(p)
            used_y.add(q)
            taken[t] = True
    return taken


def _repeated(values: IntArray) -> npt.NDArray[np.bool_]:
    """Which elements have a value that occurs more than once."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    twin = np.zeros(len(values), dtype=bool)
    if len(values) > 1:
        equal = ordered[1:] == ordered[:-1]
        twin[1:] |= equal
        twin[:-1] |= equal
    out = np.zeros(len(values), dtype=bool)
    out[order] = twin
    return out


# -- F1 --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Score:
    """Recall, precision and their harmonic mean (F1); ``None`` when undefined."""

    recall: float
    precision: float

    @property
    def f1(self) -> float:
        return harmonic(self.recall, self.precision)


def harmonic(recall: float, precision: float) -> float:
    return 0.0 if recall + precision == 0 else 2 * recall * precision / (recall + precision)


def f1(matches: float, n_a: float, n_b: float) -> float | None:
    """F1 of ``matches`` between two sets of ``n_a`` and ``n_b`` items (Dice).

    Symmetric, so it needs no "gold" side; ``None`` when both sets are empty (nothing to
    agree or disagree on).
    """
    if n_a + n_b == 0:
        return None
    return 2 * matches / (n_a + n_b)


# -- coefficients on categorical data -----------------------------------------------------------

def cohen_kappa(table: npt.ArrayLike) -> float | None:
    """Cohen's κ of a square contingency table (rater A's category × rater B's):
    (p_o − p_e) / (1 − p_e). ``None`` when κ is undefined (every item in one category for
    both raters: expected agreement 1). The tests check it against statsmodels'
    ``cohens_kappa``, which is not imported here: it costs 2–3 s of imports (statsmodels,
    scipy.stats) for a three-line formula."""
    counts = np.asarray(table, dtype=np.float64)
    total = counts.sum()
    if total == 0:
        return None
    observed = float(np.trace(counts) / total)
    expected = float((counts.sum(0) * counts.sum(1)).sum() / total**2)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def fleiss_kappa(patterns: npt.ArrayLike, weights: npt.ArrayLike | None = None
                 ) -> float | None:
    """Fleiss' κ of items × categories rating counts, each row weighted by ``weights``.

    ``patterns[i, j]`` is how many raters put item (pattern) ``i`` in category ``j``;
    every row sums to the same number of raters n ≥ 2. ``weights[i]`` says how many items
    have that pattern (default 1 each), so a corpus is a few dozen rows, not millions.
    Fleiss (1971): P̄ = mean of P_i = (Σ_j n_ij² − n) / (n(n−1)), P̄_e = Σ_j p_j².
    """
    counts = np.asarray(patterns, dtype=np.float64)
    w = np.ones(len(counts)) if weights is None else np.asarray(weights, dtype=np.float64)
    items = w.sum()
    if items == 0:
        return None
    raters = counts[0].sum()
    p_i = ((counts**2).sum(1) - raters) / (raters * (raters - 1))
    p_bar = float((w * p_i).sum() / items)
    p_j = (w[:, None] * counts).sum(0) / (items * raters)
    p_e = float((p_j**2).sum())
    if p_e >= 1.0:
        return None
    return (p_bar - p_e) / (1 - p_e)


def coincidences(value_counts: npt.ArrayLike, weights: npt.ArrayLike | None = None
                 ) -> FloatArray:
    """Krippendorff's coincidence matrix from units × values counts (with unit weights).

    ``value_counts[u, c]`` is how many coders gave unit ``u`` the value ``c``; units
    with fewer than two values are not pairable and count for nothing.
    """
    counts = np.asarray(value_counts, dtype=np.float64)
    w = np.ones(len(counts)) if weights is None else np.asarray(weights, dtype=np.float64)
    m_u = counts.sum(1)
    keep = m_u >= 2
    counts, w, m_u = counts[keep], w[keep], m_u[keep]
    scale = w / (m_u - 1)
    outer = np.einsum("u,ui,uj->ij", scale, counts, counts)
    diagonal = (scale[:, None] * counts).sum(0)
    result: FloatArray = outer - np.diag(diagonal)
    return result


def krippendorff_alpha_nominal(value_counts: npt.ArrayLike,
                               weights: npt.ArrayLike | None = None) -> float | None:
    """Krippendorff's α for nominal data (missing values allowed).

    α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k, with o the coincidence matrix and
    n_c its marginals (Krippendorff 2011, "Computing Krippendorff's alpha-reliability").
    ``None`` when there is no variation to measure against.
    """
    o = coincidences(value_counts, weights)
    n_c = o.sum(1)
    n = n_c.sum()
    if n <= 1:
        return None
    observed = o.sum() - np.trace(o)
    expected = (n_c.sum() ** 2 - (n_c**2).sum()) / (n - 1)
    if expected == 0:
        return None
    return float(1 - observed / expected)


# -- unitizing α ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Unitizing:
    """Observed and expected disagreement of one category; α_U = 1 − D_o / D_e."""

    observed: float
    expected: float

    @property
    def alpha(self) -> float | None:
        if self.expected == 0:
            return None
        return 1 - self.observed / self.expected


def _segments(units: IntArray, length: int) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
    """One coder's continuum ``[0, length)`` cut into units and the gaps between them.

    ``units`` is a (k, 2) array of sorted, non-overlapping [start, end) ranges.
    Returns (starts, ends, is_unit) of every segment in order.
    """
    bounds = np.concatenate(([0], units.ravel(), [length])).astype(np.int64)
    starts, ends = bounds[:-1], bounds[1:]
    is_unit = np.zeros(len(starts), dtype=bool)
    is_unit[1::2] = True  # gap, unit, gap, unit, …, gap
    keep = ends > starts
    return starts[keep], ends[keep], is_unit[keep]


def merge_ranges(ranges: npt.ArrayLike) -> IntArray:
    """Sorted [start, end) ranges with overlapping or touching ones merged.

    α_U assumes one coder's units of a category do not overlap; nested mentions of one
    label are counted as their union.
    """
    r = np.asarray(ranges, dtype=np.int64).reshape(-1, 2)
    if len(r) == 0:
        return r
    if (r[1:, 0] < r[:-1, 0]).any():  # layers come sorted by start: most need no sort
        r = r[np.argsort(r[:, 0], kind="stable")]
    reach = np.maximum.accumulate(r[:, 1])
    new = np.ones(len(r), dtype=bool)
    new[1:] = r[1:, 0] > reach[:-1]
    group = np.cumsum(new) - 1
    starts = r[new, 0]
    ends = np.zeros(len(starts), dtype=np.int64)
    np.maximum.at(ends, group, r[:, 1])
    out: IntArray = np.stack([starts, ends], axis=1)
    return out


def _pair_distance(a: tuple[IntArray, IntArray, npt.NDArray[np.bool_]],
                   b: tuple[IntArray, IntArray, npt.NDArray[np.bool_]]) -> float:
    """Σ δ² over the overlapping segment pairs of two coders (Krippendorff 2004, p. 253)."""
    a_start, a_end, a_unit = a
    b_start, b_end, b_unit = b
    # Each coder's segments tile [0, L): the overlapping pairs start at the distinct
    # segment starts of either coder, each in one segment of a and one of b, and a new
    # pair begins at every such point. Both starts are sorted runs: a stable argsort
    # merges them (timsort), and counting each coder's starts up to a point gives the
    # index of its segment there.
    starts = np.concatenate((a_start, b_start))
    order = np.argsort(starts, kind="stable")
    from_a = order < len(a_start)
    count_a = np.cumsum(from_a)
    count_b = np.arange(1, len(order) + 1) - count_a
    ordered = starts[order]
    last = np.ones(len(order), dtype=bool)  # the last of equal starts has counted both
    last[:-1] = ordered[1:] != ordered[:-1]
    ia, ib = count_a[last] - 1, count_b[last] - 1
    sa, la, ua = a_start[ia], a_end[ia] - a_start[ia], a_unit[ia]
    sb, lb, ub = b_start[ib], b_end[ib] - b_start[ib], b_unit[ib]
    both = ua & ub
    d_start = (sa - sb).astype(np.float64)
    d_end = (sa + la - sb - lb).astype(np.float64)
    total = float(np.where(both, d_start**2 + d_end**2, 0.0).sum())
    a_in_gap = ua & ~ub & (sb <= sa) & (sa + la <= sb + lb)
    b_in_gap = ub & ~ua & (sa <= sb) & (sb + lb <= sa + la)
    total += float((la[a_in_gap].astype(np.float64) ** 2).sum())
    total += float((lb[b_in_gap].astype(np.float64) ** 2).sum())
    return total


def unitizing(coders: Sequence[IntArray], length: int) -> Unitizing:
    """D_o and D_e of one category over one continuum of ``length`` positions.

    ``coders`` holds, per coder, the (k, 2) array of that coder's units of the category as
    [start, end) ranges (merged when they overlap). Krippendorff (2004), pp. 251–256:

    * D_o = Σ_{i≠j} Σ_g Σ_h δ²(g, h) / (m (m − 1) L²), δ² between overlapping segments:
      both units → (b_g − b_h)² + (e_g − e_h)²; a unit inside the other coder's gap → its
      length²; otherwise 0.
    * D_e = (2 / L) Σ_g [(N_c − 1)(2l_g³ − 3l_g² + l_g)/3 + l_g² Σ_{gaps h, l_h ≥ l_g}
      (l_h − l_g + 1)] / [mL(mL − 1) − Σ_g l_g(l_g − 1)], over all coders' units g and
      gaps h.
    """
    return Continuum(coders, length).unitizing(range(len(coders)))


class Continuum:
    """Several coders' units of one category on one continuum, for α_U of any subset of
    the coders (:meth:`unitizing`, the formula of :func:`unitizing`).

    Agreement asks for every pair of annotators and for all of them on the same
    documents: each coder's segments and each pair's Σ δ² are computed once here and
    shared by the subsets, with the same sums in the same order (the same figures)."""

    def __init__(self, coders: Sequence[IntArray], length: int) -> None:
        self.coders = list(coders)
        self.length = length
        self._segments: dict[int, tuple[IntArray, IntArray, npt.NDArray[np.bool_]]] = {}
        self._lengths: dict[int, tuple[FloatArray, FloatArray]] = {}
        self._distances: dict[tuple[int, int], float] = {}

    def units(self, coder: int) -> int:
        """How many units (before merging) ``coder`` marked."""
        return len(self.coders[coder])

    def segments(self, coder: int) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
        found = self._segments.get(coder)
        if found is None:
            found = self._segments[coder] = _segments(merge_ranges(self.coders[coder]),
                                                      self.length)
        return found

    def lengths(self, coder: int) -> tuple[FloatArray, FloatArray]:
        """``coder``'s unit lengths in order, and its gap lengths sorted."""
        found = self._lengths.get(coder)
        if found is None:
            s, e, u = self.segments(coder)
            found = self._lengths[coder] = ((e[u] - s[u]).astype(np.float64),
                                            np.sort(e[~u] - s[~u]).astype(np.float64))
        return found

    def distance(self, i: int, j: int) -> float:
        """Σ δ² between coders ``i`` and ``j`` (:func:`_pair_distance`)."""
        found = self._distances.get((i, j))
        if found is None:
            found = self._distances[(i, j)] = _pair_distance(self.segments(i),
                                                             self.segments(j))
        return found

    def unitizing(self, chosen: Sequence[int]) -> Unitizing:
        """D_o and D_e of the coders ``chosen`` (indexes into the coders given)."""
        m = len(chosen)
        length = self.length
        if m < 2 or length <= 0:
            return Unitizing(0.0, 0.0)
        observed = 0.0
        for x in range(m):
            for y in range(x + 1, m):
                observed += self.distance(chosen[x], chosen[y])
        observed = 2 * observed / (m * (m - 1) * float(length) ** 2)
        unit_lengths = np.concatenate([self.lengths(c)[0] for c in chosen])
        # Each coder's gaps are sorted: the stable sort (timsort) merges the runs.
        gap_lengths = np.sort(np.concatenate([self.lengths(c)[1] for c in chosen]),
                              kind="stable")
        n_c = len(unit_lengths)
        if n_c == 0:
            return Unitizing(observed, 0.0)
        # Σ over gaps with l_h ≥ l_g of (l_h − l_g + 1), for every unit length at once.
        suffix = np.concatenate((np.cumsum(gap_lengths[::-1])[::-1], [0.0]))
        first = np.searchsorted(gap_lengths, unit_lengths, side="left")
        count = len(gap_lengths) - first
        gap_sum = suffix[first] - count * (unit_lengths - 1)
        lg = unit_lengths
        within = (n_c - 1) * (2 * lg**3 - 3 * lg**2 + lg) / 3
        numerator = (2 / length) * float((within + lg**2 * gap_sum).sum())
        denominator = m * float(length) * (m * float(length) - 1) - float(
            (lg * (lg - 1)).sum())
        return Unitizing(observed, numerator / denominator if denominator else 0.0)


# -- coreference ---------------------------------------------------------------------------------

def _relabel(ids: IntArray) -> tuple[IntArray, IntArray]:
    """Cluster ids (−1 = mention absent) → dense ids 0…k−1 in the order of the ids (−1
    kept), and cluster sizes. Entity ids are small: counted in a table by id, no sort."""
    present = ids >= 0
    dense = np.full(len(ids), -1, dtype=np.int64)
    if not present.any():
        return dense, np.zeros(0, dtype=np.int64)
    chosen = ids[present]
    top = int(chosen.max())
    if top < 4 * len(chosen) + 1024:
        counts = np.bincount(chosen, minlength=top + 1)
        used = counts > 0
        dense[present] = (np.cumsum(used) - 1)[chosen]
        return dense, counts[used].astype(np.int64)
    _, inverse = np.unique(chosen, return_inverse=True)
    dense[present] = inverse
    return dense, np.bincount(inverse).astype(np.int64)


@dataclass(frozen=True, slots=True)
class Clusterings:
    """Two clusterings of one set of mentions, as a sparse contingency table.

    ``key[i]`` / ``response[i]`` are the cluster of mention ``i`` in each (−1: the mention
    is not in that clustering). Cluster ids need not be dense.
    """

    key_sizes: IntArray
    response_sizes: IntArray
    pair_key: IntArray  # nonzero cells of the contingency table: key cluster,
    pair_response: IntArray  # response cluster,
    pair_count: IntArray  # and how many mentions they share

    @classmethod
    def of(cls, key: npt.ArrayLike, response: npt.ArrayLike) -> Clusterings:
        k, key_sizes = _relabel(np.asarray(key, dtype=np.int64))
        r, response_sizes = _relabel(np.asarray(response, dtype=np.int64))
        both = (k >= 0) & (r >= 0)
        cell = k[both] * max(len(response_sizes), 1) + r[both]
        cells, counts = np.unique(cell, return_counts=True)
        width = max(len(response_sizes), 1)
        return cls(key_sizes, response_sizes, cells // width, cells % width,
                   counts.astype(np.int64))

    def swapped(self) -> Clusterings:
        return Clusterings(self.response_sizes, self.key_sizes, self.pair_response,
                           self.pair_key, self.pair_count)


def _muc_recall(c: Clusterings) -> tuple[float, float]:
    sizes = c.key_sizes
    distinct = np.bincount(c.pair_key, minlength=len(sizes))
    shared = np.bincount(c.pair_key, weights=c.pair_count, minlength=len(sizes))
    partitions = distinct + (sizes - shared)  # unmatched mentions are singletons
    return float((sizes - partitions).sum()), float((sizes - 1).sum())


def muc(c: Clusterings) -> Score:
    """MUC (Vilain et al. 1995) as in the reference scorer: 0 when either side has only
    singletons."""
    if not len(c.key_sizes) or not len(c.response_sizes) or \
            c.key_sizes.max() <= 1 or c.response_sizes.max() <= 1:
        return Score(0.0, 0.0)
    rn, rd = _muc_recall(c)
    pn, pd = _muc_recall(c.swapped())
    return Score(rn / rd if rd else 0.0, pn / pd if pd else 0.0)


def b_cubed(c: Clusterings) -> Score:
    """B³ (Bagga and Baldwin 1998): Σ n_kr² / |k| over Σ |k|, and the same for precision."""
    counts = c.pair_count.astype(np.float64)
    key_total, response_total = c.key_sizes.sum(), c.response_sizes.sum()
    recall = float((counts**2 / c.key_sizes[c.pair_key]).sum() / key_total) \
        if key_total else 0.0
    precision = float((counts**2 / c.response_sizes[c.pair_response]).sum() / response_total) \
        if response_total else 0.0
    return Score(recall, precision)




_SCIPY = ("scipy.sparse", "scipy.sparse.csgraph", "scipy.optimize")
_scipy_lock = threading.Lock()
_scipy_thread: threading.Thread | None = None


def import_scipy_early() -> None:
    """Start importing the scipy modules :func:`ceaf_e` uses on a background thread.

    They take about a second to import (``scipy.optimize`` brings most of scipy), and
    agreement first spends seconds reading the project, mostly inside SQLite, which
    leaves Python's lock free: the import runs beside the reading on the other core.
    :func:`ceaf_e` waits for it, so no two threads ever import one module. A missing
    scipy is left for :func:`ceaf_e` to report."""
    global _scipy_thread
    with _scipy_lock:
        if _scipy_thread is None:
            _scipy_thread = threading.Thread(target=_import_scipy, name="akkord-scipy",
                                             daemon=True)
            _scipy_thread.start()


def _import_scipy() -> None:
    try:
        for name in _SCIPY:
            importlib.import_module(name)
    except ImportError:
        pass  # ceaf_e imports again and says what is missing


def _wait_for_scipy() -> None:
    with _scipy_lock:
        thread = _scipy_thread
    if thread is not None:
        thread.join()


def ceaf_e(c: Clusterings) -> Score:
    """CEAF-e (Luo 2005): the best one-to-one alignment of clusters by φ₄ = 2|k∩r|/(|k|+|r|).

    The assignment problem splits into the connected components of the "shares a mention"
    graph. Most are one key and one response cluster (the assignment is their edge); the
    others are solved with scipy's ``linear_sum_assignment`` on their dense matrix.
    (``min_weight_full_bipartite_matching``, LAPJVsp, was used before: it can loop for
    ever on some inputs, scipy gh-17269, and the property test against scorch found one.)
    """
    _wait_for_scipy()
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n_k, n_r = len(c.key_sizes), len(c.response_sizes)
    if n_k == 0 or n_r == 0:
        return Score(0.0, 0.0)
    phi = 2 * c.pair_count / (c.key_sizes[c.pair_key] + c.response_sizes[c.pair_response])
    graph = coo_matrix((np.ones(len(phi)), (c.pair_key, n_k + c.pair_response)),
                       shape=(n_k + n_r, n_k + n_r))
    n_components, component = connected_components(graph, directed=False)
    edge_component = component[c.pair_key]
    # Most components are one key cluster and one response cluster sharing mentions: the
    # assignment is that single edge. Only the others need solving.
    keys_in = np.bincount(component[:n_k], minlength=n_components)
    responses_in = np.bincount(component[n_k:], minlength=n_components)
    simple = (keys_in == 1) & (responses_in == 1)
    single = simple[edge_component]
    total = float(phi[single].sum())
    rest = np.flatnonzero(~single)
    order = rest[np.argsort(edge_component[rest], kind="stable")]
    bounds = np.flatnonzero(np.diff(edge_component[order])) + 1
    for group in np.split(order, bounds):
        if not len(group):
            continue
        keys, key_index = np.unique(c.pair_key[group], return_inverse=True)
        responses, response_index = np.unique(c.pair_response[group], return_inverse=True)
        matrix = np.zeros((len(keys), len(responses)))
        matrix[key_index, response_index] = phi[group]
        from scipy.optimize import linear_sum_assignment  # only when a group needs it

        rows, cols = linear_sum_assignment(matrix, maximize=True)
        total += float(matrix[rows, cols].sum())
    return Score(total / n_k, total / n_r)


def _lea_recall(c: Clusterings) -> tuple[float, float]:
    sizes = c.key_sizes.astype(np.float64)
    links = np.where(sizes > 1, sizes * (sizes - 1) / 2, 1.0)
    common = np.zeros(len(sizes))
    counts = c.pair_count.astype(np.float64)
    np.add.at(common, c.pair_key, counts * (counts - 1) / 2)
    # A singleton counts as resolved when its mention is a singleton in the response too.
    single_match = (c.key_sizes[c.pair_key] == 1) & (c.response_sizes[c.pair_response] == 1)
    np.add.at(common, c.pair_key[single_match], 1.0)
    return float((sizes * common / links).sum()), float(sizes.sum())


def lea(c: Clusterings) -> Score:
    """LEA (Moosavi and Strube 2016): each cluster weighted by its size, resolved by the
    share of its links the other side also has; singletons count their self-link."""
    rn, rd = _lea_recall(c)
    pn, pd = _lea_recall(c.swapped())
    return Score(rn / rd if rd else 0.0, pn / pd if pd else 0.0)
