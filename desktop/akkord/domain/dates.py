"""Partial dates: what a news text actually says about *when*.

An article rarely gives a day. "januar 2022" is a month, "neste uke" a week, "sommeren
2019" a season. A :class:`PartialDate` keeps what is known as an interval of days
(``earliest`` … ``latest``, both inclusive), the granularity it was stated in
(``precision``) and a TIMEX3-style ``value`` string (``2022-01-12``, ``2022-W02``,
``2022-01``, ``2019-SU``, ``2022-Q1``, ``2022``, or ``A/B`` for an interval such as
"9. og 10. januar" → ``2022-01-09/2022-01-10``).

Contract: ``PartialDate.parse(d.value) == d`` for every date built by this module, so
the value string alone is a lossless storage form (plus ``certainty``).

Seasons follow the meteorological calendar of the northern hemisphere: spring is
March–May, summer June–August, autumn September–November and ``YYYY-WI`` is the winter
that *contains January of YYYY* (1 December of YYYY-1 to the end of February of YYYY),
so "i vinter" said in January 2022 and "vinteren 2022" both mean ``2022-WI``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from akkord.errors import AkkordError


class Precision(StrEnum):
    """Granularity in which a date was stated, finest first."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SEASON = "season"
    QUARTER = "quarter"
    YEAR = "year"


class Certainty(StrEnum):
    """How sure the source (or the annotator) is of the date."""

    CERTAIN = "certain"
    PROBABLE = "probable"
    POSSIBLE = "possible"


SEASONS = ("SP", "SU", "FA", "WI")
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11)}

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")


# How people write a day or a month (PartialDate.read): 20.01.2022, 20. januar 2022, …
_DOTTED_DAY = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$")
_NAMED_DAY = re.compile(r"^(\d{1,2})\.?\s?([^\W\d_]+)\.?,?\s(\d{4})$")
_NAMED_DAY_EN = re.compile(r"^([^\W\d_]+)\.?\s(\d{1,2})(?:st|nd|rd|th)?,?\s(\d{4})$")
_NAMED_MONTH = re.compile(r"^([^\W\d_]+)\.?\s(\d{4})$")
_DOTTED_MONTH = re.compile(r"^(\d{1,2})[.](\d{4})$")
MONTH_NAMES = {
    **{name: n for n, name in enumerate(
        ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
         "oktober", "november", "desember"), start=1)},
    **{name: n for n, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"), start=1)},
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "oct": 10, "nov": 11, "des": 12, "dec": 12,
}
READ_EXAMPLES = ("2022-01-20, 20.01.2022, 20. januar 2022, januar 2022 or 2022-01 (a month), "
                 "2022-W03 (a week), 2022-Q1, 2019-SU, 2022, or an interval A/B")


