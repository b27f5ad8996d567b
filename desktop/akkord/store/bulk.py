"""Bulk writes for imports: ids allocated up front, rows sent with the driver's executemany.

Inserting hundreds of thousands of mentions one ORM object (or one ``RETURNING`` row) at a
time is far too slow: SQLite cannot promise the order of a multi-row ``RETURNING``, so
SQLAlchemy falls back to one statement per row. Instead the importer asks for a block of
ids (safe: SQLite writes run under ``BEGIN IMMEDIATE``, PostgreSQL hands out sequence
values), then sends plain tuples through the DB-API ``executemany``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import Connection, Select, Table, func, select, text

from akkord.store.models import Base


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def allocate_ids(conn: Connection, model: type[Base], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``'s table, in increasing order."""
    table = _table(model)
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                {"t": table.name}).scalar_one()
        return list(conn.execute(text("SELECT nextval(CAST(:s AS regclass)) "
                                      "FROM generate_series(1, :n)"),
                                 {"s": sequence, "n": count}).scalars())
    # SQLite: the caller holds the write lock (BEGIN IMMEDIATE), so max(id) is stable.
    start = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
    return list(range(start, start + count))


BULK_CACHE_KIB = 64 * 1024


@contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """A larger SQLite page cache on ``conn`` while a bulk write runs.

    With the default 2 MB, a transaction that inserts hundreds of thousands of rows into
    several indexes spills dirty pages to the WAL and reads them back again; 64 MB keeps
    the indexes' working set in memory until the commit. The previous size is restored.
    PostgreSQL: nothing to do.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        # Through the driver: after a failed commit (a full disk) SQLAlchemy refuses every
        # statement until the rollback, which the caller has not done yet.
        driver = conn.connection.driver_connection
        if driver is not None:
            with suppress(sqlite3.Error):
                driver.execute(f"PRAGMA cache_size = {int(before)}")


def insert_ignoring_conflicts(dialect: str, model: type[Base], keys: list[str]) -> Any:
    """``INSERT … ON CONFLICT (keys) DO NOTHING`` for ``model`` in the given dialect
    ("sqlite" or "postgresql"): for rows two writers may create at the same moment
    (annotators by name, entities by key); select the row afterwards."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(model).on_conflict_do_nothing(index_elements=keys)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(model).on_conflict_do_nothing(index_elements=keys)


def _placeholders(conn: Connection, count: int) -> str:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def insert_rows(conn: Connection, model: type[Base], columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order) with one driver-level executemany.

    Values must already be what the driver takes (str, int, float, bool, None, date);
    JSON columns need :func:`json.dumps` first.
    """
    if not rows:
        return
    table = _table(model)
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({_placeholders(conn, len(columns))})")
    conn.exec_driver_sql(sql, rows if isinstance(rows[0], tuple) else [tuple(r) for r in rows])


def fetch_rows(conn: Connection, query: Select[*tuple[Any, ...]]
               ) -> list[tuple[Any, ...]]:
    """All rows of ``query`` as plain tuples, straight from the driver's cursor.

    For exports that read hundreds of thousands of rows: it skips SQLAlchemy's per-row
    result processing, so it only suits columns the driver already returns as wanted
    (integers, text), not JSON or dates.
    """
    compiled = query.compile(conn, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    positions = compiled.positiontup
    args: Any = tuple(params[name] for name in positions) if positions else params
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    finally:
        cursor.close()
