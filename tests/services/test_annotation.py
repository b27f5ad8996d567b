"""The annotation service: every edit one transaction, undoable, checked, conflict-safe."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.services.annotation import Annotation, ConflictError, EditError
from akkord.services.linking import rank_candidates
from akkord.store import Project
from akkord.store.models import Document, EntityValue, Mention, Relation

TEXT = ("Natos generalsekretær Jens Stoltenberg inviterte Russland til et møte i Brussel "
        "12. januar. Russlands krav er at Nato stanser utvidelsen. Stoltenbergs svar kom "
        "onsdag.")


def at(word: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


@pytest.fixture
def doc_id(project: Project) -> int:
    with project.write() as session:
        doc = Document(content_hash="x", text=TEXT, meta={}, parts=[], title="Møte")
        session.add(doc)
        session.flush()
        return doc.id


@pytest.fixture
def kari(project: Project) -> Annotation:
    return Annotation(project, "kari")


def test_add_delete_restore_keeps_ids_relations_and_evidence(kari: Annotation,
                                                             doc_id: int) -> None:
    actor = kari.add_mention(doc_id, *at("Jens Stoltenberg"), "ACTOR")
    meeting = kari.add_mention(doc_id, *at("et møte"), "MEETING")
    relation = kari.add_relation("participant", actor.id, meeting.id)
    nato = kari.create_entity("meeting", "Nato–Russland-rådet")
    kari.update_mention(meeting.id, entity_id=nato.id)
    kari.set_attribute(nato.id, "status", [Value(text="held", evidence=actor.id)],
                       nato.version)
    snapshot = kari.delete_mention(actor.id)
    with kari.project.read() as session:
        assert session.get(Mention, actor.id) is None
        assert session.scalars(select(Relation)).all() == []
        assert session.scalar(select(EntityValue.evidence_id)) is None
    restored = kari.restore_mention(snapshot)
    assert restored.id == actor.id
    document = kari.load_document(doc_id)
    assert [r.id for r in document.relations] == [relation.id]
    with kari.project.read() as session:
        assert session.scalar(select(EntityValue.evidence_id)) == actor.id
    assert document.status == "in progress"


def test_spans_labels_and_links_are_checked(kari: Annotation, doc_id: int) -> None:
    with pytest.raises(EditError, match="not a non-empty span"):
        kari.add_mention(doc_id, 5, 5, "ACTOR")
    with pytest.raises(EditError, match="not a non-empty span"):
        kari.add_mention(doc_id, 0, len(TEXT) + 1, "ACTOR")
    with pytest.raises(EditError, match="not a label"):
        kari.add_mention(doc_id, 0, 5, "PERSON")
    place = kari.create_entity("place", "Brussel")
    with pytest.raises(EditError, match="cannot link to a place"):
        kari.add_mention(doc_id, *at("Russland"), "ACTOR", entity_id=place.id)
    time = kari.add_mention(doc_id, *at("12. januar"), "TIME")
    with pytest.raises(EditError, match="cannot go from TIME to TIME"):
        kari.add_relation("time", time.id, time.id)


def test_relabel_to_another_kind_drops_the_link(kari: Annotation, doc_id: int) -> None:
    russia = kari.create_entity("actor", "Russland")
    mention = kari.add_mention(doc_id, *at("Russland"), "ACTOR", entity_id=russia.id)
    before, after = kari.update_mention(mention.id, label="PLACE")
    assert before.entity_id == russia.id and after.entity_id is None
    _, again = kari.update_mention(mention.id, label="ACTOR", entity_id=russia.id)
    assert again.entity_id == russia.id
    _, moved = kari.update_mention(mention.id, start=at("Russlands")[0], end=at("Russlands")[1])
    assert (moved.start, moved.end, moved.entity_id) == (*at("Russlands"), russia.id)


def test_link_identical_unlinked_mentions(kari: Annotation, doc_id: int) -> None:
    first = kari.add_mention(doc_id, *at("Nato", 2), "ACTOR")
    kari.add_mention(doc_id, *at("Natos"), "ACTOR")  # another surface form
    with kari.project.write() as session:
        other = Document(content_hash="y", text="Nato svarer. NATO venter.", meta={}, parts=[])
        session.add(other)
        session.flush()
        other_id = other.id
    elsewhere = kari.add_mention(other_id, 0, 4, "ACTOR")
    upper = kari.add_mention(other_id, 13, 17, "ACTOR")
    assert kari.identical_unlinked(first.id, project_wide=False) == []
    assert sorted(kari.identical_unlinked(first.id, project_wide=True)) == sorted(
        [elsewhere.id, upper.id])
    nato = kari.create_entity("actor", "Nato")
    old = kari.link_many([first.id, elsewhere.id, upper.id], nato.id)
    assert sorted(old) == sorted([(first.id, None), (elsewhere.id, None), (upper.id, None)])
    assert kari.entity(nato.id).mentions == 3
    kari.restore_links(old)
    assert kari.entity(nato.id).mentions == 0


def test_candidates_match_genitives_and_aliases(kari: Annotation, project: Project) -> None:
    nato = kari.create_entity("actor", "Nato", ["alliansen", "forsvarsalliansen"])
    jens = kari.create_entity("actor", "Jens Stoltenberg", ["Natos generalsekretær"])
    russia = kari.create_entity("actor", "Russland", ["Moskva"])
    with project.read() as session:
        def top(query: str) -> int:
            return rank_candidates(session, "actor", query)[0].entity_id

        assert top("Natos") == nato.id
        assert top("Russlands") == russia.id
        assert top("Stoltenbergs") == jens.id
        assert top("alliansen") == nato.id
        assert top("Natos generalsekretær") == jens.id
        assert top("Mosk") == russia.id
        assert len(rank_candidates(session, "actor", "")) == 3
        assert rank_candidates(session, "place", "Nato") == []


def test_usage_breaks_ties(kari: Annotation, doc_id: int, project: Project) -> None:
    a = kari.create_entity("actor", "Sergej Lavrov")
    b = kari.create_entity("actor", "Sergej Rjabkov")
    kari.add_mention(doc_id, *at("Russland"), "ACTOR", entity_id=b.id)
    with project.read() as session:
        ranked = rank_candidates(session, "actor", "Sergej", kari.annotator_id)
    assert [c.entity_id for c in ranked] == [b.id, a.id]


def test_concurrent_entity_edits_conflict(project: Project) -> None:
    kari, ola = Annotation(project, "kari"), Annotation(project, "ola")
    meeting = kari.create_entity("meeting", "Genève-samtalene")
    seen_by_ola = ola.entity(meeting.id)
    kari.set_attribute(meeting.id, "status", [Value(text="planned")], meeting.version)
    with pytest.raises(ConflictError, match="changed by someone else"):
        ola.set_attribute(meeting.id, "status", [Value(text="held")], seen_by_ola.version)
    assert kari.entity(meeting.id).first("status") == Value(text="planned")


def test_attribute_values_are_checked(kari: Annotation) -> None:
    meeting = kari.create_entity("meeting", "Møtet")
    place = kari.create_entity("place", "Wien")
    with pytest.raises(EditError, match="not one of"):
        kari.set_attribute(meeting.id, "status", [Value(text="maybe")], meeting.version)
    with pytest.raises(EditError, match="must refer to a actor"):
        kari.set_attribute(meeting.id, "participants", [Value(ref=place.id)], meeting.version)
    with pytest.raises(EditError, match="not a role"):
        kari.set_attribute(meeting.id, "participants", [Value(ref=meeting.id, role="chef")],
                           meeting.version)
    change = kari.set_attribute(meeting.id, "date",
                                [Value(date=PartialDate.parse("2022-01-13"))], meeting.version)
    assert change.version == meeting.version + 1
    assert kari.entity(meeting.id).first("date").date.value == "2022-01-13"


def test_merge_and_unmerge_restore_everything(kari: Annotation, doc_id: int) -> None:
    keep = kari.create_entity("actor", "Nato", ["alliansen"])
    drop = kari.create_entity("actor", "NATO-alliansen", ["forsvarsalliansen"])
    kari.set_attribute(drop.id, "kind", [Value(text="alliance")], drop.version)
    demand = kari.create_entity("demand", "Stans i utvidelsen")
    kari.set_attribute(demand.id, "addressees", [Value(ref=drop.id)], demand.version)
    mention = kari.add_mention(doc_id, *at("Nato", 2), "ACTOR", entity_id=drop.id)
    before = {e.id: e for e in kari.entities("actor")}
    snapshot = kari.merge_entities(keep.id, drop.id)
    merged = kari.entity(keep.id)
    assert set(merged.aliases) == {"alliansen", "NATO-alliansen", "forsvarsalliansen"}
    assert merged.first("kind") == Value(text="alliance")
    assert kari.mention(mention.id).entity_id == keep.id
    assert kari.entity(demand.id).first("addressees").ref == keep.id
    assert [e.id for e in kari.entities("actor")] == [keep.id]
    kari.unmerge(snapshot)
    restored = {e.id: e for e in kari.entities("actor")}
    assert set(restored) == set(before)
    assert restored[drop.id].aliases == before[drop.id].aliases
    assert restored[drop.id].values == before[drop.id].values
    assert restored[keep.id].aliases == before[keep.id].aliases
    assert kari.mention(mention.id).entity_id == drop.id
    assert kari.entity(demand.id).first("addressees").ref == drop.id


def test_split_a_mention_off(kari: Annotation, doc_id: int) -> None:
    nato = kari.create_entity("actor", "Nato")
    mention = kari.add_mention(doc_id, *at("Natos generalsekretær"), "ACTOR", entity_id=nato.id)
    before, entity = kari.split_mention(mention.id)
    assert before.entity_id == nato.id
    assert entity.name == "Natos generalsekretær" and entity.key.startswith("actor/natos-")
    assert kari.mention(mention.id).entity_id == entity.id


def test_deleting_a_used_entity_is_refused(kari: Annotation, doc_id: int) -> None:
    nato = kari.create_entity("actor", "Nato")
    kari.add_mention(doc_id, *at("Nato", 2), "ACTOR", entity_id=nato.id)
    with pytest.raises(EditError, match="still used by 1 mention"):
        kari.delete_entity(nato.id)
    spare = kari.create_entity("actor", "Ubrukt")
    snapshot = kari.delete_entity(spare.id)
    assert kari.create_entity("actor", "x", restore=snapshot).id == spare.id


def test_relations_fill_entity_attributes_with_evidence(kari: Annotation, doc_id: int) -> None:
    jens = kari.create_entity("actor", "Jens Stoltenberg")
    meeting = kari.create_entity("meeting", "Møte i Brussel")
    actor = kari.add_mention(doc_id, *at("Jens Stoltenberg"), "ACTOR", entity_id=jens.id)
    place = kari.add_mention(doc_id, *at("et møte"), "MEETING", entity_id=meeting.id)
    time = kari.add_mention(doc_id, *at("12. januar"), "TIME", values={
        "date": (Value(date=PartialDate.parse("2022-01-12")),)})
    change = kari.fill_from_relation(kari.add_relation("participant", actor.id, place.id))
    assert change is not None and change.new == (
        Value(ref=jens.id, role="participant", evidence=actor.id),)
    change = kari.fill_from_relation(kari.add_relation("time", time.id, place.id))
    assert change is not None and change.new[0].date.value == "2022-01-12"
    assert change.new[0].evidence == time.id
    again = kari.fill_from_relation(kari.add_relation("participant", actor.id, place.id))
    assert again is None  # already stated


def test_status_and_progress(kari: Annotation, doc_id: int) -> None:
    assert kari.progress().done == 0 and kari.progress().total == 1
    assert kari.set_status(doc_id, "done") == "new"
    assert kari.progress().done == 1
    assert kari.load_document(doc_id).status == "done"
    with pytest.raises(EditError):
        kari.set_status(doc_id, "finished")


def test_layers_are_separate(project: Project, doc_id: int) -> None:
    kari, ola = Annotation(project, "kari"), Annotation(project, "ola")
    kari.add_mention(doc_id, *at("Russland"), "ACTOR")
    assert len(kari.load_document(doc_id).mentions) == 1
    assert ola.load_document(doc_id).mentions == ()
