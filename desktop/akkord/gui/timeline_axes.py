"""The timeline's axes and view box: calendar days below, lane names on the left.

Tick labels are drawn by pyqtgraph with ``QPainter.drawText``: plain text, so a lane
named ``<b>x</b>`` shows those characters. Their colours are set by the plot from the
palette.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QFontMetricsF


class DateAxis(pg.DateAxisItem):  # type: ignore[misc]
    """pyqtgraph's date axis (UTC) without finer ticks crowding a coarser one (no
    "Feb02" where the month tick and a day tick meet)."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom", utcOffset=0)
        # set by pyqtgraph when it first paints; the grid may ask for ticks before that
        self.fontMetrics = QFontMetrics(self.font())

    def tickValues(self, low: float, high: float, size: float
                   ) -> list[tuple[float, list[float]]]:
        levels: list[tuple[float, list[float]]] = super().tickValues(low, high, size)
        kept: list[tuple[float, list[float]]] = []
        coarser = np.empty(0)
        for spacing, values in levels:
            ticks = np.asarray(values, dtype=np.float64)
            gap = float(np.median(np.diff(np.sort(ticks)))) if ticks.size > 1 else spacing
            if coarser.size and ticks.size:
                distance = np.abs(ticks[:, None] - coarser[None, :]).min(axis=1)
                ticks = ticks[(distance < 1e-6 * gap) | (distance >= 0.6 * gap)]
            kept.append((spacing, ticks.tolist()))
            coarser = np.concatenate([coarser, ticks])
        return kept


class LaneAxis(pg.AxisItem):  # type: ignore[misc]
    """Lane names at the lanes' centres, thinned (top lanes first, as they are the most
    active) so that labels never overlap, however many lanes share the height."""

    def __init__(self) -> None:
        super().__init__(orientation="left")
        self.centers = np.empty(0)
        self.labels: dict[float, str] = {}

    def set_lanes(self, lanes: Sequence[tuple[float, str]]) -> None:
        self.centers = np.array(sorted(y for y, _text in lanes))
        self.labels = {round(y, 6): text for y, text in lanes}
        self.picture = None
        self.update()

    def tickValues(self, low: float, high: float, size: float
                   ) -> list[tuple[float, list[float]]]:
        low, high = min(low, high), max(low, high)
        visible = self.centers[(self.centers >= low) & (self.centers <= high)]
        if not visible.size or size <= 0:
            return [(1.0, [])]
        gap = QFontMetricsF(self.font()).height() * (high - low) / size
        kept, last = [], -np.inf
        for y in visible.tolist():
            if y - last >= gap:
                kept.append(y)
                last = y
        return [(1.0, kept)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.labels.get(round(v, 6), "") for v in values]


class TimelineViewBox(pg.ViewBox):  # type: ignore[misc]
    """Wheel zooms time only (around the cursor); Shift+wheel scrolls the lanes."""

    def wheelEvent(self, ev: Any, axis: int | None = None) -> None:
        if ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            (_x0, _x1), (y0, y1) = self.viewRange()
            self.translateBy(y=-ev.delta() / 120 * max((y1 - y0) / 10, 1))
            ev.accept()
            return
        super().wheelEvent(ev, axis=0)
