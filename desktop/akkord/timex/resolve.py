"""Placing a :mod:`spec <akkord.timex.specs>` on the calendar, relative to the document date.

Conventions (the contract the tests pin down):

* **Weeks** are ISO weeks, Monday to Sunday ("neste uke" read on Thursday 2022-01-20 is
  ``2022-W04``, 24–30 January). Parts of a week are day intervals with precision ``day``:
  early = Monday–Wednesday, middle = Tuesday–Thursday, late = Thursday–Sunday
  ("slutten av neste uke" → ``2022-01-27/2022-01-30``).
* **Parts of a month** are thirds: days 1–10, 11–20, 21–end (precision ``day``);
  **parts of a year** are January–April, May–August, September–December (``month``).
* **Seasons** follow :mod:`akkord.domain.dates`: meteorological, and ``YYYY-WI`` is the
  winter that contains January of YYYY ("i vinter" in January 2022 is ``2022-WI``).
* **Tense rule** for expressions without a year or week ("fredag", "17. desember",
  "i høst", "i helgen"): of the possible placements, one that contains the document date
  wins whatever the tense (for a day of a month, the whole *month* counts, so a tense cue
  never moves a date of the publication month by a year); otherwise the nearest one
  before it (past tense), after it (future tense) or on either side (no cue; ties go to
  the future). So a bare weekday equal to the document's weekday is the document day.
* **Explicit words beat tense**: "kommende fredag" is the first Friday after the document
  day, "sist fredag"/"i fredags" the last one before it, "neste/forrige fredag" the
  Friday of the next/previous ISO week, "neste/forrige helg" likewise.
* **"om to uker"/"for to uker siden"** shift the document day and keep the unit's
  granularity (a week → the ISO week of the day reached; a month → that month).
* **"de neste ukene"** is the document's ISO week through the third week after it
  (``de neste to ukene``: through the second); "de siste ukene" the same backwards.
* **"over helgen"/"etter helgen"**: Norwegian *over* means after ("over nyttår"); the
  ISO week that follows the weekend the tense rule picks.
* **A document date coarser than a day** (``2022-01``): an expression whose placement
  depends on the day ("fredag", "i går", "neste uke") is *underspecified*: it is placed
  for the first and for the last possible day, and the result covers both, widened to
  whole months (usually just ``2022-01``; ``2022-01/2022-02`` when the last days of the
  month reach into February). Its anchor is ``underspecified``.

Anchors: ``absolute`` (the text gives the year), ``dct`` (counted from the document date
by the expression's own words: "i går", "neste uke", "kommende fredag"), ``past`` /
``future`` / ``nearest`` (placed by the tense rule), ``context`` (counted from an earlier
expression: "uken etter"), ``underspecified`` (depends on an unknown day, or there is no
document date at all; then the date is ``None``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from akkord.domain.dates import PartialDate, Precision
from akkord.timex.specs import (
    DaySpec,
    Direction,
    IsoWeekSpec,
    MonthSpec,
    MonthWeekSpec,
    Part,
    PartSpec,
    QuarterSpec,
    RangeSpec,
    RelativeDaySpec,
    RelativeMonthSpec,
    SeasonSpec,
    ShiftSpec,
    SpanSpec,
    Spec,
    WeekdayMode,
    WeekdaySpec,
    WeekendMode,
    WeekendSpec,
    WeekSpec,
    YearSpec,
)

ABSOLUTE = "absolute"
DCT = "dct"
CONTEXT = "context"
UNDERSPECIFIED = "underspecified"

Resolved = tuple[PartialDate | None, str]


@dataclass(frozen=True, slots=True)
class _Ctx:
    today: date            # the document day the expression is counted from
    span: tuple[date, date]  # the document date's whole interval (a month if only that)
    direction: Direction


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One possible placement of a free expression, and the interval it is compared by."""

    placed: PartialDate
    low: date
    high: date


