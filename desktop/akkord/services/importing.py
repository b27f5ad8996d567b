"""Import files into a project: validated, deduplicated, all-or-nothing per file.

Contract:

* Each file is checked record by record against the project's schema; a file with any
  bad record is rejected *as a whole* and every bad record is reported with its line
  and reason. With ``all_or_nothing`` one rejected file rolls back the whole batch.
* A document whose text (after normalisation) is already in the project is not added
  again; its annotations are merged, skipping any already present, so importing the
  same file twice adds nothing.
* Rows are written in bulk (Core ``executemany``), streaming: a 30 MB corpus is never
  held in memory at once. On SQLite every batch of documents is its own transaction, so
  other writers (a window's edit, another import) get the lock in between; the import
  journal (:mod:`akkord.store.journal`) keeps a file all-or-nothing anyway, across a
  rejection, a cancel or a crash. On PostgreSQL, where writers do not block each other,
  the import is one transaction with a savepoint per file.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from akkord.domain.dates import PartialDate
from akkord.domain.document import content_hash
from akkord.domain.schema import Attribute, Schema, parse_schema
from akkord.domain.schema_edit import add_labels
from akkord.domain.statuses import CURATION_MARKS, DOCUMENT_STATUSES, GOLD, MENTION_STATUSES
from akkord.domain.validation import (
    MAX_TEXT_CHARS,
    RefTarget,
    json_problem,
    text_problem,
    value_problem,
    values_problem,
)
from akkord.errors import AkkordError
from akkord.formats import registry
from akkord.formats.fields import BadRecord, partial_date
from akkord.formats.records import (
    DocumentRecord,
    EntityRecord,
    HeaderRecord,
    Problem,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.services.dating import time_suggestions
from akkord.services.gc_pause import no_gc_pauses
from akkord.services.progress import SILENT, Progress
from akkord.store.bulk import allocate_ids, bulk_cache, insert_ignoring_conflicts, insert_rows
from akkord.store.journal import ImportWriter
from akkord.store.journal import recover as recover_interrupted_imports
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
from akkord.textproc.tokens import TOKEN_BREAKS

BATCH_DOCUMENTS = 500
_LOOKUP_CHUNK = 500


@dataclass(slots=True)
class ImportOptions:
    annotator: str = GOLD  # layer for spans that do not name their annotator
    all_or_nothing: bool = False
    format: str | None = None  # None: by file suffix
    label_map: dict[str, str] = field(default_factory=dict)
    # Labels (after label_map) that the schema lacks are added to it as a new schema
    # version, inside the file's transaction; without it such spans are rejected.
    add_labels: bool = False
    # Articles that arrive without annotations (raw text) get the tagger's time expressions
    # as suggested mentions, resolved against their publication date; annotated data is
    # kept exactly as it came.
    suggest_times: bool = True


@dataclass(slots=True)
class FileReport:
    path: Path
    format: str
    documents: int = 0
    existing: int = 0
    mentions: int = 0  # annotations (manual, accepted, rejected): what the list counts
    suggestions: int = 0  # pending suggestions (the time tagger's, or the file's)
    relations: int = 0
    entities: int = 0
    labels_added: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return bool(self.problems)


@dataclass(slots=True)
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    rolled_back: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileReport]:
        return [f for f in self.files if f.rejected]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def labels_added(self) -> list[str]:
        """Labels added to the schema by the files that were kept."""
        if self.rolled_back:
            return []
        return [label for f in self.files if not f.rejected for label in f.labels_added]

    def total(self, name: str) -> int:
        """Sum of a counter over the files that were kept."""
        if self.rolled_back:
            return 0
        return sum(getattr(f, name) for f in self.files if not f.rejected)


# -- shared state of one batch -------------------------------------------------------------

@dataclass(slots=True)
class _State:
    """What the batch knows about the project; copied before each file, restored on reject."""

    schema: Schema
    annotators: dict[str, int]
    entities: dict[str, tuple[int, str]]  # key → (id, kind)
    documents_in_project: bool

    def copy(self) -> _State:
        return _State(self.schema, dict(self.annotators), dict(self.entities),
                      self.documents_in_project)


class _Batch:
    def __init__(self, conn: Connection, project: Project, options: ImportOptions,
                 writer: ImportWriter) -> None:
        self.conn = conn
        self.project = project
        self.options = options
        self.writer = writer  # commits between batches of documents (SQLite)
        self.state = _State(
            schema=project.schema,
            annotators=dict(conn.execute(select(Annotator.name, Annotator.id)).all()),
            entities={k: (i, kind) for k, i, kind in
                      conn.execute(select(Entity.key, Entity.id, Entity.kind))},
            documents_in_project=conn.execute(select(Document.id).limit(1)).first() is not None,
        )
        self.notes: list[str] = []

    def annotator_id(self, name: str) -> int:
        found = self.state.annotators.get(name)
        if found is None:
            # Another window may create the same annotator between two batches.
            statement = insert_ignoring_conflicts(self.conn.dialect.name, Annotator, ["name"])
            found = self.conn.execute(
                statement.values(name=name).returning(Annotator.id)).scalar()
            if found is None:
                found = self.conn.execute(select(Annotator.id)
                                          .where(Annotator.name == name)).scalar_one()
            self.state.annotators[name] = found
        return found


# -- validation --------------------------------------------------------------------------

def _check_value(value: ValueRecord, attr: Attribute | None, where: str,
                 entities: dict[str, tuple[int, str]]) -> str | None:
    if attr is None:
        return f"{where}: no attribute {value.attribute!r} in the schema"
    target = None
    if attr.type == "ref" and value.ref is not None:
        known = entities.get(value.ref)
        target = RefTarget(known is not None, known[1] if known else None)
    problem = value_problem(attr, value, value.ref, target)
    return f"{where}: {problem}" if problem else None


def _limit(column: Any) -> int:
    """The length of a ``String(n)`` column: what both backends can store in it."""
    return int(column.type.length)


_NAME_LIMITS = {"annotator name": _limit(Annotator.name),
                "external id": _limit(Document.external_id),
                "entity key": _limit(Entity.key)}
_ALIAS_LIMIT = _limit(EntityAlias.folded)


def _name_problem(name: str, what: str) -> str | None:
    """Why ``name`` cannot be stored as a ``what`` (see :data:`_NAME_LIMITS`)."""
    if not name.strip():
        return f"an empty {what}"
    problem = text_problem(name, f"the {what} {name[:40]!r}")
    if problem:
        return problem
    if len(name) > _NAME_LIMITS[what]:
        return f"the {what} {name[:40]!r}… is longer than {_NAME_LIMITS[what]} characters"
    return None


def _grouped_problems(values: list[ValueRecord], attrs: dict[str, Attribute],
                      where: str) -> list[str]:
    """Rules over all values of one attribute (one preferred value of a single one)."""
    problems = []
    for name, attr in attrs.items():
        chosen = [v for v in values if v.attribute == name]
        problem = values_problem(attr, len(chosen), sum(v.preferred for v in chosen))
        if problem:
            problems.append(f"{where}: {problem}")
    return problems


class _Checker:
    """Checks records against one schema; lookups are prepared once per schema.

    This is the one place every format's records pass before anything is written, so the
    rules that hold whatever the format live here: no NUL character (or lone surrogate)
    in any text, names that fit their columns, metadata of bounded depth and size,
    offsets and parts inside the text, values that fit the schema
    (:mod:`akkord.domain.validation`, the rules the window uses too).
    """

    def __init__(self, schema: Schema, entities: dict[str, tuple[int, str]]) -> None:
        self.schema = schema
        self.entities = entities
        self.labels = {label.name: label for label in schema.labels}
        self.label_attrs = {label.name: {a.name: a for a in label.attributes}
                            for label in schema.labels}
        self.relations = {r.name: r for r in schema.relations}
        self.kinds = {k.name: {a.name: a for a in k.attributes} for k in schema.kinds}

    def span(self, span: SpanRecord) -> list[str]:
        label = self.labels.get(span.label)
        if label is None:
            return [f"label {span.label!r} is not in the project's schema "
                    f"(labels: {', '.join(self.labels)}); map it to one of them "
                    f"(--map {span.label}=LABEL) or add it (--add-labels)"]
        problems = []
        if span.status not in MENTION_STATUSES:
            problems.append(f"status {span.status!r} is not one of "
                            f"{', '.join(MENTION_STATUSES)}")
        if span.annotator is not None:
            problem = _name_problem(span.annotator, "annotator name")
            if problem:
                problems.append(problem)
        if span.entity is not None:
            known = self.entities.get(span.entity)
            if label.entity is None:
                problems.append(f"{span.label} mentions are not linked to entities")
            elif known is None:
                problems.append(f"unknown entity {span.entity!r}")
            elif known[1] != label.entity:
                problems.append(f"{span.label} must link to a {label.entity}, "
                                f"not a {known[1]}")
        if span.curation is not None and span.curation not in CURATION_MARKS:
            problems.append(f"curation {span.curation!r} is not one of "
                            f"{', '.join(CURATION_MARKS)}")
        attrs = self.label_attrs[span.label]
        for value in span.values:
            problem = _check_value(value, attrs.get(value.attribute), "value", self.entities)
            if problem:
                problems.append(problem)
        if len(span.values) > 1:
            problems += _grouped_problems(span.values, attrs, "values")
        return problems

    def relation(self, rel: RelationRecord, labels: dict[str | None, str]) -> str | None:
        rtype = self.relations.get(rel.type)
        if rtype is None:
            return (f"relation type {rel.type!r} is not in the schema "
                    f"({', '.join(self.relations)})")
        if rel.annotator is not None:
            problem = _name_problem(rel.annotator, "annotator name")
            if problem:
                return problem
        head, tail = labels[rel.head], labels[rel.tail]
        if not rtype.allows(head, tail):
            return f"a {rel.type} relation cannot go from {head} to {tail}"
        if rel.curation is not None and rel.curation not in CURATION_MARKS:
            return f"curation {rel.curation!r} is not one of {', '.join(CURATION_MARKS)}"
        return None

    def document(self, doc: DocumentRecord) -> list[str]:
        name = ", ".join(n for n in (doc.where, doc.external_id and repr(doc.external_id[:60]))
                         if n) or (f"line {doc.line}" if doc.line else "document")
        problems = [f"{name}: {p}" for p in self.fields(doc)]
        if problems:
            return problems
        unknown: dict[str, list[str | None]] = {}
        for span in doc.spans:
            if span.label not in self.labels:
                unknown.setdefault(span.label, []).append(span.id)
                continue
            problems += [f"{name}, span {span.id}: {p}" for p in self.span(span)]
        for label, ids in unknown.items():
            which = f"span {ids[0]}" if len(ids) == 1 else f"{len(ids)} spans ({ids[0]}, …)"
            problems.append(f"{name}, {which}: {self.span(SpanRecord(0, 1, label))[0]}")
        if doc.relations:
            labels = {s.id: s.label for s in doc.spans}
            for i, rel in enumerate(doc.relations, start=1):
                problem = self.relation(rel, labels)
                if problem:
                    problems.append(f"{name}, relation {i}: {problem}")
        for annotator, status in doc.states.items():
            problem = _name_problem(annotator, "annotator name") if annotator else \
                "a status names no annotator"
            if problem:
                problems.append(f"{name}: {problem}")
            elif status not in DOCUMENT_STATUSES:
                problems.append(f"{name}: status {status!r} of {annotator} is not one of "
                                f"{', '.join(DOCUMENT_STATUSES)}")
        return problems

    def fields(self, doc: DocumentRecord) -> list[str]:
        """The document's own fields: text, names, metadata, parts and span offsets."""
        if len(doc.text) > MAX_TEXT_CHARS:
            return [f"the text is {len(doc.text):,} characters long; Akkord takes documents "
                    f"of up to {MAX_TEXT_CHARS:,} (split it into several)"]
        problems = [p for p in (
            text_problem(doc.text, "the text"),
            doc.title and text_problem(doc.title, "the title"),
            doc.source and text_problem(doc.source, "the source"),
            doc.external_id and _name_problem(doc.external_id, "external id"),
        ) if p]
        meta = {k: v for k, v in doc.meta.items() if k != TOKEN_BREAKS}
        problem = json_problem(meta, "the metadata")
        if problem:
            problems.append(problem)
        length = len(doc.text)
        if TOKEN_BREAKS in doc.meta:
            breaks = doc.meta[TOKEN_BREAKS]
            if not isinstance(breaks, list) or not all(
                    type(b) is int and 0 <= b <= length for b in breaks):
                problems.append(f"meta.{TOKEN_BREAKS} must be a list of offsets into the text")
        for part in doc.parts:
            if not 0 <= part.start <= part.end <= length:
                problems.append(f"the part {part.kind} [{part.start}, {part.end}) is not "
                                f"inside the text (length {length})")
        for span in doc.spans:
            if not 0 <= span.start < span.end <= length:
                problems.append(f"span {span.id}: [{span.start}, {span.end}) is not a "
                                f"non-empty range inside the text (length {length})")
        return problems

    def entity(self, record: EntityRecord) -> list[str]:
        """An entity's own fields (its values are checked when the file's entities are
        all known: :meth:`_FileImport.finish`)."""
        where = f"entity {record.key[:60]}"
        problems = [p for p in (_name_problem(record.key, "entity key"),
                                text_problem(record.name, f"{where}: the name")) if p]
        for alias in record.aliases:
            problem = text_problem(alias, f"{where}: an alias")
            if problem is None and len(alias.casefold()) > _ALIAS_LIMIT:
                problem = f"{where}: an alias is longer than {_ALIAS_LIMIT} characters"
            if problem:
                problems.append(problem)
        attrs = self.kinds.get(record.kind)
        if attrs is not None and len(record.values) > 1:
            problems += _grouped_problems(record.values, attrs, where)
        return problems

    def header(self, record: HeaderRecord) -> list[str]:
        return [p for p in (_name_problem(n, "annotator name") for n in record.annotators)
                if p]


