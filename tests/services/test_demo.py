"""The demo project: the corpus written for Akkord and its gold annotation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from akkord.resources import resource_path
from akkord.services.demo import create_demo
from akkord.store import open_project
from akkord.store.models import Document, Entity, EntityValue, Mention, Relation


def test_gold_jsonl_is_built_from_the_annotation_spec() -> None:
    script = resource_path("demo", "build_gold.py")
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_annotation_spec_passes_its_checker() -> None:
    result = subprocess.run([sys.executable, str(resource_path("demo",
                                                               "check_annotations.py"))],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def test_demo_project_has_the_annotated_articles(tmp_path: Path) -> None:
    path, created = create_demo(tmp_path / "demo.akkord")
    assert created and path.exists()
    assert create_demo(path) == (path, False)  # an existing demo is left alone
    with open_project(path) as project, project.read() as session:
        docs = session.scalars(select(Document).order_by(Document.id)).all()
        assert len(docs) >= 6
        assert all(d.title and d.meta.get("byline") for d in docs)
        dates = [d.date_earliest for d in docs]
        assert dates == sorted(dates)  # in publication order
        unlinked = session.scalar(select(func.count()).select_from(Mention).where(
            Mention.label == "ACTOR", Mention.entity_id.is_(None)))
        assert unlinked == 0
        types = set(session.scalars(select(Relation.type)))
        assert {"claimant", "addressee", "participant", "place", "time"} <= types
        # The Geneva talks: participants, place and a two-day date, backed by evidence.
        meeting = session.scalars(select(Entity).where(
            Entity.key == "meeting/geneve-2022-01-10")).one()
        values = {v.attribute: v for v in meeting.values}
        assert values["date"].date_value == "2022-01-09/2022-01-10"
        assert values["place"].ref is not None and values["place"].ref.name == "Genève"
        assert {v.ref.key for v in meeting.values if v.attribute == "participants"
                and v.ref} >= {"actor/usa", "actor/russland"}
        # Every demand has a claimant and at least one addressee.
        claimant = aliased(Entity)
        demands = session.execute(
            select(Entity.key, claimant.key).join(EntityValue, EntityValue.entity_id == Entity.id)
            .join(claimant, claimant.id == EntityValue.ref_id)
            .where(EntityValue.attribute == "claimant")).all()
        assert ("demand/no-nato-enlargement", "actor/russland") in demands
        evidence = session.scalar(select(func.count()).select_from(EntityValue).where(
            EntityValue.evidence_id.is_not(None)))
        assert evidence and evidence > 5


def test_demo_has_two_annotators_who_mostly_agree(tmp_path: Path) -> None:
    """Ingrid and Ola's layers: the differences written in layers.toml show up as such."""
    from akkord.services.agreement import ALL, AgreementOptions, agreement
    from akkord.services.curation import curation_progress, curation_queue, curation_units

    path, _ = create_demo(tmp_path / "demo.akkord")
    with open_project(path) as project:
        report = agreement(project, AgreementOptions(annotators=["Ingrid", "Ola"],
                                                     disagreements=True))
        pair = ("Ingrid", "Ola")
        for measure in ("span_f1_exact", "span_f1_overlap", "token_kappa", "lea",
                        "relation_f1", "alpha_unitized"):
            value = report.value(measure, ALL, pair)
            assert value is not None and 0.8 < value < 1, (measure, value)
        kinds = {d.kind for d in report.disagreements}
        assert {"missing", "label", "boundary", "link", "date", "relation", "record"} <= kinds
        assert report.value("date_exact", "TIME", pair) < 1  # type: ignore[operator]
        assert report.value("record_slots", "meeting.participants", pair) < 1  # type: ignore[operator]
        with project.read() as session:
            progress = curation_progress(session)
            units = curation_units(session, project.schema, ["Ingrid", "Ola"])
    assert progress.annotators == {"Ingrid": 8, "Ola": 5}
    assert progress.summary() == "Ingrid 8/8, Ola 5/8; curated 8/8"
    queue = curation_queue(units)
    assert queue and queue[0].agreement == 0
    states = {u.state for u in units}
    assert {"agree", "accepted", "rejected"} <= states