# ----------------------------------------------------------------------------- public
def resolve(spec: Spec, dct: PartialDate | None,
            direction: Direction = Direction.NONE) -> Resolved:
    """Place ``spec`` relative to the document date ``dct``; returns (date, anchor).

    ``direction`` is the sentence's tense (see the module docstring). The date is
    ``None`` only when the expression cannot be placed at all (no document date for a
    relative expression, or a day that does not exist such as "29. februar" in 2023).
    """
    if not needs_dct(spec):
        today = dct.earliest if dct is not None else date(2000, 1, 1)
        return _resolve_at(spec, _Ctx(today, (today, today), direction))
    if dct is None:
        return None, UNDERSPECIFIED
    span = (dct.earliest, dct.latest)
    first = _resolve_at(spec, _Ctx(dct.earliest, span, direction))
    if dct.earliest == dct.latest:
        return first
    last = _resolve_at(spec, _Ctx(dct.latest, span, direction))
    if first == last:
        return first
    if first[0] is None or last[0] is None:
        return None, UNDERSPECIFIED
    low = min(first[0].earliest, last[0].earliest)
    high = max(first[0].latest, last[0].latest)
    return _months_covering(low, high), UNDERSPECIFIED


def needs_dct(spec: Spec) -> bool:
    """Whether placing ``spec`` needs the document date (False: the text says it all)."""
    match spec:
        case DaySpec() | MonthSpec() | QuarterSpec() | SeasonSpec() | YearSpec() | IsoWeekSpec():
            return spec.year is None
        case MonthWeekSpec():
            return needs_dct(spec.month)
        case PartSpec():
            return needs_dct(spec.inner)
        case RangeSpec():
            start, end = spec.start, spec.end
            if needs_dct(start) and needs_dct(end):
                return True
            # one end has a year: a free other end is placed relative to it
            return (needs_dct(start) and not _is_free(start)) or (
                needs_dct(end) and not _is_free(end))
        case _:
            return True


def _is_free(spec: Spec) -> bool:
    return _candidates(spec, date(2000, 1, 1)) is not None


# ------------------------------------------------------------------------- dispatching
def _resolve_at(spec: Spec, ctx: _Ctx) -> Resolved:
    candidates = _candidates(spec, ctx.today)
    if candidates is not None:
        span = ctx.span if _compares_by_document_span(spec) else (ctx.today, ctx.today)
        return _choose(candidates, span, ctx.direction), ctx.direction.value
    match spec:
        case DaySpec():
            return _day(spec, ctx)
        case MonthSpec():
            return _month(spec, ctx)
        case QuarterSpec():
            return _quarter(spec, ctx)
        case YearSpec():
            return _year(spec, ctx)
        case SeasonSpec():
            return _season(spec, ctx)
        case RelativeDaySpec():
            return PartialDate.day(ctx.today + timedelta(days=spec.offset)), DCT
        case WeekSpec():
            return _week(spec, ctx)
        case IsoWeekSpec():
            return _iso_week(spec)
        case MonthWeekSpec():
            return _month_week(spec, ctx)
        case RelativeMonthSpec():
            return _month_of(ctx.today + relativedelta(months=spec.offset)), DCT
        case WeekdaySpec():
            return _weekday(spec, ctx)
        case WeekendSpec():
            return _weekend(spec, ctx)
        case ShiftSpec():
            return _shift(spec, ctx)
        case SpanSpec():
            return _span(spec, ctx)
        case PartSpec():
            return _part(spec, ctx)
        case RangeSpec():
            return _range(spec, ctx)


def _compares_by_document_span(spec: Spec) -> bool:
    """Calendar periods compare with the whole document date; weekdays with its day."""
    return not isinstance(spec, WeekdaySpec | WeekendSpec)