def _type_values(record: DocumentRecord, schema: Schema) -> None:
    """Give values that a format carried as text (brat attributes) their schema type."""
    for span in record.spans:
        if not span.values or span.label not in schema.label_names:
            continue
        attrs = {a.name: a for a in schema.label(span.label).attributes}
        for value in span.values:
            attr = attrs.get(value.attribute)
            if attr is not None and value.text is not None:
                _coerce(value, attr)


def _coerce(value: ValueRecord, attr: Attribute) -> None:
    text = value.text
    assert text is not None
    if attr.type == "date":
        # A text that is no date stays text: the checker then says a date is needed.
        with contextlib.suppress(BadRecord):
            value.date, value.text = partial_date(text, attr.name), None
    elif attr.type == "bool" and text.lower() in ("true", "false"):
        value.flag, value.text = text.lower() == "true", None
    elif attr.type == "number":
        with contextlib.suppress(ValueError):
            value.number, value.text = float(text), None
    elif attr.type == "ref":
        value.ref, value.text = text, None


# -- rows ---------------------------------------------------------------------------------

VALUE_COLUMNS = ("attribute", "position", "text", "flag", "number", "role", "preferred",
                 "ref_id", "date_value", "date_earliest", "date_latest", "date_precision",
                 "date_certainty")
