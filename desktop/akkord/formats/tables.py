"""Analysis tables: one row per canonical entity, per mention and per document.

For a political scientist opening the export in pandas, R or a spreadsheet. The folder
holds each table as CSV and as Parquet:

* ``<kind>s`` for each entity kind of the schema (``actors``, ``demands``, ``meetings``,
  ``places`` with the default schema), one row per entity: ``key`` (the id the other
  tables join on), ``name``, ``aliases``, then every attribute of the kind in schema
  order: a reference as ``<attr>`` (keys) and ``<attr>_name`` (names), plus
  ``<attr>_role`` when it has roles (a meeting's participants: host, participant …); a
  partial date as ``<attr>`` (its TIMEX value: ``2022-01-12``, ``2022-W04``, ``2022-01``),
  ``<attr>_earliest``, ``<attr>_latest`` and ``<attr>_precision``; any other value as
  ``<attr>``. Then ``mentions`` (how many), ``document_count``, ``documents`` (the
  documents that mention it) and ``quoted_text`` (the distinct surface texts).
* ``mentions``: one row per mention: its document, span, text, label, linked entity
  (``entity`` = the entity's ``key``), annotator, status, and the mention's own
  attribute values (a TIME mention's ``date``), and for a curated gold layer its
  ``curation`` (unanimous, adjudicated or unresolved) and ``curation_note``.
* ``relations``: one row per relation between two written mentions (``head``, ``tail``:
  their ``mention`` ids), its type, the two surface texts, annotator and curation.
* ``documents``: one row per document: ``document`` (what the other tables call it:
  its external id, else its title, else its number), title, date (value, earliest,
  latest, precision), source, mention count and each annotator's status.

Only preferred values are shown (when articles disagree, the value marked preferred).
Lists are joined with ``"; "`` and their items keep the same order across columns (the
n-th role is the n-th participant's). Columns keep a stable order; an empty cell is
an empty value.

CSV files are UTF-8 with a byte-order mark (Excel then shows æøå), comma-separated with
CRLF line ends (RFC 4180). A text cell that a spreadsheet could run as a formula gets a
leading ``'`` so it is shown instead (OWASP's CSV-injection rule, made stricter): one
that starts with ``=``, ``+``, ``-``, ``@``, a tab, a line break or NUL, and one whose first
character after blanks (spaces, line feeds, no-break spaces, zero-width characters) is
``=``, ``+``, ``-``, ``@`` or a look-alike (fullwidth ``＝``, ``＋``, ``－``, ``＠``, the minus
sign ``−``). Parquet keeps the values as they are, typed (counts as integers, days as
dates).
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from akkord.domain.schema import Attribute, EntityKind, Schema
from akkord.formats.records import (
    Dataset,
    DocumentRecord,
    EntityRecord,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.formats.writing import (
    WriteSettings,
    document_name,
    header_schema,
    written_spans,
)

JOIN = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
_FORMULA_SIGNS = frozenset("=+-@\u2212")
BATCH_ROWS = 5000


def _blank(char: str) -> bool:
    """Skipped by a spreadsheet before it looks for a formula sign, or invisible."""
    return char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs")


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula (see the module docstring)."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    first = next((c for c in value if not _blank(c)), "")
    if first and (first in _FORMULA_SIGNS
                  or unicodedata.normalize("NFKC", first)[:1] in _FORMULA_SIGNS):
        return "'" + value
    return value


@dataclass(slots=True)
class Column:
    name: str
    type: str = "string"  # string, int, date


@dataclass(slots=True)
class _Table:
    """One table written as CSV (streamed) and Parquet (in batches)."""

    folder: Path
    name: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    csv_handle: IO[str] | None = None
    writer: Any = None
    parquet: Any = None

    def open(self) -> None:
        self.csv_handle = (self.folder / f"{self.name}.csv").open(
            "w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.csv_handle)
        self.writer.writerow([c.name for c in self.columns])

    def add(self, row: dict[str, Any]) -> None:
        if self.writer is None:
            self.open()
        self.writer.writerow([safe_cell(_csv_value(row.get(c.name))) for c in self.columns])
        self.rows.append(row)
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c.name, _ARROW[c.type]()) for c in self.columns])
        if self.parquet is None:
            self.parquet = pq.ParquetWriter(self.folder / f"{self.name}.parquet", schema)
        table = pa.Table.from_pylist([{c.name: row.get(c.name) for c in self.columns}
                                      for row in self.rows], schema=schema)
        self.parquet.write_table(table)
        self.rows = []

    def close(self) -> None:
        if self.writer is None:
            self.open()
        self.flush()
        if self.csv_handle is not None:
            self.csv_handle.close()
        self.parquet.close()


def _arrow_string() -> Any:
    import pyarrow as pa

    return pa.string()


def _arrow_int() -> Any:
    import pyarrow as pa

    return pa.int64()


def _arrow_date() -> Any:
    import pyarrow as pa

    return pa.date32()


_ARROW = {"string": _arrow_string, "int": _arrow_int, "date": _arrow_date}


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# -- the entity tables ----------------------------------------------------------------------

def kind_columns(kind: EntityKind) -> list[Column]:
    columns = [Column("key"), Column("name"), Column("aliases")]
    for attr in kind.attributes:
        columns.append(Column(attr.name))
        if attr.type == "ref":
            columns.append(Column(f"{attr.name}_name"))
            if attr.roles:
                columns.append(Column(f"{attr.name}_role"))
        elif attr.type == "date":
            columns += [Column(f"{attr.name}_earliest", "date"),
                        Column(f"{attr.name}_latest", "date"),
                        Column(f"{attr.name}_precision")]
    return [*columns, Column("mentions", "int"), Column("document_count", "int"),
            Column("documents"), Column("quoted_text")]


def _joined(items: Iterable[Any]) -> str | None:
    text = JOIN.join("" if i is None else str(i).lower() if isinstance(i, bool) else str(i)
                     for i in items)
    return text or None


def attribute_cells(attr: Attribute, values: list[ValueRecord],
                    names: dict[str, str]) -> dict[str, Any]:
    """The cells of one attribute of one entity (preferred values only)."""
    chosen = [v for v in values if v.attribute == attr.name and v.preferred]
    if attr.type == "ref":
        cells = {attr.name: _joined(v.ref for v in chosen),
                 f"{attr.name}_name": _joined(names.get(v.ref or "", v.ref) for v in chosen)}
        if attr.roles:
            cells[f"{attr.name}_role"] = _joined(v.role or "" for v in chosen) if any(
                v.role for v in chosen) else None
        return cells
    if attr.type == "date":
        dates = [v.date for v in chosen if v.date is not None]
        first = dates[0] if dates else None
        return {attr.name: _joined(d.value for d in dates),
                f"{attr.name}_earliest": first.earliest if first else None,
                f"{attr.name}_latest": first.latest if first else None,
                f"{attr.name}_precision": first.precision.value if first else None}
    return {attr.name: _joined(v.plain() for v in chosen)}


@dataclass(slots=True)
class _Usage:
    """How the exported documents mention one entity."""

    mentions: int = 0
    documents: dict[str, None] = field(default_factory=dict)
    quoted: dict[str, None] = field(default_factory=dict)


def _entity_row(entity: EntityRecord, kind: EntityKind, usage: _Usage | None,
                names: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {"key": entity.key, "name": entity.name,
                           "aliases": _joined(entity.aliases)}
    for attr in kind.attributes:
        row.update(attribute_cells(attr, entity.values, names))
    usage = usage or _Usage()
    row.update(mentions=usage.mentions, document_count=len(usage.documents),
               documents=_joined(usage.documents), quoted_text=_joined(usage.quoted))
    return row


# -- mentions and documents -----------------------------------------------------------------

def mention_columns(schema: Schema | None) -> list[Column]:
    extra: dict[str, None] = {}
    for label in schema.labels if schema else ():
        for attr in label.attributes:
            extra.setdefault(attr.name)
    base = ["document", "document_title", "document_date", "mention", "start", "end",
            "text", "label", "entity", "entity_name", "annotator", "status", "curation",
            "curation_note"]
    return [Column(n, "int" if n in ("start", "end") else "string") for n in base] + [
        Column(n) for n in extra if n not in base]


RELATION_COLUMNS = [Column("document"), Column("head"), Column("tail"), Column("type"),
                    Column("head_text"), Column("tail_text"), Column("annotator"),
                    Column("curation"), Column("curation_note")]
"""One row per relation: ``head`` and ``tail`` are the ``mention`` ids of the mentions
table (curated exports keep their relations)."""

DOCUMENT_COLUMNS = [Column("document"), Column("external_id"), Column("title"),
                    Column("date"), Column("date_earliest", "date"),
                    Column("date_latest", "date"), Column("date_precision"),
                    Column("source"), Column("mentions", "int"), Column("status")]


def _document_row(doc: DocumentRecord, name: str, mentions: int) -> dict[str, Any]:
    date = doc.date
    return {"document": name, "external_id": doc.external_id, "title": doc.title,
            "date": date.value if date else None,
            "date_earliest": date.earliest if date else None,
            "date_latest": date.latest if date else None,
            "date_precision": date.precision.value if date else None,
            "source": doc.source, "mentions": mentions,
            "status": _joined(f"{a}: {s}" for a, s in sorted(doc.states.items()))}


def _relation_rows(table: _Table, doc: DocumentRecord, name: str, written: list[SpanRecord],
                   relations: list[RelationRecord]) -> None:
    spans = {s.id: s for s in written}
    for rel in relations:
        head, tail = spans.get(rel.head), spans.get(rel.tail)
        if head is not None and tail is not None:
            table.add({"document": name, "head": rel.head, "tail": rel.tail,
                       "type": rel.type, "head_text": doc.text[head.start:head.end],
                       "tail_text": doc.text[tail.start:tail.end],
                       "annotator": rel.annotator, "curation": rel.curation,
                       "curation_note": rel.curation_note})


def _kinds(schema: Schema | None, labels: tuple[str, ...] | None) -> list[EntityKind]:
    if schema is None:
        return []
    if labels is None:
        return list(schema.kinds)
    wanted = {schema.label(n).entity for n in labels if n in schema.label_names}
    return [k for k in schema.kinds if k.name in wanted]


def write_tables(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write the tables described in the module docstring into the folder ``out``."""
    schema = header_schema(dataset.header)
    names = {e.key: e.name for e in dataset.entities}
    usage: dict[str, _Usage] = {}
    mentions = _Table(out, "mentions", mention_columns(schema))
    relations = _Table(out, "relations", RELATION_COLUMNS)
    documents = _Table(out, "documents", DOCUMENT_COLUMNS)
    count = 0
    try:
        for index, (doc, _hash) in enumerate(dataset.documents, start=1):
            name = document_name(doc, index)
            written = written_spans(doc, settings.notes, name)
            for span in written.spans:
                surface = doc.text[span.start:span.end]
                row: dict[str, Any] = {
                    "document": name, "document_title": doc.title,
                    "document_date": doc.date.value if doc.date else None,
                    "mention": span.id, "start": span.start, "end": span.end,
                    "text": surface, "label": span.label, "entity": span.entity,
                    "entity_name": names.get(span.entity) if span.entity else None,
                    "annotator": span.annotator, "status": span.status,
                    "curation": span.curation, "curation_note": span.curation_note}
                for value in span.values:
                    shown = _joined([value.date.value if value.date else value.plain()])
                    previous = row.get(value.attribute)
                    row[value.attribute] = shown if previous is None else _joined(
                        [previous, shown])
                mentions.add(row)
                if span.entity is not None:
                    found = usage.setdefault(span.entity, _Usage())
                    found.mentions += 1
                    found.documents[name] = None
                    found.quoted[" ".join(surface.split())] = None
            _relation_rows(relations, doc, name, written.spans, written.relations)
            documents.add(_document_row(doc, name, len(written.spans)))
            count += 1
    finally:
        mentions.close()
        relations.close()
        documents.close()
    by_kind: dict[str, list[EntityRecord]] = {}
    for entity in dataset.entities:
        by_kind.setdefault(entity.kind, []).append(entity)
    for kind in _kinds(schema, settings.labels):
        table = _Table(out, f"{kind.name}s", kind_columns(kind))
        try:
            for entity in by_kind.get(kind.name, []):
                table.add(_entity_row(entity, kind, usage.get(entity.key), names))
        finally:
            table.close()
    return count
