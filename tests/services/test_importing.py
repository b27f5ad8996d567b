"""Importing articles and JSONL corpora: dates, dedupe, encodings, rejection, rollback."""

from __future__ import annotations

import json
import os
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


# -- issue 9: every bad input is a clear per-record message, never a traceback --------------

NATIVE_HEADER = {"type": "akkord", "version": 1, "annotators": ["gold"]}
SPAN = {"id": "T1", "start": 0, "end": 4, "label": "ACTOR"}


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def _lines(*records: object) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _task(**fields: object) -> dict[str, object]:
    task: dict[str, object] = {"data": {"text": "Nato og Russland"}, "annotations": [
        {"result": [{"id": "a", "type": "labels", "value": {"start": 0, "end": 4,
                                                          "labels": ["ACTOR"]}},
                    {"id": "b", "type": "labels", "value": {"start": 8, "end": 16,
                                                          "labels": ["ACTOR"]}}]}]}
    task.update(fields)
    return task


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# (file name, content, --format, where the message points, what it says)
TRACEBACKS_BEFORE = [
    ("offsets.ann", "T1\tACTOR 0 4²\tNato\n", None, ":1:", "is not 'start end' offsets"),
    ("annotator-object.jsonl", _lines({"text": "Nato", "spans": [{**SPAN, "annotator": {}}]}),
     None, ":1:", "span T1.annotator must be a string, not an object"),
    ("annotator-list.jsonl", _lines({"text": "Nato", "spans": [{**SPAN, "annotator": []}]}),
     None, ":1:", "span T1.annotator must be a string, not a list"),
    ("entity-list.jsonl", _lines({"text": "Nato", "spans": [{**SPAN, "entity": []}]}),
     None, ":1:", "span T1.entity must be a string, not a list"),
    ("title-object.jsonl", _lines({"text": "Nato", "meta": {"title": {"a": 1}}}), None, ":1:",
     "meta.title must be a string, not an object"),
    ("title-list.jsonl", _lines({"text": "Nato", "meta": {"title": ["a"]}}), None, ":1:",
     "meta.title must be a string, not a list"),
    ("annotators.jsonl", _lines({**NATIVE_HEADER, "annotators": 5}), None, ":1:",
     "header.annotators must be a list, not an integer"),
    ("deep-schema.jsonl", _lines({**NATIVE_HEADER, "schema": "name = " + _deep(5000)},
                                 {"text": "Nato"}), None, ":1:", "nested too deeply"),
    ("date-object.jsonl", _lines({"type": "entity", "key": "meeting/x", "kind": "meeting",
                                  "name": "X", "values": [{"attribute": "date", "date": {}}]}),
     None, ":1:", "value 1.date must be a string, not an object"),
    ("date-text-object.jsonl", _lines({"text": "12. januar", "spans": [
        {"id": "T1", "start": 0, "end": 10, "label": "TIME",
         "values": [{"attribute": "date", "text": {"v": 1}}]}]}),
     None, ":1:", "value 1.text must be a string, not an object"),
    ("relations.jsonl", _lines({"text": "Nato", "entities": [], "relations": 5}), "doccano",
     ":1:", '"relations" must be a list, not an integer'),
    ("annotations.json", json.dumps([_task(annotations=5)]), None, "json:",
     'task 1: "annotations" must be a list, not an integer'),
    ("predictions.json", json.dumps([_task(predictions=5)]), None, "json:",
     'task 1: "predictions" must be a list, not an integer'),
    ("relation-labels.json", json.dumps([_task(annotations=[{"result": [
        *_task()["annotations"][0]["result"],  # type: ignore[index]
        {"type": "relation", "from_id": "a", "to_id": "b", "labels": 7}]}])]), None,
     "json:", "labels must be a list, not an integer"),
    ("deep-data.json", "[" + json.dumps(_task())[:-1]
     + ', "data": {"text": "Nato og Russland", "x": ' + _deep(1000) + "}}]", None, "json:",
     "nests deeper than 32 levels"),
]


@pytest.mark.parametrize(("name", "content", "fmt", "where", "message"), TRACEBACKS_BEFORE,
                         ids=[c[0] for c in TRACEBACKS_BEFORE])
def test_bad_json_types_and_nesting_are_messages_not_tracebacks(
        sqlite_project: Project, tmp_path: Path, name: str, content: str, fmt: str | None,
        where: str, message: str) -> None:
    """Each of these raised a traceback before (issue 9, item 1)."""
    path = _write(tmp_path / name, content)
    if name.endswith(".ann"):
        _write(tmp_path / "offsets.txt", "Nato og Russland\n")
    report = import_paths(sqlite_project, [path], ImportOptions(format=fmt))
    messages = [str(p) for p in report.problems]
    assert report.rejected and any(str(path) in m and where in m and message in m
                                   for m in messages), messages
    assert _count(sqlite_project, Document) == 0


