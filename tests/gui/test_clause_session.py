"""Clause suggestions through the window's annotation session: learned from the demands
the layer made in a finished document, shown on the next document's first opening."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from akkord.domain.statuses import DocumentStatus
from akkord.gui.session import AnnotationSession, SuggestionKinds
from akkord.store import open_project
from akkord.store.models import Document
from tests.services.test_clause_suggestions import CLAUSES, LEARN, NEW, spans


def _session(path: Path, model: bool) -> AnnotationSession:
    with open_project(path, create=True) as project, project.write() as session:
        for n, text in enumerate((LEARN, NEW, NEW), 1):
            session.add(Document(content_hash=f"k{n}", text=text, meta={}, parts=[]))
    layer = AnnotationSession(open_project(path), "kari", suggest=True)
    layer.kinds = SuggestionKinds(names=True, occurrences=True, model=model)
    return layer


def _clauses(layer: AnnotationSession) -> list[str]:
    document = layer.document
    assert document is not None
    return sorted(NEW[m.start:m.end] for m in document.mentions.values()
                  if m.origin == "clause" and m.status == "suggested")


def test_a_finished_documents_demands_are_proposed_on_the_next_opening(
        qtbot: QtBot, tmp_path: Path) -> None:
    layer = _session(tmp_path / "c.akkord", model=True)
    layer.open_document(2)
    assert _clauses(layer) == []  # nothing learned yet
    layer.open_document(1)
    for start, end in spans(LEARN, *CLAUSES):
        assert layer.add_mention(start, end, "DEMAND") is not None
    layer.set_status(DocumentStatus.DONE)
    steps = layer.undo_stack.count()
    layer.open_document(3)
    assert _clauses(layer) == ["at Nato ikke skal ha våpen der etter 27. mai 1997",
                               "at Ukraina aldri blir medlem"]
    assert layer.undo_stack.count() == steps  # nobody's action: not on the undo stack


def test_without_the_model_no_clauses_are_proposed(qtbot: QtBot, tmp_path: Path) -> None:
    layer = _session(tmp_path / "c.akkord", model=False)
    layer.open_document(1)
    for start, end in spans(LEARN, *CLAUSES):
        layer.add_mention(start, end, "DEMAND")
    layer.set_status(DocumentStatus.DONE)
    layer.open_document(3)
    assert _clauses(layer) == []
