"""Suggestions as edits (SQLite and PostgreSQL): what the window does with suggestions,
each one transaction with an exact inverse."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from akkord.services.annotation import Annotation
from akkord.services.edits import Compound, EditError, UpdateMention
from akkord.services.suggesting import ALIAS, MODEL, OCCURRENCE, Suggestion
from akkord.services.suggesting.edits import (
    AcceptSuggestions,
    AddSuggestions,
    ForgetAlias,
    RejectSuggestions,
    RememberAlias,
    RememberForm,
    SetProjectSetting,
    add_suggestions,
)
from akkord.store import Project
from akkord.store.models import Document, EntityAlias, Mention
from tests.services.editing import add, new_entity, span_of

TEXT = ("Nato-sjef Jens Stoltenberg møtte Russland i Brussel. Alliansen svarte at "
        "alliansens dør står åpen. Russlands krav ble avvist av Nato.")


def at(word: str, occurrence: int = 1) -> tuple[int, int]:
    return span_of(TEXT, word, occurrence)


@pytest.fixture
def kari(project: Project) -> Annotation:
    with project.write() as session:
        for n in (1, 2):
            session.add(Document(content_hash=f"e{n}", text=TEXT, meta={}, parts=[],
                                 title=f"Artikkel {n}"))
    return Annotation(project, "kari")


def rows(project: Project) -> list[tuple[object, ...]]:
    """Every mention of every layer, as stored, provenance included."""
    with project.read() as session:
        return [tuple(r) for r in session.execute(
            select(Mention.id, Mention.document_id, Mention.start, Mention.end, Mention.label,
                   Mention.status, Mention.entity_id, Mention.origin, Mention.score,
                   Mention.score_gap).order_by(Mention.id))]


def aliases(project: Project) -> list[tuple[int, int, str]]:
    with project.read() as session:
        return [tuple(r) for r in session.execute(
            select(EntityAlias.id, EntityAlias.entity_id, EntityAlias.alias)
            .order_by(EntityAlias.id))]


def test_suggestions_are_added_and_undone_exactly(project: Project, kari: Annotation) -> None:
    nato = new_entity(kari, "actor", "Nato")
    before = rows(project)
    edit = AddSuggestions(1, (Suggestion(*at("Alliansen"), "ACTOR", OCCURRENCE, nato, 0.7, 0.2),
                              Suggestion(*at("Russland"), "ACTOR", MODEL, None, 0.61, 0.05)))
    applied = kari.apply(edit)
    added = rows(project)
    new = [r for r in added if r not in before]
    assert [(r[2:4], r[5], r[7], r[8], r[9]) for r in new] == [
        (at("Alliansen"), "suggested", OCCURRENCE, 0.7, 0.2),
        (at("Russland"), "suggested", MODEL, 0.61, 0.05)]
    assert applied.changes.documents == {1} and applied.changes.entities == {nato}
    assert set(applied.changes.mentions) == {r[0] for r in new}
    redo = kari.apply(applied.inverse).inverse
    assert rows(project) == before
    kari.apply(redo)
    assert rows(project) == added  # the same ids, origins, scores and gaps


def test_a_rejected_place_is_never_proposed_again(project: Project, kari: Annotation) -> None:
    suggestion = Suggestion(*at("Russland"), "ACTOR", MODEL, None, 0.61, 0.05)
    applied = kari.apply(AddSuggestions(1, (suggestion,)))
    (mention,) = applied.changes.mentions
    kari.apply(RejectSuggestions((mention,)))
    again = kari.apply(AddSuggestions(1, (suggestion,)))
    assert not again.changes
    assert [r[5] for r in rows(project)] == ["rejected"]


def test_bad_suggestions_are_refused_and_write_nothing(project: Project,
                                                       kari: Annotation) -> None:
    meeting = new_entity(kari, "meeting", "Møtet")
    before = rows(project)
    for bad in (Suggestion(0, 4, "NOPE", ALIAS), Suggestion(0, 4, "ACTOR", ALIAS, meeting),
                Suggestion(0, 10_000, "ACTOR", ALIAS), Suggestion(0, 4, "ACTOR", "guess")):
        with pytest.raises(EditError):
            kari.apply(AddSuggestions(1, (Suggestion(*at("Nato"), "ACTOR", ALIAS), bad)))
    assert rows(project) == before


def test_remembering_a_form_and_forgetting_it_are_exact_inverses(
        project: Project, kari: Annotation) -> None:
    nato = new_entity(kari, "actor", "Nato", ("NATO", "forsvarsalliansen"))
    mention = add(kari, 1, at("Alliansen"), "ACTOR", entity_id=nato)
    before = aliases(project)
    applied = kari.apply(RememberForm(mention))
    assert [a[2] for a in aliases(project)] == ["NATO", "forsvarsalliansen", "alliansen"]
    assert applied.changes.entities == {nato}
    kari.apply(applied.inverse)
    assert aliases(project) == before
    # an inflection of a known form adds nothing (and undoing that does nothing)
    kari.apply(RememberAlias(nato, "alliansen"))
    assert not kari.apply(RememberAlias(nato, "alliansens")).changes
    # forgetting one in the middle and undoing it keeps the order (the id comes back)
    shown = aliases(project)
    forgot = kari.apply(ForgetAlias(nato, "NATO"))
    assert [a[2] for a in aliases(project)] == ["forsvarsalliansen", "alliansen"]
    kari.apply(forgot.inverse)
    assert aliases(project) == shown
    with pytest.raises(EditError):
        kari.apply(ForgetAlias(nato, "Moskva"))


def test_linking_that_remembers_is_one_step(project: Project, kari: Annotation) -> None:
    jens = new_entity(kari, "actor", "Jens Stoltenberg")
    mention = add(kari, 1, at("Nato-sjef Jens Stoltenberg"), "ACTOR")
    before, mentions = aliases(project), rows(project)
    applied = kari.apply(Compound((UpdateMention(mention, entity_id=jens),
                                   RememberForm(mention)), "Link"))
    assert [a[2] for a in aliases(project)] == ["Nato-sjef Jens Stoltenberg"]
    kari.apply(applied.inverse)
    assert (aliases(project), rows(project)) == (before, mentions)


def test_accepting_remembers_forms_and_undo_redo_are_exact(
        project: Project, kari: Annotation) -> None:
    nato = new_entity(kari, "actor", "Nato")
    added = kari.apply(AddSuggestions(1, (
        Suggestion(*at("Alliansen"), "ACTOR", OCCURRENCE, nato, 0.7),
        Suggestion(*at("alliansens"), "ACTOR", OCCURRENCE, nato, 0.7),
        Suggestion(*at("Russland"), "ACTOR", MODEL, None, 0.6))))
    ids = tuple(sorted(added.changes.mentions))
    start = (rows(project), aliases(project))
    accepted = kari.apply(AcceptSuggestions(ids[:2]))
    assert [a[2] for a in aliases(project)] == ["alliansen"]  # once; the capital dropped
    assert [r[5] for r in rows(project)] == ["accepted", "accepted", "suggested"]
    assert "2 suggestion(s) accepted" in accepted.note
    after = (rows(project), aliases(project))
    redo = kari.apply(accepted.inverse).inverse
    assert (rows(project), aliases(project)) == start
    kari.apply(redo)
    assert (rows(project), aliases(project)) == after
    rejected = kari.apply(RejectSuggestions(ids))  # only the pending one changes
    assert [r[5] for r in rows(project)] == ["accepted", "accepted", "rejected"]
    kari.apply(rejected.inverse)
    assert (rows(project), aliases(project)) == after


def test_an_undo_over_a_changed_suggestion_is_refused(project: Project,
                                                      kari: Annotation) -> None:
    added = kari.apply(AddSuggestions(1, (Suggestion(*at("Russland"), "ACTOR", MODEL),)))
    (mention,) = added.changes.mentions
    rejected = kari.apply(RejectSuggestions((mention,)))
    kari.apply(UpdateMention(mention, status="accepted"))  # someone else's window
    with pytest.raises(EditError):
        kari.apply(rejected.inverse)
    assert [r[5] for r in rows(project)] == ["accepted"]


def test_suggestions_for_several_documents_are_one_step(project: Project,
                                                        kari: Annotation) -> None:
    edit = add_suggestions({1: [Suggestion(*at("Nato", 2), "ACTOR", OCCURRENCE)],
                            2: [Suggestion(*at("Russland"), "ACTOR", OCCURRENCE),
                                Suggestion(*at("Nato", 2), "ACTOR", OCCURRENCE)]}, "Find")
    applied = kari.apply(edit)
    assert applied.changes.documents == {1, 2} and len(applied.changes.mentions) == 3
    kari.apply(applied.inverse)
    assert rows(project) == []


def test_a_project_setting_is_set_and_restored(project: Project, kari: Annotation) -> None:
    applied = kari.apply(SetProjectSetting("suggest.threshold", "0.7"))
    assert project.setting("suggest.threshold") == "0.7"
    kari.apply(applied.inverse)
    assert project.setting("suggest.threshold") is None


def test_undoing_alias_edits_puts_the_rows_back_in_their_order(kari: Annotation) -> None:
    """SQLite gives a deleted row's id to the next one: undoing "set no aliases" wrote
    "Washington" under the forgotten "NATO"'s id, and undoing the forget then found that
    id taken (hypothesis found it: "the alias “NATO” exists again"). Undo restores ids."""
    from akkord.services.edits import SetAliases

    project = kari.project
    nato = new_entity(kari, "actor", "Nato")
    before = aliases(project)
    undo = [kari.apply(SetAliases(nato, ("NATO", "Washington"))).inverse]
    named = aliases(project)
    undo.append(kari.apply(ForgetAlias(nato, "NATO")).inverse)
    undo.append(kari.apply(SetAliases(nato, ())).inverse)
    for inverse in reversed(undo[1:]):
        kari.apply(inverse)
    assert aliases(project) == named  # both back, each with its id, in their order
    kari.apply(undo[0])
    assert aliases(project) == before
