"""A form known under two kinds (Moskva: the city, and the state by metonymy) takes the
kind the word before it says, as the layer's own mentions show (real projects)."""

from __future__ import annotations

from akkord.domain.statuses import DocumentStatus
from akkord.services.annotation import Annotation
from akkord.services.edits import SetStatus
from akkord.services.suggesting import load_matcher, preannotate
from akkord.services.suggesting.label_context import (
    label_context,
    learn_label_context,
    word_before,
)
from akkord.store import Project
from akkord.store.models import Document
from tests.services.editing import add, create_entity

SEEN = ("Russland krever svar. Russland venter. Russland truer. Lavrov bor i Oslo og "
        "reiser i Tromsø.")
NEW = "Blinken var i Moskva. Moskva krever svar."


def at(text: str, word: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(word, start + 1)
    return start, start + len(word)


def test_the_word_before_in_the_same_clause() -> None:
    assert word_before(NEW, at(NEW, "Moskva")[0]) == "i"
    assert word_before(NEW, at(NEW, "Moskva", 2)[0]) is None  # after a full stop
    assert word_before(NEW, 0) is None
    context = learn_label_context([(SEEN, at(SEEN, "Oslo")[0], "PLACE"),
                                   (SEEN, at(SEEN, "Tromsø")[0], "PLACE"),
                                   (SEEN, at(SEEN, "Lavrov")[0], "ACTOR")])
    assert context.prefers("i", "ACTOR", "PLACE")
    assert not context.prefers("i", "PLACE", "ACTOR")
    assert not context.prefers(None, "ACTOR", "PLACE")
    once = learn_label_context([(SEEN, at(SEEN, "Oslo")[0], "PLACE")])
    assert not once.prefers("i", "ACTOR", "PLACE")  # seen once: not enough


def test_preannotation_gives_a_shared_form_the_kind_its_place_says(project: Project) -> None:
    with project.write() as session:
        for n, text in enumerate((SEEN, NEW)):
            session.add(Document(content_hash=f"l{n}", text=text, meta={}, parts=[]))
    kari = Annotation(project, "kari")
    russia = create_entity(kari, "actor", "Russland", ["Moskva"]).id
    moscow = create_entity(kari, "place", "Moskva").id
    for n in (1, 2, 3):
        add(kari, 1, at(SEEN, "Russland", n), "ACTOR", entity_id=russia)
    with project.read() as session:  # nothing learned yet: the entity used most
        known = load_matcher(session, project.schema, kari.annotator_id)
        before = preannotate(session, known, kari.annotator_id, 2)
    assert [(NEW[s.start:s.end], s.label, s.entity_id) for s in before] == [
        ("Moskva", "ACTOR", russia), ("Moskva", "ACTOR", russia)]
    for word in ("Oslo", "Tromsø"):
        add(kari, 1, at(SEEN, word), "PLACE")
    kari.apply(SetStatus(1, DocumentStatus.DONE))
    with project.read() as session:
        assert label_context(session, kari.annotator_id).counts[("i", "PLACE")] == 2
        found = preannotate(session, known, kari.annotator_id, 2)
    assert [(NEW[s.start:s.end], s.label, s.entity_id) for s in found] == [
        ("Moskva", "PLACE", moscow), ("Moskva", "ACTOR", russia)]
