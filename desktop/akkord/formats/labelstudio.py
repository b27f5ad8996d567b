"""Label Studio: JSON tasks with annotations, and the labelling config that shows them.

Writing (:func:`write_labelstudio`) fills a folder with ``tasks.json`` (a JSON list, one
task per document, to import into a Label Studio project) and ``config.xml`` (its
labelling interface, from the schema's labels, colours, keys and relation types)::

    {"id": 1,
     "data": {"text": "…", "external_id": "a-1", "title": "…", "date": "2022-01"},
     "annotations": [{"id": 1, "ground_truth": false, "result": [
        {"id": "T1", "from_name": "label", "to_name": "text", "type": "labels",
         "origin": "manual", "value": {"start": 0, "end": 4, "text": "Nato",
                                       "labels": ["ACTOR"]}},
        {"type": "relation", "from_id": "T1", "to_id": "T2", "direction": "right",
         "labels": ["claimant"]}]}]}

``start`` and ``end`` count UTF-16 code units, as Label Studio (JavaScript) does: a
character outside the Basic Multilingual Plane (😀, 𝔸) counts two. One annotation per
task holds the spans and relations of the exported layers (merged); Label Studio keeps
no canonical entities, statuses or attribute values.

Reading (:func:`read_labelstudio`) takes Label Studio's JSON export (a list of tasks, or
one task). Each task's text is ``data.text`` (or its only text field). Every annotation
that was not cancelled is read; when a task has several, each goes into a layer named
after its annotator (``completed_by``), else into the import's layer. ``predictions``
come in as ``suggested`` mentions. ``labels`` results become mentions (one per label),
``relation`` results relations (``direction: left`` is turned round).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import orjson

from akkord.domain.schema import Schema
from akkord.formats import fields
from akkord.formats.fields import BadRecord
from akkord.formats.records import (
    Dataset,
    DocumentRecord,
    Problem,
    Record,
    RelationRecord,
    SpanRecord,
)
from akkord.formats.writing import (
    WriteSettings,
    document_name,
    header_schema,
    json_bytes,
    public_meta,
    written_spans,
)
from akkord.textproc.offsets import from_utf16_offsets, normalise_with_map, utf16_offsets

FROM_NAME = "label"
TO_NAME = "text"
TASKS_FILE = "tasks.json"
CONFIG_FILE = "config.xml"
MAX_PROBLEMS = 50


# -- writing ------------------------------------------------------------------------------

def task(doc: DocumentRecord, number: int, spans: list[SpanRecord],
         relations: list[RelationRecord]) -> dict[str, Any]:
    """One Label Studio task for a document and the spans and relations to show."""
    to_utf16 = utf16_offsets(doc.text)
    result: list[dict[str, Any]] = [
        {"id": span.id, "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
         "origin": "manual",
         "value": {"start": to_utf16(span.start), "end": to_utf16(span.end),
                   "text": doc.text[span.start:span.end], "labels": [span.label]}}
        for span in spans]
    result += [{"type": "relation", "from_id": rel.head, "to_id": rel.tail,
                "direction": "right", "labels": [rel.type]} for rel in relations]
    data: dict[str, Any] = {"text": doc.text}
    for key, value in public_meta(doc).items():
        data["external_id" if key == "id" else key] = value
    return {"id": number, "data": data,
            "annotations": [{"id": number, "ground_truth": False, "was_cancelled": False,
                             "result": result}]}


def labelling_config(schema: Schema | None, labels: tuple[str, ...] | None = None) -> str:
    """The ``<View>`` config: a Labels control over the Text, and the relation types."""
    chosen = [lb for lb in (schema.labels if schema else ()) if not labels or lb.name in labels]
    lines = ["<View>", f"  <Labels name={quoteattr(FROM_NAME)} toName={quoteattr(TO_NAME)}>"]
    lines += [f"    <Label value={quoteattr(lb.name)} background={quoteattr(lb.color)}"
              f" hotkey={quoteattr(lb.key)}/>" for lb in chosen]
    lines += ["  </Labels>", f"  <Text name={quoteattr(TO_NAME)} value=\"$text\"/>"]
    relations = schema.relations if schema else ()
    if relations:
        lines.append("  <Relations>")
        lines += [f"    <Relation value={quoteattr(rel.name)}/>" for rel in relations]
        lines.append("  </Relations>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def write_labelstudio(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write ``tasks.json`` and ``config.xml`` into the folder ``out``."""
    count = 0
    with (out / TASKS_FILE).open("wb") as handle:
        handle.write(b"[\n")
        for index, (doc, _hash) in enumerate(dataset.documents, start=1):
            written = written_spans(doc, settings.notes, document_name(doc, index))
            if count:
                handle.write(b",\n")
            handle.write(json_bytes(task(doc, index, written.spans, written.relations)))
            count += 1
        handle.write(b"\n]\n")
    config = labelling_config(header_schema(dataset.header), settings.labels)
    (out / CONFIG_FILE).write_text(config, encoding="utf-8")
    return count


