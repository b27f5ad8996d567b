"""Finding Norwegian time expressions: regular expressions → :mod:`specs <.specs>`.

Every rule is one pattern compiled at import time and a small builder that reads its
groups. All rules run over the text; overlapping candidates are settled longest first
(then earliest, then rule order), so "i slutten av neste uke" beats "neste uke". Two
expressions joined as "fra X til Y", "mellom X og Y" or "X–Y" become one range.

What counts as a time expression, and where it starts:

* A leading ``i`` belongs to the expression, as it does in the fixed phrases "i dag",
  "i fjor" and "i høst": "i neste uke", "i januar", "i 2021". So do ``på`` before a weekday
  ("på fredag"), ``fra … til`` and ``mellom … og`` around a range, and the modifiers
  ``kommende``, ``neste``, ``forrige``, ``sist``. Other prepositions ("siden", "innen")
  stay outside.
* False friends are kept out: "mai" is a month only with a day before it, a year after
  it, or as "i mai" (lower case); other month names alone only in lower case ("August
  Schou" is a name); "i vår" only where "vår" cannot be "our"; numbers are dates only
  with a month name or as ``d.m.yyyy`` ("100.000 soldater", "30 medlemsland" are not);
  a year after "i" not when a unit follows ("i 2000 år"); "sist" only before a weekday,
  "helg" or a season; word boundaries know æ, ø and å ("dag" in "fredag" is no "i dag").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from akkord.domain.dates import PartialDate
from akkord.timex import lexicon as lx
from akkord.timex.model import TimeExpression
from akkord.timex.resolve import resolve
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
from akkord.timex.tense import TenseReader

_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Mention:
    """A found expression before it is placed: its span, what it says, its named weekday.

    ``parts`` holds the two ends of a range merged from two expressions, so the caller
    can fall back to them when the range does not hold (its end before its start).
    """

    start: int
    end: int
    spec: Spec
    weekday: int | None = None
    parts: tuple[Mention, ...] = ()


Builder = Callable[[re.Match[str]], Spec | None]


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    first: frozenset[str]  # the words a match can begin with (lower case; "#" = a number)
    pattern: re.Pattern[str]
    build: Builder
    group: str | None = None  # the expression is this group, not the whole match


# ------------------------------------------------------------------------- fragments
_DAY_START = r"(?<![\w.,])"
_YEAR_TAIL = (r"(?:\s+(?P<y>" + lx.YEAR + r")(?!\w)|\s+(?P<rel>i\s+fjor|i\s+forfjor|i\s+år"
              r"|neste\s+år)(?!\w))?")
_DATE = (r"(?P<d>" + lx.DAY_NUMBER + r")(?:\.\s*|\s+)(?P<m>" + lx.MONTH_OR_ABBREVIATION
         + r")(?!\w)")
_WEEK_REL = (
    r"(?:(?:neste|kommende|førstkommende|forrige|førre|denne|inneværende)\s+" + lx.WEEK_WORD
    + r"|" + lx.WEEK_DEFINITE + r"\s+etter(?:\s+neste)?|" + lx.WEEK_DEFINITE
    + r"\s+som\s+kommer)(?!\w)"
)
_MONTH_X = (
    r"(?:" + lx.MONTH + r"(?:\s+" + lx.YEAR + r"|\s+i\s+fjor|\s+i\s+år|\s+neste\s+år)?"
    r"|(?:neste|forrige|førre|kommende|denne)\s+(?:" + lx.MONTH_WORD + "|"
    + lx.MONTH_DEFINITE + r")|" + lx.MONTH_DEFINITE + r")(?!\w)"
)
_YEAR_X = r"(?:året|fjoråret|" + lx.YEAR + r"|neste\s+år|i\s+fjor)(?!\w)"
_PART = r"(?P<p>" + lx.PART_OF + "|" + lx.PART_IN + ")"
_YEAR_FOLLOWS_NOT = r"(?!\w)(?!\s+" + lx.QUANTITY_NOUNS + r"(?!\w))"

_MONTH_X_PARSE = re.compile(
    r"(?P<m>" + lx.MONTH + r")(?:\s+(?P<y>" + lx.YEAR + r")|\s+(?P<rel>i\s+fjor|i\s+år"
    r"|neste\s+år))?|(?P<step>neste|forrige|førre|kommende|denne)\s+\w+|(?P<this>\w+)", _I)
_WEEKDAY_IN = re.compile(lx.START + lx.WEEKDAY, _I)
_PART_WORD = re.compile(lx.alternation(lx.PART_WORDS), _I)


def _rx(pattern: str, start: str = lx.START) -> re.Pattern[str]:
    return re.compile(start + pattern + lx.END, _I)


# -------------------------------------------------------------------------- parsing
def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _year_offset(rel: str | None) -> int | None:
    if rel is None:
        return None
    return {"i fjor": -1, "i forfjor": -2, "i år": 0, "neste år": 1}[_norm(rel)]


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _g(m: re.Match[str], name: str) -> str | None:
    """Group ``name`` of ``m``, or None when the rule's pattern has no such group."""
    return m.groupdict().get(name)


