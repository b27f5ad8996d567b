"""Norwegian lemma keys: inflections share a key, names keep theirs, words are whole."""

from __future__ import annotations

import sys

import pytest

from akkord.textproc import lemmas
from akkord.textproc.lemmas import (
    genitive_base,
    phrase_key,
    phrase_keys,
    sentence_initial,
    word_key,
    word_spans,
)


def test_definite_plural_and_genitive_forms_share_the_lemma() -> None:
    assert word_key("alliansen") == word_key("alliansens") == word_key("allianse")
    assert word_key("landene") == word_key("land")
    assert word_key("forsvarsalliansen") == "forsvarsallianse"
    assert word_key("Nato-landene") == word_key("Nato-land")
    assert word_key("generalsekretæren") == word_key("generalsekretær")


def test_names_the_dictionary_does_not_know_are_their_own_key() -> None:
    assert word_key("Stoltenberg") == "stoltenberg"
    assert word_key("Kreml") == "kreml"
    assert word_key("NATO") == word_key("Nato")


def test_genitives_are_stripped_only_when_asked() -> None:
    assert genitive_base("natos") == "nato"
    assert genitive_base("usa's") == "usa"
    assert genitive_base("paris'") == "paris"
    assert genitive_base("eu") is None
    assert ("nato",) in phrase_keys("Natos")
    assert phrase_keys("alliansens generalsekretær") == {phrase_key("alliansen generalsekretær")}


def test_words_are_whole_as_the_text_view_snaps_them() -> None:
    text = "Nato-sjef Jens Stoltenberg og USA's svar."
    assert [text[s:e] for s, e in word_spans(text)] == [
        "Nato-sjef", "Jens", "Stoltenberg", "og", "USA's", "svar"]


def test_sentence_initial() -> None:
    text = "Han kom. Alliansen svarte «Nei» i går\nNato sa"
    assert sentence_initial(text, 0)
    assert sentence_initial(text, text.index("Alliansen"))
    assert sentence_initial(text, text.index("Nei"))
    assert sentence_initial(text, text.index("Nato"))
    assert not sentence_initial(text, text.index("svarte"))


def test_loading_in_the_background_hands_the_lock_over_often_then_as_before(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's thread gets the interpreter's lock every 0.2 ms while the table
    loads (switching documents meanwhile took up to 0.5 s), and the interval is put back
    after."""
    before = sys.getswitchinterval()
    seen: list[float] = []
    monkeypatch.setattr(lemmas, "warm_up", lambda: seen.append(sys.getswitchinterval()))
    thread = lemmas.load_in_background()
    thread.join()
    assert thread.name == "akkord-lemmas" and thread.daemon
    assert seen == [pytest.approx(lemmas.LOADING_SWITCH_INTERVAL)]
    assert sys.getswitchinterval() == before
