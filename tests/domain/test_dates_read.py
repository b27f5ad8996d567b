"""Dates as people type them (publication dates, date attributes): 20.01.2022 and
20. januar 2022 were refused."""

from __future__ import annotations

import pytest

from akkord.domain.dates import PartialDate, PartialDateError, Precision


@pytest.mark.parametrize("typed", [
    "20.01.2022", "20.1.2022", " 20. 01. 2022 ", "20. januar 2022", "20 januar 2022",
    "20. jan. 2022", "20 Jan 2022", "20. JANUAR 2022", "January 20, 2022", "20 January 2022",
    "2022-01-20"])
def test_a_day(typed: str) -> None:
    found = PartialDate.read(typed)
    assert found.value == "2022-01-20" and found.precision is Precision.DAY
    assert PartialDate.parse(found.value) == found  # stored as the canonical value


@pytest.mark.parametrize("typed", ["januar 2022", "jan. 2022", "01.2022", "1.2022",
                                   "January 2022", "2022-01"])
def test_a_month(typed: str) -> None:
    assert PartialDate.read(typed) == PartialDate.month(2022, 1)


def test_every_canonical_value_still_reads() -> None:
    for value in ("2022-W03", "2022-Q1", "2019-SU", "2022", "2022-01-09/2022-01-10"):
        assert PartialDate.read(value) == PartialDate.parse(value)


@pytest.mark.parametrize(("typed", "says"), [
    ("31.02.2022", "not a valid date"), ("20. jaunar 2022", "'jaunar' is not a month"),
    ("13.2022", "month 13"), ("i går", "20.01.2022"), ("", "is not a date")])
def test_what_is_not_a_date_says_why(typed: str, says: str) -> None:
    with pytest.raises(PartialDateError, match=says):
        PartialDate.read(typed)
