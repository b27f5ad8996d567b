"""The seed corpus: one valid input of every format the fuzzer mutates.

Seeds are made the way users get such files: two documents of the demo's gold annotation
(``resources/demo/gold.jsonl``) are imported into a project and exported with Akkord's own
writers (native JSONL, doccano, Label Studio, brat, CoNLL, CoNLL-U); the seed-layout article
is a demo article as it is; the ``{"text", "meta"}`` JSONL, the plain text and the schema
are written here. Every seed imports without a problem (checked when built), so what a
mutation changes is all that can make a case fail.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from akkord.formats.jsonl import read_jsonl, write_jsonl
from akkord.formats.records import DocumentRecord, EntityRecord, HeaderRecord
from akkord.resources import resource_path
from akkord.services.exporting import export
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import open_project

GOLD_DOCUMENTS = 2


@dataclass(frozen=True, slots=True)
class Seed:
    """A valid input: its files (relative path → bytes) and what to import.

    ``target`` is the relative path handed to the import ("" for the folder itself);
    ``fmt`` the ``--format`` (``None``: by suffix).
    """

    name: str
    fmt: str | None
    target: str
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def main(self) -> str:
        """The file mutations go to (the target, or the ``.ann`` of a brat pair)."""
        return self.target


def _gold_subset(out: Path) -> Path:
    """A native file with the gold schema, entities and the first documents."""
    records = list(read_jsonl(resource_path("demo", "gold.jsonl")))
    header = next(r for r in records if isinstance(r, HeaderRecord))
    entities = [r for r in records if isinstance(r, EntityRecord)]
    documents = [r for r in records if isinstance(r, DocumentRecord)][:GOLD_DOCUMENTS]
    for entity in entities:  # evidence points into documents left out
        for value in entity.values:
            value.evidence = None
    from akkord.domain.document import content_hash

    with out.open("wb") as handle:
        write_jsonl(handle, header, entities, ((d, content_hash(d.text)) for d in documents))
    return out


def _plain_jsonl(native: Path) -> bytes:
    """The ``{"text", "meta", "spans", "relations"}`` shape of the benchmark corpus."""
    lines = []
    for record in read_jsonl(native):
        if not isinstance(record, DocumentRecord):
            continue
        spans = [s for s in record.spans if s.status in ("manual", "accepted")]
        ids = {s.id for s in spans}
        lines.append(json.dumps({
            "id": record.external_id, "text": record.text,
            "meta": {"date": record.date.value if record.date else None,
                     "title": record.title},
            "spans": [{"id": s.id, "start": s.start, "end": s.end, "label": s.label}
                      for s in spans],
            "relations": [{"from_id": r.head, "to_id": r.tail, "type": r.type}
                          for r in record.relations if r.head in ids and r.tail in ids],
        }, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


PLAIN_TEXT = ("Russland krever garantier fra Nato\n\n"
              "Russlands viseutenriksminister møtte USAs delegasjon i Genève 10. januar. "
              "Nato-sjefen Jens Stoltenberg sier alliansen er klar for nye samtaler "
              "kommende onsdag.\n")

SMALL_SCHEMA = """\
name = "protests"
description = "A small codebook: who protests, where, when"

[labels.ACTOR]
key = "a"
color = "#1f77b4"
entity = "actor"
description = "Who protests or is protested against"

[labels.TIME]
key = "t"
color = "#7f7f7f"
[labels.TIME.attributes.date]
type = "date"

[entities.actor]
display = "Actor"
[entities.actor.attributes.kind]
type = "enum"
values = ["person", "group"]

[entities.event]
[entities.event.attributes.when]
type = "date"
[entities.event.attributes.who]
type = "ref"
kind = "actor"
many = true
roles = ["organiser", "target"]
[entities.event.attributes.status]
type = "enum"
values = ["planned", "held"]
[entities.event.timeline]
status = "status"
looks = { planned = "outline" }

