"""The tagger on time expressions in sentence context, one row per expression.

Every sentence is written for this table (none is taken from an article). Publication
days used below: Thursday 2022-01-20 (``THU``), Tuesday 2022-01-04 (``TUE``), Monday
2022-01-10 (``MON``), Monday 2022-01-03 (``MON3``), Wednesday 2021-12-29 (``DEC29``),
Saturday 2022-01-01 (``NEWYEAR``) and the bare month ``2022-01`` (``JAN``).
"""

from __future__ import annotations

import pytest

from akkord.domain.dates import PartialDate
from akkord.timex import TimeExpression, find, tag
from akkord.timex.tagger import find_by_full_scan

THU, TUE, MON, MON3 = "2022-01-20", "2022-01-04", "2022-01-10", "2022-01-03"
DEC29, NEWYEAR, JAN = "2021-12-29", "2022-01-01", "2022-01"


def case(id_: str, sentence: str, dct: str, text: str, earliest: str, latest: str | None = None,
         precision: str | None = None, anchor: str | None = None) -> object:
    """One row: in ``sentence`` published ``dct``, ``text`` means ``earliest``…``latest``."""
    return pytest.param(sentence, dct, text, earliest, latest or earliest, precision, anchor,
                        id=id_)


CASES = [
    # -- days of a month, with and without a year ------------------------------------
    case("day-month", "Forhandlingene i Genève startet 10. januar.", THU, "10. januar",
         "2022-01-10", precision="day"),
    case("day-month-no-space", "Moskva la fram utkastene sine 17.desember.", THU,
         "17.desember", "2021-12-17", precision="day"),
    case("day-month-year", "Avtaleteksten ble undertegnet 12. januar 2022 i Brussel.", THU,
         "12. januar 2022", "2022-01-12", precision="day", anchor="absolute"),
    case("day-month-future", "Møtet i Wien er lagt til 13. januar.", TUE, "13. januar",
         "2022-01-13", precision="day"),
    case("numeric-date", "Datoen 12.01.2022 står øverst i invitasjonen.", THU, "12.01.2022",
         "2022-01-12", precision="day", anchor="absolute"),
    case("numeric-date-short", "Brevet fra departementet var datert 7.1.2022.", THU,
         "7.1.2022", "2022-01-07", precision="day"),
    case("iso-date", "Fila heter rapport-2022-01-26 i arkivet.", THU, "2022-01-26",
         "2022-01-26"),
    case("ordinal-word", "Rådet samles tolvte januar, ifølge planen.", TUE, "tolvte januar",
         "2022-01-12", precision="day"),
    case("weekday-and-date", "Den digitale samlingen ble holdt fredag 7. januar.", THU,
         "fredag 7. januar", "2022-01-07", precision="day"),
    case("next-year-from-december", "Samtalene skal starte 10. januar, bekrefter kilder.",
         DEC29, "10. januar", "2022-01-10", precision="day"),
    case("last-december-from-january", "Kravene ble kjent 17. desember.", TUE, "17. desember",
         "2021-12-17", precision="day"),
    case("past-tense-july", "Øvelsen ble holdt 20. juli med tusenvis av soldater.", THU,
         "20. juli", "2021-07-20", anchor="past"),
    case("future-tense-july", "Øvelsen skal holdes 20. juli med tusenvis av soldater.", THU,
         "20. juli", "2022-07-20", anchor="future"),
    case("no-cue-nearest", "Fristen for svaret er 3. februar.", THU, "3. februar", "2022-02-03",
         anchor="nearest"),
    case("december-nearest", "Utkastene er datert 15. desember.", THU, "15. desember",
         "2021-12-15"),
    case("publication-month-beats-tense", "Russland skal svare innen 14. januar.", THU,
         "14. januar", "2022-01-14"),
    case("seventeenth-of-may", "Nasjonaldagen feires 17. mai som vanlig.", THU, "17. mai",
         "2022-05-17"),
    case("relative-year-day", "Avtalen fra 17. desember i fjor gjelder fortsatt.", THU,
         "17. desember i fjor", "2021-12-17"),
    # -- months -------------------------------------------------------------------------
    case("month-year", "Russland samlet styrker allerede i november 2021.", THU,
         "i november 2021", "2021-11-01", "2021-11-30", "month", "absolute"),
    case("month-year-capital", "Januar 2022 ble en travel måned for diplomatene.", THU,
         "Januar 2022", "2022-01-01", "2022-01-31", "month"),
    case("june-2021", "Toppmøtet i juni 2021 vedtok en ny strategi.", THU, "i juni 2021",
         "2021-06-01", "2021-06-30", "month"),
    case("month-last-year", "Russland stengte representasjonen i oktober i fjor.", THU,
         "i oktober i fjor", "2021-10-01", "2021-10-31", "month", "dct"),
    case("month-last-year-bare", "Beslutningen fra oktober i fjor står ved lag.", THU,
         "oktober i fjor", "2021-10-01", "2021-10-31", "month"),
    case("i-mai", "Forsvarsministrene samles igjen i mai.", THU, "i mai", "2022-05-01",
         "2022-05-31", "month"),
    case("bare-month", "Diplomatene håper på et svar i løpet av februar.", THU, "februar",
         "2022-02-01", "2022-02-28", "month"),
    case("month-past", "Utkastene ble overlevert i desember.", THU, "i desember", "2021-12-01",
         "2021-12-31", "month"),
    # -- ranges and lists ---------------------------------------------------------------
    case("two-days-og", "Delegasjonene samles 9. og 10. januar i Sveits.", TUE,
         "9. og 10. januar", "2022-01-09", "2022-01-10", "day"),
    case("two-days-en-dash", "Samtalene 9.–10. januar endte uten gjennombrudd.", THU,
         "9.–10. januar", "2022-01-09", "2022-01-10"),
    case("two-days-hyphen", "Programmet for 9.-10. januar er offentliggjort.", THU,
         "9.-10. januar", "2022-01-09", "2022-01-10"),
    case("fra-til", "Fra 9. til 12. januar står tre møter på planen.", TUE,
         "Fra 9. til 12. januar", "2022-01-09", "2022-01-12", "day"),
    case("mellom-og", "Det skjer mellom 10. og 13. januar.", TUE, "mellom 10. og 13. januar",
         "2022-01-10", "2022-01-13"),
    case("list-of-days", "Møtene er lagt til 10., 12. og 13. januar.", TUE,
         "10., 12. og 13. januar", "2022-01-10", "2022-01-13"),
    case("across-new-year", "Fristen løper fra 30. desember til 2. januar.", DEC29,
         "fra 30. desember til 2. januar", "2021-12-30", "2022-01-02", "day"),
    case("weekday-range", "Fra mandag til onsdag skal ekspertene sitte i Brussel.", THU,
         "Fra mandag til onsdag", "2022-01-24", "2022-01-26"),
    case("month-range", "Fra januar til mars øker presset på grensen.", THU,
         "Fra januar til mars", "2022-01-01", "2022-03-31", "month"),
    # -- weekdays -----------------------------------------------------------------------
    case("bare-weekday-no-cue", "Blinken og Lavrov møtes fredag i Genève.", THU, "fredag",
         "2022-01-21", anchor="nearest"),
    case("paa-weekday-future", "Utenriksministrene skal møtes på fredag.", THU, "på fredag",
         "2022-01-21", anchor="future"),
    case("paa-weekday-past", "Stoltenberg snakket med Scholz på tirsdag.", THU, "på tirsdag",
         "2022-01-18", anchor="past"),
    case("forrige-onsdag", "Rådet kom sammen forrige onsdag for første gang på år.", THU,
         "forrige onsdag", "2022-01-12", precision="day", anchor="dct"),
    case("sist-onsdag", "Generalsekretæren uttalte seg sist onsdag.", THU, "sist onsdag",
         "2022-01-19"),
    case("onsdag-neste-uke", "Et nytt møte kan holdes onsdag neste uke.", THU,
         "onsdag neste uke", "2022-01-26"),
    case("onsdag-i-neste-uke", "Ekspertene reiser onsdag i neste uke.", THU,
         "onsdag i neste uke", "2022-01-26"),
    case("neste-fredag", "Neste fredag kommer det skriftlige svaret.", THU, "Neste fredag",
         "2022-01-28"),
    case("kommende-fredag", "Ministrene innkalles til et møte kommende fredag.", TUE,
         "kommende fredag", "2022-01-07", anchor="dct"),
    case("kommende-same-weekday", "Delegasjonen reiser kommende torsdag.", THU,
         "kommende torsdag", "2022-01-27"),
    case("same-weekday-past", "Torsdag kveld kom meldingen fra Moskva.", THU,
         "Torsdag kveld", "2022-01-20"),
    case("same-weekday-no-cue", "Det melder nyhetsbyrået torsdag.", THU, "torsdag",
         "2022-01-20"),
    case("mandag-past", "Mandag ble det klart at samtalene fortsetter.", THU, "Mandag",
         "2022-01-17", anchor="past"),
    case("lordag-future", "Lørdag skal diplomatene reise hjem.", THU, "Lørdag", "2022-01-22",
         anchor="future"),
    case("sondag-past", "Søndag var det stille ved grensen.", THU, "Søndag", "2022-01-16"),
    case("i-fredags", "I fredags kom det nye signaler fra Kreml.", THU, "I fredags",
         "2022-01-14"),
    case("natt-til", "Natt til søndag ble grenseovergangen stengt.", THU, "Natt til søndag",
         "2022-01-16"),
    case("onsdag-nearest", "Onsdag møtes Nato-Russland-rådet i Brussel.", MON, "Onsdag",
         "2022-01-12"),
    case("mandag-morgen-dct", "Samtalene startet mandag morgen.", MON, "mandag morgen",
         "2022-01-10"),
    case("weekday-over-new-year", "Fredag ble det kjent at troppene ble flyttet.", MON3,
         "Fredag", "2021-12-31"),
    case("kan-komme", "En avklaring kan komme allerede fredag, sier kilden.", THU, "fredag",
         "2022-01-21", anchor="future"),
    case("publiserte", "Moskva publiserte kravene tirsdag.", THU, "tirsdag", "2022-01-18",
         anchor="past"),
    case("reported-speech", "På fredag møtes ministrene, sa talspersonen.", THU, "På fredag",
         "2022-01-21", anchor="nearest"),
    case("nn-tysdag", "Ministrane møttest tysdag i Berlin.", THU, "tysdag", "2022-01-18"),
    case("nn-laurdag", "Dei skal møtast laurdag i Genève.", THU, "laurdag", "2022-01-22"),
    case("nn-maandag", "Måndag kom det eit svar frå Moskva.", THU, "Måndag", "2022-01-17"),
    case("nn-sundag", "Sundag var det demonstrasjonar i Kyiv.", THU, "Sundag", "2022-01-16"),
    # -- days relative to the publication day ------------------------------------------
    case("i-dag", "I dag legger Nato fram planen.", THU, "I dag", "2022-01-20", anchor="dct"),
    case("i-gaar", "Svaret fra Washington kom i går.", THU, "i går", "2022-01-19"),
    case("i-morgen", "Russland svarer kanskje i morgen.", THU, "i morgen", "2022-01-21"),
    case("i-forgaars", "Delegasjonen landet i forgårs.", THU, "i forgårs", "2022-01-18"),
    case("nn-i-morgon", "Dei kjem tilbake til saka i morgon.", THU, "i morgon", "2022-01-21"),
    case("i-gaar-new-year", "I går ble det nye året feiret i Moskva.", NEWYEAR, "I går",
         "2021-12-31"),
    # -- weeks --------------------------------------------------------------------------
    case("i-neste-uke", "I neste uke kommer de skriftlige svarene.", THU, "I neste uke",
         "2022-01-24", "2022-01-30", "week"),
    case("neste-uke", "Møtet blir trolig neste uke.", THU, "neste uke", "2022-01-24",
         "2022-01-30", "week"),
    case("forrige-uke", "Samtalene ble holdt forrige uke.", THU, "forrige uke", "2022-01-10",
         "2022-01-16", "week"),
    case("denne-uken", "Denne uken har vært hektisk for diplomatene.", THU, "Denne uken",
         "2022-01-17", "2022-01-23", "week"),
    case("nn-neste-veke", "Svaret kjem neste veke, seier kjelda.", THU, "neste veke",
         "2022-01-24", "2022-01-30", "week"),
    case("slutten-av-neste-uke", "Nato ønsker et møte i slutten av neste uke.", THU,
         "i slutten av neste uke", "2022-01-27", "2022-01-30", "day"),
    case("tidlig-i-neste-uke", "Møtet kan bli tidlig i neste uke.", THU,
         "tidlig i neste uke", "2022-01-24", "2022-01-26", "day"),
    case("midt-i-neste-uke", "Svaret ventes midt i neste uke.", THU, "midt i neste uke",
         "2022-01-25", "2022-01-27"),
    case("uken-etter-context", "Svaret kommer neste uke eller uken etter.", THU, "uken etter",
         "2022-01-31", "2022-02-06", "week", "context"),
    case("uken-etter-alone", "Saken tas opp igjen uken etter.", THU, "uken etter",
         "2022-01-31", "2022-02-06", "week"),
    case("neste-uke-over-new-year", "Forhandlingene begynner neste uke.", DEC29, "neste uke",
         "2022-01-03", "2022-01-09", "week"),
    case("iso-week-number", "Planen ble lagt fram i uke 2.", THU, "i uke 2", "2022-01-10",
         "2022-01-16", "week"),
    case("first-week-of-february", "Det tredje møtet kan komme første uke i februar.", THU,
         "første uke i februar", "2022-01-31", "2022-02-06", "week"),
    # -- years and seasons --------------------------------------------------------------
    case("i-fjor", "Russland brøt kontakten med alliansen i fjor.", THU, "i fjor",
         "2021-01-01", "2021-12-31", "year", "dct"),
    case("i-aar", "I år skal alliansen vedta et nytt strategisk konsept.", THU, "I år",
         "2022-01-01", "2022-12-31", "year"),
    case("neste-aar", "Et nytt toppmøte holdes neste år.", THU, "neste år", "2023-01-01",
         "2023-12-31", "year"),
    case("i-2021", "Styrkeoppbyggingen begynte i 2021.", THU, "i 2021", "2021-01-01",
         "2021-12-31", "year"),
    case("sommeren-2019", "Rådet har ikke vært samlet siden sommeren 2019.", THU,
         "sommeren 2019", "2019-06-01", "2019-08-31", "season", "absolute"),
    case("i-hoest-past", "Styrkene ble bygget opp i høst.", THU, "i høst", "2021-09-01",
         "2021-11-30", "season", "past"),
    case("i-hoest-future", "Forsvarsbudsjettet skal økes i høst.", THU, "i høst", "2022-09-01",
         "2022-11-30", "season", "future"),
    case("i-vinter", "Kulda i vinter har vært hard for soldatene.", THU, "i vinter",
         "2021-12-01", "2022-02-28", "season"),
    case("i-sommer", "Et nytt toppmøte kommer i sommer.", THU, "i sommer", "2022-06-01",
         "2022-08-31", "season"),
    case("i-vaar", "Regjeringen vil legge fram en melding i vår.", THU, "i vår", "2022-03-01",
         "2022-05-31", "season"),
    case("i-fjor-hoest", "Troppene kom til grensen i fjor høst.", THU, "i fjor høst",
         "2021-09-01", "2021-11-30", "season"),
    case("vinteren-2022", "Vinteren 2022 ble preget av krisediplomati.", THU, "Vinteren 2022",
         "2021-12-01", "2022-02-28", "season"),
    case("nn-i-haust", "Troppane vart flytta i haust.", THU, "i haust", "2021-09-01",
         "2021-11-30", "season"),
    case("nn-sommaren-2021", "Øvinga sommaren 2021 var den største på lenge.", THU,
         "sommaren 2021", "2021-06-01", "2021-08-31", "season"),
    case("first-quarter", "Leveransene er ventet i første kvartal 2022.", THU,
         "i første kvartal 2022", "2022-01-01", "2022-03-31", "quarter"),
    # -- spans, shifts and parts ----------------------------------------------------------
    case("de-neste-ukene", "De neste ukene blir avgjørende for Europa.", THU,
         "De neste ukene", "2022-01-17", "2022-02-13", "week"),
    case("de-kommende-ukene", "Det blir flere møter i de kommende ukene.", THU,
         "i de kommende ukene", "2022-01-17", "2022-02-13", "week"),
    case("om-to-uker", "Et nytt svar ventes om to uker.", THU, "om to uker", "2022-01-31",
         "2022-02-06", "week"),
    case("for-en-maaned-siden", "Kravene kom for en måned siden.", THU, "for en måned siden",
         "2021-12-01", "2021-12-31", "month"),
    case("for-tre-dager-siden", "Det skjedde for tre dager siden.", THU,
         "for tre dager siden", "2022-01-17", precision="day"),
    case("begynnelsen-av-februar", "Partene samles igjen i begynnelsen av februar.", THU,
         "i begynnelsen av februar", "2022-02-01", "2022-02-10", "day"),
    case("midten-av-februar", "Et svar kan komme midten av februar.", THU,
         "midten av februar", "2022-02-11", "2022-02-20"),
    case("slutten-av-maaneden", "Avtalen må være på plass i slutten av måneden.", THU,
         "i slutten av måneden", "2022-01-21", "2022-01-31"),
    case("neste-maaned", "Planen legges fram neste måned.", THU, "neste måned", "2022-02-01",
         "2022-02-28", "month"),
    case("slutten-av-aaret", "Avtalen skal være klar i slutten av året.", THU,
         "i slutten av året", "2022-09-01", "2022-12-31", "month"),
    case("i-helgen", "Diplomatene reiser hjem i helgen.", THU, "i helgen", "2022-01-22",
         "2022-01-23", "day"),
    case("i-helgen-past", "Det var rolig ved grensen i helgen.", MON, "i helgen", "2022-01-08",
         "2022-01-09"),
    case("over-helgen", "Russland får svaret over helgen.", THU, "over helgen", "2022-01-24",
         "2022-01-30", "week"),
    # -- the publication date is only a month ----------------------------------------
    case("month-dct-day-month", "Kravene ble offentlige 17. desember.", JAN, "17. desember",
         "2021-12-17", precision="day", anchor="past"),
    case("month-dct-same-month", "Rådet møtes 12. januar i Brussel.", JAN, "12. januar",
         "2022-01-12", precision="day"),
    case("month-dct-i-dag", "I dag kom svaret.", JAN, "I dag", "2022-01-01", "2022-01-31",
         "month", "underspecified"),
    case("month-dct-fredag", "Ministrene møtes fredag.", JAN, "fredag", "2021-12-01",
         "2022-01-31", "month", "underspecified"),
    case("month-dct-kommende", "Møtet holdes kommende fredag.", JAN, "kommende fredag",
         "2022-01-01", "2022-02-28", "month", "underspecified"),
    case("month-dct-neste-uke", "Svarene sendes i neste uke.", JAN, "i neste uke",
         "2022-01-01", "2022-02-28", "month", "underspecified"),
    case("month-dct-i-fjor", "Kontakten ble brutt i oktober i fjor.", JAN, "i oktober i fjor",
         "2021-10-01", "2021-10-31", "month", "dct"),
    case("month-dct-absolute", "Toppmøtet i juni 2021 var kort.", JAN, "i juni 2021",
         "2021-06-01", "2021-06-30", "month", "absolute"),
]