def _month_number(word: str) -> int:
    key = _norm(word).rstrip(".")
    return lx.MONTHS.get(key) or lx.MONTH_ABBREVIATIONS[key]


def _number(word: str) -> int:
    key = _norm(word)
    return int(key) if key.isdigit() else lx.NUMBERS[key]


def parse_week(text: str) -> WeekSpec:
    """A week phrase ("neste uke", "uken etter", "denne uka", plain "uken") → spec."""
    words = _norm(text).split()
    if words[0] in ("neste", "kommende", "førstkommende") or words[-1] == "kommer":
        return WeekSpec(1)
    if words[0] in ("forrige", "førre"):
        return WeekSpec(-1)
    if words[-1] == "neste" and "etter" in words:
        return WeekSpec(2)
    if words[-1] == "etter":
        return WeekSpec(1, after=True)
    return WeekSpec(0)


def parse_month(text: str) -> MonthSpec | RelativeMonthSpec:
    """A month phrase ("januar 2022", "neste måned", "måneden") → spec."""
    match = _MONTH_X_PARSE.fullmatch(_norm(text))
    if match is None or match["this"]:
        return RelativeMonthSpec(0)
    if match["step"]:
        return RelativeMonthSpec({"neste": 1, "kommende": 1, "denne": 0}.get(match["step"], -1))
    return MonthSpec(_month_number(match["m"]), _int(match["y"]), _year_offset(match["rel"]))


def parse_year(text: str) -> YearSpec:
    """A year phrase ("året", "fjoråret", "2021", "neste år", "i fjor") → spec."""
    key = _norm(text)
    if key.isdigit():
        return YearSpec(int(key))
    return YearSpec(offset={"året": 0, "fjoråret": -1, "neste år": 1, "i fjor": -1}[key])


def _part(text: str) -> Part:
    found = _PART_WORD.search(text)
    return Part(lx.PART_WORDS[found.group().lower()]) if found else Part.MID


# -------------------------------------------------------------------------- builders
def _numeric_date(m: re.Match[str]) -> Spec | None:
    return _checked_day(int(m["d"]), int(m["m"]), int(m["y"]))


def _day_month(m: re.Match[str]) -> Spec | None:
    return _checked_day(int(m["d"]), _month_number(m["m"]), _int(_g(m, "y")),
                        _year_offset(_g(m, "rel")))


def _ordinal_day_month(m: re.Match[str]) -> Spec | None:
    return _checked_day(lx.ORDINALS[_norm(m["o"])], _month_number(m["m"]), _int(_g(m, "y")),
                        _year_offset(_g(m, "rel")))


def _checked_day(day: int, month: int, year: int | None = None,
                 year_offset: int | None = None) -> DaySpec | None:
    leap_year = 2000 if year is None else year
    try:  # 31. februar is no date; 29. februar only in a leap year (or a free year)
        date(leap_year, month, day)
    except ValueError:
        return None
    return DaySpec(day, month, year, year_offset)


def _day_range(m: re.Match[str]) -> Spec | None:
    first, last = int(m["d1"]), int(m["d2"])
    month, year, offset = _month_number(m["m"]), _int(_g(m, "y")), _year_offset(_g(m, "rel"))
    start, end = _checked_day(first, month, year, offset), _checked_day(last, month, year, offset)
    if start is None or end is None or first >= last:
        return None
    return RangeSpec(start, end)


