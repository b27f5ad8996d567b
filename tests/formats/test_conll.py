"""CoNLL and CoNLL-U: NorNE in and out with seqeval F1 = 1.0, tags of overlapping spans."""

from __future__ import annotations

from pathlib import Path

import pytest
from seqeval.metrics import f1_score
from seqeval.metrics.sequence_labeling import get_entities
from sqlalchemy import func, select

from akkord.formats.conll import MAX_SENTENCES, MIN_SENTENCES, read_conll, write_conllu
from akkord.formats.records import (
    Dataset,
    DocumentRecord,
    HeaderRecord,
    Problem,
    Record,
    SpanRecord,
)
from akkord.formats.writing import Notes, WriteSettings
from akkord.services.exporting import export
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import Project
from akkord.store.models import Mention, SchemaVersion
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


def _manual_mentions(project: Project) -> int:
    with project.read() as session:
        return session.scalar(select(func.count()).select_from(Mention)
                              .where(Mention.status == "manual")) or 0


def test_norne_round_trip_has_f1_one(project: Project, tmp_path: Path) -> None:
    norne = needs_shared(NORNE / "no_bokmaal-ud-test.conllu")
    report = import_paths(project, [norne], ImportOptions(add_labels=True))
    assert not report.problems, [str(p) for p in report.problems[:3]]
    assert set(report.labels_added) == NORNE_LABELS
    assert report.total("documents") == 138  # cut at paragraphs (see the next tests)
    assert _manual_mentions(project) == 1383  # every B- tag of the file
    assert set(project.schema.label_names) >= NORNE_LABELS
    for fmt in ("conll", "conllu"):
        out = tmp_path / f"norne.{fmt}"
        exported = export(project, fmt, out)
        assert exported.documents == 138
        assert all(n.startswith("suggested mentions left out") for n in exported.notes)
        original, written = read_tags(norne), read_tags(out)
        assert len(written) == len(original) == 1939
        assert read_tokens(out) == read_tokens(norne)
        assert f1_score(original, written) == 1.0
        assert get_entities(written) == get_entities(original)


def test_norne_conllu_goes_out_byte_for_byte_as_it_came_in(project: Project,
                                                           tmp_path: Path) -> None:
    """Lemmas, POS, features, heads, relations, sent_ids, every SpaceAfter=No (the 11
    sentence-final ones too), the comments and the document structure: all kept."""
    norne = needs_shared(NORNE / "no_bokmaal-ud-dev.conllu")
    report = import_paths(project, [norne], ImportOptions(add_labels=True))
    assert not report.problems and report.total("documents") == 177
    export(project, "conllu", tmp_path / "dev.conllu")
    assert (tmp_path / "dev.conllu").read_bytes() == norne.read_bytes()


def test_a_file_without_document_markers_is_cut_at_paragraphs() -> None:
    norne = needs_shared(NORNE / "no_bokmaal-ud-dev.conllu")
    docs = [r for r in read_conll(norne) if isinstance(r, DocumentRecord)]
    assert len(docs) == 177 == len({d.text for d in docs})
    assert [d.external_id for d in docs[:3]] == ["no_bokmaal-ud-dev", "no_bokmaal-ud-dev-2",
                                                 "no_bokmaal-ud-dev-3"]
    sentences = [d.meta["conllu"]["sentences"] for d in docs]
    assert sum(len(s) for s in sentences) == 2410
    assert min(len(s) for s in sentences) == MIN_SENTENCES
    assert max(len(s) for s in sentences) == MAX_SENTENCES
    for n, (doc, lines) in enumerate(zip(docs, sentences, strict=True), start=1):
        assert doc.meta["conllu"]["part"] == n
        starts_paragraph = lines[0][0] == "# newpar"
        assert n == 1 or starts_paragraph or len(sentences[n - 2]) == MAX_SENTENCES
        paragraphs = sum(line[0] == "# newpar" for line in lines[1:])
        assert doc.text.count("\n") == len(lines) - 1 + paragraphs  # a blank line each
        if paragraphs:  # a paragraph inside a document: it had too few sentences to cut
            first = next(k for k, line in enumerate(lines[1:], 1) if line[0] == "# newpar")
            assert first < MIN_SENTENCES


def test_document_markers_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "marked.conllu"
    path.write_text("# newdoc id = a\n# sent_id = a-1\n1\tPutin\tPutin\tPROPN\t_\t_\t0\troot"
                    "\t_\tname=B-PER\n\n# newpar\n# sent_id = a-2\n1\tNei\t_\t_\t_\t_\t0\t"
                    "root\t_\t_\n\n# newdoc id = b\n1\tJa\t_\t_\t_\t_\t0\troot\t_\t_\n\n",
                    encoding="utf-8")
    docs = [r for r in read_conll(path) if isinstance(r, DocumentRecord)]
    assert [(d.external_id, d.text) for d in docs] == [("a", "Putin\n\nNei"), ("b", "Ja")]
    assert "part" not in docs[0].meta["conllu"]  # a marked document is not cut further
    _write(docs, tmp_path / "out.conllu")
    assert (tmp_path / "out.conllu").read_text("utf-8") == path.read_text("utf-8")


