#!/usr/bin/env python3
"""Build ``gold.jsonl`` (Akkord's native format) from ``annotations.toml`` and the articles.

    python resources/demo/build_gold.py            # rewrite gold.jsonl and layers.jsonl
    python resources/demo/build_gold.py --check    # exit 1 if either is out of date

``layers.jsonl`` holds the two annotators' layers (Ingrid, Ola) that ``layers.toml``
describes as differences from the gold annotation.

``annotations.toml`` is the human-editable source (see README.md here); ``gold.jsonl`` is
what the demo project imports. Besides converting surface strings to offsets, the build
adds *evidence*: a canonical meeting's or demand's date points at the TIME mention that
states it, and a demand's claimant at the ACTOR mention that makes it, whenever a
``time`` or ``claimant`` relation in some article says so.
"""

from __future__ import annotations

import argparse
import io
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold.jsonl"
LAYERS = HERE / "layers.jsonl"
sys.path.insert(0, str(HERE.parents[1] / "desktop"))  # a source checkout

from akkord.domain.dates import PartialDate  # noqa: E402
from akkord.domain.document import content_hash  # noqa: E402
from akkord.formats.article_txt import read_article  # noqa: E402
from akkord.formats.jsonl import write_jsonl  # noqa: E402
from akkord.formats.records import (  # noqa: E402
    DocumentRecord,
    EntityRecord,
    EvidenceRef,
    HeaderRecord,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.domain.schema import parse_schema  # noqa: E402
from akkord.resources import default_schema_text  # noqa: E402

ANNOTATOR = "gold"


def _values(attributes: dict[str, Any]) -> list[ValueRecord]:
    out: list[ValueRecord] = []
    for name, raw in attributes.items():
        items = raw if isinstance(raw, list) else [raw]
        for item in items:
            if isinstance(item, dict):  # a participant with a role, an office holder's term
                term = PartialDate.parse(item["date"]) if "date" in item else None
                out.append(ValueRecord(name, ref=item["actor"], role=item.get("role"),
                                       date=term))
            elif name == "date":
                out.append(ValueRecord(name, date=PartialDate.parse(item)))
            elif name in ("claimant", "addressees", "place", "part_of", "participants"):
                out.append(ValueRecord(name, ref=item))
            else:
                out.append(ValueRecord(name, text=item))
    return out


def _find(text: str, needle: str, occurrence: int, where: str) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            raise SystemExit(f"{where}: {needle!r} occurs fewer than {occurrence} times")
    return start


def _document(spec: dict[str, Any]) -> DocumentRecord:
    path = HERE / spec["file"]
    article = read_article(path)
    spans = []
    for m in spec.get("mentions", []):
        start = _find(article.text, m["text"], m.get("occurrence", 1), f"{path.name} {m['id']}")
        values = [ValueRecord("date", date=PartialDate.parse(m["date"]))] if "date" in m else []
        spans.append(SpanRecord(start, start + len(m["text"]), m["label"], m["id"], ANNOTATOR,
                                "manual", m.get("entity"), values))
    relations = [RelationRecord(r["head"], r["tail"], r["type"], ANNOTATOR)
                 for r in spec.get("relations", [])]
    return DocumentRecord(text=article.text, external_id=path.stem, title=article.title,
                          source=path.name, date=article.date, meta=dict(article.meta),
                          parts=list(article.parts), spans=spans, relations=relations,
                          states={ANNOTATOR: "done"})


_REF_FILLS = {"claimant": "claimant", "participant": "participants", "place": "place"}


def _add_evidence(entities: list[EntityRecord], docs: list[DocumentRecord]) -> None:
    """Point dates, claimants, addressees, participants and places at the first mention
    that states them (so the agreement of records can tell whose statement a value is)."""
    by_key = {e.key: e for e in entities}
    for doc in docs:
        spans = {s.id: s for s in doc.spans}
        for rel in doc.relations:
            head, tail = spans[rel.head], spans[rel.tail]
            target = tail
            if rel.type == "time" and tail.entity in by_key and head.values:
                wanted: tuple[str, object] = ("date", head.values[0].date)
            elif rel.type in _REF_FILLS and tail.entity in by_key:
                wanted = (_REF_FILLS[rel.type], head.entity)
            elif rel.type == "addressee" and head.entity in by_key:
                target, wanted = head, ("addressees", tail.entity)
            else:
                continue
            for value in by_key[target.entity or ""].values:
                current = value.date if value.attribute == "date" else value.ref
                if (value.attribute, current) == wanted and value.evidence is None:
                    value.evidence = EvidenceRef(content_hash(doc.text), head.id or "")


def build() -> bytes:
    spec = tomllib.loads((HERE / "annotations.toml").read_text(encoding="utf-8"))
    entities = [EntityRecord(e["key"], e["kind"], e["name"], list(e.get("aliases", [])),
                             _values(e.get("attributes", {}))) for e in spec["entities"]]
    entities.sort(key=lambda e: e.key)
    docs = sorted((_document(d) for d in spec["documents"]),
                  key=lambda d: (d.date.earliest if d.date else None, d.external_id))
    _add_evidence(entities, docs)
    out = io.BytesIO()
    write_jsonl(out, HeaderRecord(default_schema_text(), [ANNOTATOR]), entities,
                ((d, content_hash(d.text)) for d in docs))
    return out.getvalue()


def _changed(spec: dict[str, Any], changes: dict[str, Any]
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The document's mentions and relations with one annotator's differences applied."""
    mentions = {m["id"]: dict(m) for m in spec.get("mentions", [])}
    for mention_id in changes.get("drop", []):
        del mentions[mention_id]
    for mention_id, new in changes.get("reshape", {}).items():
        mentions[mention_id].update(text=new["text"], occurrence=new.get("occurrence", 1))
    for mention_id, new in changes.get("relabel", {}).items():
        mentions[mention_id].update(label=new["label"], entity=new.get("entity"))
    for mention_id, key in changes.get("relink", {}).items():
        mentions[mention_id]["entity"] = key
    for mention_id, value in changes.get("date", {}).items():
        mentions[mention_id]["date"] = value
    for added in changes.get("add", []):
        mentions[added["id"]] = dict(added)
    schema = parse_schema(default_schema_text())
    dropped = {tuple(r) for r in changes.get("drop_relations", [])}
    relations = []
    for rel in [*spec.get("relations", []), *changes.get("add_relations", [])]:
        head, tail = mentions.get(rel["head"]), mentions.get(rel["tail"])
        if head is None or tail is None or (rel["head"], rel["type"], rel["tail"]) in dropped:
            continue
        if schema.relation(rel["type"]).allows(head["label"], tail["label"]):
            relations.append(rel)
    return list(mentions.values()), relations


def _layer_document(spec: dict[str, Any], layers: dict[str, Any]) -> DocumentRecord | None:
    path = HERE / spec["file"]
    article = read_article(path)
    record = DocumentRecord(text=article.text, external_id=path.stem, title=article.title,
                            source=path.name, date=article.date, meta=dict(article.meta),
                            parts=list(article.parts))
    for name, layer in layers.items():
        if spec["file"] in layer.get("done", []):
            record.states[name] = "done"
        elif spec["file"] in layer.get("in_progress", []):
            record.states[name] = "in progress"
        else:
            continue
        changes = next((d for d in layer.get("documents", []) if d["file"] == spec["file"]),
                       {})
        mentions, relations = _changed(spec, changes)
        for m in mentions:
            start = _find(article.text, m["text"], m.get("occurrence", 1),
                          f"{path.name} {name} {m['id']}")
            values = [ValueRecord("date", date=PartialDate.parse(m["date"]))] \
                if "date" in m else []
            record.spans.append(SpanRecord(start, start + len(m["text"]), m["label"],
                                           f"{name}:{m['id']}", name, "manual",
                                           m.get("entity"), values))
        record.relations += [RelationRecord(f"{name}:{r['head']}", f"{name}:{r['tail']}",
                                            r["type"], name) for r in relations]
    return record if record.states else None


def build_layers() -> bytes:
    spec = tomllib.loads((HERE / "annotations.toml").read_text(encoding="utf-8"))
    layers = tomllib.loads((HERE / "layers.toml").read_text(encoding="utf-8"))["annotators"]
    docs = [d for d in (_layer_document(s, layers) for s in spec["documents"]) if d]
    docs.sort(key=lambda d: (d.date.earliest if d.date else None, d.external_id))
    out = io.BytesIO()
    write_jsonl(out, HeaderRecord(default_schema_text(), sorted(layers)), [],
                ((d, content_hash(d.text)) for d in docs))
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only check that gold.jsonl is up to date")
    args = parser.parse_args()
    outputs = {GOLD: build(), LAYERS: build_layers()}
    if args.check:
        stale = [p.name for p, data in outputs.items()
                 if not p.exists() or p.read_bytes() != data]
        if stale:
            print(f"{', '.join(stale)} out of date: run python resources/demo/build_gold.py")
            return 1
        print("gold.jsonl and layers.jsonl are up to date")
        return 0
    for path, data in outputs.items():
        path.write_bytes(data)
        print(f"wrote {path} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