def _month_year(m: re.Match[str]) -> Spec | None:
    return MonthSpec(_month_number(m["m"]), _int(_g(m, "y")), _year_offset(_g(m, "rel")))


def _year(m: re.Match[str]) -> Spec | None:
    return YearSpec(int(m["y"]))


def _years_between(m: re.Match[str]) -> Spec | None:
    first, last = int(m["y"]), int(m["y2"])
    return RangeSpec(YearSpec(first), YearSpec(last)) if first < last else None


def _relative_year(m: re.Match[str]) -> Spec | None:
    key = _norm(m.group())
    if key in ("i fjor", "fjoråret"):
        return YearSpec(offset=-1)
    if key == "i forfjor":
        return YearSpec(offset=-2)
    if key == "i år":
        return YearSpec(offset=0)
    return YearSpec(offset=-1 if key.startswith(("forrige", "førre")) else 1)


_RELATIVE_DAYS = {
    "dag": 0, "kveld": 0, "morges": 0, "ettermiddag": 0, "formiddag": 0, "går": -1,
    "gårkveld": -1, "går kveld": -1, "forgårs": -2, "førgårs": -2, "morgen": 1, "morgon": 1,
    "morgen tidlig": 1, "overmorgen": 2, "overmorgon": 2,
}


def _relative_day(m: re.Match[str]) -> Spec | None:
    return RelativeDaySpec(_RELATIVE_DAYS[_norm(m["w"])])


def _weekday_number(m: re.Match[str]) -> int:
    return lx.WEEKDAYS[m["wd"].lower()]


_WEEKDAY_MODIFIERS: dict[str, tuple[WeekdayMode, WeekSpec | None]] = {
    "på": (WeekdayMode.BARE, None),
    "kommende": (WeekdayMode.COMING, None),
    "førstkommende": (WeekdayMode.COMING, None),
    "sist": (WeekdayMode.LAST, None),
    "neste": (WeekdayMode.IN_WEEK, WeekSpec(1)),
    "forrige": (WeekdayMode.IN_WEEK, WeekSpec(-1)),
    "førre": (WeekdayMode.IN_WEEK, WeekSpec(-1)),
}


def _weekday(m: re.Match[str]) -> Spec | None:
    modifier = (_g(m, "mod") or "på").lower()
    mode, week = _WEEKDAY_MODIFIERS.get(modifier, (WeekdayMode.BARE, None))
    return WeekdaySpec(_weekday_number(m), mode, week)


def _weekday_last(m: re.Match[str]) -> Spec | None:
    return WeekdaySpec(_weekday_number(m), WeekdayMode.LAST)


def _weekday_of_week(m: re.Match[str]) -> Spec | None:
    return WeekdaySpec(_weekday_number(m), WeekdayMode.IN_WEEK, parse_week(m["week"]))


def _week(m: re.Match[str]) -> Spec | None:
    return parse_week(m["week"])


def _week_part(m: re.Match[str]) -> Spec | None:
    return PartSpec(_part(m["p"]), parse_week(m["week"]))


def _month_part(m: re.Match[str]) -> Spec | None:
    return PartSpec(_part(m["p"]), parse_month(m["mx"]))


def _year_part(m: re.Match[str]) -> Spec | None:
    return PartSpec(_part(m["p"]), parse_year(m["yx"]))


def _iso_week(m: re.Match[str]) -> Spec | None:
    week = int(m["n"])
    return IsoWeekSpec(week, _int(m["y"])) if 1 <= week <= 53 else None


def _month_week(m: re.Match[str]) -> Spec | None:
    return MonthWeekSpec(lx.SMALL_ORDINALS[m["o"].lower()], parse_month(m["mx"]))


def _relative_month(m: re.Match[str]) -> Spec | None:
    return parse_month(m["mx"])


def _season_of(word: str) -> str:
    key = word.lower()
    return lx.SEASONS_DEFINITE.get(key) or lx.SEASONS_INDEFINITE[key]


