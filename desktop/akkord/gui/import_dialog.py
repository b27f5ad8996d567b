"""File → Import: files or a folder, their format, the layer, label mapping and adding.

Runs :func:`akkord.services.importing.import_paths` (the same service as ``akkord
import``) with a cancellable progress dialog; a cancelled import changes nothing.
:func:`import_with_dialog` is the entry point for the main window's menu: it returns
the report (``None`` when nothing was imported) after showing what was rejected.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from akkord.domain.statuses import GOLD
from akkord.errors import AkkordError
from akkord.formats.registry import READERS
from akkord.gui import plain_text
from akkord.gui.progress import QtProgress
from akkord.services.importing import ImportOptions, ImportReport, import_paths
from akkord.services.progress import Cancelled
from akkord.services.projects import Project, annotator_names

PATH_SEPARATOR = ";"


def parse_map(text: str) -> dict[str, str]:
    """``"PER=ACTOR, GPE_LOC=PLACE"`` → a label map; raises ValueError naming a bad item."""
    mapping = {}
    for item in text.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        source, sep, target = item.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise ValueError(f"{item!r} is not FROM=TO")
        mapping[source.strip()] = target.strip()
    return mapping


class ImportDialog(QDialog):
    """The import form; after ``accept`` the import has run (see :attr:`report`).

    ``layer`` is the layer the import goes into unless the user picks another: the
    annotator's own (the window passes it), so that a newcomer's first import, and the
    time suggestions it brings, never land in the curated ``gold`` layer. Without it
    (a project opened by a script), ``gold``, as ``akkord import`` does.
    """

    def __init__(self, project: Project, parent: QWidget | None = None,
                 layer: str | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.report: ImportReport | None = None
        self.cancelled = False
        self.progress_factory = QtProgress
        self.setWindowTitle("Import")
        self.paths = QLineEdit(self)
        self.paths.setPlaceholderText("files or a folder (several separated by ;)")
        files = QPushButton("Files…", self)
        files.clicked.connect(self.choose_files)
        folder = QPushButton("Folder…", self)
        folder.clicked.connect(self.choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.paths)
        row.addWidget(files)
        row.addWidget(folder)
        self.format = QComboBox(self)
        self.format.addItem("by file suffix", None)
        for reader in READERS.values():
            self.format.addItem(f"{reader.name} — {reader.description}", reader.name)
        self.annotator = QComboBox(self)
        self.annotator.setEditable(True)
        names = annotator_names(project)
        self.annotator.addItems(sorted({GOLD, *names, *([layer] if layer else [])}))
        self.annotator.setCurrentText(layer or GOLD)
        self.label_map = QLineEdit(self)
        self.label_map.setPlaceholderText("e.g. PER=ACTOR, GPE_LOC=PLACE")
        self.add_labels = QCheckBox("Add labels the schema lacks", self)
        self.all_or_nothing = QCheckBox("Import nothing if any file is rejected", self)
        self.message = plain_text.label("", self, wrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = buttons.addButton("Import",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Import", row)
        form.addRow("Format", self.format)
        form.addRow("Into the layer of", self.annotator)
        form.addRow("Rename labels", self.label_map)
        form.addRow("", self.add_labels)
        form.addRow("", self.all_or_nothing)
        form.addRow(self.message)
        form.addRow(buttons)

    def choose_format(self, name: str | None) -> None:
        self.format.setCurrentIndex(self.format.findData(name))

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Files to import")
        if chosen:
            self.paths.setText(PATH_SEPARATOR.join(chosen))

    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder to import")
        if chosen:
            self.paths.setText(chosen)

    def run(self) -> None:
        """Run the import; close when it ran, stay open (with the reason) otherwise."""
        paths = [Path(p.strip()).expanduser()
                 for p in self.paths.text().split(PATH_SEPARATOR) if p.strip()]
        if not paths:
            self.message.setText("Choose the files or the folder to import.")
            return
        try:
            mapping = parse_map(self.label_map.text())
        except ValueError as exc:
            self.message.setText(f"Rename labels: {exc}")
            return
        options = ImportOptions(annotator=self.annotator.currentText().strip() or GOLD,
                                all_or_nothing=self.all_or_nothing.isChecked(),
                                format=self.format.currentData(), label_map=mapping,
                                add_labels=self.add_labels.isChecked())
        progress = self.progress_factory(self, "Importing")
        self.import_button.setEnabled(False)
        try:
            self.report = import_paths(self.project, paths, options, progress)
        except Cancelled:
            self.cancelled = True
            self.message.setText("The import was cancelled; nothing was changed.")
            return
        except AkkordError as exc:
            self.message.setText(str(exc))
            return
        finally:
            progress.finish()
            self.import_button.setEnabled(True)
        self.accept()


def summary(report: ImportReport) -> str:
    if report.rolled_back:
        return (f"Nothing was imported: {len(report.rejected)} of {len(report.files)} file(s) "
                "were rejected.")
    text = (f"Imported {report.total('documents')} new document(s) "
            f"({report.total('existing')} already present), {report.total('mentions')} "
            f"mention(s) and {report.total('relations')} relation(s)")
    suggestions = report.total("suggestions")
    text += (f", and {suggestions} suggestion(s) to review (time expressions: pale "
             "highlights; Enter accepts, Delete rejects)." if suggestions else ".")
    if report.labels_added:
        text += f" Added to the schema: {', '.join(report.labels_added)}."
    if report.rejected:
        text += f" {len(report.rejected)} file(s) were rejected; see the details."
    return text


def import_with_dialog(parent: QWidget, project: Project, layer: str | None = None
                       ) -> ImportReport | None:
    """File → Import: the dialog (into ``layer`` by default), then the report with every
    rejected record listed."""
    dialog = ImportDialog(project, parent, layer)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.report is None:
        return None
    report = dialog.report
    icon = QMessageBox.Icon.Warning if report.rejected else QMessageBox.Icon.Information
    box = plain_text.message_box(icon, "Import", summary(report), parent=parent)
    details = [*(f"Note: {n}" for n in report.notes), *(str(p) for p in report.problems)]
    if details:
        box.setDetailedText("\n".join(details))
    box.exec()
    return report
