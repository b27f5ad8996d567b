"""Exports of the timeline plot (with its legend) as PNG and SVG.

The page is painted in the plot's own background colour: the glyphs, names and legend
were chosen to read on it, light or dark palette alike.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # registers pg.exporters
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QWidget

FORMATS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}


def export_png(graphics: pg.GraphicsLayoutWidget, path: str | Path, background: QColor,
               width: int | None = None) -> Path:
    """Write the plot and its legend as a PNG (``width`` pixels wide, default as shown)."""
    exporter = pg.exporters.ImageExporter(graphics.ci)
    if width is not None:
        exporter.parameters()["width"] = width
    exporter.parameters()["background"] = background
    exporter.export(str(path))
    return Path(path)


def export_svg(graphics: pg.GraphicsLayoutWidget, path: str | Path, background: QColor
               ) -> Path:
    """Write the plot and its legend as an SVG drawing.

    Rendered by Qt's SVG generator directly: pyqtgraph's SVG exporter rewrites the
    generated paths and fails on some of them (closed sub-paths).
    """
    source = graphics.ci.sceneBoundingRect()
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(target.size().toSize())
    generator.setViewBox(target)
    generator.setTitle("Akkord timeline")
    # the screen's resolution: pyqtgraph's axes replay pictures recorded for it
    generator.setResolution(round(graphics.logicalDpiX()))
    painter = QPainter(generator)
    try:
        painter.fillRect(target, background)
        graphics.scene().render(painter, target, source)
    finally:
        painter.end()
    return Path(path)


def ask_export_path(parent: QWidget, kind: str) -> Path | None:
    """Ask where to export (``kind`` is ``"png"`` or ``"svg"``); the suffix is added
    when the user typed none. ``None`` when cancelled."""
    suffix = f".{kind}"
    path, _chosen = QFileDialog.getSaveFileName(parent, "Export the timeline",
                                                f"timeline{suffix}", FORMATS[kind])
    if not path:
        return None
    return Path(path) if Path(path).suffix else Path(path + suffix)
