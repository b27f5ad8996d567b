"""Asking for the annotator's name and for projects to create or open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from akkord.errors import AkkordError
from akkord.gui import plain_text
from akkord.gui.application import settings
from akkord.services.projects import PROJECT_SUFFIX, Project, open_project

NAME_KEY = "annotator/name"
FILTER = f"Akkord projects (*{PROJECT_SUFFIX});;All files (*)"


def ask_annotator_name(parent: QWidget | None, current: str = "") -> str | None:
    """Ask once; the caller stores it (QSettings) so it is not asked again."""
    name, ok = QInputDialog.getText(
        parent, "Your name", "Your name as an annotator (your annotations are kept in a "
        "layer of this name):", text=current)
    name = name.strip()
    if ok and name:
        settings().setValue(NAME_KEY, name)
        return name
    return None


def annotator_name(parent: QWidget | None = None) -> str:
    """The remembered name, asked for the first time; falls back to the login name."""
    import getpass

    stored = settings().value(NAME_KEY)
    if isinstance(stored, str) and stored.strip():
        return stored.strip()
    return ask_annotator_name(parent, getpass.getuser()) or getpass.getuser()


def new_project_dialog(parent: QWidget) -> Project | None:
    path, _ = QFileDialog.getSaveFileName(parent, "New project", str(Path.home()), FILTER)
    if not path:
        return None
    target = Path(path)
    if target.suffix != PROJECT_SUFFIX:
        target = target.with_suffix(PROJECT_SUFFIX)
    try:
        return open_project(target, create=True)
    except AkkordError as exc:
        plain_text.warn(parent, "New project", str(exc))
        return None


def open_project_dialog(parent: QWidget) -> Project | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", str(Path.home()), FILTER)
    if not path:
        return None
    try:
        return open_project(Path(path))
    except AkkordError as exc:
        plain_text.warn(parent, "Open project", str(exc))
        return None
