"""The statuses the domain knows, as types (not bare strings from the storage layer).

They are ``StrEnum`` members: they compare equal to their string values, are stored as
those strings, and a typo is a type error instead of a silent mismatch.
"""

from __future__ import annotations

from enum import StrEnum

GOLD = "gold"
"""The curated layer's annotator name."""


class MentionStatus(StrEnum):
    MANUAL = "manual"  # made by the annotator
    SUGGESTED = "suggested"  # proposed by a suggester, not yet decided (drawn pale)
    ACCEPTED = "accepted"  # a suggestion the annotator accepted
    REJECTED = "rejected"  # a suggestion the annotator rejected (never proposed again there)

    @property
    def decided(self) -> bool:
        """Made or accepted by a person: what exports to other tools carry."""
        return self in (MentionStatus.MANUAL, MentionStatus.ACCEPTED)


class DocumentStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in progress"
    DONE = "done"


class GoldMark(StrEnum):
    """How a gold unit came to be: everyone agreed, a curator decided, or not yet."""

    UNANIMOUS = "unanimous"
    ADJUDICATED = "adjudicated"
    UNRESOLVED = "unresolved"
    REJECTED = "rejected"


MENTION_STATUSES: tuple[str, ...] = tuple(s.value for s in MentionStatus)
DOCUMENT_STATUSES: tuple[str, ...] = tuple(s.value for s in DocumentStatus)
CURATION_MARKS: tuple[str, ...] = tuple(m.value for m in GoldMark)


def mention_status(value: str) -> MentionStatus | None:
    """The status called ``value``, or ``None`` when there is none of that name."""
    try:
        return MentionStatus(value)
    except ValueError:
        return None


def document_status(value: str) -> DocumentStatus | None:
    try:
        return DocumentStatus(value)
    except ValueError:
        return None
