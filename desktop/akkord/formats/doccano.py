"""doccano JSON Lines: one document a line, spans as offsets into its text.

Writing (:func:`write_doccano`) gives every line both shapes doccano reads, so the file
imports into a sequence-labelling project and into one with relations::

    {"id": "a-1", "text": "…", "label": [[0, 4, "ACTOR"], …],
     "entities": [{"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 4}, …],
     "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "claimant"}],
     "meta": {"title": "…", "date": "2022-01"}}

Offsets count code points (Python string indices), end exclusive. doccano keeps no
layers, statuses, canonical entities or attribute values: the spans and relations of
the exported layers are written, merged.

Reading (:func:`read_doccano`) takes ``entities`` (with ``relations``) when a line has
them, else ``label`` (or ``labels``) triples; ``id`` becomes the external id and
``meta`` (or any other key) the document's metadata, with ``title``, ``date`` and
``source`` taken as the document's own fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from akkord.domain.dates import PartialDate, PartialDateError
from akkord.formats.jsonl import BadRecord, read_json_lines
from akkord.formats.records import (
    Dataset,
    DocumentRecord,
    Record,
    RelationRecord,
    SpanRecord,
)
from akkord.formats.writing import WriteSettings, document_name, public_meta, written_spans
from akkord.textproc.offsets import normalise_with_map

_OWN_KEYS = {"id", "text", "label", "labels", "entities", "relations", "meta", "Comments"}


# -- writing ------------------------------------------------------------------------------

def document_line(doc: DocumentRecord, spans: list[SpanRecord],
                  relations: list[RelationRecord]) -> dict[str, Any]:
    numbers = {span.id: n for n, span in enumerate(spans, start=1)}
    out: dict[str, Any] = {}
    if doc.external_id is not None:
        out["id"] = doc.external_id
    out["text"] = doc.text
    out["label"] = [[s.start, s.end, s.label] for s in spans]
    out["entities"] = [{"id": numbers[s.id], "label": s.label, "start_offset": s.start,
                        "end_offset": s.end} for s in spans]
    out["relations"] = [{"id": n, "from_id": numbers[r.head], "to_id": numbers[r.tail],
                         "type": r.type} for n, r in enumerate(relations, start=1)]
    meta = public_meta(doc)
    meta.pop("id", None)
    if meta:
        out["meta"] = meta
    return out


def write_doccano(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write the JSONL described in the module docstring; returns documents written."""
    count = 0
    with out.open("wb") as handle:
        for index, (doc, _hash) in enumerate(dataset.documents, start=1):
            written = written_spans(doc, settings.notes, document_name(doc, index))
            line = document_line(doc, written.spans, written.relations)
            handle.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    return count


# -- reading ------------------------------------------------------------------------------

def _int(value: Any, what: str) -> int:
    if type(value) is not int:
        raise BadRecord(f"{what} must be an integer, not {value!r}")
    return value


def _spans(raw: dict[str, Any]) -> tuple[list[SpanRecord], list[RelationRecord]]:
    spans: list[SpanRecord] = []
    relations: list[RelationRecord] = []
    entities = raw.get("entities")
    if entities is not None:
        if not isinstance(entities, list):
            raise BadRecord("\"entities\" must be a list")
        for n, item in enumerate(entities, start=1):
            if not isinstance(item, dict) or not isinstance(item.get("label"), str):
                raise BadRecord(f"entity {n} needs \"label\", \"start_offset\", \"end_offset\"")
            sid = str(item.get("id", n))
            spans.append(SpanRecord(_int(item.get("start_offset"), f"entity {sid} start"),
                                    _int(item.get("end_offset"), f"entity {sid} end"),
                                    item["label"], sid))
        ids = {s.id for s in spans}
        for n, item in enumerate(raw.get("relations") or [], start=1):
            if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                raise BadRecord(f"relation {n} needs \"from_id\", \"to_id\" and \"type\"")
            head, tail = str(item.get("from_id")), str(item.get("to_id"))
            if head not in ids or tail not in ids:
                raise BadRecord(f"relation {n} refers to an entity that is not in the line")
            relations.append(RelationRecord(head, tail, item["type"]))
        return spans, relations
    triples = raw.get("label", raw.get("labels")) or []
    if not isinstance(triples, list):
        raise BadRecord("\"label\" must be a list of [start, end, label]")
    for n, item in enumerate(triples, start=1):
        if (not isinstance(item, list) or len(item) != 3 or not isinstance(item[2], str)):
            raise BadRecord(f"label {n} is not [start, end, label]")
        spans.append(SpanRecord(_int(item[0], f"label {n} start"),
                                _int(item[1], f"label {n} end"), item[2], f"T{n}"))
    return spans, relations


def _document(raw: Any, line: int) -> DocumentRecord:
    if not isinstance(raw, dict):
        raise BadRecord("each line must be a JSON object")
    text = raw.get("text")
    if not isinstance(text, str) or not text:
        raise BadRecord("a line needs a non-empty \"text\"")
    spans, relations = _spans(raw)
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise BadRecord(f"span {span.id}: [{span.start}, {span.end}) is not a non-empty range "
                       f"inside the text (length {len(text)})")
    text, remap = normalise_with_map(text)
    if remap is not None:
        for span in spans:
            span.start, span.end = remap(span.start), remap(span.end)
    meta = raw.get("meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    meta.update((k, v) for k, v in raw.items() if k not in _OWN_KEYS)
    date = None
    if meta.get("date"):
        try:
            date = PartialDate.parse(str(meta.pop("date")))
        except PartialDateError as exc:
            raise BadRecord(f"meta.date: {exc}") from exc
    title, source = meta.pop("title", None), meta.pop("source", None)
    external = raw.get("id")
    return DocumentRecord(text=text, external_id=None if external is None else str(external),
                          title=None if title is None else str(title),
                          source=None if source is None else str(source), date=date,
                          meta=meta, spans=spans, relations=relations, line=line)


def read_doccano(path: Path) -> Iterator[Record]:
    """Stream the documents of a doccano JSONL file (see the module docstring)."""
    return read_json_lines(path, _document)
