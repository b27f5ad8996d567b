"""A :class:`~akkord.services.progress.Progress` shown as a cancellable progress dialog.

Services run in the GUI thread and report here; every report updates the dialog at most
every :attr:`QtProgress.INTERVAL` seconds and lets Qt process events, so the window
repaints and the Cancel button works. After Cancel, the service's next
:meth:`~akkord.services.progress.Progress.check` raises
:class:`~akkord.services.progress.Cancelled` and it rolls back or deletes what it was
writing.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from akkord.services.progress import Progress


class QtProgress(Progress):
    INTERVAL = 0.05  # seconds between repaints: enough for the eye, cheap for the work

    def __init__(self, parent: QWidget | None, title: str) -> None:
        self.dialog = QProgressDialog(parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(0)
        self.dialog.setCancelButtonText("Cancel")
        self._cancelled = False
        self._value = 0
        self._shown_at = 0.0
        self.dialog.canceled.connect(self._cancel)

    def _cancel(self) -> None:
        self._cancelled = True

    def _refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._shown_at >= self.INTERVAL:
            self._shown_at = now
            if self.dialog.maximum() > 0:
                self.dialog.setValue(min(self._value, self.dialog.maximum()))
            QApplication.processEvents()

    def start(self, total: int | None, description: str) -> None:
        self._value = 0
        self.dialog.setLabelText(description)
        self.dialog.setRange(0, total or 0)  # 0..0: a busy indicator
        self.dialog.setValue(0)
        self.dialog.show()
        self._refresh(force=True)

    def advance(self, steps: int = 1) -> None:
        self._value += steps
        self._refresh()

    def finish(self) -> None:
        self.dialog.hide()

    def cancelled(self) -> bool:
        self._refresh()
        return self._cancelled or self.dialog.wasCanceled()

    @property
    def value(self) -> int:
        return self._value
