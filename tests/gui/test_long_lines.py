"""A document with one unbroken token of a megabyte opens (it froze the window for 40 s;
5 MB for more than two minutes), its mentions are where they belong and can be clicked.

How long opening takes is measured by ``python benchmarks/run.py long-token``; here the
view must show the token as short lines (so that Qt lays out only what is on screen) and
map every offset through them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from akkord.gui.main_window import MainWindow
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import open_project
from akkord.textproc.display import BREAK_EVERY

TOKEN = "x" * 1_000_000
TEXT = f"Nato før\n\nStart {TOKEN} så møttes Nato og Russland.\n"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    source = tmp_path / "long.jsonl"
    after = TEXT.rindex("Nato")
    record = {"text": TEXT, "meta": {"title": "Langt", "date": "2022-01-12"},
              "spans": [{"id": "a", "start": 0, "end": 4, "label": "ACTOR"},
                        {"id": "b", "start": after, "end": after + 4, "label": "ACTOR"}]}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project:
        report = import_paths(project, [source], ImportOptions(annotator="gold",
                                                               suggest_times=False))
        assert not report.problems, report.problems
    win = MainWindow(open_project(path), "kari", "gold", suggest=False)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.session.document is not None)
    yield win


def test_the_token_is_shown_as_short_lines(window: MainWindow) -> None:
    document = window.view.document()
    assert document.blockCount() > len(TOKEN) // BREAK_EVERY
    longest = max(len(line) for line in window.view.toPlainText().split("\n"))
    assert longest <= BREAK_EVERY


def test_a_mention_after_the_token_is_painted_and_clicked(qtbot: QtBot,
                                                          window: MainWindow) -> None:
    model = window.session.document
    assert model is not None
    after = max(model.mentions.values(), key=lambda m: m.start)
    assert model.text[after.start:after.end] == "Nato"
    window.session.select(after.id)  # scrolls to it
    rects = window.view.span_rects(after.start, after.end)
    assert len(rects) == 1
    window.session.select(None)
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rects[0].center().toPoint())
    assert window.session.selected == after.id
    cursor = window.view.textCursor()
    start = window.view.display.to_view(after.start)
    cursor.setPosition(start)
    cursor.setPosition(start + 4, cursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    assert window.view.selection() == (after.start, after.end)