def _season_year(m: re.Match[str]) -> Spec | None:
    return SeasonSpec(_season_of(m["s"]), int(m["y"]))


def _season_relative(m: re.Match[str]) -> Spec | None:
    return SeasonSpec(_season_of(m["s"]), year_offset=_year_offset("i " + m["r"]))


def _season_step(m: re.Match[str]) -> Spec | None:
    step = 1 if m["mod"].lower() in ("neste", "kommende", "førstkommende") else -1
    return SeasonSpec(_season_of(m["s"]), step=step)


def _season_free(m: re.Match[str]) -> Spec | None:
    return SeasonSpec(_season_of(m["s"]))


def _quarter(m: re.Match[str]) -> Spec | None:
    return QuarterSpec(lx.SMALL_ORDINALS[m["q"].lower()], _int(_g(m, "y")),
                       _year_offset(_g(m, "rel")))


_WEEKEND_MODES = {
    "i": WeekendMode.BARE, "over": WeekendMode.BARE, "etter": WeekendMode.BARE,
    "denne": WeekendMode.THIS, "neste": WeekendMode.NEXT, "forrige": WeekendMode.PREVIOUS,
    "førre": WeekendMode.PREVIOUS, "kommende": WeekendMode.COMING,
    "førstkommende": WeekendMode.COMING, "sist": WeekendMode.LAST,
}


def _weekend(m: re.Match[str]) -> Spec | None:
    modifier = m["mod"].lower()
    return WeekendSpec(_WEEKEND_MODES[modifier], after=modifier in ("over", "etter"))


def _shift(m: re.Match[str]) -> Spec | None:
    sign = -1 if m["back"] else 1
    return ShiftSpec(sign * _number(m["n"]), lx.UNITS[m["u"].lower()])


def _span(m: re.Match[str]) -> Spec | None:
    count = _number(m["n1"] or m["n2"] or "3")
    sign = -1 if m["dir"].lower() in ("siste", "foregående") else 1
    unit = "week" if m["u"].lower() in ("ukene", "vekene") else "month"
    return SpanSpec(count, sign, unit)


# ----------------------------------------------------------------------------- rules
# Each rule names the words its matches can begin with (lower case; "#" = a number), so
# find() tries a rule only where such a word starts: one pass over the words instead of
# one regex scan per rule. tests/timex/test_tagger.py checks this against a full scan.
_DIGIT = "#"


