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
:func:`write_jsonl` is deterministic: the same records give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from akkord.domain.dates import Certainty, PartialDate, PartialDateError
from akkord.domain.document import Part
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
from akkord.formats.writing import WriteSettings
from akkord.textproc.offsets import normalise_with_map

NATIVE_TYPE = "akkord"
NATIVE_VERSION = 1
MAX_PROBLEMS_PER_FILE = 50
_DOC_FIELDS = ("date", "title", "source")


# -- reading ------------------------------------------------------------------------------

def _value(raw: Any, where: str) -> ValueRecord:
    if not isinstance(raw, dict) or not isinstance(raw.get("attribute"), str):
        raise BadRecord(f"{where}: a value needs an \"attribute\" name")
    value = ValueRecord(attribute=raw["attribute"], role=raw.get("role"),
                        preferred=bool(raw.get("preferred", True)), ref=raw.get("ref"),
                        text=raw.get("text"), flag=raw.get("flag"), number=raw.get("number"))
    if "date" in raw:
        try:
            date = PartialDate.parse(str(raw["date"]))
            if "certainty" in raw:
                date = date.with_certainty(Certainty(raw["certainty"]))
        except (PartialDateError, ValueError) as exc:
            raise BadRecord(f"{where}: {exc}") from exc
        value.date = date
    set_fields = [f for f in ("text", "flag", "number", "date", "ref") if raw.get(f) is not None]
    if len(set_fields) != 1 and set(set_fields) != {"date", "ref"}:  # a dated reference
        raise BadRecord(f"{where}: a value needs exactly one of text, flag, number, date, ref "
                        "(or a ref with its date)")
    evidence = raw.get("evidence")
    if evidence is not None:
        if not isinstance(evidence, dict) or not {"document", "span"} <= evidence.keys():
            raise BadRecord(f"{where}: evidence needs \"document\" and \"span\"")
        value.evidence = EvidenceRef(str(evidence["document"]), str(evidence["span"]))
    return value


def _values(raw: Any, where: str) -> list[ValueRecord]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise BadRecord(f"{where}: \"values\" must be a list")
    return [_value(item, f"{where} value {i + 1}") for i, item in enumerate(raw)]


def _span(raw: Any, index: int, length: int, remap: Any) -> SpanRecord:
    if not isinstance(raw, dict):
        raise BadRecord(f"span {index + 1} is not an object")
    sid = raw.get("id")
    sid = str(index + 1) if sid is None else str(sid)
    start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
    if type(start) is not int or type(end) is not int:
        raise BadRecord(f"span {sid}: start and end must be integers")
    if not label or not isinstance(label, str):
        raise BadRecord(f"span {sid}: needs a \"label\"")
    if remap is not None:
        start, end = remap(start), remap(end)
    if not 0 <= start < end <= length:
        raise BadRecord(f"span {sid}: [{start}, {end}) is not a non-empty range inside the text "
                   f"(length {length})")
    values = raw.get("values")
    mark, note = _read_curation(raw, f"span {sid}")
    return SpanRecord(start, end, label, sid, raw.get("annotator"), raw.get("status", "manual"),
                      raw.get("entity"), _values(values, f"span {sid}") if values else [],
                      curation=mark, curation_note=note)


def _relation(raw: Any, index: int, span_ids: set[str]) -> RelationRecord:
    if not isinstance(raw, dict):
        raise BadRecord(f"relation {index + 1} is not an object")
    head, tail, type_ = raw.get("from_id"), raw.get("to_id"), raw.get("type")
    if head is None or tail is None or not isinstance(type_, str):
        raise BadRecord(f"relation {index + 1}: needs \"from_id\", \"to_id\" and \"type\"")
    for end in (head, tail):
        if str(end) not in span_ids:
            raise BadRecord(f"relation {index + 1}: no span with id {end!r}")
    mark, note = _read_curation(raw, f"relation {index + 1}")
    return RelationRecord(str(head), str(tail), type_, raw.get("annotator"), mark, note)


