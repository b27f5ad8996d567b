"""Colours, fonts and the style sheet: the one place the look of the application is set.

The application follows the system's light or dark scheme (``QStyleHints.colorScheme()``,
Qt 6.5+; when the platform does not say, the lightness of the system palette decides).
``AKKORD_THEME=light`` or ``dark`` overrides it. The palette and the style sheet are always
set *together*, from one :class:`Colors`: a style sheet that paints light backgrounds
while the palette stays the system's made a dark desktop unreadable (light text on the
light page). Widgets that paint by hand (the article view) read :func:`current` when they
paint, so a change of the system's scheme while the program runs is followed too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

THEME_ENV = "AKKORD_THEME"  # light | dark | (empty, auto): follow the system
READING_WIDTH = 740  # pixels of text per line: about 80 characters
LINE_HEIGHT_PERCENT = 165


@dataclass(frozen=True, slots=True)
class Colors:
    """Every colour of one scheme (hex strings, for the style sheet and for QColor)."""

    dark: bool
    paper: str  # the article's page (the palette's Base)
    ink: str  # text
    muted: str  # secondary text: captions, bylines, hints
    rule: str  # thin lines
    accent: str  # focus, emphasised mentions
    selection: str
    selection_ink: str
    window: str  # window and dock backgrounds
    panel: str  # dock titles, the status bar, headers
    field: str  # lists, tables, line edits
    alternate: str  # alternate rows
    button: str
    button_hover: str
    border: str  # field and button borders
    error: str


LIGHT = Colors(
    dark=False, paper="#fbfaf7", ink="#1f2328", muted="#6b7280", rule="#e5e2da",
    accent="#2f6fde", selection="#c7dcff", selection_ink="#1f2328", window="#f3f2ee",
    panel="#ebe9e3", field="#ffffff", alternate="#f7f6f2", button="#fdfcf9",
    button_hover="#f1efe8", border="#cfcabd", error="#c53030")
DARK = Colors(
    dark=True, paper="#1e1f22", ink="#e6e4de", muted="#a0a6ae", rule="#3a3c41",
    accent="#79a6ff", selection="#2f4f80", selection_ink="#f4f4f2", window="#26272b",
    panel="#2f3035", field="#1a1b1e", alternate="#222327", button="#33343a",
    button_hover="#3d3e45", border="#50525a", error="#ff7b7b")

_current = LIGHT

# Kept for code that only needs the light look's names (muted text in item models).
PAPER, INK, MUTED, RULE, ACCENT, SELECTION = (LIGHT.paper, LIGHT.ink, LIGHT.muted, LIGHT.rule,
                                              LIGHT.accent, LIGHT.selection)


def current() -> Colors:
    """The colours in use (set by :func:`apply`)."""
    return _current


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


def system_is_dark(app: QGuiApplication) -> bool:
    """Whether the desktop asks for a dark scheme (``AKKORD_THEME`` overrides)."""
    wanted = os.environ.get(THEME_ENV, "").strip().lower()
    if wanted in ("light", "dark"):
        return wanted == "dark"
    scheme = app.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def palette(colors: Colors) -> QPalette:
    """A complete Fusion palette for ``colors`` (every role, disabled ones greyed)."""
    roles = QPalette.ColorRole
    found = QPalette()
    window, ink = QColor(colors.window), QColor(colors.ink)
    for role, value in (
            (roles.Window, colors.window), (roles.WindowText, colors.ink),
            (roles.Base, colors.paper), (roles.AlternateBase, colors.alternate),
            (roles.Text, colors.ink), (roles.Button, colors.button),
            (roles.ButtonText, colors.ink), (roles.BrightText, colors.error),
            (roles.Highlight, colors.selection), (roles.HighlightedText, colors.selection_ink),
            (roles.ToolTipBase, colors.field), (roles.ToolTipText, colors.ink),
            (roles.PlaceholderText, colors.muted), (roles.Link, colors.accent),
            (roles.LinkVisited, colors.accent)):
        found.setColor(role, QColor(value))
    found.setColor(roles.Light, window.lighter(150))
    found.setColor(roles.Midlight, window.lighter(125) if colors.dark else window.lighter(110))
    found.setColor(roles.Mid, window.darker(130) if not colors.dark else window.lighter(160))
    found.setColor(roles.Dark, window.darker(160) if not colors.dark else window.darker(140))
    found.setColor(roles.Shadow, QColor("#000000"))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        found.setColor(disabled, role, QColor(colors.muted))
    found.setColor(disabled, roles.Base, QColor(colors.window))
    found.setColor(disabled, roles.Highlight, ink.darker(200) if not colors.dark
                   else QColor(colors.rule))
    return found


def style_sheet(c: Colors) -> str:
    return f"""
