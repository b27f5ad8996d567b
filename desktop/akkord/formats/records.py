"""Format-neutral records: what every reader produces and every writer consumes.

Readers (``read_*``) turn a file into a stream of :class:`DocumentRecord`,
:class:`EntityRecord`, :class:`HeaderRecord` and :class:`Problem` items; the import
service validates them against the project's schema and writes them. Writers take the
same records from the export service. Keeping one vocabulary here is what lets every
format round-trip through every other without a pairwise converter.

Offsets are Python ``str`` indices (code points), ``end`` exclusive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from akkord.domain.dates import PartialDate
from akkord.domain.document import Part
from akkord.textproc.tokens import BaseTokens


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that cannot be imported: where it is and why."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """Points at the mention that states a value: a document (by content hash) and span id."""

    document: str
    span: str


@dataclass(slots=True)
class ValueRecord:
    """One typed attribute value; exactly one of the value fields is set."""

    attribute: str
    text: str | None = None
    flag: bool | None = None
    number: float | None = None
    date: PartialDate | None = None
    ref: str | None = None  # key of the referenced entity
    role: str | None = None
    preferred: bool = True
    evidence: EvidenceRef | None = None

    def plain(self) -> object:
        """The value as a plain Python object (ref → key, date → value string)."""
        for value in (self.text, self.flag, self.number, self.ref):
            if value is not None:
                return value
        return self.date.value if self.date else None


@dataclass(slots=True)
class SpanRecord:
    start: int
    end: int
    label: str
    id: str | None = None
    annotator: str | None = None
    status: str = "manual"
    entity: str | None = None  # key of the linked entity
    values: list[ValueRecord] = field(default_factory=list)
    # The linked entity's name, from formats that carry links but not the entity table
    # (brat normalisations): the importer creates the entity when its key is unknown.
    entity_name: str | None = None
    # A gold unit's curation: unanimous, adjudicated or unresolved (with a note).
    curation: str | None = None
    curation_note: str | None = None


@dataclass(slots=True)
class RelationRecord:
    head: str  # span id
    tail: str  # span id
    type: str
    annotator: str | None = None
    curation: str | None = None  # as on SpanRecord
    curation_note: str | None = None


@dataclass(slots=True)
class DocumentRecord:
    text: str
    external_id: str | None = None
    title: str | None = None
    source: str | None = None
    date: PartialDate | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)
    spans: list[SpanRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    states: dict[str, str] = field(default_factory=dict)  # annotator → status
    line: int | None = None  # where the record starts in its file, for messages
    # Exports only: the document's stored tokens and sentences (None: compute them).
    tokens: BaseTokens | None = None
    where: str | None = None  # how messages name it without a line ("task 3")


@dataclass(slots=True)
class EntityRecord:
    key: str
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    values: list[ValueRecord] = field(default_factory=list)
    line: int | None = None


@dataclass(slots=True)
class HeaderRecord:
    """What a native file says about itself: its schema and annotators."""

    schema: str | None = None
    annotators: list[str] = field(default_factory=list)
    line: int | None = None


Record = DocumentRecord | EntityRecord | HeaderRecord | Problem


@dataclass(slots=True)
class Dataset:
    """What a writer consumes: the header, the entities and a stream of documents.

    ``documents`` yields (document, content hash) pairs in a stable order and may be
    consumed once; ``document_count`` says how many it will yield (for progress and
    for splitting into train/validation/test without holding the corpus in memory).
    """

    header: HeaderRecord
    entities: list[EntityRecord]
    documents: Iterator[tuple[DocumentRecord, str]]
    document_count: int
