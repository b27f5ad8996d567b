"""Opening, creating and migrating a project database.

A project is one database: a ``NAME.akkord`` SQLite file by default, or a PostgreSQL
database given by URL. :func:`open_project`

* refuses anything that is not an Akkord project, and says so;
* says a damaged file is damaged (truncated, overwritten, a bad page), names the
  ``.bak-*`` copies beside it and the ``akkord recover`` command
  (:class:`~akkord.errors.ProjectDamagedError`), instead of a driver traceback;
* opens a file it may not write (read-only file, folder or medium, immutable file)
  read-only: :attr:`Project.read_only` is true, writes are refused with a message and
  nothing at all is written while it is open;
* creates a new project in a temporary file renamed into place only when complete, so a
  failed ``akkord init`` leaves nothing behind;
* backs up and migrates an older project, and refuses one made by a newer Akkord;
* undoes an import that a crash interrupted (see :mod:`akkord.store.journal`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sqlite3
import struct
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from akkord import __version__
from akkord.domain.schema import Schema, parse_schema
from akkord.errors import AkkordError, ProjectDamagedError, ProjectError
from akkord.resources import default_schema_text
from akkord.store import journal, migrate
from akkord.store.bulk import insert_ignoring_conflicts
from akkord.store.columns import ANNOTATORS, SCHEMAS, SETTINGS
from akkord.store.database import Access, Database, database_url, sqlite_path
from akkord.store.faults import Where, damaged_message, translate
from akkord.store.fileguard import (
    APPLICATION_ID,
    SQLITE_MAGIC,
    Header,
    read_header,
    with_descriptor,
)
from akkord.store.models import Annotator, SchemaVersion, Setting

log = logging.getLogger(__name__)

PROJECT_SUFFIX = ".akkord"

__all__ = ["PROJECT_SUFFIX", "MigrationReport", "Project", "ProjectError", "open_project"]


@dataclass(frozen=True, slots=True)
class MigrationReport:
    from_revision: str | None
    to_revision: str
    backup: Path | None


# The window's start-up reads these: the tables' columns, not the mapped classes (see
# akkord.store.columns).
_LATEST_SCHEMA = select(func.max(SCHEMAS.id))


class Project:
    """An open project: its database, its current schema and its settings."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self.migration: MigrationReport | None = None
        self.recovered_imports: list[str] = []  # imports a crash interrupted, undone on open
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

    @property
    def read_only(self) -> bool:
        """Whether the project was opened read-only (writes raise ReadOnlyError)."""
        return self.db.read_only

    @property
    def read_only_reason(self) -> str | None:
        """Why it is read-only ("the file is read-only", …), for the title bar."""
        return self.db.read_only_reason

    # -- transactions ---------------------------------------------------------------
    def read(self) -> AbstractContextManager[Session]:
        return self.db.read()

    def write(self) -> AbstractContextManager[Session]:
        return self.db.write()

    def set_wait_handler(self, on_wait: Callable[[float], None] | None,
                         patience: float | None = None) -> None:
        """Be told while a write waits for another writer's lock (SQLite): ``on_wait``
        gets the seconds waited so far, about every 0.1 s, and may raise to give up;
        after ``patience`` seconds the write fails with ProjectBusyError."""
        self.db.on_wait = on_wait
        if patience is not None:
            self.db.patience = patience

    def check_file(self) -> None:
        """Raise ProjectChangedError if the project's file was deleted, moved or replaced
        (cheap; the window may call it when it regains focus)."""
        self.db.check()

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------
    @property
    def schema(self) -> Schema:
        """The current schema: re-read only when a newer version was stored (by this or
        another process); otherwise one indexed lookup of the newest version's id."""
        with self.read() as session:
            return self.schema_in(session)

    def schema_in(self, session: Session) -> Schema:
        """:attr:`schema` as ``session`` sees it: an edit reads it in its own transaction
        (one read less per edit, and the rules it checks are those of the moment it
        writes)."""
        latest = session.connection().scalar(_LATEST_SCHEMA)  # on every edit: built once
        if latest is None:
            raise ProjectError(f"{self.name} has no schema; it was not created by Akkord")
        if self._schema is None or self._schema[0] != latest:
            toml_text = session.scalar(select(SCHEMAS.toml).where(SCHEMAS.id == latest))
            self._schema = (latest, parse_schema(toml_text or "",
                                                 source=f"{self.name}'s schema"))
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
            value = session.scalar(select(SETTINGS.value).where(SETTINGS.key == key))
            return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as session:
            session.merge(Setting(key=key, value=value))

    @staticmethod
    def find_annotator(session: Session, name: str) -> int | None:
        """The id of the annotator called ``name``, or ``None`` (never writes: for
        read-only projects)."""
        return session.scalar(select(ANNOTATORS.id).where(ANNOTATORS.name == name.strip()))

    @staticmethod
    def annotator_id(session: Session, name: str) -> int:
        """The id of the annotator called ``name``, created on first use.

        Safe when several windows or processes create the same new name at once:
        ``INSERT … ON CONFLICT DO NOTHING`` and then a select (on PostgreSQL under READ
        COMMITTED the insert waits for the other transaction, the select sees its row).
        """
        name = name.strip()
        if not name:
            raise AkkordError("an annotator needs a name")
        found: int | None = session.scalar(select(ANNOTATORS.id).where(ANNOTATORS.name == name))
        if found is not None:
            return found
        insert = insert_ignoring_conflicts(session.get_bind().dialect.name, Annotator,
                                           ["name"])
        session.execute(insert.values(name=name))
        created: int | None = session.scalar(select(ANNOTATORS.id).where(ANNOTATORS.name == name))
        if created is None:  # pragma: no cover - the row exists after the insert
            raise ProjectError(f"the annotator {name!r} could not be created")
        return created

    # -- copies -----------------------------------------------------------------------
    def save_copy(self, target: Path) -> Path:
        """Write a complete, consistent copy of the project as this process sees it to
        ``target`` (a new file), with SQLite's backup API.

        It works after the file was moved, deleted or replaced while open (the open
        connection still reads the file it opened, WAL included), so the window can
        offer "save what was open" instead of losing it.
        """
        if self.db.path is None:
            raise ProjectError("only a project file can be copied; use the database "
                               "server's own backups")
        target = target.expanduser().resolve()
        if target.exists():
            raise ProjectError(f"{target} already exists; choose a new file name")
        temp = target.with_name(f".{target.name}.{os.getpid()}.saving")
        raw = self.db.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            copy = sqlite3.connect(temp)
            try:
                source.backup(copy)
            finally:
                copy.close()
            os.link(temp, target)
        except sqlite3.Error as exc:
            raise ProjectError(f"cannot copy {self.name} to {target}: {exc}") from exc
        except OSError as exc:
            raise ProjectError(f"cannot write {target}: {exc.strerror}") from exc
        finally:
            raw.close()
            _remove_with_sidecars(temp)
        return target


