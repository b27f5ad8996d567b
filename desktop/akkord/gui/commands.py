"""The one undo command: any edit, already applied, with the edit that takes it back.

Edits are data (:mod:`akkord.services.edits`): applying one returns its inverse, and
applying the inverse returns the redo. So a single :class:`EditCommand` serves every
action: it is pushed *after* the edit was applied (a refused edit never reaches the
stack), and each undo or redo applies the edit it holds and keeps the next one. When an
undo is refused (someone else changed the entity since), the session says why and the
command leaves the stack (``setObsolete``) instead of leaving the history inconsistent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from akkord.services.edits import Applied, Edit

if TYPE_CHECKING:
    from akkord.gui.session import AnnotationSession


class EditCommand(QUndoCommand):
    def __init__(self, session: AnnotationSession, applied: Applied, text: str) -> None:
        super().__init__(text)
        self._session = session
        self._next: Edit = applied.inverse
        self._applied = True  # QUndoStack.push calls redo(): the edit is already done

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._step("Redo")

    def undo(self) -> None:
        self._step("Undo")

    def _step(self, verb: str) -> None:
        applied = self._session.apply(self._next, f"{verb} {self.text()}")
        if applied is None:
            self.setObsolete(True)
            return
        self._next = applied.inverse
