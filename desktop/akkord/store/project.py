"""Opening, creating and migrating a project database.

A project is one database: a ``NAME.akkord`` SQLite file by default, or a PostgreSQL
database given by URL. :func:`open_project` refuses anything that is not an Akkord
project, backs up and migrates an older one, and refuses one made by a newer Akkord.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from akkord import __version__
from akkord.domain.schema import Schema, parse_schema
from akkord.errors import AkkordError
from akkord.resources import default_schema_text
from akkord.store import migrate
from akkord.store.database import Database, database_url, is_sqlite
from akkord.store.models import Annotator, SchemaVersion, Setting

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
PROJECT_SUFFIX = ".akkord"


class ProjectError(AkkordError):
    """The project cannot be opened or created; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class MigrationReport:
    from_revision: str | None
    to_revision: str
    backup: Path | None


class Project:
    """An open project: its database, its current schema and its settings."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self.migration: MigrationReport | None = None
        self._schema: tuple[int, Schema] | None = None

    # -- identity -------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.db.url

    @property
    def name(self) -> str:
        if self.path is not None:
            return self.path.stem
        return make_url(self.url).database or self.url

    def __repr__(self) -> str:
        return f"<Project {self.name} at {self.path or make_url(self.url).render_as_string()}>"

    # -- transactions ---------------------------------------------------------------
    def read(self) -> AbstractContextManager[Session]:
        return self.db.read()

    def write(self) -> AbstractContextManager[Session]:
        return self.db.write()

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------
    @property
    def schema(self) -> Schema:
        """The current schema (re-read when another process stored a newer one)."""
        with self.read() as session:
            row = session.execute(
                select(SchemaVersion.id, SchemaVersion.toml).order_by(SchemaVersion.id.desc())
                .limit(1)).one_or_none()
        if row is None:
            raise ProjectError(f"{self.name} has no schema; it was not created by Akkord")
        if self._schema is None or self._schema[0] != row.id:
            self._schema = (row.id, parse_schema(row.toml, source=f"{self.name}'s schema"))
        return self._schema[1]

    def set_schema(self, toml_text: str, session: Session | None = None) -> Schema:
        """Validate and store a new schema version; it becomes the current one."""
        schema = parse_schema(toml_text)
        if session is None:
            with self.write() as own:
                own.add(SchemaVersion(name=schema.name, toml=toml_text))
        else:
            session.add(SchemaVersion(name=schema.name, toml=toml_text))
        return schema

    # -- settings and annotators ------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.read() as session:
            value = session.get(Setting, key)
            return value.value if value else default

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as session:
            session.merge(Setting(key=key, value=value))

    @staticmethod
    def annotator_id(session: Session, name: str) -> int:
        """The id of the annotator called ``name``, created on first use."""
        name = name.strip()
        if not name:
            raise AkkordError("an annotator needs a name")
        found = session.scalar(select(Annotator.id).where(Annotator.name == name))
        if found is not None:
            return found
        annotator = Annotator(name=name)
        session.add(annotator)
        session.flush()
        return annotator.id


# -- opening ------------------------------------------------------------------------------

def _check_sqlite_file(path: Path) -> None:
    if path.is_dir():
        raise ProjectError(f"{path} is a folder, not a project file")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head and head != SQLITE_MAGIC:
        raise ProjectError(f"{path} is not an Akkord project (not a SQLite database)")


def _user_tables(conn: Connection) -> list[str]:
    return [t for t in inspect(conn).get_table_names() if t != "alembic_version"]


def _create(db: Database, schema_text: str | None, name: str) -> None:
    schema_text = schema_text or default_schema_text()
    schema = parse_schema(schema_text)
    with db.connect_write() as conn:
        migrate.upgrade(conn)
    with db.write() as session:
        session.add(SchemaVersion(name=schema.name, toml=schema_text))
        session.add(Setting(key="project_name", value=name))
        session.add(Setting(key="created_with", value=__version__))


def _migrate(db: Database, path: Path | None, revision: str | None) -> MigrationReport:
    backup = migrate.backup_sqlite(path, revision) if path is not None else None
    if backup:
        log.info("backed up %s to %s before migrating", path, backup)
    with db.connect_write() as conn:
        migrate.upgrade(conn)
    return MigrationReport(revision, migrate.HEAD, backup)


@contextmanager
def _translate_db_errors(where: str) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise ProjectError(f"cannot open {where}: {exc.orig}") from exc


def open_project(target: str | Path, *, create: bool = False,
                 schema_text: str | None = None) -> Project:
    """Open (or, with ``create``, create) the project at a path or database URL."""
    url = database_url(target)
    path = Path(make_url(url).database or "") if is_sqlite(url) else None
    if path is not None:
        if path.exists() and create and path.stat().st_size:
            raise ProjectError(f"{path} already exists; open it instead of creating it")
        if not path.exists() and not create:
            raise ProjectError(f"no project at {path}; create one with: akkord init {path}")
        if path.exists():
            _check_sqlite_file(path)
        elif not path.parent.is_dir():
            raise ProjectError(f"cannot create {path}: the folder {path.parent} does not exist")
    db = Database(url)
    try:
        with _translate_db_errors(str(path or url)):
            project = _open(db, path, create, schema_text)
    except BaseException:
        db.dispose()
        raise
    return project


def _open(db: Database, path: Path | None, create: bool, schema_text: str | None) -> Project:
    with db.engine.connect() as conn:
        revision = migrate.current_revision(conn)
        tables = _user_tables(conn)
    where = str(path) if path else db.url
    if revision is None and tables:
        raise ProjectError(f"{where} holds other tables and is not an Akkord project")
    project = Project(db, path)
    if revision is None:
        if not create:
            raise ProjectError(f"{where} is empty; create a project with: akkord init")
        _create(db, schema_text, path.stem if path else (make_url(db.url).database or "project"))
        return project
    if create:
        raise ProjectError(f"{where} is already an Akkord project; open it instead")
    if revision != migrate.HEAD:
        if revision not in migrate.known_revisions():
            raise ProjectError(f"{where} was made by a newer Akkord (database revision "
                               f"{revision}); upgrade Akkord to open it")
        project.migration = _migrate(db, path, revision)
    return project
