"""Colours, fonts and the style sheet: the one place the look of the application is set."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

PAPER = "#fbfaf7"  # the article's page
INK = "#1f2328"
MUTED = "#6b7280"
RULE = "#e5e2da"
ACCENT = "#2f6fde"
SELECTION = "#c7dcff"

READING_WIDTH = 740  # pixels of text per line: about 80 characters
LINE_HEIGHT_PERCENT = 165


@cache
def color(hex_color: str, alpha: int = 255) -> QColor:
    found = QColor(hex_color)
    found.setAlpha(alpha)
    return found


def reading_font() -> QFont:
    """A serif text face when the system has one, at a comfortable size."""
    families = set(QFontDatabase.families())
    font = QFont()
    for family in ("Source Serif 4", "Noto Serif", "DejaVu Serif", "Liberation Serif",
                   "Georgia", "Times New Roman"):
        if family in families:
            font = QFont(family)
            break
    font.setPointSizeF(12.0)
    return font


STYLE = f"""
QMainWindow, QDockWidget {{ background: #f3f2ee; }}
QDockWidget::title {{ padding: 6px 8px; font-weight: 600; color: {INK};
                      background: #ebe9e3; }}
QToolBar {{ spacing: 4px; border: none; background: #f3f2ee; padding: 2px 6px; }}
QStatusBar {{ background: #ebe9e3; color: {MUTED}; }}
QTableView, QListView, QTreeView {{ background: white; alternate-background-color: #f7f6f2;
    selection-background-color: {SELECTION}; selection-color: {INK}; border: 1px solid {RULE}; }}
QHeaderView::section {{ background: #f3f2ee; border: none; border-bottom: 1px solid {RULE};
                        padding: 4px 6px; color: {MUTED}; font-weight: 600; }}
QLineEdit, QComboBox, QSpinBox {{ padding: 3px 6px; border: 1px solid #d4d1c8;
    border-radius: 4px; background: white; }}
QLineEdit:focus, QComboBox:focus {{ border-color: {ACCENT}; }}
QPushButton {{ padding: 4px 10px; border: 1px solid #cfcabd; border-radius: 4px;
               background: #fdfcf9; }}
QPushButton:hover {{ background: #f1efe8; }}
QPushButton:default {{ border-color: {ACCENT}; }}
QGroupBox {{ border: 1px solid {RULE}; border-radius: 6px; margin-top: 14px;
             padding: 8px 6px 6px 6px; background: white; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; color: {MUTED};
                    font-weight: 600; }}
QTabBar::tab {{ padding: 5px 10px; }}
QLabel#muted {{ color: {MUTED}; }}
"""


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor(SELECTION))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(INK))
    app.setPalette(palette)
    app.setStyleSheet(STYLE)
