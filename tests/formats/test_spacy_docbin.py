"""spaCy DocBin: read back with spaCy itself; ents, span groups, kb ids, user data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training import Corpus

from akkord.formats import spacy_docbin
from akkord.formats.spacy_docbin import words_and_spaces
from akkord.services.exporting import ExportOptions, export
from tests.formats.corpora import TEXT, article_project, load


def spacy_docs(folder: Path) -> list[Any]:
    """Every document of a spaCy export folder, as the README says to load them."""
    vocab = spacy.blank("nb").vocab
    return [doc for split in ("train", "dev", "test")
            for path in sorted((folder / split).glob("*.spacy"))
            for doc in DocBin().from_disk(path).get_docs(vocab)]


def test_docbin_loads_with_spans_ents_and_metadata(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        report = export(project, "spacy", tmp_path / "corpus")
    docs = spacy_docs(tmp_path / "corpus")
    assert report.documents == len(docs) == 2
    doc = docs[0]
    assert doc.text == TEXT
    spans = {(s.text, s.label_, s.kb_id_) for s in doc.spans["akkord"]}
    assert len(doc.spans["akkord"]) == 10  # written mentions (not the suggested one)
    assert {("Nato", "ACTOR", "actor/nato"), ("Jens Stoltenberg", "ACTOR", "actor/stoltenberg"),
            ("Nato–Russland-rådet", "MEETING", "meeting/nrc"),
            ("alliansen stanser\nutvidelsen østover", "DEMAND", "demand/stop"),
            ("onsdag 12. januar", "TIME", "")} <= spans
    ents = [(e.text, e.label_) for e in doc.ents]
    assert ("Nato–Russland-rådet", "MEETING") in ents
    assert ("Nato", "ACTOR") in ents  # the one in "Nato-sjefen", cut out of its token
    starts = [e.start_char for e in doc.ents]
    assert starts == sorted(starts) and len(ents) == 9  # not the ACTOR inside the MEETING
    assert doc.ents[0].kb_id_ == "actor/nato"
    user = doc.user_data["akkord"]
    assert user["id"] == "art-1" and user["title"] == "Møte i Brussel 😀"
    assert user["date"] == "2022-01" and len(user["hash"]) == 64
    group = doc.spans["akkord"]
    assert {(group[h].text, group[t].text, kind) for h, t, kind in user["relations"]} == {
        ("Russland", "alliansen stanser\nutvidelsen østover", "claimant"),
        ("Nato", "Nato–Russland-rådet", "participant"),
        ("onsdag 12. januar", "Nato–Russland-rådet", "time")}
    assert next(s.text for s in doc.sents).startswith("Nato-sjefen")
    assert sum(1 for _ in doc.sents) >= 2
    assert "overlapping mentions only in doc.spans" in "\n".join(report.notes)


def test_label_and_layer_options(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        export(project, "spacy", tmp_path / "k",
               ExportOptions(annotators=["kari"], labels=["MEETING"]))
    docs = spacy_docs(tmp_path / "k")
    assert [(s.text, s.label_) for d in docs for s in d.spans["akkord"]] == [("Møtet",
                                                                              "MEETING")]


def test_words_and_spaces_rebuild_the_text() -> None:
    text = "  a b\n\nc  d "
    words, spaces, where = words_and_spaces(text, [(2, 3), (4, 5), (7, 8), (10, 11)])
    doc = spacy.tokens.Doc(spacy.blank("nb").vocab, words=words, spaces=spaces)
    assert doc.text == text
    assert [doc[i].text for i in where] == ["a", "b", "c", "d"]


def test_shards_and_splits_are_read_by_spacys_corpus(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Many documents: train/dev/test folders of several files, which spaCy's own
    training corpus reads as they are; no document is in two splits."""
    monkeypatch.setattr(spacy_docbin, "SHARD_TOKENS", 40)
    from akkord.formats.records import DocumentRecord, SpanRecord
    from akkord.store import open_project

    docs = [DocumentRecord(f"Møtet {n} i Oslo varte lenge. Nato svarte {n} ganger.",
                           f"d{n}", spans=[SpanRecord(9 + len(str(n)), 13 + len(str(n)),
                                                      "PLACE", "p", "gold")])
            for n in range(40)]
    with open_project(tmp_path / "p.akkord", create=True) as project:
        load(project, tmp_path, [], docs)
        report = export(project, "spacy", tmp_path / "out", ExportOptions(seed=5))
    assert report.documents == 40 and not report.notes
    summary = json.loads((tmp_path / "out" / "splits.json").read_text("utf-8"))
    assert summary["documents"] == {"train": 32, "dev": 4, "test": 4}
    assert summary["files"]["train"] > 1  # sharded
    assert len(list((tmp_path / "out" / "train").glob("*.spacy"))) == summary["files"]["train"]
    nlp = spacy.blank("nb")
    seen: list[str] = []
    for split, count in summary["documents"].items():
        examples = list(Corpus(tmp_path / "out" / split)(nlp))
        assert len(examples) == count
        seen += [e.reference.user_data["akkord"]["id"] for e in examples]
        assert all([e.text for e in ex.reference.ents] == ["Oslo"] for ex in examples)
    assert sorted(seen) == sorted(f"d{n}" for n in range(40))


def test_too_few_documents_for_a_split_are_noted(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        report = export(project, "spacy", tmp_path / "out")
    assert any(n.startswith("empty splits: dev, test") for n in report.notes)
    assert not (tmp_path / "out" / "dev").exists()
    assert len(list((tmp_path / "out" / "train").glob("*.spacy"))) == 1


def test_msgpack_encoders_are_looked_up_once_per_export(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    """srsly looks its encoders up (entry points and all) on every msgpack call, three
    calls a document, unless the export says otherwise."""
    import catalogue
    from srsly.msgpack import msgpack_encoders

    calls = 0
    real = catalogue.Registry.get_entry_points

    def counting(self: Any) -> Any:
        nonlocal calls
        calls += self.namespace[0] == "srsly"
        return real(self)

    monkeypatch.setattr(catalogue.Registry, "get_entry_points", counting)
    with article_project(tmp_path) as project:
        export(project, "spacy", tmp_path / "out")
    assert calls == 1
    assert "get_all" not in vars(msgpack_encoders)  # srsly as it was after the export
