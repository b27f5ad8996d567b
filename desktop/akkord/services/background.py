"""Reading a project from a worker thread: on a connection of its own, never the window's.

Agreement over a large project takes seconds, and the curation queue of every document
too; the window runs them on a worker thread so it never blocks. A SQLAlchemy session
(and a SQLite connection) must not be shared across threads, so each function here opens
its own engine on the project's URL, reads in one transaction (one consistent snapshot)
and disposes of it before returning plain values. With SQLite in WAL mode that reader
never blocks the window's writes, nor they it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.schema import Schema
from akkord.domain.statuses import GOLD
from akkord.services.agreement import AgreementOptions, AgreementReport, compute_agreement
from akkord.services.agreement.layers import annotators_with_annotations, document_texts
from akkord.services.curation import CurationSnapshot, curation_snapshot
from akkord.store.database import Database
from akkord.store.models import Document

T = TypeVar("T")


def in_own_connection(url: str, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a read transaction on a new engine for ``url`` (disposed after)."""
    database = Database(url)
    try:
        with database.read() as session:
            return work(session)
    finally:
        database.dispose()


@dataclass(frozen=True, slots=True)
class AgreementSnapshot:
    """The agreement report with what the window shows beside it: the documents' titles
    and the words of every disagreement."""

    report: AgreementReport
    titles: dict[int, str] = field(default_factory=dict)
    words: dict[tuple[int, int, int], str] = field(default_factory=dict)


def agreement_snapshot(session: Session, schema: Schema, options: AgreementOptions
                       ) -> AgreementSnapshot:
    """The report, titles and words; without chosen annotators, the annotators' layers
    are compared (gold, the curated result, only when there are not two others)."""
    if options.annotators is None:
        others = [n for n in annotators_with_annotations(session) if n != GOLD]
        if len(others) >= 2:
            options = replace(options, annotators=others)
    report = compute_agreement(session, schema, options)
    places: dict[int, list[tuple[int, int]]] = {}
    for item in report.disagreements:
        places.setdefault(item.document, []).append((item.start, item.end))
    words: dict[tuple[int, int, int], str] = {}
    for chunk in document_texts(session, sorted(places)):
        for doc, text in chunk:
            for start, end in places[doc]:
                words[(doc, start, end)] = text[start:end]
    titles = {int(d): str(t) for d, t in session.execute(select(
        Document.id, func.coalesce(Document.title, Document.external_id, "")))}
    return AgreementSnapshot(report, titles, words)


def agreement_at(url: str, schema: Schema, options: AgreementOptions | None = None
                 ) -> AgreementSnapshot:
    """Every agreement figure and disagreement, read on a connection of its own."""
    chosen = options or AgreementOptions(disagreements=True)
    return in_own_connection(url, lambda s: agreement_snapshot(s, schema, chosen))


def curation_at(url: str, schema: Schema, documents: Iterable[int] | None = None
                ) -> CurationSnapshot:
    """The curation units (of ``documents``, default all), read on a connection of its own."""
    chosen = None if documents is None else sorted(set(documents))
    return in_own_connection(url, lambda s: curation_snapshot(s, schema, None, chosen))
