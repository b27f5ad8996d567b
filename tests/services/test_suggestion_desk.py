"""What the window reads to suggest (SQLite and PostgreSQL): the review queue with names
and titles, the names matcher kept until forgotten, the threshold, the training cap."""

from __future__ import annotations

import pytest

from akkord.services.annotation import Annotation
from akkord.services.edits import SetStatus
from akkord.services.suggesting import MODEL, Suggestion
from akkord.services.suggesting.desk import SuggestionDesk
from akkord.services.suggesting.edits import AddSuggestions, RememberAlias
from akkord.services.suggesting.recommender import (
    NotTrained,
    Recommender,
    Settings,
    training_examples,
)
from akkord.store import Project
from akkord.store.models import Document
from tests.services.editing import add, new_entity

TEXTS = ("Nato møtte Russland i Brussel.", "Russland svarte Nato.", "Alliansen svarte.")


@pytest.fixture
def kari(project: Project) -> Annotation:
    with project.write() as session:
        for n, text in enumerate(TEXTS, 1):
            session.add(Document(content_hash=f"d{n}", text=text, meta={}, parts=[],
                                 title=f"Artikkel {n}"))
    return Annotation(project, "kari")


def test_the_queue_names_and_titles(project: Project, kari: Annotation) -> None:
    nato = new_entity(kari, "actor", "Nato")
    kari.apply(AddSuggestions(2, (Suggestion(16, 20, "ACTOR", MODEL, nato, 0.7, 0.05),
                                  Suggestion(0, 8, "ACTOR", MODEL, None, 0.9, 0.6))))
    desk = SuggestionDesk(project, kari.annotator_id)
    assert [i.text for i in desk.queue(2)] == ["Russland", "Nato"]
    assert [i.text for i in desk.queue(by_gap=True)] == ["Nato", "Russland"]
    assert desk.names([nato]) == {nato: "Nato"} and desk.titles([2]) == {2: "Artikkel 2"}


def test_the_matcher_is_kept_until_names_change(project: Project, kari: Annotation) -> None:
    nato = new_entity(kari, "actor", "Nato")
    desk = SuggestionDesk(project, kari.annotator_id)
    assert [s.entity_id for s in desk.preannotation(3)] == []
    kari.apply(RememberAlias(nato, "alliansen"))
    assert desk.preannotation(3) == []  # the matcher built before the alias is kept …
    desk.forget_names()
    assert [(s.start, s.end, s.entity_id) for s in desk.preannotation(3)] == [(0, 9, nato)]


def test_the_threshold_is_the_projects_or_the_default(project: Project,
                                                      kari: Annotation) -> None:
    desk = SuggestionDesk(project, kari.annotator_id)
    assert desk.threshold() == 0.6
    project.set_setting("suggest.threshold", "0.75")
    assert desk.threshold() == 0.75
    for bad in ("much", "7"):
        project.set_setting("suggest.threshold", bad)
        assert desk.threshold() == 0.6


def test_training_reads_only_the_latest_documents_when_told(project: Project,
                                                            kari: Annotation) -> None:
    for doc in (1, 2):
        add(kari, doc, (0, 4) if doc == 1 else (0, 8), "ACTOR")
    kari.apply(SetStatus(3, "done"))
    with project.read() as session:
        every = training_examples(session, kari.annotator_id)
        latest = training_examples(session, kari.annotator_id, max_documents=2)
    assert [e.text for e in every] == list(TEXTS)
    assert [e.text for e in latest] == list(TEXTS[1:])
    assert latest[0].spans == ((0, 8, "ACTOR"),) and latest[1].spans == ()


def test_the_training_process_reads_the_same_examples_itself(project: Project,
                                                             kari: Annotation) -> None:
    """The window's trainer sends where the examples are, not the examples: read there
    (another process, its own connection), they must be the ones read here."""
    for doc in (1, 2):
        add(kari, doc, (0, 4) if doc == 1 else (0, 8), "ACTOR")
    desk = SuggestionDesk(project, kari.annotator_id)
    source = desk.example_source()
    assert source.read() == desk.training_examples()
    assert [e.spans for e in source.read()] == [((0, 4, "ACTOR"),), ((0, 8, "ACTOR"),)]
    with pytest.raises(NotTrained):  # two spans: too little, said by the child
        Recommender(Settings()).train_in_process(source)
