"""Docks of the main window, made one way.

Every dock is movable and closable and has an object name, so ``saveState`` remembers
where the user put it. A dock created after the window's state was restored (the
timeline, review, curation and agreement docks are made on first use) goes back where the
user left it last time: ``restoreDockWidget`` must run *before* the dock is added (after,
Qt claims success and leaves the dock where it was added).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget


def add_dock(window: QMainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea,
             name: str) -> tuple[QDockWidget, bool]:
    """A dock of ``widget`` in ``window``: where the saved state had it, or in ``area``.
    Returns the dock and whether it was restored from the saved state."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetClosable)
    restored = window.restoreDockWidget(dock)
    if not restored:
        window.addDockWidget(area, dock)
    return dock, restored
