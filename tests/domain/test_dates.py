"""Partial dates: values, intervals of days, precision."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from akkord.domain.dates import Certainty, PartialDate, PartialDateError, Precision


@pytest.mark.parametrize(("value", "earliest", "latest", "precision"), [
    ("2022-01-12", date(2022, 1, 12), date(2022, 1, 12), Precision.DAY),
    ("2022-01", date(2022, 1, 1), date(2022, 1, 31), Precision.MONTH),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), Precision.MONTH),
    ("2022-W02", date(2022, 1, 10), date(2022, 1, 16), Precision.WEEK),
    ("2022-W52", date(2022, 12, 26), date(2023, 1, 1), Precision.WEEK),
    ("2019-SU", date(2019, 6, 1), date(2019, 8, 31), Precision.SEASON),
    ("2022-WI", date(2021, 12, 1), date(2022, 2, 28), Precision.SEASON),
    ("2021-FA", date(2021, 9, 1), date(2021, 11, 30), Precision.SEASON),
    ("2022-Q1", date(2022, 1, 1), date(2022, 3, 31), Precision.QUARTER),
    ("2021", date(2021, 1, 1), date(2021, 12, 31), Precision.YEAR),
    ("2022-01-09/2022-01-10", date(2022, 1, 9), date(2022, 1, 10), Precision.DAY),
    ("2022-01-28/2022-W05", date(2022, 1, 28), date(2022, 2, 6), Precision.WEEK),
])
def test_values_parse_to_intervals(value: str, earliest: date, latest: date,
                                   precision: Precision) -> None:
    parsed = PartialDate.parse(value)
    assert (parsed.earliest, parsed.latest, parsed.precision, parsed.value) == (
        earliest, latest, precision, value)


@pytest.mark.parametrize("value", ["2022-13", "2022-02-30", "2022-W54", "januar", "2022-XX",
                                   "2022-01-12/2022-01-01", "", "22-01-12"])
def test_invalid_values_are_refused_with_a_reason(value: str) -> None:
    with pytest.raises(PartialDateError) as caught:
        PartialDate.parse(value)
    assert str(caught.value)


def test_earliest_after_latest_is_refused() -> None:
    with pytest.raises(PartialDateError, match="after"):
        PartialDate(date(2022, 2, 1), date(2022, 1, 1), Precision.DAY, "x")


def test_queries() -> None:
    month = PartialDate.month(2022, 1)
    assert month.contains(date(2022, 1, 31)) and not month.contains(date(2022, 2, 1))
    assert month.overlaps(PartialDate.week(2022, 5))  # 31 Jan – 6 Feb
    assert month.days == 31 and PartialDate.day(date(2022, 1, 7)).is_day
    assert PartialDate.week_of(date(2022, 1, 20)).value == "2022-W03"
    assert month.with_certainty(Certainty.PROBABLE).certainty is Certainty.PROBABLE


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["day", "week", "month", "quarter", "year", "SP", "SU", "FA", "WI"]))
def test_value_is_a_lossless_storage_form(day: date, unit: str) -> None:
    built = {
        "day": lambda: PartialDate.day(day), "week": lambda: PartialDate.week_of(day),
        "month": lambda: PartialDate.month(day.year, day.month),
        "quarter": lambda: PartialDate.quarter(day.year, (day.month - 1) // 3 + 1),
        "year": lambda: PartialDate.year(day.year),
    }.get(unit, lambda: PartialDate.season(day.year, unit))()
    assert PartialDate.parse(built.value) == built
    if unit in ("day", "week", "month", "quarter", "year"):
        assert built.contains(day)
