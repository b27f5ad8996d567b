"""Export a project: the database read once, as format-neutral records, in a stable order.

:func:`read_export` turns the project (or the part selected by :class:`ExportOptions`)
into a header, the canonical entities and a stream of documents with their spans and
relations. Writers in ``akkord.formats`` turn those records into files; :func:`export`
picks the writer and writes atomically (a failed or cancelled export leaves no file).

Order is part of the contract, because the native export must be byte-identical after
an import → export round trip: documents by id (= import order), entities by key,
spans by (start, end, label, annotator, status, entity), relations by their spans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.dates import Certainty, PartialDate
from akkord.domain.document import Part
from akkord.errors import AkkordError
from akkord.formats.records import (
    DocumentRecord,
    EntityRecord,
    EvidenceRef,
    HeaderRecord,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.services.atomic import atomic_path
from akkord.services.progress import SILENT, Progress
from akkord.store.models import (
    Annotator,
    Document,
    DocumentState,
    Entity,
    EntityAlias,
    EntityValue,
    Mention,
    MentionValue,
    Relation,
    SchemaVersion,
)
from akkord.store.project import Project

CHUNK = 500


@dataclass(slots=True)
class ExportOptions:
    annotators: list[str] | None = None  # None: every layer
    labels: list[str] | None = None  # None: every label
    done_only: bool = False  # only documents marked done (by a selected annotator)


@dataclass(slots=True)
class ExportData:
    header: HeaderRecord
    entities: list[EntityRecord]
    documents: Iterator[tuple[DocumentRecord, str]]  # (record, content hash)
    document_count: int


@dataclass(slots=True)
class ExportReport:
    path: Path
    format: str
    documents: int = 0
    notes: list[str] = field(default_factory=list)


# -- rows → records -----------------------------------------------------------------------

def value_record(row: Any, keys: dict[int, str]) -> ValueRecord:
    """A value row (entity_values / mention_values) as a :class:`ValueRecord`."""
    date = None
    if row.date_value is not None:
        date = PartialDate.parse(row.date_value)
        if row.date_certainty and row.date_certainty != Certainty.CERTAIN.value:
            date = date.with_certainty(Certainty(row.date_certainty))
    return ValueRecord(attribute=row.attribute, text=row.text, flag=row.flag,
                       number=row.number, date=date,
                       ref=keys[row.ref_id] if row.ref_id is not None else None,
                       role=row.role, preferred=row.preferred)


def _document_record(doc: Any, mentions: list[Any], values: dict[int, list[Any]],
                     relations: list[Any], states: dict[str, str],
                     keys: dict[int, str]) -> tuple[DocumentRecord, dict[int, str]]:
    """One document's record; ``mentions`` are ``_Reader.mentions`` rows, in export order."""
    span_ids: dict[int, str] = {}
    spans = []
    for n, (_doc, mention_id, start, end, label, annotator, status, entity) in enumerate(
            mentions, start=1):
        span_id = span_ids[mention_id] = f"T{n}"
        found = values.get(mention_id)
        spans.append(SpanRecord(start, end, label, span_id, annotator, status, entity,
                                [value_record(v, keys) for v in found] if found else []))
    if relations:
        position = {mention_id: i for i, mention_id in enumerate(span_ids)}
        relations = sorted(
            (r for r in relations if r[0] in span_ids and r[1] in span_ids),
            key=lambda r: (position[r[0]], position[r[1]], r[2], r[3]))
    record = DocumentRecord(
        text=doc.text, external_id=doc.external_id, title=doc.title, source=doc.source,
        date=PartialDate.parse(doc.date_value) if doc.date_value else None,
        meta=dict(doc.meta or {}), parts=[Part.from_list(p) for p in doc.parts or []],
        spans=spans,
        relations=[RelationRecord(span_ids[head], span_ids[tail], type_, annotator)
                   for head, tail, type_, annotator in relations],
        states=states)
    return record, span_ids


# -- queries --------------------------------------------------------------------------------

