"""Random curation steps mixed with annotating edits in the gold layer, and their inverses:
undoing everything gives back the project byte for byte (native export and every
curation mark, ids and times included), and a refused step changes nothing."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akkord.domain.statuses import GOLD
from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.curation import curation_units
from akkord.services.edits import Edit, EditError
from akkord.services.edits.curation import (
    AcceptVersion,
    ConfirmDocument,
    MarkUnresolved,
    RejectUnit,
    UnitRef,
)
from akkord.services.exporting import export_jsonl
from akkord.store import Project, open_project
from akkord.store.models import CurationMark
from tests.services.agreement_data import ANNA, OLA, PER, build

_names = itertools.count(1)


def _snapshot(project: Project, folder: Path) -> bytes:
    out = folder / f"export{next(_names)}.jsonl"
    export_jsonl(project, out)
    with project.read() as session:
        marks = [tuple(row) for row in session.execute(
            CurationMark.__table__.select().order_by(CurationMark.id))]
    return out.read_bytes() + repr(marks).encode()


@st.composite
def a_step(draw: st.DrawFn, project: Project, gold: Annotation) -> Edit:
    """A curation step or an annotating edit in gold, drawn against the project now."""
    with project.read() as session:
        units = curation_units(session, project.schema)
    unit = draw(st.sampled_from(units))
    ref = UnitRef.of(unit)
    kind = draw(st.sampled_from(["accept", "accept", "reject", "unresolved", "confirm",
                                 "delete", "relation"]))
    if kind == "accept":
        having = [a for a, v in unit.versions.items() if v is not None] or ["anna"]
        return AcceptVersion(ref, draw(st.sampled_from(having)))
    if kind == "reject":
        return RejectUnit(ref, draw(st.sampled_from([None, "nei"])))
    if kind == "unresolved":
        return MarkUnresolved(ref, draw(st.sampled_from(["uka eller dagen?", ""])))
    if kind == "confirm":
        return ConfirmDocument(draw(st.sampled_from([1, 2])))
    mentions = [m for doc in (1, 2) for m in gold.load_document(doc).mentions]
    if not mentions:
        return ConfirmDocument(1)
    mention = draw(st.sampled_from(mentions))
    if kind == "delete":
        return edits.DeleteMention(mention.id)
    tail = draw(st.sampled_from(mentions))
    return edits.AddRelation(draw(st.sampled_from(["participant", "time", "place"])),
                             mention.id, tail.id)


@pytest.mark.parametrize("layers", [[ANNA, OLA], [ANNA, OLA, PER]], ids=["two", "three"])
@settings(max_examples=12, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_undoing_every_curation_step_restores_the_project_byte_for_byte(
        tmp_path: Path, layers: list, data: st.DataObject) -> None:
    folder = tmp_path / f"p{next(_names)}"
    folder.mkdir()
    with open_project(folder / "p.akkord", create=True) as project:
        build(project, folder, layers)
        gold = Annotation(project, GOLD, author="kurator")
        start = _snapshot(project, folder)
        inverses: list[Edit] = []
        for _ in range(data.draw(st.integers(1, 10), label="steps")):
            step = data.draw(a_step(project, gold), label="step")
            before = _snapshot(project, folder)
            try:
                applied = gold.apply(step)
            except EditError as e:
                print("REFUSED", type(step).__name__, e)
                assert _snapshot(project, folder) == before, f"refused {step} wrote"
                continue
            inverses.append(applied.inverse)
            print("OK", type(step).__name__, getattr(getattr(step, "unit", None), "kind", ""))
            if data.draw(st.booleans(), label="undo at once"):
                redo = gold.apply(inverses.pop()).inverse
                assert _snapshot(project, folder) == before, f"undo of {step}"
                inverses.append(gold.apply(redo).inverse)  # and redo it
        for inverse in reversed(inverses):
            gold.apply(inverse)
        assert _snapshot(project, folder) == start
