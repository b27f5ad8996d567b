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
them, else ``label`` (or ``labels``) triples; a line with both must say the same in both
(as Akkord writes them), else it is refused rather than one of them silently dropped.
``id`` becomes the external id and ``meta`` (or any other key) the document's metadata,
with ``title``, ``date`` and ``source`` taken as the document's own fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from akkord.formats import fields
from akkord.formats.fields import BadRecord
from akkord.formats.jsonl import read_json_lines
from akkord.formats.records import (
    Dataset,
    DocumentRecord,
    Record,
    RelationRecord,
    SpanRecord,
)
from akkord.formats.writing import (
    WriteSettings,
    document_name,
    json_line,
    public_meta,
    written_spans,
)
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
            handle.write(json_line(line))
            count += 1
    return count


# -- reading ------------------------------------------------------------------------------

def _entities(raw: dict[str, Any]) -> tuple[list[SpanRecord], list[RelationRecord]]:
    """The ``entities`` (and ``relations``) shape."""
    spans: list[SpanRecord] = []
    for n, entry in enumerate(fields.array(raw, "entities"), start=1):
        item = fields.obj(entry, f"entity {n}")
        label = fields.text(item, "label", f"entity {n}")
        if not label:
            raise BadRecord(f"entity {n} needs \"label\", \"start_offset\", \"end_offset\"")
        sid = fields.opt_identifier(item, "id", f"entity {n}") or str(n)
        spans.append(SpanRecord(fields.integer(item.get("start_offset"), f"entity {sid} start"),
                                fields.integer(item.get("end_offset"), f"entity {sid} end"),
                                label, sid))
    ids = {s.id for s in spans}
    if len(ids) != len(spans):
        raise BadRecord("two entities have the same id")
    relations: list[RelationRecord] = []
    for n, entry in enumerate(fields.array(raw, "relations"), start=1):
        item = fields.obj(entry, f"relation {n}")
        type_ = fields.text(item, "type", f"relation {n}")
        head = fields.opt_identifier(item, "from_id", f"relation {n}")
        tail = fields.opt_identifier(item, "to_id", f"relation {n}")
        if not type_ or head is None or tail is None:
            raise BadRecord(f"relation {n} needs \"from_id\", \"to_id\" and \"type\"")
        if head not in ids or tail not in ids:
            raise BadRecord(f"relation {n} refers to an entity that is not in the line")
        relations.append(RelationRecord(head, tail, type_))
    return spans, relations


def _triples(raw: dict[str, Any], key: str) -> list[SpanRecord]:
    """The ``label`` shape: ``[[start, end, label], …]``."""
    spans = []
    for n, item in enumerate(fields.array(raw, key), start=1):
        if not isinstance(item, list) or len(item) != 3 or not isinstance(item[2], str):
            raise BadRecord(f"{key} {n} is not [start, end, label]")
        spans.append(SpanRecord(fields.integer(item[0], f"{key} {n} start"),
                                fields.integer(item[1], f"{key} {n} end"), item[2], f"T{n}"))
    return spans


def _spans(raw: dict[str, Any]) -> tuple[list[SpanRecord], list[RelationRecord]]:
    """Spans and relations from ``entities`` or ``label``; a line with both must say the
    same in both (Akkord writes both), else one of them would be dropped unread."""
    key = "label" if "label" in raw else "labels"
    triples = _triples(raw, key)
    if raw.get("entities") is None:
        if fields.array(raw, "relations"):
            raise BadRecord("\"relations\" need \"entities\" to refer to")
        return triples, []
    spans, relations = _entities(raw)
    if triples:
        def signature(found: list[SpanRecord]) -> list[tuple[int, int, str]]:
            return sorted((s.start, s.end, s.label) for s in found)

        if signature(triples) != signature(spans):
            raise BadRecord(f"the line has both \"entities\" and \"{key}\" and they "
                            "disagree; keep one of them")
    return spans, relations


def _document(raw: Any, line: int) -> DocumentRecord:
    if not isinstance(raw, dict):
        raise BadRecord("each line must be a JSON object")
    original = fields.text(raw, "text")
    if not original:
        raise BadRecord("a line needs a non-empty \"text\"")
    spans, relations = _spans(raw)
    for span in spans:
        fields.check_range(span.start, span.end, len(original), f"span {span.id}")
    text, remap = normalise_with_map(original)
    if remap is not None:
        for span in spans:
            span.start, span.end = remap(span.start), remap(span.end)
    meta = dict(fields.opt_obj(raw, "meta"))
    meta.update((k, v) for k, v in raw.items() if k not in _OWN_KEYS)
    date = None
    date_text = fields.text(meta, "date", "meta")
    meta.pop("date", None)
    if date_text:
        date = fields.partial_date(date_text, "meta.date")
    title, source = fields.text(meta, "title", "meta"), fields.text(meta, "source", "meta")
    meta.pop("title", None)
    meta.pop("source", None)
    return DocumentRecord(text=text, external_id=fields.opt_identifier(raw, "id"),
                          title=title, source=source, date=date, meta=meta, spans=spans,
                          relations=relations, line=line)


def read_doccano(path: Path) -> Iterator[Record]:
    """Stream the documents of a doccano JSONL file (see the module docstring)."""
    return read_json_lines(path, _document)
