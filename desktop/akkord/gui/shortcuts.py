"""The shortcut overlay (F1 or ?): every key, over the window, gone at the next key."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from akkord.domain.actions import ACTIONS, ANNOTATING, Action
from akkord.domain.schema import Schema


def _keys(action: Action) -> str:
    return " / ".join(action.keys)


def rows(schema: Schema | None) -> list[tuple[str, str]]:
    """The overlay's lines: the schema's label keys, then every action with help, by
    section (all from :mod:`akkord.domain.actions`; nothing here defines a key)."""
    labels = [(label.key, f"label {label.name}") for label in (schema.labels if schema else ())]
    annotating = [(_keys(a), a.help) for a in ACTIONS if a.help and a.section == ANNOTATING]
    general = [(_keys(a), a.help) for a in ACTIONS if a.help and a.section != ANNOTATING]
    return [*labels, ("a label key on a mention", "relabel the selected mention"),
            ("a label key in the review list", "relabel the suggestion, then link it"),
            ("click a highlight", "select it (again: the one around it)"),
            *annotating, *general]


class ShortcutOverlay(QWidget):
    """Drawn over its parent; any key or click closes it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.schema: Schema | None = None
        self.hide()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        parent.installEventFilter(self)

    def rows(self) -> list[tuple[str, str]]:
        return rows(self.schema)

    def open(self, schema: Schema) -> None:
        self.schema = schema
        parent = self.parentWidget()
        assert parent is not None
        self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            parent = self.parentWidget()
            assert parent is not None
            self.setGeometry(parent.rect())
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(20, 24, 31, 200))
        rows = self.rows()
        line = 24
        # Two columns when one would not fit the window (a laptop's 768 pixels).
        columns = 1 if line * (len(rows) + 3) + 40 <= self.height() else 2
        per_column = -(-len(rows) // columns)
        width = min(860 * columns, self.width() - 40)
        height = line * (per_column + 3)
        box = QRectF((self.width() - width) / 2, max(20, (self.height() - height) / 2),
                     width, height)
        painter.setBrush(QColor("#fbfaf7"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(box, 10, 10)
        title = QFont(self.font())
        title.setPointSizeF(title.pointSizeF() * 1.3)
        title.setBold(True)
        painter.setFont(title)
        painter.setPen(QColor("#1f2328"))
        painter.drawText(box.adjusted(24, 14, -24, 0), Qt.AlignmentFlag.AlignLeft,
                         "Keyboard shortcuts")
        key_font, text_font = QFont(self.font()), QFont(self.font())
        key_font.setBold(True)
        column_width = width / columns
        keys_width = min(240.0, column_width * 0.3)
        for n, (keys, meaning) in enumerate(rows):
            left = box.left() + column_width * (n // per_column)
            y = box.top() + line * 2.2 + line * (n % per_column)
            painter.setFont(key_font)
            painter.setPen(QColor("#2f6fde"))
            painter.drawText(QRectF(left + 24, y, keys_width, line),
                             Qt.AlignmentFlag.AlignVCenter, keys)
            painter.setFont(text_font)
            painter.setPen(QColor("#1f2328"))
            painter.drawText(QRectF(left + 40 + keys_width, y,
                                    column_width - keys_width - 60, line),
                             Qt.AlignmentFlag.AlignVCenter, meaning)
