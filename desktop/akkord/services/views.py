"""Read-only snapshots of annotations, as the GUI and scripts consume them.

Every service call returns these frozen values (never ORM objects), so a caller can keep
them after the transaction, compare them, and hand them to Qt models without touching
the database again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from akkord.domain.dates import PartialDate
from akkord.domain.document import Part
from akkord.domain.entities import Value


@dataclass(frozen=True, slots=True)
class MentionView:
    id: int
    document_id: int
    start: int
    end: int
    label: str
    status: str
    annotator: str
    entity_id: int | None = None
    values: dict[str, tuple[Value, ...]] = field(default_factory=dict)
    # A suggestion's provenance: which suggester proposed it (``alias``, ``occurrence``,
    # ``office``, ``model``, ``timex``), its score in [0, 1] and the gap to the runner-up.
    origin: str | None = None
    score: float | None = None
    gap: float | None = None

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def date(self) -> PartialDate | None:
        """The first date value of the mention (a TIME mention's resolved date)."""
        for values in self.values.values():
            for value in values:
                if value.date is not None:
                    return value.date
        return None


@dataclass(frozen=True, slots=True)
class RelationView:
    id: int
    type: str
    head: int
    tail: int
    annotator: str


@dataclass(frozen=True, slots=True)
class DocumentView:
    id: int
    title: str
    text: str
    date: PartialDate | None
    parts: tuple[Part, ...]
    meta: dict[str, object]
    mentions: tuple[MentionView, ...]
    relations: tuple[RelationView, ...]
    status: str
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class EntityView:
    id: int
    key: str
    kind: str
    name: str
    version: int
    aliases: tuple[str, ...] = ()
    values: dict[str, tuple[Value, ...]] = field(default_factory=dict)
    mentions: int = 0  # linked mentions in the annotator's layer, whole project
    documents: int = 0

    def first(self, attribute: str) -> Value | None:
        found = self.values.get(attribute, ())
        preferred = [v for v in found if v.preferred]
        return (preferred or list(found))[0] if found else None


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entity offered by the link picker, with why it ranks where it does."""

    entity_id: int
    name: str
    kind: str
    score: float
    uses: int
    matched: str  # the name or alias that matched


@dataclass(frozen=True, slots=True)
class WorkProgress:
    done: int
    total: int
