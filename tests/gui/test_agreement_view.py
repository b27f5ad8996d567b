"""The agreement heatmaps widget, offscreen, fed by the agreement service's rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from akkord.gui.agreement_model import heat
from akkord.gui.agreement_view import AgreementView
from akkord.services.agreement import ALL, AgreementOptions, AgreementReport, Row, agreement
from akkord.store import open_project
from tests.services.agreement_data import ANNA, OLA, PER, build


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> AgreementReport:
    folder = tmp_path_factory.mktemp("agreement")
    with open_project(folder / "p.akkord", create=True) as project:
        build(project, folder, [ANNA, OLA, PER])
        return agreement(project, AgreementOptions())


def _cell(view: AgreementView, row: str, column: str, *, labels: bool = False) -> object:
    model = view.labels if labels else view.pairs
    r = model.row_names.index(row)
    c = model.column_names.index(column)
    return model.index(r, c)


def test_pairs_and_labels_show_the_service_values(qtbot: QtBot, report: AgreementReport
                                                  ) -> None:
    view = AgreementView()
    qtbot.addWidget(view)
    view.set_report(report)
    assert view.measure.currentText() == "span_f1_overlap"
    index = _cell(view, "anna", "ola")
    expected = report.value("span_f1_overlap", ALL, ("anna", "ola"))
    assert index.data() == f"{expected:.3f}"  # type: ignore[attr-defined]
    assert index.data(Qt.ItemDataRole.BackgroundRole) == heat(expected)  # type: ignore[attr-defined, arg-type]
    assert _cell(view, "per", "per").data() == "1.000"  # type: ignore[attr-defined]
    with qtbot.waitSignal(view.measure_changed) as signal:
        view.measure.setCurrentText("lea")
    assert signal.args == ["lea"]
    lea = report.value("lea", ALL, ("anna", "per"))
    assert _cell(view, "per", "anna").data() == f"{lea:.3f}"  # type: ignore[attr-defined]
    everyone = ("anna", "ola", "per")
    place = report.value("alpha_unitized", "PLACE", everyone)
    assert _cell(view, "PLACE", "alpha_unitized", labels=True).data() == f"{place:.3f}"  # type: ignore[attr-defined]
    assert view.labels.row_names[-1] == ALL


def test_heat_runs_from_red_to_green() -> None:
    assert heat(0.2).hue() == heat(0.5).hue() == 0
    assert heat(1.0).hue() == 120
    assert 0 < heat(0.8).hue() < 120


def test_names_are_plain_text(qtbot: QtBot) -> None:
    evil = "<b>x</b><img src=y>"
    rows = [Row("span_f1_exact", ALL, (evil, "ola"), None, 0.5)]
    view = AgreementView()
    qtbot.addWidget(view)
    view.set_report(AgreementReport([evil, "ola"], ["ACTOR"], rows))
    assert view.pairs.headerData(0, Qt.Orientation.Horizontal) == evil
    assert view.summary.textFormat() == Qt.TextFormat.PlainText
    assert evil in view.summary.text()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_screenshot_in_light_and_dark_palettes(qtbot: QtBot, report: AgreementReport,
                                               tmp_path: Path, dark: bool) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = app.palette()
    if dark:
        palette = QPalette(saved)
        for role, colour in ((QPalette.ColorRole.Window, "#202124"),
                             (QPalette.ColorRole.Base, "#2a2b2e"),
                             (QPalette.ColorRole.Text, "#e8e8e8"),
                             (QPalette.ColorRole.WindowText, "#e8e8e8"),
                             (QPalette.ColorRole.Button, "#303134"),
                             (QPalette.ColorRole.ButtonText, "#e8e8e8")):
            palette.setColor(role, QColor(colour))
        app.setPalette(palette)
    try:
        view = AgreementView()
        qtbot.addWidget(view)
        view.resize(900, 620)
        view.set_report(report)
        view.show()
        qtbot.waitExposed(view)
        image = view.grab().toImage()
        path = tmp_path / f"agreement-{'dark' if dark else 'light'}.png"
        assert image.save(str(path))
        # A coloured cell keeps dark text on its light colour in either palette.
        index = _cell(view, "anna", "ola")
        assert index.data(Qt.ItemDataRole.ForegroundRole) == QColor("#111111")  # type: ignore[attr-defined]
        assert path.stat().st_size > 5000
    finally:
        app.setPalette(saved)
