"""Engines and transactions: the rules that keep a project's data safe.

* SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on, and waits up to
  :data:`BUSY_TIMEOUT_S` for a lock instead of failing; a committed transaction survives
  a crash or ``kill -9``.
* Every write is one transaction begun with ``BEGIN IMMEDIATE`` on SQLite, so two
  windows or processes writing the same file queue up instead of dead-locking on a read
  lock upgrade. Reads begin deferred and never block a writer (WAL).
* PostgreSQL gets the same code through ``postgresql+psycopg://`` URLs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_S = 30.0
_BEGIN_OPTION = "akkord_begin"


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for a project file path, or the URL itself."""
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, decide when a transaction starts.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """An engine with a session factory for reads and one for writes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        writer = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._writer = sessionmaker(bind=writer, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; it is rolled back (nothing to keep) at the end."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def connect_write(self) -> Iterator[Connection]:
        """A Core connection in one write transaction, for bulk work (imports)."""
        with self._writer.kw["bind"].begin() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
