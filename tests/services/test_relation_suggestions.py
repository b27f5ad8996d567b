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
from tests.services.editing import add, new_entity

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