# -- opening ------------------------------------------------------------------------------

def _remove_with_sidecars(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            Path(f"{path}{suffix}").unlink()


def _damaged_sqlite_header(data: bytes) -> bool:
    """Whether a header that lacks SQLite's magic still looks like a SQLite file that was
    damaged (a few bytes flipped), rather than some other file."""
    near_magic = sum(a != b for a, b in zip(data[:16], SQLITE_MAGIC, strict=False)) <= 4
    fixed_fields = len(data) >= 24 and data[21:24] == b"\x40\x20\x20"
    return len(data) >= 16 and (near_magic or fixed_fields)


def _pages_follow(path: Path, size: int) -> bool:
    """Whether SQLite b-tree pages follow a header that is not SQLite's (the header was
    overwritten; the rest of the project may still be salvaged)."""
    page = 4096  # Akkord's page size
    if size < 2 * page or size % page:
        return False
    return read_header(path, 1, page)[:1] in (b"\x02", b"\x05", b"\x0a", b"\x0d")


def _check_sqlite_file(path: Path) -> None:
    """Refuse what is not a SQLite file, and say a cut or overwritten one is damaged."""
    if path.is_dir():
        raise ProjectError(f"{path} is a folder, not a project file")
    if not os.access(path, os.R_OK):
        raise ProjectError(f"{path} cannot be read: permission denied")
    data = read_header(path)
    size = path.stat().st_size
    where = Where(path.stem, path)
    prefix = data[:len(SQLITE_MAGIC)]
    if not SQLITE_MAGIC.startswith(prefix):
        if _damaged_sqlite_header(data) or _pages_follow(path, size):
            raise ProjectDamagedError(damaged_message(
                where, "its first bytes are not a SQLite database's"))
        raise ProjectError(f"{path} is not an Akkord project (not a SQLite database)")
    if not data:
        return  # empty: handled by the caller
    header = Header.parse(data)
    if not header.valid:
        raise ProjectDamagedError(damaged_message(
            where, f"only {size} bytes, less than a database header" if size < 100
            else "its header is damaged"))
    if size < header.page_size or size % header.page_size:
        raise ProjectDamagedError(damaged_message(
            where, f"{size} bytes, not a whole number of {header.page_size}-byte pages: "
                   "it was cut short"))
    wal = Path(f"{path}-wal")
    wal_empty = not wal.exists() or wal.stat().st_size == 0
    if wal_empty and header.pages and header.pages * header.page_size > size \
            and _header_size_valid(data):
        raise ProjectDamagedError(damaged_message(
            where, f"{size} bytes where its header promises "
                   f"{header.pages * header.page_size}: it was cut short"))


def _header_size_valid(data: bytes) -> bool:
    """SQLite trusts the header's page count only when 'version-valid-for' equals the
    change counter (bytes 92 and 24)."""
    return data[24:28] == data[92:96]


def _sqlite_access(path: Path) -> tuple[Access, str | None]:
    """How to open an existing file: read-write when it and what SQLite must create
    beside it may be written, else read-only (immutable when not even SQLite's shared
    memory file can exist)."""
    folder = path.parent
    sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    file_writable = os.access(path, os.W_OK)
    folder_writable = os.access(folder, os.W_OK)
    sidecars_writable = all(p.exists() and os.access(p, os.W_OK) for p in sidecars)
    if file_writable and (folder_writable or sidecars_writable):
        return "rw", None
    if _on_read_only_medium(path):
        reason = "the disk it is on is read-only"
    elif _immutable(path):
        reason = "the file is marked immutable"
    elif not file_writable:
        reason = "the file is read-only"
    else:
        reason = "its folder is read-only"
    if folder_writable or sidecars[1].exists():
        return "ro", reason
    return "immutable", reason


def _immutable(path: Path) -> bool:
    """Whether the file has Linux's immutable attribute (``chattr +i``)."""
    try:
        import fcntl
    except ImportError:
        return False

    def flags(fd: int) -> bool:
        try:
            raw = fcntl.ioctl(fd, 0x80086601, struct.pack("l", 0))  # FS_IOC_GETFLAGS
        except OSError:
            return False
        return bool(struct.unpack("l", raw)[0] & 0x10)  # FS_IMMUTABLE_FL

    return with_descriptor(path, flags, False)


def _on_read_only_medium(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _user_tables(conn: Connection) -> list[str]:
    return [t for t in inspect(conn).get_table_names() if t != "alembic_version"]


def _create(db: Database, schema_text: str, name: str) -> None:
    schema = parse_schema(schema_text)
    with db.connect_write() as conn:
        migrate.upgrade(conn)
    with db.write() as session:
        session.add(SchemaVersion(name=schema.name, toml=schema_text))
        session.add(Setting(key="project_name", value=name))
        session.add(Setting(key="created_with", value=__version__))
    if db.is_sqlite:
        _stamp(db)


def _stamp(db: Database) -> tuple[int, int]:
    """Give the file Akkord's ``application_id`` and a random ``user_version`` (once), so
    :class:`~akkord.store.fileguard.FileGuard` can tell it from another file."""
    with db.connect_write() as conn:
        app_id = conn.exec_driver_sql("PRAGMA application_id").scalar() or 0
        stamp = conn.exec_driver_sql("PRAGMA user_version").scalar() or 0
        if (app_id & 0xFFFFFFFF) != APPLICATION_ID or not stamp:
            app_id = APPLICATION_ID
            stamp = secrets.randbelow(2**31 - 2) + 1
            conn.exec_driver_sql(f"PRAGMA application_id = {_signed(APPLICATION_ID)}")
            conn.exec_driver_sql(f"PRAGMA user_version = {stamp}")
    return app_id & 0xFFFFFFFF, int(stamp)


def _signed(value: int) -> int:
    return value - 2**32 if value >= 2**31 else value


def _read_stamp(db: Database) -> tuple[int, int]:
    with db.connect_read() as conn:
        app_id = conn.exec_driver_sql("PRAGMA application_id").scalar() or 0
        stamp = conn.exec_driver_sql("PRAGMA user_version").scalar() or 0
    return int(app_id) & 0xFFFFFFFF, int(stamp)


def _migrate(db: Database, path: Path | None, revision: str | None) -> MigrationReport:
    backup = migrate.backup_sqlite(path, revision) if path is not None else None
    if backup:
        log.info("backed up %s to %s before migrating", path, backup)
    with db.connect_write() as conn:
        migrate.upgrade(conn)
    return MigrationReport(revision, migrate.HEAD, backup)


def open_project(target: str | Path, *, create: bool = False,
                 schema_text: str | None = None) -> Project:
    """Open (or, with ``create``, create) the project at a path or database URL."""
    url = database_url(target)
    path = sqlite_path(url)
    if path is None:
        return _open_database(Database(url), None, create, schema_text)
    if create:
        _create_file(path, schema_text or default_schema_text())
        return open_project(path)
    if not path.exists():
        if path.is_symlink():
            raise ProjectError(f"{path} is a link to a file that does not exist")
        raise ProjectError(f"no project at {path}; create one with: akkord init {path}")
    _check_sqlite_file(path)
    if path.stat().st_size == 0:
        raise ProjectError(f"{path} is empty; create a project with: akkord init {path}")
    access, reason = _sqlite_access(path)
    try:
        db = Database(url, access=access, read_only_reason=reason)
    except OSError as exc:
        raise ProjectError(f"cannot open {path}: {exc.strerror}") from exc
    return _open_database(db, path, False, None)


def _open_database(db: Database, path: Path | None, create: bool,
                   schema_text: str | None) -> Project:
    try:
        try:
            return _open(db, path, create, schema_text)
        except ProjectError:
            raise
        except Exception as exc:
            error = translate(exc, db.where, writing=False)
            if error is None:
                raise
            raise error from exc
    except BaseException:
        db.dispose()
        raise


def _open(db: Database, path: Path | None, create: bool, schema_text: str | None) -> Project:
    with db.connect_read() as conn:
        revision = migrate.current_revision(conn)
        tables = _user_tables(conn)
    where = str(path) if path else db.url
    if revision is None and tables:
        raise ProjectError(f"{where} holds other tables and is not an Akkord project")
    project = Project(db, path)
    if revision is None:
        if not create:
            raise ProjectError(f"{where} is empty; create a project with: akkord init")
        _create(db, schema_text or default_schema_text(),
                path.stem if path else (make_url(db.url).database or "project"))
        return project
    if create:
        raise ProjectError(f"{where} is already an Akkord project; open it instead")
    if revision != migrate.HEAD:
        if revision not in migrate.known_revisions():
            raise ProjectError(f"{where} was made by a newer Akkord (database revision "
                               f"{revision}); upgrade Akkord to open it")
        if db.read_only:
            raise ProjectError(
                f"{where} was made by an older Akkord and must be upgraded, but it is "
                f"read-only ({db.read_only_reason}); copy it to a writable folder to open it")
        project.migration = _migrate(db, path, revision)
    if db.is_sqlite and db.guard is not None:
        stamp = _read_stamp(db)  # opening takes no write lock unless there is work to do
        if (stamp[0] != APPLICATION_ID or not stamp[1]) and not db.read_only:
            stamp = _stamp(db)
        if stamp[0] == APPLICATION_ID and stamp[1]:
            db.guard.expect_stamp(*stamp)
    if not db.read_only:
        project.recovered_imports = journal.recover(db)
    return project


# -- creating ---------------------------------------------------------------------------

def _create_file(path: Path, schema_text: str) -> None:
    """Build a new project in a temporary file beside ``path`` and rename it into place,
    so a failure (a bad schema, a full disk, Ctrl-C) leaves nothing at ``path``."""
    parse_schema(schema_text)  # a broken schema fails before any file exists
    if path.is_dir():
        raise ProjectError(f"{path} is a folder; give a file name such as "
                           f"{path / ('project' + PROJECT_SUFFIX)}")
    if path.exists() and path.stat().st_size:
        raise ProjectError(f"{path} already exists; open it instead of creating it")
    if not path.parent.is_dir():
        raise ProjectError(f"cannot create {path}: the folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK) or _on_read_only_medium(path.parent):
        raise ProjectError(f"cannot create {path}: the folder {path.parent} is read-only")
    _remove_stale_temporaries(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.creating")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        os.close(fd)
        db = Database(database_url(temp), name=path.stem)
        try:
            _create(db, schema_text, path.stem)
        finally:
            db.dispose()  # the last connection folds the WAL into the file
        _fsync(temp)
        _move_into_place(temp, path)
    except OSError as exc:
        raise ProjectError(f"cannot create {path}: {exc.strerror or exc}") from exc
    except Exception as exc:
        error = translate(exc, Where(path.stem, path))
        if error is None or error is exc:
            raise
        raise error from exc
    finally:
        _remove_with_sidecars(temp)


def _move_into_place(temp: Path, path: Path) -> None:
    if path.exists() and path.stat().st_size:
        raise ProjectError(f"{path} already exists; open it instead of creating it")
    for suffix in ("-wal", "-shm"):  # stale files of an earlier project at this path
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    try:
        os.link(temp, path)  # fails if someone created the file meanwhile
    except FileExistsError:
        if path.stat().st_size:
            raise ProjectError(f"{path} already exists; open it instead of creating it"
                               ) from None
        temp.replace(path)  # an empty file stood there: take its place
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_stale_temporaries(path: Path) -> None:
    """Remove the ``.NAME.<pid>.creating`` / ``.recovering`` files that a killed ``akkord
    init`` or ``akkord recover`` left in this folder (their process is gone)."""
    for suffix in (".creating", ".recovering"):
        for stale in path.parent.glob(f".*{suffix}"):
            pid = stale.name[:-len(suffix)].rsplit(".", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                _remove_with_sidecars(stale)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
