"""Label Studio: tasks and config in the documented shape, UTF-16 offsets, round trip."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from akkord.formats.labelstudio import read_labelstudio
from akkord.formats.records import DocumentRecord, Problem
from akkord.services.exporting import export
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


def _utf16(text: str, start: int, end: int) -> str:
    """What JavaScript's ``text.slice(start, end)`` gives: offsets in UTF-16 units."""
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def test_tasks_follow_label_studios_format_with_utf16_offsets(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        report = export(project, "labelstudio", tmp_path / "ls")
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text("utf-8"))
    assert report.documents == len(tasks) == 2
    task = tasks[0]
    text = task["data"]["text"]
    assert task["data"]["external_id"] == "art-1" and task["data"]["date"] == "2022-01"
    [annotation] = task["annotations"]
    regions = [r for r in annotation["result"] if r["type"] == "labels"]
    links = [r for r in annotation["result"] if r["type"] == "relation"]
    assert len(regions) == 10 and len(links) == 3
    for region in regions:
        assert region["from_name"] == "label" and region["to_name"] == "text"
        assert set(region["value"]) == {"start", "end", "text", "labels"}
        value = region["value"]
        # JavaScript's slice at the offsets is the region's text, even after 😀 and 𝔸
        assert _utf16(text, value["start"], value["end"]) == value["text"]
    brussel = next(r["value"] for r in regions if r["value"]["text"] == "Brussel")
    assert brussel["start"] == text.index("Brussel") + 2  # 😀 and 𝔸 count two units each
    ids = {r["id"] for r in regions}
    assert len(ids) == len(regions)
    for link in links:
        assert link["from_id"] in ids and link["to_id"] in ids
        assert link["direction"] == "right" and len(link["labels"]) == 1


def test_config_is_a_labelling_view_of_the_schema(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        export(project, "labelstudio", tmp_path / "ls")
    view = ET.fromstring((tmp_path / "ls" / "config.xml").read_text("utf-8"))
    assert view.tag == "View"
    labels = view.find("Labels")
    text = view.find("Text")
    assert labels is not None and text is not None
    assert labels.get("toName") == text.get("name") == "text" and text.get("value") == "$text"
    assert [lb.get("value") for lb in labels] == ["ACTOR", "DEMAND", "MEETING", "TIME", "PLACE"]
    assert labels[0].get("background") == "#3b7dd8" and labels[0].get("hotkey") == "1"
    relations = view.find("Relations")
    assert relations is not None
    assert {r.get("value") for r in relations} == {"claimant", "addressee", "participant",
                                                    "place", "time"}


def test_reads_annotations_predictions_and_several_annotators(tmp_path: Path) -> None:
    text = "😀 Putin møtte Biden."
    path = tmp_path / "export.json"

    def region(rid: str, word: str, label: str) -> dict[str, object]:
        start = len(text[:text.index(word)].encode("utf-16-le")) // 2
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": start + len(word), "text": word,
                          "labels": [label]}}

    path.write_text(json.dumps([{
        "id": 41, "data": {"text": text, "source": "nrk"},
        "annotations": [
            {"id": 1, "completed_by": {"email": "kari@uio.no"},
             "result": [region("a", "Putin", "PER"), region("b", "Biden", "PER"),
                        {"type": "relation", "from_id": "b", "to_id": "a",
                         "direction": "left", "labels": ["meets"]}]},
            {"id": 2, "completed_by": 3, "result": [region("c", "Biden", "PER")]},
            {"id": 3, "was_cancelled": True, "result": [region("d", "møtte", "X")]}],
        "predictions": [{"result": [region("e", "møtte", "EVT")]}]}]), encoding="utf-8")
    [doc] = list(read_labelstudio(path))
    assert isinstance(doc, DocumentRecord)
    assert doc.external_id == "41" and doc.source == "nrk"
    found = {(doc.text[s.start:s.end], s.label, s.annotator, s.status) for s in doc.spans}
    assert found == {("Putin", "PER", "kari", "manual"), ("Biden", "PER", "kari", "manual"),
                     ("Biden", "PER", "labelstudio-3", "manual"),
                     ("møtte", "EVT", None, "suggested")}
    [relation] = doc.relations
    spans = {s.id: doc.text[s.start:s.end] for s in doc.spans}
    assert (spans[relation.head], spans[relation.tail]) == ("Putin", "Biden")  # turned round


def test_wrong_offsets_are_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"data": {"text": "😀 Putin"}, "annotations": [{"result": [
        {"id": "a", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": 1, "end": 6, "text": "Putin", "labels": ["PER"]}}]}]}]),
        encoding="utf-8")
    [problem] = list(read_labelstudio(path))
    assert isinstance(problem, Problem) and "UTF-16" in problem.message


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(docs=corpora())
def test_export_import_keeps_what_label_studio_holds(
        docs: list[DocumentRecord], tmp_path_factory: pytest.TempPathFactory,
        empty_project: Path) -> None:
    """Label Studio holds the text, the external id, title, date and metadata (as task
    data), the written mentions (status manual or accepted) as (start, end, label) and
    the relations between them; offsets survive characters outside the BMP. It holds no
    canonical entities, statuses or attribute values, and the exported layers come back
    as one (the import's layer), so the comparison leaves those out."""
    tmp = tmp_path_factory.mktemp("ls")
    with open_project(tmp / "a.akkord", create=True) as source:
        load(source, tmp, ENTITIES, docs)
        _, before = snapshot(source)
        export(source, "labelstudio", tmp / "ls")
    with reimport(tmp, empty_project, tmp / "ls" / "tasks.json", "labelstudio") as target:
        _, after = snapshot(target)

    def span(_doc: DocumentRecord, s):  # type: ignore[no-untyped-def]
        return (s.start, s.end, s.label)

    def document(d: DocumentRecord):  # type: ignore[no-untyped-def]
        return (d.title, d.date, d.meta, d.external_id)

    expected = projected(before, span, document)
    got = projected(after, span, document)
    # a document without an external id comes back named by its task number
    for text, (view, spans, relations) in expected.items():
        if view[3] is None:
            expected[text] = ((*view[:3], got[text][0][3]), spans, relations)
    assert got == expected


def test_a_bad_task_is_reported_with_its_line(tmp_path: Path) -> None:
    good = {"data": {"text": "Nato, og Russland ] {"}}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([good, {"data": {"text": "x"}, "annotations": 5}, good],
                               indent=2), encoding="utf-8")
    starts = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
              if line == "  {"]
    problems = [r for r in read_labelstudio(path) if isinstance(r, Problem)]
    assert [(p.line, p.message) for p in problems] == [
        (starts[1], 'task 2: "annotations" must be a list, not an integer')]