def _candidates(spec: Spec, pivot: date) -> list[_Candidate] | None:
    """The possible placements of a *free* expression near ``pivot``; None if not free."""
    match spec:
        case DaySpec(year=None, year_offset=None):
            return _day_candidates(spec, pivot)
        case MonthSpec(year=None, year_offset=None):
            return _yearly(pivot, lambda y: PartialDate.month(y, spec.month))
        case SeasonSpec(year=None, year_offset=None, step=None):
            return _yearly(pivot, lambda y: PartialDate.season(y, spec.season))
        case QuarterSpec(year=None, year_offset=None):
            return _yearly(pivot, lambda y: PartialDate.quarter(y, spec.quarter))
        case IsoWeekSpec(year=None):
            return _iso_week_candidates(spec.week, pivot)
        case WeekdaySpec(mode=WeekdayMode.BARE):
            return _weekday_candidates(spec.weekday, pivot)
        case WeekendSpec(mode=WeekendMode.BARE, after=False):
            return _weekend_candidates(pivot)
        case _:
            return None


def _choose(candidates: list[_Candidate], span: tuple[date, date],
            direction: Direction) -> PartialDate | None:
    """The tense rule: containing the span wins; else nearest in ``direction``."""
    low, high = span
    for candidate in candidates:
        if candidate.low <= high and low <= candidate.high:
            return candidate.placed
    before = [c for c in candidates if c.high < low]
    after = [c for c in candidates if c.low > high]
    past = max(before, key=lambda c: c.high, default=None)
    future = min(after, key=lambda c: c.low, default=None)
    if past is None or future is None:
        chosen = past or future
    elif direction is Direction.PAST:
        chosen = past
    elif direction is Direction.FUTURE:
        chosen = future
    else:
        chosen = past if (low - past.high) < (future.low - high) else future
    return chosen.placed if chosen else None


# ------------------------------------------------------------------ candidate builders
def _yearly(pivot: date, build: Callable[[int], PartialDate]) -> list[_Candidate]:
    out = []
    for year in range(pivot.year - 2, pivot.year + 3):
        period = build(year)
        out.append(_Candidate(period, period.earliest, period.latest))
    return out


def _day_candidates(spec: DaySpec, pivot: date) -> list[_Candidate]:
    """A day of a month compares by its whole month (see the tense rule)."""
    out = []
    for year in range(pivot.year - 2, pivot.year + 3):
        day = _valid_day(year, spec.month, spec.day)
        if day is not None:
            month = PartialDate.month(year, spec.month)
            out.append(_Candidate(PartialDate.day(day), month.earliest, month.latest))
    return out


def _iso_week_candidates(week: int, pivot: date) -> list[_Candidate]:
    out = []
    for year in range(pivot.year - 1, pivot.year + 2):
        if week <= date(year, 12, 28).isocalendar().week:
            period = PartialDate.week(year, week)
            out.append(_Candidate(period, period.earliest, period.latest))
    return out


def _weekday_candidates(weekday: int, pivot: date) -> list[_Candidate]:
    out = []
    for shift in range(-14, 15):
        day = pivot + timedelta(days=shift)
        if day.weekday() == weekday:
            out.append(_Candidate(PartialDate.day(day), day, day))
    return out


def _weekend_candidates(pivot: date) -> list[_Candidate]:
    return [_Candidate(w, w.earliest, w.latest) for w in _weekends(pivot, range(-2, 3))]


def _weekends(pivot: date, weeks: range) -> list[PartialDate]:
    saturday = _monday(pivot) + timedelta(days=5)
    return [_days(saturday + timedelta(weeks=k), saturday + timedelta(weeks=k, days=1))
            for k in weeks]


# ----------------------------------------------------------------------- the handlers
def _day(spec: DaySpec, ctx: _Ctx) -> Resolved:
    year, anchor = _year_of(spec.year, spec.year_offset, ctx)
    day = _valid_day(year, spec.month, spec.day)
    return (PartialDate.day(day) if day else None), anchor


def _month(spec: MonthSpec, ctx: _Ctx) -> Resolved:
    year, anchor = _year_of(spec.year, spec.year_offset, ctx)
    return PartialDate.month(year, spec.month), anchor


def _quarter(spec: QuarterSpec, ctx: _Ctx) -> Resolved:
    year, anchor = _year_of(spec.year, spec.year_offset, ctx)
    return PartialDate.quarter(year, spec.quarter), anchor


