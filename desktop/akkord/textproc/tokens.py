"""Tokens and sentences for the token-based exports (CoNLL, CoNLL-U, Hugging Face, spaCy).

One tokenisation for all of them, so a model trained on the Hugging Face export sees the
same tokens as the spaCy and CoNLL exports. The contract:

* **Tokens** come from spaCy's rule-based Norwegian Bokmål tokenizer
  (``spacy.blank("nb")``: no model, nothing downloaded; deterministic for a given spaCy
  version). It keeps abbreviations (``bl.a.``, ``f.eks.``), numbers (``10.000``) and
  hyphenated words (``Nato-sjefen``) whole. spaCy is an optional dependency (the
  ``export`` extra) and is imported when the first :class:`Tokenizer` is made.
* **Pre-tokenised documents** keep their tokens: a document imported from CoNLL-U/CoNLL
  has ``meta["token_breaks"]`` (see :data:`TOKEN_BREAKS`). Its tokens are the
  whitespace-separated runs of its text, cut at those offsets, and its sentences are its
  lines, so an imported treebank exports with exactly its own tokens and sentences.
* **Mentions never straddle tokens**: a mention that starts or ends inside a token cuts
  the token there (``Nato-sjefen`` with the mention ``Nato`` → ``Nato`` ``-sjefen``).
  Every cut is listed in :attr:`Tokenized.cuts` for the writer to report; no mention is
  lost to tokenisation. Whitespace at a mention's edges is not part of any token.
* **Sentences**: a line break always ends one; ``.``, ``!``, ``?`` or ``…`` (possibly
  followed by closing quotes or brackets) end one when whitespace and a token starting
  with a capital letter, a digit, an opening quote or a dash follow. A sentence boundary
  never falls inside a mention: the sentences around it stay one.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TOKEN_BREAKS = "token_breaks"
"""``meta`` key of a pre-tokenised document: the offsets inside whitespace-free runs of
its text where one token ends and the next begins (CoNLL-U's ``SpaceAfter=No``)."""

_ENDERS = frozenset({".", "!", "?", "…", "...", "?!", "!?", "..", "!!", "??"})
_CLOSERS = frozenset({"»", "”", '"', "'", ")", "]", "’"})
_OPENERS = frozenset("«“\"'(–—-[‘")
_RUN = re.compile(r"\S+")

Span = tuple[int, int]


@dataclass(slots=True)
class Tokenized:
    """A document's tokens (character ranges) and sentences (token index ranges)."""

    tokens: list[Span]
    sentences: list[Span]
    cuts: list[Span] = field(default_factory=list)  # tokens cut at a mention boundary
    starts: list[int] = field(init=False, repr=False)
    ends: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.starts = [t[0] for t in self.tokens]
        self.ends = [t[1] for t in self.tokens]

    def token_range(self, start: int, end: int) -> Span:
        """The tokens ``[first, last)`` inside the character range ``[start, end)``."""
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_right(self.ends, end)
        return first, max(first, last)


def pretokenised(meta: Mapping[str, Any]) -> list[int] | None:
    """The document's stored token breaks, or ``None`` when it has none."""
    breaks = meta.get(TOKEN_BREAKS)
    return list(breaks) if isinstance(breaks, list) else None


def runs_with_breaks(text: str, breaks: Sequence[int]) -> list[Span]:
    """Whitespace-separated runs of ``text``, cut at ``breaks`` (sorted or not)."""
    return _cut([(m.start(), m.end()) for m in _RUN.finditer(text)], sorted(set(breaks)))[0]


def _cut(tokens: list[Span], points: list[int]) -> tuple[list[Span], list[Span]]:
    """Cut tokens at the sorted ``points`` that fall strictly inside them."""
    if not points or not tokens:
        return tokens, []
    starts = [t[0] for t in tokens]
    inside: dict[int, list[int]] = {}
    for point in points:
        i = bisect.bisect_right(starts, point) - 1
        if i >= 0 and tokens[i][0] < point < tokens[i][1]:
            inside.setdefault(i, []).append(point)
    if not inside:
        return tokens, []
    out: list[Span] = []
    cut: list[Span] = []
    previous = 0
    for i in sorted(inside):
        out.extend(tokens[previous:i])
        start, end = tokens[i]
        cut.append((start, end))
        bounds = [start, *inside[i], end]
        out.extend(itertools.pairwise(bounds))
        previous = i + 1
    out.extend(tokens[previous:])
    return out, cut


class Tokenizer:
    """Tokenises documents under the contract in the module docstring.

    spaCy's tokenizer splits text at whitespace and then tokenises each whitespace-free
    chunk on its own (that is what its cache relies on), so tokenising each distinct
    chunk once and reusing the result gives exactly spaCy's tokens, several times
    faster on a corpus: news text repeats its words.
    """

    CACHE_LIMIT = 500_000

    def __init__(self) -> None:
        import spacy

        self.nlp = spacy.blank("nb")
        self._tokenizer = self.nlp.tokenizer
        self._cache: dict[str, tuple[Span, ...]] = {}

    def base_tokens(self, text: str, meta: Mapping[str, Any]) -> list[Span]:
        """Tokens before cutting at mentions: stored ones, else spaCy's."""
        breaks = pretokenised(meta)
        if breaks is not None:
            return runs_with_breaks(text, breaks)
        return self.spacy_tokens(text)

    def spacy_tokens(self, text: str) -> list[Span]:
        """spaCy's non-whitespace tokens of ``text``, as character ranges."""
        cache = self._cache
        if len(cache) > self.CACHE_LIMIT:
            cache.clear()
        out: list[Span] = []
        for match in _RUN.finditer(text):
            chunk = match.group()
            pieces = cache.get(chunk)
            if pieces is None:
                pieces = cache[chunk] = tuple(
                    (t.idx, t.idx + len(t.text)) for t in self._tokenizer(chunk)
                    if not t.is_space)
            start = match.start()
            if len(pieces) == 1:
                out.append((start, match.end()))
            else:
                out.extend((start + a, start + b) for a, b in pieces)
        return out

    def tokenize(self, text: str, meta: Mapping[str, Any], mentions: Sequence[Span] = (),
                 ) -> Tokenized:
        """Tokens and sentences of one document whose mentions are ``mentions``."""
        points = sorted({p for span in mentions for p in span})
        tokens, cuts = _cut(self.base_tokens(text, meta), points)
        by_line = pretokenised(meta) is not None
        return Tokenized(tokens, sentence_ranges(text, tokens, mentions, by_line), cuts)


_LINE_BREAK = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*(?=\s)")


def sentence_ranges(text: str, tokens: list[Span], mentions: Sequence[Span] = (),
                    lines_only: bool = False) -> list[Span]:
    """Sentences as token index ranges; see the module docstring for the rules.

    Only the places where a sentence may end are looked at (line breaks, and sentence
    punctuation before whitespace), so this costs little more than a regex scan.
    """
    if not tokens:
        return []
    starts = [t[0] for t in tokens]
    breaks = {bisect.bisect_left(starts, m.end()) for m in _LINE_BREAK.finditer(text)}
    if not lines_only:
        for match in _SENTENCE_END.finditer(text):
            j = bisect.bisect_left(starts, match.end())
            if 1 <= j < len(tokens) and _ends_sentence(text, tokens, j):
                breaks.add(j)
    inside = bytearray(len(text) + 1)  # 1 where a break would fall inside a mention
    for start, end in mentions:
        if end - start > 1:
            inside[start + 1:end] = b"\x01" * (end - start - 1)
    breaks = {j for j in breaks if 1 <= j < len(tokens) and not inside[starts[j]]}
    bounds = [0, *sorted(breaks), len(tokens)]
    return list(itertools.pairwise(bounds))


def _ends_sentence(text: str, tokens: list[Span], j: int) -> bool:
    """Whether a sentence ends before token ``j`` (which follows whitespace)."""
    previous = text[tokens[j - 1][0]:tokens[j - 1][1]]
    if previous not in _ENDERS:
        if previous not in _CLOSERS or j < 2:
            return False
        before = text[tokens[j - 2][0]:tokens[j - 2][1]]
        if before not in _ENDERS or tokens[j - 2][1] != tokens[j - 1][0]:
            return False
    first = text[tokens[j][0]]
    return first.isupper() or first.isdigit() or first in _OPENERS


def iob2(tokenized: Tokenized, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """IOB2 tags of the tokens for non-overlapping ``(start, end, label)`` spans.

    A span covers the tokens inside it (mention boundaries cut tokens, so that is the
    whole mention but for whitespace at its edges); a span of whitespace only tags
    nothing. Use :meth:`Tokenized.token_range` to see which tokens a span covers.
    """
    tags = ["O"] * len(tokenized.tokens)
    for start, end, label in spans:
        first, last = tokenized.token_range(start, end)
        if first < last:
            tags[first] = f"B-{label}"
            for k in range(first + 1, last):
                tags[k] = f"I-{label}"
    return tags


def spans_from_iob(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(first, last, label)`` token ranges from IOB2, IOB1 or BIOES/BILOU tags.

    Raises :class:`ValueError` naming the first tag that is not one of these schemes.
    """
    out: list[tuple[int, int, str]] = []
    open_: bool = False  # whether out[-1] may continue at the current token
    for k, tag in enumerate(tags):
        if tag in ("O", "_", ""):
            open_ = False
            continue
        prefix, sep, label = tag.partition("-")
        if not sep or prefix not in ("B", "I", "E", "S", "L", "U") or not label:
            raise ValueError(f"{tag!r} is not an IOB tag (B-X, I-X, O, or BIOES)")
        if open_ and prefix in ("I", "E", "L") and out[-1][2] == label and out[-1][1] == k:
            out[-1] = (out[-1][0], k + 1, label)
        else:
            out.append((k, k + 1, label))
        open_ = prefix not in ("E", "S", "L", "U")
    return out