class _Reader:
    def __init__(self, session: Session, options: ExportOptions) -> None:
        self.session = session
        self.options = options
        self.conn = session.connection()  # Core rows: no ORM loading cost on big exports
        self.keys: dict[int, str] = dict(
            self.conn.execute(select(Entity.id, Entity.key)).all())
        self.annotator_ids: list[int] | None = None
        if options.annotators is not None:
            found = dict(session.execute(select(Annotator.name, Annotator.id)).all())
            missing = [a for a in options.annotators if a not in found]
            if missing:
                raise AkkordError(f"no annotator called {', '.join(missing)} in this project "
                                  f"(annotators: {', '.join(sorted(found)) or 'none'})")
            self.annotator_ids = [found[a] for a in options.annotators]

    def document_ids(self) -> list[int]:
        query = select(Document.id).order_by(Document.id)
        if self.options.done_only:
            done = select(DocumentState.document_id).where(DocumentState.status == "done")
            if self.annotator_ids is not None:
                done = done.where(DocumentState.annotator_id.in_(self.annotator_ids))
            query = query.where(Document.id.in_(done))
        return list(self.session.scalars(query))

    def mentions(self, doc_ids: Sequence[int]) -> list[Any]:
        """(document_id, id, start, end, label, annotator, status, entity key), sorted in
        export order within each document."""
        query = (select(Mention.document_id, Mention.id, Mention.start, Mention.end,
                        Mention.label, Annotator.name, Mention.status, Entity.key)
                 .join(Annotator, Annotator.id == Mention.annotator_id)
                 .outerjoin(Entity, Entity.id == Mention.entity_id)
                 .where(Mention.document_id.in_(doc_ids))
                 .order_by(Mention.document_id, Mention.start, Mention.end, Mention.label,
                           Annotator.name, Mention.status, func.coalesce(Entity.key, ""),
                           Mention.id))
        if self.annotator_ids is not None:
            query = query.where(Mention.annotator_id.in_(self.annotator_ids))
        if self.options.labels is not None:
            query = query.where(Mention.label.in_(self.options.labels))
        return list(self.conn.execute(query).all())

    def mention_values(self, doc_ids: Sequence[int]) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = defaultdict(list)
        query = (select(MentionValue).join(Mention, Mention.id == MentionValue.mention_id)
                 .where(Mention.document_id.in_(doc_ids))
                 .order_by(MentionValue.mention_id, MentionValue.attribute,
                           MentionValue.position, MentionValue.id))
        for value in self.session.scalars(query):
            out[value.mention_id].append(value)
        return out

    def relations(self, doc_ids: Sequence[int]) -> list[Any]:
        """(document_id, head_id, tail_id, type, annotator) of the documents' relations."""
        query = (select(Mention.document_id, Relation.head_id, Relation.tail_id,
                        Relation.type, Annotator.name)
                 .join(Annotator, Annotator.id == Relation.annotator_id)
                 .join(Mention, Mention.id == Relation.head_id)
                 .where(Mention.document_id.in_(doc_ids)))
        if self.annotator_ids is not None:
            query = query.where(Relation.annotator_id.in_(self.annotator_ids))
        return list(self.conn.execute(query).all())

    def states(self, doc_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = defaultdict(dict)
        query = (select(DocumentState.document_id, Annotator.name, DocumentState.status)
                 .join(Annotator, Annotator.id == DocumentState.annotator_id)
                 .where(DocumentState.document_id.in_(doc_ids)))
        if self.annotator_ids is not None:
            query = query.where(DocumentState.annotator_id.in_(self.annotator_ids))
        for doc_id, name, status in self.session.execute(query):
            out[doc_id][name] = status
        return dict(out)

    def documents(self, doc_ids: list[int], progress: Progress,
                  evidence: Callable[[int, str, dict[int, str]], None] | None = None,
                  ) -> Iterator[tuple[DocumentRecord, str]]:
        columns = (Document.id, Document.content_hash, Document.external_id, Document.title,
                   Document.source, Document.text, Document.date_value, Document.meta,
                   Document.parts)
        for start in range(0, len(doc_ids), CHUNK):
            chunk = doc_ids[start:start + CHUNK]
            docs = self.conn.execute(select(*columns).where(Document.id.in_(chunk))
                                     .order_by(Document.id)).all()
            by_doc = {doc_id: list(group) for doc_id, group in
                      groupby(self.mentions(chunk), key=itemgetter(0))}
            rels_by_doc: dict[int, list[Any]] = defaultdict(list)
            for relation in self.relations(chunk):
                rels_by_doc[relation[0]].append(relation[1:])
            values = self.mention_values(chunk)
            states = self.states(chunk)
            for doc in docs:
                progress.check("the export")
                record, span_ids = _document_record(
                    doc, by_doc.get(doc.id, []), values, rels_by_doc.get(doc.id, []),
                    states.get(doc.id, {}), self.keys)
                if evidence is not None:
                    evidence(doc.id, doc.content_hash, span_ids)
                yield record, doc.content_hash
                progress.advance()

    def evidence_refs(self) -> dict[int, EvidenceRef]:
        """mention id → (document hash, span id) for every mention used as evidence."""
        mention_ids = set(self.session.scalars(
            select(EntityValue.evidence_id).where(EntityValue.evidence_id.is_not(None))))
        if not mention_ids:
            return {}
        doc_rows = self.session.execute(
            select(Mention.document_id).where(Mention.id.in_(mention_ids)).distinct()).scalars()
        refs: dict[int, EvidenceRef] = {}

        def collect(_doc_id: int, digest: str, span_ids: dict[int, str]) -> None:
            for mention_id, span_id in span_ids.items():
                if mention_id in mention_ids:
                    refs[mention_id] = EvidenceRef(digest, span_id)

        for _ in self.documents(sorted(doc_rows), SILENT, collect):
            pass
        return refs

    def entities(self) -> list[EntityRecord]:
        evidence = self.evidence_refs()
        aliases: dict[int, list[str]] = defaultdict(list)
        for entity_id, alias in self.session.execute(
                select(EntityAlias.entity_id, EntityAlias.alias).order_by(EntityAlias.id)):
            aliases[entity_id].append(alias)
        values: dict[int, list[ValueRecord]] = defaultdict(list)
        for row in self.session.scalars(select(EntityValue).order_by(
                EntityValue.entity_id, EntityValue.attribute, EntityValue.position,
                EntityValue.id)):
            value = value_record(row, self.keys)
            if row.evidence_id is not None and row.evidence_id in evidence:
                value.evidence = evidence[row.evidence_id]
            values[row.entity_id].append(value)
        return [EntityRecord(key=e.key, kind=e.kind, name=e.name, aliases=aliases[e.id],
                             values=values[e.id])
                for e in self.session.scalars(select(Entity).order_by(Entity.key))]

    def header(self) -> HeaderRecord:
        schema = self.session.scalar(select(SchemaVersion.toml).order_by(
            SchemaVersion.id.desc()).limit(1))
        names = list(self.session.scalars(select(Annotator.name).order_by(Annotator.name)))
        if self.options.annotators is not None:
            names = [n for n in names if n in self.options.annotators]
        return HeaderRecord(schema=schema, annotators=names)


def read_export(session: Session, options: ExportOptions | None = None,
                progress: Progress = SILENT) -> ExportData:
    """The project as records, read in the caller's session (one consistent snapshot)."""
    reader = _Reader(session, options or ExportOptions())
    doc_ids = reader.document_ids()
    return ExportData(header=reader.header(), entities=reader.entities(),
                      documents=reader.documents(doc_ids, progress),
                      document_count=len(doc_ids))


# -- writing ----------------------------------------------------------------------------------

def export_jsonl(project: Project, out: Path, options: ExportOptions | None = None,
                 progress: Progress = SILENT) -> ExportReport:
    """Write the native, lossless JSONL export (atomically)."""
    from akkord.formats.jsonl import write_jsonl

    report = ExportReport(out, "jsonl")
    with project.read() as session:
        data = read_export(session, options, progress)
        progress.start(data.document_count, "Exporting")
        try:
            with atomic_path(out) as temp, temp.open("wb") as handle:
                report.documents = write_jsonl(handle, data.header, data.entities,
                                               data.documents)
        finally:
            progress.finish()
    return report


EXPORTERS: dict[str, Callable[[Project, Path, ExportOptions | None, Progress], ExportReport]] = {
    "jsonl": export_jsonl,
}


def export(project: Project, fmt: str, out: Path, options: ExportOptions | None = None,
           progress: Progress = SILENT) -> ExportReport:
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise AkkordError(f"unknown export format {fmt!r} "
                          f"(known: {', '.join(EXPORTERS)})") from None
    return exporter(project, out, options, progress)
