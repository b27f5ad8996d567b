"""brat standoff: .ann lines as brat's format defines them, line breaks, round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from akkord.formats.brat import fragments, read_brat
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

T_LINE = re.compile(r"^T\d+\t[A-Za-z_][\w\-]* \d+ \d+(;\d+ \d+)*\t[^\t\n]*$")
R_LINE = re.compile(r"^R\d+\t\w+ Arg1:T\d+ Arg2:T\d+$")
A_LINE = re.compile(r"^A\d+\t\w+ T\d+( \S+)?$")
N_LINE = re.compile(r"^N\d+\tReference T\d+ akkord:\S+\t[^\t\n]+$")


@pytest.fixture(scope="module")
def empty_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.akkord"
    open_project(path, create=True).close()
    return path


def test_ann_lines_are_valid_standoff(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        report = export(project, "brat", tmp_path / "brat")
    folder = tmp_path / "brat"
    assert report.documents == 2
    assert {p.name for p in folder.iterdir()} >= {"art-1.txt", "art-1.ann", "art-2.txt",
                                                  "art-2.ann", "annotation.conf", "visual.conf"}
    text = (folder / "art-1.txt").read_text("utf-8")
    lines = (folder / "art-1.ann").read_text("utf-8").splitlines()
    for line in lines:
        assert any(p.match(line) for p in (T_LINE, R_LINE, A_LINE, N_LINE)), line
    mentions = {}
    for line in lines:
        if line.startswith("T"):
            tid, middle, surface = line.split("\t")
            pieces = [tuple(map(int, f.split())) for f in middle.split(" ", 1)[1].split(";")]
            # brat checks this: the text field is the fragments' text joined by a space
            assert surface == " ".join(text[a:b] for a, b in pieces)
            mentions[tid] = (middle.split()[0], text[pieces[0][0]:pieces[-1][1]])
    assert ("DEMAND", "alliansen stanser\nutvidelsen østover") in mentions.values()
    assert ("ACTOR", "Jens Stoltenberg") in mentions.values()
    by_text = {v[1]: k for k, v in mentions.items()}
    assert f"A1\tAccepted {by_text['Jens Stoltenberg']}" in lines
    assert any(line.endswith(f"date {by_text['onsdag 12. januar']} 2022-01-12")
               for line in lines)
    assert (f"Reference {by_text['Jens Stoltenberg']} akkord:actor/stoltenberg\t"
            "Jens Stoltenberg") in "\n".join(lines)
    assert sum(line.startswith("R") for line in lines) == 3
    conf = (folder / "annotation.conf").read_text("utf-8")
    for section in ("[entities]", "[relations]", "[events]", "[attributes]"):
        assert section in conf
    assert "claimant\tArg1:ACTOR, Arg2:DEMAND" in conf
    assert "date\tArg:TIME, Value:2022-01-12" in conf


def test_fragments_split_at_line_breaks_like_brat() -> None:
    text = "ab\ncd\n\n\tef"
    assert fragments(text, 0, len(text)) == [(0, 2), (3, 5), (8, 10)]
    assert fragments(text, 2, 3) == []


def test_reading_reports_bad_lines_and_reads_events_free_files(tmp_path: Path) -> None:
    (tmp_path / "d.txt").write_text("Putin møtte Biden.\r\n", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tPER 0 5\tPutin\nT2\tPER 12 17\tBiden\n"
                                    "R1\tmeets Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T1\thei\n"
                                    "A1\tNegated T2\n", encoding="utf-8")
    [doc] = list(read_brat(tmp_path / "d.ann"))
    assert isinstance(doc, DocumentRecord) and doc.external_id == "d"
    assert doc.text == "Putin møtte Biden.\n"
    assert [(doc.text[s.start:s.end], s.label) for s in doc.spans] == [("Putin", "PER"),
                                                                       ("Biden", "PER")]
    assert doc.relations[0].type == "meets"
    assert doc.spans[1].values[0].attribute == "Negated" and doc.spans[1].values[0].flag
    (tmp_path / "e.txt").write_text("kort", encoding="utf-8")
    (tmp_path / "e.ann").write_text("T1\tPER 0 99\tkort\nX1\tfoo\n", encoding="utf-8")
    problems = list(read_brat(tmp_path / "e.ann"))
    assert [p.line for p in problems if isinstance(p, Problem)] == [1, 2]


def test_a_folder_imports_each_pair_once(sqlite_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with article_project(tmp_path) as project:
        export(project, "brat", tmp_path / "brat")
    report = import_paths(sqlite_project, [tmp_path / "brat"])  # by suffix: .ann
    assert not report.problems, [str(p) for p in report.problems]
    assert [f.format for f in report.files] == ["brat", "brat"]
    assert report.total("documents") == 2 and report.total("entities") == 6
    again = import_paths(sqlite_project, [tmp_path / "brat"],
                         ImportOptions(format="brat", annotator="kari"))
    assert again.total("existing") == 2 and again.total("mentions") == 11


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(docs=corpora())
def test_export_import_keeps_what_brat_holds(docs: list[DocumentRecord], tmp_path_factory:
                                             pytest.TempPathFactory, empty_project: Path
                                             ) -> None:
    """brat holds the text, the external id (as the file name), the written mentions
    (status manual or accepted, which comes back) with their label, linked entity key
    and name, and attribute values (a TIME mention's date), and the relations between
    them. A mention's offsets come back trimmed of line breaks at its edges (brat cannot
    mark them; a mention of line breaks only is not written). brat holds no layers
    (the import's layer, gold here), titles, dates or metadata."""
    tmp = tmp_path_factory.mktemp("brat")
    with open_project(tmp / "a.akkord", create=True) as source:
        load(source, tmp, ENTITIES, docs)
        before_entities, before = snapshot(source)
        export(source, "brat", tmp / "brat")
    with reimport(tmp, empty_project, tmp / "brat", "brat") as target:
        after_entities, after = snapshot(target)
    names = {e.key: e.name for e in before_entities}

    def span(doc: DocumentRecord, s):  # type: ignore[no-untyped-def]
        pieces = fragments(doc.text, s.start, s.end)
        if not pieces:
            return None
        values = tuple(sorted((v.attribute, str(v.plain())) for v in s.values))
        return (pieces[0][0], pieces[-1][1], s.label, s.status, s.entity, values)

    def document(d: DocumentRecord):  # type: ignore[no-untyped-def]
        return d.external_id if d.external_id else "numbered"

    def numbered(d: DocumentRecord):  # type: ignore[no-untyped-def]
        return d.external_id if not re.fullmatch(r"doc\d{5}", d.external_id or "") else \
            "numbered"

    assert projected(after, span, numbered) == projected(before, span, document)
    assert {e.key: e.name for e in after_entities} == {
        k: names[k] for k in {s.entity for d in after for s in d.spans if s.entity}}
    assert all(s.annotator == "gold" for d in after for s in d.spans)
