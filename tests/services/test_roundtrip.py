"""Native JSONL: export → import into an empty project → export gives the same bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akkord.domain.dates import PartialDate
from akkord.domain.document import content_hash
from akkord.formats.jsonl import write_jsonl
from akkord.formats.records import (
    DocumentRecord,
    EntityRecord,
    EvidenceRef,
    HeaderRecord,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.resources import default_schema_text
from akkord.services.exporting import export_jsonl
from akkord.services.importing import import_paths
from akkord.store import open_project
from akkord.textproc.decode import normalise_text

# Norwegian letters, punctuation, a combining mark, CR, and characters outside the BMP.
ALPHABET = st.sampled_from([*"abc ÆØÅæøå«»–.\n\r", "\u0301", "😀", "𝔸", "\U0001f1f3"])
LABEL_KIND = {"ACTOR": "actor", "DEMAND": "demand", "MEETING": "meeting", "PLACE": "place",
              "TIME": None}
DATES = st.sampled_from(["2022-01-12", "2022-W04", "2022-01", "2019-SU", "2022-Q1", "2021",
                         "2022-01-09/2022-01-10"])


@st.composite
def entities(draw: st.DrawFn) -> list[EntityRecord]:
    out = []
    for kind in ("actor", "demand", "meeting", "place"):
        for n in range(draw(st.integers(0, 2))):
            out.append(EntityRecord(key=f"{kind}/{n}", kind=kind,
                                    name=draw(st.text(ALPHABET, min_size=1, max_size=8)),
                                    aliases=draw(st.lists(st.text(ALPHABET, min_size=1,
                                                                  max_size=5), max_size=2))))
    actors = [e.key for e in out if e.kind == "actor"]
    for entity in out:
        if entity.kind == "actor":
            entity.values.append(ValueRecord("kind", text=draw(st.sampled_from(
                ["person", "state", "alliance"]))))
        if entity.kind == "meeting":
            entity.values.append(ValueRecord("date", date=PartialDate.parse(draw(DATES))))
            for actor in draw(st.lists(st.sampled_from(actors), max_size=2)) if actors else []:
                entity.values.append(ValueRecord("participants", ref=actor,
                                                 role=draw(st.sampled_from(["host", None]))))
        if entity.kind == "demand" and actors:
            entity.values.append(ValueRecord("claimant", ref=draw(st.sampled_from(actors)),
                                             preferred=draw(st.booleans())))
    return out


@st.composite
def documents(draw: st.DrawFn, known: list[EntityRecord]) -> list[DocumentRecord]:
    docs = []
    texts: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        # Stored text is normalised (LF, NFC); offsets into raw text are covered by
        # tests/services/test_importing.py.
        text = normalise_text(draw(st.text(ALPHABET, min_size=1, max_size=40)))
        if text in texts or not text:
            continue
        texts.add(text)
        spans = []
        for n in range(draw(st.integers(0, 6))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            label = draw(st.sampled_from(list(LABEL_KIND)))
            kind = LABEL_KIND[label]
            candidates = [e.key for e in known if e.kind == kind]
            entity = draw(st.sampled_from([None, *candidates])) if candidates else None
            values = ([ValueRecord("date", date=PartialDate.parse(draw(DATES)))]
                      if label == "TIME" and draw(st.booleans()) else [])
            spans.append(SpanRecord(start, end, label, f"s{n}",
                                    draw(st.sampled_from(["gold", "kari", "ola"])),
                                    draw(st.sampled_from(["manual", "suggested", "accepted"])),
                                    entity, values))
        relations = []
        actors = [s for s in spans if s.label == "ACTOR"]
        demands = [s for s in spans if s.label == "DEMAND"]
        if actors and demands:
            relations.append(RelationRecord(actors[0].id or "", demands[-1].id or "",
                                            "claimant", "gold"))
        docs.append(DocumentRecord(
            text=text, external_id=draw(st.sampled_from([None, "a-1", "b/2"])),
            title=draw(st.sampled_from([None, "Tittel æøå 😀"])),
            date=PartialDate.parse(draw(DATES)) if draw(st.booleans()) else None,
            meta={"caption": "BILDE: «x»"} if draw(st.booleans()) else {},
            spans=spans, relations=relations,
            states={"kari": draw(st.sampled_from(["new", "in progress", "done"]))}))
    return docs


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.akkord"
    open_project(path, create=True).close()
    return path


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_native_export_import_export_is_byte_identical(
        data: st.DataObject, empty_project: Path, tmp_path: Path) -> None:
    known = data.draw(entities())
    docs = data.draw(documents(known))
    # Evidence: the first meeting's date is stated by the first TIME span, if any.
    time_spans = [(d, s) for d in docs for s in d.spans if s.label == "TIME"]
    meetings = [e for e in known if e.kind == "meeting"]
    if time_spans and meetings:
        doc, span = time_spans[0]
        meetings[0].values[0].evidence = EvidenceRef(content_hash(doc.text), span.id or "")
    source = tmp_path / "source.jsonl"
    with source.open("wb") as out:
        write_jsonl(out, HeaderRecord(default_schema_text(), ["gold", "kari", "ola"]), known,
                    ((d, content_hash(d.text)) for d in docs))
    first, second = tmp_path / "a.akkord", tmp_path / "b.akkord"
    shutil.copy(empty_project, first)
    shutil.copy(empty_project, second)
    with open_project(first) as project:
        report = import_paths(project, [source])
        assert not report.problems, [str(p) for p in report.problems]
        export_jsonl(project, tmp_path / "e1.jsonl")
    with open_project(second) as project:
        report = import_paths(project, [tmp_path / "e1.jsonl"])
        assert not report.problems, [str(p) for p in report.problems]
        export_jsonl(project, tmp_path / "e2.jsonl")
    exported = (tmp_path / "e1.jsonl").read_bytes()
    assert exported == (tmp_path / "e2.jsonl").read_bytes()
    assert exported.count(b"\n") == 1 + len(known) + len(docs)


def test_roundtrip_on_postgresql(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same guarantee on both backends: a file already in export form (span ids in
    export order) comes back byte for byte."""
    known = [EntityRecord("actor/nato", "actor", "Nato", ["Natos"],
                          [ValueRecord("kind", text="alliance")]),
             EntityRecord("meeting/nrc", "meeting", "Nato–Russland-rådet", [],
                          [ValueRecord("date", date=PartialDate.parse("2022-01-12")),
                           ValueRecord("participants", ref="actor/nato", role="host")])]
    doc = DocumentRecord("Natos råd møttes 12. januar 😀.", "d1", "Råd",
                         date=PartialDate.parse("2022-01"),
                         spans=[SpanRecord(0, 5, "ACTOR", "T1", "gold", entity="actor/nato"),
                                SpanRecord(0, 10, "MEETING", "T2", "gold", entity="meeting/nrc"),
                                SpanRecord(18, 28, "TIME", "T3", "kari",
                                           values=[ValueRecord("date", date=PartialDate.parse(
                                               "2022-01-12"))])],
                         relations=[RelationRecord("T1", "T2", "participant", "gold")])
    source = tmp_path / "s.jsonl"
    with source.open("wb") as out:
        write_jsonl(out, HeaderRecord(project.schema.source, ["gold", "kari"]), known,
                    [(doc, content_hash(doc.text))])
    assert not import_paths(project, [source]).problems
    export_jsonl(project, tmp_path / "e1.jsonl")
    assert (tmp_path / "e1.jsonl").read_bytes() == source.read_bytes()
