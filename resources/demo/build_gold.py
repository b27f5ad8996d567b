#!/usr/bin/env python3
"""Build ``gold.jsonl`` (Akkord's native format) from ``annotations.toml`` and the articles.

    python resources/demo/build_gold.py            # rewrite gold.jsonl
    python resources/demo/build_gold.py --check    # exit 1 if gold.jsonl is out of date

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


def _add_evidence(entities: list[EntityRecord], docs: list[DocumentRecord]) -> None:
    """Point dates and claimants at the first mention that states them."""
    by_key = {e.key: e for e in entities}
    for doc in docs:
        spans = {s.id: s for s in doc.spans}
        for rel in doc.relations:
            head, tail = spans[rel.head], spans[rel.tail]
            if rel.type == "time" and tail.entity in by_key and head.values:
                wanted = ("date", head.values[0].date)
            elif rel.type == "claimant" and tail.entity in by_key:
                wanted = ("claimant", head.entity)
            else:
                continue
            for value in by_key[tail.entity or ""].values:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only check that gold.jsonl is up to date")
    args = parser.parse_args()
    data = build()
    if args.check:
        if not GOLD.exists() or GOLD.read_bytes() != data:
            print("gold.jsonl is out of date: run python resources/demo/build_gold.py")
            return 1
        print("gold.jsonl is up to date")
        return 0
    GOLD.write_bytes(data)
    print(f"wrote {GOLD} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