def _year(spec: YearSpec, ctx: _Ctx) -> Resolved:
    if spec.year is not None:
        return PartialDate.year(spec.year), ABSOLUTE
    return PartialDate.year(ctx.today.year + spec.offset), DCT


def _season(spec: SeasonSpec, ctx: _Ctx) -> Resolved:
    if spec.step is None:
        year, anchor = _year_of(spec.year, spec.year_offset, ctx)
        return PartialDate.season(year, spec.season), anchor
    seasons = [PartialDate.season(y, spec.season)
               for y in range(ctx.today.year - 2, ctx.today.year + 3)]
    if spec.step > 0:
        return next(s for s in seasons if s.earliest > ctx.today), DCT
    return next(s for s in reversed(seasons) if s.latest < ctx.today), DCT


def _week(spec: WeekSpec, ctx: _Ctx) -> Resolved:
    if not spec.after:
        return PartialDate.week_of(ctx.today + timedelta(weeks=spec.offset)), DCT
    if spec.ref is None:  # "uken etter" with nothing before it: the week after next
        return PartialDate.week_of(ctx.today + timedelta(weeks=spec.offset + 1)), DCT
    ref, _ = _resolve_at(spec.ref.spec, replace(ctx, direction=spec.ref.direction))
    if ref is None:
        return None, CONTEXT
    return PartialDate.week_of(ref.latest + timedelta(weeks=spec.offset)), CONTEXT


def _iso_week(spec: IsoWeekSpec) -> Resolved:
    if spec.year is None or spec.week > date(spec.year, 12, 28).isocalendar().week:
        return None, ABSOLUTE
    return PartialDate.week(spec.year, spec.week), ABSOLUTE


def _month_week(spec: MonthWeekSpec, ctx: _Ctx) -> Resolved:
    """ISO weeks belong to the month that holds their Thursday (as weeks do to years)."""
    month, anchor = _resolve_at(spec.month, ctx)
    if month is None:
        return None, anchor
    first_thursday = month.earliest + timedelta(days=(3 - month.earliest.weekday()) % 7)
    last_thursday = month.latest - timedelta(days=(month.latest.weekday() - 3) % 7)
    if spec.ordinal < 0:
        thursday = last_thursday + timedelta(weeks=spec.ordinal + 1)
    else:
        thursday = first_thursday + timedelta(weeks=spec.ordinal - 1)
    return PartialDate.week_of(thursday), anchor


def _weekday(spec: WeekdaySpec, ctx: _Ctx) -> Resolved:
    today, weekday = ctx.today, spec.weekday
    if spec.mode is WeekdayMode.COMING:
        return PartialDate.day(today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)), DCT
    if spec.mode is WeekdayMode.LAST:
        return PartialDate.day(today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)), DCT
    week, anchor = _resolve_at(spec.week or WeekSpec(0), ctx)
    if week is None:
        return None, anchor
    return PartialDate.day(week.earliest + timedelta(days=weekday)), anchor


def _weekend(spec: WeekendSpec, ctx: _Ctx) -> Resolved:
    today = ctx.today
    if spec.mode is WeekendMode.BARE:
        weekend = _choose(_weekend_candidates(today), (today, today), ctx.direction)
        anchor = ctx.direction.value
    else:
        weekends = _weekends(today, range(-2, 3))
        weekend = {
            WeekendMode.THIS: weekends[2],
            WeekendMode.NEXT: weekends[3],
            WeekendMode.PREVIOUS: weekends[1],
            WeekendMode.COMING: next(w for w in weekends if w.earliest > today),
            WeekendMode.LAST: next(w for w in reversed(weekends) if w.latest < today),
        }[spec.mode]
        anchor = DCT
    if weekend is not None and spec.after:
        weekend = PartialDate.week_of(weekend.latest + timedelta(days=1))
    return weekend, anchor


