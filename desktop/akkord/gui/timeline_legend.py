"""The timeline's legend: swatches and words below the plot, part of the exports.

The words are the schema's kind names and status values, drawn with
``QPainter.drawText`` (plain text, never markup), in the palette's text colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QApplication

from akkord.domain.schema import LOOKS
from akkord.gui.timeline_colors import TimelineColors, alpha
from akkord.gui.timeline_styles import RectStyle, bar_style, marker_style
from akkord.services.timeline import TimelineKind

Swatch = Callable[[QPainter, QRectF], None]


class Legend(pg.GraphicsWidget):  # type: ignore[misc]
    """Swatches and words below the plot, wrapped to the width (part of the exports,
    unlike a widget would be)."""

    LINE = 20.0
    LEFT = 70.0

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[Swatch, str]] = []
        self.color = QColor("black")  # the palette's text colour, set by the plot
        self.font = QFont(QApplication.font())
        self.font.setPointSizeF(self.font.pointSizeF() * 0.92)
        self._lines = 1
        self._fix_height()

    def set_entries(self, entries: list[tuple[Swatch, str]]) -> None:
        self.entries = entries
        self._relayout()
        self.update()

    def _positions(self) -> list[tuple[float, int]]:
        """(x, line) of each entry at the current width."""
        metrics = QFontMetricsF(self.font)
        width = max(self.size().width(), 200.0)
        out, x, line = [], self.LEFT, 0
        for _swatch, text in self.entries:
            advance = 27 + metrics.horizontalAdvance(text) + 16
            if x + advance > width and x > self.LEFT:
                x, line = self.LEFT, line + 1
            out.append((x, line))
            x += advance
        return out

    def _relayout(self) -> None:
        lines = max((line for _x, line in self._positions()), default=0) + 1
        if lines != self._lines:
            self._lines = lines
            self._fix_height()

    def _fix_height(self) -> None:
        self.setMinimumHeight(self._lines * self.LINE + 2)
        self.setMaximumHeight(self._lines * self.LINE + 2)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._relayout()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.size().width(), self.size().height())

    def paint(self, painter: QPainter, *_args: Any) -> None:
        painter.setFont(self.font)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        metrics = QFontMetricsF(self.font)
        for (swatch, text), (x, line) in zip(self.entries, self._positions(), strict=True):
            middle = line * self.LINE + self.LINE / 2 + 1
            swatch(painter, QRectF(x, middle - 6, 22, 12))
            painter.setPen(self.color)
            # plain text: status values and kind names come from the schema, not markup
            painter.drawText(QPointF(x + 27, middle + metrics.ascent() / 2 - 1), text)


def _rect_swatch(style: RectStyle) -> Swatch:
    def draw(painter: QPainter, rect: QRectF) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for brush in (style.fill, style.pattern):
            if brush is not None:
                painter.setBrush(brush)
                painter.drawRect(rect)
        if style.inner is not None:
            painter.setBrush(style.inner)
            painter.drawRect(rect.adjusted(style.inset, style.inset, -style.inset,
                                           -style.inset))
        if style.strike is not None:
            painter.setPen(QPen(style.strike, 1.5))
            painter.drawLine(QPointF(rect.left(), rect.center().y()),
                             QPointF(rect.right(), rect.center().y()))
    return draw


def _marker_swatch(options: dict[str, Any]) -> Swatch:
    def draw(painter: QPainter, rect: QRectF) -> None:
        center, r = rect.center(), options["size"] / 2
        painter.setPen(options["pen"])
        painter.setBrush(options["brush"])
        if options["symbol"] == "x":
            painter.setPen(QPen(options["brush"].color(), 2.5))
            painter.drawLine(center + QPointF(-r + 1, -r + 1), center + QPointF(r - 1, r - 1))
            painter.drawLine(center + QPointF(-r + 1, r - 1), center + QPointF(r - 1, -r + 1))
            return
        painter.drawPolygon(QPolygonF([center + QPointF(0, -r), center + QPointF(r, 0),
                                       center + QPointF(0, r), center + QPointF(-r, 0)]))
    return draw


def _tick_swatch(color: QColor) -> Swatch:
    def draw(painter: QPainter, rect: QRectF) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(alpha(color, 200))
        painter.drawRect(QRectF(rect.center().x() - 1, rect.top(), 2.5, rect.height()))
    return draw


def legend_entries(kinds: Sequence[TimelineKind], colors: TimelineColors
                   ) -> list[tuple[Swatch, str]]:
    """Kinds (colour and bar/marker), then each look with the status values drawn so,
    precision and publication ticks."""
    entries: list[tuple[Swatch, str]] = []
    neutral = colors.muted  # the looks are shown in a neutral colour
    for kind in kinds:
        color = QColor(kind.color)
        swatch = (_marker_swatch(marker_style(color, "solid", True, colors))
                  if kind.style == "marker"
                  else _rect_swatch(bar_style(color, "solid", True, colors)))
        entries.append((swatch, kind.display))
    for look in LOOKS:
        values = [s for kind in kinds for s in kind.statuses if kind.look(s) == look]
        if values:
            entries.append((_rect_swatch(bar_style(neutral, look, True, colors)),
                            ", ".join(dict.fromkeys(values))))
    entries.append((_rect_swatch(bar_style(neutral, "solid", False, colors)),
                    "week, month … (approximate)"))
    entries.append((_tick_swatch(colors.muted), "published"))
    return entries
