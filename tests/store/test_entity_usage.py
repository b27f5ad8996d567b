"""Entity usage (``entity_usage``, kept by triggers on ``mentions``, migration 0007) and
its totals (``entity_totals``, kept by triggers on ``entity_usage``, migration 0008): after
any sequence of edits and undos, on SQLite and PostgreSQL, they say what the mentions say;
a project migrated from 0006 or 0007 gets its counts filled in; a document's or an
entity's deletion takes its share away; reading an entity's counts does not grow with the
documents it is in."""

from __future__ import annotations

from collections import Counter
from itertools import count
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from akkord.services import edits, queries
from akkord.services.annotation import Annotation
from akkord.services.edits import Applied
from akkord.store import Project, migrate, open_project
from akkord.store.invariants import check_invariants
from akkord.store.models import Document, Entity, EntityTotals, Mention
from tests.services.editing import add, new_entity

TEXT = "Nato og Russland møttes i Genève. Russland krevde at Nato stanset utvidelsen."
WORDS = [(0, 4), (8, 16), (26, 32), (34, 42), (53, 57)]
STATUSES = ("manual", "suggested", "accepted", "rejected")
_FRESH = count()  # names and hashes unique across hypothesis examples in one project


def _documents(project: Project, count: int) -> list[int]:
    with project.write() as session:
        docs = [Document(content_hash=f"h{next(_FRESH)}", text=TEXT, meta={}, parts=[],
                         title=f"d{i}") for i in range(count)]
        session.add_all(docs)
        session.flush()
        return [d.id for d in docs]


def _counted(project: Project, layer: Annotation, entity_id: int) -> tuple[int, int]:
    """(mentions, documents) of the entity in the layer, counted from the mentions."""
    with project.read() as session:
        docs = session.scalars(select(Mention.document_id).where(
            Mention.entity_id == entity_id, Mention.annotator_id == layer.annotator_id)).all()
    return len(docs), len(Counter(docs))


def _mentions(project: Project, layer: Annotation) -> list[int]:
    with project.read() as session:
        return list(session.scalars(select(Mention.id).where(
            Mention.annotator_id == layer.annotator_id).order_by(Mention.id)))


def _usage_findings(project: Project) -> list[str]:
    with project.db.engine.connect() as conn:
        return [str(f) for f in check_invariants(conn)
                if "count of mentions" in f.rule or "total of mentions" in f.rule]


step = st.tuples(st.sampled_from(["add", "relink", "unlink", "delete", "status", "undo"]),
                 st.integers(0, 1), st.integers(0, len(WORDS) - 1), st.integers(0, 1))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_counts_follow_any_edits_and_undos(project: Project,
                                           steps: list[tuple[str, int, int, int]]) -> None:
    layer = Annotation(project, "kari")
    docs = _documents(project, 2)
    entities = [new_entity(layer, "actor", f"E{next(_FRESH)}") for i in range(2)]
    done: list[Applied] = []
    for action, doc, word, which in steps:
        mine = _mentions(project, layer)
        target = mine[word % len(mine)] if mine else None
        edit: edits.Edit | None = None
        if action == "add":
            edit = edits.AddMention(docs[doc], *WORDS[word], "ACTOR", entity_id=entities[which])
        elif target is not None and action == "relink":
            edit = edits.UpdateMention(target, entity_id=entities[which])
        elif target is not None and action == "unlink":
            edit = edits.UpdateMention(target, entity_id=None)
        elif target is not None and action == "status":
            edit = edits.UpdateMention(target, status=STATUSES[(word + which) % len(STATUSES)])
        elif target is not None and action == "delete":
            edit = edits.DeleteMention(target)
        elif action == "undo" and done:
            edit = done.pop().inverse
        if edit is not None:
            applied = layer.apply(edit)
            if action != "undo":
                done.append(applied)
    for entity_id in entities:
        shown = layer.entity(entity_id)
        assert (shown.mentions, shown.documents) == _counted(project, layer, entity_id)
    assert _usage_findings(project) == []


