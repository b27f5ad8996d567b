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
from pathlib import Path
from typing import Any

from sqlalchemy import Row, select
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
from akkord.services.atomic import atomic_text
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


def _span_sort_key(m: Any, keys: dict[int, str]) -> tuple[Any, ...]:
    return (m.start, m.end, m.label, m.annotator, m.status,
            keys.get(m.entity_id, "") if m.entity_id else "", m.id)


def _document_record(doc: Any, mentions: list[Any], values: dict[int, list[Any]],
                     relations: list[Any], states: dict[str, str],
                     keys: dict[int, str]) -> tuple[DocumentRecord, dict[int, str]]:
    ordered = sorted(mentions, key=lambda m: _span_sort_key(m, keys))
    span_ids = {m.id: f"T{i}" for i, m in enumerate(ordered, start=1)}
    spans = [SpanRecord(start=m.start, end=m.end, label=m.label, id=span_ids[m.id],
                        annotator=m.annotator, status=m.status,
                        entity=keys[m.entity_id] if m.entity_id is not None else None,
                        values=[value_record(v, keys) for v in values.get(m.id, [])])
             for m in ordered]
    position = {m.id: i for i, m in enumerate(ordered)}
    rels = sorted((r for r in relations if r.head_id in span_ids and r.tail_id in span_ids),
                  key=lambda r: (position[r.head_id], position[r.tail_id], r.type,
                                 r.annotator))
    record = DocumentRecord(
        text=doc.text, external_id=doc.external_id, title=doc.title, source=doc.source,
        date=PartialDate.parse(doc.date_value) if doc.date_value else None,
        meta=dict(doc.meta or {}), parts=[Part.from_list(p) for p in doc.parts or []],
        spans=spans,
        relations=[RelationRecord(span_ids[r.head_id], span_ids[r.tail_id], r.type,
                                  r.annotator) for r in rels],
        states=states)
    return record, span_ids


# -- queries --------------------------------------------------------------------------------

class _Reader:
    def __init__(self, session: Session, options: ExportOptions) -> None:
        self.session = session
        self.options = options
        self.keys: dict[int, str] = dict(session.execute(select(Entity.id, Entity.key)).tuples().all())
        self.annotator_ids: list[int] | None = None
        if options.annotators is not None:
            found = dict(session.execute(select(Annotator.name, Annotator.id)).tuples().all())
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

    def mentions(self, doc_ids: Sequence[int]) -> list[Row[Any]]:
        query = (select(Mention.id, Mention.document_id, Mention.start, Mention.end,
                        Mention.label, Mention.status, Mention.entity_id,
                        Annotator.name.label("annotator"))
                 .join(Annotator, Annotator.id == Mention.annotator_id)
                 .where(Mention.document_id.in_(doc_ids)))
        if self.annotator_ids is not None:
            query = query.where(Mention.annotator_id.in_(self.annotator_ids))
        if self.options.labels is not None:
            query = query.where(Mention.label.in_(self.options.labels))
        return list(self.session.execute(query))

    def mention_values(self, doc_ids: Sequence[int]) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = defaultdict(list)
        query = (select(MentionValue).join(Mention, Mention.id == MentionValue.mention_id)
                 .where(Mention.document_id.in_(doc_ids))
                 .order_by(MentionValue.mention_id, MentionValue.attribute,
                           MentionValue.position, MentionValue.id))
        for value in self.session.scalars(query):
            out[value.mention_id].append(value)
        return out

    def relations(self, doc_ids: Sequence[int]) -> list[Row[Any]]:
        query = (select(Relation.head_id, Relation.tail_id, Relation.type,
                        Annotator.name.label("annotator"))
                 .join(Annotator, Annotator.id == Relation.annotator_id)
                 .join(Mention, Mention.id == Relation.head_id)
                 .where(Mention.document_id.in_(doc_ids)))
        if self.annotator_ids is not None:
            query = query.where(Relation.annotator_id.in_(self.annotator_ids))
        return list(self.session.execute(query))

    def states(self, doc_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = defaultdict(dict)
        query = (select(DocumentState.document_id, Annotator.name, DocumentState.status)
                 .join(Annotator, Annotator.id == DocumentState.annotator_id)
                 .where(DocumentState.document_id.in_(doc_ids)))
        if self.annotator_ids is not None:
            query = query.where(DocumentState.annotator_id.in_(self.annotator_ids))
        for doc_id, name, status in self.session.execute(query).tuples():
            out[doc_id][name] = status
        return dict(out)

    def documents(self, doc_ids: list[int], progress: Progress,
                  evidence: Callable[[int, str, dict[int, str]], None] | None = None,
                  ) -> Iterator[tuple[DocumentRecord, str]]:
        for start in range(0, len(doc_ids), CHUNK):
            chunk = doc_ids[start:start + CHUNK]
            docs = self.session.execute(select(Document).where(Document.id.in_(chunk))
                                        .order_by(Document.id)).scalars().all()
            by_doc: dict[int, list[Any]] = defaultdict(list)
            for m in self.mentions(chunk):
                by_doc[m.document_id].append(m)
            values = self.mention_values(chunk)
            rels_by_doc: dict[int, list[Any]] = defaultdict(list)
            mention_doc = {m.id: m.document_id for ms in by_doc.values() for m in ms}
            for r in self.relations(chunk):
                if r.head_id in mention_doc:
                    rels_by_doc[mention_doc[r.head_id]].append(r)
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
            with atomic_text(out) as handle:
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
