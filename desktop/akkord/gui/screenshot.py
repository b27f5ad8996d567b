"""Offscreen screenshots of the main window, for the README and for looking at changes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from akkord.services.projects import Project

SIZE = (1480, 920)


def _choose(window: object) -> None:
    """Open the richest document and select a mention that shows entity and relations."""
    from akkord.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    summaries = window.documents.model.summaries()
    if not summaries:
        return
    best = max(summaries, key=lambda s: (s.label_counts.get("MEETING", 0), s.mentions))
    window.documents.select_document(best.id)
    document = window.session.document
    if document is None:
        return
    related = [m for m in document.in_order() if document.relations_of(m.id)
               and m.entity_id is not None]
    meetings = [m for m in related if m.label == "MEETING"]
    chosen = (meetings or related or document.in_order())[:1]
    if chosen:
        window.session.select(chosen[0].id)


def _wait(signal: object, done: Callable[[], bool], seconds: float = 120) -> None:
    """Run the event loop until ``done()`` (checked whenever ``signal`` fires), at most
    ``seconds``."""
    import time

    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(200, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)  # type: ignore[attr-defined]


def _curation_shots(window: object, out: Path) -> list[Path]:
    """Curation and agreement open at once (View → Curation, View → Agreement): the whole
    window as ``curation.png``, the agreement dock as ``agreement.png``. Nothing is
    written when the project has fewer than two annotators."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from akkord.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    if window.session.layer != "gold":
        return []
    agreement = window.modes.show_agreement()
    _wait(agreement.background.finished, lambda: not agreement.background.busy)
    curation = window.modes.show_curation()
    if curation is None or agreement.snapshot is None:
        return []
    _wait(curation.loaded, lambda: curation.idle)
    if not curation.model.rowCount():
        return []
    rows = curation.model.rows  # a disputed mention says most about curation
    curation.select_row(next((i for i, u in enumerate(rows) if u.kind == "mention"
                              and u.agreement < 1 and u.surface), 0))
    written = []
    QApplication.processEvents()  # the layout the last texts asked for
    dock = window.modes.agreement_dock
    for name, widget in (("curation.png", window), ("agreement.png", dock)):
        if widget is dock and dock is not None:  # the heatmaps at a readable width
            window.resizeDocks([dock], [int(window.width() * 0.55)], Qt.Orientation.Horizontal)
            window.resizeDocks([dock], [window.height()], Qt.Orientation.Vertical)
            QApplication.processEvents()
        path = out / name
        if widget is None or not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written


def save_screenshots(project: Project, out: Path, layer: str = "gold",
                     annotator: str = "gold") -> list[Path]:
    """Save PNGs of the window and its parts into ``out``; return the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from akkord.gui import theme
    from akkord.gui.application import application
    from akkord.gui.main_window import MainWindow

    app = application()
    theme.apply(app)
    out.mkdir(parents=True, exist_ok=True)
    window = MainWindow(project, annotator, layer)
    window._keep_project_open = True  # the caller owns the project
    window.resize(*SIZE)
    window.size_docks(window.size())  # as a first start at this size shares it
    window.show()
    app.processEvents()
    _choose(window)
    for _ in range(3):  # layouts changed by the selection settle over a few event rounds
        app.processEvents()
    shots = {
        "main-window.png": window,
        "article.png": window.view,
        "inspector.png": window.inspector_dock,
        "entities.png": window.entities_dock,
        "documents.png": window.documents_dock,
    }
    written = []
    for name, widget in shots.items():
        path = out / name
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    written += _curation_shots(window, out)
    window.timeline.toggle()
    app.processEvents()
    path = out / "main-window-timeline.png"
    window.grab().save(str(path))
    written.append(path)
    window.close()
    from akkord.gui.timeline_view import grab_timeline

    written.append(grab_timeline(project, out / "timeline.png", size=(1400, 800)))
    return written


def save_suggestion_screenshots(out: Path, *, dark: bool = False) -> list[Path]:
    """PNGs of suggestions in the window, made on a scratch copy of the demo project (a
    new layer gets the project's known names on opening, and suggestions of a
    recommender trained on the demo's gold layer): ``suggestions.png`` (pale suggestions,
    one selected, its source, score and gap in the inspector) and
    ``suggestions-review.png`` (the review list, least certain first); ``-dark`` names
    with ``dark``. Nothing is written to any project of the user's."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from akkord.gui import theme
    from akkord.gui.application import application

    before = os.environ.get(theme_env := "AKKORD_THEME")
    os.environ[theme_env] = "dark" if dark else "light"
    try:
        with theme.kept(application()):  # the look the process had, afterwards
            return _suggestion_screenshots(out, "-dark" if dark else "")
    finally:
        if before is None:
            os.environ.pop(theme_env, None)
        else:
            os.environ[theme_env] = before


def _suggestion_screenshots(out: Path, suffix: str) -> list[Path]:
    import tempfile

    from PySide6.QtCore import Qt

    from akkord.gui import theme
    from akkord.gui.application import application
    from akkord.gui.main_window import MainWindow
    from akkord.gui.session import AnnotationSession
    from akkord.services.demo import create_demo
    from akkord.services.projects import open_project
    from akkord.services.suggesting.recommender import Recommender

    app = application()
    theme.apply(app)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        demo, _ = create_demo(Path(tmp) / "demo.akkord")
        project = open_project(demo)
        recommender = Recommender()
        recommender.train(AnnotationSession(project, "gold").suggestions.training_examples())
        window = MainWindow(project, "kari", "kari")
        window._keep_project_open = True
        window.resize(*SIZE)
        for dock in (window.modes.curation_dock, window.modes.agreement_dock):
            if dock is not None:  # restored from an earlier window of this process
                dock.hide()
        window.size_docks(window.size())
        window.show()
        app.processEvents()
        session = window.session
        session.recommender = recommender
        session.suggest_from_model()
        document = session.document
        assert document is not None
        model = [m for m in document.in_order() if m.origin == "model"]
        session.select((model or document.in_order())[0].id)
        app.processEvents()
        path = out / f"suggestions{suffix}.png"
        window.grab().save(str(path))
        written.append(path)
        window.suggesting.open_review()
        window.suggesting.review.order.setCurrentIndex(1)  # least certain first
        window.suggesting.review.select_mention(window.suggesting.review.model.rows[0]
                                                .mention_id)
        window.resizeDocks([window.suggesting.review_dock], [300], Qt.Orientation.Vertical)
        app.processEvents()
        path = out / f"suggestions-review{suffix}.png"
        window.grab().save(str(path))
        written.append(path)
        window.close()
        project.close()
    return written