[relations.time]
head = "TIME"
tail = ["ACTOR"]
"""


def build(work: Path) -> dict[str, Seed]:
    """Write the seeds under ``work`` and return them by name (checked to import cleanly)."""
    work.mkdir(parents=True, exist_ok=True)
    native = _gold_subset(work / "gold-subset.jsonl")
    project_path = work / "seed.akkord"
    project_path.unlink(missing_ok=True)
    exported = work / "exported"
    shutil.rmtree(exported, ignore_errors=True)
    exported.mkdir()
    with open_project(project_path, create=True) as project:
        report = import_paths(project, [native])
        assert not report.problems, report.problems
        for fmt, name in (("jsonl", "native.jsonl"), ("doccano", "doccano.jsonl"),
                          ("labelstudio", "labelstudio"), ("brat", "brat"),
                          ("conll", "seed.conll"), ("conllu", "seed.conllu")):
            export(project, fmt, exported / name)
    brat = sorted((exported / "brat").glob("*.ann"))[0]
    demo = sorted(resource_path("demo").glob("0*.txt"))[0]
    seeds = [
        Seed("native-jsonl", None, "native.jsonl",
             {"native.jsonl": (exported / "native.jsonl").read_bytes()}),
        Seed("plain-jsonl", None, "corpus.jsonl", {"corpus.jsonl": _plain_jsonl(native)}),
        Seed("doccano", "doccano", "doccano.jsonl",
             {"doccano.jsonl": (exported / "doccano.jsonl").read_bytes()}),
        Seed("labelstudio", None, "tasks.json",
             {"tasks.json": (exported / "labelstudio" / "tasks.json").read_bytes()}),
        Seed("brat", None, "doc.ann", {"doc.ann": brat.read_bytes(),
                                       "doc.txt": brat.with_suffix(".txt").read_bytes()}),
        Seed("conll", None, "seed.conll", {"seed.conll": (exported / "seed.conll").read_bytes()}),
        Seed("conllu", None, "seed.conllu",
             {"seed.conllu": (exported / "seed.conllu").read_bytes()}),
        Seed("seed-txt", None, "article.txt", {"article.txt": demo.read_bytes()}),
        Seed("plain-txt", None, "plain.txt", {"plain.txt": PLAIN_TEXT.encode("utf-8")}),
        Seed("schema", None, "schema.toml",
             {"schema.toml": resource_path("schemas", "negotiations.toml").read_bytes()}),
        Seed("small-schema", None, "schema.toml", {"schema.toml": SMALL_SCHEMA.encode("utf-8")}),
    ]
    for seed in seeds:
        _check(seed, work / "check" / seed.name)
    shutil.rmtree(work / "check", ignore_errors=True)
    project_path.unlink(missing_ok=True)
    return {seed.name: seed for seed in seeds}


def _check(seed: Seed, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in seed.files.items():
        (folder / name).write_bytes(data)
    if seed.name.endswith("schema"):
        with open_project(folder / "p.akkord", create=True,
                          schema_text=seed.files[seed.target].decode("utf-8")):
            return
    with open_project(folder / "p.akkord", create=True) as project:
        report = import_paths(project, [folder / seed.target], ImportOptions(format=seed.fmt))
    assert not report.problems, [str(p) for p in report.problems]
    assert report.total("documents") >= 1, seed.name


def save(seeds: dict[str, Seed], folder: Path) -> None:
    """Store built seeds for worker processes (one JSON file, bytes as latin-1)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "seeds.json").write_text(json.dumps({
        name: {"fmt": s.fmt, "target": s.target,
               "files": {k: v.decode("latin-1") for k, v in s.files.items()}}
        for name, s in seeds.items()}), encoding="utf-8")


def load(folder: Path) -> dict[str, Seed]:
    raw = json.loads((folder / "seeds.json").read_text(encoding="utf-8"))
    return {name: Seed(name, item["fmt"], item["target"],
                       {k: v.encode("latin-1") for k, v in item["files"].items()})
            for name, item in raw.items()}
