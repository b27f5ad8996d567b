"""doccano JSONL: the documented shape, reading doccano's own files, and the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from akkord.formats.doccano import read_doccano
from akkord.formats.records import DocumentRecord, Problem
from akkord.services.exporting import export
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import open_project
from tests.formats.corpora import (
    ENTITIES,
    article_project,
    corpora,
    load,
    projected,
    reimport,
    snapshot,
)


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.akkord"
    open_project(path, create=True).close()
    return path


def test_lines_have_text_labels_entities_and_relations(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        report = export(project, "doccano", tmp_path / "out.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert report.documents == len(lines) == 2
    first = lines[0]
    assert first["id"] == "art-1" and first["meta"]["title"] == "Møte i Brussel 😀"
    text = first["text"]
    # code-point offsets: the text at each label is the mention
    assert {(text[s:e], label) for s, e, label in first["label"]} >= {
        ("Jens Stoltenberg", "ACTOR"), ("Nato–Russland-rådet", "MEETING"),
        ("alliansen stanser\nutvidelsen østover", "DEMAND"), ("onsdag 12. januar", "TIME")}
    # the suggested mention is not a label; kari's MEETING is (layers are merged)
    assert ("𝔸-delegasjon", "ACTOR") not in {(text[s:e], lb) for s, e, lb in first["label"]}
    assert len(first["label"]) == len(first["entities"]) == 10
    entities = {e["id"]: e for e in first["entities"]}
    kinds = {(text[entities[r["from_id"]]["start_offset"]:entities[r["from_id"]]["end_offset"]],
              r["type"],
              text[entities[r["to_id"]]["start_offset"]:entities[r["to_id"]]["end_offset"]])
             for r in first["relations"]}
    assert kinds == {("Russland", "claimant", "alliansen stanser\nutvidelsen østover"),
                     ("Nato", "participant", "Nato–Russland-rådet"),
                     ("onsdag 12. januar", "time", "Nato–Russland-rådet")}


def test_reads_doccano_sequence_labelling_and_relation_exports(tmp_path: Path) -> None:
    path = tmp_path / "doccano.jsonl"
    path.write_text(
        json.dumps({"id": 7, "text": "Putin møtte Biden 😀 i Genève.",
                    "label": [[0, 5, "PER"], [12, 17, "PER"], [22, 28, "LOC"]],
                    "Comments": []}, ensure_ascii=False) + "\n"
        + json.dumps({"text": "Nato svarte.", "entities": [
            {"id": 11, "label": "ORG", "start_offset": 0, "end_offset": 4}],
            "relations": [], "source": "nrk"}) + "\n"
        + json.dumps({"text": "x", "label": [[0, 5, "PER"]]}) + "\n", encoding="utf-8")
    records = list(read_doccano(path))
    first, second, bad = records
    assert isinstance(first, DocumentRecord) and first.external_id == "7"
    assert [(first.text[s.start:s.end], s.label) for s in first.spans] == [
        ("Putin", "PER"), ("Biden", "PER"), ("Genève", "LOC")]
    assert isinstance(second, DocumentRecord) and second.source == "nrk"
    assert isinstance(bad, Problem) and bad.line == 3 and "inside the text" in bad.message


def test_labels_outside_the_schema_can_be_added(sqlite_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Putin møtte Biden.", "label": [[0, 5, "PER"]]}) + "\n",
                    encoding="utf-8")
    rejected = import_paths(sqlite_project, [path], ImportOptions(format="doccano"))
    assert rejected.rejected and "--add-labels" in str(rejected.problems[0])
    added = import_paths(sqlite_project, [path],
                         ImportOptions(format="doccano", add_labels=True))
    assert not added.problems and added.labels_added == ["PER"]
    assert "PER" in sqlite_project.schema.label_names


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(docs=corpora())
def test_export_import_keeps_what_doccano_holds(docs: list[DocumentRecord], tmp_path_factory:
                                                pytest.TempPathFactory,
                                                empty_project: Path) -> None:
    """doccano holds the text, the external id, title, date and metadata, and the written
    mentions (status manual or accepted) as (start, end, label) with the relations
    between them. It holds no layers (all come back in the import's layer, here gold),
    statuses (all come back manual), canonical entities or attribute values, so the
    comparison leaves those out."""
    tmp = tmp_path_factory.mktemp("doccano")
    with open_project(tmp / "a.akkord", create=True) as source:
        load(source, tmp, ENTITIES, docs)
        _, before = snapshot(source)
        export(source, "doccano", tmp / "out.jsonl")
    with reimport(tmp, empty_project, tmp / "out.jsonl", "doccano") as target:
        _, after = snapshot(target)

    def span(_doc: DocumentRecord, s):  # type: ignore[no-untyped-def]
        return (s.start, s.end, s.label)

    def document(d: DocumentRecord):  # type: ignore[no-untyped-def]
        return (d.external_id, d.title, d.date, d.meta)

    assert projected(after, span, document) == projected(before, span, document)
    assert all(s.status == "manual" and s.annotator == "gold" for d in after for s in d.spans)
