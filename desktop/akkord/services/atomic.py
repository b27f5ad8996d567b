"""Write a file so that it either appears whole or not at all.

The output is written under a hidden temporary name beside the target and renamed into
place when complete. A process killed mid-export (SIGKILL, power loss) cannot delete its
temporary file, so the name says whose it is: ``.TARGET.akkord-HOST-PID-XXXX.part`` (and
``….old`` for the previous folder export while it is being replaced). The next export to
the same target removes such leftovers of processes on this host that no longer run;
nothing else is ever deleted.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

from akkord.errors import AkkordError

_HOST = re.sub(r"[^A-Za-z0-9]+", "", socket.gethostname())[:32] or "host"


def _prefix(target: Path) -> str:
    """The start of every temporary name this process uses for ``target``."""
    return f".{target.name}.akkord-{_HOST}-{os.getpid()}-"


def _running(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process there: keep its files
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours (EPERM): it runs
        return True
    return True


def remove_stale(target: Path) -> list[Path]:
    """Delete the temporary files and folders that killed exports to ``target`` left.

    Only names this module makes (``.TARGET.akkord-HOST-PID-….part`` / ``.old``) of this
    host whose process is gone are removed; returns what was removed.
    """
    parent = target.parent if str(target.parent) else Path()
    pattern = re.compile(rf"\.{re.escape(target.name)}\.akkord-{_HOST}-(\d+)-[A-Za-z0-9_]+"
                         r"\.(?:part|old)")
    removed = []
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            found = pattern.fullmatch(entry.name)
            if found is None or _running(int(found[1])):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed.append(entry)
    return removed


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it replaces ``target`` only on success.

    A failure or a cancel (any exception) deletes the temporary file, so no half-written
    export is ever left behind under the target's name.
    """
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise AkkordError(f"cannot write {target}: the folder {parent} does not exist")
    if target.is_dir():
        raise AkkordError(f"cannot write {target}: it is a folder")
    remove_stale(target)
    handle, name = tempfile.mkstemp(prefix=_prefix(target), suffix=".part", dir=parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        with temp.open("rb") as written:
            os.fsync(written.fileno())
        temp.chmod(_default_mode(0o666))  # mkstemp made it private; exports are shared
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


EXPORT_MARKER = ".akkord-export"


@contextlib.contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; it becomes ``target`` on success.

    A failure or a cancel deletes the temporary folder. ``target`` may be absent, an
    empty folder, or a folder an earlier Akkord export wrote (it holds the
    :data:`EXPORT_MARKER` file): that one is replaced whole. Any other existing file or
    folder is refused, so an export never deletes work it did not make.
    """
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise AkkordError(f"cannot write {target}: the folder {parent} does not exist")
    if target.exists() and not target.is_dir():
        raise AkkordError(f"cannot write the folder {target}: a file has that name")
    if target.is_dir() and any(target.iterdir()) and not (target / EXPORT_MARKER).exists():
        raise AkkordError(f"{target} is a folder that holds other files; choose a new or "
                          "empty folder (an earlier Akkord export there is replaced)")
    remove_stale(target)
    temp = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".part", dir=parent))
    try:
        yield temp
        (temp / EXPORT_MARKER).write_text("written by Akkord; this folder is replaced by the "
                                          "next export to it\n", encoding="utf-8")
        _fsync_tree(temp)
        temp.chmod(_default_mode(0o777))
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".old", dir=parent))
        old.rmdir()
        target.rename(old)
    temp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    """Flush a written folder to disk before it is renamed into place.

    One ``sync`` where the system has it: an fsync per file costs seconds for the
    20,000 files of a brat export of 10,000 documents.
    """
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()
        return
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as written:
                os.fsync(written.fileno())


def _default_mode(mode: int) -> int:
    """``mode`` less the process's umask: what ``open``/``mkdir`` would have made."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mode & ~mask
