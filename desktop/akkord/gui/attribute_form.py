"""A form built from the schema: one field per attribute, edits saved at once.

text → line edit (checked against its pattern), enum → combo box, bool → check box,
number → line edit, date → a partial-date field (``2022-01-12``, ``2022-W04``,
``2022-01``, ``2019-SU``, ``2022-01-09/2022-01-10``, or as written: ``12.01.2022``,
``12. januar 2022``) that shows what it understood,
entity reference → a searchable picker (a list of them, each with a role, for ``many``).
Every field emits the attribute's complete new value list; the owner turns it into an
undoable command.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from akkord.domain.dates import PartialDate, PartialDateError
from akkord.domain.entities import Value
from akkord.domain.schema import Attribute
from akkord.gui import plain_text, theme
from akkord.gui.entity_picker import EntityPicker, Ranker

ERROR = "#d64545"
Names = Callable[[int], str]
RankerFor = Callable[[str], Ranker]  # entity kind → ranker


def describe(date: PartialDate) -> str:
    """``9–10 Jan 2022 · day`` — what a date value means, in words."""
    if date.earliest == date.latest:
        span = date.earliest.strftime("%-d %b %Y")
    elif date.earliest.year == date.latest.year:
        span = f"{date.earliest.strftime('%-d %b')} – {date.latest.strftime('%-d %b %Y')}"
    else:
        span = f"{date.earliest.strftime('%-d %b %Y')} – {date.latest.strftime('%-d %b %Y')}"
    return f"{span} · {date.precision.value}"


class _Field(QWidget):
    changed = Signal(str, object)  # attribute name, tuple[Value, ...]

    def __init__(self, spec: Attribute, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.values: tuple[Value, ...] = ()
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def set_values(self, values: tuple[Value, ...]) -> None:
        self.values = values

    def publish(self, values: Sequence[Value]) -> None:
        if tuple(values) != self.values:
            self.changed.emit(self.spec.name, tuple(values))


class TextField(_Field):
    """A line edit; a value the attribute refuses (its ``pattern``) is not saved, and the
    reason is written under the field, not only hinted at by a red frame."""

    def __init__(self, spec: Attribute, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        column = QVBoxLayout()
        column.setSpacing(1)
        self.edit = QLineEdit(self)
        if spec.type == "number":
            self.edit.setValidator(QDoubleValidator(self.edit))
        self.edit.setPlaceholderText(spec.description or spec.pattern or "")
        self.edit.editingFinished.connect(self._finished)
        self.problem = plain_text.label("", self, object_name="error", wrap=True)
        self.problem.hide()
        column.addWidget(self.edit)
        column.addWidget(self.problem)
        self.layout_.addLayout(column)

    def set_values(self, values: tuple[Value, ...]) -> None:
        super().set_values(values)
        shown = values[0].plain() if values else ""
        self.edit.setText("" if shown is None else str(shown))
        self._show_problem(None)

    def _show_problem(self, problem: str | None) -> None:
        theme.set_style(self.edit, f"border-color: {ERROR};" if problem else "")
        self.edit.setToolTip(plain_text.tooltip(problem or ""))
        self.problem.setText(f"Not saved: {problem}" if problem else "")
        self.problem.setVisible(bool(problem))

    def _finished(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self._show_problem(None)
            self.publish([])
            return
        if self.spec.type == "number":
            self.publish([Value(number=float(text.replace(",", ".")))])
            return
        problem = self.spec.check(text)
        self._show_problem(problem)
        if problem is None:
            self.publish([Value(text=text)])


class EnumField(_Field):
    def __init__(self, spec: Attribute, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox(self)
        self.combo.addItem("—", None)
        for value in spec.values:
            self.combo.addItem(value, value)
        self.combo.activated.connect(self._activated)
        self.layout_.addWidget(self.combo)

    def set_values(self, values: tuple[Value, ...]) -> None:
        super().set_values(values)
        index = self.combo.findData(values[0].text if values else None)
        self.combo.setCurrentIndex(max(index, 0))

    def _activated(self, index: int) -> None:
        value = self.combo.itemData(index)
        self.publish([Value(text=value)] if value else [])


class BoolField(_Field):
    def __init__(self, spec: Attribute, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.box = QCheckBox(self)
        self.box.clicked.connect(lambda checked: self.publish([Value(flag=bool(checked))]))
        self.layout_.addWidget(self.box)

    def set_values(self, values: tuple[Value, ...]) -> None:
        super().set_values(values)
        self.box.setChecked(bool(values and values[0].flag))


class DateField(_Field):
    def __init__(self, spec: Attribute, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        column = QVBoxLayout()
        column.setSpacing(1)
        self.edit = QLineEdit(self, placeholderText="2022-01-12 · 2022-W04 · 2022-01 · 2019-SU")
        self.meaning = plain_text.label("", self, object_name="muted", wrap=True)
        column.addWidget(self.edit)
        column.addWidget(self.meaning)
        self.layout_.addLayout(column)
        self.edit.textEdited.connect(self._preview)
        self.edit.editingFinished.connect(self._finished)

    def set_values(self, values: tuple[Value, ...]) -> None:
        super().set_values(values)
        date = values[0].date if values else None
        self.edit.setText(date.value if date else "")
        theme.set_style(self.edit, "")
        evidence = " · from the text" if values and values[0].evidence else ""
        self.meaning.setText(describe(date) + evidence if date else "")

    def _parse(self) -> PartialDate | str | None:
        text = self.edit.text().strip()
        if not text:
            return None
        try:
            return PartialDate.read(text)  # 2022-01-12, 12.01.2022, 12. januar 2022 …
        except PartialDateError as exc:
            return str(exc)

    def _preview(self, _text: str) -> None:
        parsed = self._parse()
        self.meaning.setText(parsed if isinstance(parsed, str) else
                             describe(parsed) if parsed else "")
        theme.set_style(self.edit, f"border-color: {ERROR};" if isinstance(parsed, str)
                        else "")

    def _finished(self) -> None:
        parsed = self._parse()
        if isinstance(parsed, str):
            return
        if parsed is None:
            self.publish([])
        elif not self.values or self.values[0].date != parsed:
            self.publish([Value(date=parsed)])


class RefField(_Field):
    """One or (``many``) several references, each with an optional role."""

    def __init__(self, spec: Attribute, names: Names, ranker_for: RankerFor,
                 parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.names, self.ranker_for = names, ranker_for
        self.rows = QVBoxLayout()
        self.rows.setSpacing(2)
        self.layout_.addLayout(self.rows)
        self.picker = EntityPicker(self)
        self.picker.chosen.connect(self._picked)
        self._names: tuple[str, ...] | None = None  # shown in the rows, None: no rows yet
        self._roles: list[QComboBox] = []  # the rows' role boxes, in order

    def set_values(self, values: tuple[Value, ...]) -> None:
        """Rows for ``values``, built again only when they or the names they show
        changed: a row is widgets with a style sheet to polish, and showing a mention or
        an entity sets every field (a link did it on each Enter). Kept rows show the
        stored roles again (a role the user picked and an edit refused goes back)."""
        names = tuple(self.names(value.ref) if value.ref else "?" for value in values)
        if values == self.values and names == self._names:
            for box, value in zip(self._roles, values, strict=False):  # none without roles
                box.setCurrentIndex(max(box.findData(value.role), 0))
            return
        super().set_values(values)
        self._names = names
        self._roles = []
        while self.rows.count():
            item = self.rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for index, (value, name) in enumerate(zip(values, names, strict=True)):
            self.rows.addWidget(self._row(index, value, name))
        if self.spec.many or not values:
            add = QPushButton(f"Add {self.spec.kind}…" if self.spec.many else "Choose…", self)
            add.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            add.clicked.connect(self._pick)
            self.rows.addWidget(add)

    def _row(self, index: int, value: Value, shown: str) -> QWidget:
        row = QWidget(self)
        # Never squeezed below its height: a short dock scrolls the inspector instead.
        row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        name = QPushButton(shown, row)
        name.setFlat(True)
        name.setStyleSheet("text-align: left; font-weight: 600;")
        name.setToolTip(plain_text.tooltip(shown))
        # A long name is cut rather than widening the inspector beyond its dock.
        name.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        name.setMinimumWidth(48)
        name.clicked.connect(self._pick if not self.spec.many else lambda: None)
        line.addWidget(name, 1)
        if self.spec.roles:
            role = QComboBox(row)
            role.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            role.setMinimumContentsLength(8)
            role.addItem("—", None)
            for option in self.spec.roles:
                role.addItem(option, option)
            role.setCurrentIndex(max(role.findData(value.role), 0))
            role.activated.connect(
                lambda i, idx=index, box=role: self._set_role(idx, box.itemData(i)))
            line.addWidget(role)
            self._roles.append(role)
        remove = QPushButton("×", row)
        remove.setFixedWidth(26)
        remove.setToolTip("Remove")
        remove.clicked.connect(lambda _=False, idx=index: self._remove(idx))
        line.addWidget(remove)
        if value.evidence:
            row.setToolTip("Stated in the text (evidence kept)")
        return row

    def _pick(self) -> None:
        assert self.spec.kind is not None
        ranker = self.ranker_for(self.spec.kind)
        self.picker.open(self.spec.kind, self.spec.kind, "", ranker,
                         self.mapToGlobal(self.rect().bottomLeft()))

    def _picked(self, entity_id: int) -> None:
        role = "participant" if "participant" in self.spec.roles else None
        new = Value(ref=entity_id, role=role)
        if self.spec.many:
            if any(v.ref == entity_id for v in self.values):
                return
            self.publish([*self.values, new])
        else:
            self.publish([new])

    def _remove(self, index: int) -> None:
        self.publish([v for i, v in enumerate(self.values) if i != index])

    def _set_role(self, index: int, role: str | None) -> None:
        values = list(self.values)
        old = values[index]
        values[index] = Value(ref=old.ref, role=role, preferred=old.preferred,
                              evidence=old.evidence)
        self.publish(values)


class AttributeForm(QWidget):
    """Fields for a list of attributes; ``changed(attribute, values)`` on every edit."""

    changed = Signal(str, object)

    def __init__(self, names: Names, ranker_for: RankerFor, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.names, self.ranker_for = names, ranker_for
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fields: dict[str, _Field] = {}
        self._specs: tuple[Attribute, ...] = ()

    def build(self, specs: tuple[Attribute, ...]) -> None:
        if specs == self._specs:
            return
        self._specs = specs
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        for spec in specs:
            field = self._field(spec)
            field.changed.connect(self.changed)
            field.setToolTip(plain_text.tooltip(spec.description))
            self.fields[spec.name] = field
            self.form.addRow(plain_text.label(spec.name.replace("_", " "), self), field)

    def _field(self, spec: Attribute) -> _Field:
        if spec.type == "enum":
            return EnumField(spec, self)
        if spec.type == "bool":
            return BoolField(spec, self)
        if spec.type == "date":
            return DateField(spec, self)
        if spec.type == "ref":
            return RefField(spec, self.names, self.ranker_for, self)
        return TextField(spec, self)

    def set_values(self, values: dict[str, tuple[Value, ...]]) -> None:
        for name, field in self.fields.items():
            field.set_values(values.get(name, ()))
