"""The open document's model answers what the window asks after every edit without the
database; its answers must be the service's."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from akkord.domain.entities import fold
from akkord.gui.document_model import DocumentModel
from akkord.services.annotation import Annotation
from akkord.services.views import DocumentView
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


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["drop_mention", "drop_relation", "put"]),
                                st.integers(0, 10_000)), max_size=40))
def test_relations_of_is_the_scan_of_every_relation(demo: Project, steps: list[tuple[str, int]]
                                                     ) -> None:
    """The model indexes relations by mention (the view asks on every repaint); after any
    sequence of puts and drops its answer must be the plain scan's."""
    ingrid = Annotation(demo, "Ingrid")
    doc_id = max((ingrid.load_document(d).relations and d) or 0 for d in _document_ids(demo))
    view = ingrid.load_document(doc_id)
    assert view.relations
    model, kept = DocumentModel(view), list(view.relations)
    for step, pick in steps:
        if step == "drop_mention" and model.mentions:
            model.drop_mention(sorted(model.mentions)[pick % len(model.mentions)])
        elif step == "drop_relation" and model.relations:
            model.drop_relation(sorted(model.relations)[pick % len(model.relations)])
        elif step == "put" and kept:
            relation = kept[pick % len(kept)]
            if {relation.head, relation.tail} <= model.mentions.keys():
                model.put_relation(replace(relation, type=f"t{pick}"))
    for mention_id in view_mentions(view):
        scanned = sorted((r for r in model.relations.values()
                          if mention_id in (r.head, r.tail)), key=lambda r: r.id)
        assert model.relations_of(mention_id) == scanned


def _document_ids(project: Project) -> list[int]:
    with project.read() as session:
        return list(session.scalars(select(Document.id)))


def view_mentions(view: DocumentView) -> list[int]:
    return [m.id for m in view.mentions]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["drop", "relink", "unlink", "move", "put"]),
                                st.integers(0, 10_000)), max_size=40))
def test_mentions_by_entity_and_identical_unlinked_are_the_scans(
        demo: Project, steps: list[tuple[str, int]]) -> None:
    """The model indexes mentions by entity and by label and length (a link asks both);
    after any sequence of puts and drops its answers must be the plain scans'."""
    ingrid = Annotation(demo, "Ingrid")
    doc_id = max(_document_ids(demo), key=lambda d: len(ingrid.load_document(d).mentions))
    view = ingrid.load_document(doc_id)
    model, kept = DocumentModel(view), list(view.mentions)
    entities = sorted({m.entity_id for m in kept if m.entity_id} | {10**6})
    for step, pick in steps:
        ids = sorted(model.mentions)
        if step == "put" or not ids:
            model.put_mention(kept[pick % len(kept)])
            continue
        mention = model.mentions[ids[pick % len(ids)]]
        if step == "drop":
            model.drop_mention(mention.id)
        elif step == "relink":
            model.put_mention(replace(mention, entity_id=entities[pick % len(entities)]))
        elif step == "unlink":
            model.put_mention(replace(mention, entity_id=None))
        elif mention.end < len(model.text):  # move: one character longer
            model.put_mention(replace(mention, end=mention.end + 1))
    in_order = sorted(model.mentions.values(), key=lambda m: (m.start, m.id))
    for entity_id in entities:
        assert model.mentions_of_entity(entity_id) == [
            m.id for m in in_order if m.entity_id == entity_id]
        assert model.links(entity_id) == any(m.entity_id == entity_id for m in in_order)
    for mention in model.mentions.values():
        wanted = fold(model.surface(mention.id))
        assert model.identical_unlinked(mention.id) == sorted(
            m.id for m in model.mentions.values()
            if m.id != mention.id and m.entity_id is None and m.label == mention.label
            and m.end - m.start == mention.end - mention.start
            and fold(model.surface(m.id)) == wanted)
