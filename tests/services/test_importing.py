"""Importing articles and JSONL corpora: dates, dedupe, encodings, rejection, rollback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from akkord.domain.dates import Precision
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import Project
from akkord.store.models import Annotator, Document, Mention, Relation
from tests.conftest import SEEDS, needs_shared

ARTICLE = (
    " date 2022-01-12 MØTE I BRUSSEL: Delegasjonene samlet seg i Natos hovedkvarter.\n\n"
    "Russland og Nato møttes for første gang på to år\n\n"
    "Nato-Russland-rådet satt i fire timer onsdag.\n\n"
    "Av Kari Nordmann\n\n"
    "Publisert: 12. januar 2022\n\n"
    "Møtet i Brussel endte uten gjennombrudd, men partene vil fortsette samtalene.\n\n"
    "Krav fra Moskva\n\n"
    "Russland krever at alliansen stanser utvidelsen østover.\n"
)


def _count(project: Project, model: type) -> int:
    with project.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_seed_articles_import_with_month_dates_titles_and_captions(project: Project) -> None:
    seeds = needs_shared(SEEDS)
    report = import_paths(project, [seeds])
    assert report.total("documents") == 2 and not report.problems
    with project.read() as session:
        docs = session.scalars(select(Document).order_by(Document.external_id)).all()
    assert [d.date_value for d in docs] == ["2022-01", "2022-01"]
    assert all(d.date_precision == Precision.MONTH for d in docs)
    assert docs[0].title.startswith("Hastemøte i Nato")
    assert docs[1].title.startswith("Natos plan for å hindre krig i Europa")
    assert docs[0].meta["caption"].startswith("FOKUS PÅ RUSSLAND:")
    assert docs[1].meta["caption"].startswith("NATO RUSSLAND-RÅDET:")
    assert docs[0].meta["byline"] == "Alf Bjarne Johnsen"
    original = (seeds / f"{docs[0].external_id}.txt").read_text(encoding="utf-8")
    assert docs[0].text == original  # every character kept, header included
    title = next(p for p in docs[0].parts if p[0] == "title")
    assert docs[0].text[title[1]:title[2]] == docs[0].title


def test_importing_the_seeds_again_adds_nothing(project: Project) -> None:
    seeds = needs_shared(SEEDS)
    import_paths(project, [seeds])
    again = import_paths(project, [seeds])
    assert again.total("documents") == 0 and again.total("existing") == 2
    assert _count(project, Document) == 2


def test_a_windows_1252_copy_imports_to_the_same_text(project: Project, tmp_path: Path) -> None:
    seed = needs_shared(SEEDS) / "000_c59003fcb422ee35.txt"
    text = seed.read_text(encoding="utf-8")
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    first = import_paths(project, [legacy])
    assert first.total("documents") == 1
    with project.read() as session:
        stored = session.scalar(select(Document.text))
    assert stored == text and "æ" in stored and "ø" in stored and "å" in stored
    assert import_paths(project, [seed]).total("existing") == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings_all_give_the_same_document(project: Project, tmp_path: Path,
                                              encoding: str) -> None:
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    report = import_paths(project, [path])
    assert not report.problems
    with project.read() as session:
        doc = session.scalars(select(Document)).one()
    assert doc.text == ARTICLE
    assert doc.title == "Russland og Nato møttes for første gang på to år"
    assert doc.date_value == "2022-01-12" and doc.date_precision == "day"
    assert doc.meta["caption"] == "MØTE I BRUSSEL: Delegasjonene samlet seg i Natos hovedkvarter."


def test_bad_files_are_rejected_with_file_and_line_the_rest_imports(
        project: Project, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "broken.jsonl").write_text(
        json.dumps({"text": "En linje om Nato."}) + "\n{not json\n", encoding="utf-8")
    report = import_paths(project, [tmp_path])
    messages = [str(p) for p in report.problems]
    assert any("empty.txt" in m and "empty" in m for m in messages)
    assert any("binary.txt" in m and ("binary" in m or "NUL" in m) for m in messages)
    assert any("broken.jsonl:2" in m and "malformed JSON" in m for m in messages)
    assert report.total("documents") == 1  # good.txt only: broken.jsonl is rejected whole
    assert _count(project, Document) == 1


def test_all_or_nothing_rolls_back_the_batch(project: Project, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    report = import_paths(project, [tmp_path], ImportOptions(all_or_nothing=True))
    assert report.rolled_back
    assert _count(project, Document) == 0


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_jsonl_with_spans_and_relations(project: Project, tmp_path: Path) -> None:
    text = "Russland krever garantier fra Nato."
    path = _jsonl(tmp_path / "c.jsonl", [{
        "id": "d1", "text": text, "meta": {"date": "2022-01-20", "title": "Krav"},
        "spans": [{"id": "T1", "start": 0, "end": 8, "label": "ACTOR"},
                  {"id": "T2", "start": 16, "end": 25, "label": "DEMAND"},
                  {"id": "T3", "start": 30, "end": 34, "label": "ACTOR"}],
        "relations": [{"from_id": "T1", "to_id": "T2", "type": "claimant"},
                      {"from_id": "T2", "to_id": "T3", "type": "addressee"}]}])
    report = import_paths(project, [path], ImportOptions(annotator="kari"))
    assert (report.total("mentions"), report.total("relations")) == (3, 2)
    with project.read() as session:
        spans = session.execute(select(Mention.start, Mention.end, Mention.label, Annotator.name)
                                .join(Annotator).order_by(Mention.start)).all()
        types = session.scalars(select(Relation.type).order_by(Relation.type)).all()
    assert [(text[s:e], lbl, who) for s, e, lbl, who in spans] == [
        ("Russland", "ACTOR", "kari"), ("garantier", "DEMAND", "kari"), ("Nato", "ACTOR", "kari")]
    assert types == ["addressee", "claimant"]
    again = import_paths(project, [path], ImportOptions(annotator="kari"))
    assert (again.total("mentions"), again.total("relations")) == (0, 0)


def test_jsonl_records_are_checked_against_the_schema(project: Project, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "bad.jsonl", [
        {"text": "Nato", "spans": [{"start": 0, "end": 4, "label": "PER"}]},
        {"text": "Kort", "spans": [{"start": 2, "end": 9, "label": "ACTOR"}]},
        {"text": "Nato møtes", "spans": [{"id": "a", "start": 0, "end": 4, "label": "ACTOR"},
                                          {"id": "b", "start": 5, "end": 10, "label": "ACTOR"}],
         "relations": [{"from_id": "a", "to_id": "b", "type": "claimant"}]},
        {"meta": {}},
    ])
    report = import_paths(project, [path])
    messages = [str(p) for p in report.problems]
    assert any(":1:" in m and "label 'PER' is not in the project's schema" in m
               for m in messages)
    assert any(":2:" in m and "[2, 9)" in m for m in messages)
    assert any(":3:" in m and "claimant relation cannot go from ACTOR to ACTOR" in m
               for m in messages)
    assert any(":4:" in m and "text" in m for m in messages)
    assert _count(project, Document) == 0


def test_label_map_renames_labels(project: Project, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "per.jsonl", [
        {"text": "Stoltenberg", "spans": [{"start": 0, "end": 11, "label": "PER"}]}])
    report = import_paths(project, [path], ImportOptions(label_map={"PER": "ACTOR"}))
    assert not report.problems
    with project.read() as session:
        assert session.scalar(select(Mention.label)) == "ACTOR"


def test_crlf_and_decomposed_text_keeps_spans_on_the_same_words(
        project: Project, tmp_path: Path) -> None:
    text = "Møte\r\ni Gene\u0300ve"  # CRLF and a decomposed è
    start = text.index("Gene")
    path = _jsonl(tmp_path / "n.jsonl", [{"text": text, "spans": [
        {"start": start, "end": len(text), "label": "PLACE"}]}])
    assert not import_paths(project, [path]).problems
    with project.read() as session:
        doc_text = session.scalar(select(Document.text))
        mention = session.execute(select(Mention.start, Mention.end)).one()
    assert doc_text == "Møte\ni Genève"
    assert doc_text[mention.start:mention.end] == "Genève"


def test_unknown_paths_and_types_are_clear_errors(project: Project, tmp_path: Path) -> None:
    from akkord.errors import AkkordError

    with pytest.raises(AkkordError, match="no such file"):
        import_paths(project, [tmp_path / "nope.txt"])
    (tmp_path / "data.xyz").write_text("x", encoding="utf-8")
    with pytest.raises(AkkordError, match="unknown file type"):
        import_paths(project, [tmp_path / "data.xyz"])
