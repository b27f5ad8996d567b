"""The name matcher: whole words, inflections, capitals, longest match, ambiguity."""

from __future__ import annotations

from akkord.services.suggesting.matcher import EXACT, INFLECTED, NameEntry, NameMatcher

NATO, JENS, RUSSIA, POLAND = 1, 2, 3, 4


def found(matcher: NameMatcher, text: str) -> list[tuple[str, int]]:
    return [(text[m.start:m.end], m.entity_id) for m in matcher.find(text)]


def test_names_are_found_in_their_inflections_as_whole_words() -> None:
    matcher = NameMatcher([NameEntry(NATO, "actor", "Nato"),
                           NameEntry(NATO, "actor", "alliansen"),
                           NameEntry(NATO, "actor", "Nato-landene"),
                           NameEntry(RUSSIA, "actor", "Russland")])
    text = ("Natos svar kom. Alliansens møte, alliansen og Russlands krav. Nato-sjefen "
            "og Russland-forhandlingene nevnes ikke; heller ikke natoen eller Natoland. "
            "Hvert Nato-land svarte.")
    assert found(matcher, text) == [("Natos", NATO), ("Alliansens", NATO),
                                    ("alliansen", NATO), ("Russlands", RUSSIA),
                                    ("Nato-land", NATO)]
    scores = {text[m.start:m.end]: m.score for m in matcher.find(text)}
    assert scores["alliansen"] == scores["Natos"] == scores["Alliansens"] == EXACT
    assert scores["Nato-land"] == INFLECTED


def test_the_longest_name_wins() -> None:
    matcher = NameMatcher([NameEntry(NATO, "actor", "Nato"),
                           NameEntry(JENS, "actor", "Jens Stoltenberg"),
                           NameEntry(JENS, "actor", "Natos generalsekretær Jens Stoltenberg"),
                           NameEntry(JENS, "actor", "Stoltenberg")])
    text = "Natos generalsekretær Jens Stoltenberg møtte Stoltenbergs venner i Nato."
    assert found(matcher, text) == [("Natos generalsekretær Jens Stoltenberg", JENS),
                                    ("Stoltenbergs", JENS), ("Nato", NATO)]


def test_a_capitalised_name_does_not_match_a_common_word() -> None:
    matcher = NameMatcher([NameEntry(POLAND, "actor", "Polen")])
    assert found(matcher, "Polen og polen.") == [("Polen", POLAND)]


def test_ambiguous_forms_go_to_the_most_used_entity_with_the_gap() -> None:
    matcher = NameMatcher([NameEntry(NATO, "actor", "generalsekretæren", uses=1),
                           NameEntry(JENS, "actor", "generalsekretæren", uses=7)])
    [match] = matcher.find("Det sa generalsekretæren.")
    assert match.entity_id == JENS and match.runner_up == NATO
    assert 0 < match.gap < match.score < EXACT


def test_blocked_places_are_left_for_shorter_matches() -> None:
    matcher = NameMatcher([NameEntry(NATO, "actor", "Nato"),
                           NameEntry(JENS, "actor", "Nato-sjef Jens Stoltenberg"),
                           NameEntry(JENS, "actor", "Jens Stoltenberg")])
    text = "Nato-sjef Jens Stoltenberg kom."
    matches = matcher.find(text, blocked=lambda s, e, _k: s == 0)
    assert [(text[m.start:m.end], m.entity_id) for m in matches] == [
        ("Jens Stoltenberg", JENS)]


def test_an_empty_matcher_finds_nothing() -> None:
    assert NameMatcher([]).find("Nato") == []


def test_a_name_joined_by_a_dash_without_spaces_is_part_of_a_compound() -> None:
    """*Nato–Russland-rådet* is the council, not Nato nor Russland; "Nato – Russland"
    with spaces is two names, and the council's own name is found whole."""
    council = 9
    matcher = NameMatcher([NameEntry(NATO, "actor", "Nato"),
                           NameEntry(RUSSIA, "actor", "Russland"),
                           NameEntry(council, "meeting", "Nato–Russland-rådet")])
    text = "Et møte i Nato–Russland-rådet. Nato – Russland: 1–0. USA—Nato."
    assert found(matcher, text) == [("Nato–Russland-rådet", council), ("Nato", NATO),
                                    ("Russland", RUSSIA)]


def test_a_common_noun_is_found_only_in_its_own_number() -> None:
    """"møtet" (the article's meeting) is not "møter" (meetings at large) nor the verb
    "møtte"; "utenriksministeren" is not "utenriksministrene"; a name has no number."""
    meeting, minister = 5, 6
    matcher = NameMatcher([NameEntry(meeting, "meeting", "møtet"),
                           NameEntry(minister, "actor", "utenriksministeren"),
                           NameEntry(NATO, "actor", "Nato-landene")])
    text = ("Møtet varte lenge, og de møtte pressen før møtene og flere møter. "
            "Utenriksministerens svar kom; utenriksministrene lyttet. "
            "Hvert Nato-land svarte.")
    assert found(matcher, text) == [("Møtet", meeting), ("Utenriksministerens", minister),
                                    ("Nato-land", NATO)]


def test_a_name_is_not_found_in_a_caption_in_capitals() -> None:
    """"I BRUSSEL:", "SAMTALER I GENÈVE:" are captions the annotator leaves unmarked; a
    name written in capitals on its own ("NATO sier") is still found."""
    brussels, geneva = 7, 8
    matcher = NameMatcher([NameEntry(brussels, "place", "Brussel"),
                           NameEntry(geneva, "place", "Genève"),
                           NameEntry(NATO, "actor", "Nato")])
    text = ("I BRUSSEL: Nato-sjefen talte.\nSAMTALER I GENÈVE: Samtaler i Genève og "
            "Brussel. NATO sier nei.")
    assert found(matcher, text) == [("Genève", geneva), ("Brussel", brussels), ("NATO", NATO)]
