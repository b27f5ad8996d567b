"""One background job at a time, on a worker thread, with its result back in the window.

:class:`Background` runs a plain function (a service call that opens its own database
connection, :mod:`akkord.services.background`) on a :class:`QThread` and emits
:attr:`Background.finished` with its result, or :attr:`Background.failed` with the
message, in the GUI thread (queued signals: the receivers live there). Asked again while
a job runs, it runs the newest request once the current one is done, and drops the ones
in between: a burst of edits recomputes once, never in parallel, and never blocks.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from akkord.errors import AkkordError

Job = Callable[[], object]


class _Thread(QThread):
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, job: Job, parent: QObject) -> None:
        super().__init__(parent)
        self.job = job

    def run(self) -> None:
        try:
            result = self.job()
        except AkkordError as error:
            self.failed.emit(str(error))
            return
        except Exception as error:  # a worker must report, not vanish
            self.failed.emit(f"{type(error).__name__}: {error}")
            return
        self.done.emit(result)


class Background(QObject):
    """Runs one job at a time; see the module docstring."""

    started = Signal()
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: _Thread | None = None
        self._next: Job | None = None
        self._result: tuple[bool, object] = (False, "the job ended without a result")

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def run(self, job: Job) -> None:
        """Run ``job`` now, or after the one running (replacing any waiting one)."""
        if self._thread is not None:
            self._next = job
            return
        thread = self._thread = _Thread(job, self)
        thread.done.connect(self._done)
        thread.failed.connect(self._failed)
        thread.finished.connect(self._ended)
        self.started.emit()
        thread.start()

    def _done(self, result: object) -> None:
        self._result = (True, result)

    def _failed(self, message: str) -> None:
        self._result = (False, message)

    def _ended(self) -> None:
        """The thread has ended: say how (the job is no longer :attr:`busy`, so a
        receiver may start the next one), then run a waiting request."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.deleteLater()
        (ok, result), self._result = self._result, (False, "the job ended without a result")
        job, self._next = self._next, None
        if job is not None:  # a newer request makes this result stale
            self.run(job)
        elif ok:
            self.finished.emit(result)
        else:
            self.failed.emit(str(result))

    def wait(self) -> None:
        """Let the running job end (the window is closing); drop any waiting one."""
        self._next = None
        if self._thread is not None:
            self._thread.wait()
