"""The export service: every format honours the options, writes atomically, can cancel."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from akkord.errors import AkkordError
from akkord.formats.records import DocumentRecord, EntityRecord, RelationRecord, SpanRecord
from akkord.formats.registry import WRITERS
from akkord.services.atomic import EXPORT_MARKER, atomic_folder
from akkord.services.exporting import ExportOptions, export, export_jsonl
from akkord.services.importing import import_paths
from akkord.services.progress import Cancelled, Progress
from akkord.store import Project, open_project
from tests.formats.corpora import article_project, snapshot, write_native

FORMATS = list(WRITERS)


class CancelAfter(Progress):
    """Asks to stop after ``steps`` documents, as the GUI's Cancel button does."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.done = 0
        self.started: list[tuple[int | None, str]] = []
        self.finished = False

    def start(self, total: int | None, description: str) -> None:
        self.started.append((total, description))

    def advance(self, steps: int = 1) -> None:
        self.done += steps

    def finish(self) -> None:
        self.finished = True

    def cancelled(self) -> bool:
        return self.done >= self.steps


@pytest.fixture
def article(tmp_path: Path) -> Project:
    project = article_project(tmp_path)
    yield project
    project.close()


def _text_of(path: Path, data_only: bool = False) -> str:
    """Everything readable the export wrote (a spaCy file is read by spaCy); with
    ``data_only``, not the configuration files generated from the schema."""
    if path.suffix == ".jsonl" and path.read_bytes().startswith(b'{"type":"akkord"'):
        lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        return "\n".join(f"{s['label']} {d['text']}" for d in lines if "spans" in d
                         for s in d["spans"]) + "\n".join(d["text"] for d in lines
                                                         if "text" in d)
    if path.is_dir() and any(path.glob("*/*.spacy")):  # a spaCy export: read by spaCy
        vocab = spacy.blank("nb").vocab
        docs = [d for f in sorted(path.glob("*/*.spacy"))
                for d in DocBin().from_disk(f).get_docs(vocab)]
        return "\n".join(f"{s.label_}" for d in docs for s in d.spans["akkord"])
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    skipped = {".parquet", *((".conf", ".xml", ".md") if data_only else ())}
    return "\n".join(f.read_text("utf-8", errors="replace") for f in files
                     if f.is_file() and f.suffix not in skipped)


