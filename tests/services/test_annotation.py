"""Edits through the annotation service: one transaction each, checked, undoable through
their inverse, and compare-and-set on shared entities."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.services import edits
from akkord.services.annotation import Annotation, ConflictError, EditError
from akkord.services.linking import candidate_pool, rank_candidates
from akkord.services.suggesting.desk import SuggestionDesk
from akkord.store import Project
from akkord.store.models import Document, DocumentState, EntityValue, Mention, Relation
from tests.services.editing import add, link, new_entity, set_values, span_of

TEXT = ("Natos generalsekretær Jens Stoltenberg inviterte Russland til et møte i Brussel "
        "12. januar. Russlands krav er at Nato stanser utvidelsen. Stoltenbergs svar kom "
        "onsdag.")


def at(word: str, occurrence: int = 1) -> tuple[int, int]:
    return span_of(TEXT, word, occurrence)


@contextmanager
def statements_run() -> Iterator[list[str]]:
    """The SQL statements run inside the block, whitespace collapsed, in order."""
    seen: list[str] = []

    def keep(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(Engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", keep)


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


def test_delete_and_its_inverse_keep_ids_relations_and_evidence(kari: Annotation,
                                                                doc_id: int) -> None:
    actor = add(kari, doc_id, at("Jens Stoltenberg"), "ACTOR")
    meeting = add(kari, doc_id, at("et møte"), "MEETING")
    relation = kari.apply(edits.AddRelation("participant", actor, meeting))
    nato = new_entity(kari, "meeting", "Nato–Russland-rådet")
    link(kari, meeting, nato)
    set_values(kari, nato, "status", Value(text="held", evidence=actor))
    deleted = kari.apply(edits.DeleteMention(actor))
    assert deleted.changes.relations == relation.changes.relations
    assert nato in deleted.changes.entities  # its value lost its evidence
    with kari.project.read() as session:
        assert session.get(Mention, actor) is None
        assert session.scalars(select(Relation)).all() == []
        assert session.scalar(select(EntityValue.evidence_id)) is None
    restored = kari.apply(deleted.inverse)
    assert restored.focus == actor
    document = kari.load_document(doc_id)
    assert [r.id for r in document.relations] == list(relation.changes.relations)
    with kari.project.read() as session:
        assert session.scalar(select(EntityValue.evidence_id)) == actor
    assert document.status == "in progress"


def test_the_first_decision_starts_a_document_and_its_undo_takes_that_back(
        kari: Annotation, doc_id: int) -> None:
    suggestion = add(kari, doc_id, at("onsdag"), "TIME", status="suggested")
    assert kari.load_document(doc_id).status == "new"  # a suggestion is no decision
    accepted = kari.apply(edits.UpdateMention(suggestion, status="accepted"))
    assert kari.load_document(doc_id).status == "in progress"
    kari.apply(accepted.inverse)
    assert kari.load_document(doc_id).status == "new"
    with kari.project.read() as session:
        assert session.scalars(select(DocumentState)).all() == []


def test_spans_labels_and_links_are_checked(kari: Annotation, doc_id: int) -> None:
    with pytest.raises(EditError, match="not a non-empty span"):
        add(kari, doc_id, (5, 5), "ACTOR")
    with pytest.raises(EditError, match="not a non-empty span"):
        add(kari, doc_id, (0, len(TEXT) + 1), "ACTOR")
    with pytest.raises(EditError, match="not a label"):
        add(kari, doc_id, (0, 5), "PERSON")
    with pytest.raises(EditError, match="not a mention status"):
        add(kari, doc_id, (0, 5), "ACTOR", status="maybe")
    place = new_entity(kari, "place", "Brussel")
    with pytest.raises(EditError, match="cannot link to a place"):
        add(kari, doc_id, at("Russland"), "ACTOR", entity_id=place)
    time = add(kari, doc_id, at("12. januar"), "TIME")
    with pytest.raises(EditError, match="cannot go from TIME to TIME"):
        kari.apply(edits.AddRelation("time", time, time))
    with kari.project.read() as session:  # refused edits wrote nothing
        assert len(session.scalars(select(Mention)).all()) == 1


def test_the_same_relation_twice_is_refused(kari: Annotation, doc_id: int) -> None:
    actor = add(kari, doc_id, at("Jens Stoltenberg"), "ACTOR")
    meeting = add(kari, doc_id, at("et møte"), "MEETING")
    kari.apply(edits.AddRelation("participant", actor, meeting))
    with pytest.raises(EditError, match="already there"):
        kari.apply(edits.AddRelation("participant", actor, meeting))


def test_relabel_to_another_kind_drops_the_link(kari: Annotation, doc_id: int) -> None:
    russia = new_entity(kari, "actor", "Russland")
    mention = add(kari, doc_id, at("Russland"), "ACTOR", entity_id=russia)
    kari.apply(edits.UpdateMention(mention, label="PLACE"))
    assert kari.mention(mention).entity_id is None
    kari.apply(edits.UpdateMention(mention, label="ACTOR", entity_id=russia))
    kari.apply(edits.UpdateMention(mention, start=at("Russlands")[0], end=at("Russlands")[1]))
    moved = kari.mention(mention)
    assert (moved.start, moved.end, moved.entity_id) == (*at("Russlands"), russia)


def test_link_identical_unlinked_mentions(kari: Annotation, doc_id: int) -> None:
    first = add(kari, doc_id, at("Nato", 2), "ACTOR")
    add(kari, doc_id, at("Natos"), "ACTOR")  # another surface form
    with kari.project.write() as session:
        other = Document(content_hash="y", text="Nato svarer. NATO venter.", meta={}, parts=[])
        session.add(other)
        session.flush()
        other_id = other.id
    elsewhere = add(kari, other_id, (0, 4), "ACTOR")
    upper = add(kari, other_id, (13, 17), "ACTOR")
    assert kari.identical_unlinked(first, project_wide=False) == []
    assert sorted(kari.identical_unlinked(first, project_wide=True)) == sorted(
        [elsewhere, upper])
    nato = new_entity(kari, "actor", "Nato")
    linked = kari.apply(edits.LinkMentions(((first, nato), (elsewhere, nato), (upper, nato))))
    assert kari.entity(nato).mentions == 3
    assert linked.changes.documents == {doc_id, other_id}
    kari.apply(linked.inverse)
    assert kari.entity(nato).mentions == 0


def test_candidates_match_genitives_and_aliases(kari: Annotation, project: Project) -> None:
    nato = new_entity(kari, "actor", "Nato", ("alliansen", "forsvarsalliansen"))
    jens = new_entity(kari, "actor", "Jens Stoltenberg", ("Natos generalsekretær",))
    russia = new_entity(kari, "actor", "Russland", ("Moskva",))
    with project.read() as session:
        def top(query: str) -> int:
            return rank_candidates(session, "actor", query)[0].entity_id

        assert top("Natos") == nato
        assert top("Russlands") == russia
        assert top("Stoltenbergs") == jens
        assert top("alliansen") == nato
        assert top("Natos generalsekretær") == jens
        assert top("Mosk") == russia
        assert len(rank_candidates(session, "actor", "")) == 3
        assert rank_candidates(session, "place", "Nato") == []


def test_a_pool_read_once_ranks_as_a_fresh_read_does(kari: Annotation, doc_id: int,
                                                     project: Project) -> None:
    """The picker reads the entities once when it opens; each key then ranks them
    without reading them again, and ranks them as a fresh read would."""
    nato = new_entity(kari, "actor", "Nato", ("alliansen",))
    new_entity(kari, "actor", "Jens Stoltenberg", ("Natos generalsekretær",))
    new_entity(kari, "actor", "Russland", ("Moskva",))
    add(kari, doc_id, at("Natos"), "ACTOR", entity_id=nato)
    with project.read() as session:
        pool = candidate_pool(session, "actor", kari.annotator_id)
        for query in ("N", "Na", "Nato", "Natos", "alli", "Stoltenbergs", "Mosk", "x"):
            fresh = rank_candidates(session, "actor", query, kari.annotator_id)
            with statements_run() as run:
                pooled = rank_candidates(session, "actor", query, kari.annotator_id,
                                         pool=pool)
            assert pooled == fresh, query
            assert not any("entities" in statement for statement in run), run


def test_the_picker_keeps_what_it_made_of_the_entities_until_they_change(
        kari: Annotation, project: Project) -> None:
    """The desk keeps the last pool's catalogue (the forms and their index) while the
    names and aliases read are the same, and makes it again when anything in them
    changed: a rename, an alias, or a deleted entity whose id a new one took over."""
    desk = SuggestionDesk(project, kari.annotator_id)
    nato = new_entity(kari, "actor", "Nato", ("alliansen",))
    first = desk.candidate_pool("actor")
    assert desk.candidate_pool("actor").catalogue is first.catalogue

    def top(query: str) -> list[str]:
        return [c.name for c in desk.candidates("actor", query,
                                                pool=desk.candidate_pool("actor"))]

    kari.apply(edits.RenameEntity(nato, "NATO"))
    assert top("NATO") == ["NATO"]
    kari.apply(edits.SetAliases(nato, ("forsvarsalliansen",)))
    assert top("forsvarsalliansen") == ["NATO"]
    lavrov = new_entity(kari, "actor", "Sergej Lavrov")
    kari.apply(edits.DeleteEntity(lavrov))
    new_entity(kari, "actor", "Sergej Rjabkov")  # in SQLite, with the id Lavrov had
    assert top("Sergej") == ["Sergej Rjabkov"]
    assert desk.candidate_pool("actor").catalogue is desk.candidate_pool("actor").catalogue


def test_usage_breaks_ties(kari: Annotation, doc_id: int, project: Project) -> None:
    a = new_entity(kari, "actor", "Sergej Lavrov")
    b = new_entity(kari, "actor", "Sergej Rjabkov")
    add(kari, doc_id, at("Russland"), "ACTOR", entity_id=b)
    assert [c.entity_id for c in kari.candidates("actor", "Sergej")] == [b, a]


def test_uses_count_made_and_accepted_mentions_of_the_layer(kari: Annotation, doc_id: int,
                                                           project: Project) -> None:
    """A suggestion or a rejected mention is not a use; another layer's are not this
    layer's; a status change moves the count (kept by triggers, read per entity)."""
    nato = new_entity(kari, "actor", "Nato")
    made = add(kari, doc_id, at("Natos"), "ACTOR", entity_id=nato)
    suggested = add(kari, doc_id, at("Russland"), "ACTOR", entity_id=nato, status="suggested")
    add(kari, doc_id, at("Brussel"), "ACTOR", entity_id=nato, status="rejected")
    add(Annotation(project, "ola"), doc_id, at("Jens Stoltenberg"), "ACTOR", entity_id=nato)

    def uses() -> tuple[int, int]:
        (mine,), (every,) = (kari.candidates("actor", "Nato"),
                             rank_candidates(project_session, "actor", "Nato"))
        return mine.uses, every.uses

    with project.read() as project_session:
        assert uses() == (1, 2)
    kari.apply(edits.UpdateMention(suggested, status="accepted"))
    kari.apply(edits.UpdateMention(made, status="rejected"))
    with project.read() as project_session:
        assert uses() == (1, 2)
    kari.apply(edits.UpdateMention(made, status="manual"))
    with project.read() as project_session:
        assert uses() == (2, 3)
    assert kari.entity(nato).mentions == 3 and kari.entity(nato).documents == 1


