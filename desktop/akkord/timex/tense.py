"""Which way a sentence's tense points: the cue that places "fredag" or "17. desember".

A bare weekday or a date without a year is placed before the document date when its
clause speaks of the past ("Stoltenberg *sa* fredag …", "kravene *ble* offentlige
17. desember") and after it when it speaks of the future ("ministrene *skal* møtes
fredag", "*kommende*", "*planlagt*", "*kan komme*"). Rules, kept deliberately simple:

* Cues are words, not morphology: a curated list of preterite forms
  (:data:`~akkord.timex.lexicon.PAST_WORDS`), the ``-erte`` preterite of ``-ere`` verbs
  (``publiserte``, ``inviterte``) unless it is an adjective after a determiner or a
  known adjective (``de allierte``), and preterites that double as participles
  (``bekreftet``) only when no auxiliary stands right before them ("det får VG bekreftet"
  is not past). The perfect ("har invitert") is no cue: Norwegian news uses it for
  announcements of what is still ahead.
* The cue nearest to the expression *in its own clause* wins (clauses end at ``, ; : ( )``,
  a spaced dash and the subordinators ``at som hvor når fordi mens dersom hvis men``).
  Without one, the nearest cue elsewhere in the sentence counts, except verbs of saying
  ("…, sa han"), whose tense dates the saying, not what was said.
* Sentences end at ``. ! ? …`` followed by a capital, digit or quote, and at every line
  break; a full stop after a one- or two-digit number is an ordinal ("12. Januar"), not an
  end.
* No cue: :attr:`Direction.NONE` (the nearest placement).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from akkord.timex import lexicon as lx
from akkord.timex.specs import Direction

_SENTENCE_END = re.compile(r"[.!?…]+[»”\"')]*[ \t]+(?=[«\"“–—-]?\s*[A-ZÆØÅ0-9])|\n")
_ORDINAL_BEFORE = re.compile(r"(?<!\w)\d{1,2}$")
_ABBREVIATION_BEFORE = re.compile(
    r"(?<!\w)(?:kl|ca|bl\.a|f\.eks|nr|dvs|jf|mill|mrd|pst|st|mv|osv|etc)$", re.IGNORECASE
)
_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\s[–—-]\s|(?<!\w)(?:at|som|hvor|når|fordi|mens|dersom|hvis|men)(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    direction: Direction
    speech: bool


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    cues: list[_Cue]
    breaks: list[int]  # clause boundaries (offsets into the text)


class TenseReader:
    """Reads the tense cues of one text once; :meth:`direction` answers per expression."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._bounds = _sentence_bounds(text)
        self._starts = [start for start, _ in self._bounds]
        self._sentences: dict[int, _Sentence] = {}

    def direction(self, start: int, end: int) -> Direction:
        """The tense direction for the expression at ``[start, end)``."""
        sentence = self._sentence(bisect.bisect_right(self._starts, start) - 1)
        own = _clause_of(sentence.breaks, start, end)
        inside = [c for c in sentence.cues if own[0] <= c.start and c.end <= own[1]
                  and not (start <= c.start < end)]
        if inside:
            return _nearest(inside, start, end).direction
        outside = [c for c in sentence.cues if not c.speech and not (start <= c.start < end)
                   and not (own[0] <= c.start and c.end <= own[1])]
        return _nearest(outside, start, end).direction if outside else Direction.NONE

    def _sentence(self, index: int) -> _Sentence:
        found = self._sentences.get(index)
        if found is None:
            start, end = self._bounds[index]
            chunk = self._text[start:end]
            breaks = [start + m.start() for m in _CLAUSE_BREAK.finditer(chunk)]
            found = _Sentence(start, end, _cues(chunk, start), breaks)
            self._sentences[index] = found
        return found


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        head = text[max(start, match.start() - 12):match.start()]
        if match.group() != "\n" and (
            _ORDINAL_BEFORE.search(head) or _ABBREVIATION_BEFORE.search(head)
        ):
            continue
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def _clause_of(breaks: list[int], start: int, end: int) -> tuple[int, int]:
    """The stretch between the last clause break before ``start`` and the first after ``end``."""
    i = bisect.bisect_right(breaks, start) - 1
    j = bisect.bisect_left(breaks, end)
    low = breaks[i] if i >= 0 else 0
    high = breaks[j] if j < len(breaks) else 1 << 62
    return low, high


def _nearest(cues: list[_Cue], start: int, end: int) -> _Cue:
    return min(cues, key=lambda c: start - c.end if c.end <= start else c.start - end)


def _cues(chunk: str, offset: int) -> list[_Cue]:
    words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(chunk)]
    cues: list[_Cue] = []
    for i, (start, end, word) in enumerate(words):
        before = [w for _, _, w in words[max(0, i - 3):i]]
        after = [w for _, _, w in words[i + 1:i + 3]]
        direction = _classify(word, before, after)
        if direction is not None:
            cues.append(_Cue(offset + start, offset + end, direction,
                             word in lx.SPEECH_VERBS))
    return cues


def _classify(word: str, before: list[str], after: list[str]) -> Direction | None:
    if word == "kan":
        return Direction.FUTURE if after[:1] and after[0] in lx.FUTURE_AFTER_KAN else None
    if word in lx.FUTURE_WORDS:
        return Direction.FUTURE
    if word in lx.PAST_WORDS:
        return Direction.PAST
    if word in lx.PAST_PARTICIPLE_WORDS:
        return None if set(before) & lx.AUXILIARIES else Direction.PAST
    if (len(word) > 6 and word.endswith("erte") and word not in lx.ERTE_ADJECTIVES
            and not (before and before[-1] in lx.DETERMINERS)):
        return Direction.PAST
    return None
