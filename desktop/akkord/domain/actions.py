"""Every command of the application and its keys, declared once, as data.

The window builds its menus and shortcuts from :data:`ACTIONS`, the article view maps
its keys through it, the shortcut overlay (F1) lists it, and the schema check refuses a
label whose key is already a command's (:func:`reserved_keys`). Nothing else defines a
key. (napari's app-model is the model: actions are values; what runs them is wired
separately, in ``gui/main_window.py``.)

Keys are Qt's portable key names (``"Ctrl+Shift+L"``, ``"Alt+Left"``, ``"Return"``). An
action's ``scope`` says where its keys work: ``window`` anywhere in the window (menu
shortcuts), ``text`` only while the article has the keyboard (the annotating keys: typing
in a filter box never deletes a mention), ``review`` only in the review list,
``curation`` only in the curation panel's queue (its digits accept an annotator's
version there and stay label keys in the article).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["window", "text", "review", "curation"]


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    text: str  # as in the menu, with its & mnemonic
    keys: tuple[str, ...] = ()  # the first is the one menus show
    menu: str | None = None  # File, Edit, Document, View, Annotator; None: keys only
    scope: Scope = "window"
    help: str = ""  # the overlay's line (empty: not listed)
    section: str = "General"  # the overlay's group

    @property
    def plain_text(self) -> str:
        return self.text.replace("&", "").rstrip("…")


ANNOTATING = "Annotating"
CURATING = "Curating (in the curation queue)"
MAX_ANNOTATORS_BY_KEY = 9  # annotators whose version a digit key accepts

ACTIONS: tuple[Action, ...] = (
    # -- File
    Action("new-project", "&New project…", ("Ctrl+N",), "File", help="new project"),
    Action("open-project", "&Open project…", ("Ctrl+O",), "File", help="open a project"),
    Action("open-demo", "Open the &demo project", (), "File"),
    Action("import", "&Import…", ("Ctrl+I",), "File", help="import articles or annotations"),
    Action("export", "&Export…", ("Ctrl+E",), "File", help="export the dataset"),
    Action("quit", "&Quit", ("Ctrl+Q",), "File"),
    # -- Edit
    Action("undo", "&Undo", ("Ctrl+Z",), "Edit", help="undo any edit"),
    Action("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Edit", help="redo"),
    Action("link", "&Link mention…", ("Return", "Enter"), "Edit", "text",
           "link the mention (picker) · accept a suggestion", ANNOTATING),
    Action("link-identical", "Link identical in &document", ("Ctrl+L",), "Edit",
           help="link identical unlinked mentions in the document", section=ANNOTATING),
    Action("link-identical-project", "Link identical in &project", ("Ctrl+Shift+L",), "Edit",
           help="… in the whole project", section=ANNOTATING),
    Action("add-relation", "Add &relation…", ("R",), "Edit", "text",
           "add a relation from the selected mention", ANNOTATING),
    Action("split", "&Split off a new entity", (), "Edit", "text"),
    Action("suggest-relations", "Suggested rela&tions…", ("Ctrl+Shift+R",), "Edit",
           help="the relations suggested in the document: uncheck the wrong ones, Enter",
           section=ANNOTATING),
    Action("find-occurrences", "&Find every occurrence in document", ("Ctrl+G",), "Edit",
           "text", "suggest every other occurrence of the mention's form, to review",
           ANNOTATING),
    Action("find-occurrences-project", "Find every occurrence in pro&ject", ("Ctrl+Shift+G",),
           "Edit", "text", "… in the whole project", ANNOTATING),
    Action("delete", "&Delete mention", ("Delete", "Backspace"), "Edit", "text",
           "delete the mention · reject a suggestion", ANNOTATING),
    # -- keys of the article only
    Action("extend-right", "Extend the selection by a word", ("Shift+Right",), None, "text",
           "extend the selection by a word (Shift+← too)", ANNOTATING),
    Action("extend-left", "Shrink the selection by a word", ("Shift+Left",), None, "text"),
    Action("next", "Next mention", ("Tab",), None, "text", "next mention", ANNOTATING),
    Action("previous", "Previous mention", ("Shift+Backtab", "Backtab"), None, "text",
           "previous mention (Shift+Tab)", ANNOTATING),
    Action("start-left", "Move the start left", ("Alt+Left",), None, "text",
           "move the mention's start by a word (Alt+→ too)", ANNOTATING),
    Action("start-right", "Move the start right", ("Alt+Right",), None, "text"),
    Action("end-left", "Move the end left", ("Alt+Shift+Left",), None, "text",
           "move the mention's end by a word (Alt+Shift+→ too)", ANNOTATING),
    Action("end-right", "Move the end right", ("Alt+Shift+Right",), None, "text"),
    Action("start-left-char", "Move the start left by a character", ("Ctrl+Left",), None,
           "text", "move the start by a character (Ctrl+→ too; Ctrl+Shift+←/→: the end), "
           "for part of a word", ANNOTATING),
    Action("start-right-char", "Move the start right by a character", ("Ctrl+Right",), None,
           "text"),
    Action("end-left-char", "Move the end left by a character", ("Ctrl+Shift+Left",), None,
           "text"),
    Action("end-right-char", "Move the end right by a character", ("Ctrl+Shift+Right",), None,
           "text"),
    Action("clear", "Clear the selection", ("Esc",), None, "text", "clear the selection",
           ANNOTATING),
    # -- Document
    Action("next-document", "&Next document", ("Ctrl+PgDown",), "Document",
           help="next document"),
    Action("previous-document", "&Previous document", ("Ctrl+PgUp",), "Document",
           help="previous document"),
    Action("toggle-done", "Mark &done", ("Ctrl+D",), "Document",
           help="mark the document done (again: in progress)"),
    Action("publication-date", "Set &publication date…", ("Ctrl+Shift+D",), "Document",
           help="set the publication date (relative dates follow)"),
    # -- View
    Action("filter-documents", "&Filter documents", ("Ctrl+F",), "View",
           help="filter the documents"),
    Action("timeline", "&Timeline", ("Ctrl+T",), "View", help="show the timeline"),
    Action("review", "&Review suggestions", ("Ctrl+R",), "View",
           help="the list of suggestions to accept or reject"),
    Action("suggestion-settings", "&Suggestion settings", (), "View"),
    # -- keys of the review list only
    Action("review-accept", "Accept", ("Return", "Enter"), None, "review",
           "in the review list: accept, then the next (Delete rejects; with Ctrl: all)"),
    Action("review-reject", "Reject", ("Delete", "Backspace"), None, "review"),
    Action("review-accept-all", "Accept all", ("Ctrl+Return", "Ctrl+Enter"), None, "review"),
    Action("review-reject-all", "Reject all", ("Ctrl+Delete", "Ctrl+Backspace"), None,
           "review"),
    Action("curation", "&Curation", ("Ctrl+Shift+C",), "View",
           help="curation: the units to adjudicate, side by side (in the gold layer)"),
    Action("agreement", "&Agreement", ("Ctrl+Shift+A",), "View",
           help="agreement: heatmaps and every disagreement"),
    Action("shortcuts", "&Keyboard shortcuts", ("F1", "?"), "View", help="this overview"),
    # -- Annotator
    Action("change-name", "Change your &name…", (), "Annotator"),
    # -- keys of the curation queue only
    *(Action(f"curation-accept-{n}", f"Accept annotator {n}'s version", (str(n),), None,
             "curation", "accept annotator 1, 2 …'s version into gold (1 … 9)" if n == 1 else "",
             CURATING) for n in range(1, MAX_ANNOTATORS_BY_KEY + 1)),
    Action("curation-edit", "Edit in gold", ("E",), None, "curation",
           "edit the unit in the gold layer (the article)", CURATING),
    Action("curation-unresolved", "Mark unresolved…", ("U",), None, "curation",
           "mark the unit unresolved, with a note", CURATING),
    Action("curation-reject", "Reject", ("X", "Delete"), None, "curation",
           "reject the unit (gold keeps no version)", CURATING),
    Action("curation-confirm", "Confirm the document's agreed units", ("C",), None,
           "curation", "confirm every agreed unit of the document (pre-merged)", CURATING),
)

MENUS: tuple[str, ...] = ("File", "Edit", "Document", "View", "Annotator")

BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}


def action(action_id: str) -> Action:
    return BY_ID[action_id]


def reserved_keys() -> dict[str, Action]:
    """The characters that keys of commands type (``R`` types ``r``; ``?`` is ``?``): a
    schema label cannot have one as its key, or it would shadow the command."""
    return {key.lower(): a for a in ACTIONS for key in a.keys
            if "+" not in key and len(key) == 1 and a.scope != "curation"}
