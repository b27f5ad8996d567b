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
def _classes() -> npt.NDArray[np.uint8]:
    """Per code point below the table size: 1 for a word character (``isalnum`` or
    ``_``), 2 for a space (``isspace``), else 0."""
    chars = [chr(i) for i in range(_TABLE_SIZE)]
    word = np.fromiter(((c.isalnum() or c == "_") for c in chars), dtype=bool,
                       count=_TABLE_SIZE)
    space = np.fromiter((c.isspace() for c in chars), dtype=bool, count=_TABLE_SIZE)
    kinds: npt.NDArray[np.uint8] = (word + 2 * space).astype(np.uint8)
    return kinds


def token_index(text: str) -> tuple[IntArray, int]:
    """For every character, the index of the token it belongs to (spaces: the previous
    token's), and the number of tokens."""
    if not text:
        return np.zeros(0, dtype=np.int64), 0
    start = _is_start(text)
    index: IntArray = np.cumsum(start, dtype=np.int64)
    index -= 1
    np.maximum(index, 0, out=index)
    return index, int(start.sum())


def token_starts(text: str) -> IntArray:
    """The first character of each token of ``text``."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(_is_start(text)).astype(np.int64)


def token_at(starts: IntArray, positions: IntArray) -> IntArray:
    """The token each character position belongs to (:func:`token_index`'s value there),
    from the tokens' ``starts``."""
    found: IntArray = np.searchsorted(starts, positions, side="right") - 1
    np.maximum(found, 0, out=found)
    return found


def _is_start(text: str) -> npt.NDArray[np.bool_]:
    """Whether each character starts a token: a non-space that is not a word character
    right after another."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    kind = np.take(_classes(), codes, mode="clip")
    beyond = codes >= _TABLE_SIZE
    if beyond.any():  # rare scripts: ask Python
        kind = kind.copy()
        for i in np.flatnonzero(beyond).tolist():
            c = text[i]
            kind[i] = 2 if c.isspace() else int(c.isalnum())
    word = kind == 1
    start: npt.NDArray[np.bool_] = kind != 2
    start[1:] &= ~(word[1:] & word[:-1])
    return start


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


def _token_labels(layer: Layer, lo: int, hi: int, worked: npt.NDArray[np.bool_],
                  base: IntArray, docs: IntArray, starts: IntArray, token_doc: IntArray
                  ) -> IntArray:
    """One layer's label per token of the chunk (−1 where the layer did not work);
    ``base`` is each document's first character in the chunk, in ``docs`` order; its
    mentions are ``lo:hi``."""
    labels = np.where(worked[token_doc], 0, -1)
    if hi <= lo:
        return labels
    offset = base[np.searchsorted(docs, layer.docs[lo:hi])]
    first = token_at(starts, offset + layer.starts[lo:hi])
    last = token_at(starts, offset + layer.ends[lo:hi] - 1)
    size = layer.ends[lo:hi] - layer.starts[lo:hi]
    if len(size) and int(size.max()) < 1 << 16:  # a radix sort: the same stable order
        size = size.astype(np.uint16)
    order = np.argsort(size, kind="stable")  # longest last
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
    # Label −1 (the layer did not work on the document) is the last entry: no code.
    pattern_code = np.append(base_code, 0)
    pairs = [(i, j) for i in range(len(layers)) for j in range(i + 1, len(layers))]
    for chunk in chunks:
        docs = np.array([d for d, _ in chunk], dtype=np.int64)
        for doc, text in chunk:
            counts.doc_lengths[doc] = len(text)
        # The chunk as one text, a line break after each document: no token crosses one.
        joined = "\n".join(text for _, text in chunk) + "\n"
        starts = token_starts(joined)
        n_tokens = len(starts)
        base = np.cumsum([0] + [len(t) + 1 for _, t in chunk])[:-1].astype(np.int64)
        # A token is in the document of its first character.
        first_token = np.searchsorted(starts, base)
        token_doc = np.repeat(np.arange(len(chunk), dtype=np.int64),
                              np.diff(np.append(first_token, n_tokens)))
        labels = []
        for layer in layers:
            lo = int(np.searchsorted(layer.docs, docs[0], side="left"))
            hi = int(np.searchsorted(layer.docs, docs[-1], side="right"))
            worked = np.array([d in layer.documents for d in docs.tolist()], dtype=bool)
            labels.append(_token_labels(layer, lo, hi, worked, base, docs, starts,
                                        token_doc))
        for i, j in pairs:
            _count_pair(counts, (i, j), labels[i], labels[j], token_doc, docs, by_document)
        present = np.zeros(n_tokens, dtype=np.int64)
        code = np.zeros(n_tokens, dtype=np.int64)
        for lab in labels:
            present += lab >= 0
            code += pattern_code[lab]
        everyone = present == len(layers)
        _tally(counts.all_patterns, code[everyone])
        _tally(counts.some_patterns, code[present >= 2])
    return counts


def _count_pair(counts: TokenCounts, pair: tuple[int, int], x: IntArray, y: IntArray,
                token_doc: IntArray, docs: IntArray, by_document: bool) -> None:
    """Add a chunk's tokens to the pair's contingency table (and per document): tokens
    a layer did not work on (−1) fall in row or column 0 of a table one larger, which
    is then cut off."""
    k = counts.n_labels
    wide = k + 1
    cell = (x + 1) * wide + (y + 1)
    table = np.bincount(cell, minlength=wide * wide).reshape(wide, wide)[1:, 1:]
    counts.pair_tables[pair] = counts.pair_tables.get(pair, 0) + table
    if by_document:
        per_doc = np.bincount(token_doc * wide * wide + cell,
                              minlength=len(docs) * wide * wide
                              ).reshape(len(docs), wide, wide)[:, 1:, 1:]
        store = counts.pair_doc_tables.setdefault(pair, {})
        for position in np.flatnonzero(per_doc.sum((1, 2))).tolist():
            store[int(docs[position])] = per_doc[position]


def _tally(counter: Counter[int], codes: IntArray) -> None:
    keys, n = np.unique(codes, return_counts=True)
    counter.update(dict(zip(keys.tolist(), n.tolist(), strict=True)))