QMainWindow, QDockWidget {{ background: {c.window}; }}
QDockWidget::title {{ padding: 6px 8px; font-weight: 600; color: {c.ink};
                      background: {c.panel}; }}
QToolBar {{ spacing: 4px; border: none; background: {c.window}; padding: 2px 6px; }}
QStatusBar {{ background: {c.panel}; color: {c.muted}; }}
QStatusBar QLabel {{ color: {c.muted}; }}
QTableView, QListView, QTreeView {{ background: {c.field}; color: {c.ink};
    alternate-background-color: {c.alternate}; selection-background-color: {c.selection};
    selection-color: {c.selection_ink}; border: 1px solid {c.rule}; }}
QHeaderView::section {{ background: {c.window}; border: none; border-bottom: 1px solid {c.rule};
                        padding: 4px 6px; color: {c.muted}; font-weight: 600; }}
QLineEdit, QComboBox, QSpinBox {{ padding: 3px 6px; border: 1px solid {c.border};
    border-radius: 4px; background: {c.field}; color: {c.ink}; }}
QLineEdit:focus, QComboBox:focus {{ border-color: {c.accent}; }}
QComboBox QAbstractItemView {{ background: {c.field}; color: {c.ink}; }}
QPushButton {{ padding: 4px 10px; border: 1px solid {c.border}; border-radius: 4px;
               background: {c.button}; color: {c.ink}; }}
QPushButton:hover {{ background: {c.button_hover}; }}
QPushButton:default {{ border-color: {c.accent}; }}
QPushButton:disabled {{ color: {c.muted}; }}
QGroupBox {{ border: 1px solid {c.rule}; border-radius: 6px; margin-top: 14px;
             padding: 8px 6px 6px 6px; background: {c.field}; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; color: {c.muted};
                    font-weight: 600; }}
QTabBar::tab {{ padding: 5px 10px; }}
QLabel#muted {{ color: {c.muted}; }}
QLabel#error {{ color: {c.error}; }}
QToolTip {{ background: {c.field}; color: {c.ink}; border: 1px solid {c.border}; }}
"""


def set_style(widget: QWidget, sheet: str) -> None:
    """Give ``widget`` its own style sheet, unless it already has that one.

    Under the application's style sheet every ``setStyleSheet`` re-polishes the widget and
    its children, even with the sheet it already has (or an empty one): the inspector
    did that for every field at every selection, which was most of an edit's layout work.
    """
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def label_button_style(label_color: str) -> str:
    """The toolbar's label buttons: the label's colour as a bar, the scheme's background."""
    c = current()
    return (f"QToolButton {{ border-left: 5px solid {label_color}; padding: 3px 9px; "
            f"background: {c.field}; color: {c.ink}; border-radius: 3px; margin: 2px; }}")


def apply(app: QApplication) -> Colors:
    """Fusion, with the palette and style sheet of the system's scheme; follows changes."""
    global _current
    app.setStyle("Fusion")
    _current = DARK if system_is_dark(app) else LIGHT
    app.setPalette(palette(_current))
    app.setStyleSheet(style_sheet(_current))
    if not app.property("akkord-theme-follows"):
        app.setProperty("akkord-theme-follows", True)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply(app))
    return _current


@contextmanager
def kept(app: QApplication) -> Iterator[None]:
    """The application's look (style, palette, style sheet, colours) as it is now, put
    back after the block: screenshots in the other scheme leave the process as it was.
    (Calling :func:`apply` again would not: it reads the scheme from the palette that the
    screenshots set.)"""
    global _current
    style, palette_before, sheet, colors = (app.style().name(), QPalette(app.palette()),
                                            app.styleSheet(), _current)
    try:
        yield
    finally:
        app.setStyleSheet(sheet)
        app.setStyle(style)
        app.setPalette(palette_before)
        _current = colors
