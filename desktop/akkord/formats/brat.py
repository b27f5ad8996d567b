"""brat standoff: a ``.txt`` with the text and a ``.ann`` with the annotations, per document.

Writing (:func:`write_brat`) fills a folder with ``NAME.txt`` / ``NAME.ann`` pairs (NAME
is the document's external id when that is a safe, unique file name, so it comes back on
import), an ``annotation.conf`` generated from the schema and the values written, and a
``visual.conf`` with the schema's colours. The ``.ann`` lines (tab-separated)::

    T1	ACTOR 0 4	Nato
    T2	DEMAND 10 22;23 40	stanser utvidelsen østover
    R1	claimant Arg1:T1 Arg2:T2
    A1	Accepted T1
    A2	date T3 2022-01-12
    N1	Reference T1 akkord:actor/nato	Nato

* ``T``: a mention. Its text field cannot hold a line break or a tab (the file is
  line- and tab-separated), so a mention that spans one is written as discontinuous
  fragments split there, exactly as brat's own editor does, with the fragments' texts
  joined by a space. Reading takes the first fragment's start and the last one's end,
  which gives the mention back. A mention that begins or ends with a line break loses
  those characters (brat cannot mark them); that is noted.
* ``R``: a relation, ``Arg1`` the head and ``Arg2`` the tail.
* ``A``: ``Accepted`` (binary) for accepted mentions; mention attribute values
  (a TIME mention's date) as ``A id attribute mention value``.
* ``N``: the canonical entity a mention is linked to, as ``akkord:KEY`` with the entity's
  name; an import creates the entity (its kind from the label) when the key is new.

Offsets count code points in the ``.txt`` exactly as written (UTF-8, LF).

Reading (:func:`read_brat`) takes a ``.ann`` (or ``.txt``) path and reads the pair;
``E`` (events), ``M``, ``*`` (equivalences) and ``#`` (notes) lines are skipped with a
warning-free pass, any other malformed line is a problem with its line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from akkord.domain.schema import Schema
from akkord.formats.records import (
    Dataset,
    DocumentRecord,
    Problem,
    Record,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.formats.registry import refusal
from akkord.formats.writing import (
    Notes,
    WriteSettings,
    document_name,
    header_schema,
    safe_file_stem,
    snippet,
    written_spans,
)
from akkord.textproc.offsets import normalise_with_map

NORMALISATION_DB = "akkord"
MAX_PROBLEMS = 50
ACCEPTED = "Accepted"
_BREAKS = "\n\t\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_SPLIT = re.compile(f"[{re.escape(_BREAKS)}]+")


# -- writing ------------------------------------------------------------------------------

def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of ``[start, end)`` between line breaks and tabs (brat's own rule)."""
    out = []
    position = start
    for match in _SPLIT.finditer(text, start, end):
        if match.start() > position:
            out.append((position, match.start()))
        position = match.end()
    if end > position:
        out.append((position, end))
    return out


