"""The open document's model answers what the window asks after every edit without the
database; its answers must be the service's."""

from __future__ import annotations

from akkord.gui.document_model import DocumentModel
from akkord.services.annotation import Annotation
from akkord.store import Project
from akkord.store.models import Document
from tests.services.editing import add, link, new_entity

TEXT = "Nato svarer. NATO venter. Nato-sjefen, nato og Natos krav. Nato."


def _spans(word: str) -> list[tuple[int, int]]:
    spans, start = [], TEXT.find(word)
    while start >= 0:
        spans.append((start, start + len(word)))
        start = TEXT.find(word, start + 1)
    return spans


def test_identical_unlinked_in_the_model_is_the_services(project: Project) -> None:
    with project.write() as session:
        doc = Document(content_hash="m", text=TEXT, meta={}, parts=[])
        session.add(doc)
        session.flush()
        doc_id = doc.id
    kari = Annotation(project, "kari")
    spans = [s for s in _spans("Nato") + _spans("NATO") + _spans("nato") if TEXT[s[1]] != "s"]
    ids = [add(kari, doc_id, span, "ACTOR") for span in sorted(spans)]
    add(kari, doc_id, _spans("Natos")[0], "ACTOR")  # another form
    other_label = add(kari, doc_id, _spans("svarer")[0], "ACTOR")
    link(kari, ids[1], new_entity(kari, "actor", "Nato"))  # linked: not offered
    model = DocumentModel(kari.load_document(doc_id))
    for mention in [*ids, other_label]:
        expected = sorted(kari.identical_unlinked(mention, project_wide=False))
        assert sorted(model.identical_unlinked(mention)) == expected
    assert len(model.identical_unlinked(ids[0])) == len(ids) - 2  # itself and the linked