def _records(text: str, tmp_path: Path, name: str = "in.conllu") -> list[Record]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(read_conll(path))


def _write(docs: list[DocumentRecord], out: Path) -> Notes:
    settings = WriteSettings()
    dataset = Dataset(HeaderRecord(), [], iter((d, str(n)) for n, d in enumerate(docs)),
                      len(docs))
    write_conllu(dataset, out, settings)
    return settings.notes


TREEBANK = ("# sent_id = s1\n# text = Nato-sjefen møtte Putin Oslo-møtet.\n"
            "1\tNato-sjefen\tNato-sjef\tNOUN\t_\tDefinite=Def\t2\tnsubj\t_\tname=O\n"
            "2\tmøtte\tmøte\tVERB\t_\tTense=Past\t0\troot\t_\tname=O\n"
            "3\tPutin\tPutin\tPROPN\t_\t_\t2\tobj\t_\tname=B-PER\n"
            "4-5\tOslo-møtet\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n"
            "4\tOslo\tOslo\tPROPN\t_\t_\t5\tcompound\t_\tname=B-GPE_LOC\n"
            "5\tmøtet\tmøte\tNOUN\t_\t_\t2\tobl\t_\tname=O\n"
            "5.1\tmøtte\tmøte\tVERB\t_\t_\t_\t_\t2:conj\tname=O\n"
            "6\t.\t$.\tPUNCT\t_\t_\t2\tpunct\t_\tSpaceAfter=No|name=O\n\n"
            "# sent_id = s2\n1\tJa\tja\tINTJ\t_\t_\t0\troot\t_\tname=O\n\n")


def test_changed_tags_rewrite_only_their_name(tmp_path: Path) -> None:
    [doc] = _records(TREEBANK, tmp_path)
    assert isinstance(doc, DocumentRecord)
    assert doc.text == "Nato-sjefen møtte Putin Oslo-møtet.\nJa"  # a multiword token
    assert [(doc.text[s.start:s.end], s.label) for s in doc.spans] == [
        ("Putin", "PER"), ("Oslo-møtet", "GPE_LOC")]
    assert not _write([doc], tmp_path / "same.conllu")
    assert (tmp_path / "same.conllu").read_text("utf-8") == TREEBANK
    start = doc.text.index("Nato")
    doc.spans = [SpanRecord(start, start + 4, "ORG", "n"),  # inside a token: widened
                 SpanRecord(doc.text.index("Putin"), len(doc.text), "PER", "p")]
    notes = "\n".join(_write([doc], tmp_path / "changed.conllu").lines())
    assert "mentions widened to whole tokens" in notes and "'Nato'" in notes
    assert "mentions across a sentence boundary" in notes
    lines = (tmp_path / "changed.conllu").read_text("utf-8").splitlines()
    expected = TREEBANK.splitlines()
    assert len(lines) == len(expected)
    changed = {i: line for i, line in enumerate(lines) if line != expected[i]}
    assert changed == {
        2: "1\tNato-sjefen\tNato-sjef\tNOUN\t_\tDefinite=Def\t2\tnsubj\t_\tname=B-ORG",
        5: "4-5\tOslo-møtet\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No|name=I-PER",
        6: "4\tOslo\tOslo\tPROPN\t_\t_\t5\tcompound\t_\tname=I-PER",
        7: "5\tmøtet\tmøte\tNOUN\t_\t_\t2\tobl\t_\tname=I-PER",
        9: "6\t.\t$.\tPUNCT\t_\t_\t2\tpunct\t_\tSpaceAfter=No|name=I-PER",
        12: "1\tJa\tja\tINTJ\t_\t_\t0\troot\t_\tname=B-PER"}


def test_documents_of_unmarked_files_read_back_the_same(tmp_path: Path) -> None:
    """Pieces of one file in order need no marker; anything else gets # newdoc."""
    first = "".join(f"# newpar\n1\tA{n}\t_\t_\t_\t_\t0\troot\t_\t_\n\n" for n in range(9))
    second = "".join(f"1\tB{n}\t_\t_\t_\t_\t0\troot\t_\t_\n\n" for n in range(35))
    docs = [r for text, name in ((first, "a.conllu"), (second, "b.conllu"))
            for r in _records(text, tmp_path, name) if isinstance(r, DocumentRecord)]
    assert [d.text.count("A") + d.text.count("B") for d in docs] == [3, 3, 3, 30, 5]
    for chosen in (docs, docs[1:], docs[:2] + docs[3:]):
        _write(chosen, tmp_path / "out.conllu")
        again = [r for r in read_conll(tmp_path / "out.conllu")
                 if isinstance(r, DocumentRecord)]
        assert [d.text for d in again] == [d.text for d in chosen]
    _write(docs, tmp_path / "all.conllu")
    written = (tmp_path / "all.conllu").read_text("utf-8")
    assert written.count("# newdoc id") == 2  # b and b-2 follow another file
    _write(docs[:3], tmp_path / "plain.conllu")
    assert (tmp_path / "plain.conllu").read_text("utf-8") == first


