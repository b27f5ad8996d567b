"""The curation model on real projects (SQLite and PostgreSQL): units, states, the queue,
progress, and the gold-building steps with their undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from akkord.domain.statuses import GOLD
from akkord.services.curation import (
    CurationError,
    copy_version_to_gold,
    curation_progress,
    curation_queue,
    curation_units,
    gold_annotator_id,
    mark_unit,
    premerge_unanimous,
    revert,
)
from akkord.store.models import Annotator, CurationMark, Mention, Relation
from akkord.store.project import Project
from tests.services.agreement_data import ANNA, OLA, PER, SECOND, TEXT, build


@pytest.fixture
def two(project: Project, tmp_path: Path) -> Project:
    return build(project, tmp_path, [ANNA, OLA])


def _unit(units: list, kind: str, start: int, document: int = 1) -> object:
    return next(u for u in units if u.kind == kind and u.document == document
                and u.start == start)


def test_units_states_and_queue(two: Project) -> None:
    with two.read() as session:
        units = curation_units(session, two.schema)
    moskva = _unit(units, "mention", TEXT.index("Moskva"))
    assert moskva.state == "disagree"  # type: ignore[attr-defined]
    assert moskva.versions == {"anna": f"ACTOR {TEXT.index('Moskva')}–"  # type: ignore[attr-defined]
                               f"{TEXT.index('Moskva') + 6}",
                               "ola": f"PLACE {TEXT.index('Moskva')}–{TEXT.index('Moskva') + 6}"}
    assert moskva.agreement == 0  # type: ignore[attr-defined]
    brussel = _unit(units, "mention", SECOND.index("Brussel"), document=2)
    assert brussel.state == "incomplete"  # type: ignore[attr-defined]
    nato = _unit(units, "mention", TEXT.index("Nato"))
    assert nato.state == "agree" and nato.unanimous  # type: ignore[attr-defined]
    date = _unit(units, "value", TEXT.index("10. januar"))
    assert date.versions == {"anna": "2022-01-10", "ola": "2022-W02"}  # type: ignore[attr-defined]
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
    assert moskva.agreement == pytest.approx(1 / 3)  # type: ignore[attr-defined]


def test_premerge_accept_mark_and_revert(two: Project) -> None:
    with two.write() as session:
        gold = gold_annotator_id(session)
        units = curation_units(session, two.schema)
        change = premerge_unanimous(session, units, gold)
    with two.read() as session:
        gold_mentions = session.scalar(select(func.count()).select_from(Mention).where(
            Mention.annotator_id == gold))
        units = curation_units(session, two.schema)
    assert gold_mentions == 8  # 5 + 2 in the two documents, and "10. januar"
    nato = _unit(units, "mention", TEXT.index("Nato"))
    assert nato.state == "agree" and nato.gold is not None  # type: ignore[attr-defined]
    assert nato.mark == "unanimous"  # type: ignore[attr-defined]
    # Take Anna's reading of "Moskva" (an ACTOR linked to Russland) into gold.
    moskva = _unit(units, "mention", TEXT.index("Moskva"))
    with two.write() as session:
        accepted = copy_version_to_gold(session, moskva, "anna", gold)  # type: ignore[arg-type]
    with two.read() as session:
        units = curation_units(session, two.schema)
        moskva = _unit(units, "mention", TEXT.index("Moskva"))
        assert moskva.state == "accepted" and moskva.mark == "adjudicated"  # type: ignore[attr-defined]
        assert moskva.gold == moskva.versions["anna"]  # type: ignore[attr-defined]
    # The participant relation needs both gold mentions: it can be taken now.
    relation = next(u for u in units if u.kind == "relation" and u.label == "participant"
                    and u.start == TEXT.index("Moskva"))
    with two.write() as session:
        count = select(func.count()).select_from(Relation).where(Relation.annotator_id == gold)
        # Pre-merged: the unanimous place, time and Washington's participant relations;
        # claimant and addressee wait, their DEMAND span is disputed.
        assert session.scalar(count) == 3
        copy_version_to_gold(session, relation, "anna", gold)  # type: ignore[arg-type]
        assert session.scalar(count) == 4
    # Unresolved, with a note.
    date = next(u for u in units if u.kind == "value")
    with two.write() as session:
        mark_unit(session, date, "unresolved", "the week or the day?")
    with two.read() as session:
        found = session.scalars(select(CurationMark).where(
            CurationMark.key == date.key)).one()
        assert (found.mark, found.note) == ("unresolved", "the week or the day?")
    # Undo the acceptance: gold is as before, the mark is gone.
    with two.write() as session:
        revert(session, accepted)
    with two.read() as session:
        units = curation_units(session, two.schema)
        moskva = _unit(units, "mention", TEXT.index("Moskva"))
        assert moskva.gold is None and moskva.state == "disagree"  # type: ignore[attr-defined]
    with two.write() as session:
        revert(session, change)
    with two.read() as session:
        assert session.scalar(select(func.count()).select_from(Mention).where(
            Mention.annotator_id == gold)) == 0


def test_a_step_that_cannot_be_done_says_why(two: Project) -> None:
    with two.write() as session:
        gold = gold_annotator_id(session)
        units = curation_units(session, two.schema)
        link = _unit(units, "link", TEXT.index("Moskva"))
        with pytest.raises(CurationError, match="accept the mention first"):
            copy_version_to_gold(session, link, "anna", gold)  # type: ignore[arg-type]
        brussel = _unit(units, "mention", SECOND.index("Brussel"), document=2)
        with pytest.raises(CurationError, match="ola has no version"):
            copy_version_to_gold(session, brussel, "ola", gold)  # type: ignore[arg-type]
        with pytest.raises(CurationError, match="not a curation mark"):
            mark_unit(session, brussel, "maybe")  # type: ignore[arg-type]


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

    with two.write() as session:
        gold = gold_annotator_id(session)
        premerge_unanimous(session, curation_units(session, two.schema), gold)
    with two.read() as session:
        units = curation_units(session, two.schema)
    moskva = _unit(units, "mention", TEXT.index("Moskva"))
    date = _unit(units, "value", TEXT.index("10. januar"))
    with two.write() as session:
        copy_version_to_gold(session, moskva, "anna", gold)  # type: ignore[arg-type]
        mark_unit(session, date, "unresolved", "dagen eller uka?")  # type: ignore[arg-type]
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
