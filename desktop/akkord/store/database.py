"""Engines and transactions: the rules that keep a project's data safe.

* SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on; a committed
  transaction survives a crash or ``kill -9``.
* A SQLite file is opened through a ``mode=rw`` URI: a connection never *creates* a
  file, so a project deleted or moved while open can never come back as an empty one.
  Only :func:`akkord.store.project.open_project` creates files, into a temporary name.
* Every write is one transaction begun with ``BEGIN IMMEDIATE`` on SQLite, so two
  windows or processes writing the same file queue up instead of dead-locking on a read
  lock upgrade. Reads begin deferred and never block a writer (WAL).
* A writer that finds the file locked waits in short slices and tells
  :attr:`Database.on_wait` how long it has waited (the window shows "waiting for …");
  after :attr:`Database.patience` seconds it gives up with
  :class:`~akkord.errors.ProjectBusyError`. ``on_wait`` may raise to give up sooner.
* Before every transaction a :class:`~akkord.store.fileguard.FileGuard` checks that the
  path still names the file that was opened (one ``stat``); a deleted, moved or replaced
  file stops all reads and writes with :class:`~akkord.errors.ProjectChangedError`.
* A read-only database (read-only file, folder or medium; an immutable file) refuses
  :meth:`Database.write` with :class:`~akkord.errors.ReadOnlyError` before anything
  starts, and nothing is written while it is open.
* Driver errors leave :meth:`read`, :meth:`write` and :meth:`connect_write` only as
  :class:`~akkord.errors.ProjectError` subclasses with a message (see
  :mod:`akkord.store.faults`); a damaged file also stops further writes.
* PostgreSQL gets the same code through ``postgresql+psycopg://`` URLs.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from akkord.errors import (
    ProjectBusyError,
    ProjectChangedError,
    ProjectDamagedError,
    ProjectError,
    ReadOnlyError,
)
from akkord.store.faults import SQLITE_BUSY, SQLITE_LOCKED, Where, damaged_message, translate
from akkord.store.fileguard import FileGuard

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0  # how long a writer waits for the lock before giving up
WAIT_SLICE_S = 0.1  # a waiting writer reports (on_wait) about this often
_BEGIN_OPTION = "akkord_begin"
AFTER_BEGIN = "akkord_after_begin"
"""Key in a connection's ``info``: a callable given the DBAPI connection right after a
write transaction began (holding the lock); the import journal takes its marks there."""

Access = Literal["rw", "ro", "immutable"]
"""How a SQLite file is opened: read-write (never created), read-only (others may still
write it), or immutable (read-only medium or folder: no lock or ``-shm`` file possible)."""


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for a project file path, or the URL itself."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for other databases)."""
    if not is_sqlite(url):
        return None
    return Path(make_url(url).database or "")


def sqlite_uri(path: Path, access: Access) -> str:
    """A ``file:`` URI that opens ``path`` without ever creating it."""
    mode = "rw" if access == "rw" else "ro"
    extra = "&immutable=1" if access == "immutable" else ""
    return f"file:{quote(str(path))}?mode={mode}{extra}"


