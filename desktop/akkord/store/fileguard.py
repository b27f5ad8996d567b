"""Noticing that the file under an open SQLite project was deleted, moved or replaced.

SQLite keeps using the file it opened: after ``mv other.akkord project.akkord`` (or a
delete) an open connection writes into a file no one will ever see again, a new pooled
connection would open whatever is now at the path, and the ``-wal`` file named after the
path would later be replayed into the replacing file. :class:`FileGuard` is asked before
every transaction (one ``stat``, a few microseconds) and raises
:class:`~akkord.errors.ProjectChangedError` when

* the path no longer exists (deleted or moved away),
* the path now names another file (device and inode differ: renamed over, replaced by
  an editor's "save"),
* the bytes at the path changed outside SQLite: when size or modification time moved,
  the 100-byte header is re-read and must still be a SQLite header with this project's
  page size and *stamp* (``application_id`` = :data:`APPLICATION_ID`, ``user_version``
  = a random number written when the project was created).

Reading the header needs care: closing *any* file descriptor of the database file
releases every POSIX lock the process holds on it, SQLite's included ("How To Corrupt
An SQLite Database", 2.2). So the guard opens the file once, shares that descriptor
between all guards of the same file in the process, and closes it only when the last
guard is closed — after the caller has closed its SQLite connections.

Limits: a byte-for-byte copy of the *same* project (a ``.bak`` copy) written over the
open file in place carries the same stamp and is not noticed.
"""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from akkord.errors import ProjectChangedError

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
APPLICATION_ID = 0x416B6B64  # "Akkd": PRAGMA application_id of every Akkord project
T = TypeVar("T")
D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class Header:
    """The fields of a SQLite database header that tell one project file from another."""

    valid: bool
    page_size: int = 0
    pages: int = 0
    application_id: int = 0
    user_version: int = 0

    @classmethod
    def parse(cls, data: bytes) -> Header:
        if len(data) < HEADER_SIZE or not data.startswith(SQLITE_MAGIC):
            return cls(False)
        (raw_page_size,) = struct.unpack_from(">H", data, 16)
        page_size = 65536 if raw_page_size == 1 else raw_page_size
        if page_size < 512 or page_size & (page_size - 1):
            return cls(False)
        (pages,) = struct.unpack_from(">I", data, 28)
        (user_version,) = struct.unpack_from(">i", data, 60)
        (application_id,) = struct.unpack_from(">i", data, 68)
        return cls(True, page_size, pages, application_id & 0xFFFFFFFF, user_version)


