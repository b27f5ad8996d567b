"""The document list at size: rows read a page at a time, fixed columns, one-row updates,
filters, and the window keeping the open document's row up to date."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from akkord.gui.document_list import PAGE, DocumentList
from akkord.gui.main_window import MainWindow
from akkord.services.documents import DocumentCatalog, DocumentSummary
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import Project, open_project

N = 1_500


@pytest.fixture(scope="module")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    source = folder / "docs.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(N):
            title = f"Ørsta {i}" if i % 100 == 7 else f"Sak {i}"
            handle.write(json.dumps({
                "text": f"Nato og Russland møtes igjen, sak nummer {i}.",
                "meta": {"title": title, "date": f"2022-01-{1 + i % 28:02d}"},
                "spans": [{"id": "T1", "start": 0, "end": 4, "label": "ACTOR"}]}) + "\n")
    path = folder / "big.akkord"
    with open_project(path, create=True) as project:
        assert not import_paths(project, [source], ImportOptions(suggest_times=False)).problems
    return path


class CountingCatalog(DocumentCatalog):
    def __init__(self, project: Project) -> None:
        super().__init__(project, "gold")
        self.asked: list[int] = []

    def rows(self, ids: Sequence[int]) -> list[DocumentSummary]:
        self.asked.extend(ids)
        return super().rows(ids)


def _shown_list(qtbot: QtBot, project: Project) -> tuple[DocumentList, CountingCatalog]:
    catalog = CountingCatalog(project)
    widget = DocumentList()
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    widget.set_source(catalog.ids, catalog.rows)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: bool(catalog.asked))  # painted: the first rows were read
    return widget, catalog


def test_only_shown_rows_are_read(qtbot: QtBot, big_project: Path) -> None:
    with open_project(big_project) as project:
        widget, catalog = _shown_list(qtbot, project)
        assert widget.model.rowCount() == N
        assert 0 < len(catalog.asked) <= PAGE  # the first page, not 1,500 rows
        last = widget.model.ids[-1]
        widget.select_document(last)
        qtbot.waitUntil(lambda: last in catalog.asked)
        assert len(catalog.asked) <= 2 * PAGE
        assert widget.model.index(N - 1, 0).data() == f"Sak {N - 1}"
        assert widget.model.index(N - 1, 3).data() == 1


def test_columns_never_measure_their_rows(qtbot: QtBot, big_project: Path) -> None:
    with open_project(big_project) as project:
        widget, _ = _shown_list(qtbot, project)
        header = widget.table.horizontalHeader()
        modes = [header.sectionResizeMode(c) for c in range(header.count())]
        assert QHeaderView.ResizeMode.ResizeToContents not in modes
        date_width = widget.table.fontMetrics().horizontalAdvance("2022-01-28")
        assert header.sectionSize(1) > date_width and header.sectionSize(3) > 0


def test_an_update_repaints_one_row_and_reads_nothing(qtbot: QtBot,
                                                      big_project: Path) -> None:
    with open_project(big_project) as project:
        widget, catalog = _shown_list(qtbot, project)
        first = widget.model.ids[0]
        asked = len(catalog.asked)
        changed: list[tuple[int, int]] = []

        def record(top: QModelIndex, bottom: QModelIndex) -> None:
            changed.append((top.row(), bottom.row()))

        widget.model.dataChanged.connect(record)
        widget.model.update(first, mentions=7, label_counts={"ACTOR": 7}, status="done")
        assert changed == [(0, 0)]
        assert widget.model.index(0, 3).data() == 7
        assert widget.model.index(0, 2).data() == "done"
        widget.model.update(first, mentions=7, label_counts={"ACTOR": 7}, status="done")
        assert changed == [(0, 0)]  # nothing changed: nothing repainted
        assert len(catalog.asked) == asked
        widget.model.invalidate([first, widget.model.ids[-1]])  # the last: never read
        assert changed == [(0, 0), (0, 0)]
        assert widget.model.index(0, 3).data() == 1  # read again from the project
        assert catalog.asked[asked:] == [first]  # only the forgotten row


def test_filters_replace_the_ids(qtbot: QtBot, big_project: Path) -> None:
    with open_project(big_project) as project:
        widget, _ = _shown_list(qtbot, project)
        widget.filter.setText("ørsta")
        assert widget.model.rowCount() == N // 100
        widget.filter.clear()
        widget.date.setText("2022-01-03")
        assert widget.model.rowCount() == len(range(2, N, 28))
        widget.date.setText("not a date")
        assert widget.model.rowCount() == N and widget.date.styleSheet()
        widget.date.clear()
        widget.status.setCurrentIndex(widget.status.findData("done"))
        assert widget.model.rowCount() == 0


def test_tooltip_shows_a_title_as_text(qtbot: QtBot, tmp_path: Path) -> None:
    source = tmp_path / "hostile.jsonl"
    source.write_text(json.dumps({"text": "Nato.", "meta": {
        "title": 'Nyheter <img src="file:///dev/zero"> & <b>mer</b>'}}) + "\n",
        encoding="utf-8")
    with open_project(tmp_path / "p.akkord", create=True) as project:
        import_paths(project, [source], ImportOptions(suggest_times=False))
        widget, _ = _shown_list(qtbot, project)
        tip = widget.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
        assert "<img" not in tip and "&lt;img" in tip and "&lt;b&gt;" in tip


def test_window_keeps_the_open_documents_row_current(qtbot: QtBot, big_project: Path,
                                                     tmp_path: Path) -> None:
    copy = tmp_path / "big.akkord"
    copy.write_bytes(big_project.read_bytes())
    window = MainWindow(open_project(copy), "gold", "gold", suggest=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # the window's shortcuts answer in the active window, to
    window.view.setFocus()  # keys typed where the user works
    qtbot.waitUntil(window.view.hasFocus)
    model = window.documents.model
    assert window.documents.current_id() == model.ids[0]
    qtbot.keyClick(window.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    second = model.ids[1]
    qtbot.waitUntil(lambda: window.session.document is not None
                    and window.session.document.id == second)
    assert window.documents.current_id() == second
    assert model.index(1, 3).data() == 1
    text = window.view.toPlainText()
    cursor = window.view.textCursor()
    start = text.index("igjen")
    cursor.setPosition(start)
    cursor.setPosition(start + len("igjen"), cursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    qtbot.keyClick(window.view, "4")  # TIME (no entity: no link picker)
    qtbot.waitUntil(lambda: model.index(1, 3).data() == 2)
    assert "TIME 1" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.index(1, 3).data() == 1)
    qtbot.keyClick(window.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.index(1, 2).data() == "done")
    window.close()