class _AnnWriter:
    def __init__(self, doc: DocumentRecord, name: str, notes: Notes,
                 values_seen: dict[tuple[str, str], set[str]]) -> None:
        self.doc = doc
        self.name = name
        self.notes = notes
        self.values_seen = values_seen
        self.lines: list[str] = []
        self.ids: dict[str | None, str] = {}
        self.counters = {"A": 0, "N": 0}

    def next_id(self, prefix: str) -> str:
        self.counters[prefix] += 1
        return f"{prefix}{self.counters[prefix]}"

    def span(self, span: SpanRecord, entity_names: dict[str, str]) -> None:
        text = self.doc.text
        pieces = fragments(text, span.start, span.end)
        if not pieces:
            self.notes.add("mentions of only line breaks or tabs left out (brat cannot "
                           "mark them)", f"{self.name} {span.label}")
            return
        if pieces[0][0] != span.start or pieces[-1][1] != span.end:
            self.notes.add("mentions trimmed to their first/last character that is not a "
                           "line break or tab", f"{self.name} {span.label} "
                           f"{snippet(text, span.start, span.end)}")
        tid = f"T{len(self.ids) + 1}"
        self.ids[span.id] = tid
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        surface = " ".join(text[a:b] for a, b in pieces)
        self.lines.append(f"{tid}\t{span.label} {offsets}\t{surface}")
        if span.status == "accepted":
            self.lines.append(f"{self.next_id('A')}\t{ACCEPTED} {tid}")
        for value in span.values:
            plain = value.plain()
            shown = str(plain).lower() if isinstance(plain, bool) else str(plain)
            if not shown or _SPLIT.search(shown) or " " in shown:
                self.notes.add("attribute values with spaces or line breaks left out "
                               "(brat attribute values are single words)",
                               f"{self.name} {value.attribute}={shown!r}")
                continue
            self.values_seen.setdefault((value.attribute, span.label), set()).add(shown)
            self.lines.append(f"{self.next_id('A')}\t{value.attribute} {tid} {shown}")
        if span.entity is not None:
            name = " ".join(_SPLIT.split(entity_names.get(span.entity, span.entity)))
            self.lines.append(f"{self.next_id('N')}\tReference {tid} "
                              f"{NORMALISATION_DB}:{span.entity}\t{name}")

    def relation(self, number: int, rel: RelationRecord) -> None:
        head, tail = self.ids.get(rel.head), self.ids.get(rel.tail)
        if head is None or tail is None:
            self.notes.add("relations left out with their mention", f"{self.name} {rel.type}")
            return
        self.lines.append(f"R{number}\t{rel.type} Arg1:{head} Arg2:{tail}")


def write_brat(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write the brat folder described in the module docstring into ``out``."""
    names = {e.key: e.name for e in dataset.entities}
    used: set[str] = {"annotation", "visual", "tools", "kb_shortcuts"}
    values_seen: dict[tuple[str, str], set[str]] = {}
    relation_labels: dict[str, tuple[set[str], set[str]]] = {}
    count = 0
    for index, (doc, _hash) in enumerate(dataset.documents, start=1):
        name = document_name(doc, index)
        stem = safe_file_stem(doc.external_id or f"doc{index:05d}", used)
        written = written_spans(doc, settings.notes, name)
        ann = _AnnWriter(doc, name, settings.notes, values_seen)
        for span in written.spans:
            ann.span(span, names)
        labels = {s.id: s.label for s in written.spans}
        for number, rel in enumerate(written.relations, start=1):
            ann.relation(number, rel)
            heads, tails = relation_labels.setdefault(rel.type, (set(), set()))
            heads.add(labels[rel.head])
            tails.add(labels[rel.tail])
        (out / f"{stem}.txt").write_text(doc.text, encoding="utf-8", newline="\n")
        (out / f"{stem}.ann").write_text("".join(f"{line}\n" for line in ann.lines),
                                         encoding="utf-8", newline="\n")
        count += 1
    schema = header_schema(dataset.header)
    (out / "annotation.conf").write_text(
        annotation_conf(schema, values_seen, relation_labels, settings.labels),
        encoding="utf-8")
    (out / "visual.conf").write_text(visual_conf(schema, settings.labels), encoding="utf-8")
    return count


def annotation_conf(schema: Schema | None, values: dict[tuple[str, str], set[str]],
                    relations: dict[str, tuple[set[str], set[str]]],
                    chosen: tuple[str, ...] | None = None) -> str:
    """brat's ``annotation.conf``: the (chosen) labels, their relations and attributes."""
    labels = [n for n in (schema.label_names if schema else ()) if not chosen or n in chosen]
    lines = ["# Generated by Akkord from the project's schema.", "[entities]", *labels,
             "", "[relations]"]
    declared = set()
    for rel in schema.relations if schema else ():
        heads = [h for h in rel.heads if h in labels]
        tails = [t for t in rel.tails if t in labels]
        if heads and tails:
            declared.add(rel.name)
            lines.append(f"{rel.name}\tArg1:{'|'.join(heads)}, Arg2:{'|'.join(tails)}")
    for name, (seen_heads, seen_tails) in sorted(relations.items()):
        if name not in declared:
            lines.append(f"{name}\tArg1:{'|'.join(sorted(seen_heads))}, "
                         f"Arg2:{'|'.join(sorted(seen_tails))}")
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]",
              "", "[attributes]", f"{ACCEPTED}\tArg:<ENTITY>"]
    by_attribute: dict[str, tuple[set[str], set[str]]] = {}
    for (attribute, label), seen in values.items():
        targets, found = by_attribute.setdefault(attribute, (set(), set()))
        targets.add(label)
        found.update(seen)
    for attribute, (targets, found) in sorted(by_attribute.items()):
        lines.append(f"{attribute}\tArg:{'|'.join(sorted(targets))}, "
                     f"Value:{'|'.join(sorted(found))}")
    return "\n".join(lines) + "\n"


