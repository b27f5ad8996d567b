"""The two seed articles, tagged with the publication days their events establish.

The seed files carry only ``date 2022-01`` (a month). The publication *days* follow from
the events the articles report, set against the chronology of January 2022:

``000_c59003fcb422ee35.txt`` (NATO calls its foreign ministers to an emergency meeting)
    is from **Tuesday 2022-01-04**. It announces the extraordinary foreign ministers'
    video meeting "kommende fredag": that meeting was held on Friday 7 January, and NATO
    issued the press release calling it on Tuesday 4 January. The article speaks of
    Fogh Rasmussen's advice "mandag" in the past tense (so it appeared after Monday
    3 January) and of the Geneva talks (9–10 January), the NATO–Russia Council
    (12 January) and the OSCE meeting (13 January) as "neste uke", so it appeared in the
    ISO week before them (3–9 January) and before the Friday. Tuesday 4 January, the day
    of the announcement, fits all of it; every assertion below holds for Wednesday 5 and
    Thursday 6 January as well (checked by the parametrisation).

``001_e956a451f6edd46a.txt`` (NATO offers Russia three urgent meetings) is from
    **Thursday 2022-01-20**. VG says it got its information confirmed "torsdag"; the
    press conference with Olaf Scholz in Berlin "tirsdag" is Tuesday 18 January and is
    told in the past; the Blinken–Lavrov meeting in Geneva "fredag" (Friday 21 January)
    is still ahead ("kan komme allerede fredag"); the NATO–Russia Council of 12 January
    is "forrige onsdag"; and the written answers, delivered on Wednesday 26 January, are
    to be sent "i neste uke". The only Thursday between Tuesday 18 and Friday 21 January
    is the 20th.

No sentence of the articles is copied here: expressions are named by their own short
text. The seeds live in ``../shared/seeds`` beside the repository checkout.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from akkord.domain.dates import PartialDate
from akkord.formats.article_txt import read_article
from akkord.timex import TimeExpression, tag

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"
FIRST = "000_c59003fcb422ee35.txt"
SECOND = "001_e956a451f6edd46a.txt"

pytestmark = pytest.mark.shared


def _article_text(name: str) -> str:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip("../shared/seeds is absent: the seed articles are not in this checkout")
    return read_article(path).text


def _all(found: list[TimeExpression], text: str) -> list[TimeExpression]:
    matches = [e for e in found if e.text == text]
    assert matches, f"{text!r} not tagged; got {[e.text for e in found]}"
    return matches


def _values(found: list[TimeExpression], text: str) -> set[str | None]:
    return {e.value for e in _all(found, text)}


@pytest.mark.parametrize("day", ["2022-01-04", "2022-01-05", "2022-01-06"])
def test_first_seed_emergency_meeting(day: str) -> None:
    found = tag(_article_text(FIRST), PartialDate.parse(day))
    assert _values(found, "kommende fredag") == {"2022-01-07"}
    assert _values(found, "Fredag") == {"2022-01-07"}  # in the photo caption
    assert _values(found, "I neste uke") == {"2022-W02"}
    assert _values(found, "neste uke") == {"2022-W02"}
    assert _values(found, "9. og 10. januar") == {"2022-01-09/2022-01-10"}
    assert _values(found, "12. januar") == {"2022-01-12"}
    assert _values(found, "17. desember") == {"2021-12-17"}
    assert _values(found, "sommeren 2019") == {"2019-SU"}
    assert _values(found, "i juni 2021") == {"2021-06"}


def test_first_seed_monday_and_weeks() -> None:
    found = tag(_article_text(FIRST), PartialDate.parse("2022-01-04"))
    monday = _all(found, "mandag")[0]
    assert monday.value == "2022-01-03"
    assert monday.anchor == "past"
    assert monday.weekday == 0
    week = _all(found, "I neste uke")[0].date
    assert week is not None
    # the NATO–Russia Council and the OSCE meeting fall in the week the article announces
    assert week.contains(PartialDate.parse("2022-01-12").earliest)
    assert week.contains(PartialDate.parse("2022-01-13").earliest)


def test_first_seed_false_friends() -> None:
    text = _article_text(FIRST)
    found = tag(text, PartialDate.parse("2022-01-04"))
    for number in ("100.000", "30 "):
        at = text.index(number)
        assert not any(e.start <= at < e.end for e in found), number
    starts = [e.start for e in found]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_second_seed_three_meetings() -> None:
    found = tag(_article_text(SECOND), PartialDate.parse("2022-01-20"))
    assert _values(found, "fredag") == {"2022-01-21"}
    assert _values(found, "forrige onsdag") == {"2022-01-12"}
    assert _values(found, "i neste uke") == {"2022-W04"}
    assert _values(found, "torsdag") == {"2022-01-20"}
    assert _values(found, "Tirsdag") | _values(found, "tirsdag") == {"2022-01-18"}
    assert _values(found, "12. januar") == {"2022-01-12"}
    assert _values(found, "i slutten av neste uke") == {"2022-01-27/2022-01-30"}
    assert _values(found, "tidlig i uken etter") == {"2022-01-31/2022-02-02"}
    assert _values(found, "oktober i fjor") == {"2021-10"}
    assert _values(found, "over helgen") == {"2022-W04"}
    assert _values(found, "17.desember") == {"2021-12-17"}
    assert _values(found, "de neste ukene") == {"2022-W03/2022-W06"}


def test_second_seed_answers_week_holds_their_delivery() -> None:
    found = tag(_article_text(SECOND), PartialDate.parse("2022-01-20"))
    for week in _all(found, "i neste uke"):
        assert week.date is not None
        assert week.date.contains(PartialDate.parse("2022-01-26").earliest)
    friday = [e for e in _all(found, "fredag") if e.anchor == "future"]
    assert friday, "the cue 'kan komme' should point the Friday forwards"
    assert _all(found, "tidlig i uken etter")[0].anchor == "context"


def test_seeds_with_the_month_from_their_header() -> None:
    path = SEEDS / SECOND
    if not path.is_file():
        pytest.skip("../shared/seeds is absent: the seed articles are not in this checkout")
    article = read_article(path)
    assert article.date == PartialDate.month(2022, 1)
    found = tag(article.text, article.date)
    friday = _all(found, "fredag")[0]
    assert friday.anchor == "underspecified"
    assert friday.weekday == 4
    assert friday.date is not None and friday.date.precision.value == "month"
    # what the text dates itself does not depend on the day
    assert _values(found, "12. januar") == {"2022-01-12"}
    assert _values(found, "17.desember") == {"2021-12-17"}
    assert _values(found, "oktober i fjor") == {"2021-10"}
