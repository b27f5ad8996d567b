"""Key presses as the action table (:mod:`akkord.domain.actions`) names them."""

from __future__ import annotations

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

from akkord.domain.actions import ACTIONS

_PORTABLE = QKeySequence.SequenceFormat.PortableText


def normalised(key: str) -> str:
    """Qt's own spelling of a key name ("Delete" → "Del"), so table and events agree."""
    return QKeySequence(key).toString(_PORTABLE)


def key_name(event: QKeyEvent) -> str:
    """The portable name of a key press ("Alt+Shift+Left"); the keypad flag is ignored
    (Enter on the keypad is Enter)."""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    combination = QKeyCombination(mods, Qt.Key(event.key()))
    return QKeySequence(combination).toString(_PORTABLE)


TEXT_KEYS: dict[str, str] = {normalised(key): a.id for a in ACTIONS if a.scope == "text"
                             for key in a.keys}
"""Key name → action id, for the keys that only work in the article."""

REVIEW_KEYS: dict[str, str] = {normalised(key): a.id for a in ACTIONS if a.scope == "review"
                               for key in a.keys}
"""Key name → action id, for the keys of the review list."""

CURATION_KEYS: dict[str, str] = {normalised(key): a.id for a in ACTIONS
                                 if a.scope == "curation" for key in a.keys}
"""Key name → action id, for the keys of the curation queue."""