def _out(tmp_path: Path, fmt: str) -> Path:
    suffix = WRITERS[fmt].suffix
    return tmp_path / f"export-{fmt}{suffix}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_done_only_and_label_subset(article: Project, tmp_path: Path, fmt: str) -> None:
    everything = export(article, fmt, _out(tmp_path, fmt))
    assert everything.documents == 2
    assert "DEMAND" in _text_of(everything.path)
    chosen = export(article, fmt, tmp_path / f"actors{WRITERS[fmt].suffix}",
                    ExportOptions(labels=["ACTOR"], done_only=True))
    assert chosen.documents == 1  # only art-1 is marked done
    written = _text_of(chosen.path)
    assert "ACTOR" in written and "DEMAND" not in written and "MEETING" not in written
    assert "USA svarte" not in written  # art-2 is not done


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "brat", "tables", "spacy"])
def test_annotator_layer(article: Project, tmp_path: Path, fmt: str) -> None:
    report = export(article, fmt, _out(tmp_path, fmt), ExportOptions(annotators=["kari"]))
    written = _text_of(report.path, data_only=True)
    assert "MEETING" in written and "ACTOR" not in written  # kari marked one MEETING
    with pytest.raises(AkkordError, match="no annotator called nobody"):
        export(article, fmt, tmp_path / "x", ExportOptions(annotators=["nobody"]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_cancelled_export_leaves_nothing_and_keeps_the_old_one(
        article: Project, tmp_path: Path, fmt: str) -> None:
    out = _out(tmp_path, fmt)
    export(article, fmt, out)
    before = sorted(p.name for p in tmp_path.iterdir())
    old = _text_of(out)
    progress = CancelAfter(1)
    with pytest.raises(Cancelled):
        export(article, fmt, out, progress=progress)
    assert progress.finished and progress.started == [(2, f"Exporting {fmt}")]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary left
    assert _text_of(out) == old
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with pytest.raises(Cancelled):
        export(article, fmt, fresh / out.name, progress=CancelAfter(1))
    assert list(fresh.iterdir()) == []


def test_a_failing_writer_leaves_nothing(article: Project, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import akkord.formats.brat as brat

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(brat, "annotation_conf", broken)
    with pytest.raises(OSError, match="disk full"):
        export(article, "brat", tmp_path / "brat")
    assert not [p for p in tmp_path.iterdir() if "brat" in p.name]


def test_folders_are_replaced_only_when_akkord_wrote_them(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "thesis.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(AkkordError, match="holds other files"), atomic_folder(theirs):
        pass
    assert (theirs / "thesis.docx").exists()
    ours = tmp_path / "ours"
    with atomic_folder(ours) as temp:
        (temp / "a.txt").write_text("1", encoding="utf-8")
    assert (ours / EXPORT_MARKER).exists()
    with atomic_folder(ours) as temp:
        (temp / "b.txt").write_text("2", encoding="utf-8")
    assert sorted(p.name for p in ours.iterdir()) == [EXPORT_MARKER, "b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours", "theirs"]


def test_a_missing_optional_library_is_a_clear_error(article: Project, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "spacy" else real(name, *a))
    with pytest.raises(AkkordError, match=r"needs spacy.*pip install 'akkord\[export\]'"):
        export(article, "spacy", tmp_path / "x.spacy")
    assert not (tmp_path / "x.spacy").exists()
    with pytest.raises(AkkordError, match="unknown export format 'xml'"):
        export(article, "xml", tmp_path / "x.xml")


def test_jsonl_through_the_registry_is_the_native_export(article: Project,
                                                         tmp_path: Path) -> None:
    export_jsonl(article, tmp_path / "a.jsonl")
    export(article, "jsonl", tmp_path / "b.jsonl")
    export(article, WRITERS["jsonl"].name, tmp_path / "c.jsonl")
    first = (tmp_path / "a.jsonl").read_bytes()
    assert first == (tmp_path / "b.jsonl").read_bytes() == (tmp_path / "c.jsonl").read_bytes()
    assert first.count(b"\n") == 1 + 6 + 2  # header, entities, documents


def test_exporters_describe_themselves() -> None:
    assert {e.output for e in WRITERS.values()} == {"file", "folder"}
    assert all(e.description and e.name for e in WRITERS.values())
    assert WRITERS["brat"].output == WRITERS["spacy"].output == "folder"
    assert WRITERS["conllu"].suffix == ".conllu"


def test_an_unknown_label_is_an_error(article: Project, tmp_path: Path) -> None:
    with pytest.raises(AkkordError, match="no label PERSON in the project's schema"):
        export(article, "conll", tmp_path / "x.conll", ExportOptions(labels=["PERSON"]))
    assert not (tmp_path / "x.conll").exists()


def test_the_same_span_in_several_layers_is_ordered_by_annotator_name(tmp_path: Path,
                                                                      ) -> None:
    """Ties in (start, end, label) are ordered by annotator name, then status and entity
    key, not by the ids the import happened to give them; relations follow their spans."""
    text = "Nato møtte Russland."
    entities = [EntityRecord("actor/a", "actor", "A"), EntityRecord("actor/b", "actor", "B")]
    layers = ("ola", "kari", "gold")  # created in this order: ids run against the names
    spans = [SpanRecord(0, 4, "ACTOR", f"{name}1", name, "manual", "actor/b")
             for name in layers]
    spans += [SpanRecord(11, 19, "DEMAND", f"{name}2", name,
                         "accepted" if name == "kari" else "manual") for name in layers]
    relations = [RelationRecord(f"{name}1", f"{name}2", "claimant", name) for name in layers]
    project = open_project(tmp_path / "ties.akkord", create=True)
    source = write_native(tmp_path / "ties.jsonl", entities,
                          [DocumentRecord(text, "t", spans=spans, relations=relations)],
                          annotators=layers)
    assert not import_paths(project, [source]).problems
    _, (doc,) = snapshot(project)
    project.close()
    assert [(s.start, s.annotator) for s in doc.spans] == [
        (0, "gold"), (0, "kari"), (0, "ola"), (11, "gold"), (11, "kari"), (11, "ola")]
    assert [(r.head, r.tail, r.annotator) for r in doc.relations] == [
        ("T1", "T4", "gold"), ("T2", "T5", "kari"), ("T3", "T6", "ola")]