class PartialDateError(AkkordError, ValueError):
    """A value string or interval that is not a valid partial date."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, slots=True)
class PartialDate:
    """An interval of days known to contain the event, with the precision it was given in."""

    earliest: date
    latest: date
    precision: Precision
    value: str
    certainty: Certainty = Certainty.CERTAIN

    def __post_init__(self) -> None:
        if self.earliest > self.latest:
            raise PartialDateError(
                f"earliest day {self.earliest} is after latest day {self.latest} ({self.value})"
            )

    # -- constructors -------------------------------------------------------------
    @classmethod
    def day(cls, d: date) -> PartialDate:
        return cls(d, d, Precision.DAY, d.isoformat())

    @classmethod
    def month(cls, year: int, month: int) -> PartialDate:
        return cls(date(year, month, 1), _month_end(year, month), Precision.MONTH,
                   f"{year:04d}-{month:02d}")

    @classmethod
    def year(cls, year: int) -> PartialDate:
        return cls(date(year, 1, 1), date(year, 12, 31), Precision.YEAR, f"{year:04d}")

    @classmethod
    def week(cls, year: int, week: int) -> PartialDate:
        """ISO week ``week`` of ISO year ``year`` (Monday to Sunday)."""
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise PartialDateError(f"{year}-W{week:02d} is not an ISO week") from exc
        return cls(monday, monday + timedelta(days=6), Precision.WEEK, f"{year:04d}-W{week:02d}")

    @classmethod
    def week_of(cls, d: date) -> PartialDate:
        iso = d.isocalendar()
        return cls.week(iso.year, iso.week)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> PartialDate:
        if not 1 <= quarter <= 4:
            raise PartialDateError(f"quarter {quarter} is not 1-4")
        first = 3 * quarter - 2
        return cls(date(year, first, 1), _month_end(year, first + 2), Precision.QUARTER,
                   f"{year:04d}-Q{quarter}")

    @classmethod
    def season(cls, year: int, season: str) -> PartialDate:
        if season == "WI":
            return cls(date(year - 1, 12, 1), _month_end(year, 2), Precision.SEASON,
                       f"{year:04d}-WI")
        if season not in _SEASON_MONTHS:
            raise PartialDateError(f"season {season!r} is not one of {', '.join(SEASONS)}")
        first, last = _SEASON_MONTHS[season]
        return cls(date(year, first, 1), _month_end(year, last), Precision.SEASON,
                   f"{year:04d}-{season}")

    @classmethod
    def interval(cls, start: PartialDate, end: PartialDate) -> PartialDate:
        """From the start of ``start`` to the end of ``end`` ("fra 9. til 12. januar")."""
        if start == end:
            return start
        precision = max(start.precision, end.precision, key=_PRECISION_ORDER.index)
        return cls(start.earliest, end.latest, precision, f"{start.value}/{end.value}")

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        """Read a TIMEX3-style value; raises :class:`PartialDateError` with the reason."""
        text = value.strip()
        if "/" in text:
            left, _, right = text.partition("/")
            start, end = cls.parse(left), cls.parse(right)
            if start.earliest > end.latest:
                raise PartialDateError(f"interval {value!r} ends before it starts")
            return cls.interval(start, end)
        try:
            return cls._parse_single(text)
        except ValueError as exc:  # date() rejects 2022-02-30 and the like
            if isinstance(exc, PartialDateError):
                raise
            raise PartialDateError(f"{value!r} is not a valid date: {exc}") from exc

    @classmethod
    def read(cls, text: str) -> PartialDate:
        """A date as a person types it: every value :meth:`parse` reads, and the usual
        Norwegian (and English) ways of writing a day or a month — ``20.01.2022``,
        ``20.1.2022``, ``20. januar 2022``, ``20 jan. 2022``, ``January 20, 2022``,
        ``januar 2022``, ``01.2022``. The result carries the canonical value
        (``2022-01-20``), so what is stored is always what :meth:`parse` reads back.
        Raises :class:`PartialDateError` saying what was not understood and what is.
        """
        cleaned = " ".join(text.split())
        try:
            return cls.parse(cleaned)
        except PartialDateError:
            pass
        try:
            found = cls._read_written(cleaned.casefold())
        except ValueError as exc:  # 31.02.2022: a date that does not exist
            raise PartialDateError(f"{text.strip()!r} is not a valid date: {exc}") from exc
        if found is None:
            raise PartialDateError(f"{text.strip()!r} is not a date (write e.g. "
                                   f"{READ_EXAMPLES})")
        return found

    @classmethod
    def _read_written(cls, text: str) -> PartialDate | None:
        def month(name: str) -> int:
            if name not in MONTH_NAMES:
                raise ValueError(f"{name!r} is not a month")
            return MONTH_NAMES[name]

        if m := _DOTTED_DAY.match(text):
            return cls.day(date(int(m[3]), int(m[2]), int(m[1])))
        if m := _NAMED_DAY.match(text):
            return cls.day(date(int(m[3]), month(m[2]), int(m[1])))
        if m := _NAMED_DAY_EN.match(text):
            return cls.day(date(int(m[3]), month(m[1]), int(m[2])))
        if m := _NAMED_MONTH.match(text):
            return cls.month(int(m[2]), month(m[1]))
        if m := _DOTTED_MONTH.match(text):
            number = int(m[1])
            if not 1 <= number <= 12:
                raise ValueError(f"month {number} is not 1-12")
            return cls.month(int(m[2]), number)
        return None

    @classmethod
    def _parse_single(cls, text: str) -> PartialDate:
        if m := _DAY.match(text):
            return cls.day(date(int(m[1]), int(m[2]), int(m[3])))
        if m := _MONTH.match(text):
            return cls.month(int(m[1]), int(m[2]))
        if m := _YEAR.match(text):
            return cls.year(int(m[1]))
        if m := _WEEK.match(text):
            return cls.week(int(m[1]), int(m[2]))
        if m := _QUARTER.match(text):
            return cls.quarter(int(m[1]), int(m[2]))
        if m := _SEASON.match(text):
            return cls.season(int(m[1]), m[2])
        raise PartialDateError(
            f"{text!r} is not a date value (expected e.g. 2022-01-12, 2022-W02, 2022-01, "
            "2022-Q1, 2019-SU, 2022 or an interval A/B)"
        )

    # -- queries ------------------------------------------------------------------
    @property
    def is_day(self) -> bool:
        return self.precision is Precision.DAY and self.earliest == self.latest

    @property
    def days(self) -> int:
        """Number of days in the interval (1 for a single day)."""
        return (self.latest - self.earliest).days + 1

    def contains(self, d: date) -> bool:
        return self.earliest <= d <= self.latest

    def overlaps(self, other: PartialDate) -> bool:
        return self.earliest <= other.latest and other.earliest <= self.latest

    def with_certainty(self, certainty: Certainty) -> PartialDate:
        return replace(self, certainty=certainty)

    def __str__(self) -> str:
        return self.value


_PRECISION_ORDER = list(Precision)
