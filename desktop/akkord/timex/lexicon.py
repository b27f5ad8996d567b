"""Norwegian words for time: the vocabulary the tagger and the tense rule look up.

Bokmål first, with the common Nynorsk forms beside it (``veke``, ``måndag``, ``tysdag``,
``laurdag``, ``sundag``, ``i morgon``, ``sommaren``, ``hausten``, ``sidan``). Everything
here is data: word → number tables and regular-expression *fragments* (non-capturing, so
they can be combined freely) built from them. The tagger compiles its patterns once, at
import time, from these fragments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final


def alternation(words: Iterable[str]) -> str:
    """``(?:a|b|…)`` with the longest words first, so that ``sommeren`` beats ``sommer``."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


# ---------------------------------------------------------------------------- boundaries
# Python's \w is Unicode-aware, so æøå count as letters; a time word must not be glued to
# another letter or digit on either side ("fredag" in "langfredag", "dag" in "fredag").
START: Final = r"(?<!\w)"
END: Final = r"(?!\w)"

# -------------------------------------------------------------------------------- months
MONTHS: Final[dict[str, int]] = {
    "januar": 1, "februar": 2, "mars": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "desember": 12,
}
MONTH_ABBREVIATIONS: Final[dict[str, int]] = {
    "jan": 1, "feb": 2, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "des": 12,
}
MONTH: Final = alternation(MONTHS)
# "mai" is also a given name ("Mai Hansen"): alone, it is a month only after "i".
MONTH_NOT_MAI: Final = alternation(m for m in MONTHS if m != "mai")
MONTH_OR_ABBREVIATION: Final = (
    f"(?:{MONTH}|{alternation(MONTH_ABBREVIATIONS)}\\.?)"
)

# ------------------------------------------------------------------------------ weekdays
WEEKDAYS: Final[dict[str, int]] = {
    "mandag": 0, "måndag": 0, "tirsdag": 1, "tysdag": 1, "onsdag": 2, "torsdag": 3,
    "fredag": 4, "lørdag": 5, "laurdag": 5, "søndag": 6, "sundag": 6,
}
WEEKDAY: Final = alternation(WEEKDAYS)
TIME_OF_DAY: Final = alternation(
    ["morgen", "morgon", "formiddag", "ettermiddag", "kveld", "natt", "morgen tidlig"]
)

# ----------------------------------------------------------------------- weeks and parts
WEEK_WORD: Final = alternation(["uke", "uka", "uken", "veke", "veka"])
WEEK_DEFINITE: Final = alternation(["uka", "uken", "veka"])
MONTH_WORD: Final = alternation(["måned", "månad"])
MONTH_DEFINITE: Final = alternation(["måneden", "månaden"])
WEEKEND_WORD: Final = alternation(["helg", "helga", "helgen", "helgi"])

# ------------------------------------------------------------------------------ seasons
SEASONS_INDEFINITE: Final[dict[str, str]] = {
    "vår": "SP", "sommer": "SU", "sommar": "SU", "høst": "FA", "haust": "FA", "vinter": "WI",
}
SEASONS_DEFINITE: Final[dict[str, str]] = {
    "våren": "SP", "sommeren": "SU", "sommaren": "SU", "høsten": "FA", "hausten": "FA",
    "vinteren": "WI",
}
SEASON_INDEFINITE: Final = alternation(SEASONS_INDEFINITE)
SEASON_DEFINITE: Final = alternation(SEASONS_DEFINITE)
SEASON_ANY: Final = alternation([*SEASONS_INDEFINITE, *SEASONS_DEFINITE])
# "vår" is also the possessive "our" ("i vår region"): "i vår" is the spring only when
# the phrase ends there or a function word follows.
AFTER_SEASON_VAAR: Final = (
    r"(?=\s*(?:[.,;:!?)»”\"–—-]|$)|\s+"
    + alternation([
        "og", "eller", "men", "ble", "var", "har", "hadde", "skal", "vil", "kan", "er", "blir",
        "kom", "kommer", "til", "med", "på", "i", "da", "når", "som", "etter", "før", "om",
        "mens", "så", "fordi", "igjen", "også", "ikke", "vart", "vert", "kjem",
    ])
    + r"(?!\w))"
)

