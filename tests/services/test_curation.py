"""The curation model on real projects (SQLite and PostgreSQL): units, states, the queue,
progress, and the gold-building steps with their undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from akkord.domain.statuses import GOLD
from akkord.services.annotation import Annotation
from akkord.services.curation import Unit, curation_progress, curation_queue, curation_units
from akkord.services.edits import EditError
from akkord.services.edits.curation import (
    AcceptVersion,
    ConfirmDocument,
    MarkUnresolved,
    RejectUnit,
    SetMark,
    UnitRef,
)
from akkord.store.models import Annotator, CurationMark, Mention, Relation
from akkord.store.project import Project
from tests.services.agreement_data import ANNA, OLA, PER, SECOND, TEXT, build


@pytest.fixture
def two(project: Project, tmp_path: Path) -> Project:
    return build(project, tmp_path, [ANNA, OLA])


def _unit(units: list[Unit], kind: str, start: int, document: int = 1) -> Unit:
    return next(u for u in units if u.kind == kind and u.document == document
                and u.start == start)


def test_units_states_and_queue(two: Project) -> None:
    with two.read() as session:
        units = curation_units(session, two.schema)
    moskva = _unit(units, "mention", TEXT.index("Moskva"))
    assert moskva.state == "disagree"
    assert moskva.versions == {"anna": f"ACTOR {TEXT.index('Moskva')}–"
                               f"{TEXT.index('Moskva') + 6}",
                               "ola": f"PLACE {TEXT.index('Moskva')}–{TEXT.index('Moskva') + 6}"}
    assert moskva.agreement == 0
    brussel = _unit(units, "mention", SECOND.index("Brussel"), document=2)
    assert brussel.state == "incomplete"
    nato = _unit(units, "mention", TEXT.index("Nato"))
    assert nato.state == "agree" and nato.unanimous
    date = _unit(units, "value", TEXT.index("10. januar"))
    assert date.versions == {"anna": "2022-01-10", "ola": "2022-W02"}
    participants = next(u for u in units if u.kind == "record"
                        and u.label == "meeting.participants")
    assert participants.versions["anna"] == "Russland, USA"
    assert participants.versions["ola"] == "USA"
    queue = curation_queue(units)
    assert queue[0].agreement == 0 and all(u.state != "agree" for u in queue)
    assert [u.agreement for u in queue] == sorted(u.agreement for u in queue)


def test_three_annotators_agreement_is_the_share_of_agreeing_pairs(
        project: Project, tmp_path: Path) -> None:
    build(project, tmp_path, [ANNA, OLA, PER])
    with project.read() as session:
        units = curation_units(session, project.schema)
    moskva = _unit(units, "mention", TEXT.index("Moskva"))
    assert moskva.agreement == pytest.approx(1 / 3)


def _gold(project: Project) -> Annotation:
    return Annotation(project, GOLD, author="kurator")


def _count(project: Project, model: type, gold: Annotation) -> int:
    with project.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(
            model.annotator_id == gold.annotator_id)) or 0


def _units(project: Project) -> list[Unit]:
    with project.read() as session:
        return curation_units(session, project.schema)


def test_confirm_accept_mark_and_undo(two: Project) -> None:
    gold = _gold(two)
    confirmed = [gold.apply(ConfirmDocument(doc)) for doc in (1, 2)]
    assert _count(two, Mention, gold) == 8  # 6 + 2 in the two documents
    units = _units(two)
    nato = _unit(units, "mention", TEXT.index("Nato"))
    assert nato.state == "agree" and nato.gold is not None
    assert nato.mark == "unanimous"
    # Pre-merged: the unanimous place, time and Washington's participant relations;
    # claimant and addressee wait, their DEMAND span is disputed.
    assert _count(two, Relation, gold) == 3
    # Take Anna's reading of "Moskva" (an ACTOR linked to Russland) into gold.
    moskva = _unit(units, "mention", TEXT.index("Moskva"))
    accepted = gold.apply(AcceptVersion(UnitRef.of(moskva), "anna"))
    units = _units(two)
    moskva = _unit(units, "mention", TEXT.index("Moskva"))
    assert moskva.state == "accepted" and moskva.mark == "adjudicated"
    assert moskva.gold == moskva.versions["anna"]
    # The participant relation needs both gold mentions: it can be taken now.
    relation = next(u for u in units if u.kind == "relation" and u.label == "participant"
                    and u.start == TEXT.index("Moskva"))
    related = gold.apply(AcceptVersion(UnitRef.of(relation), "anna"))
    assert _count(two, Relation, gold) == 4
    # Unresolved, with a note.
    date = next(u for u in units if u.kind == "value")
    unresolved = gold.apply(MarkUnresolved(UnitRef.of(date), "the week or the day?"))
    with two.read() as session:
        found = session.scalars(select(CurationMark).where(
            CurationMark.key == date.key)).one()
        assert (found.mark, found.note) == ("unresolved", "the week or the day?")
    # Undo in reverse order: the mark, the relation, Moskva; then redo Moskva.
    gold.apply(unresolved.inverse)
    assert _unit(_units(two), "value", TEXT.index("10. januar")).mark is None
    gold.apply(related.inverse)
    undo = gold.apply(accepted.inverse)
    moskva = _unit(_units(two), "mention", TEXT.index("Moskva"))
    assert moskva.gold is None and moskva.state == "disagree" and moskva.mark is None
    assert _count(two, Relation, gold) == 3
    redo = gold.apply(undo.inverse)
    assert _unit(_units(two), "mention", TEXT.index("Moskva")).mark == "adjudicated"
    gold.apply(redo.inverse)
    for applied in reversed(confirmed):
        gold.apply(applied.inverse)
    assert _count(two, Mention, gold) == 0


def test_accepting_a_record_slot_copies_its_statements(two: Project) -> None:
    """Anna says Russland and USA took part in the talks, Ola only USA: a record slot is
    what their relations state in the document, so accepting one draws them in gold."""
    gold = _gold(two)
    gold.apply(ConfirmDocument(1))
    units = _units(two)
    gold.apply(AcceptVersion(UnitRef.of(_unit(units, "mention", TEXT.index("Moskva"))),
                             "anna"))
    participants = next(u for u in _units(two) if u.kind == "record"
                        and u.label == "meeting.participants")
    assert participants.key.startswith("record:1:")
    assert participants.versions == {"anna": "Russland, USA", "ola": "USA"}
    before = _count(two, Relation, gold)
    applied = gold.apply(AcceptVersion(UnitRef.of(participants), "anna"))
    after = next(u for u in _units(two) if u.key == participants.key)
    assert after.gold == "Russland, USA" and after.state == "accepted"
    assert _count(two, Relation, gold) == before + 1  # Moskva's participant relation
    ola = gold.apply(AcceptVersion(UnitRef.of(after), "ola"))
    after = next(u for u in _units(two) if u.key == participants.key)
    assert after.gold == "USA" and after.mark == "adjudicated"
    gold.apply(ola.inverse)
    gold.apply(applied.inverse)
    assert next(u for u in _units(two) if u.key == participants.key).gold == \
        participants.gold


def test_a_record_slot_that_gold_cannot_state_is_refused_whole(two: Project) -> None:
    """Without Moskva's ACTOR mention in gold, Anna's participants cannot be stated."""
    gold = _gold(two)
    gold.apply(ConfirmDocument(1))
    participants = next(u for u in _units(two) if u.kind == "record"
                        and u.label == "meeting.participants")
    before = _count(two, Relation, gold)
    with pytest.raises(EditError, match="accept the mention first"):
        gold.apply(AcceptVersion(UnitRef.of(participants), "anna"))
    assert _count(two, Relation, gold) == before


def test_reject_removes_gold_s_version(two: Project) -> None:
    gold = _gold(two)
    gold.apply(ConfirmDocument(2))
    brussel = _unit(_units(two), "mention", SECOND.index("Brussel"), document=2)
    assert brussel.state == "incomplete"
    gold.apply(AcceptVersion(UnitRef.of(brussel), "anna"))
    brussel = _unit(_units(two), "mention", SECOND.index("Brussel"), document=2)
    assert brussel.state == "accepted"
    rejected = gold.apply(RejectUnit(UnitRef.of(brussel), "not a place here"))
    brussel = _unit(_units(two), "mention", SECOND.index("Brussel"), document=2)
    assert (brussel.state, brussel.gold, brussel.mark, brussel.note) == \
        ("rejected", None, "rejected", "not a place here")
    gold.apply(rejected.inverse)
    brussel = _unit(_units(two), "mention", SECOND.index("Brussel"), document=2)
    assert (brussel.state, brussel.mark) == ("accepted", "adjudicated")


def test_a_step_that_cannot_be_done_says_why(two: Project) -> None:
    gold = _gold(two)
    units = _units(two)
    link = _unit(units, "link", TEXT.index("Moskva"))
    with pytest.raises(EditError, match="accept the mention first"):
        gold.apply(AcceptVersion(UnitRef.of(link), "anna"))
    brussel = _unit(units, "mention", SECOND.index("Brussel"), document=2)
    with pytest.raises(EditError, match="ola has no version"):
        gold.apply(AcceptVersion(UnitRef.of(brussel), "ola"))
    with pytest.raises(EditError, match="not a curation mark"):
        gold.apply(SetMark(brussel.key, "mention", 2, "maybe"))
    with pytest.raises(EditError, match="switch to it to curate"):
        Annotation(two, "anna").apply(RejectUnit(UnitRef.of(brussel)))
    assert _count(two, Mention, gold) == 0


def test_progress_per_annotator_and_curator(two: Project) -> None:
    with two.read() as session:
        progress = curation_progress(session)
    assert progress.documents == 2
    assert progress.annotators == {"anna": 1, "ola": 1}
    assert progress.curated == 0
    assert progress.summary() == "anna 1/2, ola 1/2; curated 0/2"
    with two.write() as session:
        assert session.scalar(select(Annotator.id).where(Annotator.name == GOLD)) is None


def test_curated_export_marks_gold_units_keeps_relations_and_round_trips(
        two: Project, tmp_path: Path) -> None:
    import json

    import pandas as pd

    from akkord.services.exporting import ExportOptions, export, export_jsonl
    from akkord.services.importing import import_paths
    from akkord.store import open_project

    gold = _gold(two)
    for doc in (1, 2):
        gold.apply(ConfirmDocument(doc))
    units = _units(two)
    moskva = _unit(units, "mention", TEXT.index("Moskva"))
    date = _unit(units, "value", TEXT.index("10. januar"))
    gold.apply(AcceptVersion(UnitRef.of(moskva), "anna"))
    gold.apply(MarkUnresolved(UnitRef.of(date), "dagen eller uka?"))
    first = tmp_path / "first.jsonl"
    export_jsonl(two, first)
    lines = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    doc = next(line for line in lines if line.get("id") == "doc1")
    gold_spans = {TEXT[s["start"]:s["end"]]: s for s in doc["spans"]
                  if s["annotator"] == GOLD}
    assert gold_spans["Nato"]["curation"] == "unanimous"
    assert gold_spans["Moskva"]["curation"] == "adjudicated"
    assert (gold_spans["10. januar"]["curation"], gold_spans["10. januar"]["curation_note"]) \
        == ("unresolved", "dagen eller uka?")
    assert all("curation" not in s for s in doc["spans"] if s["annotator"] != GOLD)
    gold_relations = [r for r in doc["relations"] if r["annotator"] == GOLD]
    assert gold_relations and all(r["curation"] == "unanimous" for r in gold_relations)
    # Import into an empty project and export again: the same bytes, marks included.
    with open_project(tmp_path / "again.akkord", create=True) as again:
        report = import_paths(again, [first])
        assert not report.problems
        second = tmp_path / "second.jsonl"
        export_jsonl(again, second)
    assert second.read_bytes() == first.read_bytes()
    # The curated tables export has the marks and keeps the relations.
    export(two, "tables", tmp_path / "tables", ExportOptions(annotators=[GOLD]))
    mentions = pd.read_parquet(tmp_path / "tables" / "mentions.parquet")
    gold_rows = mentions[mentions["annotator"] == GOLD]
    assert set(gold_rows["curation"]) == {"unanimous", "adjudicated", "unresolved"}
    relations = pd.read_parquet(tmp_path / "tables" / "relations.parquet")
    assert set(relations["type"]) == {"participant", "place", "time"}  # the pre-merged ones
    assert (relations[relations["annotator"] == GOLD]["curation"] == "unanimous").all()


def test_an_unknown_curation_mark_in_a_file_is_rejected(tmp_path: Path) -> None:
    import json

    from akkord.services.importing import import_paths
    from akkord.store import open_project

    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "Nato svarte.", "spans": [
        {"id": "1", "start": 0, "end": 4, "label": "ACTOR", "curation": "maybe"}]}) + "\n",
        encoding="utf-8")
    with open_project(tmp_path / "p.akkord", create=True) as project:
        report = import_paths(project, [path])
    assert report.rejected and "curation 'maybe' is not one of" in str(report.problems[0])
