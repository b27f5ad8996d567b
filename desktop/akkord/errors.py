"""The errors a user is meant to read.

Anything raised as an :class:`AkkordError` carries a message fit for the status bar or
the terminal (what went wrong, where, what to do). The CLI turns it into ``Error: …``
and exit code 1; the GUI into a message box. Anything else is a bug.

The :class:`ProjectError` family is what the store raises when the project database
itself fails: it cannot be opened, it is damaged, replaced, read-only, full, busy or
unreachable. The store translates the database driver's errors into these at its
boundary (``Database.read()`` / ``write()``), so callers — the window, the CLI, scripts —
catch one family and show ``str(error)``. Two attributes tell a caller what to do next:

* ``retry``: the same action may succeed if tried again (a lock, a conflicting write at
  the same instant, a lost connection).
* ``stop``: the project must no longer be written (its file is damaged, replaced or
  gone); the store has already refused further writes.

In every case nothing of the failed transaction was saved.
"""

from __future__ import annotations


class AkkordError(Exception):
    """A failure caused by input or state the user can fix; ``str(err)`` says how."""


class ProjectError(AkkordError):
    """The project cannot be opened, created or written; the message says why and what
    to do."""

    retry = False
    stop = False


class ProjectDamagedError(ProjectError):
    """The project file is not a readable SQLite database any more (truncated, overwritten
    with other bytes, a damaged page or schema). The message names the backups beside it
    and the ``akkord recover`` command."""

    stop = True


class ProjectChangedError(ProjectError):
    """The file under an open project was deleted, moved, replaced or overwritten by
    another program; the project refuses to write so nothing lands in the wrong file."""

    stop = True


class ReadOnlyError(ProjectError):
    """The project is open read-only (read-only file, folder or medium); writes are
    refused before they start."""


class StorageFullError(ProjectError):
    """The disk (or the database server's disk) is full; nothing of the change was
    saved."""


class StorageIOError(ProjectError):
    """The operating system reported an input/output error while reading or writing the
    project (a failing or removed disk, a network share gone)."""


class ProjectBusyError(ProjectError):
    """Another program held the project's write lock longer than this one would wait."""

    retry = True


class WriteConflictError(ProjectError):
    """Another writer changed or created the same thing at the same moment (a unique key,
    a serialization failure, a stale version); the change was rolled back."""

    retry = True


class ConnectionLostError(ProjectError):
    """The connection to the database server was lost or refused."""

    retry = True