# ------------------------------------------------------------------------------ numbers
ORDINALS: Final[dict[str, int]] = {
    "første": 1, "fyrste": 1, "andre": 2, "tredje": 3, "fjerde": 4, "femte": 5, "sjette": 6,
    "sjuende": 7, "syvende": 7, "sjuande": 7, "åttende": 8, "åttande": 8, "niende": 9,
    "niande": 9, "tiende": 10, "tiande": 10, "ellevte": 11, "tolvte": 12, "trettende": 13,
    "trettande": 13, "fjortende": 14, "fjortande": 14, "femtende": 15, "femtande": 15,
    "sekstende": 16, "sekstande": 16, "syttende": 17, "syttande": 17, "attende": 18,
    "attande": 18, "nittende": 19, "nittande": 19, "tjuende": 20, "tyvende": 20,
    "tjuande": 20, "trettiende": 30,
}
_UNIT_ORDINALS = {"første": 1, "andre": 2, "tredje": 3, "fjerde": 4, "femte": 5,
                  "sjette": 6, "sjuende": 7, "syvende": 7, "åttende": 8, "niende": 9}
_OLD_UNITS = {"en": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7,
              "syv": 7, "åtte": 8, "ni": 9}
for _word, _n in _UNIT_ORDINALS.items():
    ORDINALS["tjue" + _word] = 20 + _n
for _word, _n in _OLD_UNITS.items():
    ORDINALS[_word + "ogtyvende"] = 20 + _n
ORDINALS.update({"trettiførste": 31, "enogtrettiende": 31})
ORDINAL_DAY: Final = alternation(ORDINALS)

NUMBERS: Final[dict[str, int]] = {
    "en": 1, "ett": 1, "et": 1, "ei": 1, "eitt": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5,
    "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
    "fjorten": 14, "femten": 15, "tjue": 20, "tretti": 30,
}
NUMBER: Final = f"(?:\\d{{1,3}}|{alternation(NUMBERS)})"
SMALL_ORDINALS: Final[dict[str, int]] = {
    "første": 1, "fyrste": 1, "andre": 2, "tredje": 3, "fjerde": 4, "siste": -1,
    "1.": 1, "2.": 2, "3.": 3, "4.": 4,
}
SMALL_ORDINAL: Final = alternation(SMALL_ORDINALS)

DAY_NUMBER: Final = r"(?:3[01]|[12]\d|0?[1-9])"
MONTH_NUMBER: Final = r"(?:1[0-2]|0?[1-9])"
YEAR: Final = r"(?:1[89]\d\d|20\d\d)"

# Units of "om to uker" / "for to uker siden".
UNITS: Final[dict[str, str]] = {
    "dag": "day", "dager": "day", "dagar": "day", "døgn": "day",
    "uke": "week", "uker": "week", "veke": "week", "veker": "week", "vekor": "week",
    "måned": "month", "måneder": "month", "månad": "month", "månader": "month",
    "år": "year",
}
UNIT: Final = alternation(UNITS)
# A number followed by one of these is a quantity, not a year ("i 2000 år").
QUANTITY_NOUNS: Final = alternation([
    "år", "dager", "uker", "måneder", "timer", "minutter", "kroner", "kr", "dollar", "euro",
    "soldater", "personer", "mennesker", "meter", "km", "kilometer", "tonn", "prosent",
    "stykker", "medlemsland", "land", "tropper", "mann",
])

# ----------------------------------------------------------------------- part of a span
PART_WORDS: Final[dict[str, str]] = {
    "begynnelsen": "early", "starten": "early", "byrjinga": "early", "tidlig": "early",
    "tidleg": "early", "først": "early",
    "midten": "mid", "midt": "mid",
    "slutten": "late", "enden": "late", "utgangen": "late", "sent": "late", "seint": "late",
}
PART_OF: Final = (  # "i slutten av", "mot slutten av", "begynnelsen av", "starten på"
    r"(?:(?:i|mot|fra)\s+)?"
    + alternation(["begynnelsen", "starten", "byrjinga", "midten", "slutten", "enden",
                   "utgangen"])
    + r"\s+(?:av|på)\s+"
)
PART_IN: Final = (  # "tidlig i", "midt i", "sent i", "først i"
    alternation(["tidlig", "tidleg", "midt", "sent", "seint", "først"]) + r"\s+i\s+"
)

