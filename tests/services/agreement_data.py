"""Small hand-made projects with several annotators' layers, for the agreement and
curation tests (each difference is written out, so every expected figure can be counted)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from akkord.domain.dates import PartialDate
from akkord.domain.document import content_hash
from akkord.formats.jsonl import write_jsonl
from akkord.formats.records import (
    DocumentRecord,
    EntityRecord,
    HeaderRecord,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.resources import default_schema_text
from akkord.services.importing import ImportOptions, import_paths
from akkord.store.project import Project

TEXT = ("Russland krever garantier fra Nato. Moskva og Washington holdt møtet i Genève "
        "10. januar.\n")
SECOND = "Nato svarte Russland i Brussel.\n"

ENTITIES = [
    EntityRecord("actor/russland", "actor", "Russland", ["Moskva"]),
    EntityRecord("actor/nato", "actor", "Nato"),
    EntityRecord("actor/usa", "actor", "USA", ["Washington"]),
    EntityRecord("place/geneve", "place", "Genève"),
    EntityRecord("place/moskva", "place", "Moskva"),
    EntityRecord("place/brussel", "place", "Brussel"),
    EntityRecord("demand/garantier", "demand", "Garantier"),
    EntityRecord("meeting/geneve", "meeting", "Møtet i Genève",
                 values=[ValueRecord("status", text="held")]),
]


@dataclass
class Mark:
    """A mention in a layer: surface text (first occurrence), label, entity, date."""

    id: str
    text: str
    label: str
    entity: str | None = None
    date: str | None = None
    occurrence: int = 1


@dataclass
class LayerSpec:
    name: str
    marks: list[Mark]
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # head, type, tail


ANNA = LayerSpec("anna", [
    Mark("a1", "Russland", "ACTOR", "actor/russland"),
    Mark("a2", "garantier", "DEMAND", "demand/garantier"),
    Mark("a3", "Nato", "ACTOR", "actor/nato"),
    Mark("a4", "Moskva", "ACTOR", "actor/russland"),
    Mark("a5", "Washington", "ACTOR", "actor/usa"),
    Mark("a6", "møtet i Genève", "MEETING", "meeting/geneve"),
    Mark("a7", "Genève", "PLACE", "place/geneve"),
    Mark("a8", "10. januar", "TIME", date="2022-01-10"),
], [("a1", "claimant", "a2"), ("a2", "addressee", "a3"), ("a4", "participant", "a6"),
    ("a5", "participant", "a6"), ("a7", "place", "a6"), ("a8", "time", "a6")])

# Ola: a longer DEMAND span, Moskva as a PLACE, the date as a week, no participant
# relation for Moskva (she saw no actor there).
OLA = LayerSpec("ola", [
    Mark("b1", "Russland", "ACTOR", "actor/russland"),
    Mark("b2", "krever garantier", "DEMAND", "demand/garantier"),
    Mark("b3", "Nato", "ACTOR", "actor/nato"),
    Mark("b4", "Moskva", "PLACE", "place/moskva"),
    Mark("b5", "Washington", "ACTOR", "actor/usa"),
    Mark("b6", "møtet i Genève", "MEETING", "meeting/geneve"),
    Mark("b7", "Genève", "PLACE", "place/geneve"),
    Mark("b8", "10. januar", "TIME", date="2022-W02"),
], [("b1", "claimant", "b2"), ("b2", "addressee", "b3"), ("b5", "participant", "b6"),
    ("b7", "place", "b6"), ("b8", "time", "b6")])

# Per: the same as Anna.
PER = LayerSpec("per", [Mark(m.id.replace("a", "c"), m.text, m.label, m.entity, m.date)
                        for m in ANNA.marks],
                [(h.replace("a", "c"), t, x.replace("a", "c")) for h, t, x in ANNA.relations])

SECOND_LAYERS = {
    "anna": [Mark("s1", "Nato", "ACTOR", "actor/nato"),
             Mark("s2", "Russland", "ACTOR", "actor/russland"),
             Mark("s3", "Brussel", "PLACE", "place/brussel")],
    "ola": [Mark("s1", "Nato", "ACTOR", "actor/nato"),
            Mark("s2", "Russland", "ACTOR", "actor/russland")],
    "per": [Mark("s1", "Nato", "ACTOR", "actor/nato"),
            Mark("s2", "Russland", "ACTOR", "actor/russland"),
            Mark("s3", "Brussel", "PLACE", "place/brussel")],
}


def locate(text: str, mark: Mark) -> tuple[int, int]:
    start = -1
    for _ in range(mark.occurrence):
        start = text.index(mark.text, start + 1)
    return start, start + len(mark.text)


def _spans(text: str, layer: str, marks: list[Mark]) -> list[SpanRecord]:
    out = []
    for mark in marks:
        start, end = locate(text, mark)
        values = [ValueRecord("date", date=PartialDate.parse(mark.date))] if mark.date else []
        out.append(SpanRecord(start, end, mark.label, f"{layer}:{mark.id}", layer, "manual",
                              mark.entity, values))
    return out


def write_project_file(path: Path, layers: list[LayerSpec]) -> Path:
    names = [layer.name for layer in layers]
    first = DocumentRecord(text=TEXT, external_id="doc1", title="Garantier og møter",
                           date=PartialDate.parse("2022-01-11"),
                           states=dict.fromkeys(names, "done"))
    second = DocumentRecord(text=SECOND, external_id="doc2", title="Svar",
                            date=PartialDate.parse("2022-01-12"),
                            states=dict.fromkeys(names, "in progress"))
    for layer in layers:
        first.spans += _spans(TEXT, layer.name, layer.marks)
        first.relations += [RelationRecord(f"{layer.name}:{h}", f"{layer.name}:{t}", type_,
                                           layer.name) for h, type_, t in layer.relations]
        second.spans += _spans(SECOND, layer.name, SECOND_LAYERS[layer.name])
    out = io.BytesIO()
    write_jsonl(out, HeaderRecord(default_schema_text(), names), ENTITIES,
                [(first, content_hash(TEXT)), (second, content_hash(SECOND))])
    path.write_bytes(out.getvalue())
    return path


def build(project: Project, tmp_path: Path, layers: list[LayerSpec]) -> Project:
    source = write_project_file(tmp_path / "layers.jsonl", layers)
    report = import_paths(project, [source], ImportOptions(all_or_nothing=True,
                                                          suggest_times=False))
    assert not report.problems, report.problems
    return project
