"""The agreement view of the window (View → Agreement): the heatmaps
(:class:`~akkord.gui.agreement_view.AgreementView`) above every disagreement; activating a
disagreement (double-click, Enter) asks the window to show its place.

Agreement over a large project takes seconds: it is computed on a worker thread with a
connection of its own (:func:`akkord.services.background.agreement_at`), and the panel
says so while it runs; the window is never blocked. Recompute reads the project again.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from akkord.gui import plain_text
from akkord.gui.agreement_view import AgreementView
from akkord.gui.disagreement_model import DisagreementModel
from akkord.gui.worker import Background
from akkord.services.background import AgreementSnapshot, agreement_at
from akkord.services.projects import Project


class _Disagreements(QTableView):
    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class AgreementPanel(QWidget):
    """See the module docstring."""

    place_activated = Signal(int, int, int)  # document, start, end
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementPanel")
        self.project = project
        self.snapshot: AgreementSnapshot | None = None
        self.background = Background(self)
        self.background.finished.connect(self._loaded)
        self.background.failed.connect(self._failed)
        self._started = 0.0
        self.status = plain_text.label("", self, object_name="muted")
        self.recompute = QPushButton("Recompute", self)
        self.recompute.setToolTip("Compute agreement again from the project as it is now")
        self.recompute.clicked.connect(self.compute)
        self.view = AgreementView(self)
        self.model = DisagreementModel(self)
        self.list = _Disagreements(self)
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(False)
        self.list.verticalHeader().hide()
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((170, 80, 150)):
            header.resizeSection(column, width)
        self.list.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.list.activated_row.connect(self._activate)
        self.list_title = plain_text.label("Disagreements", self, object_name="muted")
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.recompute)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.list_title)
        lower_layout.addWidget(self.list, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.view)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def compute(self) -> None:
        """Compute agreement on a worker thread (a request while one runs waits for it)."""
        url, schema = self.project.url, self.project.schema
        self._started = time.monotonic()
        self.status.setText("Computing agreement… (the window stays usable)")
        self.recompute.setEnabled(False)
        self.background.run(lambda: agreement_at(url, schema))

    def _loaded(self, snapshot: object) -> None:
        assert isinstance(snapshot, AgreementSnapshot)
        self.snapshot = snapshot
        report = snapshot.report
        self.view.set_report(report)
        self.model.set_items(report.disagreements, snapshot.titles, snapshot.words)
        self.list_title.setText(f"Disagreements ({len(report.disagreements)}): "
                                "double-click or Enter shows the place")
        seconds = time.monotonic() - self._started
        self.status.setText(f"{', '.join(report.annotators)} · computed in {seconds:.1f} s")
        self.recompute.setEnabled(True)
        self.loaded.emit()

    def _failed(self, message: str) -> None:
        self.status.setText(f"Agreement could not be computed: {message}")
        self.recompute.setEnabled(True)
        self.failed.emit(message)

    def _activate(self, row: int | QModelIndex) -> None:
        item = self.model.item(row if isinstance(row, int) else row.row())
        if item is not None:
            self.place_activated.emit(item.document, item.start, item.end)

    def wait(self) -> None:
        self.background.wait()
