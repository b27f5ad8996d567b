"""The relations suggested in the open document, to keep or leave out by keyboard.

Each proposal (:func:`akkord.services.suggesting.relations.relation_suggestions`) is a
checked row: "Lavrov —participant→ møtet i Genève (record)". Space or a click unchecks a
wrong one, Enter adds the checked ones as one edit (one undo step), Esc adds none.
Nothing is stored for a proposal that is left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from akkord.gui import plain_text
from akkord.gui.document_model import DocumentModel
from akkord.services.suggesting.relations import RECORD, RelationSuggestion

REASONS = {RECORD: "the entity's record", "sentence": "the sentence"}


class RelationSuggestionsDialog(QDialog):
    def __init__(self, document: DocumentModel, proposals: Sequence[RelationSuggestion],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suggested relations")
        self.proposals = list(proposals)
        self.list = QListWidget(self)
        for proposal in self.proposals:
            head, tail = document.surface(proposal.head), document.surface(proposal.tail)
            item = QListWidgetItem(f"{' '.join(head.split())}  —{proposal.type}→  "
                                   f"{' '.join(tail.split())}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setToolTip(plain_text.tooltip(
                f"suggested from {REASONS.get(proposal.reason, proposal.reason)}, "
                f"probability {proposal.score:.2f}"))
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add the checked ones")
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_text.label(
            f"{len(self.proposals)} relation(s) suggested from the entities' records and "
            "the sentences. Uncheck the wrong ones (Space or a click); Enter adds the "
            "checked ones.", self, wrap=True))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(620, 420)
        self.list.setFocus()

    def chosen(self) -> list[tuple[str, int, int]]:
        """(type, head, tail) of the checked proposals."""
        return [(p.type, p.head, p.tail) for row, p in enumerate(self.proposals)
                if self.list.item(row).checkState() == Qt.CheckState.Checked]
