"""The window's edit path, as the harness uses it: one small interface over
:class:`~akkord.services.annotation.Annotation`.

The edit path is being restructured (issue 10: ``Annotation.apply(edit)`` with edits as
data, instead of one method per edit). The harness only needs a handful of edits, so it
talks to this adapter, which uses ``apply`` when the service has it and the older
methods otherwise; either way each call is one committed transaction, exactly as the
window makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from akkord.services import annotation as service
from akkord.store import Project

NEW_PATH = hasattr(service.Annotation, "apply")


@dataclass(frozen=True, slots=True)
class EntitySeen:
    name: str
    version: int


class Editor:
    """One annotator's window on a project (the layer is created on first use)."""

    def __init__(self, project: Project, layer: str) -> None:
        self.layer = service.Annotation(project, layer)

    def add_mention(self, document: int, start: int, end: int, label: str) -> int:
        if NEW_PATH:
            from akkord.services.edits import AddMention

            applied = self._apply(AddMention(document, start, end, label))
            return int(applied.focus if applied.focus is not None
                       else next(iter(applied.changes.mentions)))
        return int(self._old().add_mention(document, start, end, label).id)

    def delete_mention(self, mention: int) -> None:
        if NEW_PATH:
            from akkord.services.edits import DeleteMention

            self._apply(DeleteMention(mention))
        else:
            self._old().delete_mention(mention)

    def entity(self, entity: int) -> EntitySeen:
        view = self.layer.entity(entity)
        return EntitySeen(view.name, view.version)

    def rename(self, entity: int, name: str, seen: EntitySeen) -> None:
        """Rename, refused (ConflictError) if the entity is no longer as ``seen``."""
        if NEW_PATH:
            from akkord.services.edits import RenameEntity

            self._apply(RenameEntity(entity, name, expected=seen.name))
        else:
            self._old().rename_entity(entity, name, seen.version)

    def set_status(self, document: int, status: str) -> None:
        if NEW_PATH:
            from akkord.services.edits import SetStatus

            self._apply(SetStatus(document, status))
        else:
            self._old().set_status(document, status)

    def create_entity(self, kind: str, name: str) -> tuple[int, str]:
        if NEW_PATH:
            from akkord.services.edits import CreateEntity

            applied = self._apply(CreateEntity(kind, name))
            entity = next(iter(applied.changes.entities))
        else:
            entity = self._old().create_entity(kind, name).id
        return int(entity), self.layer.entity(entity).key

    def _apply(self, edit: Any) -> Any:
        return self.layer.apply(edit)

    def _old(self) -> Any:
        return self.layer
