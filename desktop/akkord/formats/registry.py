"""Which reader reads which file: format names, file suffixes, lazy loading.

Readers are named by ``module:function`` and imported on first use, so the formats a
session does not touch cost no start-up time (spaCy, pyarrow, … stay unloaded).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from akkord.errors import AkkordError
from akkord.formats.records import Record

Reader = Callable[[Path], Iterator[Record]]


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
        module, _, function = self.target.partition(":")
        return cast(Reader, getattr(importlib.import_module(module), function))


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


def _folder_files(folder: Path, fmt: str | None) -> list[Path]:
    """The files to import from a folder, sorted.

    A brat document is a ``.ann`` file with its ``.txt``: the ``.ann`` stands for both,
    so a ``.txt`` beside a ``.ann`` of the same name is not read again as an article.
    """
    found = sorted(p for p in folder.rglob("*") if p.is_file()
                   and not p.name.startswith(".") and _reads(p, fmt))
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
            out.extend((p, fmt or cast(str, format_for(p))) for p in found)
            continue
        name = fmt or format_for(path)
        if name is None:
            raise AkkordError(f"{path}: unknown file type {path.suffix or '(none)'}; "
                              f"choose one with --format ({', '.join(READERS)})")
        out.append((path, name))
    return out
