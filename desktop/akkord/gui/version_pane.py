"""One layer's version of a curation unit: its name, the version in words, and the
sentence with the unit's words tinted, read-only (one pane per annotator, and gold's).

The sentence is plain text in a read-only :class:`QPlainTextEdit`; the unit's places are
extra selections with a light tint and dark text, so they read in either palette.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from akkord.gui import plain_text

TEXT_ON_TINT = QColor("#111111")


class VersionPane(QFrame):
    """See the module docstring; :meth:`show_version` fills it, :meth:`clear` empties it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = plain_text.label("", self, object_name="paneTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.version = plain_text.label("", self, wrap=True)
        self.version.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sentence = QPlainTextEdit(self)
        self.sentence.setReadOnly(True)
        self.sentence.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the queue keeps the keys
        self.sentence.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.version)
        layout.addWidget(self.sentence, 1)
        self.spans: tuple[tuple[int, int], ...] = ()

    def show_version(self, title: str, version: str, sentence: str,
                     spans: Sequence[tuple[int, int]], tint: QColor) -> None:
        """``spans`` are offsets into ``sentence`` (clipped to it)."""
        self.title.setText(title)
        self.version.setText(version)
        self.sentence.setPlainText(sentence)
        self.spans = tuple((max(0, s), min(len(sentence), e)) for s, e in spans
                           if e > 0 and s < len(sentence))
        selections = []
        for start, end in self.spans:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.sentence.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(tint)
            fmt.setForeground(TEXT_ON_TINT)
            selection.format = fmt
            selections.append(selection)
        self.sentence.setExtraSelections(selections)

    def clear(self) -> None:
        self.show_version("", "", "", (), QColor())
