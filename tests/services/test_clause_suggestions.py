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
from tests.services.editing import add, create_entity

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


SEEN = ("Moskva krever at Nato ikke tar opp flere medlemmer. Lavrov sa at samtalene var "
        "nyttige. Russland vil at alliansen trekker styrker ut av øst. Kreml mener at "
        "USA må gi garantier.")
AGAIN = ("Lavrov gjentok at Nato ikke skal ta opp flere medlemmer. Han sa at været "
         "var fint. Peskov sa at styrkene må trekkes ut av øst.")


def test_a_clause_like_a_linked_one_is_proposed_with_its_entity() -> None:
    """The same demand in other words is proposed linked to the entity of the layer's
    most similar clause (rare words weigh most), with the margin over another entity's;
    a clause after the same word that shares only common words is not."""
    demands = ("at Nato ikke tar opp flere medlemmer", "at alliansen trekker styrker ut av øst",
               "at USA må gi garantier")
    linked = [(demands[0], 11), (demands[1], 12), (demands[2], 13)]
    model = learn_clauses("DEMAND", [(SEEN, spans(SEEN, *demands))], linked)
    assert model is not None
    assert model.firsts == {"at"}  # three clauses begin with it
    found = suggest_clauses(model, AGAIN, [])
    assert [(AGAIN[s.start:s.end], s.entity_id) for s in found] == [
        ("at Nato ikke skal ta opp flere medlemmer", 11),
        ("at styrkene må trekkes ut av øst", 12)]
    first = found[0]
    assert first.origin == CLAUSE and 0.3 <= first.score <= 1
    assert first.gap is not None and 0 < first.gap <= first.score
    # without the linked clauses, nothing: "at" alone proposes no clause
    unlinked = learn_clauses("DEMAND", [(SEEN, spans(SEEN, *demands))])
    assert unlinked is not None and suggest_clauses(unlinked, AGAIN, []) == []


def test_the_layers_linked_clauses_are_learned_from_the_project(project: Project) -> None:
    with project.write() as session:
        for n, text in enumerate((SEEN, AGAIN)):
            session.add(Document(content_hash=f"s{n}", text=text, meta={}, parts=[]))
    kari = Annotation(project, "kari")
    demands = ("at Nato ikke tar opp flere medlemmer", "at alliansen trekker styrker ut av øst",
               "at USA må gi garantier")
    entities = [create_entity(kari, "demand", name).id
                for name in ("Ingen utvidelse", "Styrkene ut", "Garantier")]
    for span, entity in zip(spans(SEEN, *demands), entities, strict=True):
        add(kari, 1, span, "DEMAND", entity_id=entity)
    kari.apply(SetStatus(1, DocumentStatus.DONE))
    with project.read() as session:
        found = document_clauses(session, kari.annotator_id, 2)
    assert [(AGAIN[s.start:s.end], s.entity_id) for s in found] == [
        ("at Nato ikke skal ta opp flere medlemmer", entities[0]),
        ("at styrkene må trekkes ut av øst", entities[1])]


def test_a_similar_clause_begins_after_a_later_trigger_when_that_is_more_like() -> None:
    """ "at Moskva vil ha | juridiske garantier": the layer begins such clauses after
    "vil ha", and the part after it is the linked clause itself."""
    seen = ("Putin vil ha juridiske garantier. Kreml sa at Nato må trekke seg ut. "
            "Lavrov sa at USA må svare. Peskov sa at Ukraina ikke blir medlem.")
    demands = ("juridiske garantier", "at Nato må trekke seg ut", "at USA må svare",
               "at Ukraina ikke blir medlem")
    model = learn_clauses("DEMAND", [(seen, spans(seen, *demands))],
                          [(d, n) for n, d in enumerate(demands)])
    assert model is not None and model.triggers[("ville", "ha", "|")] == 0.5
    again = "Grusjko sa at Moskva vil ha juridiske garantier."
    found = suggest_clauses(model, again, [])
    assert [(again[s.start:s.end], s.entity_id, s.score) for s in found] == [
        ("juridiske garantier", 0, 1.0)]


def test_a_clause_a_quarter_like_a_linked_one_is_proposed() -> None:
    """A wording that shares about a quarter of the weighted words ("at Nato ikke skal ta
    opp nye land") is proposed: a clause a few words off costs a few word moves in the
    window, so proposals pay from a lower similarity (the demo's replay: 0.2)."""
    demands = ("at Nato ikke tar opp flere medlemmer", "at alliansen trekker styrker ut av øst",
               "at USA må gi garantier")
    linked = [(demands[0], 11), (demands[1], 12), (demands[2], 13)]
    model = learn_clauses("DEMAND", [(SEEN, spans(SEEN, *demands))], linked)
    assert model is not None
    text = "Moskva krever at Nato ikke skal ta opp nye land. Været var fint."
    found = suggest_clauses(model, text, [])
    assert [(text[s.start:s.end], s.entity_id) for s in found] == [
        ("at Nato ikke skal ta opp nye land", 11)]
    assert 0.2 <= found[0].score < 0.3