def test_an_edit_of_what_someone_else_changed_is_refused_naming_them(project: Project
                                                                     ) -> None:
    kari, ola = Annotation(project, "kari"), Annotation(project, "ola")
    meeting = new_entity(kari, "meeting", "Genève-samtalene")
    seen_by_ola = ola.entity(meeting).values.get("status", ())
    set_values(kari, meeting, "status", Value(text="planned"))
    with pytest.raises(ConflictError, match="kari changed the status of Genève-samtalene"):
        ola.apply(edits.SetAttribute(meeting, "status", (Value(text="held"),), seen_by_ola))
    assert kari.entity(meeting).first("status") == Value(text="planned")


def test_undo_after_another_annotators_edit_is_refused(project: Project) -> None:
    """Two windows: A adds a participant, B adds another, A undoes: refused, B's stays."""
    a, b = Annotation(project, "anne"), Annotation(project, "bo")
    meeting = new_entity(a, "meeting", "Rådsmøtet")
    usa, russia = new_entity(a, "actor", "USA"), new_entity(a, "actor", "Russland")
    first = a.apply(edits.SetAttribute(meeting, "participants",
                                       (Value(ref=usa, role="participant"),), ()))
    seen = b.entity(meeting).values["participants"]
    b.apply(edits.SetAttribute(meeting, "participants",
                               (*seen, Value(ref=russia, role="participant")), seen))
    with pytest.raises(ConflictError, match="bo changed the participants of Rådsmøtet"):
        a.apply(first.inverse)
    assert [v.ref for v in a.entity(meeting).values["participants"]] == [usa, russia]


