"""Placing specs directly: the conventions of :mod:`akkord.timex.resolve`."""

from __future__ import annotations

import pytest

from akkord.domain.dates import PartialDate
from akkord.timex import Direction, needs_dct, resolve
from akkord.timex.specs import (
    DaySpec,
    IsoWeekSpec,
    MonthSpec,
    MonthWeekSpec,
    Part,
    PartSpec,
    QuarterSpec,
    RangeSpec,
    Ref,
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

THU = PartialDate.parse("2022-01-20")
JAN = PartialDate.parse("2022-01")


def _value(spec: Spec, dct: PartialDate | None = THU,
           direction: Direction = Direction.NONE) -> str | None:
    placed, _ = resolve(spec, dct, direction)
    return placed.value if placed else None


@pytest.mark.parametrize(("spec", "direction", "value"), [
    pytest.param(WeekdaySpec(4), Direction.NONE, "2022-01-21", id="friday-nearest"),
    pytest.param(WeekdaySpec(4), Direction.PAST, "2022-01-14", id="friday-past"),
    pytest.param(WeekdaySpec(0), Direction.NONE, "2022-01-17", id="monday-nearest-is-past"),
    pytest.param(WeekdaySpec(0), Direction.FUTURE, "2022-01-24", id="monday-future"),
    pytest.param(WeekdaySpec(3), Direction.FUTURE, "2022-01-20", id="same-day-future"),
    pytest.param(WeekdaySpec(3), Direction.PAST, "2022-01-20", id="same-day-past"),
    pytest.param(WeekdaySpec(3, WeekdayMode.COMING), Direction.NONE, "2022-01-27",
                 id="coming-same-day"),
    pytest.param(WeekdaySpec(3, WeekdayMode.LAST), Direction.NONE, "2022-01-13",
                 id="last-same-day"),
    pytest.param(WeekdaySpec(2, WeekdayMode.IN_WEEK, WeekSpec(-1)), Direction.FUTURE,
                 "2022-01-12", id="forrige-ignores-tense"),
    pytest.param(DaySpec(17, 12), Direction.FUTURE, "2022-12-17", id="december-future"),
    pytest.param(DaySpec(17, 12), Direction.NONE, "2021-12-17", id="december-nearest"),
    pytest.param(DaySpec(25, 1), Direction.PAST, "2022-01-25", id="own-month-beats-tense"),
    pytest.param(DaySpec(29, 2), Direction.NONE, "2020-02-29", id="leap-day-nearest-year"),
    pytest.param(DaySpec(17, 12, year_offset=-1), Direction.FUTURE, "2021-12-17",
                 id="i-fjor-beats-tense"),
    pytest.param(MonthSpec(7), Direction.NONE, "2022-07", id="july-tie-goes-forward"),
    pytest.param(MonthSpec(6), Direction.NONE, "2022-06", id="june-nearest"),
    pytest.param(MonthSpec(8), Direction.NONE, "2021-08", id="august-nearest"),
    pytest.param(SeasonSpec("WI"), Direction.PAST, "2022-WI", id="winter-contains-dct"),
    pytest.param(SeasonSpec("FA"), Direction.NONE, "2021-FA", id="autumn-nearest"),
    pytest.param(SeasonSpec("SU", step=1), Direction.PAST, "2022-SU", id="next-summer"),
    pytest.param(SeasonSpec("WI", step=1), Direction.NONE, "2023-WI", id="next-winter"),
    pytest.param(SeasonSpec("WI", step=-1), Direction.NONE, "2021-WI", id="last-winter"),
    pytest.param(SeasonSpec("SU", year_offset=-1), Direction.NONE, "2021-SU",
                 id="summer-last-year"),
    pytest.param(QuarterSpec(3), Direction.PAST, "2021-Q3", id="quarter-past"),
    pytest.param(YearSpec(offset=-1), Direction.FUTURE, "2021", id="i-fjor"),
    pytest.param(RelativeDaySpec(-1), Direction.NONE, "2022-01-19", id="i-gaar"),
    pytest.param(WeekSpec(1), Direction.NONE, "2022-W04", id="neste-uke"),
    pytest.param(WeekSpec(1, after=True), Direction.NONE, "2022-W05", id="uken-etter-alone"),
    pytest.param(WeekSpec(1, after=True, ref=Ref(WeekSpec(-1), Direction.NONE)),
                 Direction.NONE, "2022-W03", id="uken-etter-forrige-uke"),
    pytest.param(IsoWeekSpec(52), Direction.NONE, "2021-W52", id="iso-week-nearest"),
    pytest.param(IsoWeekSpec(53, 2020), Direction.NONE, "2020-W53", id="iso-week-53"),
    pytest.param(MonthWeekSpec(1, MonthSpec(2)), Direction.NONE, "2022-W05",
                 id="first-week-of-february"),
    pytest.param(MonthWeekSpec(-1, MonthSpec(1)), Direction.NONE, "2022-W04",
                 id="last-week-of-january"),
    pytest.param(MonthWeekSpec(1, RelativeMonthSpec(1)), Direction.NONE, "2022-W05",
                 id="first-week-next-month"),
    pytest.param(RelativeMonthSpec(-1), Direction.NONE, "2021-12", id="forrige-maaned"),
    pytest.param(PartSpec(Part.LATE, WeekSpec(1)), Direction.NONE, "2022-01-27/2022-01-30",
                 id="late-next-week"),
    pytest.param(PartSpec(Part.EARLY, WeekSpec(0)), Direction.NONE, "2022-01-17/2022-01-19",
                 id="early-this-week"),
    pytest.param(PartSpec(Part.MID, MonthSpec(1)), Direction.NONE, "2022-01-11/2022-01-20",
                 id="mid-january"),
    pytest.param(PartSpec(Part.LATE, MonthSpec(2)), Direction.NONE, "2022-02-21/2022-02-28",
                 id="late-february"),
    pytest.param(PartSpec(Part.EARLY, YearSpec(2021)), Direction.NONE, "2021-01/2021-04",
                 id="early-2021"),
    pytest.param(WeekendSpec(), Direction.PAST, "2022-01-15/2022-01-16", id="weekend-past"),
    pytest.param(WeekendSpec(WeekendMode.NEXT), Direction.NONE, "2022-01-29/2022-01-30",
                 id="neste-helg"),
    pytest.param(WeekendSpec(WeekendMode.LAST), Direction.NONE, "2022-01-15/2022-01-16",
                 id="sist-helg"),
    pytest.param(WeekendSpec(after=True), Direction.NONE, "2022-W04", id="over-helgen"),
    pytest.param(ShiftSpec(-2, "week"), Direction.NONE, "2022-W01", id="two-weeks-ago"),
    pytest.param(ShiftSpec(1, "month"), Direction.NONE, "2022-02", id="in-a-month"),
    pytest.param(ShiftSpec(-20, "year"), Direction.NONE, "2002", id="twenty-years-ago"),
    pytest.param(SpanSpec(2, 1, "week"), Direction.NONE, "2022-W03/2022-W05",
                 id="the-next-two-weeks"),
    pytest.param(SpanSpec(3, -1, "month"), Direction.NONE, "2021-10/2022-01",
                 id="the-last-three-months"),
    pytest.param(RangeSpec(DaySpec(30, 12), DaySpec(2, 1)), Direction.FUTURE,
                 "2022-12-30/2023-01-02", id="range-free-end-follows-start"),
    pytest.param(RangeSpec(WeekdaySpec(0), WeekdaySpec(2)), Direction.PAST,
                 "2022-01-17/2022-01-19", id="weekday-range-past"),
])
def test_resolve(spec: Spec, direction: Direction, value: str) -> None:
    assert _value(spec, THU, direction) == value


def test_week_over_the_year_boundary() -> None:
    assert _value(WeekSpec(1), PartialDate.parse("2020-12-30")) == "2021-W01"
    assert _value(WeekSpec(-1), PartialDate.parse("2021-01-05")) == "2020-W53"
    assert _value(WeekSpec(0), PartialDate.parse("2022-01-01")) == "2021-W52"


def test_anchors() -> None:
    assert resolve(DaySpec(12, 1, 2022), THU)[1] == "absolute"
    assert resolve(WeekSpec(1), THU)[1] == "dct"
    assert resolve(WeekdaySpec(4), THU, Direction.PAST)[1] == "past"
    assert resolve(WeekdaySpec(4), THU)[1] == "nearest"
    ref = Ref(WeekSpec(1), Direction.NONE)
    assert resolve(WeekSpec(1, after=True, ref=ref), THU)[1] == "context"


def test_month_dct_spans_the_possible_days_in_whole_months() -> None:
    placed, anchor = resolve(WeekdaySpec(4), JAN)
    assert anchor == "underspecified"
    assert placed == PartialDate.parse("2021-12/2022-01")
    placed, anchor = resolve(RelativeDaySpec(0), JAN)
    assert (placed, anchor) == (PartialDate.month(2022, 1), "underspecified")
    # not underspecified: the text and the month say it all
    assert resolve(YearSpec(offset=-1), JAN) == (PartialDate.year(2021), "dct")
    assert resolve(DaySpec(17, 12), JAN, Direction.PAST)[0] == PartialDate.parse("2021-12-17")
    assert resolve(DaySpec(12, 1), JAN, Direction.PAST)[0] == PartialDate.parse("2022-01-12")


def test_no_dct() -> None:
    assert resolve(WeekSpec(1), None) == (None, "underspecified")
    assert resolve(DaySpec(12, 1), None) == (None, "underspecified")
    assert resolve(SeasonSpec("SU", 2019), None) == (PartialDate.parse("2019-SU"), "absolute")
    assert not needs_dct(RangeSpec(DaySpec(28, 12), DaySpec(2, 1, 2022)))
    assert needs_dct(RangeSpec(YearSpec(2014), RelativeDaySpec(0)))


def test_impossible_day_cannot_be_placed() -> None:
    assert resolve(DaySpec(29, 2, 2023), THU) == (None, "absolute")
    assert _value(IsoWeekSpec(53, 2022)) is None
