"""Properties of the tagger as a whole: spans, overlaps, missing dates, ranges, speed-up."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akkord.domain.dates import PartialDate
from akkord.timex import TimeExpression, find, tag
from akkord.timex.tagger import find_by_full_scan

THURSDAY = PartialDate.parse("2022-01-20")

MIXED = (
    "Stoltenberg sa mandag at Nato vil svare i neste uke. Rådet møttes forrige onsdag, "
    "og et nytt møte kan komme i slutten av neste uke eller tidlig i uken etter.\n"
    "Fra 9. til 12. januar var det tre møter; 17.desember kom kravene, og i oktober i fjor "
    "brøt Russland kontakten. I høst skal alliansen samles igjen, og sommeren 2019 var "
    "siste møte. Om to uker, eller for tre dager siden? 12.01.2022 og tolvte januar er "
    "samme dag. Kommende fredag, på lørdag, sist søndag og i fredags. De neste ukene, "
    "i helgen og over helgen. 100.000 soldater og 30 medlemsland er ingen datoer.\n"
)


def test_first_word_shortcut_finds_what_a_full_scan_finds() -> None:
    for paragraph in MIXED.split("\n"):
        assert find(paragraph) == find_by_full_scan(paragraph), paragraph


def test_sorted_non_overlapping_and_true_to_the_text() -> None:
    found = tag(MIXED, THURSDAY)
    assert len(found) >= 20
    assert [e.start for e in found] == sorted(e.start for e in found)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start
    for expression in found:
        assert MIXED[expression.start:expression.end] == expression.text
        assert expression.date is not None, expression.text


def test_longest_match_wins() -> None:
    texts = [e.text for e in tag("Det skjer i slutten av neste uke.", THURSDAY)]
    assert texts == ["i slutten av neste uke"]
    texts = [e.text for e in tag("Møtet er onsdag i neste uke.", THURSDAY)]
    assert texts == ["onsdag i neste uke"]


def test_offsets_are_code_points() -> None:
    text = "🇳🇴 Møtet 👍 holdes på fredag."
    (friday,) = tag(text, THURSDAY)
    assert text[friday.start:friday.end] == "på fredag"
    assert friday.start == text.index("på fredag")


def test_without_a_document_date() -> None:
    found = {e.text: e for e in tag("Svaret kom 12. januar 2022, ikke fredag eller i går.",
                                     None)}
    assert found["12. januar 2022"].value == "2022-01-12"
    assert found["12. januar 2022"].anchor == "absolute"
    assert found["fredag"].date is None
    assert found["fredag"].anchor == "underspecified"
    assert found["fredag"].weekday == 4
    assert found["i går"].date is None


def test_range_that_runs_backwards_falls_back_to_its_ends() -> None:
    found = tag("Avtalen gjaldt fra 2022 til 2014, ifølge kilden.", THURSDAY)
    assert [(e.text, e.value) for e in found] == [("2022", "2022"), ("2014", "2014")]


def test_range_with_a_year_only_at_its_end() -> None:
    (span,) = tag("Fristen løp fra 28. desember til 2. januar 2022.", None)
    assert span.value == "2021-12-28/2022-01-02"
    assert span.anchor == "absolute"


def test_dash_between_different_things_is_no_range() -> None:
    texts = [e.text for e in tag("Møtet er fredag – neste uke kommer svaret.", THURSDAY)]
    assert texts == ["fredag", "neste uke"]


def test_weekday_is_kept_with_a_date() -> None:
    (expression,) = tag("Tirsdag 18. januar kom svaret.", THURSDAY)
    assert (expression.value, expression.weekday) == ("2022-01-18", 1)


def test_uken_etter_counts_from_its_own_paragraph_only() -> None:
    text = "Svaret kommer i neste uke.\nMøtet blir uken etter."
    found = tag(text, THURSDAY)
    assert found[-1].text == "uken etter"
    assert found[-1].anchor == "dct"  # the earlier week is in another paragraph
    assert found[-1].value == "2022-W05"
    text = "Saken tas opp forrige uke og igjen uken etter."
    assert tag(text, THURSDAY)[-1].value == "2022-W03"


def test_as_dict() -> None:
    (expression,) = tag("I dag skjer det.", THURSDAY)
    assert expression.as_dict() == {
        "start": 0, "end": 5, "text": "I dag", "value": "2022-01-20",
        "earliest": "2022-01-20", "latest": "2022-01-20", "precision": "day",
        "anchor": "dct", "weekday": None,
    }
    missing = TimeExpression(0, 6, "fredag", None, "underspecified", 4)
    assert missing.as_dict()["value"] is None and missing.value is None


@pytest.mark.parametrize("word", ["fredag", "onsdag", "søndag"])
@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
def test_weekdays_from_any_day(word: str, day: date) -> None:
    dct = PartialDate.day(day)
    bare = tag(f"Det skjer {word}.", dct)[0].date
    coming = tag(f"Det skjer kommende {word}.", dct)[0].date
    last = tag(f"Det skjedde sist {word}.", dct)[0].date
    assert bare is not None and coming is not None and last is not None
    assert abs((bare.earliest - day).days) <= 3
    assert 1 <= (coming.earliest - day).days <= 7
    assert 1 <= (day - last.earliest).days <= 7
    assert bare.earliest.weekday() == coming.earliest.weekday() == last.earliest.weekday()


@settings(max_examples=80, deadline=None)
@given(day=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
def test_values_round_trip_and_weeks_follow(day: date) -> None:
    found = tag(MIXED, PartialDate.day(day))
    for expression in found:
        assert expression.date is not None
        assert PartialDate.parse(expression.date.value) == expression.date
    next_week = next(e for e in found if e.text == "i neste uke").date
    assert next_week is not None
    assert next_week.earliest.weekday() == 0
    assert 1 <= (next_week.earliest - day).days <= 7
    assert next_week.earliest - timedelta(days=7) <= day


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet="ab æøå12.–-iforsdagneste uke januar mai\n", max_size=120))
def test_never_crashes_and_stays_consistent(text: str) -> None:
    found = tag(text, THURSDAY)
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start
    assert find(text) == find_by_full_scan(text)