def test_undoing_own_edits_in_turn_never_conflicts(kari: Annotation) -> None:
    meeting = new_entity(kari, "meeting", "Møtet")
    first = kari.apply(edits.SetAttribute(meeting, "status", (Value(text="planned"),), ()))
    second = kari.apply(edits.SetAttribute(meeting, "status", (Value(text="held"),),
                                           (Value(text="planned"),)))
    kari.apply(second.inverse)
    kari.apply(first.inverse)
    assert kari.entity(meeting).values.get("status") is None


def test_attribute_values_are_checked(kari: Annotation) -> None:
    meeting = new_entity(kari, "meeting", "Møtet")
    place = new_entity(kari, "place", "Wien")
    with pytest.raises(EditError, match="not one of"):
        set_values(kari, meeting, "status", Value(text="maybe"))
    with pytest.raises(EditError, match="must refer to a actor"):
        set_values(kari, meeting, "participants", Value(ref=place))
    with pytest.raises(EditError, match="not a role"):
        set_values(kari, meeting, "participants", Value(ref=meeting, role="chef"))
    before = kari.entity(meeting).version
    set_values(kari, meeting, "date", Value(date=PartialDate.parse("2022-01-13")))
    entity = kari.entity(meeting)
    assert entity.version == before + 1
    assert entity.first("date").date.value == "2022-01-13"  # type: ignore[union-attr]


