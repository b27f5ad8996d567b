"""Alembic migrations: the head is what the code expects, and the models match it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from akkord.store import Project, migrate, open_project
from akkord.store.models import Annotator, Base


def test_head_constant_is_alembics_head() -> None:
    assert ScriptDirectory(str(migrate.MIGRATIONS)).get_current_head() == migrate.HEAD


def test_models_match_the_migrations(project: Project) -> None:
    """A model change without a migration shows up here, on SQLite and PostgreSQL."""
    with project.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_every_revision_downgrades_and_upgrades(store_url: str) -> None:
    with open_project(store_url, create=True) as project:
        with project.db.connect_write() as conn:
            migrate.downgrade(conn, "base")
        with project.db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        with project.db.connect_write() as conn:
            migrate.upgrade(conn)
        with project.db.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.HEAD


def test_an_older_project_is_backed_up_then_migrated(tmp_path: Path) -> None:
    """A project at an older revision is copied (with its data) before it is migrated."""
    path = tmp_path / "old.akkord"
    with open_project(path, create=True) as project, project.write() as session:
        session.add(Annotator(name="kari"))
    older = migrate.known_revisions()[1]  # the revision before head
    with open_project(path) as project, project.db.connect_write() as conn:
        migrate.downgrade(conn, older)
    with open_project(path) as project:
        assert project.migration is not None
        assert project.migration.from_revision == older
        backup = project.migration.backup
        with project.db.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.HEAD
        with project.read() as session:
            assert session.scalars(select(Annotator.name)).all() == ["kari"]
    assert backup is not None and backup.name.startswith("old.akkord.bak-r" + older)
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (older,)
        assert conn.execute("SELECT name FROM annotators").fetchall() == [("kari",)]
    with open_project(path) as project:
        assert project.migration is None  # migrated once, not again
