"""The floor: the same rows written and read with nothing but ``sqlite3`` and ``json``.

The machine is shared and noisy, so import and export are reported as ratios to this
floor, measured in the same run right before Akkord. The floor obeys the same safety
rules as Akkord (WAL, ``synchronous=FULL``, foreign keys on, one transaction, the file
``fsync``-ed) and keeps every row (documents with their metadata as JSON, spans,
relations), but does nothing else: no validation, no normalisation, no deduplication
beyond the content hash, no time suggestions.

* :func:`import_floor` parses each line with :func:`json.loads` and inserts it in
  batches of 500 documents with ``executemany``, either into an empty project that
  Akkord created (``tables="akkord"``: the same rows in the same tables, with their
  indexes and constraints, so the ratio is what Akkord's code costs on top) or into
  three bare tables with only the indexes needed to read a document back
  (``tables="bare"``: what any program would pay to keep these rows safely).
* :func:`export_floor` reads a project written by Akkord with plain SQL (documents,
  their mentions in order, their relations) and writes one :func:`json.dumps` line per
  document, spans and relations included, then ``fsync``-s the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

BATCH = 500

SCHEMA = """
CREATE TABLE documents (id INTEGER PRIMARY KEY, external_id TEXT, title TEXT, text TEXT,
                        meta TEXT, date TEXT);
CREATE TABLE mentions (id INTEGER PRIMARY KEY,
                       document_id INTEGER NOT NULL REFERENCES documents(id),
                       start INTEGER, "end" INTEGER, label TEXT);
CREATE INDEX ix_mentions_document ON mentions (document_id, start);
CREATE TABLE relations (id INTEGER PRIMARY KEY,
                        head_id INTEGER NOT NULL REFERENCES mentions(id),
                        tail_id INTEGER NOT NULL REFERENCES mentions(id), type TEXT);
CREATE INDEX ix_relations_head ON relations (head_id);
"""


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _rows_bare(doc_id: int, record: dict[str, Any], meta: dict[str, Any]) -> tuple[Any, ...]:
    return (doc_id, record.get("id"), meta.get("title"), record["text"],
            json.dumps(meta, ensure_ascii=False), meta.get("date"))


def _rows_akkord(doc_id: int, record: dict[str, Any], meta: dict[str, Any]
                 ) -> tuple[Any, ...]:
    text = record["text"]
    date = meta.get("date")
    rest = {k: v for k, v in meta.items() if k not in ("title", "date", "source")}
    return (doc_id, hashlib.sha256(text.encode()).hexdigest(), record.get("id"),
            meta.get("title"), meta.get("source"), text, json.dumps(rest, ensure_ascii=False),
            "[]", date, date, date, "day" if date else None)


INSERTS = {
    "bare": ("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
             "INSERT INTO mentions VALUES (?, ?, ?, ?, ?)",
             "INSERT INTO relations (head_id, tail_id, type) VALUES (?, ?, ?)"),
    "akkord": ("INSERT INTO documents (id, content_hash, external_id, title, source, text, "
               "meta, parts, date_value, date_earliest, date_latest, date_precision) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               'INSERT INTO mentions (id, document_id, start, "end", label, annotator_id, '
               "status) VALUES (?, ?, ?, ?, ?, 1, 'manual')",
               "INSERT INTO relations (head_id, tail_id, type, annotator_id) "
               "VALUES (?, ?, ?, 1)"),
}


def import_floor(source: Path, target: Path, tables: str = "bare") -> int:
    """Import the corpus JSONL ``source`` into ``target`` (a new file for ``bare``, an
    empty Akkord project for ``akkord``); returns the number of documents."""
    conn = _connect(target)
    if tables == "bare":
        conn.executescript(SCHEMA)
    else:
        conn.execute("INSERT INTO annotators (id, name) VALUES (1, 'gold')")
    insert_document, insert_mention, insert_relation = INSERTS[tables]
    document_row = _rows_bare if tables == "bare" else _rows_akkord
    conn.execute("BEGIN IMMEDIATE")
    docs: list[tuple[Any, ...]] = []
    mentions: list[tuple[Any, ...]] = []
    relations: list[tuple[Any, ...]] = []
    doc_id = mention_id = count = 0

    def flush() -> None:
        conn.executemany(insert_document, docs)
        conn.executemany(insert_mention, mentions)
        conn.executemany(insert_relation, relations)
        docs.clear()
        mentions.clear()
        relations.clear()

    with source.open("rb") as handle:
        for line in handle:
            record = json.loads(line)
            doc_id += 1
            docs.append(document_row(doc_id, record, record.get("meta") or {}))
            ids = {}
            for span in record.get("spans") or ():
                mention_id += 1
                ids[span["id"]] = mention_id
                mentions.append((mention_id, doc_id, span["start"], span["end"],
                                 span["label"]))
            relations.extend((ids[r["from_id"]], ids[r["to_id"]], r["type"])
                             for r in record.get("relations") or ())
            count += 1
            if count % BATCH == 0:
                flush()
    flush()
    conn.execute("COMMIT")
    conn.close()
    return count


def _by_document(cursor: sqlite3.Cursor) -> Iterator[tuple[int, list[Any]]]:
    for doc_id, rows in groupby(cursor, key=itemgetter(0)):
        yield doc_id, list(rows)


def export_floor(project: Path, out: Path) -> int:
    """Export the documents, mentions and relations of the Akkord project ``project`` as
    one JSON line per document to ``out``; returns the number of documents."""
    conn = sqlite3.connect(project)
    docs = conn.execute("SELECT id, external_id, title, text, meta, date_value "
                        "FROM documents ORDER BY id")
    mentions = _by_document(conn.cursor().execute(
        'SELECT document_id, id, start, "end", label, status FROM mentions '
        'ORDER BY document_id, start, "end", label'))
    relations = _by_document(conn.cursor().execute(
        "SELECT m.document_id, r.head_id, r.tail_id, r.type FROM relations r "
        "JOIN mentions m ON m.id = r.head_id ORDER BY m.document_id"))
    next_mentions = next(mentions, None)
    next_relations = next(relations, None)
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for doc_id, external_id, title, text, meta, date in docs:
            spans: list[Any] = []
            rels: list[Any] = []
            if next_mentions is not None and next_mentions[0] == doc_id:
                spans = next_mentions[1]
                next_mentions = next(mentions, None)
            if next_relations is not None and next_relations[0] == doc_id:
                rels = next_relations[1]
                next_relations = next(relations, None)
            ids = {row[1]: f"T{n}" for n, row in enumerate(spans, start=1)}
            handle.write(json.dumps({
                "id": external_id, "text": text,
                "meta": {**json.loads(meta or "{}"), "title": title, "date": date},
                "spans": [{"id": ids[m], "start": s, "end": e, "label": label,
                           "status": status} for _, m, s, e, label, status in spans],
                "relations": [{"from_id": ids[h], "to_id": ids[t], "type": type_}
                              for _, h, t, type_ in rels],
            }, ensure_ascii=False) + "\n")
            count += 1
        handle.flush()
        os.fsync(handle.fileno())
    conn.close()
    return count


def main(argv: list[str]) -> None:
    """``floor.py import SOURCE TARGET [bare|akkord]`` / ``floor.py export PROJECT OUT``:
    prints the seconds taken (run as a child process, so its memory is its own)."""
    import time

    kind, source, target, *tables = argv
    start = time.perf_counter()
    if kind == "import":
        import_floor(Path(source), Path(target), *tables)
    else:
        export_floor(Path(source), Path(target))
    print(time.perf_counter() - start)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
