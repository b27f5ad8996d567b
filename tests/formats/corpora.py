"""Small corpora for the format tests: hand-written and generated (hypothesis).

Everything here goes through the real services: a corpus is written as a native JSONL
file, imported into a project, and the format under test is exported from there.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

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
from akkord.services.exporting import ExportOptions, read_export
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import Project, open_project
from akkord.textproc.decode import normalise_text

# A hand-written article: overlapping mentions (an ACTOR inside a MEETING), Norwegian
# letters, characters outside the BMP (😀, 𝔸), a mention across a line break.
TEXT = ("Nato-sjefen Jens Stoltenberg 😀 møtte Russlands 𝔸-delegasjon i Brussel.\n"
        "Russland krever at alliansen stanser\nutvidelsen østover. Møtet i Nato–Russland-"
        "rådet var onsdag 12. januar.")


def _at(text: str, piece: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return start, start + len(piece)


def article_records() -> tuple[list[EntityRecord], list[DocumentRecord]]:
    """The hand-written article with entities, relations and a TIME value."""
    entities = [
        EntityRecord("actor/nato", "actor", "Nato", ["Natos"]),
        EntityRecord("actor/stoltenberg", "actor", "Jens Stoltenberg"),
        EntityRecord("actor/russland", "actor", "Russland"),
        EntityRecord("demand/stop", "demand", "Stans utvidelsen",
                     values=[ValueRecord("claimant", ref="actor/russland"),
                             ValueRecord("addressees", ref="actor/nato"),
                             ValueRecord("form", text="demand"),
                             ValueRecord("date", date=PartialDate.parse("2021-12-17")),
                             ValueRecord("status", text="made")]),
        EntityRecord("meeting/nrc", "meeting", "Nato–Russland-rådet",
                     values=[ValueRecord("participants", ref="actor/nato", role="host"),
                             ValueRecord("participants", ref="actor/russland",
                                         role="participant"),
                             ValueRecord("date", date=PartialDate.parse("2022-01-12")),
                             ValueRecord("status", text="held")]),
        EntityRecord("place/brussel", "place", "Brussel"),
    ]
    t = TEXT
    spans = [
        SpanRecord(*_at(t, "Nato"), "ACTOR", "s1", "gold", "manual", "actor/nato"),
        SpanRecord(*_at(t, "Jens Stoltenberg"), "ACTOR", "s2", "gold", "accepted",
                   "actor/stoltenberg"),
        SpanRecord(*_at(t, "Russlands"), "ACTOR", "s3", "gold", "manual", "actor/russland"),
        SpanRecord(*_at(t, "Brussel"), "PLACE", "s4", "gold", "manual", "place/brussel"),
        SpanRecord(*_at(t, "Russland", 1), "ACTOR", "s5", "gold", "manual",
                   "actor/russland"),
        SpanRecord(*_at(t, "alliansen stanser\nutvidelsen østover"), "DEMAND", "s6", "gold",
                   "manual", "demand/stop"),
        SpanRecord(*_at(t, "Nato–Russland-rådet"), "MEETING", "s7", "gold", "manual",
                   "meeting/nrc"),
        SpanRecord(*_at(t, "Nato", 1), "ACTOR", "s8", "gold", "manual", "actor/nato"),
        SpanRecord(*_at(t, "onsdag 12. januar"), "TIME", "s9", "gold", "manual", None,
                   [ValueRecord("date", date=PartialDate.parse("2022-01-12"))]),
        SpanRecord(*_at(t, "𝔸-delegasjon"), "ACTOR", "s10", "gold", "suggested"),
        SpanRecord(*_at(t, "Møtet"), "MEETING", "s11", "kari", "manual", "meeting/nrc"),
    ]
    relations = [RelationRecord("s5", "s6", "claimant", "gold"),
                 RelationRecord("s8", "s7", "participant", "gold"),
                 RelationRecord("s9", "s7", "time", "gold")]
    doc = DocumentRecord(t, "art-1", "Møte i Brussel 😀", date=PartialDate.parse("2022-01"),
                         meta={"caption": "=SUM(A1)"}, spans=spans, relations=relations,
                         states={"gold": "done"})
    second = DocumentRecord("USA svarte skriftlig.\n\nIngen innrømmelser.", "art-2",
                            "Svar", spans=[SpanRecord(0, 3, "ACTOR", "u1", "gold")],
                            states={"gold": "in progress"})
    return entities, [doc, second]


def write_native(path: Path, entities: list[EntityRecord], docs: list[DocumentRecord],
                 annotators: tuple[str, ...] = ("gold", "kari")) -> Path:
    with path.open("wb") as out:
        write_jsonl(out, HeaderRecord(default_schema_text(), list(annotators)), entities,
                    ((d, content_hash(d.text)) for d in docs))
    return path


def load(project: Project, tmp: Path, entities: list[EntityRecord],
         docs: list[DocumentRecord]) -> None:
    """Import the records into ``project`` (through a native file)."""
    source = write_native(tmp / "source.jsonl", entities, docs)
    report = import_paths(project, [source])
    assert not report.problems, [str(p) for p in report.problems]


def article_project(tmp: Path) -> Project:
    project = open_project(tmp / "article.akkord", create=True)
    load(project, tmp, *article_records())
    return project


def snapshot(project: Project, options: ExportOptions | None = None,
             ) -> tuple[list[EntityRecord], list[DocumentRecord]]:
    """The project as records (what a native export writes)."""
    with project.read() as session:
        data = read_export(session, options)
        return data.entities, [d for d, _ in data.documents]


def reimport(tmp: Path, template: Path, path: Path, fmt: str,
             options: ImportOptions | None = None) -> Project:
    """Import ``path`` as ``fmt`` into a copy of the empty ``template`` project."""
    target = tmp / f"reimported-{fmt}.akkord"
    shutil.copy(template, target)
    project = open_project(target)
    options = options or ImportOptions()
    options.format = fmt
    report = import_paths(project, [path], options)
    assert not report.problems, [str(p) for p in report.problems]
    return project


# -- generated corpora ---------------------------------------------------------------------

ALPHABET = st.sampled_from([*"abc ÆØÅæøå«».\n", "😀", "𝔸", "\U0001f1f3", "é"])
LABEL_KIND = {"ACTOR": "actor", "DEMAND": "demand", "MEETING": "meeting", "PLACE": "place",
              "TIME": None}
DATES = st.sampled_from(["2022-01-12", "2022-W04", "2022-01", "2019-SU",
                         "2022-01-09/2022-01-10"])
ENTITIES = [EntityRecord("actor/a", "actor", "Aktør Å"), EntityRecord("actor/b", "actor", "B😀"),
            EntityRecord("demand/x", "demand", "Krav"),
            EntityRecord("meeting/m", "meeting", "Møte"),
            EntityRecord("place/p", "place", "Sted")]


@st.composite
def corpora(draw: st.DrawFn) -> list[DocumentRecord]:
    """1–3 documents with overlapping spans (some linked, some with values) and relations.

    Spans are in one layer (``gold``), distinct by (start, end, label), with status
    manual, accepted or suggested.
    """
    docs: list[DocumentRecord] = []
    texts: set[str] = set()
    for n in range(draw(st.integers(1, 3))):
        text = normalise_text(draw(st.text(ALPHABET, min_size=1, max_size=40)))
        if text in texts or not text.strip():
            continue
        texts.add(text)
        spans: list[SpanRecord] = []
        seen: set[tuple[int, int, str]] = set()
        for k in range(draw(st.integers(0, 7))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, min(len(text), start + 15)))
            label = draw(st.sampled_from(list(LABEL_KIND)))
            if (start, end, label) in seen:
                continue
            seen.add((start, end, label))
            kind = LABEL_KIND[label]
            keys = [e.key for e in ENTITIES if e.kind == kind]
            entity = draw(st.sampled_from([None, *keys])) if keys else None
            values = ([ValueRecord("date", date=PartialDate.parse(draw(DATES)))]
                      if label == "TIME" and draw(st.booleans()) else [])
            spans.append(SpanRecord(start, end, label, f"s{k}", "gold",
                                    draw(st.sampled_from(["manual", "accepted", "suggested"])),
                                    entity, values))
        relations = []
        actors = [s for s in spans if s.label == "ACTOR"]
        demands = [s for s in spans if s.label == "DEMAND"]
        if actors and demands:
            relations.append(RelationRecord(actors[0].id or "", demands[-1].id or "",
                                            "claimant", "gold"))
        docs.append(DocumentRecord(
            text=text, external_id=draw(st.sampled_from([None, f"d-{n}", f"doc_{n}"])),
            title=draw(st.sampled_from([None, "Tittel 😀"])),
            date=PartialDate.parse("2022-01") if draw(st.booleans()) else None,
            spans=spans, relations=relations))
    assume(docs)
    return docs


Key = tuple[int, int, str]


def projected(docs: list[DocumentRecord], span_view: Callable[[DocumentRecord, SpanRecord],
                                                                Any],
              doc_view: Callable[[DocumentRecord], Any]) -> dict[str, Any]:
    """Documents by text: ``doc_view``, the set of ``span_view`` of written spans (None
    drops a span) and the set of relations between written spans."""
    out = {}
    for doc in docs:
        spans = {}
        for span in doc.spans:
            if span.status in ("manual", "accepted"):
                view = span_view(doc, span)
                if view is not None:
                    spans[span.id] = view
        relations = {(spans[r.head], spans[r.tail], r.type) for r in doc.relations
                     if r.head in spans and r.tail in spans}
        out[doc.text] = (doc_view(doc), frozenset(spans.values()), frozenset(relations))
    return out
