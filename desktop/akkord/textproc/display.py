"""The article as the text view lays it out: very long paragraphs broken, for display only.

Qt lays a paragraph out as a whole, and looks for a word boundary before it breaks a line
anywhere: one unbroken token of 1 MB (a base64 blob, a table dumped on one line) took 40 s
to open, 5 MB more than two minutes, with the window frozen, and a 1 MB paragraph of
ordinary words still took seconds. The view therefore shows any paragraph longer than
:data:`LONG_PARAGRAPH` code points with a line break inserted every :data:`BREAK_EVERY`
(after a space when there is one in the chunk's second half, else inside the token), so
Qt lays out short paragraphs lazily. The text itself and every offset stay as they are:
:class:`DisplayText` maps code-point offsets of the text to positions in the displayed
string (the UTF-16 units Qt counts, inserted breaks included) and back. Ordinary articles
(no paragraph that long) are displayed unchanged.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from akkord.textproc.offsets import from_utf16_offsets, utf16_offsets

LONG_PARAGRAPH = 5000
BREAK_EVERY = 2000
BREAK = "\n"


def paragraph_breaks(text: str, long_paragraph: int = LONG_PARAGRAPH,
                     every: int = BREAK_EVERY) -> list[int]:
    """Offsets of ``text`` before which the display inserts a line break."""
    breaks: list[int] = []
    start = 0
    length = len(text)
    while start < length:
        end = text.find("\n", start)
        end = length if end < 0 else end
        if end - start > long_paragraph:
            position = start
            while end - position > every:
                limit = position + every
                space = text.rfind(" ", position + every // 2, limit)
                cut = space + 1 if space >= 0 else limit
                breaks.append(cut)
                position = cut
        start = end + 1
    return breaks


@dataclass(frozen=True)
class DisplayText:
    """A text as shown (``shown``) and the two-way map between their positions."""

    text: str
    breaks: tuple[int, ...]
    shown: str
    _to_utf16: Callable[[int], int] = field(repr=False)
    _from_utf16: Callable[[int], int] = field(repr=False)
    _newlines: tuple[int, ...] = field(repr=False)  # display positions of inserted breaks

    @classmethod
    def of(cls, text: str, to_utf16: Callable[[int], int] | None = None,
           from_utf16: Callable[[int], int] | None = None, *,
           long_paragraph: int = LONG_PARAGRAPH, every: int = BREAK_EVERY) -> DisplayText:
        """``to_utf16``/``from_utf16``: the text's code point ↔ UTF-16 maps, when the
        caller has them already (computed here otherwise)."""
        breaks = tuple(paragraph_breaks(text, long_paragraph, every))
        to_utf16 = to_utf16 or utf16_offsets(text)
        if breaks:
            pieces, previous = [], 0
            for cut in breaks:
                pieces += [text[previous:cut], BREAK]
                previous = cut
            pieces.append(text[previous:])
            shown = "".join(pieces)
        else:
            shown = text
        newlines = tuple(to_utf16(cut) + i for i, cut in enumerate(breaks))
        return cls(text, breaks, shown, to_utf16, from_utf16 or from_utf16_offsets(text),
                   newlines)

    def to_view(self, offset: int) -> int:
        """The display position of a code-point offset of the text (an offset at an
        inserted break is placed after it, at the start of the next displayed line)."""
        return self._to_utf16(offset) + bisect.bisect_right(self.breaks, offset)

    def from_view(self, position: int) -> int:
        """The code-point offset of a display position (an inserted break maps to the
        offset after it)."""
        before = bisect.bisect_left(self._newlines, position)
        return self._from_utf16(position - before)