DOCUMENT_COLUMNS = ("id", "content_hash", "external_id", "title", "source", "text", "meta",
                    "parts", "date_value", "date_earliest", "date_latest", "date_precision")
MENTION_COLUMNS = ("id", "document_id", "annotator_id", "start", "end", "label", "status",
                   "entity_id")


def value_row(value: ValueRecord, position: int,
              entities: dict[str, tuple[int, str]]) -> tuple[Any, ...]:
    """The :data:`VALUE_COLUMNS` of one value row (``entity_values`` / ``mention_values``)."""
    date = value.date
    return (value.attribute, position, value.text, value.flag, value.number, value.role,
            value.preferred, entities[value.ref][0] if value.ref is not None else None,
            *(date_row(date) if date else (None, None, None, None)),
            date.certainty.value if date else None)


def date_row(date: PartialDate) -> tuple[str, str, str, str]:
    """value, earliest, latest, precision, as the driver takes them (ISO strings)."""
    return (date.value, date.earliest.isoformat(), date.latest.isoformat(),
            date.precision.value)


def _positions(values: Iterable[ValueRecord]) -> Iterator[tuple[ValueRecord, int]]:
    counters: dict[str, int] = {}
    for value in values:
        position = counters.get(value.attribute, 0)
        counters[value.attribute] = position + 1
        yield value, position


