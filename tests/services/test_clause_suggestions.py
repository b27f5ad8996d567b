"""Clause (demand) suggestions learned from the layer's own clauses: triggers and ends
from its data, proposed with a score, through the suggestion edits (SQLite, PostgreSQL)."""

from __future__ import annotations

from akkord.domain.statuses import DocumentStatus
from akkord.services.annotation import Annotation
from akkord.services.edits import SetStatus
from akkord.services.suggesting.clauses import (
    clause_models,
    document_clauses,
    learn_clauses,
    suggest_clauses,
)
from akkord.services.suggesting.edits import AddSuggestions
from akkord.services.suggesting.model import CLAUSE
from akkord.store import Project
from akkord.store.models import Document
from tests.services.editing import add

LEARN = ("Russland krever at Nato ikke tar opp flere medlemmer. Lavrov møtte Blinken i "
         "Genève. Moskva krever at alliansen trekker styrker ut av øst, sa Lavrov. "
         "Nato avviser kravet om veto over nye medlemmer. Putin krever at USA gir "
         "garantier.")
NEW = ("Kreml krever at Nato ikke skal ha våpen der etter 27. mai "
       "1997. Stoltenberg sa at alliansen er klar.\nLavrov krever at Ukraina aldri blir "
       "medlem, og mer. Putin krever at Nato trekker seg ut av alle land som ble medlemmer "
       "av alliansen etter at Sovjetunionen falt sammen.")


def spans(text: str, *clauses: str) -> list[tuple[int, int]]:
    return [(text.index(c), text.index(c) + len(c)) for c in clauses]


CLAUSES = ("at Nato ikke tar opp flere medlemmer", "at alliansen trekker styrker ut av øst",
           "at USA gir garantier")


def test_triggers_and_ends_come_from_the_layers_own_clauses() -> None:
    model = learn_clauses("DEMAND", [(LEARN, spans(LEARN, *CLAUSES))])
    assert model is not None
    assert model.triggers[("kreve", "|", "at")] == 0.75  # 3 clauses after 3 of "krever at"
    assert ("kravet", "om", "|") not in model.triggers  # the layer marked none after it
    assert model.stops == {".", ",", "\n"}
    found = suggest_clauses(model, NEW, [])
    assert [NEW[s.start:s.end] for s in found] == [
        "at Nato ikke skal ha våpen der etter 27. mai 1997",
        "at Ukraina aldri blir medlem"]  # the third is longer than twice the longest
    assert {(s.label, s.origin, s.score, s.entity_id) for s in found} == {
        ("DEMAND", CLAUSE, 0.75, None)}
    # a place the layer has a mention of the label is left alone
    taken = spans(NEW, "Nato ikke skal ha våpen")[0]
    assert len(suggest_clauses(model, NEW, [(*taken, "DEMAND")])) == 1


def test_too_few_clauses_or_short_labels_suggest_nothing() -> None:
    assert learn_clauses("DEMAND", [(LEARN, spans(LEARN, *CLAUSES[:2]))]) is None


def test_a_layer_learns_clauses_from_its_documents_and_they_are_written_as_edits(
        project: Project) -> None:
    with project.write() as session:
        for n, text in enumerate((LEARN, NEW)):
            session.add(Document(content_hash=f"c{n}", text=text, meta={}, parts=[]))
    kari = Annotation(project, "kari")
    with project.read() as session:
        assert document_clauses(session, kari.annotator_id, 2) == []
    for span in spans(LEARN, *CLAUSES):
        add(kari, 1, span, "DEMAND")
    for span in spans(LEARN, "Russland", "Lavrov", "Blinken"):
        add(kari, 1, span, "ACTOR")  # short mentions: ACTOR is no clause label
    kari.apply(SetStatus(1, DocumentStatus.DONE))
    with project.read() as session:
        assert [m.label for m in clause_models(session, kari.annotator_id)] == ["DEMAND"]
        found = document_clauses(session, kari.annotator_id, 2)
    assert len(found) == 2
    applied = kari.apply(AddSuggestions(2, tuple(found)))
    assert len(applied.changes.mentions) == 2
    with project.read() as session:  # written: not proposed again
        assert document_clauses(session, kari.annotator_id, 2) == []
    kari.apply(applied.inverse)
    with project.read() as session:
        assert len(document_clauses(session, kari.annotator_id, 2)) == 2
