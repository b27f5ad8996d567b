"""The recommender, trained in the background while the annotator works.

:class:`RecommenderTrainer` runs one training at a time on a thread of its own
``QThreadPool``. The worker asks a
:class:`~akkord.services.suggesting.desk.SuggestionDesk` of its own where the layer's
examples are and trains with
:meth:`~akkord.services.suggesting.recommender.Recommender.train_in_process`: a child
process reads the examples and runs CRFsuite, so neither holds this process's
interpreter lock and the window stays responsive while the model learns. The trained
recommender comes back to the GUI thread through a queued signal
(:attr:`RecommenderTrainer.trained`); the window then writes its suggestions as an edit
there. :meth:`RecommenderTrainer.cancel` stops a
training at once; closing the window cancels and waits.

:meth:`RecommenderTrainer.consider` is called as the annotator works: it trains again
when :meth:`~akkord.services.suggesting.recommender.Recommender.due` says enough new
mentions came in since the last training (or attempt).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, SignalInstance

from akkord.errors import AkkordError
from akkord.services.progress import Cancelled, Progress
from akkord.services.projects import Project
from akkord.services.suggesting.desk import SuggestionDesk
from akkord.services.suggesting.recommender import (
    Evaluation,
    NotTrained,
    Recommender,
    Settings,
)


@dataclass(frozen=True, slots=True)
class TrainingState:
    """What the suggestions panel shows about the recommender."""

    running: bool = False
    done: int = 0
    total: int = 0
    message: str = "Not trained yet"
    evaluation: Evaluation | None = None


class _Signals(QObject):
    progressed = Signal(int, int)  # iterations done, of total
    finished = Signal(object, str)  # Recommender | None, what happened


def emit(signal: SignalInstance, *args: object) -> bool:
    """Emit ``signal`` from a worker thread; False when its object is gone.

    The application can quit while a worker runs (a window destroyed without being
    closed, the interpreter finalising): its signals' objects are then deleted under it,
    and an emit raises. The worker has no one left to tell, so it stops quietly instead
    of printing a traceback."""
    try:
        signal.emit(*args)
    except RuntimeError:  # "Signal source has been deleted"
        return False
    return True


class _Progress(Progress):
    """The worker's progress: reported through a signal; cancelled by an event, or when
    no one is left to report to."""

    def __init__(self, signals: _Signals, stop: threading.Event) -> None:
        self.signals, self.stop = signals, stop
        self.total, self.done = 0, 0

    def start(self, total: int | None, description: str) -> None:
        self.total, self.done = total or 0, 0
        self._report(0)

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        self._report(self.done)

    def _report(self, done: int) -> None:
        if not emit(self.signals.progressed, done, self.total):
            self.stop.set()

    def cancelled(self) -> bool:
        return self.stop.is_set()


class _Counted(QObject):
    counted = Signal(int)


class _Count(QRunnable):
    """How many mentions the layer has to learn from, counted off the GUI thread: in a
    layer of 400,000 mentions the count takes 100 ms or more, and it runs whenever the
    annotator pauses (SQLite releases the interpreter lock while it counts)."""

    def __init__(self, project: Project, annotator_id: int, signals: _Counted) -> None:
        super().__init__()
        self.project, self.annotator_id, self.signals = project, annotator_id, signals

    def run(self) -> None:
        try:
            count = SuggestionDesk(self.project, self.annotator_id).annotated_count()
        except AkkordError:
            return  # the next pause tries again
        emit(self.signals.counted, count)


class _Training(QRunnable):
    def __init__(self, project: Project, annotator_id: int, settings: Settings,
                 signals: _Signals, stop: threading.Event) -> None:
        super().__init__()
        self.project, self.annotator_id, self.settings = project, annotator_id, settings
        self.signals, self.stop = signals, stop

    def run(self) -> None:
        try:
            # The examples are read by the training's process, not this one's thread.
            examples = SuggestionDesk(self.project, self.annotator_id).example_source()
            recommender = Recommender(self.settings)
            recommender.train_in_process(examples, _Progress(self.signals, self.stop))
        except Cancelled:
            emit(self.signals.finished, None, "Training cancelled")
        except NotTrained as exc:
            emit(self.signals.finished, None, f"Not trained: {exc}")
        except AkkordError as exc:
            emit(self.signals.finished, None, str(exc))
        except Exception as exc:  # a worker must never die silently
            emit(self.signals.finished, None, f"Training failed: {type(exc).__name__}: {exc}")
        else:
            emit(self.signals.finished, recommender, "")


class RecommenderTrainer(QObject):
    """Trains the layer's recommender in the background (see the module docstring)."""

    state_changed = Signal(object)  # TrainingState
    trained = Signal(object)  # Recommender, on the GUI thread

    def __init__(self, project: Project, annotator_id: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project, self.annotator_id = project, annotator_id
        self.settings = Settings()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.recommender: Recommender | None = None
        self.state = TrainingState()
        self._stop: threading.Event | None = None
        self._signals: _Signals | None = None
        self._attempted_at: int | None = None  # mentions when training was last tried
        self._counter = _Counted(self)
        self._counter.counted.connect(self.consider)

    @property
    def running(self) -> bool:
        return self._stop is not None

    def set_threshold(self, threshold: float) -> None:
        """The F1 a model (and each of its labels) must reach before it suggests."""
        self.settings.threshold = threshold
        if self.recommender is not None:
            self.recommender.settings.threshold = threshold
        self._publish(self.state)

    def consider_soon(self) -> None:
        """:meth:`consider`, once the layer's mentions are counted in the background (the
        count reaches :meth:`consider` on the GUI thread, through a queued signal)."""
        if self.running:
            return
        self.pool.start(_Count(self.project, self.annotator_id, self._counter))

    def consider(self, mentions: int) -> bool:
        """Train again if the layer's ``mentions`` (made or accepted) call for it
        (:meth:`Recommender.due`, and never twice for the same few mentions when there
        was too little to learn from); True when a training started."""
        if self.running:
            return False
        due = self.recommender.due(mentions) if self.recommender is not None else True
        tried = self._attempted_at
        if not due or (tried is not None and mentions - tried < self.settings.retrain_every):
            return False
        self._attempted_at = mentions
        self.start()
        return True

    def start(self) -> None:
        """Train now (nothing happens while a training runs)."""
        if self.running:
            return
        self._stop = threading.Event()
        self._signals = _Signals()
        self._signals.progressed.connect(self._progressed)
        self._signals.finished.connect(self._finished)
        settings = replace(self.settings)  # the worker's own copy
        self._publish(TrainingState(True, 0, 0, "Training…", self.state.evaluation))
        self.pool.start(_Training(self.project, self.annotator_id, settings, self._signals,
                                  self._stop))

    def cancel(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def shut_down(self, wait_ms: int = 10_000) -> None:
        """Cancel any training and wait for the worker (before the project closes)."""
        self.cancel()
        self.pool.waitForDone(wait_ms)

    def _progressed(self, done: int, total: int) -> None:
        self._publish(TrainingState(True, done, total, "Training…", self.state.evaluation))

    def _finished(self, recommender: object, message: str) -> None:
        self._stop, self._signals = None, None
        if isinstance(recommender, Recommender):
            recommender.settings.threshold = self.settings.threshold
            self.recommender = recommender
            self._publish(TrainingState(False, 0, 0, "Trained", recommender.evaluation))
            self.trained.emit(recommender)
        else:
            self._publish(TrainingState(False, 0, 0, message, self.state.evaluation))

    def _publish(self, state: TrainingState) -> None:
        self.state = state
        self.state_changed.emit(state)
