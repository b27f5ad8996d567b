"""Start the desktop application: settings, the project to open, the main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from akkord.errors import AkkordError
from akkord.store.project import Project, open_project

ORGANISATION = "Akkord"
APPLICATION = "Akkord"


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    return app


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


def run(project: Path | None = None, db_url: str | None = None, demo: bool = False) -> int:
    app = application()
    try:
        opened = choose_project(project, db_url, demo)
    except AkkordError as exc:
        QMessageBox.critical(None, APPLICATION, str(exc))
        return 1
    from akkord.gui.main_window import MainWindow

    window = MainWindow(opened)
    window.show()
    return app.exec()
