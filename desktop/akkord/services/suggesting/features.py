"""Tokens, sentences and CRF features for the recommender.

Kept apart from the training loop so the benchmark, the tests and the window all see
one definition. The features of a token are binary strings (``w=nato``, ``-1:t``):

* the word in lower case, its lemma, prefixes and suffixes (2–5 letters), its shape
  (``Xxxx``, ``XX``, ``dd.dd``), capitals, digits, hyphens, length;
* whether the lemma dictionary knows it as a common word, and whether the same word
  occurs in lower case elsewhere in the document (*Alliansen* at a sentence start is
  the common noun when *alliansen* occurs too) — the strongest cues for Norwegian,
  where capitals mark names but also begin sentences;
* the same for the neighbours (two on each side), and the word bigrams around it.

Norwegian lemmas come from :mod:`akkord.textproc.lemmas` (nothing downloaded).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from akkord.textproc.lemmas import is_known, lemma
from akkord.textproc.tokens import pretokenised, runs_with_breaks, sentence_ranges

Span = tuple[int, int]
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
_UPPER = re.compile(r"[A-ZÆØÅÄÖÜÉ]")
_LOWER = re.compile(r"[a-zæøåäöüéèáà]")
_DIGIT = re.compile(r"[0-9]")
_REPEAT = re.compile(r"(.)\1+")


def tokens_of(text: str, meta: Mapping[str, Any]) -> list[Span]:
    """A document's tokens: its stored ones (CoNLL-U imports), else words and marks."""
    breaks = pretokenised(meta)
    if breaks is not None:
        return runs_with_breaks(text, breaks)
    return [m.span() for m in _TOKEN.finditer(text)]


def sentences_of(text: str, meta: Mapping[str, Any], tokens: list[Span],
                 mentions: Sequence[Span] = ()) -> list[Span]:
    """Sentences as token ranges (lines for a pre-tokenised document)."""
    return sentence_ranges(text, tokens, mentions, pretokenised(meta) is not None)


def shape(word: str) -> str:
    s = _DIGIT.sub("d", _LOWER.sub("x", _UPPER.sub("X", word)))
    return _REPEAT.sub(r"\1\1", s)


def lower_words(text: str) -> frozenset[str]:
    """Words of the document that occur starting with a lower-case letter."""
    return frozenset(m.group() for m in _TOKEN.finditer(text) if m.group()[:1].islower())


class _Word:
    __slots__ = ("base", "known", "lem", "low", "s3", "shape", "title")

    def __init__(self, word: str, lowered: frozenset[str]) -> None:
        low = word.lower()
        self.low = low
        self.lem = lemma(word).lower()
        self.known = is_known(word)
        self.shape = shape(word)
        self.title = word[:1].isupper()
        self.s3 = low[-3:]
        self.base = [
            f"w={low}", f"lem={self.lem}", f"p2={low[:2]}", f"p3={low[:3]}",
            f"s2={low[-2:]}", f"s3={self.s3}", f"s4={low[-4:]}", f"s5={low[-5:]}",
            f"sh={self.shape}", f"len={min(len(word), 12)}",
        ]
        if self.title:
            self.base.append("t")
        if word.isupper():
            self.base.append("u")
        if any(c.isdigit() for c in word):
            self.base.append("d")
        if "-" in word:
            self.base.append("h")
        if self.known:
            self.base.append("k")
        if self.title and low in lowered:
            self.base.append("lo")


def sentence_features(words: Sequence[str], lowered: frozenset[str]) -> list[list[str]]:
    """The feature strings of each token of one sentence."""
    info = [_Word(w, lowered) for w in words]
    n = len(info)
    out: list[list[str]] = []
    for i, word in enumerate(info):
        feats = ["bias", *word.base]
        if i == 0:
            feats.append("BOS")
        if i == n - 1:
            feats.append("EOS")
        if i > 0:
            feats.append(f"bg-={info[i - 1].low}|{word.low}")
            feats.append(f"-1lem={info[i - 1].lem}")
        if i + 1 < n:
            feats.append(f"bg+={word.low}|{info[i + 1].low}")
        for d in (1, 2):
            for j, side in ((i - d, "-"), (i + d, "+")):
                if 0 <= j < n:
                    other = info[j]
                    p = f"{side}{d}:"
                    feats += [f"{p}w={other.low}", f"{p}sh={other.shape}"]
                    if other.title:
                        feats.append(f"{p}t")
                    if other.known:
                        feats.append(f"{p}k")
                    if d == 1:
                        feats.append(f"{p}s3={other.s3}")
        out.append(feats)
    return out
