"""The tagger's output: one time expression found in a text, placed on the calendar."""

from __future__ import annotations

from dataclasses import dataclass

from akkord.domain.dates import PartialDate

WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A time expression at ``text[start:end]`` (code-point offsets, ``end`` exclusive).

    ``date`` is ``None`` only when the expression cannot be placed at all (a relative
    expression in a text without a date). ``anchor`` says how it was placed: ``absolute``,
    ``dct``, ``past``, ``future``, ``nearest``, ``context`` or ``underspecified`` (see
    :mod:`akkord.timex.resolve`). ``weekday`` (0 = Monday) is kept whenever the text names
    one, so an underspecified "fredag" can be placed once the publication day is known.
    """

    start: int
    end: int
    text: str
    date: PartialDate | None
    anchor: str
    weekday: int | None = None

    @property
    def value(self) -> str | None:
        """The TIMEX3-style value (``2022-01-07``, ``2022-W04``, ``2019-SU``, ``A/B``)."""
        return self.date.value if self.date else None

    def as_dict(self) -> dict[str, str | int | None]:
        """A JSON-ready mapping; days as ``YYYY-MM-DD``, ``None`` where unknown."""
        date = self.date
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": date.value if date else None,
            "earliest": date.earliest.isoformat() if date else None,
            "latest": date.latest.isoformat() if date else None,
            "precision": date.precision.value if date else None,
            "anchor": self.anchor,
            "weekday": self.weekday,
        }
