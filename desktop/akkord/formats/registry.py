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
import importlib.util
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from akkord.errors import AkkordError
from akkord.formats.records import Dataset, Problem, Record
from akkord.formats.writing import WriteSettings

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


# -- writers --------------------------------------------------------------------------------

Writer = Callable[[Dataset, Path, WriteSettings], int]


@dataclass(frozen=True, slots=True)
class WriterInfo:
    """One export format: what it writes and the writer that does it.

    ``target`` names the writer as ``module:function`` (``write(dataset, out, settings)
    -> documents written``); it is imported on first use, so spaCy, datasets or pyarrow
    load only for the export that needs them. ``output`` says whether ``out`` is a file
    or a folder; either way it appears whole or not at all. ``needs`` lists the optional
    modules (the ``export`` extra) the writer imports, checked before anything is read.
    ``tokens``: the writer tokenises, so the documents' tokens are stored once first and
    handed to it with the records.
    """

    name: str
    description: str
    output: Literal["file", "folder"]
    suffix: str  # of the file, for file dialogs ("" for folders)
    target: str
    needs: tuple[str, ...] = ()
    # The writer makes no reference cycles, so the cycle collector may be paused while it
    # runs (a quarter of the JSONL export's time).
    acyclic: bool = False
    tokens: bool = False  # it writes tokens: store each document's tokens first

    def load(self) -> Writer:
        module, _, function = self.target.partition(":")
        return cast(Writer, getattr(importlib.import_module(module), function))

    def missing(self) -> list[str]:
        """The optional modules this format needs that are not installed."""
        return [m for m in self.needs if importlib.util.find_spec(m) is None]


_FORMATS = "akkord.formats"
WRITERS: dict[str, WriterInfo] = {
    w.name: w for w in (
        WriterInfo("jsonl", "Akkord's native, lossless format (JSON Lines)", "file", ".jsonl",
                   f"{_FORMATS}.jsonl:write_jsonl_file", acyclic=True),
        WriterInfo("conll", "CoNLL-2003-style IOB2 tags per token (seqeval, flair)", "file",
                   ".conll", f"{_FORMATS}.conll:write_conll", ("spacy",), tokens=True),
        WriterInfo("conllu", "CoNLL-U with NorNE's name= tags in MISC", "file", ".conllu",
                   f"{_FORMATS}.conll:write_conllu", ("spacy",), tokens=True),
        WriterInfo("spacy", "spaCy DocBin files in train/dev/test folders: doc.ents, "
                   "doc.spans['akkord'], kb_id_", "folder", "",
                   f"{_FORMATS}.spacy_docbin:write_docbin", ("spacy",), tokens=True),
        WriterInfo("hf", "Hugging Face datasets folder: JSON Lines and Parquet, IOB2 "
                   "ClassLabel tags, train/validation/test", "folder", "",
                   f"{_FORMATS}.hf:write_hf", ("spacy", "pyarrow", "datasets"), tokens=True),
        WriterInfo("brat", "brat standoff: .txt + .ann per document, annotation.conf",
                   "folder", "", f"{_FORMATS}.brat:write_brat"),
        WriterInfo("doccano", "doccano JSONL: text, label [[start, end, label]], relations",
                   "file", ".jsonl", f"{_FORMATS}.doccano:write_doccano"),
        WriterInfo("labelstudio", "Label Studio tasks (JSON) and labelling config (XML)",
                   "folder", "", f"{_FORMATS}.labelstudio:write_labelstudio"),
        WriterInfo("tables", "analysis tables (actors, demands, meetings, mentions …) as "
                   "CSV and Parquet", "folder", "", f"{_FORMATS}.tables:write_tables",
                   ("pyarrow",)),
    )
}
