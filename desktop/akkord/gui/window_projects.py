"""Projects, layers and files, as the main window offers them: new, open, recent, the
demo, import and export, the layer to work in and the annotator's name.

Opening another project or layer replaces the window (:meth:`MainWindow.replace_with`):
one window shows one layer of one project, so nothing of the old one lingers. The recent
list lives in the user's settings (``QSettings``, files only: a database URL may hold a
password).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QMenu

from akkord.errors import AkkordError
from akkord.gui import plain_text
from akkord.gui.application import settings
from akkord.services.projects import Project

if TYPE_CHECKING:
    from akkord.gui.main_window import MainWindow

RECENT_KEY = "recent/projects"
MAX_RECENT = 8


def remember_project(project: Project) -> None:
    """Put the project first in the recent list (files only; URLs may hold passwords)."""
    if project.path is None:
        return
    store = settings()
    recent = [p for p in (store.value(RECENT_KEY) or []) if p != str(project.path)]
    store.setValue(RECENT_KEY, [str(project.path), *recent][:MAX_RECENT])
    store.setValue("recent/last", str(project.path))


def recent_projects() -> list[str]:
    return [p for p in (settings().value(RECENT_KEY) or []) if isinstance(p, str)]


class WindowProjects(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.recent_menu = QMenu("Open &recent", window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.layer_menu = QMenu("Work in &layer", window)
        self.layer_menu.aboutToShow.connect(self._fill_layers)
        self.layer_box = QComboBox(window)
        self.layer_box.activated.connect(
            lambda i: self.switch_layer(str(self.layer_box.itemData(i))))
        self._fill_layer_box()

    # -- layers and the annotator ----------
    def _layer_names(self) -> list[str]:
        window = self.window
        return sorted({*window.session.service.annotator_names(), window.annotator})

    def _fill_layer_box(self) -> None:
        window, box = self.window, self.layer_box
        box.clear()
        for name in sorted({*self._layer_names(), window.session.layer}):
            box.addItem(name if name != window.annotator else f"{name} (you)", name)
        box.setCurrentIndex(box.findData(window.session.layer))

    def _fill_layers(self) -> None:
        self.layer_menu.clear()
        for name in self._layer_names():
            action = self.layer_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == self.window.session.layer)
            action.triggered.connect(lambda _=False, n=name: self.switch_layer(n))

    def switch_layer(self, layer: str) -> None:
        if layer != self.window.session.layer:
            self.window.replace_with(self.window.project, layer)

    def change_name(self) -> None:
        from akkord.gui.project_dialogs import ask_annotator_name

        window = self.window
        name = ask_annotator_name(window, window.annotator)
        if name and name != window.annotator:
            window.annotator = name
            window.replace_with(window.project, name)

    # -- projects ----------
    def new_project(self) -> None:
        from akkord.gui.project_dialogs import new_project_dialog

        project = new_project_dialog(self.window)
        if project is not None:
            self.window.replace_with(project)

    def open_project_dialog(self) -> None:
        from akkord.gui.project_dialogs import open_project_dialog

        project = open_project_dialog(self.window)
        if project is not None:
            self.window.replace_with(project)

    def open_path(self, path: str) -> None:
        from akkord.services.projects import open_project

        try:
            self.window.replace_with(open_project(Path(path)))
        except AkkordError as exc:
            plain_text.warn(self.window, "Open project", str(exc))

    def open_demo(self) -> None:
        from akkord.services.demo import open_demo

        try:
            self.window.replace_with(open_demo(), "gold")
        except AkkordError as exc:
            plain_text.warn(self.window, "Demo", str(exc))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_projects():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if not self.recent_menu.actions():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    # -- files ----------
    def import_files(self) -> None:
        from akkord.gui.import_dialog import import_with_dialog

        window = self.window
        if import_with_dialog(window, window.project, window.annotator) is not None:
            window.reload_documents()
            window.session.reload()  # imports may add labels to the schema
            window.view.set_schema(window.session.schema)

    def export_files(self) -> None:
        from akkord.gui.export_dialog import export_with_dialog

        export_with_dialog(self.window, self.window.project)
