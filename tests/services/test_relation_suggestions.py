"""Relations suggested from the entities' records and from sentences (SQLite and
PostgreSQL): what a layer has stated before is proposed where it occurs again."""

from __future__ import annotations

import pytest

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.suggesting.relations import RECORD, SENTENCE, relation_suggestions
from akkord.store import Project
from akkord.store.models import Document
from tests.services.editing import add, new_entity, set_values

TEXTS = ("Lavrov møtte Blinken i Genève 10. januar. Stoltenberg var ikke der.",
         "Samtalene i Genève var harde, sa Lavrov. Neste uke møtes Nato og Russland i Brussel.",
         "Lavrov kom til Genève. Blinken kom senere.",
         "Møtet i Wien ble avlyst.")


def at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


@pytest.fixture
def kari(project: Project) -> Annotation:
    with project.write() as session:
        for n, text in enumerate(TEXTS, 1):
            session.add(Document(content_hash=f"r{n}", text=text, meta={}, parts=[],
                                 title=f"Artikkel {n}"))
    return Annotation(project, "kari")


def suggested(project: Project, kari: Annotation, doc: int) -> list[tuple[str, str, str, str]]:
    text = TEXTS[doc - 1]
    views = {m.id: m for m in kari.load_document(doc).mentions}
    with project.read() as session:
        found = relation_suggestions(session, project.schema, kari.annotator_id, doc)
    return [(s.type, text[views[s.head].start:views[s.head].end],
             text[views[s.tail].start:views[s.tail].end], s.reason) for s in found]


def test_what_a_record_holds_is_proposed_in_a_sentence_with_both(
        project: Project, kari: Annotation) -> None:
    lavrov, blinken = new_entity(kari, "actor", "Lavrov"), new_entity(kari, "actor", "Blinken")
    talks = new_entity(kari, "meeting", "Samtalene i Genève")
    geneva = new_entity(kari, "place", "Genève")
    first = TEXTS[0]
    heads = [add(kari, 1, at(first, w), "ACTOR", entity_id=e)
             for w, e in (("Lavrov", lavrov), ("Blinken", blinken))]
    meeting = add(kari, 1, at(first, "møtte"), "MEETING", entity_id=talks)
    place = add(kari, 1, at(first, "Genève"), "PLACE", entity_id=geneva)
    time = add(kari, 1, at(first, "10. januar"), "TIME", values={
        "date": (Value(date=PartialDate.parse("2022-01-10")),)})
    for head in heads:
        kari.apply(edits.AddRelation("participant", head, meeting))  # fills participants
    kari.apply(edits.AddRelation("place", place, meeting))
    kari.apply(edits.AddRelation("time", time, meeting))
    assert suggested(project, kari, 1) == []  # what is there is not proposed again
    second = TEXTS[1]
    add(kari, 2, at(second, "Samtalene i Genève"), "MEETING", entity_id=talks)
    add(kari, 2, at(second, "Lavrov"), "ACTOR", entity_id=lavrov)
    add(kari, 2, at(second, "Nato"), "ACTOR", entity_id=new_entity(kari, "actor", "Nato"))
    add(kari, 2, at(second, "Brussel"), "PLACE", entity_id=new_entity(kari, "place", "Brussel"))
    assert suggested(project, kari, 2) == [
        ("participant", "Lavrov", "Samtalene i Genève", RECORD)]  # Nato: another sentence


def test_a_sentence_pattern_the_layer_keeps_relating_is_proposed(
        project: Project, kari: Annotation) -> None:
    places, meetings = [], []
    for doc in (1, 2, 3):  # three sentences with one PLACE and one MEETING, related
        text = TEXTS[doc - 1]
        word = "møtte" if doc == 1 else ("Samtalene" if doc == 2 else "kom")
        places.append(add(kari, doc, at(text, "Genève"), "PLACE"))
        meetings.append(add(kari, doc, at(text, word), "MEETING"))
    fourth = TEXTS[3]
    add(kari, 4, at(fourth, "Møtet"), "MEETING")
    add(kari, 4, at(fourth, "Wien"), "PLACE")
    for place, meeting in zip(places[:2], meetings[:2], strict=True):
        kari.apply(edits.AddRelation("place", place, meeting))
    assert suggested(project, kari, 4) == []  # seen twice only: not yet a pattern
    kari.apply(edits.AddRelation("place", places[2], meetings[2]))
    assert suggested(project, kari, 4) == [("place", "Wien", "Møtet", SENTENCE)]