def _shift(spec: ShiftSpec, ctx: _Ctx) -> Resolved:
    today, n = ctx.today, spec.amount
    if spec.unit == "day":
        return PartialDate.day(today + timedelta(days=n)), DCT
    if spec.unit == "week":
        return PartialDate.week_of(today + timedelta(weeks=n)), DCT
    if spec.unit == "month":
        return _month_of(today + relativedelta(months=n)), DCT
    return PartialDate.year(today.year + n), DCT


def _span(spec: SpanSpec, ctx: _Ctx) -> Resolved:
    today, reach = ctx.today, spec.count * spec.sign
    if spec.unit == "week":
        here = PartialDate.week_of(today)
        there = PartialDate.week_of(today + timedelta(weeks=reach))
    else:
        here, there = _month_of(today), _month_of(today + relativedelta(months=reach))
    first, last = (here, there) if reach >= 0 else (there, here)
    return PartialDate.interval(first, last), DCT


def _part(spec: PartSpec, ctx: _Ctx) -> Resolved:
    whole, anchor = _resolve_at(spec.inner, ctx)
    if whole is None:
        return None, anchor
    return _part_of(whole, spec.part), anchor


def _part_of(whole: PartialDate, part: Part) -> PartialDate:
    start = whole.earliest
    if whole.precision is Precision.WEEK:
        first, last = {Part.EARLY: (0, 2), Part.MID: (1, 3), Part.LATE: (3, 6)}[part]
        return _days(start + timedelta(days=first), start + timedelta(days=last))
    if whole.precision is Precision.MONTH and whole.days <= 31:
        if part is Part.EARLY:
            return _days(start, start.replace(day=10))
        if part is Part.MID:
            return _days(start.replace(day=11), start.replace(day=20))
        return _days(start.replace(day=21), whole.latest)
    if whole.precision is Precision.YEAR:
        first_month = {Part.EARLY: 1, Part.MID: 5, Part.LATE: 9}[part]
        return PartialDate.interval(PartialDate.month(start.year, first_month),
                                    PartialDate.month(start.year, first_month + 3))
    return whole


def _range(spec: RangeSpec, ctx: _Ctx) -> Resolved:
    """Both ends; a free end is placed relative to the other, so the range runs forwards."""
    start_free = _candidates(spec.start, ctx.today) is not None
    end_free = _candidates(spec.end, ctx.today) is not None
    if start_free and not end_free:
        end, anchor = _resolve_at(spec.end, ctx)
        start = _not_after(spec.start, end.latest) if end else None
    else:
        start, anchor = _resolve_at(spec.start, ctx)
        if start is None:
            return None, anchor
        if end_free:
            end = _not_before(spec.end, start.earliest)
        else:
            end, end_anchor = _resolve_at(spec.end, ctx)
            anchor = anchor if anchor != ABSOLUTE else end_anchor
    if start is None or end is None or end.latest < start.latest:
        return None, anchor
    return PartialDate.interval(start, end), anchor


def _not_before(spec: Spec, lower: date) -> PartialDate | None:
    candidates = sorted(_candidates(spec, lower) or [], key=lambda c: c.placed.earliest)
    return next((c.placed for c in candidates if c.placed.earliest >= lower), None)


def _not_after(spec: Spec, upper: date) -> PartialDate | None:
    candidates = sorted(_candidates(spec, upper) or [], key=lambda c: c.placed.latest)
    return next((c.placed for c in reversed(candidates) if c.placed.latest <= upper), None)


# ---------------------------------------------------------------------------- helpers
def _year_of(year: int | None, offset: int | None, ctx: _Ctx) -> tuple[int, str]:
    if year is not None:
        return year, ABSOLUTE
    return ctx.today.year + (offset or 0), DCT


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _days(first: date, last: date) -> PartialDate:
    return PartialDate.interval(PartialDate.day(first), PartialDate.day(last))


def _month_of(day: date) -> PartialDate:
    return PartialDate.month(day.year, day.month)


def _months_covering(low: date, high: date) -> PartialDate:
    return PartialDate.interval(PartialDate.month(low.year, low.month),
                                PartialDate.month(high.year, high.month))
