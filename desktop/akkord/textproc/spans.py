"""Spans over text: word-boundary snapping, word steps, and an index of mentions.

The text view uses these on every key press and every repaint, so they are written for
speed on a 180 KB document with thousands of mentions: the index keeps starts sorted
and answers "what overlaps this range" with a binary search.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_JOINERS = frozenset("-'’")  # inside a word: Nato-sjef, Russland-rådet, USA's


def is_word_char(text: str, i: int) -> bool:
    """Whether ``text[i]`` belongs to a word (letters, digits, and joiners between them)."""
    if not 0 <= i < len(text):
        return False
    char = text[i]
    if char.isalnum():
        return True
    return (char in _JOINERS and i > 0 and i + 1 < len(text)
            and text[i - 1].isalnum() and text[i + 1].isalnum())


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Widen ``[start, end)`` to whole words and trim space and punctuation at its edges.

    A selection that starts or ends inside a word takes the whole word; an empty
    selection (a cursor) takes the word it touches. ``None`` when no word is there.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    if start == end:
        if is_word_char(text, start):
            pass
        elif is_word_char(text, start - 1):
            start -= 1
        else:
            return None
        end = start + 1
    while start > 0 and is_word_char(text, start) and is_word_char(text, start - 1):
        start -= 1
    while end < len(text) and is_word_char(text, end - 1) and is_word_char(text, end):
        end += 1
    while start < end and not is_word_char(text, start):
        start += 1
    while end > start and not is_word_char(text, end - 1):
        end -= 1
    return (start, end) if start < end else None


def next_word_end(text: str, pos: int) -> int:
    """The end of the next word at or after ``pos`` (Shift+Right extends to it)."""
    while pos < len(text) and not is_word_char(text, pos):
        pos += 1
    while pos < len(text) and is_word_char(text, pos):
        pos += 1
    return pos


def previous_word_start(text: str, pos: int) -> int:
    """The start of the word before ``pos`` (Shift+Left goes back to it)."""
    while pos > 0 and not is_word_char(text, pos - 1):
        pos -= 1
    while pos > 0 and is_word_char(text, pos - 1):
        pos -= 1
    return pos


def next_word_start(text: str, pos: int) -> int:
    """The start of the word after the one at ``pos`` (moves a span's start right)."""
    while pos < len(text) and is_word_char(text, pos):
        pos += 1
    while pos < len(text) and not is_word_char(text, pos):
        pos += 1
    return pos


def previous_word_end(text: str, pos: int) -> int:
    """The end of the word before the one ending at ``pos`` (shrinks a span by a word)."""
    return next_word_end(text, previous_word_start(text, previous_word_start(text, pos)))


def edge_moved(text: str, start: int, end: int, edge: str, step: int, by_char: bool = False
               ) -> tuple[int, int]:
    """``[start, end)`` with its ``edge`` (``"start"`` or ``"end"``) moved one word (or
    one character) left (``step`` < 0) or right, as the edge keys move a mention.

    By words, an edge inside a word goes to that word's boundary first (an end in the
    middle of *Nato-sjef* moves left to the start of the word, never right). The result
    may be empty (``start >= end``) or unchanged (at the text's edge): the caller says why.
    """
    if by_char:
        if edge == "start":
            return min(max(0, start + step), len(text)), end
        return start, min(max(0, end + step), len(text))
    if edge == "start":
        moved = next_word_start(text, start) if step > 0 else previous_word_start(text, start)
        return moved, end
    if step > 0:
        return start, next_word_end(text, end)
    if is_word_char(text, end - 1) and is_word_char(text, end):
        return start, previous_word_start(text, end)  # inside a word: to its start
    return start, previous_word_end(text, end)


@dataclass(slots=True)
class _Entry:
    start: int
    end: int
    key: int


class SpanIndex:
    """Spans (``start``, ``end``, ``key``) kept sorted by start, with nesting levels.

    ``level(key)`` is the span's row when overlapping spans are stacked: 0 for a span
    that nothing encloses, 1 for one inside it, and so on (greedy interval colouring,
    outer spans first). Levels are recomputed only for the cluster of spans that overlap
    a changed one, so an edit costs little however long the document is.
    """

    def __init__(self, spans: Iterable[tuple[int, int, int]] = ()) -> None:
        entries = sorted((_Entry(s, e, k) for s, e, k in spans),
                         key=lambda x: (x.start, -x.end, x.key))
        self._entries = entries
        self._starts = [e.start for e in entries]
        self._by_key = {e.key: e for e in entries}
        self._max_len = max((e.end - e.start for e in entries), default=0)
        self._levels: dict[int, int] = {}
        # How many spans sit at each level: the deepest level is asked at every repaint
        # and after every edit, and a max over the 2,600 spans of the long document was
        # 0.05 ms each time.
        self._at_level: Counter[int] = Counter()
        self._assign(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: int) -> bool:
        return key in self._by_key

    def span(self, key: int) -> tuple[int, int]:
        entry = self._by_key[key]
        return entry.start, entry.end

    def level(self, key: int) -> int:
        return self._levels.get(key, 0)

    @property
    def max_level(self) -> int:
        return max(self._at_level, default=0)

    def keys(self) -> list[int]:
        """All keys in text order."""
        return [e.key for e in self._entries]

    def overlapping(self, start: int, end: int) -> list[int]:
        """Keys of spans that overlap ``[start, end)`` (or touch ``start`` when empty)."""
        lo = bisect.bisect_left(self._starts, start - self._max_len)
        hi = bisect.bisect_right(self._starts, end if end > start else start)
        return [e.key for e in self._entries[lo:hi]
                if e.end > start and (e.start < end or (end == start and e.start <= start))]

    def at(self, pos: int) -> list[int]:
        """Keys of spans containing ``pos``, innermost (shortest) first."""
        found = [self._by_key[k] for k in self.overlapping(pos, pos + 1)]
        return [e.key for e in sorted(found, key=lambda e: (e.end - e.start, e.start))]

    def add(self, start: int, end: int, key: int) -> None:
        entry = _Entry(start, end, key)
        i = bisect.bisect_left(self._starts, start)
        while i < len(self._entries) and self._entries[i].start == start and (
                self._entries[i].end > end or (self._entries[i].end == end
                                               and self._entries[i].key < key)):
            i += 1
        self._entries.insert(i, entry)
        self._starts.insert(i, start)
        self._by_key[key] = entry
        self._max_len = max(self._max_len, end - start)
        self._relevel(start, end)

    def remove(self, key: int) -> None:
        entry = self._by_key.pop(key)
        i = bisect.bisect_left(self._starts, entry.start)
        while self._entries[i] is not entry:  # same start: a few neighbours at most
            i += 1
        del self._entries[i]
        del self._starts[i]
        self._set_level(key, None)
        self._relevel(entry.start, entry.end)

    def move(self, key: int, start: int, end: int) -> None:
        self.remove(key)
        self.add(start, end, key)

    def _cluster(self, start: int, end: int) -> list[_Entry]:
        """The spans connected to ``[start, end)`` through overlaps, in index order.

        The probe range only grows (it is the union of itself and what it found), and it
        grows only when a span reaches outside it, which then lies inside: so the loop
        makes at most one probe per span, plus one to see that nothing changed.
        """
        lo_pos, hi_pos = start, end
        while True:
            keys = self.overlapping(lo_pos, hi_pos)
            entries = [self._by_key[k] for k in keys]
            new_lo = min([lo_pos, *(e.start for e in entries)])
            new_hi = max([hi_pos, *(e.end for e in entries)])
            if (new_lo, new_hi) == (lo_pos, hi_pos):
                return sorted(entries, key=lambda x: (x.start, -x.end, x.key))
            lo_pos, hi_pos = new_lo, new_hi

    def _relevel(self, start: int, end: int) -> None:
        self._assign(self._cluster(start, end))

    def _assign(self, entries: list[_Entry]) -> None:
        ends: list[int] = []  # per level: where its last span ends
        for entry in entries:
            for level, level_end in enumerate(ends):
                if level_end <= entry.start:
                    ends[level] = entry.end
                    self._set_level(entry.key, level)
                    break
            else:
                ends.append(entry.end)
                self._set_level(entry.key, len(ends) - 1)

    def _set_level(self, key: int, level: int | None) -> None:
        """Put ``key`` at ``level`` (None: out of the index), keeping the counts."""
        before = self._levels.pop(key, None)
        if before is not None:
            self._at_level[before] -= 1
            if not self._at_level[before]:
                del self._at_level[before]  # only levels in use: max_level is their max
        if level is not None:
            self._levels[key] = level
            self._at_level[level] += 1
