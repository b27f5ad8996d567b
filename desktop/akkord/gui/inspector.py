"""The inspector: the selected mention, its canonical entity and its relations.

Everything shown is editable and saved at once, through the session's undoable commands:
the mention's label and status, its link (change, unlink, split off, link the identical
mentions), the entity's name, aliases and schema attributes, and the relations from
and to the mention.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from akkord.domain.entities import Value
from akkord.gui import plain_text, theme
from akkord.gui.attribute_form import AttributeForm
from akkord.gui.entity_picker import Ranker
from akkord.gui.review_model import origin_text, score_text
from akkord.gui.session import AnnotationSession
from akkord.services.views import EntityView, MentionView


def chip(color: str, text: str, parent: QWidget | None = None) -> QLabel:
    """A label name on its label's colour (plain text: label names come from the schema)."""
    found = plain_text.label(text, parent)
    set_chip(found, color, text)
    return found


def set_chip(target: QLabel, color: str, text: str) -> None:
    plain_text.set_plain(target, text)
    theme.set_style(target, f"background: {color}; color: white; border-radius: 3px; "
                             "padding: 1px 6px; font-weight: 600;")


class RelationDialog(QDialog):
    """Choose a relation type and the other mention, by keyboard: typing filters (the
    focus is in the filter), ↑/↓ choose, Enter adds (the default button)."""

    def __init__(self, session: AnnotationSession, mention: MentionView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add relation")
        self.session, self.mention = session, mention
        self.options: list[tuple[str, int, int]] = []  # (type, head, tail)
        self.list = QListWidget(self)
        self.filter = QLineEdit(self, placeholderText="Filter by type or text…")
        self.filter.textChanged.connect(self._fill)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _i: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(plain_text.label(
            f"Relations of “{session.document.surface(mention.id)}”" if session.document
            else "", self, wrap=True))
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(560, 420)
        self._fill("")
        self.filter.installEventFilter(self)
        self.filter.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """↑, ↓, Page Up and Page Down in the filter move through the list."""
        if watched is self.filter and isinstance(event, QKeyEvent) and \
                event.type() == QEvent.Type.KeyPress and event.key() in (
                    Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            QApplication.sendEvent(self.list, QKeyEvent(event.type(), event.key(),
                                                        event.modifiers()))
            return True
        return super().eventFilter(watched, event)

    def _fill(self, text: str) -> None:
        document = self.session.document
        assert document is not None
        self.list.clear()
        self.options = []
        here = self.mention
        others = sorted(document.mentions.values(), key=lambda m: abs(m.start - here.start))
        for rtype in self.session.schema.relations:
            for other in others:
                if other.id == here.id:
                    continue
                for head, tail in ((here, other), (other, here)):
                    if not rtype.allows(head.label, tail.label):
                        continue
                    words = (f"{document.surface(head.id)}  —{rtype.name}→  "
                             f"{document.surface(tail.id)}")
                    if text.casefold() not in words.casefold():
                        continue
                    item = QListWidgetItem(words)
                    item.setToolTip(plain_text.tooltip(rtype.description))
                    self.list.addItem(item)
                    self.options.append((rtype.name, head.id, tail.id))
        if self.list.count():
            self.list.setCurrentRow(0)

    def choice(self) -> tuple[str, int, int] | None:
        row = self.list.currentRow()
        return self.options[row] if 0 <= row < len(self.options) else None


def provenance_text(mention: MentionView) -> str:
    """Which suggester proposed the mention, its score and its gap to the runner-up."""
    parts = [origin_text(mention.origin)] if mention.origin else []
    if mention.score is not None:
        parts.append(f"score {score_text(mention.score)}")
    if mention.gap is not None:
        parts.append(f"gap {score_text(mention.gap)}")
    return " · ".join(parts)


MIN_CONTENT_WIDTH = 300  # what the form needs: buttons in two columns, rows that wrap


class Inspector(QScrollArea):
    link_requested = Signal(int)  # mention id: open the picker

    def __init__(self, session: AnnotationSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        self.entity: EntityView | None = None
        self._shown: tuple[MentionView, object, tuple[object, ...]] | None = None
        self._names: dict[int, str] = {}  # of the entities the forms' values refer to
        body = QWidget(self)
        self.setWidget(body)
        layout = QVBoxLayout(body)
        self.empty = plain_text.label(
            "Select text and press a label key (1–5), or click a highlight.", body,
            object_name="muted", wrap=True)
        layout.addWidget(self.empty)
        layout.addWidget(self._mention_box(body))
        layout.addWidget(self._entity_box(body))
        layout.addWidget(self._relation_box(body))
        layout.addStretch(1)
        session.selection_changed.connect(self.show_mention)
        self.show_mention(None)

    # -- building ----------
    def _mention_box(self, parent: QWidget) -> QGroupBox:
        self.mention_box = QGroupBox("Mention", parent)
        form = QFormLayout(self.mention_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        header = QHBoxLayout()
        self.chip = chip("#888888", "", self.mention_box)
        self.surface = plain_text.label("", self.mention_box, wrap=True)
        self.surface.setMinimumWidth(60)  # it wraps, rather than widen the dock
        self.surface.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = self.surface.font()
        bold.setBold(True)
        self.surface.setFont(bold)
        self.offsets = plain_text.label("", self.mention_box, object_name="muted")
        header.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.surface, 1)
        header.addWidget(self.offsets, 0, Qt.AlignmentFlag.AlignTop)
        self.label_combo = QComboBox(self.mention_box)
        for label in self.session.schema.labels:
            self.label_combo.addItem(f"{label.name}  ({label.key})", label.name)
        self.label_combo.activated.connect(self._relabel)
        self.status = plain_text.label("", self.mention_box)
        self.provenance = plain_text.label("", self.mention_box, wrap=True)
        self.provenance.setMinimumWidth(60)  # it wraps, rather than widen the dock
        self.accept_button = QPushButton("Accept (Enter)", self.mention_box)
        self.reject_button = QPushButton("Reject (Del)", self.mention_box)
        self.accept_button.clicked.connect(lambda: self._on_mention(self.session.accept))
        self.reject_button.clicked.connect(lambda: self._on_mention(self.session.delete_mention))
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.accept_button)
        status_row.addWidget(self.reject_button)
        self.mention_form = AttributeForm(self._name, self._ranker_for, self.mention_box)
        self.mention_form.changed.connect(self._mention_value)
        form.addRow(header)
        form.addRow("label", self.label_combo)
        form.addRow("status", status_row)
        form.addRow("source", self.provenance)
        self.mention_rows = form
        form.addRow(self.mention_form)
        return self.mention_box

    def _entity_box(self, parent: QWidget) -> QGroupBox:
        self.entity_box = QGroupBox("Entity", parent)
        form = QFormLayout(self.entity_box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.entity_name = QLineEdit(self.entity_box)
        self.entity_name.editingFinished.connect(self._rename)
        self.entity_key = plain_text.label("", self.entity_box, object_name="muted", wrap=True)
        self.aliases = QLineEdit(self.entity_box, placeholderText="other names, comma separated")
        self.aliases.editingFinished.connect(self._set_aliases)
        buttons = QGridLayout()  # two columns: the dock stays narrow enough for a laptop
        self.link_button = QPushButton("Link… (Enter)", self.entity_box)
        self.unlink_button = QPushButton("Unlink", self.entity_box)
        self.split_button = QPushButton("Split off", self.entity_box)
        self.split_button.setToolTip("Give this mention its own new entity")
        buttons.addWidget(self.link_button, 0, 0, 1, 2)
        buttons.addWidget(self.unlink_button, 1, 0)
        buttons.addWidget(self.split_button, 1, 1)
        self.link_button.clicked.connect(self._request_link)
        self.unlink_button.clicked.connect(
            lambda: self._on_mention(lambda m: self.session.link(m, None)))
        self.split_button.clicked.connect(lambda: self._on_mention(self.session.split))
        same = QGridLayout()
        self.same_label = plain_text.label("Link identical mentions:", self.entity_box,
                                           object_name="muted")
        self.same_doc = QPushButton("In document", self.entity_box)
        self.same_project = QPushButton("In project", self.entity_box)
        self.same_doc.setToolTip("Link the identical unlinked mentions of this document "
                                 "(Ctrl+L)")
        self.same_project.setToolTip("Link the identical unlinked mentions of the whole "
                                     "project (Ctrl+Shift+L)")
        self.same_doc.clicked.connect(lambda: self._identical(False))
        self.same_project.clicked.connect(lambda: self._identical(True))
        same.addWidget(self.same_label, 0, 0, 1, 2)
        same.addWidget(self.same_doc, 1, 0)
        same.addWidget(self.same_project, 1, 1)
        self.entity_form = AttributeForm(self._name, self._ranker_for, self.entity_box)
        self.entity_form.changed.connect(self._entity_value)
        self.unlinked = plain_text.label("Not linked yet: press Enter to choose or create the "
                                         "canonical entity.", self.entity_box,
                                         object_name="muted", wrap=True)
        self.entity_rows = form
        form.addRow(self.unlinked)
        form.addRow("name", self.entity_name)
        form.addRow("", self.entity_key)
        form.addRow("aliases", self.aliases)
        form.addRow(buttons)
        form.addRow(same)
        form.addRow(self.entity_form)
        return self.entity_box

    def _relation_box(self, parent: QWidget) -> QGroupBox:
        self.relation_box = QGroupBox("Relations", parent)
        column = QVBoxLayout(self.relation_box)
        self.relations = QListWidget(self.relation_box)
        self.relations.setMaximumHeight(150)
        row = QHBoxLayout()
        add = QPushButton("Add relation… (R)", self.relation_box)
        remove = QPushButton("Remove", self.relation_box)
        add.clicked.connect(self.add_relation)
        remove.clicked.connect(self._remove_relation)
        row.addWidget(add)
        row.addWidget(remove)
        column.addWidget(self.relations)
        column.addLayout(row)
        return self.relation_box

    def content_width(self) -> int:
        """The width the dock needs to show the inspector without a horizontal scroll bar
        (with the vertical one), for the widest mention the schema can show."""
        body = self.widget()
        hint = body.minimumSizeHint().width() if body is not None else 0
        return max(hint, MIN_CONTENT_WIDTH) + self.verticalScrollBar().sizeHint().width() \
            + 2 * self.frameWidth()

    def _request_link(self) -> None:
        if self.session.selected is not None:
            self.link_requested.emit(self.session.selected)

    # -- showing ----------
    def show_mention(self, mention_id: object) -> None:
        """Show the mention ``mention_id`` (None: nothing selected).

        Every child shown while its parents are visible lays out the whole inspector at
        once, up to the window (Qt activates the ancestors' layouts in ``setVisible``): a
        link showed nine rows and buttons, nine layouts. So the part that changes is
        hidden while it changes and shown once at the end (one layout), unless the focus
        is in it, which hiding would move. When only the mention's link changed (a link,
        an unlink), that part is the entity's box: the mention's box is neither laid out
        nor repainted."""
        mention = self._mention(mention_id)
        shown = self._shown
        self._shown = self._snapshot(mention)
        if mention is not None and shown is not None and self._shown is not None \
                and self._shown[1:] == shown[1:] \
                and replace(shown[0], entity_id=mention.entity_id) == mention:
            kind = self.session.schema.label(mention.label).entity
            self._changing(self.entity_box, lambda: self._show_entity(mention, kind))
            return
        body = self.widget()
        if body is not None:
            self._changing(body, lambda: self._show(mention_id))

    def _mention(self, mention_id: object) -> MentionView | None:
        document = self.session.document
        return document.mentions.get(mention_id) if document and isinstance(
            mention_id, int) else None

    def _snapshot(self, mention: MentionView | None
                  ) -> tuple[MentionView, object, tuple[object, ...]] | None:
        """What the inspector shows of a mention besides its link: the mention, the
        schema it is shown under, its relations."""
        document = self.session.document
        if mention is None or document is None:
            return None
        return mention, self.session.schema, tuple(document.relations_of(mention.id))

    @staticmethod
    def _changing(part: QWidget, change: Callable[[], None]) -> None:
        """Run ``change`` with ``part`` hidden, so that it is laid out once."""
        focus = QApplication.focusWidget()
        if not part.isVisible() or (focus is not None and part.isAncestorOf(focus)):
            change()
            return
        part.hide()
        try:
            change()
        finally:
            part.show()

    def _show(self, mention_id: object) -> None:
        document = self.session.document
        mention = document.mentions.get(mention_id) if document and isinstance(
            mention_id, int) else None
        self.empty.setVisible(mention is None)
        for box in (self.mention_box, self.entity_box, self.relation_box):
            box.setVisible(mention is not None)
        if mention is None or document is None:
            self.entity = None
            return
        label = self.session.schema.label(mention.label)
        set_chip(self.chip, label.color, label.name)
        self.surface.setText(f"“{document.surface(mention.id)}”")
        self.offsets.setText(f"{mention.start}–{mention.end}")
        self.label_combo.setCurrentIndex(self.label_combo.findData(mention.label))
        self.status.setText(mention.status)
        self.provenance.setText(provenance_text(mention))
        self.mention_rows.setRowVisible(self.provenance, bool(mention.origin))
        suggested = mention.status in ("suggested", "rejected")
        self.accept_button.setVisible(suggested)
        self.reject_button.setVisible(mention.status == "suggested")
        self.mention_form.build(label.attributes)
        self._set_values(self.mention_form, mention.values)
        self.mention_form.setVisible(bool(label.attributes))
        self.entity_box.setVisible(label.entity is not None)
        self._show_entity(mention, label.entity)
        self._show_relations(mention)

    def _show_entity(self, mention: MentionView, kind: str | None) -> None:
        """The entity's box, shown by the caller when the mention's label links."""
        if kind is None:
            self.entity = None
            return
        spec = self.session.schema.kind(kind)
        self.entity_box.setTitle(spec.display)
        self.entity = self.session.entity(mention.entity_id) if mention.entity_id else None
        linked = self.entity is not None
        self.unlinked.setVisible(not linked)
        for row in (self.entity_name, self.entity_key, self.aliases, self.entity_form):
            self.entity_rows.setRowVisible(row, linked)  # the row's label too
        for button in (self.unlink_button, self.split_button, self.same_doc, self.same_project,
                       self.same_label):
            button.setVisible(linked)
        self.link_button.setText("Change link… (Enter)" if linked else "Link… (Enter)")
        if self.entity is not None:
            self.entity_name.setText(self.entity.name)
            self.entity_name.setCursorPosition(0)
            self.entity_key.setText(f"{self.entity.key} · {self.entity.mentions} mention(s) in "
                                    f"{self.entity.documents} document(s)")
            self.aliases.setText(", ".join(self.entity.aliases))
            self.aliases.setCursorPosition(0)
            self.entity_form.build(spec.attributes)
            self._set_values(self.entity_form, self.entity.values)

    def _show_relations(self, mention: MentionView) -> None:
        document = self.session.document
        assert document is not None
        self.relations.clear()
        for relation in document.relations_of(mention.id):
            head, tail = document.surface(relation.head), document.surface(relation.tail)
            item = QListWidgetItem(f"{head}  —{relation.type}→  {tail}")
            item.setData(Qt.ItemDataRole.UserRole, relation.id)
            self.relations.addItem(item)

    # -- resolving names and candidates for the forms ----------
    def _set_values(self, form: AttributeForm, values: dict[str, tuple[Value, ...]]) -> None:
        """Show ``values`` in ``form``, the names of the entities they refer to read
        first, all at once."""
        self._names = self.session.entity_names(
            value.ref for found in values.values() for value in found if value.ref)
        form.set_values(values)

    def _name(self, entity_id: int) -> str:
        if entity_id in self._names:
            return self._names[entity_id]
        entity = self.session.entity(entity_id)
        return entity.name if entity else f"#{entity_id}"

    def _ranker_for(self, kind: str) -> Ranker:
        return self.session.ranker(kind)

    # -- edits ----------
    def _on_mention(self, action: object) -> None:
        if self.session.selected is not None:
            action(self.session.selected)  # type: ignore[operator]

    def _relabel(self, index: int) -> None:
        label = self.label_combo.itemData(index)
        self._on_mention(lambda m: self.session.relabel(m, label))

    def _mention_value(self, attribute: str, values: tuple[Value, ...]) -> None:
        self._on_mention(lambda m: self.session.set_mention_values(m, attribute, values))

    def _rename(self) -> None:
        if self.entity is not None:
            self.session.rename_entity(self.entity, self.entity_name.text())

    def _set_aliases(self) -> None:
        if self.entity is not None:
            aliases = [a.strip() for a in self.aliases.text().split(",") if a.strip()]
            self.session.set_aliases(self.entity, aliases)

    def _entity_value(self, attribute: str, values: tuple[Value, ...]) -> None:
        if self.entity is not None:
            self.session.set_attribute(self.entity, attribute, values)

    def _identical(self, project_wide: bool) -> None:
        if self.session.selected is not None:
            self.session.link_identical(self.session.selected, project_wide=project_wide)

    def add_relation(self) -> None:
        mention = self.session.selected_mention()
        if mention is None:
            return
        dialog = RelationDialog(self.session, mention, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and (choice := dialog.choice()):
            self.session.add_relation(*choice)

    def _remove_relation(self) -> None:
        item = self.relations.currentItem()
        if item is not None:
            self.session.delete_relation(int(item.data(Qt.ItemDataRole.UserRole)))
