"""What the writers of other tools' formats share: settings, notes, the spans they write.

Native JSONL writes everything. Every other format holds less, so its writer decides
what it can hold and *says* what it left out or changed in :class:`Notes`, which the
export report shows: nothing is dropped silently.

The common rules, applied by :func:`written_spans`:

* Only mentions an annotator made or accepted are written (status ``manual`` or
  ``accepted``); ``suggested`` and ``rejected`` mentions are not labels. Their count
  is noted.
* When several layers are exported together, the same span with the same label in two
  layers is written once (the first layer by name); relations follow the kept span.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from akkord.domain.schema import Schema, parse_schema
from akkord.formats.records import DocumentRecord, HeaderRecord, RelationRecord, SpanRecord

WRITTEN_STATUSES = ("manual", "accepted")
# bookkeeping kept in meta, never shown to other tools: the tokens and CoNLL-U lines of a
# document imported from CoNLL(-U)
INTERNAL_META = ("token_breaks", "conllu")


@dataclass(slots=True)
class Notes:
    """Counted remarks of one export, each kind with its first few examples."""

    examples_per_kind: int = 5
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, example: str | None = None, count: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + count
        if example is not None:
            found = self.examples.setdefault(kind, [])
            if len(found) < self.examples_per_kind:
                found.append(example)

    def lines(self) -> list[str]:
        """One line per kind: ``<kind>: N (e.g. …; …)``."""
        out = []
        for kind, count in self.counts.items():
            examples = self.examples.get(kind)
            more = f" (e.g. {'; '.join(examples)})" if examples else ""
            out.append(f"{kind}: {count}{more}")
        return out

    def __bool__(self) -> bool:
        return bool(self.counts)


@dataclass(slots=True)
class WriteSettings:
    """What a writer needs besides the records."""

    labels: tuple[str, ...] | None = None  # the label set (None: the schema's labels)
    seed: int = 13  # train/validation/test split
    splits: tuple[float, float, float] = (0.8, 0.1, 0.1)
    notes: Notes = field(default_factory=Notes)


SPLITS = ("train", "validation", "test")


def assign_splits(count: int, seed: int, ratios: tuple[float, float, float]) -> list[str]:
    """The split (:data:`SPLITS`) of each of ``count`` documents, for the hf and spacy
    exports: documents, not sentences, so no document is in two splits. The documents,
    in export order, are shuffled with ``random.Random(seed)`` and cut by ``ratios``;
    the same project, selection and seed give the same split."""
    total = sum(ratios) or 1.0
    order = list(range(count))
    random.Random(seed).shuffle(order)
    n_validation = round(count * ratios[1] / total)
    n_test = round(count * ratios[2] / total)
    out = ["train"] * count
    for position, doc in enumerate(order):
        if position < n_test:
            out[doc] = "test"
        elif position < n_test + n_validation:
            out[doc] = "validation"
    return out


def note_empty_splits(notes: Notes, assignment: list[str], settings: WriteSettings,
                      names: tuple[str, str, str] = SPLITS) -> None:
    """Note the splits that were given a share but got no document."""
    found = set(assignment)
    empty = [name for name, split, share in zip(names, SPLITS, settings.splits, strict=True)
             if share > 0 and split not in found]
    if empty and assignment:
        notes.add(f"empty splits: {', '.join(empty)} ({len(assignment)} document(s) are too "
                  "few to split by documents; a CoNLL file without document markers is cut "
                  "into documents when it is imported again)")


def header_schema(header: HeaderRecord) -> Schema | None:
    """The exported project's schema, or ``None`` when the header has none."""
    return parse_schema(header.schema, "the exported schema") if header.schema else None


def label_set(header: HeaderRecord, settings: WriteSettings) -> tuple[str, ...]:
    """The labels a tag set is built from: the chosen subset (in schema order) or all."""
    schema = header_schema(header)
    names = schema.label_names if schema else ()
    if settings.labels is None:
        return names
    chosen = [n for n in names if n in settings.labels]
    return (*chosen, *(n for n in settings.labels if n not in chosen))


def document_name(doc: DocumentRecord, index: int) -> str:
    """How notes name a document: its external id, else its title, else its number."""
    return doc.external_id or doc.title or f"document {index}"


def snippet(text: str, start: int, end: int, width: int = 40) -> str:
    piece = text[start:end]
    if len(piece) > width:
        piece = piece[:width - 1] + "…"
    return repr(piece)


@dataclass(slots=True)
class Written:
    """The spans and relations of one document that a writer writes."""

    spans: list[SpanRecord]
    relations: list[RelationRecord]