def test_merge_and_its_inverse_restore_everything(kari: Annotation, doc_id: int) -> None:
    keep = new_entity(kari, "actor", "Nato", ("alliansen",))
    drop = new_entity(kari, "actor", "NATO-alliansen", ("forsvarsalliansen",))
    set_values(kari, drop, "kind", Value(text="alliance"))
    demand = new_entity(kari, "demand", "Stans i utvidelsen")
    set_values(kari, demand, "addressees", Value(ref=drop))
    mention = add(kari, doc_id, at("Nato", 2), "ACTOR", entity_id=drop)
    before = {e.id: e for e in kari.entities("actor")}
    merged = kari.apply(edits.MergeEntities(keep, drop))
    assert {keep, drop, demand} <= merged.changes.entities
    kept = kari.entity(keep)
    assert set(kept.aliases) == {"alliansen", "NATO-alliansen", "forsvarsalliansen"}
    assert kept.first("kind") == Value(text="alliance")
    assert kari.mention(mention).entity_id == keep
    assert kari.entity(demand).first("addressees").ref == keep  # type: ignore[union-attr]
    assert [e.id for e in kari.entities("actor")] == [keep]
    kari.apply(merged.inverse)
    restored = {e.id: e for e in kari.entities("actor")}
    assert set(restored) == set(before)
    assert restored[drop].aliases == before[drop].aliases
    assert restored[drop].values == before[drop].values
    assert restored[keep].aliases == before[keep].aliases
    assert kari.mention(mention).entity_id == drop
    assert kari.entity(demand).first("addressees").ref == drop  # type: ignore[union-attr]


def test_link_to_a_new_entity_is_one_step(kari: Annotation, doc_id: int) -> None:
    nato = new_entity(kari, "actor", "Nato")
    mention = add(kari, doc_id, at("Natos generalsekretær"), "ACTOR", entity_id=nato)
    applied = kari.apply(edits.LinkToNewEntity(mention, "Natos generalsekretær"))
    (created,) = applied.changes.entities - {nato}
    entity = kari.entity(created)
    assert entity.name == "Natos generalsekretær" and entity.key.startswith("actor/natos-")
    assert kari.mention(mention).entity_id == created
    kari.apply(applied.inverse)
    assert kari.mention(mention).entity_id == nato
    with pytest.raises(EditError, match="no longer exists"):
        kari.entity(created)


def test_deleting_a_used_entity_is_refused(kari: Annotation, doc_id: int) -> None:
    nato = new_entity(kari, "actor", "Nato")
    add(kari, doc_id, at("Nato", 2), "ACTOR", entity_id=nato)
    with pytest.raises(EditError, match="still used by 1 mention"):
        kari.apply(edits.DeleteEntity(nato))
    spare = new_entity(kari, "actor", "Ubrukt")
    deleted = kari.apply(edits.DeleteEntity(spare))
    kari.apply(deleted.inverse)
    assert kari.entity(spare).key == "actor/ubrukt"


