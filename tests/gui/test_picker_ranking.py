"""The link picker's ranking through the window's annotation session: the entities are
read once per opening of the picker (when it opens), and each key typed after that
ranks them without reading them again; a new opening sees what changed meanwhile."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from akkord.gui.session import AnnotationSession
from akkord.services import edits
from akkord.store import open_project
from akkord.store.models import Document
from tests.services.test_annotation import statements_run

TEXT = "Nato og Russland møttes. Natos generalsekretær svarte Russland."


def test_one_read_per_opening_of_the_picker(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project, project.write() as session:
        session.add(Document(content_hash="p1", text=TEXT, meta={}, parts=[]))
    layer = AnnotationSession(open_project(path), "kari")
    layer.open_document(1)
    layer.service.apply(edits.CreateEntity("actor", "Nato"))
    with statements_run() as run:  # the picker opens
        rank = layer.ranker("actor", 0)
        assert [c.name for c in rank("N")] == ["Nato"]
    assert any("entities" in statement for statement in run)
    layer.service.apply(edits.CreateEntity("actor", "Natos generalsekretær"))
    with statements_run() as run:
        assert [c.name for c in rank("Nat")] == ["Nato"]  # this opening's entities
        assert [c.name for c in rank("Nato")] == ["Nato"]
    assert not any("entities" in statement for statement in run), run
    names = [c.name for c in layer.ranker("actor", 0)("Nato")]
    assert names[:1] == ["Nato"] and "Natos generalsekretær" in names
    layer.project.close()
