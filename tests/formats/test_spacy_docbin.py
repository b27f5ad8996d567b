"""spaCy DocBin: read back with spaCy itself; ents, span groups, kb ids, user data."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.tokens import DocBin

from akkord.formats.spacy_docbin import words_and_spaces
from akkord.services.exporting import ExportOptions, export
from tests.formats.corpora import TEXT, article_project


def test_docbin_loads_with_spans_ents_and_metadata(tmp_path: Path) -> None:
    with article_project(tmp_path) as project:
        report = export(project, "spacy", tmp_path / "corpus.spacy")
    nlp = spacy.blank("nb")
    docs = list(DocBin().from_disk(tmp_path / "corpus.spacy").get_docs(nlp.vocab))
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
        export(project, "spacy", tmp_path / "k.spacy",
               ExportOptions(annotators=["kari"], labels=["MEETING"]))
    docs = list(DocBin().from_disk(tmp_path / "k.spacy").get_docs(spacy.blank("nb").vocab))
    assert [(s.text, s.label_) for d in docs for s in d.spans["akkord"]] == [("Møtet",
                                                                              "MEETING")]


def test_words_and_spaces_rebuild_the_text() -> None:
    text = "  a b\n\nc  d "
    words, spaces, where = words_and_spaces(text, [(2, 3), (4, 5), (7, 8), (10, 11)])
    doc = spacy.tokens.Doc(spacy.blank("nb").vocab, words=words, spaces=spaces)
    assert doc.text == text
    assert [doc[i].text for i in where] == ["a", "b", "c", "d"]
