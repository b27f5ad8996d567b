"""File → Export: choose a format, where to write, which layers, labels and documents.

The dialog runs :func:`akkord.services.exporting.export` (the same service as
``akkord export``) with a :class:`~akkord.gui.progress.QtProgress`: a progress dialog
whose Cancel stops the export and leaves nothing behind. :func:`export_with_dialog` is
the entry point for the main window's menu.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QWidget,
)

from akkord.errors import AkkordError
from akkord.formats.registry import WRITERS
from akkord.gui import plain_text
from akkord.gui.progress import QtProgress
from akkord.services.exporting import ExportOptions, ExportReport, export
from akkord.services.progress import Cancelled
from akkord.services.projects import Project, annotator_names


def checkable_list(names: list[str], parent: QWidget) -> QListWidget:
    """A list of names with check boxes; none checked means all."""
    widget = QListWidget(parent)
    for name in names:
        item = QListWidgetItem(name, widget)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
    widget.setMaximumHeight(110)
    return widget


def checked(widget: QListWidget) -> list[str] | None:
    names = [widget.item(i).text() for i in range(widget.count())
             if widget.item(i).checkState() == Qt.CheckState.Checked]
    return names or None


def set_checked(widget: QListWidget, names: list[str]) -> None:
    for i in range(widget.count()):
        item = widget.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in names
                           else Qt.CheckState.Unchecked)


class ExportDialog(QDialog):
    """The export form; after ``accept`` the export has run (see :attr:`report`)."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.report: ExportReport | None = None
        self.cancelled = False
        self.error: str | None = None
        self.progress_factory = QtProgress
        self.setWindowTitle("Export")
        self.format = QComboBox(self)
        for exporter in WRITERS.values():
            self.format.addItem(f"{exporter.name} — {exporter.description}", exporter.name)
        self.path = QLineEdit(self)
        choose = QPushButton("Choose…", self)
        choose.clicked.connect(self.choose_path)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(choose)
        names = annotator_names(project)
        self.layers = checkable_list(names, self)
        self.labels = checkable_list(list(project.schema.label_names), self)
        self.done_only = QCheckBox("Only documents marked done", self)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(ExportOptions().seed)
        self.message = plain_text.label("", self, wrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton("Export",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Write to", row)
        form.addRow("Layers (none: all)", self.layers)
        form.addRow("Labels (none: all)", self.labels)
        form.addRow("", self.done_only)
        form.addRow("Split seed (hf)", self.seed)
        form.addRow(self.message)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self.format_changed)
        self.format_changed()

    @property
    def chosen_format(self) -> str:
        return str(self.format.currentData())

    def choose_format(self, name: str) -> None:
        self.format.setCurrentIndex(self.format.findData(name))

    def format_changed(self) -> None:
        exporter = WRITERS[self.chosen_format]
        self.seed.setEnabled(exporter.name == "hf")
        kind = "a folder to create" if exporter.output == "folder" else f"a {exporter.suffix} file"
        self.path.setPlaceholderText(f"{kind}, e.g. {self.suggested_path()}")

    def suggested_path(self) -> str:
        exporter = WRITERS[self.chosen_format]
        base = self.project.path.parent if self.project.path else Path.home()
        return str(base / f"{self.project.name}-{exporter.name}{exporter.suffix}")

    def choose_path(self) -> None:
        exporter = WRITERS[self.chosen_format]
        caption = ("Folder to create for the export" if exporter.output == "folder"
                   else "File to write")
        filter_ = f"{exporter.name} (*{exporter.suffix})" if exporter.suffix else ""
        path, _ = QFileDialog.getSaveFileName(self, caption, self.suggested_path(), filter_)
        if path:
            self.path.setText(path)

    def options(self) -> ExportOptions:
        return ExportOptions(annotators=checked(self.layers), labels=checked(self.labels),
                             done_only=self.done_only.isChecked(), seed=self.seed.value())

    def run(self) -> None:
        """Run the export; close on success, stay open (with the reason) otherwise."""
        text = self.path.text().strip()
        if not text:
            self.show_message("Choose where to write the export.")
            return
        progress = self.progress_factory(self, "Exporting")
        self.export_button.setEnabled(False)
        try:
            self.report = export(self.project, self.chosen_format, Path(text).expanduser(),
                                 self.options(), progress)
        except Cancelled:
            self.cancelled = True
            self.show_message("The export was cancelled; nothing was written.")
            return
        except (AkkordError, OSError) as exc:
            self.error = str(exc)
            self.show_message(f"The export failed: {exc}")
            return
        finally:
            progress.finish()
            self.export_button.setEnabled(True)
        self.accept()

    def show_message(self, text: str) -> None:
        self.message.setText(text)


def report_text(report: ExportReport) -> str:
    return f"Exported {report.documents} document(s) as {report.format} to {report.path}."


def export_with_dialog(parent: QWidget, project: Project) -> None:
    """File → Export: the dialog, then a summary with what the format could not hold."""
    dialog = ExportDialog(project, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.report is None:
        return
    box = plain_text.message_box(QMessageBox.Icon.Information, "Export",
                                 report_text(dialog.report), parent=parent)
    if dialog.report.notes:
        box.setInformativeText("Some annotations could not be written as they are in this "
                               "format; see the details.")
        box.setDetailedText("\n".join(dialog.report.notes))
    box.exec()
