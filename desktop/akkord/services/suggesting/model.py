"""What every suggester returns, and what writing suggestions reports."""

from __future__ import annotations

from dataclasses import dataclass, field

ALIAS = "alias"  # a known name or alias of an entity found in the text (pre-annotation)
OCCURRENCE = "occurrence"  # another occurrence of a mention's form (annotate all)
OFFICE = "office"  # an office's name, linked to the holder on the article's date
MODEL = "model"  # the recommender trained on the project's own annotations
TIMEX = "timex"  # the time expression tagger (akkord.services.dating)
CLAUSE = "clause"  # a clause after a trigger the layer's own clauses show (demands)
ORIGINS = (ALIAS, OCCURRENCE, OFFICE, MODEL, TIMEX, CLAUSE)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed mention: a span, a label, maybe an entity, where it came from, and how
    sure its suggester is (``score`` in [0, 1]; ``gap``: the score minus the runner-up's,
    the margin active learning looks at; ``None`` when the suggester has no runner-up)."""

    start: int
    end: int
    label: str
    origin: str
    entity_id: int | None = None
    score: float = 1.0
    gap: float | None = None

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass(slots=True)
class SuggestionCounts:
    """What :func:`write_suggestions` did: new suggestions per origin, the ids it wrote
    (an undo deletes them), and how many it left out because the layer already has a
    mention there (made, accepted, suggested or rejected)."""

    written: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    mention_ids: list[int] = field(default_factory=list)
    places: list[tuple[int, int, str]] = field(default_factory=list)  # of mention_ids

    def written_ids(self) -> dict[tuple[int, int, str], int]:
        """``(start, end, label)`` → the id of the suggestion written there."""
        return dict(zip(self.places, self.mention_ids, strict=True))

    @property
    def total(self) -> int:
        return sum(self.written.values())

    def add(self, other: SuggestionCounts) -> None:
        for origin, count in other.written.items():
            self.written[origin] = self.written.get(origin, 0) + count
        self.skipped += other.skipped
        self.mention_ids += other.mention_ids
        self.places += other.places
