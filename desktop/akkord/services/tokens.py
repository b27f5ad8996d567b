"""Tokens computed once per document and kept in the project, for the token-based exports.

Texts never change, so neither do their tokens and sentences; tokenising every document
again took 37–45 % of a CoNLL-U or Hugging Face export. Before such an export,
:func:`store_tokens` tokenises the selected documents that have no stored tokens yet
(or tokens made by another tokenizer: another spaCy version, or older rules) and keeps
them in ``document_tokens``; the export then reads them with :func:`stored_tokens`
and, when every document has them, never loads spaCy.

The rows are derived data, not edits: each chunk of documents is stored in its own
short write transaction (so an export never holds the write lock for long), a cancelled
export keeps what was stored, and a project that cannot be written (read-only media)
is exported all the same, tokenising in memory as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from akkord.services.progress import SILENT, Progress
from akkord.store.models import Document, DocumentTokens
from akkord.store.project import Project
from akkord.textproc.tokens import RULES_VERSION, BaseTokens, Tokenizer, pack, unpack

log = logging.getLogger(__name__)
CHUNK = 500


@cache
def signature() -> str:
    """What makes the tokens: Akkord's rules and the installed spaCy."""
    try:
        spacy_version = version("spacy")
    except PackageNotFoundError:
        spacy_version = "none"
    return f"akkord {RULES_VERSION}; spacy {spacy_version}"


def missing_tokens(conn: Connection, doc_ids: Sequence[int]) -> list[int]:
    """The documents among ``doc_ids`` without tokens of the current :func:`signature`."""
    current = signature()
    have: set[int] = set()
    for start in range(0, len(doc_ids), CHUNK):
        chunk = doc_ids[start:start + CHUNK]
        have.update(conn.execute(select(DocumentTokens.document_id).where(
            DocumentTokens.document_id.in_(chunk),
            DocumentTokens.tokenizer == current)).scalars())
    return [d for d in doc_ids if d not in have]


def store_tokens(project: Project, doc_ids: Sequence[int],
                 progress: Progress = SILENT) -> int:
    """Tokenise and store the documents of ``doc_ids`` that lack tokens; how many were.

    Stops storing (and says so in the log) when the project cannot be written; the
    export then tokenises those documents itself.
    """
    with project.read() as session:
        missing = missing_tokens(session.connection(), doc_ids)
    if not missing:
        return 0
    progress.start(len(missing), "Tokenising documents (once; kept for later exports)")
    tokenizer = Tokenizer()
    current = signature()
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start:start + CHUNK]
        with project.read() as session:
            rows = session.connection().execute(
                select(Document.id, Document.text, Document.meta)
                .where(Document.id.in_(chunk))).all()
        packed = []
        for doc_id, text, meta in rows:
            progress.check("the export")
            packed.append({"document_id": doc_id, "tokenizer": current,
                           "tokens": pack(tokenizer.base(text, meta or {}))})
            progress.advance()
        try:
            with project.write() as session:
                _upsert(session.connection(), packed)
        except SQLAlchemyError as exc:
            log.warning("cannot store tokens in %s (%s); tokenising on every export",
                        project.name, exc)
            return start
    return len(missing)


def _upsert(conn: Connection, rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(DocumentTokens)
    conn.execute(statement.on_conflict_do_update(
        index_elements=[DocumentTokens.document_id],
        set_={"tokenizer": statement.excluded.tokenizer,
              "tokens": statement.excluded.tokens}), rows)


def stored_tokens(conn: Connection, doc_ids: Sequence[int]) -> dict[int, BaseTokens]:
    """The stored tokens of the current :func:`signature` of the documents ``doc_ids``
    (a row that cannot be read is left out: the export tokenises that document)."""
    out: dict[int, BaseTokens] = {}
    for doc_id, blob in conn.execute(
            select(DocumentTokens.document_id, DocumentTokens.tokens).where(
                DocumentTokens.document_id.in_(doc_ids),
                DocumentTokens.tokenizer == signature())):
        try:
            out[doc_id] = unpack(blob)
        except ValueError:
            log.warning("unreadable stored tokens of document %s; tokenising it", doc_id)
    return out