def written_spans(doc: DocumentRecord, notes: Notes, name: str = "") -> Written:
    """The document's spans and relations under the rules in the module docstring."""
    kept: list[SpanRecord] = []
    seen: dict[tuple[int, int, str], str | None] = {}
    alias: dict[str | None, str | None] = {}
    for span in doc.spans:
        if span.status not in WRITTEN_STATUSES:
            notes.add(f"{span.status} mentions left out (not labels)",
                      f"{name} {span.label} {snippet(doc.text, span.start, span.end)}")
            continue
        key = (span.start, span.end, span.label)
        if key in seen:
            alias[span.id] = seen[key]
            notes.add("the same mention in several layers, written once")
            continue
        seen[key] = span.id
        alias[span.id] = span.id
        kept.append(span)
    relations: list[RelationRecord] = []
    signatures: set[tuple[str | None, str | None, str]] = set()
    for rel in doc.relations:
        head, tail = alias.get(rel.head), alias.get(rel.tail)
        if head is None or tail is None:
            notes.add("relations left out with their mention", f"{name} {rel.type}")
            continue
        signature = (head, tail, rel.type)
        if signature not in signatures:
            signatures.add(signature)
            relations.append(RelationRecord(head, tail, rel.type, rel.annotator, rel.curation,
                                            rel.curation_note))
    return Written(kept, relations)


def non_overlapping(spans: Iterable[SpanRecord]) -> tuple[list[SpanRecord], list[SpanRecord]]:
    """Split spans into a non-overlapping set and the rest.

    The rule is spaCy's ``filter_spans``: longest first, then the earliest start; a span
    that overlaps one already kept is left out. Kept spans are returned in text order.
    """
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), s.start, s.label))
    kept: list[SpanRecord] = []
    left: list[SpanRecord] = []
    taken = bytearray(max((s.end for s in ordered), default=0))
    for span in ordered:
        if taken.find(1, span.start, span.end) != -1:
            left.append(span)
        else:
            kept.append(span)
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    kept.sort(key=lambda s: (s.start, s.end))
    return kept, left


_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


def safe_file_stem(name: str, used: set[str]) -> str:
    """A file name stem from ``name`` (letters, digits, ``_.-``), unique within ``used``.

    Names that are already safe stay as they are, so an external id survives a round
    trip through a folder of files (brat).
    """
    stem = _UNSAFE_NAME.sub("_", name).strip("._")[:120] or "document"
    candidate, n = stem, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem}_{n}"
    used.add(candidate.casefold())
    return candidate


def public_meta(doc: DocumentRecord) -> dict[str, object]:
    """The document's metadata for other tools: date, title, source, then its own meta."""
    out: dict[str, object] = {}
    if doc.external_id is not None:
        out["id"] = doc.external_id
    if doc.title is not None:
        out["title"] = doc.title
    if doc.date is not None:
        out["date"] = doc.date.value
    if doc.source is not None:
        out["source"] = doc.source
    out.update((k, v) for k, v in sorted(doc.meta.items()) if k not in INTERNAL_META)
    return out


# -- JSON that any stored value can be written as --------------------------------------------

def json_bytes(obj: Any, *, newline: bool = False) -> bytes:
    """``obj`` as compact UTF-8 JSON (orjson's bytes: ``json.dumps`` with
    ``ensure_ascii=False`` and compact separators, several times faster).

    orjson refuses nesting deeper than 255 levels ("Recursion limit reached"). Import
    bounds the nesting of metadata far below that, but a project written before that
    bound (or by another program) may hold deeper values, and an export must never fail
    on what the project holds: such a record is written by :func:`_encode_deep`, which
    has no depth limit at all.
    """
    try:
        data = orjson.dumps(obj)
    except TypeError:
        data = "".join(_encode_deep(obj)).encode("utf-8")
    return data + b"\n" if newline else data


def json_line(obj: Any) -> bytes:
    """One JSON Lines record: :func:`json_bytes` and a line feed."""
    return json_bytes(obj, newline=True)


def _encode_deep(obj: Any) -> Iterable[str]:
    """Compact JSON text of ``obj`` without recursion (an explicit stack), for any depth."""
    leaf = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    stack: list[Any] = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, _Token):
            yield item.text
        elif isinstance(item, dict):
            yield "{"
            entries = list(item.items())
            pending: list[Any] = []
            for i, (key, value) in enumerate(entries):
                pending += [_Token(("," if i else "") + leaf.encode(str(key)) + ":"), value]
            stack += [_Token("}"), *reversed(pending)]
        elif isinstance(item, list | tuple):
            yield "["
            pending = []
            for i, value in enumerate(item):
                if i:
                    pending.append(_Token(","))
                pending.append(value)
            stack += [_Token("]"), *reversed(pending)]
        else:
            yield leaf.encode(item)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
