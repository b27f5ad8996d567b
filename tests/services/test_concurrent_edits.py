"""Two writers creating the same thing at the same instant: no raw database error.

On PostgreSQL (READ COMMITTED) a select-then-insert races: the second writer's INSERT
waits on the first's uncommitted row and then violates the unique key. A new entity then
takes the next free key; a document's first edit from two windows finds the progress row
already there. (SQLite runs one writer at a time, so there the race cannot happen.)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import insert, select, text

from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.edits import Applied
from akkord.store import Project, open_project
from akkord.store.models import Document, DocumentState, Entity


def _wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll until ``condition`` holds (the other transaction is waiting on a lock)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the second writer never reached the lock"
        threading.Event().wait(0.02)


def _blocked(project: Project) -> bool:
    with project.read() as session:
        return bool(session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()")))


def _race(project: Project, first: Callable[[object], None], second: Callable[[], Applied]
          ) -> Applied:
    """``first`` writes inside a transaction held open until ``second`` waits on it."""
    results: list[Applied | BaseException] = []

    def run_second() -> None:
        try:
            results.append(second())
        except BaseException as error:  # reported by the assertion below
            results.append(error)

    thread = threading.Thread(target=run_second)
    with project.write() as session:
        first(session)
        thread.start()
        _wait_until(lambda: _blocked(project))
    thread.join(60)
    (result,) = results
    assert isinstance(result, Applied), f"the second writer failed: {result!r}"
    return result


ON_POSTGRES = pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)


@pytest.mark.postgres
@ON_POSTGRES
def test_two_new_entities_with_one_name_get_two_keys(store_url: str) -> None:
    with open_project(store_url, create=True) as project:
        ola = Annotation(project, "ola")
        annotator = ola.annotator_id
        created = _race(project, lambda s: s.execute(insert(Entity).values(  # type: ignore[attr-defined]
            key="actor/usa", kind="actor", name="USA", version=1, created_by=annotator)),
            lambda: ola.apply(edits.CreateEntity("actor", "USA")))
        (entity_id,) = created.changes.entities
        with project.read() as session:
            keys = sorted(session.scalars(select(Entity.key)))
        assert keys == ["actor/usa", "actor/usa-2"]
        assert ola.entity(entity_id).key == "actor/usa-2"


@pytest.mark.postgres
@ON_POSTGRES
def test_a_documents_first_edit_from_two_windows(store_url: str) -> None:
    with open_project(store_url, create=True) as project:
        with project.write() as session:
            session.add(Document(content_hash="h", text="Nato og Russland.", meta={},
                                 parts=[]))
        kari = Annotation(project, "kari")
        layer = kari.annotator_id
        added = _race(project, lambda s: s.execute(insert(DocumentState).values(  # type: ignore[attr-defined]
            document_id=1, annotator_id=layer, status="in progress")),
            lambda: kari.apply(edits.AddMention(1, 0, 4, "ACTOR")))
        assert added.focus is not None
        assert kari.load_document(1).status == "in progress"
