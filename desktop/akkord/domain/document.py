"""Value types that describe a document's text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PART_KINDS = ("dateline", "caption", "title", "lead", "byline", "published", "heading",
              "paragraph")


@dataclass(frozen=True, slots=True)
class Part:
    """A structural range of an article's text (``[start, end)``, code points)."""

    kind: str
    start: int
    end: int

    def as_list(self) -> list[str | int]:
        return [self.kind, self.start, self.end]

    @classmethod
    def from_list(cls, item: list[str | int]) -> Part:
        kind, start, end = item
        if kind not in PART_KINDS or not isinstance(start, int) or not isinstance(end, int):
            raise ValueError(f"not a document part: {item!r}")
        return cls(str(kind), start, end)


def content_hash(text: str) -> str:
    """The identity of a document's text: re-importing the same text finds this hash."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