def visual_conf(schema: Schema | None, chosen: tuple[str, ...] | None = None) -> str:
    """brat's ``visual.conf``: the (chosen) labels in the schema's colours."""
    lines = ["# Generated by Akkord: the schema's label colours.", "[labels]"]
    labels = [lb for lb in (schema.labels if schema else ()) if not chosen or lb.name in chosen]
    lines += [f"{label.name} | {label.name}" for label in labels]
    lines += ["", "[drawing]", "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, "
              "borderColor:darken", "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5"]
    lines += [f"{label.name}\tbgColor:{label.color}" for label in labels]
    return "\n".join(lines) + "\n"


# -- reading ------------------------------------------------------------------------------

class _Bad(ValueError):
    pass


def _pair(path: Path) -> tuple[Path, Path]:
    base = path.with_suffix("")
    return base.with_suffix(".txt"), base.with_suffix(".ann")


_OFFSETS = re.compile(r"^(\d+) (\d+)$", re.ASCII)


def _offsets(field: str) -> tuple[int, int]:
    """The span of ``START END[;START END…]``: the first fragment's start to the last
    fragment's end. Offsets are ASCII digits (``4²`` or ``٣`` are not offsets), and the
    fragments must follow each other."""
    pieces: list[tuple[int, int]] = []
    for piece in field.split(";"):
        match = _OFFSETS.match(piece.strip())
        if match is None:
            raise _Bad(f"{field[:40]!r} is not 'start end' offsets")
        start, end = int(match[1]), int(match[2])
        if start > end or (pieces and start < pieces[-1][1]):
            raise _Bad(f"{field[:40]!r}: the fragments are reversed or overlap")
        pieces.append((start, end))
    return pieces[0][0], pieces[-1][1]


