"""A newcomer's work never lands in ``gold``: File → Import goes into their own layer
(the time suggestions of raw articles too), and suggestions never decide which layer
opens."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from akkord.gui.app import first_layer
from akkord.gui.import_dialog import ImportDialog, summary
from akkord.gui.main_window import MainWindow
from akkord.services.demo import create_demo
from akkord.services.importing import ImportReport
from akkord.store import Project, open_project
from akkord.store.models import Annotator, Mention

ARTICLE = (" date 2022-01-12 RÅDET: Delegasjonene samles.\n\nNato og Russland møttes\n\n"
           "Stoltenberg ledet møtet onsdag. Neste møte blir 20. januar.\n")


def layers_of_mentions(project: Project) -> dict[tuple[str, str], int]:
    with project.read() as session:
        rows = session.execute(select(Annotator.name, Mention.status).join(
            Annotator, Mention.annotator_id == Annotator.id)).all()
    counts: dict[tuple[str, str], int] = {}
    for name, status in rows:
        counts[(name, status)] = counts.get((name, status), 0) + 1
    return counts


def import_raw(qtbot: QtBot, project: Project, tmp_path: Path, layer: str | None
               ) -> ImportReport:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    dialog = ImportDialog(project, layer=layer)
    qtbot.addWidget(dialog)
    if layer is not None:
        assert dialog.annotator.currentText() == layer  # the newcomer's own layer
    dialog.paths.setText(str(article))
    with qtbot.waitSignal(dialog.accepted):
        dialog.run()
    assert dialog.report is not None and not dialog.report.problems
    return dialog.report


def test_import_from_the_window_goes_into_the_own_layer(qtbot: QtBot, tmp_path: Path) -> None:
    with open_project(tmp_path / "new.akkord", create=True) as project:
        report = import_raw(qtbot, project, tmp_path, "kari")
        counts = layers_of_mentions(project)
        assert counts and all(name == "kari" for name, _ in counts)  # time suggestions
        assert all(status == "suggested" for _, status in counts)
        assert first_layer(project, "kari") == "kari"
        # The report counts what the document list counts: annotations, and the
        # suggestions apart (it said "2 mention(s)" while the list showed 0).
        assert report.total("mentions") == 0
        assert report.total("suggestions") == sum(counts.values()) > 0
        assert f"{report.total('suggestions')} suggestion(s) to review" in summary(report)
        window = MainWindow(project, "kari", first_layer(project, "kari"), suggest=False)
        qtbot.addWidget(window)
        assert window.documents.model.summary(0).mentions == report.total("mentions")
        window._keep_project_open = True


def test_suggestions_in_gold_do_not_open_gold(qtbot: QtBot, tmp_path: Path) -> None:
    """A project from before the fix: its first import put suggestions into gold."""
    with open_project(tmp_path / "old.akkord", create=True) as project:
        import_raw(qtbot, project, tmp_path, None)
        assert {name for name, _ in layers_of_mentions(project)} == {"gold"}
        assert first_layer(project, "kari") == "kari"


def test_a_newcomer_on_the_demo_sees_the_gold_example(tmp_path: Path) -> None:
    path, _ = create_demo(tmp_path / "demo.akkord")
    with open_project(path) as project:
        assert first_layer(project, "kari") == "gold"
        assert first_layer(project, "gold") == "gold"
