"""The document list's queries, on both backends: ids by filter, rows of a page, the
streamed list, counts and statuses."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from akkord.domain.dates import PartialDate
from akkord.services.annotation import Annotation
from akkord.services.documents import (
    DocumentCatalog,
    DocumentFilter,
    list_documents,
    summaries,
)
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import Project, open_project
from akkord.store.models import Document, Mention

LINES = [
    {"text": "Nato møter Russland i Genève.", "meta": {"title": "Øst og vest",
                                                        "date": "2022-01-10"},
     "states": {"anna": "done", "kari": "in progress"},
     "spans": [{"id": "T1", "start": 0, "end": 4, "label": "ACTOR"},
               {"id": "T2", "start": 11, "end": 19, "label": "ACTOR"},
               {"id": "T3", "start": 0, "end": 4, "label": "ACTOR", "annotator": "anna"},
               {"id": "T4", "start": 22, "end": 28, "label": "PLACE",
                "status": "suggested"}]},
    {"text": "Ingen har sett på denne ennå.", "meta": {"title": "Urørt",
                                                     "date": "2022-02"}},
    {"text": "Kari har begynt å lese.", "id": "ext-3", "states": {"kari": "in progress"},
     "spans": [{"id": "T1", "start": 0, "end": 4, "label": "ACTOR",
                "status": "rejected"}]},
]


def _filled(project: Project, tmp_path: Path) -> list[int]:
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in LINES), encoding="utf-8")
    report = import_paths(project, [source], ImportOptions(suggest_times=False))
    assert not report.problems
    return DocumentCatalog(project, None).ids()


def test_counts_and_statuses(project: Project, tmp_path: Path) -> None:
    first, second, third = _filled(project, tmp_path)
    with project.read() as session:
        every = {s.id: s for s in list_documents(session)}
        gold = {s.id: s for s in list_documents(session, "gold")}
        anna = {s.id: s for s in summaries(session, [third, first], "anna")}
        nobody = list(list_documents(session, "nobody"))
    # Annotations only: suggestions and rejected mentions are not counted.
    assert (every[first].mentions, every[first].label_counts) == (3, {"ACTOR": 3})
    assert gold[first].label_counts == {"ACTOR": 2} and anna[first].mentions == 1
    assert [every[i].status for i in (first, second, third)] == ["done", "new", "in progress"]
    assert [gold[i].status for i in (first, second, third)] == ["new", "new", "new"]
    assert list(anna) == [third, first] and anna[first].status == "done"
    assert [s.title for s in every.values()] == ["Øst og vest", "Urørt", "ext-3"]
    assert every[second].date == PartialDate.parse("2022-02")
    assert [s.mentions for s in nobody] == [0, 0, 0]


def test_filters(project: Project, tmp_path: Path) -> None:
    first, second, third = _filled(project, tmp_path)
    anyone, kari = DocumentCatalog(project, None), DocumentCatalog(project, "kari")
    assert anyone.ids(DocumentFilter(text="øst")) == [first]  # case-folded, not ASCII-only
    assert anyone.ids(DocumentFilter(text="EXT-")) == [third]  # the title shown
    assert anyone.ids(DocumentFilter(status="done")) == [first]
    assert anyone.ids(DocumentFilter(status="new")) == [second]
    assert kari.ids(DocumentFilter(status="in progress")) == [first, third]
    assert kari.ids(DocumentFilter(status="new")) == [second]
    january = PartialDate.parse("2022-01")
    assert anyone.ids(DocumentFilter(date=january)) == [first]
    assert anyone.ids(DocumentFilter(date=PartialDate.parse("2022-02-14"))) == [second]
    assert anyone.ids(DocumentFilter(text="o", status="done", date=january)) == [first]
    assert [s.id for s in anyone.rows([third, 999, first])] == [third, first]


def _steps_for_a_page(path: Path, documents: int) -> int:
    """SQLite's virtual-machine steps (in thousands) for the rows of the first ten of a
    project's ``documents``, each holding ten of gold's mentions."""
    with open_project(path, create=True) as project:
        gold = Annotation(project, "gold").annotator_id
        with project.write() as session:
            for n in range(documents):
                document = Document(content_hash=f"h{n}", text="Nato og Russland møtes.",
                                    meta={}, parts=[])
                session.add(document)
                session.flush()
                session.add_all(Mention(document_id=document.id, annotator_id=gold,
                                        start=0, end=4, label="ACTOR") for _ in range(10))
        with project.read() as session:
            page = DocumentCatalog(project, "gold").ids()[:10]
            steps = [0]

            def count() -> int:
                steps[0] += 1
                return 0

            raw = session.connection().connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            raw.set_progress_handler(count, 1000)
            rows = summaries(session, page, "gold")
            raw.set_progress_handler(None, 0)
    assert [row.mentions for row in rows] == [10] * 10
    return steps[0]


def test_a_page_of_rows_costs_the_same_in_a_larger_project(tmp_path: Path) -> None:
    """The document list reads its rows a page at a time, after every start and on every
    scroll: that must not read the rest of the project (it read every mention of the
    layer, 325 ms at 30,000 articles, until the counts' status became a FILTER)."""
    small = _steps_for_a_page(tmp_path / "small.akkord", 10)
    large = _steps_for_a_page(tmp_path / "large.akkord", 400)
    assert large <= 2 * small + 2, (small, large)