def _chunks(items: list[Any], size: int = _LOOKUP_CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# -- one file -----------------------------------------------------------------------------

class _FileImport:
    def __init__(self, batch: _Batch, report: FileReport) -> None:
        self.batch = batch
        self.conn = batch.conn
        self.state = batch.state
        self.report = report
        self.buffer: list[DocumentRecord] = []
        self.entity_values: list[tuple[int, EntityRecord]] = []
        self.evidence_needed: set[tuple[str, str]] = set()
        self.evidence_ids: dict[tuple[str, str], int] = {}
        self.seen_hashes: dict[str, int] = {}
        self.checker: _Checker | None = None
        self.native = False  # a native file (it has a header): it comes as it is

    @property
    def failed(self) -> bool:
        return bool(self.report.problems)

    def problem(self, line: int | None, message: str) -> None:
        self.report.problems.append(Problem(str(self.report.path), line, message))

    # records
    def checker_now(self) -> _Checker:
        """The checker for the schema as it is now (a header or --add-labels changes it)."""
        if self.checker is None or self.checker.schema is not self.state.schema:
            self.checker = _Checker(self.state.schema, self.state.entities)
        return self.checker

    def header(self, record: HeaderRecord) -> None:
        self.native = True
        for message in self.checker_now().header(record):
            self.problem(record.line, message)
        if self.failed:
            return
        if record.schema and record.schema != self.project_schema_text():
            if self.state.documents_in_project:
                self.batch.notes.append(
                    f"{self.report.path}: the file's schema differs from the project's; "
                    "its records were checked against the project's schema")
            else:
                try:
                    self.state.schema = parse_schema(record.schema, "the file's schema")
                except AkkordError as exc:
                    self.problem(record.line, str(exc))
                    return
                self.conn.execute(insert(SchemaVersion).values(
                    name=self.state.schema.name, toml=record.schema))
        for name in record.annotators:
            self.batch.annotator_id(name)

    def project_schema_text(self) -> str:
        return self.state.schema.source

    def entity(self, record: EntityRecord) -> None:
        """Insert the entity now (mentions refer to it); check and write its values at the
        end of the file, when every entity they may refer to is known."""
        if record.kind not in {k.name for k in self.state.schema.kinds}:
            self.problem(record.line, f"entity {record.key}: kind {record.kind!r} is not in "
                         "the project's schema")
            return
        for message in self.checker_now().entity(record):
            self.problem(record.line, message)
        if record.key in self.state.entities or self.failed:
            return
        entity_id = self.conn.execute(
            insert_ignoring_conflicts(self.conn.dialect.name, Entity, ["key"]).values(
                key=record.key, kind=record.kind, name=record.name, version=1,
            ).returning(Entity.id)).scalar()
        if entity_id is None:  # someone else created it since the import began
            found = self.conn.execute(select(Entity.id, Entity.kind)
                                      .where(Entity.key == record.key)).one()
            self.state.entities[record.key] = (found.id, found.kind)
            if found.kind != record.kind:
                self.problem(record.line, f"entity {record.key}: the project already has "
                             f"it as a {found.kind}, not a {record.kind}")
            return
        self.state.entities[record.key] = (entity_id, record.kind)
        folded: dict[str, str] = {}
        for alias in record.aliases:
            folded.setdefault(alias.casefold(), alias)
        if folded:
            self.conn.execute(insert(EntityAlias), [
                {"entity_id": entity_id, "alias": alias, "folded": key}
                for key, alias in folded.items()])
        self.entity_values.append((entity_id, record))
        self.evidence_needed.update((v.evidence.document, v.evidence.span)
                                    for v in record.values if v.evidence is not None)
        self.report.entities += 1

    def suggest_times(self, record: DocumentRecord) -> None:
        info = registry.READERS.get(self.report.format)
        if record.spans or self.native or info is None or not info.raw:
            return
        for n, span in enumerate(time_suggestions(record.text, record.date, record.parts,
                                                  self.state.schema), start=1):
            span.id = f"timex:{n}"
            record.spans.append(span)

    def document(self, record: DocumentRecord) -> None:
        label_map = self.batch.options.label_map
        for span in record.spans:
            span.label = label_map.get(span.label, span.label)
        if self.batch.options.add_labels:
            self.add_labels(record)
        self.link_stub_entities(record)
        _type_values(record, self.state.schema)
        for message in self.checker_now().document(record):
            self.problem(record.line, message)
        if not self.failed:
            if self.batch.options.suggest_times:
                self.suggest_times(record)
            self.buffer.append(record)
            if len(self.buffer) >= BATCH_DOCUMENTS:
                self.flush()

    def add_labels(self, record: DocumentRecord) -> None:
        """Add the record's labels that the schema lacks, as a new schema version."""
        known = set(self.state.schema.label_names)
        missing = list(dict.fromkeys(s.label for s in record.spans if s.label not in known))
        if not missing:
            return
        try:
            text, schema = add_labels(self.state.schema, missing, self.report.path.name)
        except AkkordError as exc:
            self.problem(record.line, f"cannot add the labels {', '.join(missing)}: {exc}")
            return
        self.conn.execute(insert(SchemaVersion).values(name=schema.name, toml=text))
        self.state.schema = schema
        self.report.labels_added.extend(missing)

    def link_stub_entities(self, record: DocumentRecord) -> None:
        """Create the entities that spans link to by key and name only (brat)."""
        for span in record.spans:
            if (span.entity is None or span.entity_name is None
                    or span.entity in self.state.entities
                    or span.label not in self.state.schema.label_names):
                continue
            kind = self.state.schema.label(span.label).entity
            if kind is not None:
                self.entity(EntityRecord(span.entity, kind, span.entity_name,
                                         line=record.line))

    # writing
    def flush(self) -> None:
        if not self.buffer or self.failed:
            self.buffer.clear()
            return
        docs, self.buffer = self.buffer, []
        hashes = [content_hash(d.text) for d in docs]
        existing = self._existing_documents(hashes)
        doc_ids = self._insert_documents(docs, hashes, existing)
        self._insert_annotations(docs, hashes, doc_ids, existing)
        self.state.documents_in_project = True
        self.batch.writer.commit_point()

    def _existing_documents(self, hashes: list[str]) -> dict[str, int]:
        wanted = set(hashes)
        found = {h: i for h, i in self.seen_hashes.items() if h in wanted}
        unknown = [h for h in wanted if h not in found]
        for chunk in _chunks(unknown):
            found.update(self.conn.execute(
                select(Document.content_hash, Document.id)
                .where(Document.content_hash.in_(chunk))).all())
        return found

    def _insert_documents(self, docs: list[DocumentRecord], hashes: list[str],
                          existing: dict[str, int]) -> list[int]:
        new: dict[str, DocumentRecord] = {}
        for doc, digest in zip(docs, hashes, strict=True):
            if digest not in existing:
                new.setdefault(digest, doc)
        ids = allocate_ids(self.conn, Document, len(new))
        rows = [
            (doc_id, digest, doc.external_id, doc.title, doc.source, doc.text,
             json.dumps(doc.meta, ensure_ascii=False),
             json.dumps([p.as_list() for p in doc.parts]),
             *(date_row(doc.date) if doc.date else (None, None, None, None)))
            for doc_id, (digest, doc) in zip(ids, new.items(), strict=True)
        ]
        insert_rows(self.conn, Document, DOCUMENT_COLUMNS, rows)
        self.seen_hashes.update(zip(new, ids, strict=True))
        self.report.documents += len(new)
        self.report.existing += len(docs) - len(new)
        return [existing.get(h) or self.seen_hashes[h] for h in hashes]

    def _annotator(self, name: str) -> int:
        found = self.state.annotators.get(name)
        return found if found is not None else self.batch.annotator_id(name)

    def _insert_annotations(self, docs: list[DocumentRecord], hashes: list[str],
                            doc_ids: list[int], existing: dict[str, int]) -> None:
        """Mentions (with their values), relations and states of one batch of documents.

        The hot loop of a big import (hundreds of thousands of spans): span ids resolve
        through one small dict per document, annotator names once per batch, and every
        row is a plain tuple for the driver's ``executemany``."""
        old_ids = {existing[h] for h in hashes if h in existing}
        have_mentions, have_relations, have_states = self._existing_annotations(old_ids)
        default = self.batch.options.annotator
        annotators: dict[str | None, int] = {}
        per_doc: list[dict[str | None, int]] = [{} for _ in docs]  # span id → mention id
        pending: list[tuple[int, int, int, SpanRecord]] = []  # (doc index, doc, annotator)
        for i, (doc, doc_id) in enumerate(zip(docs, doc_ids, strict=True)):
            for span in doc.spans:
                annotator = annotators.get(span.annotator)
                if annotator is None:
                    annotator = annotators[span.annotator] = self._annotator(
                        span.annotator or default)
                if have_mentions:
                    found = have_mentions.get((doc_id, annotator, span.start, span.end,
                                               span.label))
                    if found is not None:
                        per_doc[i][span.id] = found
                        continue
                pending.append((i, doc_id, annotator, span))
        ids = allocate_ids(self.conn, Mention, len(pending))
        entities = self.state.entities
        rows: list[tuple[Any, ...]] = []
        value_rows: list[tuple[Any, ...]] = []
        suggested = 0
        for mention_id, (i, doc_id, annotator, span) in zip(ids, pending, strict=True):
            per_doc[i][span.id] = mention_id
            entity = span.entity
            rows.append((mention_id, doc_id, annotator, span.start, span.end, span.label,
                         span.status, entities[entity][0] if entity else None))
            if span.status == "suggested":
                suggested += 1
            if span.values:
                value_rows.extend((mention_id, *value_row(value, position, entities))
                                  for value, position in _positions(span.values))
        insert_rows(self.conn, Mention, MENTION_COLUMNS, rows)
        insert_rows(self.conn, MentionValue, ("mention_id", *VALUE_COLUMNS), value_rows)
        self.report.mentions += len(rows) - suggested
        self.report.suggestions += suggested
        if self.evidence_needed:
            for digest, span_ids in zip(hashes, per_doc, strict=True):
                for span_id, mention_id in span_ids.items():
                    if span_id is not None and (digest, span_id) in self.evidence_needed:
                        self.evidence_ids[(digest, span_id)] = mention_id
        self._insert_mention_marks(pending, ids)
        self._insert_relations(docs, per_doc, have_relations, doc_ids)
        self._insert_states(docs, doc_ids, have_states)

    def _existing_annotations(self, doc_ids: set[int]) -> tuple[
            dict[tuple[int, int, int, int, str], int], set[tuple[int, int, str, int]],
            set[tuple[int, int]]]:
        mentions: dict[tuple[int, int, int, int, str], int] = {}
        relations: set[tuple[int, int, str, int]] = set()
        states: set[tuple[int, int]] = set()
        for chunk in _chunks(sorted(doc_ids)):
            for m in self.conn.execute(select(
                    Mention.id, Mention.document_id, Mention.annotator_id, Mention.start,
                    Mention.end, Mention.label).where(Mention.document_id.in_(chunk))):
                mentions[(m.document_id, m.annotator_id, m.start, m.end, m.label)] = m.id
            relations.update(self.conn.execute(
                select(Relation.head_id, Relation.tail_id, Relation.type, Relation.annotator_id)
                .join(Mention, Mention.id == Relation.head_id)
                .where(Mention.document_id.in_(chunk))))
            states.update(self.conn.execute(
                select(DocumentState.document_id, DocumentState.annotator_id)
                .where(DocumentState.document_id.in_(chunk))))
        return mentions, relations, states

    def _insert_mention_marks(self, pending: list[tuple[int, int, int, SpanRecord]],
                              ids: list[int]) -> None:
        """Curation marks carried by the spans (a curated gold layer's export)."""
        rows = [(f"mention#{mention_id}", doc_id, "mention", span.curation,
                 span.curation_note, mention_id)
                for mention_id, (_i, doc_id, _annotator, span) in zip(ids, pending, strict=True)
                if span.curation is not None]
        insert_rows(self.conn, CurationMark,
                    ("key", "document_id", "kind", "mark", "note", "mention_id"), rows)

    def _insert_relation_marks(self, marked: list[tuple[tuple[int, int, str, int], int,
                                                        str, str | None]]) -> None:
        rows = []
        for (head, tail, type_, annotator), doc_id, mark, note in marked:
            relation_id = self.conn.execute(select(Relation.id).where(
                Relation.head_id == head, Relation.tail_id == tail, Relation.type == type_,
                Relation.annotator_id == annotator)).scalar_one()
            rows.append((f"relation#{relation_id}", doc_id, "relation", mark, note,
                         relation_id))
        insert_rows(self.conn, CurationMark,
                    ("key", "document_id", "kind", "mark", "note", "relation_id"), rows)

    def _insert_relations(self, docs: list[DocumentRecord],
                          per_doc: list[dict[str | None, int]],
                          have: set[tuple[int, int, str, int]], doc_ids: list[int]) -> None:
        default = self.batch.options.annotator
        names: dict[str, int] = {}
        marked = []
        rows = []
        for doc, span_ids, doc_id in zip(docs, per_doc, doc_ids, strict=True):
            if not doc.relations:
                continue
            # A relation without an annotator belongs to its head span's layer.
            span_layer = {s.id: s.annotator for s in doc.spans if s.annotator}
            for rel in doc.relations:
                name = rel.annotator or span_layer.get(rel.head) or default
                annotator = names.get(name)
                if annotator is None:
                    annotator = names[name] = self._annotator(name)
                signature = (span_ids[rel.head], span_ids[rel.tail], rel.type, annotator)
                if not have or signature not in have:
                    rows.append(signature)
                    if rel.curation is not None:
                        marked.append((signature, doc_id, rel.curation, rel.curation_note))
        insert_rows(self.conn, Relation, ("head_id", "tail_id", "type", "annotator_id"), rows)
        self._insert_relation_marks(marked)
        self.report.relations += len(rows)

    def _insert_states(self, docs: list[DocumentRecord], doc_ids: list[int],
                       have: set[tuple[int, int]]) -> None:
        rows = []
        for doc, doc_id in zip(docs, doc_ids, strict=True):
            for name, status in doc.states.items():
                key = (doc_id, self.batch.annotator_id(name))
                if key not in have:
                    have.add(key)
                    rows.append((*key, status))
        insert_rows(self.conn, DocumentState,
                    ("document_id", "annotator_id", "status"), rows)

    def finish(self) -> None:
        self.flush()
        if self.failed:
            return
        rows = []
        for entity_id, record in self.entity_values:
            attrs = {a.name: a for a in self.state.schema.kind(record.kind).attributes}
            for value, position in _positions(record.values):
                where = f"entity {record.key}"
                problem = _check_value(value, attrs.get(value.attribute), where,
                                       self.state.entities)
                if problem:
                    self.problem(record.line, problem)
                    continue
                evidence = None
                if value.evidence is not None:
                    evidence = self.evidence_ids.get((value.evidence.document,
                                                      value.evidence.span))
                    if evidence is None:
                        self.problem(record.line, f"{where}: the evidence span "
                                     f"{value.evidence.span} of document "
                                     f"{value.evidence.document[:12]}… is not in the file")
                        continue
                rows.append((entity_id, evidence,
                             *value_row(value, position, self.state.entities)))
        if not self.failed:
            insert_rows(self.conn, EntityValue,
                        ("entity_id", "evidence_id", *VALUE_COLUMNS), rows)


# -- the batch ------------------------------------------------------------------------------

def _count_steps(files: list[tuple[Path, str]]) -> int:
    total = 0
    for path, fmt in files:
        if fmt == "jsonl":
            with path.open("rb") as handle:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20),
                                                                  b"")) or 1
        else:
            total += 1
    return total


