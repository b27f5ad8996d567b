"""Curation and agreement in the main window: their docks and how they talk to it.

* **View → Curation** (Ctrl+Shift+C) opens the curation panel
  (:class:`~akkord.gui.curation_panel.CurationPanel`) in a dock under the article. Curation
  builds the ``gold`` layer, so a window on another layer is first replaced by one on
  gold (the same person, now as curator). The panel's steps go through the window's
  annotating session (:meth:`~akkord.gui.session.AnnotationSession.push`): one undo stack
  for curating and annotating. Choosing a unit shows its place in the article (gold);
  E puts the keyboard there to edit it by hand. The curation progress ("Ingrid 8/8,
  Ola 5/8; curated 3/8") is in the status bar.
* **View → Agreement** (Ctrl+Shift+A) opens the agreement panel
  (:class:`~akkord.gui.agreement_panel.AgreementPanel`) in a tab beside the inspector; it
  computes on a worker thread. Activating a disagreement chooses its unit in the curation
  queue when curation is open, else shows its place in the article.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from akkord.domain.statuses import GOLD
from akkord.gui import plain_text
from akkord.gui.application import settings
from akkord.gui.docks import add_dock

MODES_KEY = "window/modes"  # the curation and agreement docks open at the last close

if TYPE_CHECKING:  # numpy and the agreement measures load when curation is first used
    from akkord.gui.agreement_panel import AgreementPanel
    from akkord.gui.curation_panel import CurationPanel
    from akkord.gui.main_window import MainWindow
    from akkord.services.edits import Edit


class CurationMode(QObject):
    """The curation and agreement docks of one window (created on first use)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.curation: CurationPanel | None = None
        self.curation_dock: QDockWidget | None = None
        self.agreement: AgreementPanel | None = None
        self.agreement_dock: QDockWidget | None = None
        self.progress = plain_text.label("", window)
        self.progress.hide()
        window.statusBar().addPermanentWidget(self.progress)

    # -- curation -------------------------------------------------------------------------------
    def show_curation(self) -> CurationPanel | None:
        """Open (or show again) the curation panel; in the gold layer (see the module doc).
        Returns the panel, or None when the window was replaced by one on gold."""
        window = self.window
        if window.session.layer != GOLD:
            replacement = window.replace_with(window.project, GOLD)
            replacement.modes.show_curation()
            return None
        if self.curation is None:
            self._make_curation()
        assert self.curation_dock is not None and self.curation is not None
        self.curation_dock.show()
        self.curation_dock.raise_()
        self.curation.queue.setFocus()
        return self.curation

    def _make_curation(self) -> None:
        from akkord.gui.curation_panel import CurationPanel

        window = self.window
        panel = self.curation = CurationPanel(window.project, self._push, window)
        dock, restored = add_dock(window, "Curation", panel,
                                  Qt.DockWidgetArea.BottomDockWidgetArea, "curation")
        self.curation_dock = dock
        if not restored:
            window.resizeDocks([dock], [max(360, int(window.height() * 0.55))],
                               Qt.Orientation.Vertical)
        window.menus["View"].addAction(dock.toggleViewAction())
        window.session.changed.connect(panel.changed)
        panel.unit_chosen.connect(self._unit_chosen)
        panel.edit_requested.connect(self._edit)
        panel.hint.connect(lambda text: window.statusBar().showMessage(text, 5000))
        panel.failed.connect(lambda text: window.statusBar().showMessage(text, 8000))
        panel.progress_changed.connect(self._progress)
        panel.reload()

    def _push(self, edit: Edit) -> bool:
        return self.window.session.push(edit) is not None

    def _progress(self, summary: str) -> None:
        self.progress.setText(f"{summary}  ·  ")
        self.progress.show()

    def _unit_chosen(self, unit: object) -> None:
        """Show the unit's place in the article (the gold layer), keeping the keyboard in
        the queue."""
        from akkord.services.curation import Unit

        if not isinstance(unit, Unit) or unit.document is None:
            return
        window = self.window
        window.open_document(unit.document)
        document = window.session.document
        if document is not None and document.id == unit.document:
            gold = unit.sources.get(GOLD, ())
            if unit.kind != "relation" and gold and gold[0] in document.mentions:
                window.session.select(gold[0])
            else:
                window.session.select(None)
                window.view.reveal(unit.start, unit.end)

    def _edit(self, document: int, start: int, end: int) -> None:
        self.window.gestures.jump_to_span(document, start, end)
        self.window.statusBar().showMessage(
            "Editing gold: change the unit here as when annotating; Ctrl+Shift+C returns "
            "to the queue", 6000)

    # -- agreement ------------------------------------------------------------------------------
    def show_agreement(self) -> AgreementPanel:
        """Open (or show again) the agreement panel and compute agreement."""
        if self.agreement is None:
            from akkord.gui.agreement_panel import AgreementPanel

            window = self.window
            panel = self.agreement = AgreementPanel(window.project, window)
            dock, restored = add_dock(window, "Agreement", panel,
                                        Qt.DockWidgetArea.RightDockWidgetArea, "agreement")
            self.agreement_dock = dock
            if not restored:  # a tab beside the inspector, the right column's full height
                window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
                window.tabifyDockWidget(window.inspector_dock, dock)
            window.menus["View"].addAction(dock.toggleViewAction())
            panel.place_activated.connect(self._place)
            panel.failed.connect(lambda text: window.statusBar().showMessage(text, 8000))
            panel.compute()
        assert self.agreement_dock is not None
        self.agreement_dock.show()
        self.agreement_dock.raise_()
        return self.agreement

    def _place(self, document: int, start: int, end: int) -> None:
        if self.curation is not None and self.curation_dock is not None \
                and self.curation_dock.isVisible() \
                and self.curation.select_place(document, start, end):
            self.curation.queue.setFocus()
            return
        self.window.gestures.jump_to_span(document, start, end)

    def close(self) -> None:
        """The window closes: remember which of the docks were open, let running
        workers end."""
        shown = [name for name, dock in (("curation", self.curation_dock),
                                         ("agreement", self.agreement_dock))
                 if dock is not None and dock.isVisible()]
        settings().setValue(MODES_KEY, ",".join(shown))
        for panel in (self.curation, self.agreement):
            if panel is not None:
                panel.wait()

    def restore(self) -> None:
        """Open the docks that were open when the window last closed (curation only in
        the gold layer: it never switches layers on its own)."""
        value = settings().value(MODES_KEY)
        shown = str(value).split(",") if value else []
        if "curation" in shown and self.window.session.layer == GOLD:
            self.show_curation()
        if "agreement" in shown:
            self.show_agreement()
