"""The hostile corpus (tests/hostile.py) imports through every reader that can carry it and
exports through every writer, kept as text (issue 8's guard, issue 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from akkord.formats.registry import WRITERS
from akkord.services.exporting import export
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import open_project
from akkord.store.models import Document, Entity, EntityAlias, Mention, Relation
from tests.hostile import (
    HOSTILE_NAMES,
    HOSTILE_TEXTS,
    IMG,
    NUL_TEXT,
    hostile_project,
    write_hostile_corpus,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile_corpus(tmp_path_factory.mktemp("hostile") / "corpus")


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_project(tmp_path_factory.mktemp("hostile-project") / "hostile.akkord",
                           long_lines=True)


@pytest.mark.parametrize(("name", "fmt", "documents"), [
    ("articles", None, len(HOSTILE_TEXTS)), ("native.jsonl", None, len(HOSTILE_TEXTS) + 1),
    ("plain.jsonl", None, len(HOSTILE_TEXTS) + 1), ("brat", None, 1),
    ("doccano.jsonl", "doccano", len(HOSTILE_TEXTS) + 1),
    ("labelstudio.json", None, len(HOSTILE_TEXTS) + 1), ("hostile.conllu", None, 1),
])
def test_every_reader_takes_the_hostile_corpus_as_text(
        corpus: Path, tmp_path: Path, name: str, fmt: str | None, documents: int) -> None:
    with open_project(tmp_path / "p.akkord", create=True) as project:
        report = import_paths(project, [corpus / name], ImportOptions(format=fmt))
        assert not report.problems, report.problems
        assert report.total("documents") == documents
        with project.read() as session:
            texts = session.scalars(select(Document.text)).all()
            titles = session.scalars(select(Document.title)).all()
    joined = "\n".join(texts)
    assert "<b>" in joined or "&lt;i&gt;" in joined or "<img" in joined
    if name not in ("brat", "hostile.conllu"):
        assert any(t and "<" in t for t in titles)  # markup stays in the title, as text


def test_the_hostile_project_holds_markup_as_data(project_file: Path) -> None:
    with open_project(project_file) as project, project.read() as session:
        names = set(session.scalars(select(Entity.name)))
        aliases = set(session.scalars(select(EntityAlias.alias)))
        assert {HOSTILE_NAMES[0], HOSTILE_NAMES[2]} <= names
        assert HOSTILE_NAMES[1] in aliases
        assert session.scalar(select(Document.title).where(
            Document.external_id == "hostile-1")) == f"Nyheter {IMG}"
        assert len(session.scalars(select(Mention.id)).all()) >= 7
        assert len(session.scalars(select(Relation.id)).all()) == 4
        longest = max(len(t) for t in session.scalars(select(Document.text)))
        assert longest > 2_000_000  # the two 1 MB lines


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_writer_exports_the_hostile_project(project_file: Path, tmp_path: Path,
                                                  fmt: str) -> None:
    with open_project(project_file) as project:
        report = export(project, fmt, tmp_path / f"out-{fmt}")
    assert report.documents == len(HOSTILE_TEXTS) + 1
    out = tmp_path / f"out-{fmt}"
    if fmt == "jsonl":
        lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        assert any(line.get("name") == HOSTILE_NAMES[0] for line in lines)
    if fmt == "labelstudio":
        config = (out / "config.xml").read_text("utf-8")
        assert "<script" not in config


def test_a_nul_character_is_refused_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "nul.jsonl"
    path.write_text(json.dumps({"text": NUL_TEXT}) + "\n", encoding="utf-8")
    with open_project(tmp_path / "p.akkord", create=True) as project:
        report = import_paths(project, [path])
    assert report.rejected and "NUL character" in str(report.problems[0])
