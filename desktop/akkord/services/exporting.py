"""Export a project: the database read once, as format-neutral records, in a stable order.

:func:`read_export` turns the project (or the part selected by :class:`ExportOptions`)
into a header, the canonical entities and a stream of documents with their spans and
relations. Writers in ``akkord.formats`` turn those records into files; the format
registry (:data:`akkord.formats.registry.WRITERS`, beside the readers) names them, and
:func:`export` picks one and writes atomically (a failed or cancelled export leaves no
file or folder). The CLI's ``akkord export`` and the GUI's export dialog both call it.

Order is part of the contract, because the native export must be byte-identical after
an import → export round trip: documents by id (= import order), entities by key,
spans by (start, end, label, annotator, status, entity), relations by their spans.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import compress, groupby, islice
from operator import eq, itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from akkord.domain.dates import Certainty, PartialDate
from akkord.domain.document import Part
from akkord.errors import AkkordError
from akkord.formats.records import (
    Dataset,
    DocumentRecord,
    EntityRecord,
    EvidenceRef,
    HeaderRecord,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.formats.registry import WRITERS, WriterInfo
from akkord.formats.writing import WriteSettings
from akkord.services.atomic import atomic_folder, atomic_path
from akkord.services.gc_pause import no_gc_pauses
from akkord.services.progress import SILENT, Progress
from akkord.services.tokens import store_tokens, stored_tokens
from akkord.store.bulk import fetch_rows
from akkord.store.models import (
    Annotator,
    CurationMark,
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
    seed: int = 13  # train/validation/test split of the hf export
    splits: tuple[float, float, float] = (0.8, 0.1, 0.1)


ExportData = Dataset  # the records a writer consumes (format-neutral, in formats.records)


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


Marks = dict[tuple[str, int], tuple[str, str | None]]  # ("mention" | "relation", id) → mark
_SETTLED = {"unresolved": 0, "adjudicated": 1, "unanimous": 2, "rejected": 3}


def _document_record(doc: Any, mentions: list[Any], values: dict[int, list[Any]],
                     relations: list[Any], states: dict[str, str],
                     keys: dict[int, str], names: dict[int, str], marks: Marks,
                     ) -> tuple[DocumentRecord, dict[int, str]]:
    """One document's record; ``mentions`` are ``_Reader.mentions`` rows, in export order,
    and ``relations`` ``_Reader.relations`` rows, both with annotator and entity ids
    (``names`` and ``keys`` turn them into what the record says); ``marks`` the curation
    marks of gold mentions and relations."""
    span_ids: dict[int, str] = {}
    spans = []
    for n, (_doc, mention_id, start, end, label, annotator, status, entity) in enumerate(
            mentions, start=1):
        span_id = span_ids[mention_id] = f"T{n}"
        found = values.get(mention_id)
        span = SpanRecord(start, end, label, span_id, names[annotator], status,
                          keys[entity] if entity is not None else None,
                          [value_record(v, keys) for v in found] if found else [])
        if marks:
            span.curation, span.curation_note = marks.get(("mention", mention_id),
                                                          (None, None))
        spans.append(span)
    if relations:
        position = {mention_id: i for i, mention_id in enumerate(span_ids)}
        relations = sorted(
            (r for r in relations if r[1] in span_ids and r[2] in span_ids),
            key=lambda r: (position[r[1]], position[r[2]], r[3], names[r[4]]))
    record = DocumentRecord(
        text=doc.text, external_id=doc.external_id, title=doc.title, source=doc.source,
        date=PartialDate.parse(doc.date_value) if doc.date_value else None,
        meta=dict(doc.meta or {}), parts=[Part.from_list(p) for p in doc.parts or []],
        spans=spans,
        relations=[RelationRecord(span_ids[head], span_ids[tail], type_, names[annotator],
                                  *marks.get(("relation", relation_id), (None, None)))
                   for _doc, head, tail, type_, annotator, relation_id in relations],
        states=states)
    return record, span_ids


_POSITION = itemgetter(0, 2, 3, 4)  # document, start, end, label: what the database sorts
_START = itemgetter(2)


def _break_ties(rows: list[Any], names: dict[int, str], keys: dict[int, str]) -> list[Any]:
    """Order rows with the same (document, start, end, label) by annotator name, status
    and entity key (then id), in place; returns ``rows``.

    Ties are rare (the same span in several layers), so they are found without a Python
    loop over every row: neighbours' starts are compared in C, the few equal ones
    checked whole, and only the runs of ties sorted.
    """
    starts = list(map(_START, rows))
    tied = [i for i in compress(range(1, len(rows)), map(eq, starts, islice(starts, 1, None)))
            if _POSITION(rows[i]) == _POSITION(rows[i - 1])]

    def order(row: Any) -> tuple[str, str, str, int]:
        return (names[row[5]], row[6], keys[row[7]] if row[7] is not None else "", row[1])

    i = 0
    while i < len(tied):
        first = last = tied[i]
        while i + 1 < len(tied) and tied[i + 1] == last + 1:
            i += 1
            last = tied[i]
        rows[first - 1:last + 1] = sorted(rows[first - 1:last + 1], key=order)
        i += 1
    return rows


# -- queries --------------------------------------------------------------------------------

class _Reader:
    def __init__(self, session: Session, options: ExportOptions, tokens: bool = False,
                 ) -> None:
        self.session = session
        self.options = options
        self.tokens = tokens  # attach the stored tokens to the records
        self.conn = session.connection()  # Core rows: no ORM loading cost on big exports
        self.annotator_names: dict[int, str] = dict(
            self.conn.execute(select(Annotator.id, Annotator.name)).all())
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
        """(document_id, id, start, end, label, annotator id, status, entity id), sorted
        in export order within each document.

        The database sorts by position and label; the rare ties (the same span in several
        layers) are ordered here by annotator name, status and entity key, so the order
        does not depend on ids that differ between projects.
        """
        query = (select(Mention.document_id, Mention.id, Mention.start, Mention.end,
                        Mention.label, Mention.annotator_id, Mention.status, Mention.entity_id)
                 .where(Mention.document_id.in_(doc_ids))
                 .order_by(Mention.document_id, Mention.start, Mention.end, Mention.label))
        if self.annotator_ids is not None:
            query = query.where(Mention.annotator_id.in_(self.annotator_ids))
        if self.options.labels is not None:
            query = query.where(Mention.label.in_(self.options.labels))
        return _break_ties(fetch_rows(self.conn, query), self.annotator_names, self.keys)

    def mention_values(self, doc_ids: Sequence[int]) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = defaultdict(list)
        query = (select(MentionValue).join(Mention, Mention.id == MentionValue.mention_id)
                 .where(Mention.document_id.in_(doc_ids))
                 .order_by(MentionValue.mention_id, MentionValue.attribute,
                           MentionValue.position, MentionValue.id))
        for value in self.session.scalars(query):
            out[value.mention_id].append(value)
        return out

    def relations(self, doc_ids: Sequence[int]) -> dict[int, list[Any]]:
        """document id → its relations' rows: (document_id, head_id, tail_id, type,
        annotator id, id)."""
        query = (select(Mention.document_id, Relation.head_id, Relation.tail_id,
                        Relation.type, Relation.annotator_id, Relation.id)
                 .join(Mention, Mention.id == Relation.head_id)
                 .where(Mention.document_id.in_(doc_ids)).order_by(Mention.document_id))
        if self.annotator_ids is not None:
            query = query.where(Relation.annotator_id.in_(self.annotator_ids))
        return {doc_id: list(rows) for doc_id, rows in
                groupby(fetch_rows(self.conn, query), key=itemgetter(0))}

    def marks(self, doc_ids: Sequence[int]) -> Marks:
        """The curation marks of the documents' gold mentions and relations.

        A gold mention can carry marks for its span, its link and its value; the export
        shows the least settled one (unresolved, then adjudicated, then unanimous) with
        their notes joined, in a fixed order.
        """
        found: dict[tuple[str, int], list[tuple[int, str, str, str | None]]] = {}
        for mention_id, relation_id, kind, mark, note in fetch_rows(self.conn, select(
                CurationMark.mention_id, CurationMark.relation_id, CurationMark.kind,
                CurationMark.mark, CurationMark.note).where(
                CurationMark.document_id.in_(doc_ids), CurationMark.mark != "rejected")):
            target = ("mention", mention_id) if mention_id is not None else \
                ("relation", relation_id) if relation_id is not None else None
            if target is not None:
                found.setdefault(target, []).append((_SETTLED[mark], kind, mark, note))
        out: Marks = {}
        for target, rows in found.items():
            rows.sort(key=lambda r: (r[0], r[1], r[3] or ""))
            notes = [r[3] for r in sorted(rows, key=lambda r: r[1]) if r[3]]
            out[target] = (rows[0][2], "; ".join(notes) or None)
        return out

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
            rels_by_doc = self.relations(chunk)
            values = self.mention_values(chunk)
            states = self.states(chunk)
            marks = self.marks(chunk)
            tokens = stored_tokens(self.conn, chunk) if self.tokens else {}
            for doc in docs:
                progress.check("the export")
                record, span_ids = _document_record(
                    doc, by_doc.get(doc.id, []), values, rels_by_doc.get(doc.id, []),
                    states.get(doc.id, {}), self.keys, self.annotator_names, marks)
                found = tokens.get(doc.id)
                if found is not None and (not found.tokens
                                          or found.tokens[-1][1] <= len(record.text)):
                    record.tokens = found
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
                progress: Progress = SILENT, tokens: bool = False) -> ExportData:
    """The project as records, read in the caller's session (one consistent snapshot);
    with ``tokens``, each record carries its stored tokens (see ``services.tokens``)."""
    reader = _Reader(session, options or ExportOptions(), tokens)
    doc_ids = reader.document_ids()
    return ExportData(header=reader.header(), entities=reader.entities(),
                      documents=reader.documents(doc_ids, progress),
                      document_count=len(doc_ids))


# -- writing ----------------------------------------------------------------------------------

def exporter(fmt: str) -> WriterInfo:
    """The exporter called ``fmt``; a clear error when there is none or it cannot run."""
    found = WRITERS.get(fmt)
    if found is None:
        raise AkkordError(f"unknown export format {fmt!r} (known: {', '.join(WRITERS)})")
    missing = found.missing()
    if missing:
        raise AkkordError(f"the {fmt} export needs {', '.join(missing)}, which is not "
                          "installed; install it with: pip install 'akkord[export]'")
    return found


def export(project: Project, fmt: str, out: Path, options: ExportOptions | None = None,
           progress: Progress = SILENT) -> ExportReport:
    """Export the project (or the part ``options`` selects) as ``fmt`` to ``out``.

    ``out`` appears whole or not at all: a failure or a cancel (:class:`Cancelled`
    raised by ``progress``) leaves no file or folder behind, and an earlier export at
    ``out`` stays as it was.
    """
    chosen = exporter(fmt)
    refuse_project_files(project, out, chosen.output)
    options = options or ExportOptions()
    if options.labels:
        known = project.schema.label_names
        unknown = [label for label in options.labels if label not in known]
        if unknown:
            raise AkkordError(f"no label {', '.join(unknown)} in the project's schema "
                              f"(labels: {', '.join(known)})")
    writer = chosen.load()
    settings = WriteSettings(labels=tuple(options.labels) if options.labels else None,
                             seed=options.seed, splits=options.splits)
    report = ExportReport(out, fmt)
    if chosen.tokens:
        with project.read() as session:
            doc_ids = _Reader(session, options).document_ids()
        try:
            store_tokens(project, doc_ids, progress)
        except BaseException:
            progress.finish()
            raise
    with project.read() as session, no_gc_pauses() if chosen.acyclic else nullcontext():
        data = read_export(session, options, progress, tokens=chosen.tokens)
        progress.start(data.document_count, f"Exporting {fmt}")
        try:
            if chosen.output == "folder":
                with atomic_folder(out) as temp:
                    report.documents = writer(data, temp, settings)
            else:
                with atomic_path(out) as temp:
                    report.documents = writer(data, temp, settings)
        finally:
            progress.finish()
    report.notes = settings.notes.lines()
    return report


def refuse_project_files(project: Project, out: Path, output: str) -> None:
    """Refuse an output that is the open project's file, its ``-wal``/``-shm``/``-journal``
    or a ``.bak`` copy (an export there would replace the project with the export), or,
    for folder exports, a folder that holds the project."""
    path = project.db.path
    if path is None:
        return
    target = out.expanduser().resolve()
    ours = [path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal")),
            *path.parent.glob(f"{path.name}.bak-*")]
    for own in ours:
        same = target == own.resolve()
        if not same and target.exists() and own.exists():
            same = target.samefile(own)
        if same:
            raise AkkordError(f"{out} is a file of the open project {project.name}; an export "
                              "there would replace the project. Choose another name.")
    if output == "folder" and (target == path.parent or target in path.parents):
        raise AkkordError(f"{out} holds the open project {project.name}; a folder export "
                          "replaces its folder whole. Choose a new or empty folder.")


def export_jsonl(project: Project, out: Path, options: ExportOptions | None = None,
                 progress: Progress = SILENT) -> ExportReport:
    """Write the native, lossless JSONL export (atomically)."""
    return export(project, "jsonl", out, options, progress)