def _import_file(batch: _Batch, path: Path, fmt: str, progress: Progress) -> FileReport:
    with no_gc_pauses(), bulk_cache(batch.conn):
        return _read_file(batch, path, fmt, progress)


def _read_file(batch: _Batch, path: Path, fmt: str, progress: Progress) -> FileReport:
    report = FileReport(path=path, format=fmt)
    job = _FileImport(batch, report)
    reader = registry.READERS[fmt].load()
    for record in reader(path):
        progress.check("the import")
        if isinstance(record, Problem):
            report.problems.append(record)
        elif isinstance(record, DocumentRecord):
            job.document(record)
        elif isinstance(record, EntityRecord):
            job.entity(record)
        else:
            job.header(record)
        progress.advance(1 if fmt == "jsonl" else 0)
    job.finish()
    if fmt != "jsonl":
        progress.advance(1)
    return report


def import_paths(project: Project, paths: list[Path], options: ImportOptions | None = None,
                 progress: Progress = SILENT) -> ImportReport:
    """Import files and folders; see the module docstring for the guarantees."""
    options = options or ImportOptions()
    problem = _name_problem(options.annotator, "annotator name")
    if problem:
        raise AkkordError(f"the layer to import into: {problem}")
    files = registry.expand(paths, options.format)
    report = ImportReport()
    report.notes.extend(recover_interrupted_imports(project.db))  # e.g. after a full disk
    progress.start(_count_steps(files), "Importing")
    try:
        with project.db.writer_connection() as conn:
            writer = ImportWriter(conn, batched=project.db.is_sqlite,
                                  all_or_nothing=options.all_or_nothing)
            try:
                _import_files(conn, writer, project, options, files, report, progress)
            except BaseException:
                writer.abort()
                raise
    finally:
        progress.finish()
    return report


def _import_files(conn: Connection, writer: ImportWriter, project: Project,
                  options: ImportOptions, files: list[tuple[Path, str]],
                  report: ImportReport, progress: Progress) -> None:
    batch = _Batch(conn, project, options, writer)
    batch.notes.extend(report.notes)
    report.notes = batch.notes
    for path, fmt in files:
        saved = batch.state.copy()
        writer.begin_file(str(path))
        file_report = _import_file(batch, path, fmt, progress)
        report.files.append(file_report)
        writer.end_file(keep=not file_report.rejected)
        if file_report.rejected:
            batch.state = saved
    report.rolled_back = options.all_or_nothing and bool(report.rejected)
    writer.finish(keep=not report.rolled_back)
