"""Progress of long operations, independent of how it is shown.

Services report to a :class:`Progress`; the CLI passes one that draws a terminal bar
(tqdm), the GUI one that drives a cancellable dialog. A cancelled operation raises
:class:`Cancelled` at its next check and rolls back, leaving nothing half-written.
"""

from __future__ import annotations

from akkord.errors import AkkordError


class Cancelled(AkkordError):
    """The user cancelled; the operation rolled back."""

    def __init__(self, what: str = "the operation") -> None:
        super().__init__(f"{what} was cancelled; nothing was changed")


class Progress:
    """Silent progress: the default, and the base class of visible ones."""

    def start(self, total: int | None, description: str) -> None:
        """A new phase begins, with ``total`` steps (``None``: unknown)."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps are done."""

    def finish(self) -> None:
        """The operation ended (done, failed or cancelled)."""

    def cancelled(self) -> bool:
        return False

    def check(self, what: str = "the operation") -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""
        if self.cancelled():
            raise Cancelled(what)


SILENT = Progress()
