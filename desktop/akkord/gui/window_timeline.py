"""The timeline dock of the main window, created on first use.

pyqtgraph is slow to import, so a session that never looks at the timeline never loads
it. Once shown, the timeline follows the text (selecting a linked mention highlights its
entity), leads back to it (activating an item opens its mention), and reloads a moment
after edits that change entities or documents — only while it is visible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from akkord.gui.docks import add_dock

if TYPE_CHECKING:
    from akkord.gui.main_window import MainWindow
    from akkord.gui.timeline_view import TimelineView

RELOAD_DELAY_MS = 400  # edits in a row reload the timeline once


class WindowTimeline(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view: TimelineView | None = None
        self.dock: QDockWidget | None = None
        self._reload = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)

    def create(self) -> TimelineView:
        """The timeline's view (and dock), made the first time it is asked for."""
        if self.view is not None:
            return self.view
        from akkord.gui.timeline_view import TimelineView

        window = self.window
        view = self.view = TimelineView(window.project, window)
        self.dock, restored = add_dock(window, "Timeline", view,
                                       Qt.DockWidgetArea.BottomDockWidgetArea, "timeline")
        if not restored:
            window.resizeDocks([self.dock], [max(200, window.height() // 3)],
                               Qt.Orientation.Vertical)
        window.menus["View"].addAction(self.dock.toggleViewAction())
        view.entity_activated.connect(window.gestures.jump_to_entity)
        view.entity_clicked.connect(window.entities.show_entity)
        view.mention_activated.connect(window.gestures.jump_to_span)
        self._reload.timeout.connect(view.reload)
        window.session.selection_changed.connect(self.follow)
        return view

    def toggle(self) -> None:
        """Ctrl+T: show the timeline (created on first use), or hide it again."""
        created = self.view is None
        self.create()
        assert self.dock is not None
        if self.dock.isVisible() and not created:
            self.dock.hide()
            return
        self.dock.show()
        self.follow(self.window.session.selected)

    def visible(self) -> bool:
        return self.dock is not None and self.dock.isVisible()

    def changed(self) -> None:
        """Entities or documents changed: reload soon, if the timeline is shown."""
        if self.visible():
            self._reload.start()

    def follow(self, _mention_id: object) -> None:
        """Selecting a linked mention in the text highlights its entity on the timeline."""
        if self.view is not None and self.visible():
            mention = self.window.session.selected_mention()
            self.view.highlight_entity(mention.entity_id if mention else None)