BAD_CONLLU = {
    "a multiword range that never ends": (
        "1-99999999999999999999\tdu\t_\t_\t_\t_\t_\t_\t_\t_\n"
        "1\tde\t_\t_\t_\t_\t0\troot\t_\tname=B-PER\n", 1, "too large"),
    "a range longer than its sentence": (
        "1-9\tdu\t_\t_\t_\t_\t_\t_\t_\t_\n1\tde\t_\t_\t_\t_\t0\troot\t_\t_\n", 1,
        "missing 8 of its words"),
    "ids out of order": ("1\ta\t_\t_\t_\t_\t0\troot\t_\t_\n"
                         "3\tb\t_\t_\t_\t_\t1\tdep\t_\t_\n", 2, "word 2 was expected"),
    "nine columns": ("1\ta\t_\t_\t_\t_\t0\troot\t_\t_\n2\tb\t_\t_\t_\t_\t1\tdep\t_\n",
                     2, "this one has 9"),
    "a huge id": ("1\ta\t_\t_\t_\t_\t0\troot\t_\t_\n" + "9" * 5000 +
                  "\tb\t_\t_\t_\t_\t1\tdep\t_\t_\n", 2, "too large"),
    "a non-ASCII digit": ("1\ta\t_\t_\t_\t_\t0\troot\t_\t_\n2²\tb\t_\t_\t_\t_\t1\tdep"
                          "\t_\t_\n", 2, "not a CoNLL-U word id"),
    "a misplaced empty node": ("1\ta\t_\t_\t_\t_\t0\troot\t_\t_\n"
                               "3.1\tb\t_\t_\t_\t_\t_\t_\t_\t_\n", 2, "empty node 3.1"),
    "a FORM with a space": ("1\ta b\t_\t_\t_\t_\t0\troot\t_\t_\n", 1, "holds whitespace"),
    "a bad tag": ("1\ta\t_\t_\t_\t_\t0\troot\t_\tname=X-PER\n", 1, "not an IOB tag"),
}


@pytest.mark.parametrize("case", list(BAD_CONLLU))
def test_malformed_conllu_is_a_problem_with_its_line(sqlite_project: Project, tmp_path: Path,
                                                     case: str) -> None:
    body, line, message = BAD_CONLLU[case]
    path = tmp_path / "bad.conllu"
    # a good sentence before and after: the file is rejected whole, nothing silently lost
    good = "1\tNato\t_\t_\t_\t_\t0\troot\t_\tname=B-ORG\n\n"
    path.write_text(good + body + "\n" + good, encoding="utf-8")
    report = import_paths(sqlite_project, [path], ImportOptions(add_labels=True))
    assert report.rejected and report.total("documents") == 0
    assert [(p.line, message in p.message) for p in report.problems] == [(line + 2, True)]
    assert str(report.problems[0]).startswith(f"{path}:{line + 2}: ")


BAD_CONLL = {
    "a line with another column count": ("Putin B-PER\nmøtte _ O\n", 2, "line 1 has 2"),
    "only a DOCSTART": ("-DOCSTART- -X- -X- O\n\n", None, "no tokens"),
    "an empty file": ("", None, "no tokens"),
}


@pytest.mark.parametrize("case", list(BAD_CONLL))
def test_malformed_conll_is_a_problem(tmp_path: Path, case: str) -> None:
    body, line, message = BAD_CONLL[case]
    problems = [r for r in _records(body, tmp_path, "bad.conll") if isinstance(r, Problem)]
    assert [(p.line, message in p.message) for p in problems] == [(line, True)]


def test_norne_text_is_joined_by_space_after() -> None:
    norne = needs_shared(NORNE / "no_bokmaal-ud-test.conllu")
    docs = [r for r in read_conll(norne) if isinstance(r, DocumentRecord)]
    doc = docs[0]
    assert doc.external_id == "no_bokmaal-ud-test"
    lines = doc.text.split("\n")
    assert lines[0] == ('Honnørordene er "dristig formspråk", " nyskapning " og '
                        '"livgivende kontrast".')
    people = [d.text[s.start:s.end] for d in docs for s in d.spans if s.label == "PER"]
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
