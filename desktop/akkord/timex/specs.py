"""What a time expression *says*, before it is placed on the calendar.

The tagger turns matched text into one of these small frozen values; :mod:`.resolve`
places it relative to the document's date. Keeping the two apart means the same
expression can be re-resolved when the annotator corrects the publication date, and the
rules for placing (tense, ISO weeks, seasons) live in one module.

A field named ``year`` is an explicit year from the text; ``year_offset`` a year relative
to the document's ("i fjor" = -1); when both are ``None`` the year is *free* and is
chosen by the tense rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    """Which way the sentence's tense points from the document date."""

    PAST = "past"
    FUTURE = "future"
    NONE = "nearest"


class Part(StrEnum):
    """A part of a week, month or year ("tidlig i", "midten av", "slutten av")."""

    EARLY = "early"
    MID = "mid"
    LATE = "late"


class WeekdayMode(StrEnum):
    BARE = "bare"          # "fredag", "på fredag": the tense rule decides
    COMING = "coming"      # "kommende fredag": the first one after the document date
    LAST = "last"          # "sist fredag", "i fredags": the last one before it
    IN_WEEK = "in_week"    # "forrige onsdag", "onsdag neste uke": a day of a given week


class WeekendMode(StrEnum):
    BARE = "bare"          # "i helgen": the tense rule decides
    THIS = "this"          # "denne helgen": the weekend of the document's week
    NEXT = "next"          # "neste helg"
    PREVIOUS = "previous"  # "forrige helg"
    COMING = "coming"      # "kommende helg"
    LAST = "last"          # "sist helg"


@dataclass(frozen=True, slots=True)
class DaySpec:
    """A day of a month: "12. januar", "12. januar 2022", "17. desember i fjor"."""

    day: int
    month: int
    year: int | None = None
    year_offset: int | None = None


@dataclass(frozen=True, slots=True)
class MonthSpec:
    """A month: "januar 2022", "i mai", "oktober i fjor"."""

    month: int
    year: int | None = None
    year_offset: int | None = None


@dataclass(frozen=True, slots=True)
class YearSpec:
    """A year: "i 2021" (``year``) or "i fjor", "i år", "neste år" (``offset``)."""

    year: int | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class SeasonSpec:
    """A season (``SP``, ``SU``, ``FA``, ``WI`` as in :mod:`akkord.domain.dates`).

    ``step``: +1 "neste sommer", -1 "forrige/sist sommer", ``None`` when the year is
    explicit, relative, or free ("i høst", "sommeren").
    """

    season: str
    year: int | None = None
    year_offset: int | None = None
    step: int | None = None


@dataclass(frozen=True, slots=True)
class QuarterSpec:
    """A quarter: "første kvartal 2022", "i tredje kvartal"."""

    quarter: int
    year: int | None = None
    year_offset: int | None = None


@dataclass(frozen=True, slots=True)
class RelativeDaySpec:
    """A day counted from the document date: "i dag" 0, "i går" -1, "i morgen" +1."""

    offset: int


@dataclass(frozen=True, slots=True)
class Ref:
    """Another expression of the same text that a relative one counts from, with its tense."""

    spec: Spec
    direction: Direction


@dataclass(frozen=True, slots=True)
class WeekSpec:
    """An ISO week relative to the document's week: "neste uke" +1, "forrige uke" -1.

    ``after``: "uken etter" — the week after the week of ``ref`` (the nearest earlier
    day- or week-level expression in the paragraph); without one, the week after next.
    """

    offset: int
    after: bool = False
    ref: Ref | None = None


@dataclass(frozen=True, slots=True)
class IsoWeekSpec:
    """A numbered ISO week: "uke 3", "uke 3 2022"."""

    week: int
    year: int | None = None


@dataclass(frozen=True, slots=True)
class MonthWeekSpec:
    """The n-th week of a month ("første uke i februar"; ``ordinal`` -1 = "siste").

    ``month`` is a :class:`MonthSpec` or a :class:`RelativeMonthSpec` ("neste måned").
    """

    ordinal: int
    month: MonthSpec | RelativeMonthSpec


@dataclass(frozen=True, slots=True)
class RelativeMonthSpec:
    """A month relative to the document's: "neste måned" +1, "denne måneden" 0."""

    offset: int


@dataclass(frozen=True, slots=True)
class WeekdaySpec:
    """A named weekday (0 = Monday), placed according to ``mode``."""

    weekday: int
    mode: WeekdayMode = WeekdayMode.BARE
    week: WeekSpec | None = None


@dataclass(frozen=True, slots=True)
class WeekendSpec:
    """Saturday and Sunday; ``after`` for "over/etter helgen" (the week that follows)."""

    mode: WeekendMode = WeekendMode.BARE
    after: bool = False


@dataclass(frozen=True, slots=True)
class ShiftSpec:
    """A distance from the document date: "om to uker" (+2 weeks), "for tre dager siden"."""

    amount: int
    unit: str  # "day", "week", "month" or "year"


@dataclass(frozen=True, slots=True)
class SpanSpec:
    """"de neste ukene" / "de siste månedene": the document's week or month and
    ``count`` more of them forwards (``sign`` +1) or backwards (-1)."""

    count: int
    sign: int
    unit: str  # "week" or "month"


@dataclass(frozen=True, slots=True)
class PartSpec:
    """A part of a week, month or year: "slutten av neste uke", "midten av januar"."""

    part: Part
    inner: Spec


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """From the start of one expression to the end of another: "fra 9. til 12. januar"."""

    start: Spec
    end: Spec


Spec = (
    DaySpec | MonthSpec | YearSpec | SeasonSpec | QuarterSpec | RelativeDaySpec | WeekSpec
    | IsoWeekSpec | MonthWeekSpec | RelativeMonthSpec | WeekdaySpec | WeekendSpec | ShiftSpec
    | SpanSpec | PartSpec | RangeSpec
)
