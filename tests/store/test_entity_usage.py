"""Entity usage (``entity_usage``, kept by triggers on ``mentions``, migration 0007): after
any sequence of edits and undos, on SQLite and PostgreSQL, it says what the mentions say;
a project migrated from 0006 gets its counts filled in."""

from __future__ import annotations

from collections import Counter
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.edits import Applied
from akkord.store import Project, migrate, open_project
from akkord.store.invariants import check_invariants
from akkord.store.models import Document, Mention
from tests.services.editing import add, new_entity

TEXT = "Nato og Russland møttes i Genève. Russland krevde at Nato stanset utvidelsen."
WORDS = [(0, 4), (8, 16), (26, 32), (34, 42), (53, 57)]
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
        return [str(f) for f in check_invariants(conn) if "count of mentions" in f.rule]


step = st.tuples(st.sampled_from(["add", "relink", "unlink", "delete", "undo"]),
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
