"""File → Export and File → Import dialogs, driven offscreen like a user would."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from akkord.formats.records import DocumentRecord, SpanRecord
from akkord.gui.export_dialog import ExportDialog, export_with_dialog, set_checked
from akkord.gui.import_dialog import ImportDialog, import_with_dialog, parse_map
from akkord.gui.progress import QtProgress
from akkord.store import Project, open_project
from tests.formats.corpora import article_project, load


@pytest.fixture
def article(tmp_path: Path) -> Iterator[Project]:
    project = article_project(tmp_path)
    yield project
    project.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with 400 documents: long enough to cancel in the middle."""
    tmp = tmp_path_factory.mktemp("big")
    docs = [DocumentRecord(f"Artikkel {n}: Nato møtte Russland i Genève 😀.", f"a{n}",
                           spans=[SpanRecord(13, 17, "ACTOR", "t1", "gold")])
            for n in range(400)]
    with open_project(tmp / "big.akkord", create=True) as project:
        load(project, tmp, [], docs)
    return tmp / "big.akkord"


def _click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_export_dialog_writes_the_chosen_selection(qtbot: QtBot, article: Project,
                                                   tmp_path: Path) -> None:
    dialog = ExportDialog(article)
    qtbot.addWidget(dialog)
    dialog.choose_format("tables")
    assert not dialog.seed.isEnabled() and "folder" in dialog.path.placeholderText()
    dialog.path.setText(str(tmp_path / "tables"))
    set_checked(dialog.labels, ["ACTOR"])
    set_checked(dialog.layers, ["gold"])
    dialog.done_only.setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        _click(qtbot, dialog.export_button)
    assert dialog.report is not None and dialog.report.documents == 1
    mentions = (tmp_path / "tables" / "mentions.csv").read_text("utf-8-sig")
    assert "Jens Stoltenberg" in mentions and "MEETING" not in mentions
    assert not (tmp_path / "tables" / "meetings.csv").exists()


def test_export_dialog_says_why_it_cannot_export(qtbot: QtBot, article: Project,
                                                 tmp_path: Path) -> None:
    dialog = ExportDialog(article)
    qtbot.addWidget(dialog)
    _click(qtbot, dialog.export_button)
    assert "Choose where" in dialog.message.text() and dialog.report is None
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("x", encoding="utf-8")
    dialog.choose_format("brat")
    dialog.path.setText(str(tmp_path / "mine"))
    _click(qtbot, dialog.export_button)
    assert "holds other files" in dialog.message.text() and dialog.report is None
    assert dialog.export_button.isEnabled()


class CancelHalfway(QtProgress):
    """Clicks the progress dialog's Cancel button when half the documents are done."""

    bot: QtBot

    def advance(self, steps: int = 1) -> None:
        super().advance(steps)
        if self.value == self.dialog.maximum() // 2:
            button = self.dialog.findChild(QPushButton)
            assert button is not None and button.text() == "Cancel"
            self.bot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize("fmt", ["doccano", "brat"])
def test_cancelling_a_long_export_leaves_no_file(qtbot: QtBot, big: Path, tmp_path: Path,
                                                 fmt: str) -> None:
    with open_project(big) as project:
        dialog = ExportDialog(project)
        qtbot.addWidget(dialog)
        CancelHalfway.bot = qtbot
        dialog.progress_factory = CancelHalfway
        dialog.choose_format(fmt)
        dialog.path.setText(str(tmp_path / "out" / "export"))
        (tmp_path / "out").mkdir()
        _click(qtbot, dialog.export_button)
    assert dialog.cancelled and dialog.report is None
    assert "cancelled" in dialog.message.text()
    assert dialog.result() != QDialog.DialogCode.Accepted  # the form stays for another try
    assert list((tmp_path / "out").iterdir()) == []


def test_progress_shows_the_work(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    progress = QtProgress(parent, "Exporting")
    progress.start(10, "Exporting doccano")
    qtbot.waitUntil(progress.dialog.isVisible)
    for _ in range(10):
        progress.advance()
    progress._refresh(force=True)
    assert progress.dialog.value() == 10 and progress.dialog.labelText() == "Exporting doccano"
    assert not progress.cancelled()
    progress.dialog.cancel()
    assert progress.cancelled()
    progress.finish()
    assert not progress.dialog.isVisible()


def test_import_dialog_maps_adds_and_fills_a_layer(qtbot: QtBot, sqlite_project: Project,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Putin møtte Biden i Genève.",
                                "label": [[0, 5, "PER"], [12, 17, "PER"], [20, 26, "GPE"]]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    dialog = ImportDialog(sqlite_project)
    qtbot.addWidget(dialog)
    dialog.paths.setText(str(path))
    dialog.choose_format("doccano")
    dialog.annotator.setCurrentText("kari")
    dialog.label_map.setText("PER=ACTOR")
    dialog.add_labels.setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        _click(qtbot, dialog.import_button)
    report = dialog.report
    assert report is not None and not report.problems
    assert report.total("mentions") == 3 and report.labels_added == ["GPE"]
    assert "GPE" in sqlite_project.schema.label_names


def test_import_dialog_rejects_bad_input_in_place(qtbot: QtBot, sqlite_project: Project,
                                                  tmp_path: Path) -> None:
    dialog = ImportDialog(sqlite_project)
    qtbot.addWidget(dialog)
    _click(qtbot, dialog.import_button)
    assert "Choose the files" in dialog.message.text()
    dialog.paths.setText(str(tmp_path / "missing.jsonl"))
    dialog.label_map.setText("PER")
    _click(qtbot, dialog.import_button)
    assert "'PER' is not FROM=TO" in dialog.message.text()
    dialog.label_map.setText("")
    _click(qtbot, dialog.import_button)
    assert "no such file" in dialog.message.text() and dialog.report is None
    assert parse_map("PER=ACTOR; GPE_LOC = PLACE,") == {"PER": "ACTOR", "GPE_LOC": "PLACE"}


def _when_modal(action: Callable[[QWidget], None], errors: list[BaseException]) -> None:
    """Run ``action`` on the modal dialog once it is open; reject it if the action fails."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, act)
            return
        try:
            action(dialog)
        except BaseException as exc:  # reported by the test, not lost in the event loop
            errors.append(exc)
            dialog.close()

    QTimer.singleShot(0, act)


def test_menu_entry_points(qtbot: QtBot, article: Project, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec",
                        lambda box: shown.append((box.text(), box.detailedText())) or 0)
    errors: list[BaseException] = []

    def export_conll(dialog: QWidget) -> None:
        assert isinstance(dialog, ExportDialog)
        dialog.choose_format("conll")
        dialog.path.setText(str(tmp_path / "a.conll"))
        dialog.export_button.click()

    _when_modal(export_conll, errors)
    export_with_dialog(parent, article)
    assert not errors, errors
    assert (tmp_path / "a.conll").exists()
    assert "Exported 2 document(s) as conll" in shown[0][0]
    assert "overlapping mentions left out" in shown[0][1]

    def import_brat(dialog: QWidget) -> None:
        assert isinstance(dialog, ImportDialog)
        dialog.paths.setText(str(tmp_path / "bad.conll"))
        dialog.import_button.click()

    (tmp_path / "bad.conll").write_text("Putin B-PER\n", encoding="utf-8")
    _when_modal(import_brat, errors)
    report = import_with_dialog(parent, article)
    assert not errors, errors
    assert report is not None and report.rejected
    assert "1 file(s) were rejected" in shown[1][0] and "label 'PER'" in shown[1][1]
