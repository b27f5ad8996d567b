"""``akkord suggest``: write suggestions into an annotator's layer, without the window."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from akkord.cli.common import open_target, project_argument
from akkord.domain.statuses import GOLD
from akkord.errors import AkkordError
from akkord.services.annotation import Annotation
from akkord.services.queries import chunks
from akkord.services.suggesting.edits import AddSuggestions
from akkord.services.suggesting.model import ALIAS, MODEL, OCCURRENCE, OFFICE, SuggestionCounts
from akkord.services.suggesting.pipeline import Suggesters, suggest_document
from akkord.services.suggesting.preannotate import load_matcher
from akkord.services.suggesting.recommender import (
    DEFAULT_THRESHOLD,
    THRESHOLD_SETTING,
    NotTrained,
    Recommender,
    Settings,
    training_examples,
)
from akkord.store.models import Document, Mention
from akkord.store.project import Project

_KINDS = ((ALIAS, "known names"), (OFFICE, "office holders"), (OCCURRENCE, "occurrences"),
          (MODEL, "recommender"))


def _threshold(project: Project, given: float | None) -> float:
    if given is not None:
        project.set_setting(THRESHOLD_SETTING, str(given))
        return given
    stored = project.setting(THRESHOLD_SETTING)
    try:
        return float(stored) if stored is not None else DEFAULT_THRESHOLD
    except ValueError:
        return DEFAULT_THRESHOLD


def _train(project: Project, annotator_id: int, threshold: float) -> Recommender | None:
    recommender = Recommender(Settings(threshold=threshold))
    with project.read() as session:
        examples = training_examples(session, annotator_id)
    try:
        evaluation = recommender.train(examples)
    except NotTrained as exc:
        click.echo(f"Recommender: not trained ({exc}).")
        return None
    active = sorted(recommender.active_labels)
    verdict = (f"suggesting {', '.join(active)}" if active
               else "below the threshold: no recommender suggestions")
    click.echo(f"Recommender: F1 {evaluation.f1:.2f} on {evaluation.test_sentences} held-out "
               f"sentences (threshold {threshold:.2f}); {verdict}.")
    return recommender if active else None


def _counts(project: Project, ids: list[int], proposed: int) -> SuggestionCounts:
    """What one document's edit wrote, per origin (and how many were there already)."""
    written: dict[str, int] = {}
    with project.read() as session:
        for chunk in chunks(ids):
            for origin, count in session.execute(select(Mention.origin, func.count()).where(
                    Mention.id.in_(chunk)).group_by(Mention.origin)):
                written[str(origin)] = written.get(str(origin), 0) + count
    return SuggestionCounts(written, proposed - len(ids), list(ids))


@click.command("suggest")
@project_argument
@click.option("--document", "documents", type=int, multiple=True, metavar="ID",
              help="Only this document (repeatable; default: every document).")
@click.option("--annotator", default=GOLD, show_default=True, metavar="NAME",
              help="The layer the suggestions go into (and the recommender learns from).")
@click.option("--no-names", is_flag=True, help="Leave out known names, aliases and offices.")
@click.option("--no-occurrences", is_flag=True,
              help="Leave out other occurrences of the layer's mentions.")
@click.option("--no-model", is_flag=True, help="Do not train or run the recommender.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), metavar="F1",
              help=f"F1 the recommender must reach on held-out sentences before it suggests "
                   f"(stored in the project; default {DEFAULT_THRESHOLD}).")
@click.pass_context
def suggest(ctx: click.Context, project: Path | None, documents: tuple[int, ...],
            annotator: str, no_names: bool, no_occurrences: bool, no_model: bool,
            threshold: float | None) -> None:
    """Write suggestions (known names, offices, occurrences, recommender) into a layer.

    Each document is one edit (one transaction). Places the layer already has a mention
    of the label, including rejected suggestions, are never proposed again.
    """
    with open_target(ctx, project) as opened:
        with opened.write() as session:
            annotator_id = Project.annotator_id(session, annotator)
            existing = set(session.scalars(select(Document.id)))
        missing = sorted(set(documents) - existing)
        if missing:
            raise AkkordError(f"no document {', '.join(map(str, missing))} in the project")
        wanted = sorted(documents) if documents else sorted(existing)
        limit = _threshold(opened, threshold)
        recommender = None if no_model else _train(opened, annotator_id, limit)
        with opened.read() as session:
            names = None if no_names else load_matcher(session, opened.schema, annotator_id)
        suggesters = Suggesters(names, not no_occurrences, recommender)
        total = SuggestionCounts()
        layer = Annotation(opened, annotator)
        for document_id in wanted:  # each document is one edit (one transaction)
            with opened.read() as session:
                found = suggest_document(session, annotator_id, document_id, suggesters)
            applied = layer.apply(AddSuggestions(document_id, tuple(found)))
            total.add(_counts(opened, sorted(applied.changes.mentions), len(found)))
    kinds = ", ".join(f"{label} {total.written.get(kind, 0)}" for kind, label in _KINDS)
    click.echo(f"Suggested {total.total} mention(s) in {len(wanted)} document(s) for "
               f"{annotator}: {kinds}; {total.skipped} already there.")


COMMANDS = [suggest]
