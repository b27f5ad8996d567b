"""The recommender in the window: trained in the background on the layer's own
annotations, cancellable, its F1 per label and threshold shown and settable, and its
suggestions written into a newly opened document (offscreen pytest-qt, the demo project,
a real training in a child process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from akkord.gui.main_window import MainWindow
from akkord.gui.recommender_worker import TrainingState
from akkord.gui.suggestions import load_kinds
from akkord.services.demo import create_demo
from akkord.store import open_project
from akkord.store.models import Document, Mention

TRAINING_S = 300  # the worst a loaded 2-core machine needs for the demo (about 6 s idle)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = create_demo(tmp_path_factory.mktemp("demo") / "demo.akkord")
    with open_project(path) as project, project.write() as session:
        first = session.scalars(select(Document).order_by(Document.id)).first()
        assert first is not None  # the same article again, new to every layer
        session.add(Document(content_hash="again", text=first.text, meta=dict(first.meta),
                             parts=list(first.parts), title="Again",
                             date_value=first.date_value, date_earliest=first.date_earliest,
                             date_latest=first.date_latest,
                             date_precision=first.date_precision))
    return path


@pytest.fixture
def window(qtbot: QtBot, demo_template: Path, tmp_path: Path) -> Iterator[MainWindow]:
    path = tmp_path / "demo.akkord"
    path.write_bytes(demo_template.read_bytes())
    win = MainWindow(open_project(path), "gold", "gold", suggest=True)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitUntil(lambda: win.session.document is not None)
    yield win
    win.close()


def _trained(window: MainWindow, qtbot: QtBot) -> TrainingState:
    trainer = window.suggesting.trainer
    qtbot.waitUntil(lambda: not trainer.running, timeout=TRAINING_S * 1000)
    return trainer.state


def test_training_in_the_background_shows_f1_per_label(window: MainWindow,
                                                       qtbot: QtBot) -> None:
    window.run_action("suggestion-settings")
    panel = window.suggesting.panel
    assert window.suggesting.panel_dock.isVisible()
    qtbot.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert window.suggesting.trainer.running and panel.cancel_button.isEnabled()
    state = _trained(window, qtbot)
    assert state.evaluation is not None, state.message
    labels = sorted(state.evaluation.labels)
    assert [panel.scores.item(r, 0).text() for r in range(panel.scores.rowCount())] == labels
    assert "held-out sentences (threshold 0.60)" in panel.state.text()
    assert panel.train_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_a_training_can_be_cancelled(window: MainWindow, qtbot: QtBot) -> None:
    trainer = window.suggesting.trainer
    trainer.start()
    qtbot.waitUntil(lambda: trainer.state.total > 0, timeout=TRAINING_S * 1000)
    window.suggesting.panel.cancel_button.click()
    state = _trained(window, qtbot)
    assert state.message == "Training cancelled" and trainer.recommender is None


def test_the_models_suggestions_reach_a_new_document(window: MainWindow, qtbot: QtBot) -> None:
    panel = window.suggesting.panel
    panel.threshold.setValue(0.0)  # whatever it scores, it suggests
    assert window.project.setting("suggest.threshold") == "0.00"
    window.suggesting.trainer.start()
    state = _trained(window, qtbot)
    assert state.evaluation is not None, state.message
    assert window.session.recommender is not None
    again = window.documents.model.ids[-1]
    window.session.open_document(again)
    with window.project.read() as session:
        origins = set(session.scalars(select(Mention.origin).where(
            Mention.document_id == again, Mention.status == "suggested")))
    assert "model" in origins and "alias" in origins


def test_kinds_are_the_users_choice_and_switch_suggesters_off(window: MainWindow,
                                                              qtbot: QtBot) -> None:
    panel = window.suggesting.panel
    panel.names.setChecked(False)
    assert not window.session.kinds.names
    again = window.documents.model.ids[-1]
    window.session.open_document(again)
    with window.project.read() as session:
        origins = set(session.scalars(select(Mention.origin).where(
            Mention.document_id == again)))
    assert "alias" not in origins and "timex" in origins
    assert load_kinds().names is False  # kept for the next window


def test_a_pause_in_editing_starts_training_when_it_is_due(window: MainWindow,
                                                            qtbot: QtBot) -> None:
    """After an edit the window looks, once the annotator pauses, whether the layer has
    enough new mentions to learn from; the count runs off the GUI thread and training
    starts from its answer."""
    trainer = window.suggesting.trainer
    assert trainer.recommender is None and not trainer.running
    started: list[bool] = []
    trainer.state_changed.connect(lambda state: started.append(state.running))
    window.suggesting.consider_training()  # what the pause's timer calls
    assert not trainer.running  # only the count was started: nothing waited for it
    qtbot.waitUntil(lambda: True in started, timeout=TRAINING_S * 1000)
    _trained(window, qtbot)
    trainer.consider(0)  # nothing new since: not again
    assert not trainer.running


def test_a_worker_whose_window_is_gone_stops_without_a_traceback() -> None:
    """Quitting while a training runs deletes the signals' object under the worker: its
    reports then stop the training instead of raising (a traceback at exit before)."""
    import threading

    import shiboken6

    from akkord.gui.recommender_worker import _Progress, _Signals, emit

    signals, stop = _Signals(), threading.Event()
    progress = _Progress(signals, stop)
    progress.start(10, "training")
    assert not stop.is_set()
    shiboken6.delete(signals)
    progress.advance()  # raised RuntimeError("Signal source has been deleted")
    assert stop.is_set() and progress.cancelled()
    assert emit(signals.finished, None, "") is False