def test_a_project_from_0006_gets_its_counts(store_url: str) -> None:
    with open_project(store_url, create=True) as project:
        layer = Annotation(project, "kari")
        docs = _documents(project, 3)
        nato = new_entity(layer, "actor", "Nato")
        for doc in docs[:2]:
            add(layer, doc, WORDS[0], "ACTOR", entity_id=nato)
            add(layer, doc, WORDS[4], "ACTOR", entity_id=nato)
        with project.db.connect_write() as conn:
            migrate.downgrade(conn, "0006")
            migrate.upgrade(conn)
        assert (layer.entity(nato).mentions, layer.entity(nato).documents) == (4, 2)
        assert _usage_findings(project) == []


def test_a_project_from_0007_gets_its_totals(store_url: str) -> None:
    with open_project(store_url, create=True) as project:
        layer = Annotation(project, "kari")
        docs = _documents(project, 3)
        nato = new_entity(layer, "actor", "Nato")
        for doc in docs:
            add(layer, doc, WORDS[0], "ACTOR", entity_id=nato)
        add(layer, docs[0], WORDS[4], "ACTOR", entity_id=nato)
        with project.db.connect_write() as conn:
            migrate.downgrade(conn, "0007")
            migrate.upgrade(conn)
        assert (layer.entity(nato).mentions, layer.entity(nato).documents) == (4, 3)
        assert _usage_findings(project) == []


def test_deleting_a_document_or_an_entity_takes_its_counts_away(project: Project) -> None:
    """Cascades (a document's mentions, an entity's usage rows) fire the triggers too."""
    layer = Annotation(project, "kari")
    docs = _documents(project, 3)
    nato, russia = (new_entity(layer, "actor", f"E{next(_FRESH)}") for _ in range(2))
    for doc in docs:
        add(layer, doc, WORDS[0], "ACTOR", entity_id=nato)
        add(layer, doc, WORDS[1], "ACTOR", entity_id=russia)
    with project.write() as session:
        session.execute(delete(Document).where(Document.id == docs[0]))
    assert (layer.entity(nato).mentions, layer.entity(nato).documents) == (2, 2)
    with project.write() as session:  # unlinked first: an entity in use cannot go
        session.execute(update(Mention).where(Mention.entity_id == russia).values(
            entity_id=None))
        session.execute(delete(Entity).where(Entity.id == russia))
    with project.read() as session:
        assert session.execute(select(EntityTotals.entity_id, EntityTotals.mentions,
                                      EntityTotals.documents)).all() == [(nato, 2, 2)]
    assert _usage_findings(project) == []


def _steps_to_read_counts(project: Project, layer: Annotation, entity_id: int) -> int:
    """SQLite's virtual-machine steps to read the entity's counts, as the window does."""
    steps = 0

    def count_step() -> int:
        nonlocal steps
        steps += 1
        return 0

    with project.read() as session:
        raw = session.connection().connection.driver_connection
        raw.set_progress_handler(count_step, 1)
        try:
            found = queries.entities_by_id(session, layer.layer, [entity_id])
        finally:
            raw.set_progress_handler(None, 1)
    assert found and found[0].documents > 0
    return steps


def test_reading_an_entitys_counts_does_not_grow_with_its_documents(tmp_path: Path,
                                                                   ) -> None:
    """An entity linked in 5 documents and one linked in 200: the same work to read."""
    steps = []
    for size in (5, 200):
        with open_project(tmp_path / f"{size}.akkord", create=True) as project:
            layer = Annotation(project, "kari")
            nato = new_entity(layer, "actor", "Nato")
            docs = _documents(project, size)
            with project.write() as session:
                session.add_all(Mention(document_id=doc, annotator_id=layer.annotator_id,
                                        start=0, end=4, label="ACTOR", status="manual",
                                        entity_id=nato) for doc in docs)
            steps.append(_steps_to_read_counts(project, layer, nato))
    assert steps[1] == steps[0], steps
