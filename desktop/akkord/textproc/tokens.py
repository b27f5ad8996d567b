"""Tokens and sentences for the token-based exports (CoNLL, CoNLL-U, Hugging Face, spaCy).

One tokenisation for all of them, so a model trained on the Hugging Face export sees the
same tokens as the spaCy and CoNLL exports. The contract:

* **Tokens** come from spaCy's rule-based Norwegian Bokmål tokenizer
  (``spacy.blank("nb")``: no model, nothing downloaded; deterministic for a given spaCy
  version). It keeps abbreviations (``bl.a.``, ``f.eks.``), numbers (``10.000``) and
  hyphenated words (``Nato-sjefen``) whole. spaCy is an optional dependency (the
  ``export`` extra), imported when a :class:`Tokenizer` first needs it.
* **Computed once**: tokens and sentence starts depend on the text alone
  (:class:`BaseTokens`, :meth:`Tokenizer.base`), so they are stored with the document
  (:func:`pack`, ``akkord.services.tokens``) and passed back in; only the mentions are
  applied per export (:meth:`Tokenizer.tokenize`).
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
  with a capital letter, a digit, an opening quote or a dash follow (judged on the
  tokens before mentions cut them). A sentence boundary never falls inside a mention:
  the sentences around it stay one.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import sys
import zlib
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

RULES_VERSION = 2
"""Raise when a change here changes the tokens or sentences of a text: stored tokens of
another version are computed again (``akkord.services.tokens``)."""

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


@dataclass(slots=True)
class BaseTokens:
    """A document's tokens before mentions cut them, and the tokens that start a sentence.

    This is what depends on the text alone, so it can be computed once and stored
    (:func:`pack` / :func:`unpack`); :meth:`Tokenizer.tokenize` adds the mentions.
    """

    tokens: list[Span]
    sentence_starts: list[int]  # indices into ``tokens``, ascending, without 0


def pack(base: BaseTokens) -> bytes:
    """``base`` as compact bytes: zlib of little-endian uint32 deltas.

    Layout: token count, sentence-start count, then the differences between successive
    token boundaries (start, end, start, end …, from 0) and between successive sentence
    starts. News text takes about 1.5 bytes per token.
    """
    bounds = list(itertools.chain.from_iterable(base.tokens))
    starts = base.sentence_starts
    values = array("I", [len(base.tokens), len(starts)])
    values.extend(map(operator.sub, bounds, [0, *bounds[:-1]]))
    values.extend(map(operator.sub, starts, [0, *starts[:-1]]))
    if sys.byteorder == "big":
        values.byteswap()
    return zlib.compress(values.tobytes(), 6)


def unpack(blob: bytes) -> BaseTokens:
    """What :func:`pack` packed; :class:`ValueError` when ``blob`` is not that."""
    values = array("I")
    try:
        values.frombytes(zlib.decompress(blob))
    except (zlib.error, ValueError) as exc:
        raise ValueError(f"not packed tokens: {exc}") from exc
    if sys.byteorder == "big":
        values.byteswap()
    if len(values) < 2 or len(values) != 2 + 2 * values[0] + values[1]:
        raise ValueError("not packed tokens: wrong length")
    count = values[0]
    bounds = list(itertools.accumulate(values[2:2 + 2 * count]))
    starts = list(itertools.accumulate(values[2 + 2 * count:]))
    return BaseTokens(list(zip(bounds[0::2], bounds[1::2], strict=True)), starts)


class Tokenizer:
    """Tokenises documents under the contract in the module docstring.

    spaCy's tokenizer splits text at whitespace and then tokenises each whitespace-free
    chunk on its own (that is what its cache relies on), so tokenising each distinct
    chunk once and reusing the result gives exactly spaCy's tokens, several times
    faster on a corpus: news text repeats its words. spaCy is loaded on first use, so
    an export whose documents all have stored tokens never loads it.
    """

    CACHE_LIMIT = 500_000

    def __init__(self) -> None:
        self._nlp: Any = None
        self._cache: dict[str, tuple[Span, ...]] = {}

    @property
    def nlp(self) -> Any:
        """``spacy.blank("nb")``, loaded on first use."""
        if self._nlp is None:
            import spacy

            self._nlp = spacy.blank("nb")
        return self._nlp

    def base(self, text: str, meta: Mapping[str, Any], stored: BaseTokens | None = None,
             ) -> BaseTokens:
        """The document's tokens and sentence starts before mentions: ``stored`` when
        given, else its own (pre-tokenised) ones, else spaCy's."""
        if stored is not None:
            return stored
        breaks = pretokenised(meta)
        if breaks is not None:
            tokens = runs_with_breaks(text, breaks)
            return BaseTokens(tokens, sentence_breaks(text, tokens, lines_only=True))
        tokens = self.spacy_tokens(text)
        return BaseTokens(tokens, sentence_breaks(text, tokens))

    def spacy_tokens(self, text: str) -> list[Span]:
        """spaCy's non-whitespace tokens of ``text``, as character ranges."""
        cache = self._cache
        if len(cache) > self.CACHE_LIMIT:
            cache.clear()
        tokenizer = self.nlp.tokenizer
        out: list[Span] = []
        for match in _RUN.finditer(text):
            chunk = match.group()
            pieces = cache.get(chunk)
            if pieces is None:
                pieces = cache[chunk] = tuple(
                    (t.idx, t.idx + len(t.text)) for t in tokenizer(chunk)
                    if not t.is_space)
            start = match.start()
            if len(pieces) == 1:
                out.append((start, match.end()))
            else:
                out.extend((start + a, start + b) for a, b in pieces)
        return out

    def tokenize(self, text: str, meta: Mapping[str, Any], mentions: Sequence[Span] = (),
                 stored: BaseTokens | None = None) -> Tokenized:
        """Tokens and sentences of one document whose mentions are ``mentions``."""
        base = self.base(text, meta, stored)
        points = sorted({p for span in mentions for p in span})
        tokens, cuts = _cut(base.tokens, points)
        if cuts:  # token indices moved: find the sentence starts again by offset
            starts = [t[0] for t in tokens]
            breaks = [bisect.bisect_left(starts, base.tokens[j][0])
                      for j in base.sentence_starts]
        else:
            breaks = base.sentence_starts
        return Tokenized(tokens, _ranges(text, tokens, breaks, mentions), cuts)


_LINE_BREAK = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*(?=\s)")


def sentence_breaks(text: str, tokens: list[Span], lines_only: bool = False) -> list[int]:
    """The tokens that start a sentence (ascending, without 0), mentions aside.

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
    return sorted(j for j in breaks if 1 <= j < len(tokens))


def _ranges(text: str, tokens: list[Span], breaks: Sequence[int],
            mentions: Sequence[Span]) -> list[Span]:
    """Sentences as token ranges from their starts, never breaking inside a mention."""
    if not tokens:
        return []
    if mentions:
        inside = bytearray(len(text) + 1)  # 1 where a break would fall inside a mention
        for start, end in mentions:
            if end - start > 1:
                inside[start + 1:end] = b"\x01" * (end - start - 1)
        breaks = [j for j in breaks if not inside[tokens[j][0]]]
    return list(itertools.pairwise([0, *breaks, len(tokens)]))


def sentence_ranges(text: str, tokens: list[Span], mentions: Sequence[Span] = (),
                    lines_only: bool = False) -> list[Span]:
    """Sentences as token index ranges; see the module docstring for the rules."""
    return _ranges(text, tokens, sentence_breaks(text, tokens, lines_only), mentions)


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
