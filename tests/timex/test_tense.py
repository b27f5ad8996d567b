"""The tense rule: which cue decides, and which words are no cue at all."""

from __future__ import annotations

import pytest

from akkord.timex.specs import Direction
from akkord.timex.tense import TenseReader

PAST, FUTURE, NONE = Direction.PAST, Direction.FUTURE, Direction.NONE


def _direction(sentence: str, expression: str = "fredag") -> Direction:
    start = sentence.index(expression)
    return TenseReader(sentence).direction(start, start + len(expression))


@pytest.mark.parametrize(("sentence", "expected"), [
    pytest.param("Ministrene møttes fredag i Brussel.", PAST, id="s-passive-preterite"),
    pytest.param("Rådet har ikke møttes siden fredag.", PAST, id="siden"),
    pytest.param("Rådet har møttes fredag.", NONE, id="s-passive-perfect"),
    pytest.param("Ministrene møtte pressen fredag.", PAST, id="preterite"),
    pytest.param("Ministrene skal møtes fredag.", FUTURE, id="skal"),
    pytest.param("Ministrene vil trolig møtes fredag.", FUTURE, id="vil"),
    pytest.param("Et møte er planlagt fredag.", FUTURE, id="planlagt"),
    pytest.param("Et svar kan komme fredag.", FUTURE, id="kan-komme"),
    pytest.param("Han kan fredag bekrefte dette.", NONE, id="kan-alone"),
    pytest.param("Ministrene møtes fredag.", NONE, id="present"),
    pytest.param("Departementet publiserte rapporten fredag.", PAST, id="erte-preterite"),
    pytest.param("De allierte møtes fredag.", NONE, id="erte-adjective"),
    pytest.param("Godt informerte kilder venter svar fredag.", NONE, id="erte-after-adverb"),
    pytest.param("VG bekreftet fredag at møtet holdes.", PAST, id="participle-alone"),
    pytest.param("Det får VG bekreftet fredag.", NONE, id="participle-after-auxiliary"),
    pytest.param("Stoltenberg har invitert til møte fredag.", NONE, id="perfect-is-no-cue"),
    pytest.param("Stoltenberg hadde invitert til møte fredag.", PAST, id="pluperfect"),
    pytest.param("Han sa at møtet blir fredag.", FUTURE, id="own-clause-first"),
    pytest.param("Han sa at møtet var fredag.", PAST, id="own-clause-past"),
    pytest.param("På fredag møtes de, sa han.", NONE, id="saying-outside-the-clause"),
    pytest.param("Lavrov sa fredag at han var skuffet.", PAST, id="saying-in-the-clause"),
    pytest.param("Etter lange samtaler fredag, ble avtalen klar.", PAST,
                 id="other-clause-fallback"),
    pytest.param("Dei vart samde fredag.", PAST, id="nynorsk-vart"),
    pytest.param("Dei skal møtast fredag.", FUTURE, id="nynorsk-skal"),
])
def test_direction(sentence: str, expected: Direction) -> None:
    assert _direction(sentence) == expected


def test_cues_stop_at_the_sentence_end() -> None:
    text = "Møtet ble holdt i går. Neste runde er fredag."
    assert _direction(text) == FUTURE  # "Neste" is in the same sentence, "ble" is not
    text = "Møtet ble holdt i går. Runden er fredag."
    assert _direction(text) == NONE


def test_ordinal_full_stop_does_not_end_a_sentence() -> None:
    text = "Kravene ble lagt fram 17. Desember var travel, og fredag kom svaret."
    # "17. Desember" reads as a date, so the past cue reaches the clause of "fredag"
    assert _direction(text) == PAST


def test_line_breaks_end_sentences() -> None:
    text = "Samtalene ble avsluttet\nMøte fredag"
    assert _direction(text) == NONE


def test_the_expressions_own_words_are_no_cue() -> None:
    text = "Kommende fredag møtes de."
    assert _direction(text, "Kommende fredag") == NONE
