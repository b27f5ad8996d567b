"""Write a file so that it either appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from akkord.errors import AkkordError


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
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        with temp.open("rb") as written:
            os.fsync(written.fileno())
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_text(target: Path, encoding: str = "utf-8", newline: str = "\n") -> Iterator[IO[str]]:
    """Like :func:`atomic_path`, but open the temporary file for writing text."""
    with atomic_path(target) as temp, temp.open("w", encoding=encoding, newline=newline) as out:
        yield out
