"""Stored tokens: computed once, read by later exports, the same as tokenising again."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from akkord.services import tokens as token_store
from akkord.services.exporting import export
from akkord.store import Project
from akkord.store.models import Document, DocumentTokens
from akkord.textproc.tokens import BaseTokens, Tokenizer, pack, unpack
from tests.formats.corpora import article_project

TOKEN_FORMATS = ("conll", "conllu", "hf")


@pytest.fixture
def article(tmp_path: Path) -> Iterator[Project]:
    project = article_project(tmp_path)
    yield project
    project.close()


def _rows(project: Project) -> list[tuple[int, str]]:
    with project.read() as session:
        return [(r.document_id, r.tokenizer) for r in session.execute(
            select(DocumentTokens.document_id, DocumentTokens.tokenizer))]


def _exported(project: Project, out: Path) -> dict[str, bytes]:
    """Every token format's bytes (the hf folder's JSON Lines)."""
    found = {}
    out.mkdir()
    for fmt in TOKEN_FORMATS:
        target = out / fmt
        export(project, fmt, target)
        found[fmt] = (target.read_bytes() if target.is_file()
                      else (target / "json" / "train.jsonl").read_bytes())
    return found


def test_pack_and_unpack() -> None:
    base = BaseTokens([(0, 3), (3, 4), (5, 70000), (70001, 70002)], [2, 3])
    assert unpack(pack(base)) == base
    assert unpack(pack(BaseTokens([], []))) == BaseTokens([], [])
    with pytest.raises(ValueError, match="not packed tokens"):
        unpack(b"not zlib")
    with pytest.raises(ValueError, match="wrong length"):
        unpack(zlib.compress(b"\x05\x00\x00\x00\x00\x00\x00\x00"))


def test_first_export_stores_tokens_and_later_ones_do_not_tokenise(
        article: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _rows(article) == []
    first = _exported(article, tmp_path / "first")
    rows = _rows(article)
    assert len(rows) == 2 and {r[1] for r in rows} == {token_store.signature()}

    def no_tokenising(*_args: object) -> list[tuple[int, int]]:
        raise AssertionError("tokenised again")

    monkeypatch.setattr(Tokenizer, "spacy_tokens", no_tokenising)
    assert _exported(article, tmp_path / "again") == first
    export(article, "spacy", tmp_path / "spacy")  # spaCy's Doc needs its vocab, not tokens


def test_stored_tokens_give_what_tokenising_gives(article: Project, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the store (a project that cannot be written) the export is the same."""
    def read_only(*_args: object) -> None:
        raise OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

    monkeypatch.setattr(token_store, "_upsert", read_only)
    in_memory = _exported(article, tmp_path / "memory")
    assert _rows(article) == []
    monkeypatch.undo()
    assert _exported(article, tmp_path / "stored") == in_memory
    assert len(_rows(article)) == 2


def test_tokens_of_another_tokenizer_or_unreadable_are_made_again(article: Project,
                                                                  tmp_path: Path) -> None:
    first = _exported(article, tmp_path / "first")
    with article.write() as session:
        ids = sorted(session.scalars(select(Document.id)))
        session.execute(update(DocumentTokens).where(DocumentTokens.document_id == ids[0])
                        .values(tokenizer="akkord 1; spacy 3.0.0"))
        session.execute(update(DocumentTokens).where(DocumentTokens.document_id == ids[1])
                        .values(tokens=b"garbage"))
    assert token_store.store_tokens(article, ids) == 1  # the other tokenizer's row
    assert _exported(article, tmp_path / "again") == first  # the garbage row is ignored
    with article.write() as session:
        session.delete(session.get(Document, ids[0]))
    assert [r[0] for r in _rows(article)] == [ids[1]]  # deleted with its document
