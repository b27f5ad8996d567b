"""The timeline follows the palette: readable under a light and a dark Fusion palette.

Under a dark desktop the plot used to stay white and the muted labels (item count,
"N mentions of …", the mention rows' titles) were grey on dark grey. The palettes are
set on the widget, not the application, so nothing leaks into other tests.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory
from pytestqt.qtbot import QtBot

from akkord.gui.timeline_colors import TimelineColors
from akkord.gui.timeline_view import TimelineView
from akkord.store import Project

Role = QPalette.ColorRole


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style.standardPalette()


def dark_palette() -> QPalette:
    """A dark Fusion palette as a dark desktop gives one."""
    palette = QPalette()
    for role, color in ((Role.Window, "#2b2b2b"), (Role.WindowText, "#e8e8e8"),
                        (Role.Base, "#1e1e1e"), (Role.AlternateBase, "#2a2a2a"),
                        (Role.Text, "#e8e8e8"), (Role.Button, "#353535"),
                        (Role.ButtonText, "#e8e8e8"), (Role.Highlight, "#2f6fde"),
                        (Role.HighlightedText, "#ffffff"), (Role.PlaceholderText, "#9a9a9a"),
                        (Role.ToolTipBase, "#2b2b2b"), (Role.ToolTipText, "#e8e8e8")):
        palette.setColor(role, QColor(color))
    return palette


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 … 21)."""
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF())
                + 0.0722 * channel(c.blueF()))
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("palette", [light_palette, dark_palette], ids=["light", "dark"])
def test_colours_follow_the_palette_and_stay_readable(palette: object) -> None:
    assert callable(palette)
    chosen = palette()
    colors = TimelineColors.of(chosen)
    assert colors.background == chosen.color(Role.Base)
    assert colors.ink == chosen.color(Role.Text)
    assert contrast(colors.ink, colors.background) >= 7
    assert contrast(colors.muted, colors.background) >= 4.5  # names of secondary things
    assert contrast(colors.grey, colors.background) >= 2  # lines, grid, void items
    assert colors.stripe != colors.background
    assert colors.is_dark == (palette is dark_palette)


def _pixels(image: QImage, x0: int, y0: int, x1: int, y1: int) -> list[QColor]:
    return [image.pixelColor(x, y) for x in range(x0, x1) for y in range(y0, y1)]


def test_a_dark_palette_gives_a_dark_readable_timeline(qtbot: QtBot, demo: Project) -> None:
    view = TimelineView(demo)
    qtbot.addWidget(view)
    view.setStyle(QStyleFactory.create("Fusion"))
    view.setPalette(light_palette())
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.plot.fitted)
    light = view.plot.graphics.grab().toImage()
    view.setPalette(dark_palette())  # as when the desktop switches to dark
    QApplication.processEvents()
    plot = view.plot
    assert plot.colors.is_dark
    assert plot.graphics.backgroundBrush().color() == dark_palette().color(Role.Base)
    for axis in (plot.date_axis, plot.lane_axis):
        assert axis.textPen().color() == dark_palette().color(Role.Text)
    assert plot.legend.color == plot.labels.color == dark_palette().color(Role.Text)
    dark = plot.graphics.grab().toImage()
    # the lane names' column: light text on a dark ground now, dark on light before
    width = int(plot.lane_axis.geometry().width())
    left = plot.graphics.mapFromScene(plot.lane_axis.mapToScene(QPointF(0, 0)))
    box = (left.x() + 2, left.y() + 40, left.x() + width - 4, left.y() + 200)
    for image, ground, text in ((light, lambda v: v > 230, lambda v: v < 60),
                                (dark, lambda v: v < 40, lambda v: v > 200)):
        values = [c.lightness() for c in _pixels(image, *box)]
        assert sum(map(ground, values)) > len(values) / 2  # mostly the ground
        assert any(map(text, values))  # and some text in the contrasting colour
    # the muted labels are in the palette's placeholder colour, not a fixed grey
    for label in (view.summary, view.mentions.title):
        assert label.foregroundRole() == Role.PlaceholderText
    assert contrast(view.palette().color(Role.PlaceholderText),
                    view.palette().color(Role.Window)) >= 4.5
    corner = dark.pixelColor(QPoint(2, 2))
    assert corner.lightness() < 60
