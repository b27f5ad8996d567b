"""Opening and creating projects, for the layers above services (the window, scripts).

The window never imports :mod:`akkord.store`; what it needs of a project — open it,
create it, its name, path, schema, its annotators — it takes from here.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from akkord.domain.statuses import MentionStatus
from akkord.store.models import Annotator, Mention
from akkord.store.project import PROJECT_SUFFIX, Project, ProjectError, open_project

__all__ = ["PROJECT_SUFFIX", "Project", "ProjectError", "annotator_names", "has_annotations",
           "open_project"]


def annotator_names(project: Project) -> list[str]:
    """Everyone with a layer in the project, by name."""
    with project.read() as session:
        return list(session.scalars(select(Annotator.name).order_by(Annotator.name)))


def has_annotations(project: Project, annotator: str) -> bool:
    """Whether the annotator's layer holds any annotation: a mention made by hand or a
    suggestion accepted (pending and rejected suggestions do not count)."""
    decided = [s.value for s in MentionStatus if s.decided]
    with project.read() as session:
        return bool(session.scalar(select(exists().where(
            Mention.annotator_id == Annotator.id, Annotator.name == annotator,
            Mention.status.in_(decided)))))