def _words(*groups: str | Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for group in groups:
        out.update([group] if isinstance(group, str) else group)
    return frozenset(out)


_WD = frozenset(lx.WEEKDAYS)
_MONTHS = frozenset(lx.MONTHS)
# "Mai" and "August" are names too often to be months at the start of a sentence.
_CAPITALISED_MONTHS = lx.alternation(m.capitalize() for m in lx.MONTHS
                                     if m not in ("mai", "august"))
_NEXT_PREVIOUS = ("neste", "kommende", "førstkommende", "forrige", "førre")
_PART_STARTS = ("i", "mot", "fra", "begynnelsen", "starten", "byrjinga", "midten", "slutten",
                "enden", "utgangen", "tidlig", "tidleg", "midt", "sent", "seint", "først")

_RULES: tuple[_Rule, ...] = (
    _Rule("numeric date", _words(_DIGIT),
          _rx(r"(?P<d>" + lx.DAY_NUMBER + r")\.(?P<m>" + lx.MONTH_NUMBER + r")\.(?P<y>"
              + lx.YEAR + r")(?!\.?\d)", r"(?<![\w.])"), _numeric_date),
    _Rule("iso date", _words(_DIGIT),
          _rx(r"(?P<y>" + lx.YEAR + r")-(?P<m>[01]\d)-(?P<d>[0-3]\d)"), _numeric_date),
    _Rule("weekday date", _WD,
          _rx(r"(?P<wd>" + lx.WEEKDAY + r")(?:\s+den)?,?\s+" + _DATE + _YEAR_TAIL), _day_month),
    _Rule("day month", _words(_DIGIT), _rx(_DATE + _YEAR_TAIL, _DAY_START), _day_month),
    _Rule("ordinal day", _words(_WD, lx.ORDINALS),
          _rx(r"(?:(?P<wd>" + lx.WEEKDAY + r")\s+(?:den\s+)?)?(?P<o>" + lx.ORDINAL_DAY
              + r")\s+(?P<m>" + lx.MONTH + r")(?!\w)" + _YEAR_TAIL), _ordinal_day_month),
    _Rule("day range", _words(_DIGIT, "fra", "mellom"), _rx(
        r"(?:(?:fra|mellom)\s+)?(?P<d1>" + lx.DAY_NUMBER + r")(?:\.(?:\s*,\s*"
        + lx.DAY_NUMBER + r"\.)*\s*(?:og|til|–|—|-)\s*|\s*[–—-]\s*)(?P<d2>" + lx.DAY_NUMBER
        + r")(?:\.\s*|\s+)(?P<m>" + lx.MONTH_OR_ABBREVIATION + r")(?!\w)" + _YEAR_TAIL,
        _DAY_START), _day_range),
    _Rule("month year", _words("i", _MONTHS),
          _rx(r"(?:i\s+)?(?P<m>" + lx.MONTH + r")\s+(?P<y>" + lx.YEAR + ")"), _month_year),
    _Rule("month relative year", _words("i", _MONTHS),
          _rx(r"(?:i\s+)?(?P<m>" + lx.MONTH + r")\s+(?P<rel>i\s+fjor|i\s+forfjor|i\s+år"
              r"|neste\s+år)"), _month_year),
    _Rule("i month", _words("i"), _rx(r"i\s+(?P<m>(?-i:" + lx.MONTH + "))"), _month_year),
    _Rule("month", _MONTHS,
          _rx(r"(?<!\d\.\s)(?<!\d\.)(?<!\d\s)(?P<m>(?-i:" + lx.MONTH_NOT_MAI + "))"),
          _month_year),
    _Rule("month opening a sentence", _MONTHS,
          _rx(r"(?:(?<![^\n])|(?<=[.!?»”\"…]\s))(?P<m>(?-i:" + _CAPITALISED_MONTHS + "))"),
          _month_year),
    _Rule("i year", _words("i", "året"),
          _rx(r"(?:i|året)\s+(?P<y>" + lx.YEAR + ")" + _YEAR_FOLLOWS_NOT), _year),
    _Rule("year after preposition",
          _words("siden", "sidan", "fra", "før", "etter", "innen", "til", "gjennom", "mot"),
          _rx(r"(?:siden|sidan|fra|før|etter|innen|til|gjennom|mot)\s+(?P<span>(?P<y>"
              + lx.YEAR + "))" + _YEAR_FOLLOWS_NOT), _year, "span"),
    _Rule("years between", _words("mellom"),
          _rx(r"mellom\s+(?P<y>" + lx.YEAR + r")\s+og\s+(?P<y2>" + lx.YEAR + ")"
              + _YEAR_FOLLOWS_NOT), _years_between),
    _Rule("relative year", _words("i", "fjoråret", _NEXT_PREVIOUS),
          _rx(r"i\s+fjor|i\s+forfjor|i\s+år|fjoråret|(?:neste|kommende|forrige|førre)\s+år"),
          _relative_year),
    _Rule("relative day", _words("i"),
          _rx(r"i\s+(?P<w>dag|går\s+kveld|gårkveld|går|morgen\s+tidlig|morgen|morgon|forgårs"
              r"|førgårs|overmorgen|overmorgon|kveld|morges|ettermiddag|formiddag)"),
          _relative_day),
    _Rule("weekday", _words(_WD, "på", "sist", _NEXT_PREVIOUS),
          _rx(r"(?:(?P<mod>på|kommende|førstkommende|neste|forrige|førre|sist)\s+)?(?P<wd>"
              + lx.WEEKDAY + r")(?:ens)?(?:\s+(?:" + lx.TIME_OF_DAY + r")(?!\w))?"), _weekday),
    _Rule("night to weekday", _words("natt", "natten"),
          _rx(r"natt(?:en)?\s+til\s+(?P<wd>" + lx.WEEKDAY + ")"), _weekday),
    _Rule("i fredags", _words("i"), _rx(r"i\s+(?P<wd>" + lx.WEEKDAY + ")s"), _weekday_last),
    _Rule("weekday of week", _words(_WD, "på"),
          _rx(r"(?:på\s+)?(?P<wd>" + lx.WEEKDAY + r")(?:\s+(?:i|den))?\s+(?P<week>"
              + _WEEK_REL + ")"), _weekday_of_week),
    _Rule("week", _words("i", _NEXT_PREVIOUS, "denne", "inneværende", "uka", "uken", "veka"),
          _rx(r"(?:i\s+)?(?P<week>" + _WEEK_REL + ")"), _week),
    _Rule("part of week", _words(_PART_STARTS),
          _rx(_PART + r"(?P<week>" + _WEEK_REL + "|" + lx.WEEK_DEFINITE + ")"), _week_part),
    _Rule("early next week", _words("tidlig", "tidleg", "sent", "seint"),
          _rx(r"(?P<p>tidlig|tidleg|sent|seint)\s+(?P<week>" + _WEEK_REL + ")"), _week_part),
    _Rule("iso week", _words("i", "uke", "veke"),
          _rx(r"(?:i\s+)?(?:uke|veke)\s+(?P<n>\d{1,2})(?:\s+(?:i\s+)?(?P<y>" + lx.YEAR
              + r"))?(?!\w)"), _iso_week),
    _Rule("week of month", _words(_DIGIT, "første", "fyrste", "andre", "tredje", "fjerde",
                                  "siste"),
          _rx(r"(?P<o>" + lx.SMALL_ORDINAL + r")\s+" + lx.WEEK_WORD + r"\s+(?:i|av)\s+(?P<mx>"
              + _MONTH_X + ")"), _month_week),
    _Rule("relative month", _words("i", "denne", _NEXT_PREVIOUS),
          _rx(r"(?:i\s+)?(?P<mx>(?:neste|forrige|førre|kommende)\s+" + lx.MONTH_WORD
              + r"|denne\s+" + lx.MONTH_DEFINITE + ")"), _relative_month),
    _Rule("part of month", _words(_PART_STARTS), _rx(_PART + r"(?P<mx>" + _MONTH_X + ")"),
          _month_part),
    _Rule("part of year", _words(_PART_STARTS), _rx(_PART + r"(?P<yx>" + _YEAR_X + ")"),
          _year_part),
    _Rule("season year", _words(lx.SEASONS_INDEFINITE, lx.SEASONS_DEFINITE),
          _rx(r"(?P<s>" + lx.SEASON_ANY + r")\s+(?:" + lx.YEAR + r"\s*[/–-]\s*)?(?P<y>"
              + lx.YEAR + ")"), _season_year),
    _Rule("season relative year", _words(lx.SEASONS_DEFINITE),
          _rx(r"(?P<s>" + lx.SEASON_DEFINITE + r")\s+i\s+(?P<r>fjor|forfjor|år)"),
          _season_relative),
    _Rule("last year's season", _words("i"),
          _rx(r"i\s+(?P<r>fjor|forfjor)\s+(?P<s>" + lx.SEASON_ANY + ")"), _season_relative),
    _Rule("next season", _words(_NEXT_PREVIOUS, "sist"),
          _rx(r"(?P<mod>neste|kommende|førstkommende|forrige|førre|sist)\s+(?P<s>"
              + lx.SEASON_ANY + ")"), _season_step),
    _Rule("i season", _words("i"), _rx(r"i\s+(?P<s>vinter|sommer|sommar|høst|haust)"),
          _season_free),
    _Rule("i vår", _words("i"),
          re.compile(lx.START + r"i\s+(?P<s>vår)(?!\w)" + lx.AFTER_SEASON_VAAR, _I),
          _season_free),
    _Rule("season", _words("denne", lx.SEASONS_DEFINITE),
          _rx(r"(?:denne\s+)?(?P<s>" + lx.SEASON_DEFINITE + ")"), _season_free),
    _Rule("quarter", _words(_DIGIT, "i", "første", "andre", "tredje", "fjerde"),
          _rx(r"(?:i\s+)?(?P<q>første|andre|tredje|fjerde|[1-4]\.)\s+kvartal(?!\w)"
              + _YEAR_TAIL), _quarter),
    _Rule("weekend", _words("i", "over", "etter", "denne", "sist", _NEXT_PREVIOUS),
          _rx(r"(?P<mod>i|over|etter|denne|neste|forrige|førre|kommende|førstkommende|sist)"
              r"\s+" + lx.WEEKEND_WORD), _weekend),
    _Rule("shift", _words("om", "for"),
          _rx(r"(?:om|(?P<back>for))\s+(?P<n>" + lx.NUMBER + r")\s+(?P<u>" + lx.UNIT
              + r")(?(back)\s+(?:siden|sidan))"), _shift),
    _Rule("coming weeks", _words("i", "de"),
          _rx(r"(?:i\s+)?de\s+(?:(?P<n1>" + lx.NUMBER + r")\s+)?(?P<dir>neste|kommende"
              r"|førstkommende|siste|foregående)\s+(?:(?P<n2>" + lx.NUMBER + r")\s+)?(?P<u>"
              r"ukene|vekene|månedene|månadene)"), _span),
)
_RULE_INDEX = {rule.name: index for index, rule in enumerate(_RULES)}
_WORD = re.compile(r"\w+")
_TRIGGERS: dict[str, tuple[_Rule, ...]] = {
    word: tuple(rule for rule in _RULES if word in rule.first)
    for word in frozenset().union(*(rule.first for rule in _RULES))
}


# --------------------------------------------------------------------------- finding
def find(text: str) -> list[Mention]:
    """All time expressions of ``text``, sorted and non-overlapping, not yet placed."""
    return _settle(text, _candidates(text))


def find_by_full_scan(text: str) -> list[Mention]:
    """:func:`find` without the first-word shortcut (slower; the reference for tests)."""
    candidates: list[tuple[int, int, int, Spec]] = []
    for index, rule in enumerate(_RULES):
        for match in rule.pattern.finditer(text):
            _add(candidates, index, rule, match)
    return _settle(text, candidates)


def _candidates(text: str) -> list[tuple[int, int, int, Spec]]:
    candidates: list[tuple[int, int, int, Spec]] = []
    for word in _WORD.finditer(text):
        token = word.group()
        key = _DIGIT if token[0].isdigit() else token.lower()
        for rule in _TRIGGERS.get(key, ()):
            match = rule.pattern.match(text, word.start())
            if match is not None:
                _add(candidates, _RULE_INDEX[rule.name], rule, match)
    return candidates


def _add(candidates: list[tuple[int, int, int, Spec]], index: int, rule: _Rule,
         match: re.Match[str]) -> None:
    spec = rule.build(match)
    if spec is not None:
        start, end = match.span(rule.group) if rule.group else match.span()
        candidates.append((start, end, index, spec))


def _settle(text: str, candidates: list[tuple[int, int, int, Spec]]) -> list[Mention]:
    chosen = _longest_first(candidates)
    mentions = [Mention(start, end, spec, _weekday_in(text, start, end))
                for start, end, _, spec in chosen]
    return _merge_ranges(text, mentions)


def _longest_first(candidates: list[tuple[int, int, int, Spec]]
                   ) -> list[tuple[int, int, int, Spec]]:
    """Greedy: longest, then earliest, then the earlier rule; skip anything overlapping."""
    candidates.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    starts: list[int] = []
    chosen: list[tuple[int, int, int, Spec]] = []
    for candidate in candidates:
        start, end = candidate[0], candidate[1]
        i = bisect.bisect_left(starts, start)
        if i > 0 and chosen[i - 1][1] > start:
            continue
        if i < len(starts) and starts[i] < end:
            continue
        starts.insert(i, start)
        chosen.insert(i, candidate)
    return chosen


def _weekday_in(text: str, start: int, end: int) -> int | None:
    found = _WEEKDAY_IN.search(text, start, end)
    return lx.WEEKDAYS[found.group().lower()] if found else None


_DASH_JOINABLE = (DaySpec, MonthSpec, WeekdaySpec, YearSpec, SeasonSpec)
_RANGE_OPENERS = re.compile(r"(?<!\w)(?P<w>fra|mellom)\s+$", _I)
_RANGE_GLUE = {
    "fra": re.compile(r"\s*(?:til|–|—|-)\s*", _I),
    "mellom": re.compile(r"\s+og\s+", _I),
    "": re.compile(r"\s*[–—]\s*|-"),
}


def _merge_ranges(text: str, mentions: list[Mention]) -> list[Mention]:
    """Join "fra X til Y", "mellom X og Y" and "X–Y" into one range expression."""
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        first = mentions[i]
        second = mentions[i + 1] if i + 1 < len(mentions) else None
        merged = _merged(text, first, second) if second else None
        if merged is not None:
            out.append(merged)
            i += 2
        else:
            out.append(first)
            i += 1
    return out


def _merged(text: str, first: Mention, second: Mention) -> Mention | None:
    if isinstance(first.spec, RangeSpec) or isinstance(second.spec, RangeSpec):
        return None
    opener = _RANGE_OPENERS.search(text, max(0, first.start - 12), first.start)
    word = opener["w"].lower() if opener else ""
    if not word and not (type(first.spec) is type(second.spec)
                         and isinstance(first.spec, _DASH_JOINABLE)):
        return None  # "fredag – neste uke …" is two things, "9. januar–12. januar" one
    if not _RANGE_GLUE[word].fullmatch(text, first.end, second.start):
        return None
    start = opener.start() if opener else first.start
    weekday = first.weekday if first.weekday is not None else second.weekday
    return Mention(start, second.end, RangeSpec(first.spec, second.spec), weekday,
                   (first, second))


# --------------------------------------------------------------------------- placing
def tag(text: str, dct: PartialDate | None) -> list[TimeExpression]:
    """Find the time expressions of ``text`` and place them relative to ``dct``.

    ``dct`` is the document's publication date (a day, or coarser such as a month; see
    :mod:`akkord.timex.resolve` for what that means for "fredag"). The result is sorted by
    ``start`` and non-overlapping; offsets are code points into ``text``.
    """
    reader = TenseReader(text)
    out: list[TimeExpression] = []
    previous: tuple[Mention, Ref] | None = None
    for mention in find(text):
        if previous and "\n" in text[previous[0].end:mention.start]:
            previous = None  # "uken etter" counts from an expression of its own paragraph
        direction = reader.direction(mention.start, mention.end)
        spec = _with_ref(mention.spec, previous[1] if previous else None)
        placed, anchor = resolve(spec, dct, direction)
        if placed is None and mention.parts and dct is not None:
            out.extend(_expression(text, part, part.spec, dct, reader) for part in mention.parts)
        else:
            out.append(TimeExpression(mention.start, mention.end,
                                      text[mention.start:mention.end], placed, anchor,
                                      mention.weekday))
        if _is_week_level(mention.spec):
            previous = (mention, Ref(spec, direction))
    return out


def _expression(text: str, mention: Mention, spec: Spec, dct: PartialDate | None,
                reader: TenseReader) -> TimeExpression:
    placed, anchor = resolve(spec, dct, reader.direction(mention.start, mention.end))
    return TimeExpression(mention.start, mention.end, text[mention.start:mention.end],
                          placed, anchor, mention.weekday)


def _with_ref(spec: Spec, ref: Ref | None) -> Spec:
    """Give "uken etter" (alone, in a part or with a weekday) the expression before it."""
    match spec:
        case WeekSpec(after=True):
            return replace(spec, ref=ref)
        case PartSpec(inner=WeekSpec(after=True) as week):
            return replace(spec, inner=replace(week, ref=ref))
        case WeekdaySpec(week=WeekSpec(after=True) as week):
            return replace(spec, week=replace(week, ref=ref))
        case _:
            return spec


def _is_week_level(spec: Spec) -> bool:
    """Whether "uken etter" may count from this expression (a day or a week)."""
    if isinstance(spec, PartSpec):
        return isinstance(spec.inner, WeekSpec)
    if isinstance(spec, ShiftSpec):
        return spec.unit in ("day", "week")
    if isinstance(spec, RangeSpec):
        return _is_week_level(spec.start)
    return isinstance(spec, DaySpec | WeekdaySpec | WeekSpec | RelativeDaySpec | WeekendSpec
                      | IsoWeekSpec)
