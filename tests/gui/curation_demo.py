"""The demo project for curation tests: Ingrid's and Ola's layers with gold still empty
(the finished demo gold removed), and optionally a third annotator, Per, who annotated
like Ingrid but left out a few mentions."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, select

from akkord.domain.statuses import GOLD
from akkord.services.demo import create_demo
from akkord.services.exporting import ExportOptions, export_jsonl
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import open_project
from akkord.store.models import (
    Annotator,
    CurationMark,
    DocumentState,
    EntityValue,
    Mention,
    Relation,
)

THIRD = "Per"
PER_LEAVES_OUT = 3  # Ingrid's mentions Per does not have, in the second document


def uncurated_demo(folder: Path, *, third: bool = False) -> Path:
    """The demo at ``folder/demo.akkord`` with an empty gold layer (and Per's layer)."""
    path, _ = create_demo(folder / "demo.akkord")
    with open_project(path) as project:
        if third:
            _add_third(project, folder)
        with project.write() as session:
            gold = session.scalar(select(Annotator.id).where(Annotator.name == GOLD))
            mentions = select(Mention.id).where(Mention.annotator_id == gold)
            session.execute(delete(EntityValue).where(EntityValue.evidence_id.in_(mentions)))
            session.execute(delete(CurationMark))
            session.execute(delete(Relation).where(Relation.annotator_id == gold))
            session.execute(delete(Mention).where(Mention.annotator_id == gold))
            session.execute(delete(DocumentState).where(DocumentState.annotator_id == gold))
    return path


def _add_third(project: object, folder: Path) -> None:
    source = folder / "ingrid.jsonl"
    export_jsonl(project, source, ExportOptions(annotators=["Ingrid"]))  # type: ignore[arg-type]
    lines = []
    documents = 0
    for line in source.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "annotators" in record:
            record["annotators"] = [THIRD]
        if "text" in record:
            documents += 1
            spans = record.get("spans", [])
            if documents == 2:  # Per leaves out a few of Ingrid's mentions here
                gone = {s["id"] for s in spans[:PER_LEAVES_OUT]}
                record["spans"] = [s for s in spans if s["id"] not in gone]
                record["relations"] = [r for r in record.get("relations", [])
                                       if r["from_id"] not in gone and r["to_id"] not in gone]
            for item in (*record.get("spans", []), *record.get("relations", [])):
                item["annotator"] = THIRD
            states = list(record.get("states", {}).values())
            record["states"] = {THIRD: states[0]} if states else {}
        lines.append(json.dumps(record, ensure_ascii=False))
    target = folder / "per.jsonl"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(project, [target], ImportOptions(  # type: ignore[arg-type]
        all_or_nothing=True, suggest_times=False))
    assert not report.problems, report.problems
