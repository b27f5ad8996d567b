"""The mentions of the selected timeline item, each with its sentence, below the plot.

Its model is a list of :class:`~akkord.services.timeline.MentionRef` (read by the
service); a row shows the document's title and date, then the sentence with the mention
in bold. Everything in a row comes from the corpus, so it is escaped before it becomes
the row's HTML, the title line is a plain-text label and the row's tool tip is escaped
rich text: markup in an article or a title stays text.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from akkord.gui.timeline_colors import mix
from akkord.gui.timeline_tooltips import plain_tooltip
from akkord.services.timeline import MentionRef

Index = QModelIndex | QPersistentModelIndex
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
SPAN_ROLE = Qt.ItemDataRole.UserRole


def mention_html(mention: MentionRef) -> str:
    """The document title and date, then the sentence with the mention in bold (every
    piece of text escaped)."""
    offset = mention.sentence_start
    before = mention.sentence[:mention.start - offset]
    inside = mention.sentence[mention.start - offset:mention.end - offset]
    after = mention.sentence[mention.end - offset:]
    when = f" · {html.escape(mention.published)}" if mention.published else ""
    return (f"<span class='source'>{html.escape(mention.title)}{when}</span><br>"
            f"{html.escape(before)}<b>{html.escape(inside)}</b>{html.escape(after)}")


class MentionDelegate(QStyledItemDelegate):
    """Paints a mention row's HTML in the palette's colours (the title line muted, the
    text in the highlighted-text colour when selected)."""

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        palette = option.palette
        muted = mix(palette.color(QPalette.ColorRole.Text),
                    palette.color(QPalette.ColorRole.Base), 0.38)
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDefaultStyleSheet(f".source {{ color: {muted.name()}; }}")
        doc.setHtml(str(index.data(HTML_ROLE)))
        doc.setTextWidth(max(option.rect.width() - 8, 200))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rect = option.rect
        doc = self._document(option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        context = QAbstractTextDocumentLayout.PaintContext()
        palette = QPalette(option.palette)
        palette.setColor(QPalette.ColorRole.Text, option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        context.palette = palette
        painter.save()
        try:
            if selected:
                painter.fillRect(rect, option.palette.color(QPalette.ColorRole.Highlight))
            painter.translate(rect.left() + 4, rect.top() + 2)
            doc.documentLayout().draw(painter, context)
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        doc = self._document(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 4)


class MentionsPanel(QWidget):
    """A title ("N mention(s) of NAME …") over the list of mentions.

    ``mention_activated(doc_id, start, end)`` on a double-click or Enter on a row.
    """

    mention_activated = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # the name is data
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.list = QListWidget()
        self.list.setItemDelegate(MentionDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.itemActivated.connect(self._on_activated)
        self.list.itemDoubleClicked.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.list)

    def show_mentions(self, name: str, mentions: list[MentionRef]) -> None:
        """List ``mentions`` of the item called ``name``."""
        self.list.clear()
        self.title.setText(f"{len(mentions)} mention(s) of {name} — double-click one to "
                           "open the text")
        for mention in mentions:
            row = QListWidgetItem(self.list)
            row.setData(SPAN_ROLE, (mention.doc_id, mention.start, mention.end))
            row.setData(HTML_ROLE, mention_html(mention))
            row.setToolTip(plain_tooltip(mention.title))

    def clear(self) -> None:
        self.list.clear()
        self.title.clear()

    def _on_activated(self, row: QListWidgetItem) -> None:
        doc_id, start, end = row.data(SPAN_ROLE)
        self.mention_activated.emit(doc_id, start, end)
