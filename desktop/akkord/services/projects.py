"""Opening and creating projects, for the layers above services (the window, scripts).

The window never imports :mod:`akkord.store`; what it needs of a project — open it,
create it, its name, path, schema, its annotators — it takes from here.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from akkord.store.models import Annotator, Mention
from akkord.store.project import PROJECT_SUFFIX, Project, ProjectError, open_project

__all__ = ["PROJECT_SUFFIX", "Project", "ProjectError", "annotator_names", "has_mentions",
           "open_project"]


def annotator_names(project: Project) -> list[str]:
    """Everyone with a layer in the project, by name."""
    with project.read() as session:
        return list(session.scalars(select(Annotator.name).order_by(Annotator.name)))


def has_mentions(project: Project, annotator: str) -> bool:
    """Whether the annotator's layer holds any mention."""
    with project.read() as session:
        return bool(session.scalar(select(exists().where(
            Mention.annotator_id == Annotator.id, Annotator.name == annotator))))
