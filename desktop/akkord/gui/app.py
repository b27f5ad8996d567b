"""Start the desktop application: settings, the project to open, the main window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from akkord import startup
from akkord.domain.statuses import GOLD
from akkord.errors import AkkordError
from akkord.gui.application import APPLICATION, application, settings
from akkord.services.annotation import warm_up
from akkord.services.projects import Project, has_annotations, open_project
from akkord.textproc import lemmas


def choose_project(project: Path | None, db_url: str | None, demo: bool) -> Project:
    """The explicit project, else the last one opened, else the demo (built if needed)."""
    if db_url:
        return open_project(db_url)
    if project is not None:
        return open_project(project)
    last = settings().value("recent/last")
    if not demo and isinstance(last, str) and last:
        try:
            return open_project(last)
        except AkkordError:
            pass  # moved or deleted since: fall back to the demo
    from akkord.services.demo import open_demo

    return open_demo()


def first_layer(project: Project, annotator: str) -> str:
    """The layer to open: the annotator's own, unless it holds no annotation yet and the
    ``gold`` layer does (a newcomer opening the demo sees a finished example first).

    Only annotations count (made by hand, or suggestions someone accepted): pending or
    rejected suggestions (the time tagger's, an import's) never decide which layer opens,
    so a newcomer who has just imported articles is not put to work in ``gold``.
    """
    if annotator != GOLD and not has_annotations(project, annotator) \
            and has_annotations(project, GOLD):
        return GOLD
    return annotator


def run(project: Path | None = None, db_url: str | None = None, demo: bool = False) -> int:
    """Open the window on a project and run until it closes; the exit status.

    The cyclic garbage collector, off during start-up (:func:`akkord.cli.gui_cmd.preload`),
    is turned back on once the window is shown, with everything start-up made frozen out
    of its way; a project that cannot be opened turns it back on too. The ORM's mappers
    are configured then too: the window's first reads need none (see
    :func:`akkord.services.annotation.warm_up`)."""
    app = application()
    from akkord.gui import theme

    theme.apply(app)
    try:
        opened = choose_project(project, db_url, demo)
    except AkkordError as exc:
        startup.started()
        QMessageBox.critical(None, APPLICATION, str(exc))
        return 1
    from akkord.gui.main_window import MainWindow
    from akkord.gui.project_dialogs import annotator_name

    name = annotator_name()
    window = MainWindow(opened, name, first_layer(opened, name))  # restores its geometry
    window.show()
    QTimer.singleShot(0, shown)  # once the window has been painted
    return app.exec()


def shown() -> None:
    """What start-up leaves until the window has shown: the ORM's mappers (the first
    edit would wait for them), then the garbage collector, then the lemma table, loaded
    on a thread of its own (:func:`akkord.textproc.lemmas.load_in_background`: the first
    link picker would wait for it)."""
    warm_up()
    startup.started()
    lemmas.load_in_background()
