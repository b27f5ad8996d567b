"""Which reader reads which file: format names, file suffixes, lazy loading.

Readers are named by ``module:function`` and imported on first use, so the formats a
session does not touch cost no start-up time (spaCy, pyarrow, … stay unloaded).

Only regular files are read, and only where they are: a symbolic link (to
``/etc/passwd``, or to a folder elsewhere), a FIFO or a device is refused with a
message, never followed or opened, so a shared archive cannot pull local files into a
project. Folders are searched without following links; :func:`refusal` is the one rule
and :meth:`ReaderInfo.load` applies it before any reader opens its file.
"""

from __future__ import annotations

import functools
import importlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from akkord.errors import AkkordError
from akkord.formats.records import Problem, Record

Reader = Callable[[Path], Iterator[Record]]


def refusal(path: Path) -> str | None:
    """Why the file at ``path`` must not be read (a link, not a regular file), or ``None``."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISLNK(info.st_mode):
        return ("is a symbolic link; Akkord does not follow links when importing (import "
                "the file it points to instead)")
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a folder, FIFO or device); nothing was read"
    return None


def _guarded(read: Reader, path: Path) -> Iterator[Record]:
    refused = refusal(path)
    if refused is not None:
        yield Problem(str(path), None, refused)
        return
    yield from read(path)


@dataclass(frozen=True, slots=True)
class ReaderInfo:
    name: str
    suffixes: tuple[str, ...]
    target: str  # "module:function"
    description: str
    # Documents may arrive as raw text (articles to annotate): those without spans get
    # the time tagger's suggestions on import. A format that carries annotations (NorNE,
    # brat, …) comes as it is: a document without a name in it is annotated data too.
    raw: bool = False

    def load(self) -> Reader:
        """The reader, behind :func:`refusal`: a link or special file gives a problem."""
        module, _, function = self.target.partition(":")
        read = cast(Reader, getattr(importlib.import_module(module), function))
        return functools.partial(_guarded, read)


READERS: dict[str, ReaderInfo] = {
    info.name: info
    for info in (
        ReaderInfo("txt", (".txt",), "akkord.formats.article_txt:read_article_records",
                   "news articles as text files (the seeds' layout, or plain text)", raw=True),
        ReaderInfo("jsonl", (".jsonl", ".ndjson"), "akkord.formats.jsonl:read_jsonl",
                   "JSON Lines: Akkord's native format or {\"text\", \"meta\"} per line",
                   raw=True),
        ReaderInfo("conllu", (".conllu",), "akkord.formats.conll:read_conll",
                   "CoNLL-U with name= tags (NorNE); one document per # newdoc or file"),
        ReaderInfo("conll", (".conll", ".iob", ".bio"), "akkord.formats.conll:read_conll",
                   "CoNLL-2003-style columns, IOB tag last; -DOCSTART- separates documents"),
        ReaderInfo("brat", (".ann",), "akkord.formats.brat:read_brat",
                   "brat standoff: a .ann file beside its .txt (a folder of them)"),
        ReaderInfo("labelstudio", (".json",), "akkord.formats.labelstudio:read_labelstudio",
                   "Label Studio JSON export (a list of tasks with annotations)"),
        ReaderInfo("doccano", (".jsonl",), "akkord.formats.doccano:read_doccano",
                   "doccano JSONL: text with label [[start, end, label]] or entities, "
                   "relations"),
    )
}


def format_for(path: Path) -> str | None:
    """The reader name for a file's suffix, or ``None`` (the first reader that claims it:
    ``.jsonl`` is native JSONL unless ``--format doccano`` says otherwise)."""
    suffix = path.suffix.lower()
    return next((i.name for i in READERS.values() if suffix in i.suffixes), None)


def _reads(path: Path, fmt: str | None) -> bool:
    if fmt is None:
        return format_for(path) is not None
    return path.suffix.lower() in READERS[fmt].suffixes


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under ``folder``, links not followed: a linked folder is an entry (to be
    refused), not a place to look in."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in dirs:
            if (base / name).is_symlink():
                yield base / name
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            yield base / name


def _folder_files(folder: Path, fmt: str | None) -> list[Path]:
    """The files to import from a folder, sorted.

    A brat document is a ``.ann`` file with its ``.txt``: the ``.ann`` stands for both,
    so a ``.txt`` beside a ``.ann`` of the same name is not read again as an article.
    Links (to files or folders) are listed, to be refused with a message when read.
    """
    found = sorted(p for p in _walk(folder) if not p.name.startswith(".")
                   and (p.is_symlink() or p.is_file()) and (_reads(p, fmt) or p.is_dir()))
    standoff = {p.with_suffix("") for p in found if p.suffix.lower() == ".ann"}
    return [p for p in found if not (p.suffix.lower() == ".txt"
                                     and p.with_suffix("") in standoff)]


def expand(paths: list[Path], fmt: str | None) -> list[tuple[Path, str]]:
    """Files to import, with their format: folders are searched (sorted) for known files."""
    if fmt is not None and fmt not in READERS:
        raise AkkordError(f"unknown import format {fmt!r} (known: {', '.join(READERS)})")
    out: list[tuple[Path, str]] = []
    for path in paths:
        if not path.exists():
            raise AkkordError(f"{path}: no such file or folder")
        if path.is_dir():
            found = _folder_files(path, fmt)
            if not found:
                raise AkkordError(f"{path}: no files to import in this folder")
            out.extend((p, fmt or format_for(p) or "txt") for p in found)
            continue
        name = fmt or format_for(path)
        if name is None:
            raise AkkordError(f"{path}: unknown file type {path.suffix or '(none)'}; "
                              f"choose one with --format ({', '.join(READERS)})")
        out.append((path, name))
    return out
