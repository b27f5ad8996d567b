"""Offset bookkeeping when text changes shape at the border.

Akkord stores text normalised (LF line ends, NFC) and counts offsets in code points.
Spans that arrive with text that was *not* normalised, or counted in UTF-16 units
(Label Studio), must be moved with it; the functions here give the mapping.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable

from akkord.textproc.decode import normalise_text

OffsetMap = Callable[[int], int]


def _is_starter(char: str) -> bool:
    return unicodedata.combining(char) == 0


def normalise_with_map(text: str) -> tuple[str, OffsetMap | None]:
    """Normalise ``text``; return it with a map from old to new offsets.

    The map is ``None`` when the text was already normal (the common case, so importing
    a clean corpus costs one comparison). An old offset that fell inside a CRLF pair or
    a composed character sequence maps to the end of that unit.
    """
    normal = normalise_text(text)
    if normal == text:
        return text, None
    old_starts: list[int] = []
    new_starts: list[int] = []
    pieces: list[str] = []
    new_len = 0
    i = 0
    while i < len(text):
        j = i + 1
        if text[i] == "\r" and j < len(text) and text[j] == "\n":
            j += 1
        else:
            while j < len(text) and not _is_starter(text[j]) and text[j] not in "\r\n":
                j += 1
        piece = normalise_text(text[i:j])
        old_starts.append(i)
        new_starts.append(new_len)
        pieces.append(piece)
        new_len += len(piece)
        i = j
    old_starts.append(len(text))
    new_starts.append(new_len)

    def remap(offset: int) -> int:
        # Per-piece NFC equals whole-text NFC except for Hangul jamo, which compose
        # across starters; clipping keeps such (non-Norwegian) offsets inside the text.
        k = bisect.bisect_left(old_starts, offset)
        mapped = new_starts[k] if k < len(old_starts) else new_len + offset - len(text)
        return min(mapped, len(normal))

    return normal, remap


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def only_bmp(text: str) -> bool:
    """No character outside the Basic Multilingual Plane: code points = UTF-16 units (one
    regex scan in C; a Python loop over a 180 KB article cost 100 ms per opening)."""
    return _ASTRAL.search(text) is None


def utf16_offsets(text: str) -> Callable[[int], int]:
    """Map a code-point offset in ``text`` to the UTF-16 unit offset (Label Studio's)."""
    if text.isascii() or only_bmp(text):
        return lambda offset: offset
    cumulative = [0]
    for char in text:
        cumulative.append(cumulative[-1] + (2 if ord(char) >= 0x10000 else 1))
    return cumulative.__getitem__


def from_utf16_offsets(text: str) -> Callable[[int], int]:
    """Map a UTF-16 unit offset into ``text`` back to a code-point offset."""
    if text.isascii() or only_bmp(text):
        return lambda offset: offset
    units = [0]
    for char in text:
        units.append(units[-1] + (2 if ord(char) >= 0x10000 else 1))

    def convert(offset: int) -> int:
        return bisect.bisect_left(units, offset)

    return convert