def test_a_date_with_thousands_of_slashes_is_a_message(sqlite_project: Project,
                                                      tmp_path: Path) -> None:
    """The date parser recursed once per "/": 3,000 of them raised RecursionError."""
    slashes = "2022/" * 3000 + "2022"
    path = _write(tmp_path / "dates.jsonl", _lines(
        {"text": "Nato", "meta": {"date": slashes}},
        {"text": "Nato 2", "meta": {"date": "2022-01/2022-02/2022-03"}}))
    ann = _write(tmp_path / "time.ann", f"T1\tTIME 0 4\tNato\nA1\tdate T1 {slashes}\n")
    _write(tmp_path / "time.txt", "Nato")
    report = import_paths(sqlite_project, [path, ann])
    messages = [str(p) for p in report.problems]
    assert sum("an interval has two ends" in m for m in messages) == 2, messages
    assert any("time.ann:1:" in m and "date needs a date" in m for m in messages), messages


def test_doccano_line_with_disagreeing_entities_and_label_is_refused(
        sqlite_project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path / "both.jsonl", _lines({
        "text": "Nato og Russland", "label": [[-5, 1000000000, "BOGUS"]],
        "entities": [{"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 4}]}))
    report = import_paths(sqlite_project, [path], ImportOptions(format="doccano"))
    assert [p.line for p in report.problems] == [1]
    assert 'both "entities" and "label" and they disagree' in str(report.problems[0])
    assert _count(sqlite_project, Document) == 0


def test_a_role_the_schema_lacks_is_refused_by_the_shared_rules(
        sqlite_project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path / "role.jsonl", _lines(
        {"type": "entity", "key": "actor/putin", "kind": "actor", "name": "Putin"},
        {"type": "entity", "key": "meeting/x", "kind": "meeting", "name": "Møte",
         "values": [{"attribute": "participants", "ref": "actor/putin", "role": "dictator"}]}))
    report = import_paths(sqlite_project, [path])
    assert any(":2:" in str(p) and "'dictator' is not a role of participants" in str(p)
               for p in report.problems), report.problems
    assert _count(sqlite_project, Document) == 0


NUL_FILES = [
    ("nul.jsonl", _lines({"text": "Nato\u0000 møtes"}), None),
    ("nul-title.jsonl", _lines({"text": "Nato", "meta": {"title": "a\u0000b"}}), None),
    ("nul-meta.jsonl", _lines({"text": "Nato", "meta": {"x": [{"y": "\u0000"}]}}), None),
    ("nul-doccano.jsonl", _lines({"text": "Nato\u0000", "label": []}), "doccano"),
    ("nul-ls.json", json.dumps([{"data": {"text": "Nato\u0000 og Russland"}}]), None),
    ("nul.conllu", "1\tNa\u0000to\t_\t_\t_\t_\t_\t_\t_\tname=B-ACTOR\n\n", None),
    ("nul.txt", ("Nato møtes.\n" * 1000 + "\u0000 etter 8 KB\n").encode("utf-8"), None),
    ("nul-utf16.txt", "\ufeffNato\u0000 møtes\n".encode("utf-16-le"), None),
    ("nul-brat.ann", "T1\tACTOR 0 4\tNato\n", None),
]


@pytest.mark.parametrize(("name", "content", "fmt"), NUL_FILES, ids=[n for n, _, _ in NUL_FILES])
def test_nul_characters_are_refused_for_every_format_on_both_backends(
        project: Project, tmp_path: Path, name: str, content: str | bytes,
        fmt: str | None) -> None:
    """SQLite's length() stops at NUL and PostgreSQL refuses it: one rule, at import."""
    path = _write(tmp_path / name, content)
    if name.endswith(".ann"):
        _write(tmp_path / "nul-brat.txt", "Nato\u0000 og Russland\n")
    report = import_paths(project, [path], ImportOptions(format=fmt))
    assert report.rejected
    assert any("NUL" in str(p) and str(path) in str(p) for p in report.problems), \
        report.problems
    assert _count(project, Document) == 0


def test_names_that_do_not_fit_their_columns_are_refused_on_both_backends(
        project: Project, tmp_path: Path) -> None:
    path = _write(tmp_path / "long.jsonl", _lines(
        {"id": "x" * 300, "text": "Nato"},
        {"text": "Nato møtes", "spans": [{**SPAN, "annotator": "a" * 200}]},
        {"text": "Russland", "states": {"": "done"}}))
    report = import_paths(project, [path])
    messages = [str(p) for p in report.problems]
    assert any(":1:" in m and "longer than 256" in m for m in messages), messages
    assert any(":2:" in m and "longer than 128" in m for m in messages), messages
    assert any(":3:" in m and "names no annotator" in m for m in messages), messages


def test_offsets_are_checked_before_normalisation_moves_them(
        sqlite_project: Project, tmp_path: Path) -> None:
    """A negative or past-the-end offset in text that NFC changes was clipped, not refused."""
    text = "Ge\u0301ne\u0300ve og Nato"
    path = _write(tmp_path / "clip.jsonl", _lines(
        {"text": text, "spans": [{"id": "a", "start": -3, "end": 4, "label": "PLACE"}]},
        {"text": text, "spans": [{"id": "b", "start": 10, "end": 99, "label": "ACTOR"}]},
        {"text": text, "parts": [["title", 0, 500]]}))
    report = import_paths(sqlite_project, [path])
    assert sorted(p.line for p in report.problems) == [1, 2, 3]
    ls = _write(tmp_path / "clip.json", json.dumps([{"data": {"text": "😀 Nato"}, "annotations": [
        {"result": [{"id": "r", "type": "labels",
                     "value": {"start": 1, "end": 7, "labels": ["ACTOR"]}}]}]}]))
    report = import_paths(sqlite_project, [ls])
    assert "splits a character outside the Basic Multilingual Plane" in str(report.problems[0])


def test_metadata_is_bounded_in_depth_and_size(sqlite_project: Project, tmp_path: Path) -> None:
    def nested(depth: int) -> object:
        value: object = "bunn"
        for _ in range(depth):
            value = [value]
        return value

    path = _write(tmp_path / "meta.jsonl", _lines(
        {"text": "Nato 1", "meta": {"ok": nested(30)}},
        {"text": "Nato 2", "meta": {"deep": nested(300)}},
        {"text": "Nato 3", "meta": {"big": "x" * 1_000_001}}))
    report = import_paths(sqlite_project, [path])
    messages = {p.line: str(p) for p in report.problems}
    assert set(messages) == {2, 3}
    assert "nests deeper than 32 levels" in messages[2]
    assert "larger than 1,000,000 characters" in messages[3]
    ok = _write(tmp_path / "ok.jsonl", _lines({"text": "Nato 1", "meta": {"ok": nested(30)}}))
    assert not import_paths(sqlite_project, [ok]).problems


def test_a_document_longer_than_the_bound_is_refused(sqlite_project: Project,
                                                     tmp_path: Path) -> None:
    from akkord.domain.validation import MAX_TEXT_CHARS

    path = _write(tmp_path / "huge.jsonl", _lines({"text": "x" * (MAX_TEXT_CHARS + 1)}))
    report = import_paths(sqlite_project, [path])
    assert "Akkord takes documents of up to 10,000,000" in str(report.problems[0])


# -- issue 9, item 3: links and files outside the folder given ---------------------------------

def test_a_brat_text_that_is_a_link_is_refused_not_followed(
        sqlite_project: Project, tmp_path: Path) -> None:
    secret = _write(tmp_path / "secret.txt", "HEMMELIG innhold fra utsiden\n")
    folder = tmp_path / "archive"
    folder.mkdir()
    _write(folder / "doc.ann", "T1\tACTOR 0 8\tHEMMELIG\n")
    (folder / "doc.txt").symlink_to(secret)
    report = import_paths(sqlite_project, [folder])
    assert report.rejected
    assert "is a symbolic link" in str(report.problems[0])
    assert str(folder / "doc.txt") in str(report.problems[0])
    assert _count(sqlite_project, Document) == 0


def test_links_in_a_folder_are_refused_and_the_rest_imports(
        sqlite_project: Project, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    _write(outside / "passwd.txt", "root:x:0:0:root:/root:/bin/bash\n")
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder / "good.txt", ARTICLE)
    (folder / "stolen.txt").symlink_to(outside / "passwd.txt")
    (folder / "stolen.ann").symlink_to(outside / "passwd.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")  # not a regular file: skipped, never opened (no hang)
    report = import_paths(sqlite_project, [folder])
    refused = sorted(Path(p.source).name for p in report.problems)
    assert refused == ["elsewhere", "stolen.ann"] or refused == ["elsewhere", "stolen.ann",
                                                                 "stolen.txt"]
    assert all("symbolic link" in p.message for p in report.problems)
    assert report.total("documents") == 1
    with sqlite_project.read() as session:
        assert "root:x:0" not in (session.scalar(select(Document.text)) or "")


def test_a_link_or_fifo_given_directly_is_refused(sqlite_project: Project,
                                                  tmp_path: Path) -> None:
    _write(tmp_path / "real.txt", ARTICLE)
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    report = import_paths(sqlite_project, [tmp_path / "link.txt", tmp_path / "pipe.txt"])
    assert [f.rejected for f in report.files] == [True, True]
    assert "symbolic link" in str(report.problems[0])
    assert "not a regular file" in str(report.problems[1])


def test_the_layer_to_import_into_must_fit_its_column(project: Project, tmp_path: Path) -> None:
    from akkord.errors import AkkordError

    path = _write(tmp_path / "a.jsonl", _lines({"text": "Nato"}))
    with pytest.raises(AkkordError, match="longer than 128"):
        import_paths(project, [path], ImportOptions(annotator="a" * 129))
    assert _count(project, Document) == 0
