"""The window's edit path, as the harness uses it: one small interface over
:meth:`~akkord.services.annotation.Annotation.apply`.

Each call applies one edit (services/edits) in one committed transaction, exactly as the
window's undo commands do; the harness needs only a handful of edits.
"""

from __future__ import annotations

from dataclasses import dataclass

from akkord.services.annotation import Annotation
from akkord.services.edits import (
    AddMention,
    Applied,
    CreateEntity,
    DeleteMention,
    Edit,
    RenameEntity,
    SetStatus,
)
from akkord.store import Project


@dataclass(frozen=True, slots=True)
class EntitySeen:
    name: str
    version: int


class Editor:
    """One annotator's window on a project (the layer is created on first use)."""

    def __init__(self, project: Project, layer: str) -> None:
        self.layer = Annotation(project, layer)

    def add_mention(self, document: int, start: int, end: int, label: str) -> int:
        applied = self._apply(AddMention(document, start, end, label))
        return int(applied.focus if applied.focus is not None
                   else next(iter(applied.changes.mentions)))

    def delete_mention(self, mention: int) -> None:
        self._apply(DeleteMention(mention))

    def entity(self, entity: int) -> EntitySeen:
        view = self.layer.entity(entity)
        return EntitySeen(view.name, view.version)

    def rename(self, entity: int, name: str, seen: EntitySeen) -> None:
        """Rename, refused (ConflictError) if the entity is no longer as ``seen``."""
        self._apply(RenameEntity(entity, name, expected=seen.name))

    def set_status(self, document: int, status: str) -> None:
        self._apply(SetStatus(document, status))

    def create_entity(self, kind: str, name: str) -> tuple[int, str]:
        applied = self._apply(CreateEntity(kind, name))
        entity = next(iter(applied.changes.entities))
        return int(entity), self.layer.entity(entity).key

    def _apply(self, edit: Edit) -> Applied:
        return self.layer.apply(edit)