# ------------------------------------------------------------------------- tense cues
# Unambiguous preterite forms (curated; -et/-a forms are participles too and go below).
PAST_WORDS: Final = frozenset({
    "ble", "blei", "vart", "var", "hadde", "fikk", "fekk", "sa", "sade", "tok", "gikk",
    "gjekk", "kom", "møttest", "møtte", "ga", "gav", "sto", "stod", "lot", "holdt",
    "heldt", "fant", "fann", "dro", "drog", "skrev", "skreiv", "sendte", "leverte",
    "fortalte", "opplyste", "uttalte", "meldte", "advarte", "krevde", "avviste", "foreslo",
    "gjentok", "vedtok", "tilbød", "brøt", "trakk", "slo", "bestemte", "erklærte",
    "kunngjorde", "gjorde", "satt", "døde", "reiste", "ringte", "spurte", "svarte", "viste",
    "godtok", "avslo", "besøkte", "innkalte", "avlyste", "utsatte", "begynte", "skjedde",
    "oppsto", "oppstod", "lyktes", "mente", "trodde", "visste", "kalte", "nevnte", "økte",
    "stengte", "overleverte", "overrakte", "mottok", "ankom", "uttrykte", "fortsatte",
    "forklarte", "avgjorde",
    "kravde",
    # words that place an event before now ("siden 17. desember", "nylig")
    "siden", "sidan", "nylig", "nyleg",
})
# Preterites that are also past participles: a cue only without an auxiliary before them
# ("VG bekreftet torsdag" is past; "det får VG bekreftet torsdag" is not).
PAST_PARTICIPLE_WORDS: Final = frozenset({
    "bekreftet", "understreket", "åpnet", "startet", "avsluttet", "snakket", "varslet",
    "truet", "lovet", "hevdet", "ønsket", "samlet", "besluttet", "forhandlet", "undertegnet",
    "landet", "stanset", "innledet", "avholdt", "sluttet", "nektet", "møttes",
})
AUXILIARIES: Final = frozenset({
    "har", "hadde", "er", "var", "blir", "ble", "får", "fikk", "vil", "skal", "kan", "må",
    "bør", "ha", "være", "bli", "vert", "vart", "hev", "kunne", "skulle", "ville", "måtte",
})
# -erte is the preterite of the large -ere class (publiserte, inviterte), but some of
# these forms are mostly adjectives in news text.
ERTE_ADJECTIVES: Final = frozenset({
    "allierte", "interesserte", "engasjerte", "involverte", "avanserte", "sofistikerte",
    "informerte", "planlagte", "kvalifiserte", "reserverte",
})
DETERMINERS: Final = frozenset({
    "de", "den", "det", "dei", "disse", "sine", "sin", "våre", "deres", "hans", "hennes",
    "mer", "mest", "alle", "flere", "fleire", "mange", "godt", "svært", "meget", "lite",
    "dine", "mine",
})
FUTURE_WORDS: Final = frozenset({
    "skal", "vil", "blir", "kommer", "kjem", "vert", "planlegger", "planlagt", "planlagte",
    "planen", "neste", "kommende", "førstkommende", "innen", "snart", "senere", "seinare",
    "håper", "ventes", "forventes",
})
# "kan komme", "kan finne sted": a possibility ahead.
FUTURE_AFTER_KAN: Final = frozenset({"komme", "finne", "skje", "bli", "kome", "verte"})
# Verbs of saying: their tense dates the saying, not the content, so outside their own
# clause they do not count ("På fredag møtes de, sa han").
SPEECH_VERBS: Final = frozenset({
    "sa", "sade", "skrev", "skreiv", "opplyste", "uttalte", "meldte", "fortalte",
    "understreket", "bekreftet", "svarte", "hevdet",
})
