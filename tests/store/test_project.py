"""Opening, creating and protecting project databases, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import aliased

from akkord.errors import WriteConflictError
from akkord.store import Project, ProjectError, open_project
from akkord.store.models import Annotator, Document, Entity, EntityValue, Mention


def _actor(session, key: str, name: str) -> Entity:
    entity = Entity(key=key, kind="actor", name=name)
    session.add(entity)
    session.flush()
    return entity


def test_new_project_has_the_default_schema(project: Project) -> None:
    assert project.schema.label_names == ("ACTOR", "DEMAND", "MEETING", "TIME", "PLACE")
    assert project.schema.label("ACTOR").key == "1"
    assert project.setting("created_with")


def test_reopening_keeps_data(store_url: str) -> None:
    with open_project(store_url, create=True) as created, created.write() as session:
        session.add(Annotator(name="anna"))
    with open_project(store_url) as reopened, reopened.read() as session:
        assert session.scalars(select(Annotator.name)).all() == ["anna"]


def test_creating_over_an_existing_project_is_refused(project: Project) -> None:
    with pytest.raises(ProjectError, match="already"):
        open_project(project.path or project.url, create=True)


def test_missing_project_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match=r"no project at .*akkord init"):
        open_project(tmp_path / "missing.akkord")


def test_a_non_database_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.akkord"
    bogus.write_text("just some text", encoding="utf-8")
    with pytest.raises(ProjectError, match="not an Akkord project"):
        open_project(bogus)


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.akkord"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    with pytest.raises(ProjectError, match="not an Akkord project"):
        open_project(other)


def test_a_project_from_a_newer_akkord_is_refused(sqlite_project: Project) -> None:
    path = sqlite_project.path
    sqlite_project.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(ProjectError, match="newer Akkord"):
        open_project(path)


def test_sqlite_is_durable_and_checks_foreign_keys(sqlite_project: Project) -> None:
    with sqlite_project.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_references_are_joins(project: Project) -> None:
    """'Every demand whose claimant is Russia' is a join over real foreign keys."""
    with project.write() as session:
        russia = _actor(session, "actor/russland", "Russland")
        usa = _actor(session, "actor/usa", "USA")
        for key, claimant in (("demand/a", russia), ("demand/b", usa), ("demand/c", russia)):
            demand = Entity(key=key, kind="demand", name=key)
            demand.values.append(EntityValue(attribute="claimant", ref=claimant))
            session.add(demand)
    claimant = aliased(Entity)
    with project.read() as session:
        keys = session.scalars(
            select(Entity.key).join(EntityValue, EntityValue.entity_id == Entity.id)
            .join(claimant, claimant.id == EntityValue.ref_id)
            .where(EntityValue.attribute == "claimant", claimant.name == "Russland")
            .order_by(Entity.key)).all()
    assert keys == ["demand/a", "demand/c"]


def test_deleting_a_referenced_actor_is_refused(project: Project) -> None:
    with project.write() as session:
        russia = _actor(session, "actor/russland", "Russland")
        demand = Entity(key="demand/x", kind="demand", name="x")
        demand.values.append(EntityValue(attribute="claimant", ref=russia))
        session.add(demand)
    with pytest.raises(WriteConflictError), project.write() as session:
        session.execute(delete(Entity).where(Entity.key == "actor/russland"))
    with project.read() as session:
        assert session.scalar(select(Entity.id).where(Entity.key == "actor/russland"))


def test_deleting_a_linked_actor_is_refused(project: Project) -> None:
    with project.write() as session:
        nato = _actor(session, "actor/nato", "Nato")
        doc = Document(content_hash="h", text="Nato møtes.", meta={}, parts=[])
        session.add(doc)
        session.flush()
        session.add(Mention(document_id=doc.id, annotator_id=Project.annotator_id(session, "a"),
                            start=0, end=4, label="ACTOR", entity_id=nato.id))
    with pytest.raises(WriteConflictError), project.write() as session:
        session.execute(delete(Entity).where(Entity.key == "actor/nato"))


def test_concurrent_edit_of_an_entity_is_detected(project: Project) -> None:
    """Two sessions load version 1; the second one's update must not overwrite the first."""
    with project.write() as session:
        _actor(session, "actor/nato", "Nato")
    with project.read() as first_view:
        stale = first_view.scalars(select(Entity).where(Entity.key == "actor/nato")).one()
        first_view.expunge(stale)
    with project.write() as session:
        current = session.scalars(select(Entity).where(Entity.key == "actor/nato")).one()
        current.name = "NATO"
    with pytest.raises(WriteConflictError), project.write() as session:
        merged = session.merge(stale, load=False)
        merged.name = "North Atlantic Treaty Organization"
    with project.read() as session:
        assert session.scalar(select(Entity.name)) == "NATO"
        assert session.scalar(select(Entity.version)) == 2


def test_a_span_must_not_be_empty(project: Project) -> None:
    with project.write() as session:
        doc = Document(content_hash="h2", text="abc", meta={}, parts=[])
        session.add(doc)
        annotator = Project.annotator_id(session, "a")
    with pytest.raises(WriteConflictError), project.write() as session:
        session.add(Mention(document_id=doc.id, annotator_id=annotator, start=2, end=2,
                            label="ACTOR"))


def test_a_failed_write_leaves_nothing(project: Project) -> None:
    with pytest.raises(RuntimeError), project.write() as session:
        session.add(Annotator(name="ghost"))
        session.flush()
        raise RuntimeError("boom")
    with project.read() as session:
        assert session.scalar(select(Annotator.id).where(Annotator.name == "ghost")) is None


def test_version_counter_via_core_update_guard(project: Project) -> None:
    """The service-level guard: UPDATE … WHERE version = seen changes 0 rows when stale."""
    with project.write() as session:
        _actor(session, "actor/osse", "OSSE")
    with project.write() as session:
        first = session.execute(update(Entity).where(Entity.version == 1)
                                .values(name="OSCE", version=Entity.version + 1))
        assert first.rowcount == 1
        second = session.execute(update(Entity).where(Entity.version == 1)
                                 .values(name="Organisasjonen", version=Entity.version + 1))
        assert second.rowcount == 0
        assert session.execute(text("SELECT name FROM entities")).scalar() == "OSCE"
