"""The article, read and annotated with the keyboard and mouse.

Technique (measured, see ``benchmarks/bench_gui.py``): a read-only ``QTextEdit`` holds
the plain text (markup in an article is text, never HTML) with block and character
formats only for the article's parts; mentions are *not* formats. They are painted in
``paintEvent`` under the text, from the :class:`~akkord.gui.document_model.DocumentModel`,
and only for the lines on screen. So opening a long document costs one ``setPlainText``,
adding or deleting a mention costs one rectangle's repaint, and overlapping or nested
mentions are all visible: the outermost is a tinted box, each mention nested inside
another gets its own coloured bar in the line gap below (level 1, 2, …).

Signals carry code-point offsets; the view converts to and from the UTF-16 positions
Qt counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QMargins, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from akkord.domain.schema import Schema
from akkord.gui import plain_text, theme
from akkord.gui.document_model import DocumentModel
from akkord.gui.keys import TEXT_KEYS, key_name
from akkord.gui.review_model import origin_text, score_text
from akkord.services.views import MentionView
from akkord.textproc.display import DisplayText
from akkord.textproc.spans import next_word_end, previous_word_start, snap_to_words

_BAR = 2.5  # thickness of a nesting bar
_BAR_STEP = 3.5  # distance between stacked bars
_PART_STYLES: dict[str, tuple[float, int, bool, bool]] = {
    # kind: (size factor, weight, italic, muted)
    "title": (1.55, 700, False, False),
    "lead": (1.05, 600, False, False),
    "heading": (1.12, 700, False, False),
    "caption": (0.92, 400, True, True),
    "byline": (0.9, 400, False, True),
    "published": (0.9, 400, False, True),
    "dateline": (0.9, 400, False, True),
}


@dataclass(frozen=True)
class RelationArc:
    """One drawn relation: its type, the curve, the arrow's end and the label's box."""

    label: str
    path: QPainterPath
    end: QPointF
    box: QRectF


class ArticleView(QTextEdit):
    """Shows one document; emits what the annotator asks for, never edits the database."""

    label_key = Signal(str, int, int, bool)  # label, start, end (snapped), text was selected
    mention_clicked = Signal(int)
    cleared = Signal()
    command = Signal(str)  # delete, link, next, previous, start-left, start-right, end-…

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setFrameShape(QTextEdit.Shape.NoFrame)
        self.setFont(theme.reading_font())
        self._apply_colors()
        self.setAutoFillBackground(True)
        self.document().setDocumentMargin(28)
        self._top_margin = 56  # room above the first line for relation arcs
        self.model: DocumentModel | None = None
        self.display = DisplayText.of("")
        self.colors: dict[str, QColor] = {}
        self.keys: dict[str, str] = {}
        self.selected: int | None = None
        self.emphasised: set[int] = set()
        self._press: QPoint | None = None
        # Where each painted span lies in document coordinates (scrolling only moves it),
        # so a repaint costs rectangles, not a walk of the text layout per mention. Lines
        # move only when the text, its formats or the viewport's width change: set_document
        # and resizeEvent (the viewport's too) empty it. (The layout of a long text goes
        # on in the background, but only below what is laid out already.)
        self._geometry: dict[tuple[int, int], list[QRectF]] = {}
        # And whenever the text layout says it changed (a font or style polished late, the
        # background layout of a long text): a rectangle taken before that was drawn in
        # the wrong place, or nowhere, until the next resize (CI saw a first start with
        # no highlight on screen).
        self.document().documentLayout().update.connect(self._layout_changed)
        # A mouse selection made holding Ctrl or Alt is taken as it is, character by
        # character (part of a word: "Nato" in "Nato-sjef"); any other is snapped to words.
        self.exact = False

    def _apply_colors(self) -> None:
        """The page (and the margins beside the text column) in the scheme's paper colour."""
        colors = theme.current()
        palette = self.palette()
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
            palette.setColor(role, QColor(colors.paper))
        palette.setColor(QPalette.ColorRole.Text, QColor(colors.ink))
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._apply_colors()  # the system's scheme changed: follow it
        super().changeEvent(event)

    # -- content ----------
    def set_schema(self, schema: Schema) -> None:
        self.colors = {label.name: QColor(label.color) for label in schema.labels}
        self.keys = {label.key: label.name for label in schema.labels}
        self.viewport().update()

    def set_document(self, model: DocumentModel | None) -> None:
        self.model = model
        self._geometry.clear()
        self.selected = None
        self.emphasised = set()
        # Very long paragraphs are shown broken into shorter ones (display only: offsets
        # are mapped, see akkord.textproc.display), so one unbroken megabyte-long token
        # opens at once instead of freezing the window.
        self.display = DisplayText.of(model.text, model.to_qt, model.from_qt) if model \
            else DisplayText.of("")
        self.setPlainText(self.display.shown)
        frame = self.document().rootFrame().frameFormat()
        frame.setTopMargin(self._top_margin)
        self.document().rootFrame().setFrameFormat(frame)
        if model is not None:
            self._format_parts(model)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.verticalScrollBar().setValue(0)
        self._geometry.clear()  # the parts' formats moved lines

    def _format_parts(self, model: DocumentModel) -> None:
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        block = QTextBlockFormat()
        block.setLineHeight(theme.LINE_HEIGHT_PERCENT,
                            QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.mergeBlockFormat(block)
        base = self.font().pointSizeF()
        for part in model.parts:
            style = _PART_STYLES.get(part.kind)
            if style is None:
                continue
            size, weight, italic, muted = style
            fmt = QTextCharFormat()
            fmt.setFontPointSize(base * size)
            fmt.setFontWeight(weight)
            fmt.setFontItalic(italic)
            if muted:
                fmt.setForeground(QColor(theme.current().muted))
            cursor.setPosition(self.display.to_view(part.start))
            cursor.setPosition(self.display.to_view(part.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        cursor.endEditBlock()

    # -- what to repaint ----------
    def refresh(self, start: int, end: int) -> None:
        """Repaint the lines of ``[start, end)`` (after a mention there changed)."""
        if self.model is None:
            return
        rects = self.span_rects(start, max(end, start + 1))
        if not rects:
            return
        area = QRectF(rects[0])
        for rect in rects[1:]:
            area = area.united(rect)
        margin = _BAR_STEP * (self.model.index.max_level + 2) + 4
        self.viewport().update(area.adjusted(-4, -4, 4, margin).toAlignedRect())

    def select_mention(self, mention_id: int | None, *, scroll: bool = True) -> None:
        previous, self.selected = self.selected, mention_id
        arcs = False  # relation arcs may cross the page: then repaint all of it
        for key in (previous, mention_id):
            if key is not None and self.model is not None and key in self.model.mentions:
                self.refresh(*self.model.index.span(key))
                arcs = arcs or bool(self.model.relations_of(key))
        if mention_id is not None and self.model is not None and scroll:
            mention = self.model.mentions.get(mention_id)
            if mention is not None:
                cursor = self.textCursor()
                cursor.setPosition(self.display.to_view(mention.start))
                self.setTextCursor(cursor)
                self.ensureCursorVisible()
        if arcs:
            self.viewport().update()

    def emphasise(self, mention_ids: set[int]) -> None:
        self.emphasised = mention_ids
        self.viewport().update()

    def reveal(self, start: int, end: int) -> None:
        """Scroll to a span and select its text (used when jumping from a list)."""
        if self.model is None:
            return
        cursor = self.textCursor()
        cursor.setPosition(self.display.to_view(start))
        cursor.setPosition(self.display.to_view(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # -- geometry ----------
    def _offset(self) -> QPointF:
        return QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())

    def span_rects(self, start: int, end: int, offset: QPointF | None = None
                   ) -> list[QRectF]:
        """Viewport rectangles covering ``[start, end)``, one per line it touches
        (``offset``: the scroll position's, when the caller has it already)."""
        key = (start, end)
        rects = self._geometry.get(key)
        if rects is None:
            rects = self._layout_rects(start, end)
            if rects:  # none: not laid out yet; ask the layout again next time
                self._geometry[key] = rects
        offset = self._offset() if offset is None else offset
        return [rect.translated(offset) for rect in rects]

    def _layout_changed(self, _area: QRectF) -> None:
        self._geometry.clear()

    def _layout_rects(self, start: int, end: int) -> list[QRectF]:
        """:meth:`span_rects` in document coordinates, from the text layout."""
        assert self.model is not None
        qstart, qend = self.display.to_view(start), self.display.to_view(end)
        document = self.document()
        layout = document.documentLayout()
        rects: list[QRectF] = []
        block = document.findBlock(qstart)
        while block.isValid() and block.position() < qend:
            text_layout = block.layout()
            origin = layout.blockBoundingRect(block).topLeft()
            position = block.position()
            for i in range(text_layout.lineCount()):
                line = text_layout.lineAt(i)
                line_start = position + line.textStart()
                line_end = line_start + line.textLength()
                if line_end <= qstart or line_start >= qend:
                    continue
                x1 = _x(line.cursorToX(max(qstart, line_start) - position))
                x2 = _x(line.cursorToX(min(qend, line_end) - position))
                rects.append(QRectF(origin.x() + x1, origin.y() + line.y(),
                                    max(x2 - x1, 2.0), line.height()))
            block = block.next()
        return rects

    def visible_range(self, area: QRect | None = None) -> tuple[int, int]:
        """The text shown in ``area`` of the viewport (all of it by default); a mention
        whose nesting bars hang into ``area`` from the line above counts as shown."""
        assert self.model is not None
        area = self.viewport().rect() if area is None else area
        reach = int(_BAR_STEP * (self.model.index.max_level + 2)) + 4
        # Hit-tested no higher than the first line: a point in the margin above it (the
        # room kept for relation arcs) sometimes hit far down the text at a first paint,
        # which then drew no mention at all (the window's first start in CI, 1 in 3).
        document = self.document()
        first_line = document.documentLayout().blockBoundingRect(document.firstBlock()).top()
        top_y = max(0, area.top() - reach,
                    int(first_line) + 1 - self.verticalScrollBar().value())
        top = self.cursorForPosition(QPoint(0, top_y)).position()
        bottom = self.cursorForPosition(QPoint(self.viewport().width(),
                                               area.bottom())).position()
        return self.display.from_view(top), self.display.from_view(bottom) + 1

    def position_at(self, point: QPoint) -> int:
        assert self.model is not None
        return self.display.from_view(self.cursorForPosition(point).position())

    # -- painting ----------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Mentions, then the selected mention's relation arcs, then the text on top: the
        arcs and their labels pass *under* the letters, so no line of the article (the
        caption above the title included) is ever hidden by them."""
        if self.model is not None and self.model.mentions:
            painter = QPainter(self.viewport())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setClipRect(event.rect())
            start, end = self.visible_range(event.rect())
            clip, offset = QRectF(event.rect()), self._offset()
            for key in self.model.index.overlapping(start, end):
                self._paint_mention(painter, self.model.mentions[key], clip, offset)
            if self.selected in self.model.mentions:
                painter.setClipping(False)
                self._paint_relations(painter, self.selected)
            painter.end()
        super().paintEvent(event)

    def _paint_mention(self, painter: QPainter, mention: MentionView, clip: QRectF,
                       offset: QPointF) -> None:
        if mention.status == "rejected":
            return
        assert self.model is not None
        base = self.colors.get(mention.label, QColor(theme.current().muted))
        level = self.model.index.level(mention.id)
        suggested = mention.status == "suggested"
        selected = mention.id == self.selected
        for rect in self.span_rects(mention.start, mention.end, offset):
            if not rect.intersects(clip):
                continue
            fill = QColor(base)
            fill.setAlpha(28 if suggested else (95 if selected else 60) if level == 0 else 30)
            box = rect.adjusted(-1, 0, 1, 1) if level == 0 else rect.adjusted(0, 2, 0, 0)
            painter.fillRect(box, fill)
            bar = QColor(base)
            bar.setAlpha(110 if suggested else 235)
            y = rect.bottom() + 1 + _BAR_STEP * level
            pen = QPen(bar, _BAR, Qt.PenStyle.DashLine if suggested else Qt.PenStyle.SolidLine,
                       Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            if selected or mention.id in self.emphasised:
                outline = QPen(bar.darker(135) if selected else QColor(theme.current().accent), 1.6,
                               Qt.PenStyle.SolidLine if selected else Qt.PenStyle.DotLine)
                painter.setPen(outline)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(rect.adjusted(-2, -1, 2, 2 + _BAR_STEP * level), 3, 3)

    def _label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.6)
        return font

    def relation_arcs(self, mention_id: int) -> list[RelationArc]:
        """The arcs of a mention's relations, in viewport coordinates.

        Each arc rises from the top of one mention to the top of the other; its middle
        (where the type is written) lies in the gap above the upper of the two lines, so
        the label sits between lines of text rather than on one.
        """
        assert self.model is not None
        metrics = QFontMetricsF(self._label_font())
        arcs: list[RelationArc] = []
        for relation in self.model.relations_of(mention_id):
            head, tail = self.model.mentions.get(relation.head), \
                self.model.mentions.get(relation.tail)
            if head is None or tail is None:
                continue
            a, b = self.span_rects(head.start, head.end), self.span_rects(tail.start, tail.end)
            if not a or not b:
                continue
            start, end = QPointF(a[0].center().x(), a[0].top()), \
                QPointF(b[0].center().x(), b[0].top())
            upper = a[0] if a[0].top() <= b[0].top() else b[0]
            gap = upper.height() * (theme.LINE_HEIGHT_PERCENT - 100) / 100  # above a line
            height = min(metrics.height() + 1, gap)
            middle = QPointF((start.x() + end.x()) / 2, upper.top() - gap / 2)
            control = QPointF(2 * middle.x() - (start.x() + end.x()) / 2,
                              2 * middle.y() - (start.y() + end.y()) / 2)
            path = QPainterPath(start)
            path.quadTo(control, end)
            width = metrics.horizontalAdvance(relation.type) + 8
            box = QRectF(middle.x() - width / 2, middle.y() - height / 2, width, height)
            arcs.append(RelationArc(relation.type, path, end, box))
        return arcs

    def _paint_relations(self, painter: QPainter, mention_id: int) -> None:
        """Arcs from the selected mention to the mentions it is related to."""
        painter.setFont(self._label_font())
        color = QColor(theme.current().ink)
        color.setAlpha(170)
        paper = QColor(theme.current().paper)
        paper.setAlpha(215)
        for arc in self.relation_arcs(mention_id):
            painter.setPen(QPen(color, 1.3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(arc.path)
            painter.setBrush(color)
            painter.drawEllipse(arc.end, 2.6, 2.6)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(paper)
            painter.drawRoundedRect(arc.box, 4, 4)
            painter.setPen(color)
            painter.drawText(arc.box, Qt.AlignmentFlag.AlignCenter, arc.label)

    # -- layout ----------
    def resizeEvent(self, event: QResizeEvent) -> None:
        """Centre a column of at most ``READING_WIDTH`` pixels in a wider view.

        ``resizeEvent`` runs for the widget *and* for its viewport (which
        ``setViewportMargins`` resizes), so the margins are a function of the widget's
        own width only, and set only when they change: setting them again from inside
        the viewport's resize is then a no-op, not a recursion (which ended in a
        segmentation fault when the margins were computed from the event's size).
        """
        self._fit_margins()
        self._geometry.clear()  # lines may wrap elsewhere
        super().resizeEvent(event)

    def _fit_margins(self) -> None:
        inner = self.width() - 2 * self.frameWidth()
        side = max(0, (inner - theme.READING_WIDTH + 1) // 2)  # rounded up: never wider
        if self.viewportMargins() != QMargins(side, 0, side, 0):
            self.setViewportMargins(side, 0, side, 0)

    # -- input ----------
    def selection(self) -> tuple[int, int] | None:
        """The selected text (or the word at the cursor), snapped to whole words; an
        exact selection (:attr:`exact`) only loses the spaces at its edges."""
        if self.model is None:
            return None
        cursor = self.textCursor()
        start = self.display.from_view(cursor.selectionStart())
        end = self.display.from_view(cursor.selectionEnd())
        if self.exact and start < end:
            text = self.model.text
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            return (start, end) if start < end else None
        return snap_to_words(self.model.text, start, end)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Label keys (from the schema) and the article's commands (from the action
        table, :mod:`akkord.domain.actions`); anything else moves the cursor as usual."""
        if self.model is None:
            super().keyPressEvent(event)
            return
        mods = event.modifiers()
        plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if plain and event.text() in self.keys:
            span = self.selection()
            self.label_key.emit(self.keys[event.text()], *(span or (-1, -1)),
                                self.textCursor().hasSelection())
            return
        named = TEXT_KEYS.get(key_name(event))
        if named is None and event.key() not in _MODIFIER_KEYS:
            self.exact = False  # the keyboard moved the cursor: snap again
        if named in ("extend-left", "extend-right"):
            self._extend_by_word(1 if named == "extend-right" else -1)
        elif named is not None:
            self.command.emit(named)
        else:
            super().keyPressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        """A tool tip over a mention: its label, status and, for a suggestion, where it
        came from, its score and gap (plain text: nothing from data is markup)."""
        if event.type() == QEvent.Type.ToolTip and self.model is not None:
            assert isinstance(event, QHelpEvent)
            hits = [h for h in self.model.index.at(self.position_at(event.pos()))
                    if self.model.mentions[h].status != "rejected"]
            if hits:
                QToolTip.showText(event.globalPos(), plain_text.tooltip(
                    mention_tooltip(self.model.mentions[hits[0]])), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Focus coming back from a popup (the entity picker, a menu) changes nothing on
        screen, so the view does not take it: Qt repaints the whole of a widget that takes
        the focus, which cost a link a repaint of the article and its scroll bar (3–4 ms).
        The text control never saw the focus leave (see :meth:`focusOutEvent`), so its
        state stays right."""
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Focus lent to a popup is not taken from the text (see :meth:`focusInEvent`)."""
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            super().focusOutEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab moves between mentions, not out of the text

    def _extend_by_word(self, step: int) -> None:
        assert self.model is not None
        cursor = self.textCursor()
        position = self.display.from_view(cursor.position())
        target = (next_word_end(self.model.text, position) if step > 0
                  else previous_word_start(self.model.text, position))
        cursor.setPosition(self.display.to_view(target), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        self.exact = bool(event.modifiers() & _EXACT)
        # Qt's text edit would take Ctrl/Alt as a request for something else (a link,
        # a word); the selection itself is what is wanted here.
        super().mousePressEvent(_without(event, _EXACT) if self.exact else event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(_without(event, _EXACT) if self.exact else event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        moved = self._press is not None and (
            event.position().toPoint() - self._press).manhattanLength() > 3
        if self.model is None or moved or event.button() != Qt.MouseButton.LeftButton:
            return
        hits = self.model.index.at(self.position_at(event.position().toPoint()))
        hits = [h for h in hits if self.model.mentions[h].status != "rejected"]
        if not hits:
            self.cleared.emit()
            return
        # Clicking again on nested mentions cycles from the innermost outwards.
        chosen = hits[(hits.index(self.selected) + 1) % len(hits)] if self.selected in hits \
            else hits[0]
        self.mention_clicked.emit(chosen)


def mention_tooltip(mention: MentionView) -> str:
    """What hovering a mention says: label and status, then a suggestion's source."""
    lines = [f"{mention.label} · {mention.status}"]
    if mention.origin:
        source = f"suggested by: {origin_text(mention.origin)}"
        if mention.score is not None:
            source += f" · score {score_text(mention.score)}"
        if mention.gap is not None:
            source += f" · gap {score_text(mention.gap)}"
        lines.append(source)
    if mention.status == "suggested":
        lines.append("Enter accepts, Delete rejects")
    return "\n".join(lines)


_EXACT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
_MODIFIER_KEYS = frozenset({Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Shift,
                            Qt.Key.Key_Meta, Qt.Key.Key_AltGr})


def _without(event: QMouseEvent, modifiers: Qt.KeyboardModifier) -> QMouseEvent:
    """The same mouse event without ``modifiers``."""
    return QMouseEvent(event.type(), event.position(), event.scenePosition(),
                       event.globalPosition(), event.button(), event.buttons(),
                       event.modifiers() & ~modifiers, event.pointingDevice())


def _x(result: object) -> float:
    """``QTextLine.cursorToX`` returns ``(x, position)`` in PySide6."""
    return float(result[0] if isinstance(result, tuple) else result)  # type: ignore[arg-type]
