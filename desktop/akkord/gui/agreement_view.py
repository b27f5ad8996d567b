"""The agreement heatmaps of a project, read-only: annotator × annotator for a chosen
measure above, label × measure for all annotators below.

The widget only shows rows it is given (:meth:`AgreementView.set_report`, from
:func:`akkord.services.agreement.agreement` run by the caller, e.g. on a worker thread);
it never reads the database. Its models are in :mod:`akkord.gui.agreement_model`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from akkord.gui.agreement_model import LabelMatrixModel, PairMatrixModel
from akkord.services.agreement import AgreementReport

DEFAULT_MEASURE = "span_f1_overlap"


def _table(model: PairMatrixModel | LabelMatrixModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    for header in (view.horizontalHeader(), view.verticalHeader()):
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.horizontalHeader().setDefaultSectionSize(96)
    return view


class AgreementView(QWidget):
    """Heatmaps of agreement rows; ``measure_changed`` says which measure is shown."""

    measure_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pairs = PairMatrixModel(self)
        self.labels = LabelMatrixModel(self)
        self.measure = QComboBox()
        self.measure.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.measure.currentTextChanged.connect(self._choose)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # annotator names are data
        self.summary.setObjectName("muted")
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Measure:"))
        chooser.addWidget(self.measure)
        chooser.addStretch(1)
        chooser.addWidget(self.summary)
        self.pair_table = _table(self.pairs)
        self.label_table = _table(self.labels)
        self.label_table.horizontalHeader().setDefaultSectionSize(118)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.pair_table)
        title = QLabel("Per label, all annotators")
        title.setObjectName("muted")
        layout.addWidget(title)
        layout.addWidget(self.label_table, 2)

    def set_report(self, report: AgreementReport) -> None:
        self.pairs.set_rows(report.rows, report.annotators)
        self.labels.set_rows(report.rows, report.annotators)
        measures = self.pairs.measures()
        self.measure.blockSignals(True)
        self.measure.clear()
        self.measure.addItems(measures)
        self.measure.blockSignals(False)
        chosen = DEFAULT_MEASURE if DEFAULT_MEASURE in measures else \
            (measures[0] if measures else "")
        self.summary.setText(f"{len(report.annotators)} annotators: "
                             f"{', '.join(report.annotators)}")
        if chosen:
            self.measure.setCurrentText(chosen)
            self._choose(chosen)
        self._fit_pairs()

    def _fit_pairs(self) -> None:
        """The pair heatmap is as tall as its rows (a few annotators), up to 8 of them."""
        table = self.pair_table
        rows = min(self.pairs.rowCount(), 8)
        height = table.horizontalHeader().height() + 2 * table.frameWidth() + \
            rows * table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(height + 2)

    def _choose(self, measure: str) -> None:
        if measure:
            self.pairs.set_measure(measure)
            self.measure_changed.emit(measure)