def _read_curation(raw: dict[str, Any], where: str) -> tuple[str | None, str | None]:
    mark, note = raw.get("curation"), raw.get("curation_note")
    if mark is not None and not isinstance(mark, str):
        raise BadRecord(f"{where}: \"curation\" must be a string")
    if note is not None and not isinstance(note, str):
        raise BadRecord(f"{where}: \"curation_note\" must be a string")
    return mark, note


def _document(raw: dict[str, Any], line: int) -> DocumentRecord:
    text = raw.get("text")
    if not isinstance(text, str) or not text:
        raise BadRecord("a document needs a non-empty \"text\"")
    meta = raw.get("meta") or {}
    if not isinstance(meta, dict):
        raise BadRecord("\"meta\" must be an object")
    text, remap = normalise_with_map(text)
    date = None
    if meta.get("date"):
        try:
            date = PartialDate.parse(str(meta["date"]))
        except PartialDateError as exc:
            raise BadRecord(f"meta.date: {exc}") from exc
    spans_raw = raw.get("spans") or []
    if not isinstance(spans_raw, list):
        raise BadRecord("\"spans\" must be a list")
    spans = [_span(s, i, len(text), remap) for i, s in enumerate(spans_raw)]
    ids = [s.id for s in spans if s.id is not None]
    if len(set(ids)) != len(ids):
        raise BadRecord("two spans have the same id")
    rel_raw = raw.get("relations") or []
    if not isinstance(rel_raw, list):
        raise BadRecord("\"relations\" must be a list")
    relations = [_relation(r, i, set(ids)) for i, r in enumerate(rel_raw)]
    try:
        parts = [Part.from_list(p) for p in raw.get("parts") or []]
    except (ValueError, TypeError) as exc:
        raise BadRecord(f"parts: {exc}") from exc
    states = raw.get("states") or {}
    if not isinstance(states, dict):
        raise BadRecord("\"states\" must be an object")
    external = raw.get("id")
    return DocumentRecord(
        text=text, external_id=str(external) if external is not None else None,
        title=meta.get("title"), source=meta.get("source"), date=date,
        meta={k: v for k, v in meta.items() if k not in _DOC_FIELDS},
        parts=parts, spans=spans, relations=relations,
        states={str(k): str(v) for k, v in states.items()}, line=line)


def _entity(raw: dict[str, Any], line: int) -> EntityRecord:
    key, kind, name = raw.get("key"), raw.get("kind"), raw.get("name")
    if not all(isinstance(v, str) and v for v in (key, kind, name)):
        raise BadRecord("an entity needs \"key\", \"kind\" and \"name\"")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise BadRecord("\"aliases\" must be a list of strings")
    return EntityRecord(key=str(key), kind=str(kind), name=str(name), aliases=list(aliases),
                        values=_values(raw.get("values"), f"entity {key}"), line=line)


def _header(raw: dict[str, Any], line: int) -> HeaderRecord:
    if raw.get("version") != NATIVE_VERSION:
        raise BadRecord(f"native format version {raw.get('version')!r} is not supported "
                   f"(this Akkord reads version {NATIVE_VERSION})")
    schema = raw.get("schema")
    annotators = raw.get("annotators") or []
    return HeaderRecord(schema=schema if isinstance(schema, str) else None,
                        annotators=[str(a) for a in annotators], line=line)


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
    raise BadRecord(f"unknown record type {kind!r}")


class BadRecord(ValueError):
    """A structural problem in one JSON record (the message says which and why)."""


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
    """One compact UTF-8 JSON line (orjson: the same bytes as ``json.dumps`` with
    ``ensure_ascii=False`` and compact separators, several times faster)."""
    return orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)


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
    _curation(out, span.curation, span.curation_note)
    return out


def _curation(out: dict[str, Any], mark: str | None, note: str | None) -> None:
    if mark is not None:
        out["curation"] = mark
    if note is not None:
        out["curation_note"] = note


def relation_dict(relation: RelationRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"from_id": relation.head, "to_id": relation.tail,
                           "type": relation.type}
    if relation.annotator:
        out["annotator"] = relation.annotator
    _curation(out, relation.curation, relation.curation_note)
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