def _find(found: list[TimeExpression], text: str) -> TimeExpression:
    matches = [e for e in found if e.text == text]
    assert matches, f"{text!r} not found; got {[e.text for e in found]}"
    return matches[0]


@pytest.mark.parametrize(("sentence", "dct", "text", "earliest", "latest", "precision",
                          "anchor"), CASES)
def test_expression_in_context(sentence: str, dct: str, text: str, earliest: str, latest: str,
                               precision: str | None, anchor: str | None) -> None:
    found = tag(sentence, PartialDate.parse(dct))
    expression = _find(found, text)
    assert expression.date is not None
    assert expression.date.earliest.isoformat() == earliest
    assert expression.date.latest.isoformat() == latest
    if precision is not None:
        assert expression.date.precision.value == precision
    if anchor is not None:
        assert expression.anchor == anchor
    assert sentence[expression.start:expression.end] == text
    assert PartialDate.parse(expression.date.value) == expression.date  # value is lossless
    assert find(sentence) == find_by_full_scan(sentence)  # the first-word shortcut is exact


NEGATIVE = [
    pytest.param("Russland har samlet over 100.000 soldater ved grensen.", id="thousands"),
    pytest.param("Beslutningen krever enighet blant alle 30 medlemsland.", id="member-states"),
    pytest.param("Mai Hansen ledet den norske delegasjonen.", id="mai-as-name"),
    pytest.param("Han overleverte brevet til Mai i Brussel.", id="i-Mai-name"),
    pytest.param("August Schou skrev en kronikk om saken.", id="august-as-name"),
    pytest.param("Hverdagen i Kyiv er preget av uro, og dagene er lange.", id="dag-in-words"),
    pytest.param("I vår region er situasjonen fortsatt rolig.", id="vaar-possessive"),
    pytest.param("Sist oppdatert klokken 12.", id="sist-without-weekday"),
    pytest.param("Over tid har den militære styrken vokst.", id="over-tid"),
    pytest.param("Det første møtet handler om våpenkontroll.", id="ordinal-without-week"),
    pytest.param("To ganger i uken møtes arbeidsgruppen.", id="frequency-i-uken"),
    pytest.param("Partene har 10 dager på seg til å svare.", id="duration-not-shift"),
    pytest.param("Kirken har stått der i 1900 år.", id="year-like-quantity"),
    pytest.param("Møtet varte i fire timer.", id="hours"),
    pytest.param("Han leste opp 12. kapittel i rapporten.", id="ordinal-not-date"),
    pytest.param("Langfredag og skjærtorsdag er helligdager.", id="weekday-in-compound"),
]


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_no_expression(sentence: str) -> None:
    assert tag(sentence, PartialDate.parse(THU)) == []
    assert find_by_full_scan(sentence) == []


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 80
