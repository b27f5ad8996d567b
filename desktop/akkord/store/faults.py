"""Database errors → :class:`~akkord.errors.ProjectError` messages a person can act on.

The drivers (``sqlite3``, ``psycopg``) report failures as codes and terse strings
("database disk image is malformed", ``UniqueViolation``); SQLAlchemy wraps them. The
store calls :func:`translate` at its boundary (``Database.read()`` / ``write()`` /
``connect_write()``, opening a project), so the window and the CLI only ever see the
:class:`ProjectError` family, with what happened, to which project, and what to do.

:func:`translate` returns ``None`` for anything it does not recognise as a database or
storage failure; the caller then lets the original exception through (a bug stays a
bug, with its traceback, rather than being dressed up as a disk problem).
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError

from akkord.errors import (
    ConnectionLostError,
    ProjectBusyError,
    ProjectChangedError,
    ProjectDamagedError,
    ProjectError,
    ReadOnlyError,
    StorageFullError,
    StorageIOError,
    WriteConflictError,
)

# SQLite primary result codes (sqlite3.h)
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_CONSTRAINT = 11, 13, 14, 19
SQLITE_NOTADB = 26
SQLITE_READONLY_DBMOVED = SQLITE_READONLY | (4 << 8)

_DAMAGE_WORDS = ("malformed", "not a database", "could not decode", "database corrupt",
                 "unsupported file format", "no such table", "no such column")


@dataclass(frozen=True, slots=True)
class Where:
    """The project a failure belongs to, for messages."""

    name: str
    path: Path | None = None
    url: str | None = None

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else self.name


def backups_beside(path: Path) -> list[Path]:
    """The ``NAME.akkord.bak-*`` copies next to a project file, newest first."""
    try:
        found = [p for p in path.parent.glob(f"{path.name}.bak-*") if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def recovered_name(path: Path) -> Path:
    """Where ``akkord recover`` suggests writing the salvaged project."""
    return path.with_name(f"{path.stem}-recovered{path.suffix or '.akkord'}")


def damaged_message(where: Where, detail: str) -> str:
    if where.path is None:
        return (f"The database {where.label} is damaged ({detail}). Restore it from your "
                "server's backups.")
    backups = backups_beside(where.path)
    if backups:
        copies = (f"Copies made before earlier upgrades are beside it: "
                  f"{', '.join(p.name for p in backups[:3])}"
                  + (f" and {len(backups) - 3} more" if len(backups) > 3 else "") + ".")
    else:
        copies = "There is no .bak copy beside it."
    return (f"The project file {where.path} is damaged ({detail}); Akkord cannot use it "
            f"and does not write to it. {copies} To save what can still be read into a new "
            f"project: akkord recover {where.path} --out {recovered_name(where.path)}")


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    orig = getattr(exc, "orig", None)
    if isinstance(orig, sqlite3.Error):
        return orig
    if isinstance(exc, sqlite3.Error):
        return exc
    return None


def _psycopg_error(exc: BaseException) -> Exception | None:
    orig = getattr(exc, "orig", None)
    module = type(orig).__module__ if orig is not None else ""
    if module.startswith("psycopg"):
        assert isinstance(orig, Exception)
        return orig
    return None


def translate(exc: BaseException, where: Where, *, writing: bool = True,
              stored_values: bool = True) -> ProjectError | None:
    """The :class:`ProjectError` that says what ``exc`` means for ``where``, or ``None``.

    ``stored_values``: a ValueError/TypeError raised while turning a stored value into a
    Python one means a damaged value (see :func:`_raised_reading_stored_values`); off
    where the block also parses the user's files (imports), whose errors are theirs.
    """
    if isinstance(exc, ProjectError):
        return exc
    if isinstance(exc, StaleDataError):
        return WriteConflictError(
            f"Someone else changed this in {where.name} at the same moment; nothing of "
            "your change was saved. Reload and try again.")
    found = _sqlite_error(exc)
    if found is not None:
        return _from_sqlite(found, where, writing)
    pg = _psycopg_error(exc)
    if pg is not None or (isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated):
        return _from_postgres(exc, pg, where)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        target = f" {exc.filename}" if exc.filename else ""
        return StorageFullError(f"The disk is full: cannot write{target}. Nothing of this "
                                "change was saved; free some space and try again.")
    if stored_values and isinstance(exc, ValueError | TypeError) \
            and _raised_reading_stored_values(exc):
        return ProjectDamagedError(damaged_message(
            where, f"a stored value cannot be read: {_detail(exc)}"))
    return None


_READERS = (f"{os.sep}sqlalchemy{os.sep}", f"{os.sep}akkord{os.sep}domain{os.sep}",
            f"{os.sep}enum.py")


def _raised_reading_stored_values(exc: BaseException) -> bool:
    """Whether a ValueError/TypeError (bad JSON, a date that is not a date, text that is
    not UTF-8, a document part or an enum value of an unknown kind) came from turning a
    stored value into a Python one — SQLAlchemy's result processing, the domain's parsers,
    an Enum's lookup — rather than from the caller's own code: then the stored value is
    damaged."""
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    inner = [f for f in frames if not f.endswith(("contextlib.py", "database.py"))]
    return any(any(part in name for part in _READERS) for name in inner[1:])


def _detail(err: BaseException) -> str:
    """The driver's message, without quoting (possibly damaged) data at length."""
    text = " ".join(str(err).split())
    match = re.match(r"Could not decode to UTF-8 column '([^']*)'", text)
    if match:
        return f"the column {match.group(1)!r} holds text that is not UTF-8"
    return text if len(text) <= 160 else text[:157] + "…"


