"""Random edits and their inverses: undoing everything gives back the project byte for byte
(native export), and a refused edit changes nothing at all."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.edits import Edit, EditError
from akkord.services.exporting import export_jsonl
from akkord.services.suggesting import Suggestion
from akkord.services.suggesting.edits import (
    AcceptSuggestions,
    AddSuggestions,
    ForgetAlias,
    RejectSuggestions,
    RememberAlias,
    RememberForm,
)
from akkord.services.suggesting.model import ORIGINS
from akkord.store import Project, open_project
from akkord.store.models import Document

TEXTS = ("Nato og Russland møttes i Genève 10. januar. Stoltenberg krevde svar innen fredag.",
         "USA avviste kravet. Lavrov sa at møtet i Wien i neste uke blir det siste.")
LABELS = ("ACTOR", "DEMAND", "MEETING", "TIME", "PLACE")
KINDS = {"ACTOR": "actor", "DEMAND": "demand", "MEETING": "meeting", "PLACE": "place"}
DATES = ("2022-01-12", "2022-W04", "2022-01", "2022-01-09/2022-01-10")
_names = itertools.count(1)


def _project(folder: Path) -> tuple[Project, Annotation]:
    project = open_project(folder / f"p{next(_names)}.akkord", create=True)
    with project.write() as session:
        for n, text in enumerate(TEXTS):
            session.add(Document(content_hash=f"h{n}", text=text, meta={}, parts=[],
                                 title=f"Artikkel {n}"))
    return project, Annotation(project, "kari", author="kari")


def _snapshot(project: Project, folder: Path) -> bytes:
    out = folder / f"export{next(_names)}.jsonl"
    export_jsonl(project, out)
    return out.read_bytes()


@st.composite
def an_edit(draw: st.DrawFn, layer: Annotation) -> Edit:
    """One edit, drawn against the project as it is now (it may still be refused)."""
    docs = [layer.load_document(1), layer.load_document(2)]
    mentions = [m for d in docs for m in d.mentions]
    relations = [r for d in docs for r in d.relations]
    entities = layer.entities()
    pick_entity = st.sampled_from(entities) if entities else st.none()
    choices = ["add", "create", "status", "date", "suggest"]
    if mentions:
        choices += ["delete", "update", "link", "link-new", "values", "relation", "many",
                    "accept", "reject", "remember"]
    if relations:
        choices.append("unrelate")
    if entities:
        choices += ["rename", "aliases", "attribute", "delete-entity", "merge", "alias",
                    "forget"]
    kind = draw(st.sampled_from(choices))
    if kind == "add":
        doc = draw(st.sampled_from(docs))
        start = draw(st.integers(0, len(doc.text) - 1))
        end = draw(st.integers(start + 1, min(len(doc.text), start + 20)))
        label = draw(st.sampled_from(LABELS))
        candidates = [e.id for e in entities if e.kind == KINDS.get(label)]
        entity = draw(st.sampled_from([None, *candidates]))
        status = draw(st.sampled_from(["manual", "suggested"]))
        return edits.AddMention(doc.id, start, end, label, status, entity)
    if kind == "create":
        return edits.CreateEntity(draw(st.sampled_from(list(KINDS.values()))),
                                  draw(st.sampled_from(["Nato", "Russland", "Møtet", "Kravet"])),
                                  tuple(draw(st.lists(st.sampled_from(["alliansen", "Moskva"]),
                                                      max_size=2))))
    if kind == "suggest":
        doc = draw(st.sampled_from(docs))
        found = []
        for _ in range(draw(st.integers(1, 3))):
            start = draw(st.integers(0, len(doc.text) - 1))
            end = draw(st.integers(start + 1, min(len(doc.text), start + 20)))
            label = draw(st.sampled_from(LABELS))
            candidates = [e.id for e in entities if e.kind == KINDS.get(label)]
            found.append(Suggestion(start, end, label, draw(st.sampled_from(ORIGINS)),
                                    draw(st.sampled_from([None, *candidates])),
                                    draw(st.sampled_from([1.0, 0.7, 0.55])),
                                    draw(st.sampled_from([None, 0.1]))))
        return AddSuggestions(doc.id, tuple(found))
    if kind == "status":
        return edits.SetStatus(draw(st.sampled_from([1, 2])),
                               draw(st.sampled_from(["new", "in progress", "done", None])))
    if kind == "date":
        day = draw(st.sampled_from([None, "2022-01-05", "2022-01-20", "2022-01"]))
        return edits.SetPublicationDate(draw(st.sampled_from([1, 2])),
                                        PartialDate.parse(day) if day else None)
    if kind in ("accept", "reject"):
        chosen = draw(st.lists(st.sampled_from(mentions), min_size=1, max_size=3,
                               unique_by=lambda m: m.id))
        review = AcceptSuggestions if kind == "accept" else RejectSuggestions
        return review(tuple(m.id for m in chosen))
    if kind in ("delete", "update", "link", "link-new", "values", "relation", "many",
                "remember"):
        mention = draw(st.sampled_from(mentions))
        if kind == "remember":
            return RememberForm(mention.id)
        if kind == "delete":
            return edits.DeleteMention(mention.id)
        if kind == "update":
            return edits.UpdateMention(
                mention.id, start=draw(st.sampled_from([None, max(0, mention.start - 1)])),
                label=draw(st.sampled_from([None, *LABELS])),
                status=draw(st.sampled_from([None, "accepted", "rejected", "manual"])))
        if kind == "link":
            entity = draw(pick_entity)
            return edits.UpdateMention(mention.id, entity_id=entity.id if entity else None)
        if kind == "link-new":
            return edits.LinkToNewEntity(mention.id, draw(st.sampled_from(["Ny", "Nato"])))
        if kind == "values":
            return edits.SetMentionValues(mention.id, "date", (Value(
                date=PartialDate.parse(draw(st.sampled_from(DATES)))),))
        if kind == "many":
            entity = draw(pick_entity)
            chosen = draw(st.lists(st.sampled_from(mentions), min_size=1, max_size=3,
                                   unique_by=lambda m: m.id))
            return edits.LinkMentions(tuple((m.id, entity.id if entity else None)
                                            for m in chosen))
        tail = draw(st.sampled_from(mentions))
        return edits.AddRelation(draw(st.sampled_from(["participant", "time", "claimant"])),
                                 mention.id, tail.id)
    if kind == "unrelate":
        return edits.DeleteRelation(draw(st.sampled_from(relations)).id)
    entity = draw(st.sampled_from(entities))
    if kind == "rename":
        return edits.RenameEntity(entity.id, draw(st.sampled_from(["Alliansen", "USA"])))
    if kind == "aliases":
        return edits.SetAliases(entity.id, tuple(draw(st.lists(
            st.sampled_from(["NATO", "Moskva", "Washington"]), max_size=3))))
    if kind == "attribute":
        if entity.kind == "meeting":
            actors = [e.id for e in entities if e.kind == "actor"]
            if actors and draw(st.booleans()):
                return edits.SetAttribute(entity.id, "participants", tuple(
                    Value(ref=a, role="participant") for a in actors[:2]))
            return edits.SetAttribute(entity.id, "status", (Value(text=draw(st.sampled_from(
                ["held", "planned", "cancelled"]))),))
        return edits.SetAttribute(entity.id, "status", (Value(text="made"),)) \
            if entity.kind == "demand" else edits.RenameEntity(entity.id, "Omdøpt")
    if kind == "delete-entity":
        return edits.DeleteEntity(entity.id)
    if kind == "alias":
        return RememberAlias(entity.id, draw(st.sampled_from(["alliansen", "Moskva",
                                                              "Nato-landene"])))
    if kind == "forget":
        return ForgetAlias(entity.id, draw(st.sampled_from(["alliansen", "Moskva", "NATO"])))
    other = draw(st.sampled_from(entities))
    return edits.MergeEntities(entity.id, other.id)


@settings(max_examples=30, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_undoing_every_edit_restores_the_project_byte_for_byte(tmp_path: Path,
                                                               data: st.DataObject) -> None:
    project, layer = _project(tmp_path)
    with project:
        start = _snapshot(project, tmp_path)
        inverses: list[Edit] = []
        for _ in range(data.draw(st.integers(1, 12), label="steps")):
            edit = data.draw(an_edit(layer), label="edit")
            before = _snapshot(project, tmp_path)
            try:
                applied = layer.apply(edit)
            except EditError:
                assert _snapshot(project, tmp_path) == before, f"refused {edit} wrote"
                continue
            inverses.append(applied.inverse)
            if data.draw(st.booleans(), label="undo at once"):
                redo = layer.apply(inverses.pop()).inverse
                assert _snapshot(project, tmp_path) == before, f"undo of {edit}"
                inverses.append(layer.apply(redo).inverse)  # and redo it
        for inverse in reversed(inverses):
            layer.apply(inverse)
        assert _snapshot(project, tmp_path) == start