class Database:
    """An engine with a session factory for reads and one for writes.

    ``access`` applies to SQLite files (PostgreSQL is always read-write); ``name`` is
    what messages call the project. ``guard`` (SQLite) is checked before every
    transaction.
    """

    def __init__(self, url: str, *, access: Access = "rw", name: str | None = None,
                 read_only_reason: str | None = None) -> None:
        self.url = url
        self.path = sqlite_path(url)
        self.access: Access = access if self.path is not None else "rw"
        self.read_only_reason = read_only_reason if self.access != "rw" else None
        if name is None:
            name = self.path.stem if self.path else (make_url(url).database or "the database")
        self.where = Where(name, self.path, None if self.path else url)
        self.on_wait: Callable[[float], None] | None = None
        self.patience = BUSY_TIMEOUT_S
        self.stopped: ProjectError | None = None
        self.guard: FileGuard | None = None
        if self.path is not None:
            self.guard = FileGuard(self.path, self.where.name)
        try:
            self.engine = self._make_engine()
        except BaseException:
            if self.guard is not None:
                self.guard.close()
            raise
        writer = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._writer_engine = writer
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._writer = sessionmaker(bind=writer, expire_on_commit=False)

    # -- engine -------------------------------------------------------------------------
    def _make_engine(self) -> Engine:
        if self.path is None:
            return create_engine(self.url, pool_pre_ping=True)
        uri = sqlite_uri(self.path, self.access)

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S,
                                   check_same_thread=False)

        engine = create_engine(self.url, creator=connect)
        self._configure_sqlite(engine)
        return engine

    def _configure_sqlite(self, engine: Engine) -> None:
        read_only = self.access != "rw"

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event, not the driver, decide when a transaction
            # starts.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if not read_only:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
            self.check(writing=mode == "IMMEDIATE")
            if mode == "IMMEDIATE":
                dbapi = conn.connection.dbapi_connection
                self._begin_immediate(dbapi)
                hook = conn.info.get(AFTER_BEGIN)
                if hook is not None:
                    hook(dbapi)
            else:
                conn.exec_driver_sql("BEGIN")

    def _begin_immediate(self, dbapi: Any) -> None:
        """``BEGIN IMMEDIATE``, waiting in slices so the wait can be reported and
        bounded (Python's sqlite3 has no busy handler to hook into)."""
        if self.read_only:
            raise self._read_only_error()
        started = time.monotonic()
        dbapi.execute(f"PRAGMA busy_timeout = {int(WAIT_SLICE_S * 1000)}")
        try:
            while True:
                try:
                    dbapi.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
                    if code not in (SQLITE_BUSY, SQLITE_LOCKED):
                        raise
                waited = time.monotonic() - started
                if waited >= self.patience:
                    raise ProjectBusyError(
                        f"{self.where.label} is busy: another program (an import, another "
                        f"window) has held it for {waited:.0f} s. Nothing of this change "
                        "was saved; try again when it has finished.")
                if self.on_wait is not None:
                    self.on_wait(waited)
        finally:
            dbapi.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    # -- state --------------------------------------------------------------------------
    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    @property
    def read_only(self) -> bool:
        return self.access != "rw"

    def check(self, writing: bool = False) -> None:
        """Raise if the project may no longer be used: its file changed (reads and
        writes), or it was found damaged (writes). Cheap; called before every
        transaction."""
        self._refuse_if_stopped(writing)
        if self.guard is not None:
            try:
                self.guard.check()
            except ProjectError as exc:
                self.stopped = exc
                raise

    def _refuse_if_stopped(self, writing: bool) -> None:
        if self.stopped is not None and (writing or isinstance(self.stopped,
                                                               ProjectChangedError)):
            raise type(self.stopped)(str(self.stopped))

    def _read_only_error(self) -> ReadOnlyError:
        why = f" ({self.read_only_reason})" if self.read_only_reason else ""
        return ReadOnlyError(f"{self.where.label} is open read-only{why}: changes cannot be "
                             "saved. To edit it, copy it to a writable folder and open the "
                             "copy.")

    def _failed(self, exc: BaseException, writing: bool,
                stored_values: bool = True) -> ProjectError | None:
        error = translate(exc, self.where, writing=writing, stored_values=stored_values)
        if error is None and stored_values and isinstance(exc, LookupError | ValueError
                                                          | TypeError):
            error = self._damage_behind(exc)
        if error is not None and error.stop:
            self.stopped = error  # damaged or replaced: no more writes (reads: see check)
        return error

    def _damage_behind(self, exc: BaseException) -> ProjectError | None:
        """After an unexpected error while using stored rows (a reference to a row that
        is not there, …): if the file fails SQLite's own checks, the damage is the cause
        and is reported as such; otherwise ``None`` (a bug keeps its traceback)."""
        if self.path is None:
            return None
        try:
            with self.engine.connect() as conn:
                problems = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(3)")]
                if problems == ["ok"]:
                    problems = [f"{r[0]} row {r[1]} points to a missing {r[2]} row"
                                for r in conn.exec_driver_sql("PRAGMA foreign_key_check")
                                .fetchmany(3)]
        except Exception as probe:
            found = translate(probe, self.where)
            return found if isinstance(found, ProjectDamagedError) else None
        if not problems:
            return None
        return ProjectDamagedError(damaged_message(
            self.where, f"{problems[0]}; reading it failed with {type(exc).__name__}"))

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; it is rolled back (nothing to keep) at the end."""
        try:
            with self._reader() as session:
                yield session
        except Exception as exc:
            error = self._failed(exc, writing=False)
            if error is None or error is exc:
                raise
            raise error from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        if self.read_only:
            raise self._read_only_error()
        self._refuse_if_stopped(writing=True)
        try:
            with self._writer() as session, session.begin():
                yield session
        except Exception as exc:
            error = self._failed(exc, writing=True)
            if error is None or error is exc:
                raise
            raise error from exc

    @contextmanager
    def connect_write(self) -> Iterator[Connection]:
        """A Core connection in one write transaction, for bulk work (imports).

        The caller may ``commit()`` on it to end a transaction early; the next statement
        begins a new one (``BEGIN IMMEDIATE``, with the same waiting and checks).
        """
        with self._writing(self._writer_engine.begin) as conn:
            yield conn

    @contextmanager
    def writer_connection(self) -> Iterator[Connection]:
        """A write connection with no enclosing transaction, for work that commits in
        steps (imports, see :mod:`akkord.store.journal`): each statement after a commit
        begins a new transaction (``BEGIN IMMEDIATE``, with the same waiting and
        checks); the caller commits; whatever is uncommitted at the end is rolled back.
        """
        with self._writing(self._writer_engine.connect) as conn:
            yield conn

    @contextmanager
    def _writing(self, opened: Callable[[], AbstractContextManager[Connection]]
                 ) -> Iterator[Connection]:
        """What every write connection shares: refused when read-only or stopped (the
        file changed under it), and database errors translated into messages."""
        if self.read_only:
            raise self._read_only_error()
        self._refuse_if_stopped(writing=True)
        try:
            with opened() as conn:
                yield conn
        except Exception as exc:
            error = self._failed(exc, writing=True, stored_values=False)
            if error is None or error is exc:
                raise
            raise error from exc

    @contextmanager
    def connect_read(self) -> Iterator[Connection]:
        """A Core connection for reading, with the same checks and error messages."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except Exception as exc:
            error = self._failed(exc, writing=False)
            if error is None or error is exc:
                raise
            raise error from exc

    def dispose(self) -> None:
        """Close every connection; after the file was moved or replaced, keep SQLite's
        ``-wal`` file from being replayed into the wrong file (see
        :meth:`FileGuard.tidy_after_change`)."""
        self.engine.dispose()
        if self.guard is not None:
            if isinstance(self.stopped, ProjectChangedError):
                for done in self.guard.tidy_after_change():
                    log.warning("%s: %s", self.where.label, done)
            self.guard.close()
