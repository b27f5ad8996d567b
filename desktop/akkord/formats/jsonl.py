"""JSON Lines: Akkord's native, lossless format, and plain ``{"text", "meta"}`` corpora.

A plain corpus line is ``{"id"?, "text", "meta"?: {"date"?, "title"?, …}, "spans"?,
"relations"?}`` with spans ``{"id", "start", "end", "label"}`` and relations
``{"from_id", "to_id", "type"}`` (the shape of ``../shared/bench/make_corpus.py``).

The native file is the same shape with more detail, preceded by a header and the
canonical entities::

    {"type": "akkord", "version": 1, "schema": "<TOML>", "annotators": ["anna", "gold"]}
    {"type": "entity", "key": "actor/nato", "kind": "actor", "name": "Nato",
     "aliases": ["Natos"], "values": [{"attribute": "kind", "text": "alliance"}]}
    {"id": "…", "hash": "<sha256 of text>", "text": "…", "meta": {…}, "parts": [[…]],
     "states": {"anna": "done"},
     "spans": [{"id": "T1", "start": 0, "end": 4, "label": "ACTOR", "annotator": "gold",
                "status": "accepted", "entity": "actor/nato", "values": […]}],
     "relations": [{"from_id": "T1", "to_id": "T2", "type": "claimant", "annotator": "gold"}]}

Values carry exactly one of ``text``, ``flag``, ``number``, ``date`` (a partial-date
value such as ``2022-W04``) or ``ref`` (an entity key), and optionally ``role``,
``certainty``, ``"preferred": false`` and ``evidence: {"document": <hash>, "span": id}``.
:func:`write_jsonl` is deterministic: the same records give the same bytes; it writes
any value the project holds, however deep (:func:`~akkord.formats.writing.json_bytes`).

Reading is typed and total: every key is read with the type it must have
(:mod:`akkord.formats.fields`), offsets are checked against the text as the file gives
it (before normalisation moves them), and anything else is a problem with its line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from akkord.domain.dates import Certainty
from akkord.domain.document import Part
from akkord.formats import fields
from akkord.formats.fields import BadRecord
from akkord.formats.records import (
    Dataset,
    DocumentRecord,
    EntityRecord,
    EvidenceRef,
    HeaderRecord,
    Problem,
    Record,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.formats.writing import WriteSettings, json_line
from akkord.textproc.offsets import OffsetMap, normalise_with_map

NATIVE_TYPE = "akkord"
NATIVE_VERSION = 1
MAX_PROBLEMS_PER_FILE = 50
_DOC_FIELDS = ("date", "title", "source")


# -- reading ------------------------------------------------------------------------------

def _value(raw: Any, where: str) -> ValueRecord:
    item = fields.obj(raw, where)
    attribute = fields.text(item, "attribute", where)
    if not attribute:
        raise BadRecord(f"{where}: a value needs an \"attribute\" name")
    value = ValueRecord(attribute=attribute, role=fields.text(item, "role", where),
                        preferred=bool(fields.flag(item, "preferred", where, True)),
                        ref=fields.text(item, "ref", where), text=fields.text(item, "text", where),
                        flag=fields.flag(item, "flag", where),
                        number=fields.number(item, "number", where))
    date_text = fields.text(item, "date", where)
    certainty = fields.text(item, "certainty", where)
    if date_text is not None:
        date = fields.partial_date(date_text, where)
        if certainty is not None:
            try:
                date = date.with_certainty(Certainty(certainty))
            except ValueError as exc:
                raise BadRecord(f"{where}: {exc}") from exc
        value.date = date
    elif certainty is not None:
        raise BadRecord(f"{where}: \"certainty\" belongs to a \"date\"")
    set_fields = [f for f in ("text", "flag", "number", "date", "ref") if item.get(f) is not None]
    if len(set_fields) != 1 and set(set_fields) != {"date", "ref"}:  # a dated reference
        raise BadRecord(f"{where}: a value needs exactly one of text, flag, number, date, ref "
                        "(or a ref with its date)")
    if "evidence" in item and item["evidence"] is not None:
        evidence = fields.obj(item["evidence"], f"{where}.evidence")
        document = fields.text(evidence, "document", f"{where}.evidence")
        span = fields.opt_identifier(evidence, "span", f"{where}.evidence")
        if not document or span is None:
            raise BadRecord(f"{where}: evidence needs \"document\" and \"span\"")
        value.evidence = EvidenceRef(document, span)
    return value


def _values(raw: dict[str, Any], where: str) -> list[ValueRecord]:
    items = fields.array(raw, "values", where)
    return [_value(item, f"{where} value {i + 1}") for i, item in enumerate(items)]


def _span(raw: Any, index: int, length: int, remap: OffsetMap | None) -> SpanRecord:
    """A span; the common, well-typed one on a fast path (a corpus has hundreds of
    thousands), anything else through :func:`_checked_span` and its messages."""
    if type(raw) is dict:
        sid, start, end, label = raw.get("id"), raw.get("start"), raw.get("end"), raw.get("label")
        annotator, status, entity = raw.get("annotator"), raw.get("status"), raw.get("entity")
        values = raw.get("values")
        if (type(start) is int and type(end) is int and type(label) is str and label
                and 0 <= start < end <= length
                and (sid is None or type(sid) is str or type(sid) is int)
                and (annotator is None or type(annotator) is str)
                and (status is None or type(status) is str)
                and (entity is None or type(entity) is str)
                and (values is None or type(values) is list)
                and "curation" not in raw and "curation_note" not in raw):
            sid = str(index + 1) if sid is None else str(sid)
            if remap is not None:
                start, end = remap(start), remap(end)
            return SpanRecord(start, end, label, sid, annotator, status or "manual", entity,
                              _values(raw, f"span {sid}") if values else [])
    return _checked_span(raw, index, length, remap)


def _checked_span(raw: Any, index: int, length: int, remap: OffsetMap | None) -> SpanRecord:
    item = fields.obj(raw, f"span {index + 1}")
    sid = fields.opt_identifier(item, "id", f"span {index + 1}")
    sid = str(index + 1) if sid is None else sid
    where = f"span {sid}"
    start = fields.integer(item.get("start"), f"{where}: start")
    end = fields.integer(item.get("end"), f"{where}: end")
    label = fields.text(item, "label", where)
    if not label:
        raise BadRecord(f"{where}: needs a \"label\"")
    fields.check_range(start, end, length, where)
    if remap is not None:
        start, end = remap(start), remap(end)
    return SpanRecord(start, end, label, sid, fields.text(item, "annotator", where),
                      fields.text(item, "status", where) or "manual",
                      fields.text(item, "entity", where), _values(item, where),
                      curation=fields.text(item, "curation", where),
                      curation_note=fields.text(item, "curation_note", where))


def _relation(raw: Any, index: int, span_ids: set[str]) -> RelationRecord:
    if type(raw) is dict:
        head, tail, type_ = raw.get("from_id"), raw.get("to_id"), raw.get("type")
        annotator = raw.get("annotator")
        if (type(type_) is str and type_ and type(head) is str and type(tail) is str
                and head in span_ids and tail in span_ids
                and (annotator is None or type(annotator) is str)
                and "curation" not in raw and "curation_note" not in raw):
            return RelationRecord(head, tail, type_, annotator)
    return _checked_relation(raw, index, span_ids)


def _checked_relation(raw: Any, index: int, span_ids: set[str]) -> RelationRecord:
    where = f"relation {index + 1}"
    item = fields.obj(raw, where)
    head = fields.opt_identifier(item, "from_id", where)
    tail = fields.opt_identifier(item, "to_id", where)
    type_ = fields.text(item, "type", where)
    if head is None or tail is None or not type_:
        raise BadRecord(f"{where}: needs \"from_id\", \"to_id\" and \"type\"")
    for end in (head, tail):
        if end not in span_ids:
            raise BadRecord(f"{where}: no span with id {end!r}")
    return RelationRecord(head, tail, type_, fields.text(item, "annotator", where),
                          fields.text(item, "curation", where),
                          fields.text(item, "curation_note", where))


def _parts(raw: dict[str, Any], length: int, remap: OffsetMap | None) -> list[Part]:
    parts = []
    for i, item in enumerate(fields.array(raw, "parts"), start=1):
        if (not isinstance(item, list) or len(item) != 3 or not isinstance(item[0], str)
                or type(item[1]) is not int or type(item[2]) is not int):
            raise BadRecord(f"parts item {i} is not [kind, start, end]")
        kind, start, end = item
        if not 0 <= start <= end <= length:
            raise BadRecord(f"parts item {i}: [{start}, {end}) is not inside the text "
                            f"(length {length})")
        try:
            part = Part.from_list([kind, start, end])
        except ValueError as exc:
            raise BadRecord(f"parts item {i}: {exc}") from exc
        parts.append(part if remap is None else Part(part.kind, remap(start), remap(end)))
    return parts


def _document(raw: dict[str, Any], line: int) -> DocumentRecord:
    original = fields.text(raw, "text")
    if not original:
        raise BadRecord("a document needs a non-empty \"text\"")
    meta = fields.opt_obj(raw, "meta")
    date = None
    date_text = fields.text(meta, "date", "meta")
    if date_text:
        date = fields.partial_date(date_text, "meta.date")
    title, source = fields.text(meta, "title", "meta"), fields.text(meta, "source", "meta")
    text, remap = normalise_with_map(original)
    length = len(original)
    spans = [_span(s, i, length, remap) for i, s in enumerate(fields.array(raw, "spans"))]
    ids = [s.id for s in spans if s.id is not None]
    if len(set(ids)) != len(ids):
        raise BadRecord("two spans have the same id")
    relations = [_relation(r, i, set(ids)) for i, r in enumerate(fields.array(raw, "relations"))]
    parts = _parts(raw, length, remap)
    states = fields.string_map(raw, "states")
    return DocumentRecord(
        text=text, external_id=fields.opt_identifier(raw, "id"), title=title, source=source,
        date=date, meta={k: v for k, v in meta.items() if k not in _DOC_FIELDS},
        parts=parts, spans=spans, relations=relations, states=dict(states), line=line)


def _entity(raw: dict[str, Any], line: int) -> EntityRecord:
    key, kind, name = (fields.text(raw, k, "entity") for k in ("key", "kind", "name"))
    if not key or not kind or not name:
        raise BadRecord("an entity needs \"key\", \"kind\" and \"name\"")
    return EntityRecord(key=key, kind=kind, name=name, aliases=fields.strings(raw, "aliases"),
                        values=_values(raw, f"entity {key}"), line=line)


def _header(raw: dict[str, Any], line: int) -> HeaderRecord:
    if raw.get("version") != NATIVE_VERSION or type(raw.get("version")) is not int:
        raise BadRecord(f"native format version {raw.get('version')!r} is not supported "
                        f"(this Akkord reads version {NATIVE_VERSION})")
    return HeaderRecord(schema=fields.text(raw, "schema", "header"),
                        annotators=fields.strings(raw, "annotators", "header"), line=line)


def _record(raw: Any, line: int) -> Record:
    if not isinstance(raw, dict):
        raise BadRecord("each line must be a JSON object")
    kind = raw.get("type", "document")
    if kind == "document":
        return _document(raw, line)
    if kind == "entity":
        return _entity(raw, line)
    if kind == NATIVE_TYPE:
        return _header(raw, line)
    raise BadRecord(f"unknown record type {kind!r}" if isinstance(kind, str | int | float)
                    else f"\"type\" must be a string, not {fields.kind_of(kind)}")


def read_json_lines(path: Path, parse: Callable[[Any, int], Record]) -> Iterator[Record]:
    """Stream ``parse(object, line number)`` over a JSON Lines file.

    The shared reading rules of every JSONL format: a UTF-8 BOM is skipped, blank lines
    are ignored, a line that is not JSON (or that ``parse`` refuses with
    :class:`BadRecord`) becomes a :class:`Problem` with its line number, and after
    :data:`MAX_PROBLEMS_PER_FILE` problems the file is given up on.
    """
    source, problems, seen_any = str(path), 0, False
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            if number == 1 and raw_line.startswith(b"\xef\xbb\xbf"):
                raw_line = raw_line[3:]
            if not raw_line.strip():
                continue
            seen_any = True
            try:
                yield parse(orjson.loads(raw_line), number)
                continue
            except orjson.JSONDecodeError as exc:
                message = _json_problem(raw_line, exc)
            except BadRecord as exc:
                message = str(exc)
            yield Problem(source, number, message)
            problems += 1
            if problems >= MAX_PROBLEMS_PER_FILE:
                yield Problem(source, None, f"stopped after {problems} problems; is this "
                              "really a JSON Lines file?")
                return
    if not seen_any:
        yield Problem(source, None, "the file is empty")


def read_jsonl(path: Path) -> Iterator[Record]:
    """Stream the records of a JSONL file; bad lines become :class:`Problem` items."""
    return read_json_lines(path, _record)


def _json_problem(raw_line: bytes, exc: orjson.JSONDecodeError) -> str:
    try:
        raw_line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"not UTF-8 text ({bad.reason} at byte {bad.start})"
    return f"malformed JSON: {exc.msg} (column {exc.colno})"


# -- writing ------------------------------------------------------------------------------

def _dump(obj: dict[str, Any]) -> bytes:
    """One compact UTF-8 JSON line (see :func:`~akkord.formats.writing.json_bytes`)."""
    return json_line(obj)


def value_dict(value: ValueRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"attribute": value.attribute}
    if value.date is not None:
        out["date"] = value.date.value
        if value.date.certainty is not Certainty.CERTAIN:
            out["certainty"] = value.date.certainty.value
    for name in ("text", "flag", "number", "ref", "role"):
        if getattr(value, name) is not None:
            out[name] = getattr(value, name)
    if not value.preferred:
        out["preferred"] = False
    if value.evidence is not None:
        out["evidence"] = {"document": value.evidence.document, "span": value.evidence.span}
    return out


def span_dict(span: SpanRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"id": span.id, "start": span.start, "end": span.end,
                           "label": span.label}
    if span.annotator is not None:
        out["annotator"] = span.annotator
    if span.status != "manual":
        out["status"] = span.status
    if span.entity is not None:
        out["entity"] = span.entity
    if span.values:
        out["values"] = [value_dict(v) for v in span.values]
    if span.curation is not None:  # inline, not a helper: this runs once per span
        out["curation"] = span.curation
    if span.curation_note is not None:
        out["curation_note"] = span.curation_note
    return out


def relation_dict(relation: RelationRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"from_id": relation.head, "to_id": relation.tail,
                           "type": relation.type}
    if relation.annotator:
        out["annotator"] = relation.annotator
    if relation.curation is not None:
        out["curation"] = relation.curation
    if relation.curation_note is not None:
        out["curation_note"] = relation.curation_note
    return out


def document_dict(doc: DocumentRecord, content_hash: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if doc.date is not None:
        meta["date"] = doc.date.value
    if doc.title is not None:
        meta["title"] = doc.title
    if doc.source is not None:
        meta["source"] = doc.source
    meta.update(sorted(doc.meta.items()))
    out: dict[str, Any] = {}
    if doc.external_id is not None:
        out["id"] = doc.external_id
    if content_hash is not None:
        out["hash"] = content_hash
    out["text"] = doc.text
    out["meta"] = meta
    if doc.parts:
        out["parts"] = [p.as_list() for p in doc.parts]
    if doc.states:
        out["states"] = dict(sorted(doc.states.items()))
    out["spans"] = [span_dict(s) for s in doc.spans]
    out["relations"] = [relation_dict(r) for r in doc.relations]
    return out


def entity_dict(entity: EntityRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "entity", "key": entity.key, "kind": entity.kind,
                           "name": entity.name}
    if entity.aliases:
        out["aliases"] = entity.aliases
    if entity.values:
        out["values"] = [value_dict(v) for v in entity.values]
    return out


def header_dict(header: HeaderRecord) -> dict[str, Any]:
    return {"type": NATIVE_TYPE, "version": NATIVE_VERSION, "schema": header.schema,
            "annotators": header.annotators}


def write_jsonl(out: IO[bytes], header: HeaderRecord, entities: Iterable[EntityRecord],
                documents: Iterable[tuple[DocumentRecord, str]]) -> int:
    """Write a native file: header, entities, then (document, content hash) pairs.

    Returns the number of documents written.
    """
    out.write(_dump(header_dict(header)))
    for entity in entities:
        out.write(_dump(entity_dict(entity)))
    count = 0
    for doc, content_hash in documents:
        out.write(_dump(document_dict(doc, content_hash)))
        count += 1
    return count


def write_jsonl_file(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """The exporter's entry point: the native file at ``out`` (see :func:`write_jsonl`)."""
    with out.open("wb") as handle:
        return write_jsonl(handle, dataset.header, dataset.entities, dataset.documents)
