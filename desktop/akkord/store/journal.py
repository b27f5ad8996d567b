"""Long writes in short transactions, all-or-nothing per file: the import journal.

On SQLite one writer holds the lock at a time; an import of 10,000 articles in one
transaction kept every window's edit (and every other import) waiting for its whole
duration. :class:`ImportWriter` lets an import commit every batch of documents instead,
so other writers get the lock between batches, and still keeps the promise that a file
is imported whole or not at all:

* Before its first batch the import writes a *journal* row (``settings`` key
  ``import-pending:<token>``) naming its process. Every batch transaction records, in
  that row and in the same transaction, the ``rowid`` ranges it added to each table
  (SQLite hands out ``max(rowid) + 1`` under the write lock, so the rows a transaction
  added are exactly the range between the maxima at its start and at its end).
* When a file is complete its ranges leave the journal in the transaction that writes
  its last rows. A rejected file, a cancel or an error deletes the ranges' rows again.
* A crash leaves the journal row behind: the next writable open (:func:`recover`) sees
  that its process is gone and deletes the ranges' rows, then the row. A file killed
  half-way is thus never left half-imported once the project is opened again.

While an import runs, other readers can see the documents of a file that is not yet
complete. Work another annotator attaches to such a document in those seconds is
removed with it if the file is then rejected; entities the import created stay when
someone else's mention already links to them.

PostgreSQL needs none of this (writers do not block each other there): the import is
one transaction with a savepoint per file, as before.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from akkord.store.database import AFTER_BEGIN, Database

log = logging.getLogger(__name__)

KEY_PREFIX = "import-pending:"

# Tables an import writes, children before parents (the order rows are deleted in).
TABLES = ("relations", "mention_values", "entity_values", "document_states",
          "entity_aliases", "mentions", "entities", "documents", "schemas", "annotators")

Ranges = dict[str, list[list[int]]]  # table → [[first, last], …] of rowids


def _merge(into: Ranges, add: Ranges) -> None:
    for table, spans in add.items():
        target = into.setdefault(table, [])
        for first, last in spans:
            if target and target[-1][1] + 1 >= first:
                target[-1][1] = max(target[-1][1], last)
            else:
                target.append([first, last])


def _process_start(pid: int) -> str | None:
    """The start time of a process (Linux), so a reused pid is not taken for the
    importer that died."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


_RUNNING: set[str] = set()  # journal keys of the imports running in this process


def _alive(key: str, owner: dict[str, Any]) -> bool:
    if owner.get("host") != socket.gethostname():
        return True  # another machine's import (a shared folder): not ours to judge
    pid = int(owner.get("pid", 0))
    if pid <= 0:
        return False
    if pid == os.getpid():
        return key in _RUNNING
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = _process_start(pid)
    return started is None or owner.get("started") in (None, started)


_MAXIMA = "SELECT " + ", ".join(f"(SELECT coalesce(max(rowid), 0) FROM {t})" for t in TABLES)


def _maxima(conn: Connection) -> dict[str, int]:
    row = conn.exec_driver_sql(_MAXIMA).one()
    return dict(zip(TABLES, (int(v) for v in row), strict=True))


def undo_ranges(conn: Connection, ranges: Ranges) -> int:
    """Delete the rows in ``ranges`` (children first); entities and annotators that rows
    outside the ranges refer to are kept. Returns the number of rows deleted."""
    deleted = 0
    for table in TABLES:
        for first, last in ranges.get(table, []):
            where = "rowid BETWEEN :first AND :last"
            if table == "entities":
                where += (" AND id NOT IN (SELECT entity_id FROM mentions WHERE entity_id "
                          "IS NOT NULL) AND id NOT IN (SELECT ref_id FROM entity_values "
                          "WHERE ref_id IS NOT NULL) AND id NOT IN (SELECT ref_id FROM "
                          "mention_values WHERE ref_id IS NOT NULL)")
            elif table == "annotators":
                where += (" AND id NOT IN (SELECT annotator_id FROM mentions) AND id NOT IN "
                          "(SELECT annotator_id FROM relations)")
            result = conn.execute(text(f"DELETE FROM {table} WHERE {where}"),
                                  {"first": first, "last": last})
            deleted += max(result.rowcount, 0)
    return deleted


def recover(db: Database) -> list[str]:
    """Undo the imports a crash interrupted (their process is gone); return what was
    undone, for a note. Nothing happens (and nothing is written) when there are none."""
    if not db.is_sqlite or db.read_only:
        return []
    with db.connect_read() as conn:
        rows = conn.execute(text("SELECT key, value FROM settings WHERE key LIKE :p"),
                            {"p": KEY_PREFIX + "%"}).all()
    done: list[str] = []
    for key, value in rows:
        try:
            entry = json.loads(value)
        except ValueError:
            entry = {}
        if entry and _alive(key, entry.get("owner", {})):
            continue
        with db.connect_write() as conn:
            still = conn.execute(text("SELECT value FROM settings WHERE key = :k"),
                                 {"k": key}).scalar()
            if still is None:
                continue  # another process recovered it meanwhile
            ranges: Ranges = {}
            for file_ranges in entry.get("files", {}).values():
                _merge(ranges, file_ranges)
            deleted = undo_ranges(conn, ranges)
            conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": key})
        if not deleted:
            continue  # its files were complete: only the journal row was left
        files = ", ".join(entry.get("files", {})) or "unknown files"
        done.append(f"an import of {files} was interrupted; its {deleted} row(s) were "
                    "removed, so no file is half-imported")
        log.warning("recovered an interrupted import: %s", done[-1])
    return done