def _from_sqlite(err: sqlite3.Error, where: Where, writing: bool) -> ProjectError | None:
    code = getattr(err, "sqlite_errorcode", None) or 0
    primary = code & 0xFF
    text = _detail(err)
    lowered = str(err).lower()
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or any(w in lowered for w in _DAMAGE_WORDS):
        return ProjectDamagedError(damaged_message(where, text))
    if isinstance(err, sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return None  # the caller's bug (e.g. a value the driver cannot bind): a traceback
    if primary == SQLITE_FULL or "disk is full" in lowered:
        return StorageFullError(
            f"The disk holding {where.label} is full: nothing of this change was saved, and "
            "everything saved before it is safe. Free some space and try again.")
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in lowered:
        return ProjectBusyError(
            f"{where.label} is busy: another program (an import, another window) has been "
            "writing to it for too long. Nothing of this change was saved; try again when "
            "it has finished.")
    if code == SQLITE_READONLY_DBMOVED:
        return ProjectChangedError(
            f"The project file {where.label} was moved or deleted while it was open; Akkord "
            "stopped writing to it. Close the project and open the file where it is now.")
    if primary == SQLITE_READONLY or "readonly" in lowered or "read-only" in lowered:
        return ReadOnlyError(
            f"{where.label} cannot be written (the file, its folder or the disk is "
            "read-only); nothing was saved. Open a writable copy to make changes.")
    if primary == SQLITE_IOERR or "i/o error" in lowered:
        return StorageIOError(
            f"The disk reported an input/output error on {where.label} ({text}): the disk "
            "may be full, removed or failing. Nothing of this change was saved.")
    if primary == SQLITE_CANTOPEN or "unable to open" in lowered:
        if where.path is not None and not where.path.exists():
            return ProjectChangedError(
                f"The project file {where.path} is gone (deleted or moved while open); "
                "Akkord stopped writing to it.")
        return ProjectError(f"Cannot open {where.label}: {text} (check that its folder "
                            "exists and may be read and written).")
    if primary == SQLITE_CONSTRAINT or isinstance(err, sqlite3.IntegrityError):
        return WriteConflictError(
            f"The change conflicts with data in {where.name} ({text}); nothing was saved. "
            "Reload and try again.")
    action = "saved" if writing else "read"
    return ProjectError(f"The database {where.label} reported an error ({text}); nothing "
                        f"was {action}.")


def _from_postgres(exc: BaseException, pg: Exception | None, where: Where) -> ProjectError:
    state = getattr(pg, "sqlstate", None) or ""
    lines = str(pg if pg is not None else exc).strip().splitlines()
    text = lines[0] if lines else type(pg or exc).__name__
    invalidated = isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated
    if state.startswith("23"):
        return WriteConflictError(
            f"Someone else saved the same thing in {where.name} at the same moment ({text}); "
            "nothing of your change was saved. Reload and try again.")
    if state in ("40001", "40P01"):
        return WriteConflictError(
            f"Your change collided with another writer's in {where.name}; nothing was "
            "saved. Try again.")
    if state in ("53100", "53200"):
        return StorageFullError(f"The database server of {where.name} is out of space "
                                f"({text}); nothing of this change was saved.")
    if state == "25006":
        return ReadOnlyError(f"The database {where.name} is read-only ({text}); nothing "
                             "was saved.")
    if state in ("42P01", "42703"):
        return ProjectDamagedError(f"The database {where.name} lacks part of Akkord's tables "
                                   f"({text}); it is damaged or not a complete project.")
    if invalidated or state.startswith(("08", "57")) or isinstance(
            exc, sa_exc.OperationalError):
        return ConnectionLostError(
            f"The connection to the database server of {where.name} was lost ({text}); "
            "nothing of this change was saved. Check the server and try again.")
    return ProjectError(f"The database server reported an error for {where.name} ({text}); "
                        "nothing was saved.")
