"""Token-level labels of every layer, counted in one pass over the documents' texts.

A token is a run of word characters or a single other non-space character. Each layer
gives each token the label of the mention covering it (the longest one when mentions
nest, as in IOB exports) or ``O``; tokens of documents a layer did not work on are
missing for it. What the coefficients need is then only counts:

* per pair of layers, a (labels + 1)² contingency table (overall and per document);
* over all layers, how many tokens have each *pattern* of label counts (Fleiss' κ on
  the documents everyone worked on, Krippendorff's α with missing layers elsewhere).

Texts are processed in chunks of documents with numpy, so memory stays flat however
large the project is. The pass also records each document's length: the continuum of
Krippendorff's unitizing α.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from akkord.services.agreement.layers import IntArray, Layer

_TABLE_SIZE = 0x30000  # code points beyond this are classified one by one


@lru_cache(maxsize=1)
def _classes() -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    chars = [chr(i) for i in range(_TABLE_SIZE)]
    word = np.fromiter(((c.isalnum() or c == "_") for c in chars), dtype=bool,
                       count=_TABLE_SIZE)
    space = np.fromiter((c.isspace() for c in chars), dtype=bool, count=_TABLE_SIZE)
    return word, space


def token_index(text: str) -> tuple[IntArray, int]:
    """For every character, the index of the token it belongs to (spaces: the previous
    token's), and the number of tokens."""
    index, starts = _tokens(text)
    return index, len(starts)


def _tokens(text: str) -> tuple[IntArray, IntArray]:
    """:func:`token_index`'s character → token array, and each token's first character."""
    if not text:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    word_table, space_table = _classes()
    clipped = np.minimum(codes, _TABLE_SIZE - 1)
    word, space = word_table[clipped], space_table[clipped]
    beyond = codes >= _TABLE_SIZE
    if beyond.any():  # rare scripts: ask Python
        for i in np.flatnonzero(beyond).tolist():
            c = text[i]
            word[i], space[i] = c.isalnum(), c.isspace()
    start = ~space & ~(word & np.concatenate(([False], word[:-1])))
    index = np.cumsum(start) - 1
    return np.maximum(index, 0).astype(np.int64), np.flatnonzero(start).astype(np.int64)


@dataclass(slots=True)
class TokenCounts:
    """What the token-level coefficients are computed from."""

    n_labels: int  # labels + 1 (0 = O)
    pair_tables: dict[tuple[int, int], npt.NDArray[np.int64]] = field(default_factory=dict)
    pair_doc_tables: dict[tuple[int, int], dict[int, npt.NDArray[np.int64]]] = field(
        default_factory=dict)
    all_patterns: Counter[int] = field(default_factory=Counter)  # everyone present
    some_patterns: Counter[int] = field(default_factory=Counter)  # ≥ 2 present
    doc_lengths: dict[int, int] = field(default_factory=dict)
    coders: int = 0

    def decode(self, codes: Counter[int]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Pattern codes → (patterns × labels count matrix, weights)."""
        if not codes:
            return np.zeros((0, self.n_labels), np.int64), np.zeros(0, np.int64)
        keys = np.fromiter(codes.keys(), dtype=np.int64, count=len(codes))
        weights = np.fromiter(codes.values(), dtype=np.int64, count=len(codes))
        base = self.coders + 1
        digits = (keys[:, None] // base ** np.arange(self.n_labels)) % base
        return digits.astype(np.int64), weights


def _token_labels(layer: Layer, lo: int, hi: int, docs: list[int], base: IntArray,
                  char_token: IntArray, n_tokens: int, token_doc: IntArray) -> IntArray:
    """One layer's label per token of the chunk (−1 where the layer did not work);
    ``base`` is each document's first character in the chunk, in ``docs`` order."""
    labels = np.full(n_tokens, -1, dtype=np.int64)
    worked = np.array([d in layer.documents for d in docs], dtype=bool)
    labels[worked[token_doc]] = 0
    if hi <= lo:
        return labels
    doc = layer.docs[lo:hi]
    offset = base[np.searchsorted(np.asarray(docs, dtype=np.int64), doc)]
    first = char_token[offset + layer.starts[lo:hi]]
    last = char_token[offset + layer.ends[lo:hi] - 1]
    order = np.argsort(layer.ends[lo:hi] - layer.starts[lo:hi], kind="stable")  # longest last
    first, last = first[order], last[order]
    lengths = last - first + 1
    ranges = np.repeat(first - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths) + \
        np.arange(int(lengths.sum()))
    labels[ranges] = np.repeat(layer.labels[lo:hi][order] + 1, lengths)
    return labels


def count_tokens(layers: Sequence[Layer], n_labels: int,
                 chunks: Iterable[list[tuple[int, str]]], by_document: bool) -> TokenCounts:
    """Count token labels of ``layers`` over the documents ``chunks`` yields."""
    counts = TokenCounts(n_labels + 1, coders=len(layers))
    k = n_labels + 1
    base_code = (len(layers) + 1) ** np.arange(k, dtype=np.int64)
    if (len(layers) + 1) ** k >= sys.maxsize:
        raise ValueError("too many labels and annotators for the token patterns")
    pairs = [(i, j) for i in range(len(layers)) for j in range(i + 1, len(layers))]
    for chunk in chunks:
        docs = [d for d, _ in chunk]
        for doc, text in chunk:
            counts.doc_lengths[doc] = len(text)
        # The chunk as one text, a line break after each document: no token crosses one.
        joined = "\n".join(text for _, text in chunk) + "\n"
        char_token, starts = _tokens(joined)
        n_tokens = len(starts)
        base = np.cumsum([0] + [len(t) + 1 for _, t in chunk])[:-1].astype(np.int64)
        char_doc = np.repeat(np.arange(len(chunk), dtype=np.int64),
                             [len(t) + 1 for _, t in chunk])
        token_doc = char_doc[starts]  # a token is in the document of its first character
        labels = []
        for layer in layers:
            lo = int(np.searchsorted(layer.docs, docs[0], side="left"))
            hi = int(np.searchsorted(layer.docs, docs[-1], side="right"))
            labels.append(_token_labels(layer, lo, hi, docs, base, char_token, n_tokens,
                                        token_doc))
        for i, j in pairs:
            both = (labels[i] >= 0) & (labels[j] >= 0)
            cell = labels[i][both] * k + labels[j][both]
            table = np.bincount(cell, minlength=k * k).reshape(k, k)
            counts.pair_tables[(i, j)] = counts.pair_tables.get((i, j), 0) + table
            if by_document:
                per_doc = np.bincount(token_doc[both] * k * k + cell,
                                      minlength=len(docs) * k * k).reshape(len(docs), k, k)
                store = counts.pair_doc_tables.setdefault((i, j), {})
                for position in np.flatnonzero(per_doc.sum((1, 2))).tolist():
                    store[docs[position]] = per_doc[position]
        present = np.zeros(n_tokens, dtype=np.int64)
        code = np.zeros(n_tokens, dtype=np.int64)
        for lab in labels:
            ok = lab >= 0
            present += ok
            code[ok] += base_code[lab[ok]]
        everyone = present == len(layers)
        _tally(counts.all_patterns, code[everyone])
        _tally(counts.some_patterns, code[present >= 2])
    return counts


def _tally(counter: Counter[int], codes: IntArray) -> None:
    keys, n = np.unique(codes, return_counts=True)
    counter.update(dict(zip(keys.tolist(), n.tolist(), strict=True)))