@dataclass
class ImportWriter:
    """The transactions of one import run on a write connection without an enclosing
    transaction (``Database.writer_connection``); see the module docstring.

    Call :meth:`begin_file` before a file's first row, :meth:`commit_point` whenever a
    batch of rows is complete, :meth:`end_file` after the file (kept or rejected), and
    :meth:`finish` at the end; on an exception, :meth:`abort`.
    """

    conn: Connection
    batched: bool  # SQLite: journaled batches; PostgreSQL: one transaction
    all_or_nothing: bool = False
    key: str = field(default_factory=lambda: KEY_PREFIX + secrets.token_hex(8))
    files: dict[str, Ranges] = field(default_factory=dict)
    _file: str | None = None
    _marks: dict[str, int] | None = None
    _savepoint: Any = None
    _journal_written: bool = False

    def __post_init__(self) -> None:
        _RUNNING.add(self.key)
        if self.batched:
            # Take the marks when each transaction begins (it holds the lock then), not
            # right after a commit: that would take the lock back at once.
            self.conn.info[AFTER_BEGIN] = self._marks_at_begin

    def _marks_at_begin(self, dbapi: Any) -> None:
        row = dbapi.execute(_MAXIMA).fetchone()
        self._marks = dict(zip(TABLES, (int(v) for v in row), strict=True))

    def release(self) -> None:
        """Stop taking marks on this connection (it goes back to the pool)."""
        self.conn.info.pop(AFTER_BEGIN, None)
        _RUNNING.discard(self.key)

    # -- files ----------------------------------------------------------------------
    def begin_file(self, name: str) -> None:
        self._file = name
        if not self.batched:
            self._savepoint = self.conn.begin_nested()
            return
        self.files.setdefault(name, {})
        if not self.conn.in_transaction():
            self._marks = None  # taken when the file's first transaction begins
        else:
            self._marks = _maxima(self.conn)

    def commit_point(self) -> None:
        """Commit the rows written so far (SQLite), letting other writers in until the
        import's next statement begins the next transaction."""
        if not self.batched or self._file is None:
            return
        self._record()
        self._write_journal()
        self.conn.commit()

    def end_file(self, keep: bool) -> None:
        name = self._file
        self._file = None
        if name is None:
            return
        if not self.batched:
            if keep:
                self._savepoint.commit()
            else:
                self._savepoint.rollback()
            return
        if keep:
            self._record_for(name)
            if not self.all_or_nothing:
                self.files.pop(name, None)
            self._write_journal()
            self.conn.commit()
        else:
            self.conn.rollback()
            ranges = self.files.pop(name, {})
            if ranges:
                undo_ranges(self.conn, ranges)
                self._write_journal()
                self.conn.commit()
        self._marks = None

    # -- the end ----------------------------------------------------------------------
    def finish(self, keep: bool) -> None:
        """Keep (commit) or undo everything that is still pending, and drop the
        journal."""
        if not self.batched:
            self.release()
            if keep:
                self.conn.commit()
            else:
                self.conn.rollback()
            return
        if not keep or self.conn.in_transaction():
            self.conn.rollback()
        if not keep:
            ranges: Ranges = {}
            for file_ranges in self.files.values():
                _merge(ranges, file_ranges)
            if ranges:
                undo_ranges(self.conn, ranges)
        self.files.clear()
        if self._journal_written:
            self.conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": self.key})
        self.conn.commit()
        self.release()

    def abort(self) -> None:
        """After an exception: drop the open transaction and undo what was committed.
        If even that fails (a full disk), the journal stays for :func:`recover`."""
        try:
            self.conn.rollback()  # also clears a transaction a failed COMMIT left invalid
            if self.batched:
                self.finish(keep=False)
        except Exception as exc:  # the original exception matters more; recovery comes later
            log.warning("could not undo an interrupted import yet (%s); it is undone when "
                        "the project is opened or imported into next", exc)
        finally:
            self.release()

    # -- bookkeeping ------------------------------------------------------------------
    def _record(self) -> None:
        if self._file is not None:
            self._record_for(self._file)

    def _record_for(self, name: str) -> None:
        if self._marks is None:
            return
        now = _maxima(self.conn)
        added = {t: [[self._marks[t] + 1, now[t]]] for t in TABLES if now[t] > self._marks[t]}
        _merge(self.files.setdefault(name, {}), added)
        self._marks = now

    def _write_journal(self) -> None:
        pending = {name: ranges for name, ranges in self.files.items() if ranges}
        if not pending and not self._journal_written:
            return
        pid = os.getpid()
        value = json.dumps({"owner": {"pid": pid, "host": socket.gethostname(),
                                      "started": _process_start(pid)},
                            "files": pending})
        if self._journal_written:
            self.conn.execute(text("UPDATE settings SET value = :v WHERE key = :k"),
                              {"k": self.key, "v": value})
        else:
            self.conn.execute(text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
                              {"k": self.key, "v": value})
            self._journal_written = True
