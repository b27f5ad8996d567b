"""Finding the project's known names and aliases in a text, fast, in their inflections.

:class:`NameMatcher` is built once from every entity's name and aliases and then finds
them in any document: an Aho–Corasick automaton (``pyahocorasick``) runs over the
document's *words*, each word replaced by one character that stands for its key (its
folded lemma, see :mod:`akkord.textproc.lemmas`). So a match always covers whole words,
*alliansens* finds the alias *alliansen*, *Natos* finds *Nato*, and the 180 KB benchmark
document is scanned in tens of milliseconds.

Rules of a match (the contract the tests hold it to):

* **Whole words** only, as the text view snaps selections: never *Nato* inside
  *Nato-sjef* (a hyphenated compound is one word), nor inside a compound joined by a
  dash without spaces (*Nato–Russland-rådet*, the council, not Nato).
* **Inflections**: a word matches a name's word when their lemmas agree, or when the
  word is a genitive (``-s``, ``'s``, ``'``) of it. An exact surface match scores
  higher than an inflected one (:data:`EXACT`, :data:`INFLECTED`). A common noun of a
  form (written in lower case) is found only in its own number: *møtet* (the article's
  meeting) never finds *møter* (meetings at large) nor the verb *møtte*, nor
  *utenriksministeren* the plural *utenriksministrene*
  (:func:`akkord.textproc.lemmas.number`).
* **Capitals**: a name word written with a capital (*Polen*) does not match the word in
  lower case (*polen*, the poles); a lower-case alias (*alliansen*) matches at the start of
  a sentence (*Alliansen*).
* **Captions**: a name not written in capitals is not found in a run of words in
  capitals ("SAMTALER I GENÈVE:", a caption the annotator leaves unmarked); alone
  ("NATO sier") it is.
* **Longest match first**: overlapping candidates of one kind are resolved by length
  (in words), then position; "Nato-sjef Jens Stoltenberg" is the person, not Nato.
  Matches of different kinds may nest (a place inside a meeting's name).
* **Ambiguity**: when one form names several entities, the one used most often in the
  layer wins; its score is shared out by use and the gap to the runner-up is kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from akkord.textproc.lemmas import fold, genitive_base, number, split_words, word_key, words

EXACT = 0.9
"""Score of a match whose surface is the name or alias itself (or its genitive)."""
INFLECTED = 0.7
"""Score of a match found through lemmas (*alliansens* for the alias *alliansen*)."""

_UNSEEN: Any = object()  # not resolved yet (None is a resolution: no entity fits)
_NO_WORD = " "  # stands for a word that is part of no name (never in a pattern)
_FIRST_CHAR = 0xE000  # keys are private-use characters, then the supplementary planes


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One name or alias of an entity, as the matcher is given it."""

    entity_id: int
    kind: str
    form: str
    uses: int = 0  # mentions linked to the entity in the layer (ambiguity is decided by it)


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A place in the text where a known name (or one of its inflections) stands."""

    start: int
    end: int
    entity_id: int
    kind: str
    form: str  # the name or alias that matched
    score: float
    gap: float  # score minus the runner-up entity's score (the score itself when alone)
    runner_up: int | None = None
    runner_kind: str | None = None  # the runner-up entity's kind
    words: int = 1


_Resolved = tuple[int, str, str, float, float, int | None, str | None]
"""entity id, kind, form, score, gap, runner-up and its kind: the entity fields of a
:class:`NameMatch`."""

Blocked = Callable[[int, int, str], bool]
"""``blocked(start, end, kind)``: whether a match may not be proposed there."""


@dataclass(frozen=True, slots=True)
class _Pattern:
    entry: NameEntry
    capitals: tuple[bool, ...]  # per word: written with a capital in the form
    exact: frozenset[str]  # folded surfaces that count as exact (the form, its genitive)
    words: tuple[str, ...] = ()  # folded
    numbers: tuple[str | None, ...] = ()  # per word: its number when a common noun

    def agrees(self, surface: str) -> bool:
        """Whether every common noun of the form stands in ``surface`` as itself, its
        genitive, or an inflection of the same number (*møtet* never finds *møter*, the
        meetings at large, nor the verb *møtte*; *utenriksministeren* never
        *utenriksministrene*)."""
        for mine, theirs, wanted in zip(self.words, words(surface), self.numbers,
                                        strict=False):
            folded = fold(theirs)
            if wanted is None or folded == mine or genitive_base(folded) == mine:
                continue
            if number(folded) != wanted:
                return False
        return True


class NameMatcher:
    """An automaton over the keys of the given names; see the module docstring."""

    def __init__(self, entries: Iterable[NameEntry]) -> None:
        import ahocorasick

        self._chars: dict[str, str] = {}
        self._patterns: dict[str, list[_Pattern]] = defaultdict(list)
        for entry in entries:
            found = words(entry.form)
            if not found:
                continue
            key = "".join(self._char(word_key(w)) for w in found)
            exact = {fold(entry.form)}
            exact.update(fold(entry.form) + s for s in ("s", "'s", "’s", "'"))
            capitals = tuple(w[:1].isupper() for w in found)
            self._patterns[key].append(_Pattern(
                entry, capitals, frozenset(exact), tuple(fold(w) for w in found),
                tuple(None if upper else number(w) for w, upper in zip(found, capitals,
                                                                       strict=True))))
        self._prefixes = {k[:3] for k in self._chars}
        self._automaton = ahocorasick.Automaton()
        for key in self._patterns:
            self._automaton.add_word(key, key)
        if self._patterns:
            self._automaton.make_automaton()
        self._word_chars: dict[str, str] = {}
        self._resolved: dict[tuple[str, str], _Resolved | None] = {}

    def __len__(self) -> int:
        return sum(len(p) for p in self._patterns.values())

    def _char(self, key: str) -> str:
        char = self._chars.get(key)
        if char is None:
            code = _FIRST_CHAR + len(self._chars)
            if code >= 0xF900:  # past the private-use area: supplementary planes
                code = 0xF0000 + (code - 0xF900)
            char = self._chars[key] = chr(code)
        return char

    def _word_char(self, word: str) -> str:
        """The key character of a text word, or :data:`_NO_WORD`."""
        folded = fold(word)
        char = _NO_WORD
        if folded[:3] in self._prefixes:  # inflection is suffixing: skip the rest fast
            for candidate in (folded, word, genitive_base(folded)):
                if candidate is None:
                    continue
                key = candidate if candidate in self._chars else word_key(candidate)
                if key in self._chars:
                    char = self._chars[key]
                    break
        return char

    def find(self, text: str, blocked: Blocked | None = None) -> list[NameMatch]:
        """Every known name in ``text``, longest first, never overlapping each other,
        nowhere ``blocked`` says no; sorted by position."""
        if not self._patterns:
            return []
        found, bounds = split_words(text)
        chars = self._word_chars
        if len(chars) > 500_000:
            chars.clear()
        for word in set(found).difference(chars):
            chars[word] = self._word_char(word)
        keys = "".join(map(chars.__getitem__, found))
        candidates: list[NameMatch] = []
        for last, key in self._automaton.iter(keys):
            first = last - len(key) + 1
            start, end = bounds[2 * first], bounds[2 * last + 1]
            if _in_dashed_compound(text, start, end):
                continue
            surface = text[start:end]
            cached = self._resolved.get((key, surface), _UNSEEN)
            resolved: _Resolved | None = self._resolve(key, surface, tuple(
                text[bounds[2 * i]].isupper() for i in range(first, last + 1))
            ) if cached is _UNSEEN else cached
            if resolved is None:
                continue
            if _in_capitals(found, first, last, resolved[2]):
                continue
            match = NameMatch(start, end, *resolved, words=last - first + 1)
            if not (blocked and blocked(start, end, match.kind)):
                candidates.append(match)
        return _longest_first(candidates)

    def _resolve(self, key: str, surface: str, capitals: tuple[bool, ...]) -> _Resolved | None:
        """Which entity a surface stands for (cached by :meth:`find`: names repeat)."""
        best: dict[int, tuple[float, _Pattern]] = {}
        folded = fold(surface)
        for pattern in self._patterns[key]:
            if any(want and not got for want, got in zip(pattern.capitals, capitals,
                                                         strict=True)):
                continue
            exact = folded in pattern.exact
            if not exact and not pattern.agrees(surface):
                continue
            quality = EXACT if exact else INFLECTED
            entity = pattern.entry.entity_id
            if entity not in best or quality > best[entity][0]:
                best[entity] = (quality, pattern)
        result: _Resolved | None = None
        if best:
            weight = {e: p.entry.uses + 1 for e, (_, p) in best.items()}
            total = sum(weight.values())
            ranked = sorted(((q * weight[e] / total, e, p) for e, (q, p) in best.items()),
                            key=lambda r: (-r[0], -r[2].entry.uses, r[1]))
            score, entity, pattern = ranked[0]
            runner = ranked[1] if len(ranked) > 1 else None
            result = (entity, pattern.entry.kind, pattern.entry.form, round(score, 4),
                      round(score - (runner[0] if runner else 0.0), 4),
                      runner[1] if runner else None, runner[2].entry.kind if runner else None)
        if len(self._resolved) > 100_000:
            self._resolved.clear()
        self._resolved[(key, surface)] = result
        return result


_DASHES = "–—"


def _shouting(word: str) -> bool:
    return sum(c.isalpha() for c in word) >= 2 and word.isupper()


def _in_capitals(found: list[str], first: int, last: int, form: str) -> bool:
    """Whether a name not written in capitals stands in capitals next to a word in
    capitals (a caption, "I BRUSSEL:", "SAMTALER I GENÈVE:"), where the annotator marks
    nothing."""
    if _shouting(form) or not all(_shouting(w) or not any(c.isalpha() for c in w)
                                  for w in found[first:last + 1]):
        return False
    return (first > 0 and found[first - 1].isupper()) or (
        last + 1 < len(found) and found[last + 1].isupper())


def _in_dashed_compound(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is joined to a word by a dash without spaces."""
    return (end + 1 < len(text) and text[end] in _DASHES and text[end + 1].isalnum()) or (
        start >= 2 and text[start - 1] in _DASHES and text[start - 2].isalnum())


def _longest_first(candidates: list[NameMatch]) -> list[NameMatch]:
    """Of overlapping matches of one kind keep the longest (then the earliest); matches
    of different kinds may nest (an actor inside a demand, a place inside a meeting, as
    annotators mark them). Sorted by start."""
    if not candidates:
        return []
    taken: list[NameMatch] = []
    length = max(m.end for m in candidates)
    occupied: dict[str, bytearray] = {}
    for match in sorted(candidates, key=lambda m: (-m.words, -(m.end - m.start), m.start)):
        used = occupied.get(match.kind)
        if used is None:
            used = occupied[match.kind] = bytearray(length)
        if used.find(1, match.start, match.end) != -1:
            continue
        taken.append(match)
        used[match.start:match.end] = b"\x01" * (match.end - match.start)
    return sorted(taken, key=lambda m: (m.start, -m.end))