# -- reading ------------------------------------------------------------------------------

_Bad = BadRecord


def _text(data: dict[str, Any]) -> str:
    text = fields.text(data, "text", "data")
    if text is None:
        strings = [v for v in data.values() if isinstance(v, str)]
        text = strings[0] if len(strings) == 1 else None
    if not text:
        raise _Bad("the task's data has no \"text\"")
    return text


def _annotator(annotation: dict[str, Any], several: bool, where: str) -> str | None:
    if not several:
        return None
    who = annotation.get("completed_by")
    if who is None:
        return None
    if isinstance(who, dict):
        for key in ("email", "username", "id"):
            name = fields.opt_identifier(who, key, f"{where}.completed_by")
            if name:
                return name.partition("@")[0] or name
        return None
    return f"labelstudio-{fields.identifier(who, f'{where}.completed_by')}"


class _Results:
    """The spans and relations of one task, from all its annotations and predictions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.to_points = from_utf16_offsets(text)
        self.to_units = utf16_offsets(text)
        self.units = self.to_units(len(text))
        self.spans: list[SpanRecord] = []
        self.relations: list[RelationRecord] = []
        self.used: set[str] = set()

    def read(self, raw: dict[str, Any], where: str, annotator: str | None,
             status: str) -> None:
        ids: dict[str, list[str]] = {}
        links = []
        for n, entry in enumerate(fields.array(raw, "result", where), start=1):
            item = fields.obj(entry, f"{where} result {n}")
            kind = item.get("type")
            if kind == "relation":
                links.append(item)
            elif kind == "labels":
                self.region(item, f"{where}:", annotator, status, ids, n)
        for link in links:
            self.relation(link, ids, annotator)

    def region(self, item: dict[str, Any], prefix: str, annotator: str | None, status: str,
               ids: dict[str, list[str]], n: int) -> None:
        rid = fields.opt_identifier(item, "id", f"result {n}") or str(len(self.spans) + 1)
        where = f"result {rid}"
        value = fields.obj(item.get("value"), f"{where}: \"value\"")
        start = fields.integer(value.get("start"), f"{where}: value.start")
        end = fields.integer(value.get("end"), f"{where}: value.end")
        labels = fields.strings(value, "labels", f"{where}: value")
        fields.check_range(start, end, self.units, f"{where} (UTF-16 units)")
        first, last = self.to_points(start), self.to_points(end)
        if self.to_units(first) != start or self.to_units(last) != end:
            raise _Bad(f"{where}: [{start}, {end}) splits a character outside the Basic "
                       "Multilingual Plane (its two UTF-16 units)")
        quoted = value.get("text")
        if isinstance(quoted, str) and quoted != self.text[first:last]:
            raise _Bad(f"{where}: its text {quoted!r} is not the text at its offsets "
                       f"({self.text[first:last]!r}); are they UTF-16 units?")
        for label in labels:
            span_id = f"{prefix}{rid}" + (f"/{label}" if len(labels) > 1 else "")
            if span_id in self.used:  # one region labelled by two controls
                span_id += f"#{len(self.spans) + 1}"
            self.used.add(span_id)
            self.spans.append(SpanRecord(first, last, label, span_id, annotator, status))
            ids.setdefault(rid, []).append(span_id)

    def relation(self, item: dict[str, Any], ids: dict[str, list[str]],
                 annotator: str | None) -> None:
        head = fields.opt_identifier(item, "from_id", "a relation")
        tail = fields.opt_identifier(item, "to_id", "a relation")
        if head is None or tail is None or head not in ids or tail not in ids:
            raise _Bad(f"a relation links {head} and {tail}, which are not both regions")
        if fields.text(item, "direction", "a relation") == "left":
            head, tail = tail, head
        labels = fields.strings(item, "labels", f"the relation from {head} to {tail}")
        if not labels:
            raise _Bad(f"the relation from {head} to {tail} has no label (Akkord's relations "
                       "have a type)")
        for label in labels:
            self.relations.append(RelationRecord(ids[head][0], ids[tail][0], label, annotator))


def _objects(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [fields.obj(item, f"{key} {n}")
            for n, item in enumerate(fields.array(raw, key), start=1)]


def _document(raw: Any) -> DocumentRecord:
    task_ = fields.obj(raw, "a task")
    data = fields.obj(task_.get("data"), "the task's \"data\"")
    raw_text = _text(data)
    results = _Results(raw_text)
    annotations = [a for a in _objects(task_, "annotations")
                   if not fields.flag(a, "was_cancelled", "annotation")]
    for n, annotation in enumerate(annotations, start=1):
        results.read(annotation, f"a{n}",
                     _annotator(annotation, len(annotations) > 1, f"annotation {n}"),
                     "manual")
    for n, prediction in enumerate(_objects(task_, "predictions"), start=1):
        results.read(prediction, f"p{n}", None, "suggested")
    text, remap = normalise_with_map(raw_text)
    if remap is not None:
        for span in results.spans:
            span.start, span.end = remap(span.start), remap(span.end)
    meta = dict(data)
    meta.pop("text", None)
    date = None
    date_text = fields.text(meta, "date", "data")
    meta.pop("date", None)
    if date_text:
        date = fields.partial_date(date_text, "data.date")
    external = fields.opt_identifier(meta, "external_id", "data")
    if external is None:
        external = fields.opt_identifier(task_, "id", "the task")
    title, source = fields.text(meta, "title", "data"), fields.text(meta, "source", "data")
    for key in ("external_id", "title", "source"):
        meta.pop(key, None)
    return DocumentRecord(text=text, external_id=external, title=title, source=source,
                          date=date, meta=meta, spans=results.spans,
                          relations=results.relations)


_JSON_TOKEN = re.compile(rb'"(?:[^"\\\n]|\\.)*"|[][{},\n]|[^\s,\[\]{}"]+')


def element_lines(data: bytes) -> list[int]:
    """The line on which each element of a top-level JSON list starts (1-based).

    A linear scan that skips strings, so it needs no parser and no recursion; it runs
    only for a file with a problem, to say where the task is.
    """
    lines, line, depth, expecting = [], 1, 0, False
    for match in _JSON_TOKEN.finditer(data):
        token = match[0]
        if token == b"\n":
            line += 1
            continue
        if depth == 1 and expecting and token not in (b"]", b","):
            lines.append(line)
            expecting = False
        if token in (b"[", b"{"):
            if depth == 0 and token == b"[":
                expecting = True
            depth += 1
        elif token in (b"]", b"}"):
            depth -= 1
        elif token == b"," and depth == 1:
            expecting = True
        line += token.count(b"\n")
    return lines


def _document_lines(data: bytes, raw: Any, index: int) -> int | None:
    if not isinstance(raw, list):
        return 1
    found = element_lines(data)
    return found[index - 1] if index <= len(found) else None


def read_labelstudio(path: Path) -> Iterator[Record]:
    """Read the tasks of a Label Studio JSON export (see the module docstring).

    Problems found here name the task and its line; the import checker names a task by
    its number (``task 3``) and external id.
    """
    source = str(path)
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        raw = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        yield Problem(source, exc.lineno, f"malformed JSON: {exc.msg} (column {exc.colno})")
        return
    tasks = raw if isinstance(raw, list) else [raw]
    if not tasks:
        yield Problem(source, None, "the file holds no tasks")
        return
    problems = 0
    for index, item in enumerate(tasks, start=1):
        try:
            record = _document(item)
        except _Bad as exc:
            problems += 1
            yield Problem(source, _document_lines(data, raw, index), f"task {index}: {exc}")
            if problems >= MAX_PROBLEMS:
                yield Problem(source, None, f"stopped after {problems} problems")
                return
            continue
        record.where = f"task {index}"
        yield record