class _SharedDescriptors:
    """One read-only descriptor per open file (by device and inode), reference-counted.

    A descriptor is opened only for a file no guard of this process holds yet, i.e. one
    no Akkord connection of this process has open (guards are created before their
    connections), and closed only when its last guard is closed.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.open: dict[tuple[int, int], list[int]] = {}  # (dev, ino) → [fd, users]

    def acquire(self, path: Path) -> tuple[tuple[int, int], int]:
        with self.lock:
            st = path.stat()
            key = (st.st_dev, st.st_ino)
            found = self.open.get(key)
            if found is None:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                found = self.open[key] = [fd, 0]
            found[1] += 1
            return key, found[0]

    def release(self, key: tuple[int, int]) -> None:
        with self.lock:
            found = self.open.get(key)
            if found is None:
                return
            found[1] -= 1
            if found[1] <= 0:
                del self.open[key]
                os.close(found[0])

    def descriptor(self, path: Path) -> int | None:
        """The shared descriptor of the file at ``path``, if a guard holds it."""
        try:
            st = path.stat()
        except OSError:
            return None
        found = self.open.get((st.st_dev, st.st_ino))
        return found[0] if found else None


_DESCRIPTORS = _SharedDescriptors()


def with_descriptor(path: Path, use: Callable[[int], T], default: D) -> T | D:
    """``use(fd)`` on a read-only descriptor of ``path`` (``default`` when it cannot be
    opened), without endangering SQLite's locks: a guard's shared descriptor when this
    process has the file open, else one opened and closed here (safe: then no connection
    of this process has it)."""
    with _DESCRIPTORS.lock:
        fd = _DESCRIPTORS.descriptor(path)
        if fd is not None:
            return use(fd)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return default
        try:
            return use(fd)
        finally:
            os.close(fd)


def read_all(path: Path) -> bytes:
    """The whole file (see :func:`with_descriptor`; raises OSError when unreadable)."""
    def read(fd: int) -> bytes:
        chunks, offset = [], 0
        while chunk := os.pread(fd, 1 << 20, offset):
            chunks.append(chunk)
            offset += len(chunk)
        return b"".join(chunks)

    found = with_descriptor(path, read, None)
    if found is None:
        raise OSError(f"cannot read {path}")
    return found


def read_header(path: Path, size: int = HEADER_SIZE, offset: int = 0) -> bytes:
    """``size`` bytes of ``path`` from ``offset`` (the 100-byte header by default; empty
    when unreadable); see :func:`with_descriptor`."""
    return with_descriptor(path, lambda fd: os.pread(fd, size, offset), b"")


class FileGuard:
    """Watches one project file; :meth:`check` raises when it is no longer the same file."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        self._key, self._fd = _DESCRIPTORS.acquire(path)
        st = os.fstat(self._fd)
        self._seen = (st.st_size, st.st_mtime_ns)
        self.header = Header.parse(os.pread(self._fd, HEADER_SIZE, 0))
        self._stamp: tuple[int, int] | None = None
        self._stamp_on_disk = False
        self._closed = False
        self._sidecars: dict[str, tuple[int, int]] = {}  # "-wal"/"-shm" → (dev, ino)

    def expect_stamp(self, application_id: int, user_version: int) -> None:
        """From now on the header must carry this stamp (once it has reached the file:
        a stamp written moments ago may still be in the ``-wal`` file)."""
        self._stamp = (application_id, user_version)
        self._stamp_on_disk = (self.header.application_id, self.header.user_version) \
            == self._stamp

    def check(self) -> None:
        """Raise :class:`ProjectChangedError` if the path is not this project's file any
        more. Cheap when nothing changed: one ``stat``."""
        if self._closed:
            return
        try:
            st = self.path.stat()
        except FileNotFoundError:
            raise ProjectChangedError(self._message("was deleted or moved away")) from None
        except OSError as exc:
            raise ProjectChangedError(self._message(f"cannot be reached ({exc.strerror})")
                                      ) from exc
        if (st.st_dev, st.st_ino) != self._key:
            raise ProjectChangedError(self._message("was replaced by another file"))
        if len(self._sidecars) < 2:
            self._note_sidecars()
        if (st.st_size, st.st_mtime_ns) == self._seen:
            return
        self._check_header(st.st_size)
        self._seen = (st.st_size, st.st_mtime_ns)

    def _check_header(self, size: int) -> None:
        header = Header.parse(os.pread(self._fd, HEADER_SIZE, 0))
        if not header.valid:
            raise ProjectChangedError(self._message(
                "was overwritten by another program (it is no longer a SQLite database)"))
        if self.header.valid and header.page_size != self.header.page_size:
            raise ProjectChangedError(self._message(
                "was overwritten by another program (another database's page size)"))
        if size % header.page_size:
            raise ProjectChangedError(self._message(
                "was cut short or overwritten by another program"))
        if self._stamp is not None:
            stamp = (header.application_id, header.user_version)
            if stamp == self._stamp:
                self._stamp_on_disk = True
            elif self._stamp_on_disk or stamp != (self.header.application_id,
                                                  self.header.user_version):
                raise ProjectChangedError(self._message(
                    "was overwritten by another program (it is now another project)"))
        self.header = header

    def still_ours(self) -> bool:
        """Whether the path still names the file this guard opened."""
        try:
            st = self.path.stat()
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._key

    def is_deleted(self) -> bool:
        """Whether the file this guard opened has no name left (deleted, or renamed over)."""
        return os.fstat(self._fd).st_nlink == 0

    def _note_sidecars(self) -> None:
        for suffix in ("-wal", "-shm"):
            try:
                st = Path(f"{self.path}{suffix}").stat()
            except OSError:
                continue
            self._sidecars[suffix] = (st.st_dev, st.st_ino)

    def tidy_after_change(self) -> list[str]:
        """After the file was moved, deleted or renamed over, and once this process's
        connections are closed: keep SQLite's ``-wal``/``-shm`` files (named after the
        *path*) from being replayed into whatever is at the path now or later.

        A file moved elsewhere gets its ``-wal`` moved along (it holds committed
        changes not yet folded into the file); one deleted or renamed over loses it, as
        it lost its data. Returns what was done, for the log.
        """
        if self.still_ours():
            return []  # overwritten in place: nothing safe to do with the -wal
        done: list[str] = []
        moved_to = self._moved_to()
        for suffix, identity in self._sidecars.items():
            sidecar = Path(f"{self.path}{suffix}")
            try:
                st = sidecar.stat()
            except OSError:
                continue
            if (st.st_dev, st.st_ino) != identity:
                continue  # not ours: another file's, leave it
            if suffix == "-wal" and moved_to is not None:
                target = Path(f"{moved_to}-wal")
                if not target.exists():
                    sidecar.rename(target)
                    done.append(f"moved {sidecar} to {target}")
                    continue
            sidecar.unlink(missing_ok=True)
            done.append(f"removed {sidecar}")
        return done

    def _moved_to(self) -> Path | None:
        """Where the opened file is now, if it still has a name (Linux: /proc)."""
        if self.is_deleted():
            return None
        try:
            where = str(Path(f"/proc/self/fd/{self._fd}").readlink())
        except OSError:
            return None
        if where.endswith(" (deleted)"):
            return None
        return Path(where)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            _DESCRIPTORS.release(self._key)

    def _message(self, what: str) -> str:
        return (f"The project file {self.path} {what} while {self.name} was open. Akkord "
                "stopped writing to it, so nothing lands in the wrong file; changes "
                "saved before this point are in the file as it was. Close the project and "
                "open the file you mean to work on.")
