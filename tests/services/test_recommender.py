"""The recommender: trained on a project's own annotations, evaluated on held-out
sentences, gated by its threshold, cancellable, and never proposing a rejected place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import insert

from akkord.services.progress import Cancelled, Progress
from akkord.services.suggesting import MODEL
from akkord.services.suggesting.recommender import (
    BACKGROUND_NICENESS,
    Example,
    NotTrained,
    Recommender,
    Settings,
    recommend,
    score_spans,
    training_examples,
)
from akkord.store import Project
from akkord.store.models import Document, DocumentState, Mention

NAMES = ["Jens Stoltenberg", "Sergej Lavrov", "Antony Blinken", "Wendy Sherman",
         "Olaf Scholz", "Annalena Baerbock", "Zbigniew Rau", "Karen Donfried"]
PLACES = ["Genève", "Brussel", "Wien", "Berlin", "Moskva", "Washington", "Oslo", "Paris"]
VERBS = ["møtte", "snakket med", "ringte til", "besøkte"]


def corpus(n: int) -> tuple[str, list[tuple[int, int, str]]]:
    """Sentences like "I Wien møtte Jens Stoltenberg pressen onsdag." with their spans."""
    text, spans = "", []
    for i in range(n):
        place, name = PLACES[i % len(PLACES)], NAMES[(i * 3) % len(NAMES)]
        verb = VERBS[i % len(VERBS)]
        start = len(text) + 2
        text += f"I {place} "
        spans.append((start, start + len(place), "PLACE"))
        text += f"{verb} "
        start = len(text)
        text += f"{name} pressen i dag.\n"
        spans.append((start, start + len(name), "ACTOR"))
    return text, spans


def test_spans_are_scored_as_seqeval_counts_entities() -> None:
    gold = [(0, 0, 2, "A"), (0, 4, 5, "B"), (1, 0, 1, "A")]
    predicted = [(0, 0, 2, "A"), (0, 4, 6, "B"), (1, 0, 1, "B")]
    overall, labels = score_spans(gold, predicted)
    assert (overall.precision, overall.recall) == (round(1 / 3, 4), round(1 / 3, 4))
    assert labels["A"].recall == 0.5 and labels["B"].precision == 0.0


def test_it_learns_from_examples_evaluates_itself_and_respects_its_threshold() -> None:
    text, spans = corpus(60)
    recommender = Recommender(Settings(threshold=0.5, max_iterations=60))
    evaluation = recommender.train([Example(text, {}, tuple(spans))])
    assert evaluation.test_sentences == 12 and evaluation.train_sentences == 48
    assert evaluation.f1 >= 0.9 and set(evaluation.labels) == {"ACTOR", "PLACE"}
    assert recommender.active_labels == {"ACTOR", "PLACE"}
    new = "I Oslo møtte Wendy Sherman pressen i dag.\n"
    found = {(new[s.start:s.end], s.label) for s in recommender.suggest(new)}
    assert found == {("Oslo", "PLACE"), ("Wendy Sherman", "ACTOR")}
    assert all(s.origin == MODEL and 0 < s.score <= 1 and s.gap is not None
               for s in recommender.suggest(new))
    recommender.settings.threshold = 1.01  # no model is that good: it stays silent
    assert recommender.active_labels == frozenset() and recommender.suggest(new) == []
    assert recommender.tag(new)  # though it can still be asked directly


def test_too_little_to_learn_from_is_said_not_crashed() -> None:
    recommender = Recommender()
    with pytest.raises(NotTrained, match="at least 10 annotated sentences"):
        recommender.train([Example("Ingen navn her.\n", {}, ())])
    with pytest.raises(NotTrained, match="not been trained"):
        recommender.tag("Nato")
    assert recommender.suggest is not None and not recommender.trained


class _CancelAfter(Progress):
    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.total: int | None = None

    def start(self, total: int | None, description: str) -> None:
        self.total = total

    def advance(self, steps: int = 1) -> None:
        self.steps -= steps

    def cancelled(self) -> bool:
        return self.steps <= 0


def test_training_reports_progress_and_stops_when_cancelled() -> None:
    text, spans = corpus(40)
    recommender = Recommender(Settings(max_iterations=50))
    progress = _CancelAfter(3)
    with pytest.raises(Cancelled):
        recommender.train([Example(text, {}, tuple(spans))], progress)
    assert progress.total == 100 and progress.steps == 0
    assert not recommender.trained and recommender.evaluation is None


def test_the_project_trains_it_and_a_rejected_place_is_not_proposed_again(
        project: Project) -> None:
    text, spans = corpus(50)
    fresh = "I Oslo møtte Wendy Sherman pressen i dag.\nI Paris ringte til Olaf Scholz."
    with project.write() as session:
        kari = Project.annotator_id(session, "kari")
        done = session.execute(insert(Document).values(
            content_hash="r1", text=text, meta={}, parts=[]).returning(Document.id)
        ).scalar_one()
        new = session.execute(insert(Document).values(
            content_hash="r2", text=fresh, meta={}, parts=[]).returning(Document.id)
        ).scalar_one()
        session.execute(insert(Mention), [
            {"document_id": done, "annotator_id": kari, "start": s, "end": e, "label": label,
             "status": "manual"} for s, e, label in spans])
        session.execute(insert(Mention).values(  # a suggestion is not training data
            document_id=new, annotator_id=kari, start=2, end=6, label="ACTOR",
            status="suggested"))
        session.execute(insert(DocumentState).values(document_id=done, annotator_id=kari,
                                                     status="done"))
        oslo = fresh.index("Oslo")
        session.execute(insert(Mention).values(
            document_id=new, annotator_id=kari, start=oslo, end=oslo + 4, label="PLACE",
            status="rejected"))
    with project.read() as session:
        examples = training_examples(session, kari)
    assert [len(e.spans) for e in examples] == [100]
    recommender = Recommender(Settings(threshold=0.5, max_iterations=60))
    recommender.train(examples)
    with project.read() as session:
        found = {fresh[s.start:s.end] for s in recommend(session, recommender, kari, new)}
    assert "Oslo" not in found
    assert {"Wendy Sherman", "Paris", "Olaf Scholz"} <= found


def test_a_document_in_progress_teaches_only_up_to_its_last_mention(
        project: Project) -> None:
    text = "Jens Stoltenberg kom.\nLavrov kom.\nBlinken kom ikke.\n"
    with project.write() as session:
        kari = Project.annotator_id(session, "kari")
        doc = session.execute(insert(Document).values(
            content_hash="p1", text=text, meta={}, parts=[]).returning(Document.id)
        ).scalar_one()
        session.execute(insert(Mention).values(document_id=doc, annotator_id=kari,
                                               start=0, end=16, label="ACTOR",
                                               status="accepted"))
    with project.read() as session:
        [example] = training_examples(session, kari)
    assert example.limit == text.index(".") + 1  # the end of the first sentence
    assert example.spans == ((0, 16, "ACTOR"),)


class _Niceness(Progress):
    """Records, while training runs, how much lower its process's priority is."""

    def __init__(self) -> None:
        self.lower: list[int] = []

    def start(self, total: int | None, description: str) -> None:
        self.advance(0)

    def advance(self, steps: int = 1) -> None:
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        tasks = Path(f"/proc/{os.getpid()}/task")
        children = [int(pid) for task in tasks.iterdir() for pid in _children(task)]
        self.lower += [os.getpriority(os.PRIO_PROCESS, pid) - mine for pid in children
                       if _is_training(pid)]  # not the suite's PostgreSQL server

    def cancelled(self) -> bool:
        return False


def _children(task: Path) -> list[str]:
    """The child processes a thread of this process started; none when the thread has
    ended since the task list was read (the suite's other threads come and go)."""
    try:
        return (task / "children").read_text().split()
    except OSError:
        return []


def _is_training(pid: int) -> bool:
    try:
        return b"_child_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # ended meanwhile
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_the_training_process_yields_to_the_window() -> None:
    """Training runs beside the window on the same cores: its process is niced, so the
    keys the annotator presses are served first (a link took twice as long without)."""
    text, spans = corpus(40)
    progress = _Niceness()
    Recommender(Settings(max_iterations=20)).train_in_process(
        [Example(text, {}, tuple(spans))], progress)
    assert progress.lower and set(progress.lower) == {BACKGROUND_NICENESS}