class _AnnReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[str, SpanRecord] = {}
        self.relations: list[RelationRecord] = []

    def line(self, line: str) -> None:
        kind = line[:1]
        if kind == "T":
            self.textbound(line)
        elif kind == "R":
            self.relation(line)
        elif kind == "A" or kind == "M":
            self.attribute(line)
        elif kind == "N":
            self.normalisation(line)
        elif kind not in ("E", "*", "#"):
            raise _Bad(f"unknown annotation line {line[:20]!r}")

    def textbound(self, line: str) -> None:
        parts = line.split("\t")
        if len(parts) < 2:
            raise _Bad("a T line needs 'ID<tab>LABEL START END<tab>TEXT'")
        label, _, offsets = parts[1].partition(" ")
        start, end = _offsets(offsets)
        if not label or not 0 <= start < end <= len(self.text):
            raise _Bad(f"{parts[0]}: [{start}, {end}) is not inside the text "
                       f"(length {len(self.text)})")
        if parts[0] in self.spans:
            raise _Bad(f"{parts[0]}: a second annotation with this id")
        self.spans[parts[0]] = SpanRecord(start, end, label, parts[0])

    def relation(self, line: str) -> None:
        parts = line.split("\t")
        fields = parts[1].split() if len(parts) > 1 else []
        if len(fields) != 3:
            raise _Bad("an R line needs 'ID<tab>TYPE Arg1:ID Arg2:ID'")
        head, tail = (f.partition(":")[2] for f in fields[1:])
        for end in (head, tail):
            if end not in self.spans:
                raise _Bad(f"{parts[0]}: no text-bound annotation {end!r}")
        self.relations.append(RelationRecord(head, tail, fields[0]))

    def attribute(self, line: str) -> None:
        parts = line.split("\t")
        fields = parts[1].split() if len(parts) > 1 else []
        if len(fields) < 2 or fields[1] not in self.spans:
            raise _Bad("an A line needs 'ID<tab>NAME TARGET [VALUE]' with a known T target")
        span = self.spans[fields[1]]
        if fields[0] == ACCEPTED and len(fields) == 2:
            span.status = "accepted"
        elif len(fields) == 3:
            span.values.append(ValueRecord(fields[0], text=fields[2]))
        elif len(fields) == 2:
            span.values.append(ValueRecord(fields[0], flag=True))
        else:
            raise _Bad(f"{parts[0]}: too many fields")

    def normalisation(self, line: str) -> None:
        parts = line.split("\t")
        fields = parts[1].split() if len(parts) > 1 else []
        if len(fields) != 3 or fields[1] not in self.spans:
            raise _Bad("an N line needs 'ID<tab>Reference TARGET DB:ID<tab>NAME'")
        database, _, key = fields[2].partition(":")
        span = self.spans[fields[1]]
        if database == NORMALISATION_DB and key:
            span.entity = key
            span.entity_name = parts[2].strip() if len(parts) > 2 and parts[2].strip() else key


def read_brat(path: Path) -> Iterator[Record]:
    """Read one brat document (the ``.ann`` and its ``.txt``) as a document record.

    The ``.txt`` must be a regular file in the ``.ann``'s own folder: a symbolic link
    (to ``/etc/passwd``, say) in a shared archive is refused, never followed.
    """
    txt, ann = _pair(path)
    source = str(ann)
    if not txt.exists() or not ann.exists():
        missing = txt if not txt.exists() else ann
        yield Problem(source, None, f"a brat document needs {txt.name} and {ann.name}; "
                      f"{missing.name} is missing")
        return
    for part in (txt, ann):
        refused = refusal(part)
        if refused is not None:
            yield Problem(str(part), None, refused)
            return
    try:
        # brat reads with universal newlines: offsets count a CRLF as one character.
        raw = txt.read_text(encoding="utf-8-sig")
        with ann.open(encoding="utf-8-sig", newline="") as handle:
            lines = [line.rstrip("\r") for line in handle.read().split("\n")]
    except UnicodeDecodeError as exc:
        yield Problem(source, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    except OSError as exc:
        yield Problem(source, None, f"cannot be read: {exc.strerror or exc}")
        return
    reader = _AnnReader(raw)
    problems = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            reader.line(line)
        except _Bad as exc:
            problems += 1
            yield Problem(source, number, str(exc))
            if problems >= MAX_PROBLEMS:
                yield Problem(source, None, f"stopped after {problems} problems; is this "
                              "really a brat .ann file?")
                return
    if problems:
        return
    text, remap = normalise_with_map(raw)
    spans = list(reader.spans.values())
    if remap is not None:
        for span in spans:
            span.start, span.end = remap(span.start), remap(span.end)
    if not text:
        yield Problem(str(txt), None, "the text file is empty")
        return
    yield DocumentRecord(text=text, external_id=txt.stem, spans=spans,
                         relations=reader.relations, line=1)
