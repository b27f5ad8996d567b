"""The Qt application object and where it keeps its settings.

Every part of the window may import these; :mod:`akkord.gui.app`, which starts the
window, imports the window, so they live apart from it (the window's parts importing
``app`` for its settings made a circle of nine modules).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

ORGANISATION = "Akkord"
APPLICATION = "Akkord"
CONFIG_DIR_ENV = "AKKORD_CONFIG_DIR"  # overrides where the settings file lives


def settings() -> QSettings:
    """Where the application remembers things (annotator name, recent projects, geometry).

    ``AKKORD_CONFIG_DIR=/some/folder`` keeps them in ``/some/folder/Akkord.conf`` instead
    of the user's configuration (``~/.config/Akkord/Akkord.conf`` on Linux): the test
    suite and the X11 smoke tests use it so that they never touch the user's own settings.
    The variable is read on every call, so a test can point it elsewhere at any time.
    """
    folder = os.environ.get(CONFIG_DIR_ENV, "").strip()
    if folder:
        return QSettings(str(Path(folder) / f"{APPLICATION}.conf"), QSettings.Format.IniFormat)
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
