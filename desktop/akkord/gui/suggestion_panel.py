"""The Suggestions panel: which suggesters run, the recommender's threshold, its state and
how well it did on its own held-out sentences, per label.

What the panel changes goes to the window (signals); it writes nothing itself. The
threshold is stored in the project (``suggest.threshold``), the kinds in the user's
settings.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from akkord.gui import plain_text
from akkord.gui.recommender_worker import TrainingState
from akkord.gui.session import SuggestionKinds


class SuggestionPanel(QWidget):
    kinds_changed = Signal(object)  # SuggestionKinds
    threshold_changed = Signal(float)
    train_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, kinds: SuggestionKinds, threshold: float,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names = QCheckBox("Known names, aliases and office holders", self)
        self.occurrences = QCheckBox("Every occurrence (Ctrl+G)", self)
        self.model = QCheckBox("The recommender (a model trained on your layer)", self)
        for box, value in ((self.names, kinds.names), (self.occurrences, kinds.occurrences),
                           (self.model, kinds.model)):
            box.setChecked(value)
            box.toggled.connect(lambda _on: self.kinds_changed.emit(self.kinds()))
        self.threshold = QDoubleSpinBox(self)
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setValue(threshold)
        self.threshold.setToolTip("The F1 on its held-out sentences the model, and each of "
                                  "its labels, must reach before it suggests anything")
        self.threshold.valueChanged.connect(self.threshold_changed.emit)
        self.state = plain_text.label("Not trained yet", self, wrap=True)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.scores = QTableWidget(0, 5, self)
        self.scores.setHorizontalHeaderLabels(["Label", "F1", "Precision", "Recall", "Spans"])
        self.scores.verticalHeader().hide()
        self.scores.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.scores.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.scores.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.train_button = QPushButton("Train now", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.train_button.clicked.connect(self.train_requested.emit)
        self.cancel_button.clicked.connect(self.cancel_requested.emit)
        form = QFormLayout()
        form.addRow("threshold (F1)", self.threshold)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        for widget in (self.names, self.occurrences, self.model):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addWidget(self.progress)
        layout.addWidget(self.scores, 1)
        layout.addLayout(buttons)

    def kinds(self) -> SuggestionKinds:
        return SuggestionKinds(self.names.isChecked(), self.occurrences.isChecked(),
                               self.model.isChecked())

    def show_state(self, state: TrainingState) -> None:
        """The recommender's state: training (with progress), its F1 against the
        threshold and which labels it suggests, or why it does not."""
        self.train_button.setEnabled(not state.running)
        self.cancel_button.setEnabled(state.running)
        self.progress.setVisible(state.running)
        if state.running:
            self.progress.setRange(0, state.total)
            self.progress.setValue(min(state.done, state.total))
        threshold = self.threshold.value()
        evaluation = state.evaluation
        text = state.message
        if evaluation is not None:
            passing = sorted(label for label, s in evaluation.labels.items()
                             if s.f1 >= threshold) if evaluation.f1 >= threshold else []
            verdict = (f"suggests {', '.join(passing)}" if passing
                       else "below the threshold: suggests nothing")
            text = (f"{state.message}. F1 {evaluation.f1:.2f} on "
                    f"{evaluation.test_sentences} held-out sentences (threshold "
                    f"{threshold:.2f}): {verdict}.")
        plain_text.set_plain(self.state, text)
        self._fill_scores(state)

    def _fill_scores(self, state: TrainingState) -> None:
        evaluation = state.evaluation
        labels = sorted(evaluation.labels.items()) if evaluation else []
        self.scores.setRowCount(len(labels))
        for row, (label, scores) in enumerate(labels):
            cells = (label, f"{scores.f1:.2f}", f"{scores.precision:.2f}",
                     f"{scores.recall:.2f}", str(scores.support))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.scores.setItem(row, column, item)
