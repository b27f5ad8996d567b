"""The window's suggestion machinery: the review list and Suggestions docks, the
background recommender, annotate-all, and the user's choices about them.

:class:`WindowSuggestions` is created by the main window and wires its parts to the
session: the review list shows what the layer has to review and shows the current row in
the text; the recommender is trained again (in the background) as the annotator works,
and its suggestions for the open document are written as an edit on the GUI thread;
"Find every occurrence" proposes the other occurrences of the selected mention and opens
the review list on them. The kinds of suggestions are the user's (``QSettings``), the
threshold the project's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QWidget

from akkord.gui.application import settings
from akkord.gui.docks import add_dock
from akkord.gui.recommender_worker import RecommenderTrainer, TrainingState
from akkord.gui.relation_suggestions import RelationSuggestionsDialog
from akkord.gui.review_panel import ReviewPanel
from akkord.gui.session import SuggestionKinds
from akkord.gui.suggestion_panel import SuggestionPanel
from akkord.services.edits import ChangeSet
from akkord.services.suggesting.desk import THRESHOLD_SETTING
from akkord.services.suggesting.edits import SetProjectSetting
from akkord.services.suggesting.recommender import Recommender

if TYPE_CHECKING:
    from akkord.gui.main_window import MainWindow

KINDS_KEY = "suggest/kinds"  # names, occurrences, model as "1,1,1"
RETRAIN_DELAY_MS = 1500  # after the last edit, look whether training is due


def load_kinds() -> SuggestionKinds:
    stored = settings().value(KINDS_KEY)
    flags = str(stored).split(",") if isinstance(stored, str) else []
    if len(flags) != 3:
        return SuggestionKinds()
    return SuggestionKinds(*(flag == "1" for flag in flags))


def save_kinds(kinds: SuggestionKinds) -> None:
    settings().setValue(KINDS_KEY, ",".join(
        "1" if on else "0" for on in (kinds.names, kinds.occurrences, kinds.model)))


class WindowSuggestions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        session = self.session = window.session
        session.kinds = load_kinds()
        self.trainer = RecommenderTrainer(window.project, session.service.annotator_id, self)
        self.trainer.set_threshold(session.suggestions.threshold())
        self.review = ReviewPanel(session, window)
        self.panel = SuggestionPanel(session.kinds, self.trainer.settings.threshold, window)
        self.review_dock = self._dock("Review suggestions", self.review, "review")
        self.panel_dock = self._dock("Suggestions", self.panel, "suggestions")
        window.tabifyDockWidget(self.review_dock, self.panel_dock)
        self._retrain = QTimer(self, singleShot=True, interval=RETRAIN_DELAY_MS)
        self._retrain.timeout.connect(self.consider_training)
        self.review.show_requested.connect(self.show_suggestion)
        self.review.link_requested.connect(
            lambda mention_id: window.gestures.open_picker(mention_id, self.review.table))
        self.panel.kinds_changed.connect(self.set_kinds)
        self.panel.threshold_changed.connect(self.set_threshold)
        self.panel.train_requested.connect(self.trainer.start)
        self.panel.cancel_requested.connect(self.trainer.cancel)
        self.trainer.state_changed.connect(self._state)
        self.trainer.trained.connect(self._trained)
        session.changed.connect(self._changed)

    def _dock(self, title: str, widget: QWidget, name: str) -> QDockWidget:
        dock, _restored = add_dock(self.window, title, widget,
                                   Qt.DockWidgetArea.BottomDockWidgetArea, name)
        dock.hide()  # shown on demand (Ctrl+R, View menu, annotate-all)
        return dock

    # -- the actions ----------
    def toggle_review(self) -> None:
        """Ctrl+R: show the review list (with the keyboard in it), or hide it."""
        if self.review_dock.isVisible() and self.review.table.hasFocus():
            self.review_dock.hide()
            self.window.view.setFocus()
            return
        self.open_review()

    def open_review(self, *, project_wide: bool | None = None,
                    select: int | None = None) -> None:
        if project_wide is not None:
            self.review.set_scope(project_wide)
        self.review_dock.show()
        self.review_dock.raise_()
        self.review.refresh()
        if select is None or not self.review.select_mention(select):
            item = self.review.current_item()
            if item is not None:
                self.show_suggestion(item.document_id, item.mention_id)
        self.review.table.setFocus()

    def show_settings(self) -> None:
        self.panel_dock.show()
        self.panel_dock.raise_()

    def find_occurrences(self, project_wide: bool) -> None:
        """Ctrl+G / Ctrl+Shift+G: every other occurrence of the selected mention's form,
        as suggestions with its label and entity, then the review list on them."""
        mention = self.session.selected_mention()
        hint = self.window.statusBar().showMessage
        if mention is None:
            hint("Select a mention first (click it, or Tab to it), then Ctrl+G", 4000)
            return
        if not self.session.kinds.occurrences:
            hint("Every occurrence is switched off (View → Suggestion settings)", 4000)
            return
        found = self.session.find_occurrences(mention.id, project_wide=project_wide)
        where = "project" if project_wide else "document"
        if not found:
            hint(f"No other occurrence of it in the {where} without a mention there", 4000)
            return
        hint(f"{len(found)} other occurrence(s) in the {where}: Enter accepts, Delete "
             "rejects", 6000)
        self.open_review(project_wide=project_wide, select=found[0])

    def suggest_relations(self) -> RelationSuggestionsDialog | None:
        """Ctrl+Shift+R: the relations suggested in the document, checked; Enter adds the
        checked ones (one undo step). Returns the dialog (shown, not modal-blocking)."""
        document = self.session.document
        hint = self.window.statusBar().showMessage
        if document is None:
            return None
        proposals = self.session.suggestions.relation_suggestions(document.id)
        if not proposals:
            hint("No relation to suggest here: link the mentions first (the records of "
                 "their entities suggest relations)", 5000)
            return None
        dialog = RelationSuggestionsDialog(document, proposals, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def add() -> None:
            added = self.session.add_relations(dialog.chosen())
            hint(f"Added {added} relation(s)", 4000)

        dialog.accepted.connect(add)
        dialog.open()
        return dialog

    def show_suggestion(self, document_id: int, mention_id: int) -> None:
        """Show a row of the review list in the text (opening its document)."""
        session = self.session
        if session.document is None or session.document.id != document_id:
            session.open_document(document_id)
        session.select(mention_id)

    # -- preferences ----------
    def set_kinds(self, kinds: object) -> None:
        assert isinstance(kinds, SuggestionKinds)
        self.session.kinds = kinds
        save_kinds(kinds)
        if kinds.model:
            self._retrain.start()

    def set_threshold(self, threshold: float) -> None:
        self.session.apply(SetProjectSetting(THRESHOLD_SETTING, f"{threshold:.2f}"))
        self.trainer.set_threshold(threshold)
        self._install(self.trainer.recommender)

    # -- the recommender ----------
    def _changed(self, changes: ChangeSet) -> None:
        if changes.documents and self.session.kinds.model:
            self._retrain.start()

    def consider_training(self) -> None:
        if self.session.kinds.model:
            self.trainer.consider_soon()

    def _trained(self, recommender: object) -> None:
        assert isinstance(recommender, Recommender)
        self._install(recommender)

    def _install(self, recommender: Recommender | None) -> None:
        """Use the recommender when it passes its threshold, and suggest in the open
        document at once."""
        active = recommender is not None and bool(recommender.active_labels)
        self.session.recommender = recommender if active else None
        if active and self.session.kinds.model:
            added = self.session.suggest_from_model()
            if added:
                self.window.statusBar().showMessage(
                    f"The recommender suggests {added} more mention(s) here", 5000)

    def _state(self, state: object) -> None:
        assert isinstance(state, TrainingState)
        self.panel.show_state(state)

    def shut_down(self) -> None:
        self._retrain.stop()
        self.trainer.shut_down()