# -- the sentence's structure, calibrated by the layer's own relations ----------

CLAIMS = ("Russland krever at Nato trekker seg tilbake.",
          "Kreml krever at alliansen stenger døren.",
          "Lavrov krever at Vesten gir garantier.",
          "Moskva krever at USA svarer skriftlig.",
          "Samtalene i Genève varte i sju timer.",
          "USAs viseutenriksminister Wendy Sherman ledet samtalene.",
          "Wendy Sherman ledet samtalene i går.")


@pytest.fixture
def ola(project: Project) -> Annotation:
    with project.write() as session:
        for n, text in enumerate(CLAIMS, 1):
            session.add(Document(content_hash=f"c{n}", text=text, meta={}, parts=[],
                                 title=f"Krav {n}"))
    return Annotation(project, "ola")


def proposed(project: Project, layer: Annotation, doc: int) -> list[tuple[str, str, str]]:
    text = CLAIMS[doc - 1]
    views = {m.id: m for m in layer.load_document(doc).mentions}
    with project.read() as session:
        found = relation_suggestions(session, project.schema, layer.annotator_id, doc)
    assert all(0 < s.score <= 1 for s in found)
    return [(s.type, text[views[s.head].start:views[s.head].end],
             text[views[s.tail].start:views[s.tail].end]) for s in found]


def claim(layer: Annotation, doc: int) -> tuple[int, int, int]:
    """The claimant (first word), the demand (from "at") and the actor inside it."""
    text = CLAIMS[doc - 1]
    words = text.split()
    claimant = add(layer, doc, at(text, words[0]), "ACTOR")
    demand = add(layer, doc, (text.index("at "), len(text) - 1), "DEMAND")
    inside = add(layer, doc, at(text, words[3]), "ACTOR")
    return claimant, demand, inside


def test_the_layer_s_own_relations_teach_who_claims_and_who_is_addressed(
        project: Project, ola: Annotation) -> None:
    for doc in (1, 2, 3):  # the subject claims, the actor inside the demand is addressed
        claimant, demand, inside = claim(ola, doc)
        ola.apply(edits.AddRelation("claimant", claimant, demand))
        ola.apply(edits.AddRelation("addressee", demand, inside))
    claim(ola, 4)
    assert proposed(project, ola, 4) == [
        ("claimant", "Moskva", "at USA svarer skriftlig"),
        ("addressee", "at USA svarer skriftlig", "USA")]  # not USA claiming, nor Moskva addressed


def test_a_place_inside_a_meeting_is_proposed_before_any_example(
        project: Project, ola: Annotation) -> None:
    text = CLAIMS[4]
    add(ola, 5, at(text, "Samtalene i Genève"), "MEETING")
    add(ola, 5, at(text, "Genève"), "PLACE")
    assert proposed(project, ola, 5) == [("place", "Genève", "Samtalene i Genève")]
    claim(ola, 1)  # an actor inside a demand: claimant or addressee? Nothing to learn from
    assert proposed(project, ola, 1) == []


def test_a_genitive_before_a_person_is_not_proposed_from_the_record(
        project: Project, ola: Annotation) -> None:
    usa, sherman = new_entity(ola, "actor", "USA"), new_entity(ola, "actor", "Wendy Sherman")
    talks = new_entity(ola, "meeting", "Samtalene i Genève")
    text = CLAIMS[6]  # another document states that both took part
    for word, entity in (("Wendy Sherman", sherman),):
        head = add(ola, 7, at(text, word), "ACTOR", entity_id=entity)
        ola.apply(edits.AddRelation("participant", head, add(
            ola, 7, at(text, "samtalene"), "MEETING", entity_id=talks)))
    set_values(ola, talks, "participants", Value(ref=usa), Value(ref=sherman))
    text = CLAIMS[5]
    add(ola, 6, at(text, "USAs"), "ACTOR", entity_id=usa)
    add(ola, 6, at(text, "viseutenriksminister Wendy Sherman"), "ACTOR", entity_id=sherman)
    add(ola, 6, at(text, "samtalene"), "MEETING", entity_id=talks)
    assert proposed(project, ola, 6) == [
        ("participant", "viseutenriksminister Wendy Sherman", "samtalene")]  # not "USAs"
