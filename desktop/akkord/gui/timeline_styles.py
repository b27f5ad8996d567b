"""How each kind, look and precision of a timeline glyph is painted (bars and markers).

A glyph's colour is its kind's (the schema's label colour); the *look* of its status
decides the rest: *solid* (filled), *outline* (pale inside, coloured border), *tentative*
(hatched) and *void* (grey, struck through); an item known only to the week, month … is
a faint band. The pale and grey parts are mixed with the palette's colours
(:class:`~akkord.gui.timeline_colors.TimelineColors`), so the looks read the same on a
light and on a dark background.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from akkord.domain.schema import Look
from akkord.gui.timeline_colors import TimelineColors, alpha, mix

MARKER_SIZE = 11.0


@dataclass(frozen=True, slots=True)
class RectStyle:
    """How one group of rectangles is painted, in device pixels.

    ``fill`` first, then ``pattern`` (hatching) over it, then ``inner`` inset by
    ``inset`` pixels (leaving a coloured border: the *outline* look), then a ``strike``
    line through the middle (the *void* look). Rectangles narrower than ``min_px`` are
    widened so that nothing disappears when zoomed out.
    """

    fill: QBrush
    pattern: QBrush | None = None
    inner: QBrush | None = None
    inset: float = 1.6
    strike: QColor | None = None
    min_px: float = 2.0


def bar_style(color: QColor, look: Look, exact: bool, colors: TimelineColors) -> RectStyle:
    """The style of bars (and bands) of one kind colour, look and precision class."""
    page = colors.background
    if look == "void":
        fill = mix(colors.grey, page, 0.35)
        return RectStyle(QBrush(alpha(fill, 255 if exact else 90)),
                         strike=alpha(colors.muted, 230 if exact else 120))
    if not exact:  # a faint band over the whole interval
        pattern = (QBrush(alpha(color, 110), Qt.BrushStyle.BDiagPattern)
                   if look == "tentative" else None)
        if look == "outline":  # a faint border around a paler inside
            return RectStyle(QBrush(alpha(color, 120)), inner=QBrush(alpha(page, 215)),
                             inset=1.4, min_px=3.0)
        return RectStyle(QBrush(alpha(color, 60 if colors.is_dark else 48)), pattern=pattern,
                         min_px=3.0)
    if look == "outline":
        return RectStyle(QBrush(color), inner=QBrush(mix(color, page, 0.85)))
    if look == "tentative":
        return RectStyle(QBrush(mix(color, page, 0.8)),
                         pattern=QBrush(color, Qt.BrushStyle.BDiagPattern))
    return RectStyle(QBrush(color))


def marker_style(color: QColor, look: Look, exact: bool, colors: TimelineColors
                 ) -> dict[str, Any]:
    """ScatterPlotItem options for markers of one colour, look and precision class."""
    page = colors.background
    fade = 255 if exact else 170
    edge = alpha(mix(color, colors.ink, 0.35), fade)
    if look == "void":
        return {"symbol": "x", "size": MARKER_SIZE, "pen": pg.mkPen(None),
                "brush": pg.mkBrush(alpha(colors.grey, fade))}
    if look == "outline":
        return {"symbol": "d", "size": MARKER_SIZE, "pen": pg.mkPen(alpha(color, fade), width=2),
                "brush": pg.mkBrush(alpha(page, fade))}
    if look == "tentative":
        return {"symbol": "d", "size": MARKER_SIZE - 2,
                "pen": pg.mkPen(alpha(color, fade), width=1.2,
                                style=Qt.PenStyle.DashLine),
                "brush": pg.mkBrush(alpha(mix(color, page, 0.75), fade))}
    return {"symbol": "d", "size": MARKER_SIZE, "pen": pg.mkPen(edge, width=1),
            "brush": pg.mkBrush(alpha(color, fade))}
