"""CoNLL and CoNLL-U: NorNE in and out with seqeval F1 = 1.0, tags of overlapping spans."""

from __future__ import annotations

from pathlib import Path

from seqeval.metrics import f1_score
from seqeval.metrics.sequence_labeling import get_entities
from sqlalchemy import func, select

from akkord.formats.conll import read_conll
from akkord.formats.records import DocumentRecord, Problem
from akkord.services.exporting import export
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import Project
from akkord.store.models import SchemaVersion
from tests.conftest import NORNE, needs_shared
from tests.formats.corpora import article_project

NORNE_LABELS = {"PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV"}


def read_tags(path: Path) -> list[list[str]]:
    """Sentences of tags from a CoNLL-2003-style or CoNLL-U (name=) file."""
    sentences: list[list[str]] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith(("#", "-DOCSTART-")):
            if current:
                sentences.append(current)
                current = []
            continue
        columns = line.split("\t")
        if len(columns) == 10:
            if columns[0].isdigit():
                misc = dict(item.partition("=")[::2] for item in columns[9].split("|"))
                current.append(misc.get("name", "O"))
        else:
            current.append(line.split()[-1])
    if current:
        sentences.append(current)
    return sentences


def read_tokens(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(("#", "-DOCSTART-")):
            columns = line.split("\t")
            out.append(columns[1] if len(columns) == 10 else line.split()[0])
    return out


def _schema_versions(project: Project) -> int:
    with project.read() as session:
        return session.scalar(select(func.count()).select_from(SchemaVersion)) or 0


def test_norne_round_trip_has_f1_one(project: Project, tmp_path: Path) -> None:
    norne = needs_shared(NORNE / "no_bokmaal-ud-test.conllu")
    report = import_paths(project, [norne], ImportOptions(add_labels=True))
    assert not report.problems, [str(p) for p in report.problems[:3]]
    assert set(report.labels_added) == NORNE_LABELS
    assert report.total("mentions") == 1383  # every B- tag of the file
    assert set(project.schema.label_names) >= NORNE_LABELS
    for fmt in ("conll", "conllu"):
        out = tmp_path / f"norne.{fmt}"
        exported = export(project, fmt, out)
        assert exported.documents == 1 and not exported.notes
        original, written = read_tags(norne), read_tags(out)
        assert len(written) == len(original) == 1939
        assert read_tokens(out) == read_tokens(norne)
        assert f1_score(original, written) == 1.0
        assert get_entities(written) == get_entities(original)


def test_norne_text_is_joined_by_space_after(tmp_path: Path) -> None:
    norne = needs_shared(NORNE / "no_bokmaal-ud-test.conllu")
    [doc] = [r for r in read_conll(norne) if isinstance(r, DocumentRecord)]
    assert doc.external_id == "no_bokmaal-ud-test"
    lines = doc.text.split("\n")
    assert lines[0] == ('Honnørordene er "dristig formspråk", " nyskapning " og '
                        '"livgivende kontrast".')
    assert "" in lines  # a # newpar became a blank line
    people = [doc.text[s.start:s.end] for s in doc.spans if s.label == "PER"]
    assert "Rolf Jacobsen" in people


def test_a_rejected_import_adds_no_labels(sqlite_project: Project, tmp_path: Path) -> None:
    bad = tmp_path / "bad.conll"
    # the first document adds PER; the second has a bad tag, so the file is rejected
    bad.write_text("-DOCSTART- -X- -X- O\n\nPutin B-PER\nmøtte O\nBiden B-PER\n\n"
                   "-DOCSTART- -X- -X- O\n\nNato I-ORG\nsvarer X-ORG\n", encoding="utf-8")
    before = _schema_versions(sqlite_project)
    report = import_paths(sqlite_project, [bad], ImportOptions(add_labels=True))
    assert report.rejected
    assert [(p.line, "'X-ORG' is not an IOB tag" in p.message) for p in report.problems] == [
        (10, True)]
    assert _schema_versions(sqlite_project) == before
    assert "PER" not in sqlite_project.schema.label_names


def test_map_and_add_together(sqlite_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "two.conll"
    path.write_text("-DOCSTART- -X- -X- O\n\nPutin B-PER\nmøtte O\n# O\nNato B-ORG\n\n"
                    "-DOCSTART- -X- -X- O\n\nBiden I-PER\n", encoding="utf-8")
    records = [r for r in read_conll(path) if not isinstance(r, Problem)]
    assert [r.external_id for r in records if isinstance(r, DocumentRecord)] == ["two",
                                                                                 "two-2"]
    assert isinstance(records[0], DocumentRecord)
    assert records[0].text == "Putin møtte # Nato"  # a "#" inside a sentence is a token
    report = import_paths(sqlite_project, [path],
                          ImportOptions(label_map={"PER": "ACTOR"}, add_labels=True))
    assert not report.problems and report.labels_added == ["ORG"]
    assert report.total("documents") == 2 and report.total("mentions") == 3
    assert "PER" not in sqlite_project.schema.label_names


def test_overlaps_are_noted_and_tags_are_the_mentions(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        report = export(project, "conll", tmp_path / "a.conll")
        export(project, "conllu", tmp_path / "a.conllu")
    assert report.documents == 2
    notes = "\n".join(report.notes)
    assert "overlapping mentions left out" in notes and "'Nato'" in notes
    assert "tokens cut at a mention boundary" in notes and "'Nato-sjefen'" in notes
    assert "suggested mentions left out" in notes
    tokens = read_tokens(tmp_path / "a.conll")
    flat = [t for s in read_tags(tmp_path / "a.conll") for t in s]
    entities = {(" ".join(tokens[a:b + 1]), label) for label, a, b in get_entities(flat)}
    assert {("Jens Stoltenberg", "ACTOR"), ("Nato", "ACTOR"), ("Brussel", "PLACE"),
            ("Nato–Russland-rådet", "MEETING"), ("onsdag 12. januar", "TIME"),
            ("alliansen stanser utvidelsen østover", "DEMAND"), ("USA", "ACTOR")} <= entities
    # the DEMAND across a line break stays in one sentence
    assert read_tags(tmp_path / "a.conll") == read_tags(tmp_path / "a.conllu")
    conllu = (tmp_path / "a.conllu").read_text("utf-8")
    assert "# newdoc id = art-1" in conllu and "SpaceAfter=No|name=B-ACTOR" in conllu
    assert "# newpar" in conllu  # art-2 has a blank line


def test_conllu_export_imports_back_to_the_same_text(sqlite_project: Project,
                                                     tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        export(project, "conllu", tmp_path / "a.conllu")
    docs = [r for r in read_conll(tmp_path / "a.conllu") if isinstance(r, DocumentRecord)]
    assert docs[1].text == "USA svarte skriftlig.\n\nIngen innrømmelser."
    assert [(docs[1].text[s.start:s.end], s.label) for s in docs[1].spans] == [("USA",
                                                                                "ACTOR")]
    first = docs[0]
    assert ("Jens Stoltenberg", "ACTOR") in {(first.text[s.start:s.end], s.label)
                                             for s in first.spans}