def test_relations_fill_entity_attributes_with_evidence(kari: Annotation, doc_id: int) -> None:
    jens = new_entity(kari, "actor", "Jens Stoltenberg")
    meeting = new_entity(kari, "meeting", "Møte i Brussel")
    actor = add(kari, doc_id, at("Jens Stoltenberg"), "ACTOR", entity_id=jens)
    talk = add(kari, doc_id, at("et møte"), "MEETING", entity_id=meeting)
    time = add(kari, doc_id, at("12. januar"), "TIME",
               values={"date": (Value(date=PartialDate.parse("2022-01-12")),)})
    participant = kari.apply(edits.AddRelation("participant", actor, talk))
    assert meeting in participant.changes.entities
    assert kari.entity(meeting).values["participants"] == (
        Value(ref=jens, role="participant", evidence=actor),)
    kari.apply(edits.AddRelation("time", time, talk))
    date = kari.entity(meeting).first("date")
    assert date is not None and date.date is not None and date.date.value == "2022-01-12"
    assert date.evidence == time
    kari.apply(participant.inverse)  # the relation and what it filled go together
    assert "participants" not in kari.entity(meeting).values
    assert len(kari.load_document(doc_id).relations) == 1


def test_status_and_progress(kari: Annotation, doc_id: int) -> None:
    assert kari.progress().done == 0 and kari.progress().total == 1
    done = kari.apply(edits.SetStatus(doc_id, "done"))
    assert kari.progress().done == 1
    assert kari.load_document(doc_id).status == "done"
    kari.apply(done.inverse)
    assert kari.load_document(doc_id).status == "new"
    with pytest.raises(EditError, match="not a document status"):
        kari.apply(edits.SetStatus(doc_id, "finished"))


def test_layers_are_separate(project: Project, doc_id: int) -> None:
    kari, ola = Annotation(project, "kari"), Annotation(project, "ola")
    mention = add(kari, doc_id, at("Russland"), "ACTOR")
    assert len(kari.load_document(doc_id).mentions) == 1
    assert ola.load_document(doc_id).mentions == ()
    with pytest.raises(EditError, match="no longer exists in ola's layer"):
        ola.apply(edits.DeleteMention(mention))


def test_entity_names_are_one_read_and_leave_out_what_is_gone(kari: Annotation) -> None:
    """What a form shows of the entities its values refer to: their names, read at once
    (an unknown or deleted id is left out, for the form to show as unknown)."""
    nato = new_entity(kari, "actor", "Nato")
    russia = new_entity(kari, "actor", "Russland")
    spare = new_entity(kari, "actor", "Ubrukt")
    kari.apply(edits.DeleteEntity(spare))
    assert kari.entity_names([russia, nato, spare, nato, 10_000]) == {
        nato: "Nato", russia: "Russland"}
    assert kari.entity_names([]) == {}


def test_a_link_to_a_new_entity_reads_the_mention_once(kari: Annotation, doc_id: int) -> None:
    """The link inside it is given the mention its container read and checked (two reads
    less on every Enter on "+ New")."""
    mention = add(kari, doc_id, at("Russland"), "ACTOR")
    seen_by_window = kari.mention(mention)
    with statements_run() as seen:
        applied = kari.apply(edits.LinkToNewEntity(mention, "Russland", seen_by_window))
    reads = [s for s in seen if s.startswith("SELECT mentions.id, mentions.document_id")]
    assert len(reads) == 1, seen
    assert kari.mention(mention).entity_id in applied.changes.entities


def test_mentions_come_with_their_values_in_one_statement(kari: Annotation, doc_id: int
                                                          ) -> None:
    """What every edit reads before and after it writes: the mentions with their values,
    joined (one statement, where it was two), in text order; a mention without values
    has none, and an id that names no mention is left out."""
    date = Value(date=PartialDate.parse("2022-01-12"))
    time = add(kari, doc_id, at("12. januar"), "TIME", values={"date": (date,)})
    actor = add(kari, doc_id, at("Jens Stoltenberg"), "ACTOR")
    with statements_run() as seen:
        read = kari.mentions([time, 10_000, actor])
    assert len([s for s in seen if s.upper().startswith("SELECT")]) == 1, seen
    in_text_order = sorted(read, key=lambda m: m.start)
    assert read == in_text_order and {m.id for m in read} == {time, actor}
    by_id = {m.id: m for m in read}
    assert by_id[time].values == {"date": (date,)}
    assert by_id[actor].values == {}
    assert kari.mention(time) == by_id[time]
