"""Text from data, shown where Qt would otherwise guess that it is HTML.

``QLabel``, ``QMessageBox`` and tool tips render a string as rich text when it *looks*
like HTML (``Qt.mightBeRichText``). A title such as ``Nyheter <img src="file:///dev/zero">``
then makes Qt read ``/dev/zero`` as an image until memory runs out (``std::bad_alloc``), and
``<img src="file:///…png">`` draws a local file into the window. Text from a corpus, a
schema, a user or an error message quoting them is never markup, so every widget that
shows such text is made with these helpers:

* :func:`label` / :func:`set_plain` — a ``QLabel`` fixed to ``Qt.PlainText``;
* :func:`tooltip` — a tool tip string (tool tips have no plain-text switch): the text
  escaped and wrapped so that Qt shows it literally, line breaks kept;
* :func:`message_box`, :func:`warn`, :func:`ask` — message boxes fixed to plain text.

``tests/gui/test_hostile_text.py`` walks every label and tool tip of the window with a
hostile corpus loaded and fails on any that would render markup.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

PLAIN = Qt.TextFormat.PlainText


def label(text: str = "", parent: QWidget | None = None, *, object_name: str | None = None,
          wrap: bool = False) -> QLabel:
    """A label that shows ``text`` literally, whatever it contains."""
    found = QLabel(parent)
    found.setTextFormat(PLAIN)
    found.setText(text)
    found.setWordWrap(wrap)
    if object_name:
        found.setObjectName(object_name)
    return found


def set_plain(target: QLabel, text: str) -> None:
    """Show ``text`` literally in an existing label (fixes its format first)."""
    target.setTextFormat(PLAIN)
    target.setText(text)


def set_steady(target: QLabel, text: str) -> None:
    """Set the plain text of a label that changes often (the status bar's counts) without
    laying the window out again each time.

    A label asks its layout for a new geometry on every ``setText``, and a status bar's
    layout is the main window's: every edit laid out the whole window. A label of fixed
    size (minimum = maximum) does not ask, so the label is fixed at the size its text
    needs, and only ever grows (a shrinking count keeps the room it had)."""
    target.setText(text)
    hint = target.sizeHint()
    wanted = QSize(max(hint.width(), target.minimumWidth()), hint.height())
    if target.minimumSize() != wanted or target.maximumSize() != wanted:
        target.setFixedSize(wanted)


def tooltip(text: str) -> str:
    """A tool tip that Qt shows exactly as ``text`` (an empty text: no tool tip)."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"


def message_box(icon: QMessageBox.Icon, title: str, text: str,
                buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
                parent: QWidget | None = None) -> QMessageBox:
    """A message box whose text is shown literally (its details are always plain)."""
    box = QMessageBox(icon, title, "", buttons, parent)
    box.setTextFormat(PLAIN)
    box.setText(text)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """``QMessageBox.warning`` with the text shown literally."""
    message_box(QMessageBox.Icon.Warning, title, text, parent=parent).exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """``QMessageBox.information`` with the text shown literally."""
    message_box(QMessageBox.Icon.Information, title, text, parent=parent).exec()


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question with the text shown literally; True for Yes."""
    box = message_box(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    return box.exec() == QMessageBox.StandardButton.Yes
