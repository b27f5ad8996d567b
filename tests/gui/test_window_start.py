"""What `akkord gui` does before its window shows (in a process of its own), and the
article's first paint.

Imports: every module without Qt comes before PySide6 (``gui_cmd.BEFORE_QT``). PySide6
reads the source of every module imported after it, looking for its
``__feature__`` switches: a module of Akkord or SQLAlchemy that the window imports only
once Qt is loaded costs start-up time for nothing. A module added to the window's imports
(a new service, the engine's dialect loaded on first connection) silently went after Qt
until this test: the window's start-up then lost a tenth of a second to 33 such modules.

The ORM: the window's first reads go through the tables' columns, and the mappers are
configured once it has shown (``services.annotation.warm_up``, 35 ms): one read written
on a mapped class configures them all before the first paint again. The lemma table
loads on a thread once the window has shown (``textproc.lemmas.load_in_background``).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from akkord.gui.article_view import ArticleView
from akkord.services.annotation import Annotation
from akkord.store import open_project
from akkord.store.models import Document
from tests.gui.conftest import demo_window
from tests.gui.window_process import scratch_env
from tests.services.editing import add, link, new_entity, span_of

TEXT = "Nato møtte Russland i Genève 10. januar."

# What `akkord gui PROJECT` does, in its order (akkord.__main__.run, cli.gui_cmd.gui),
# with a note of the modules that exist when PySide6 is first imported.
START = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    from akkord import startup
    startup.starting()
    from akkord.cli import load_command
    startup.started()
    load_command("gui")
    from akkord.cli.gui_cmd import preload
    preload()
    before_qt = set(sys.modules)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from akkord.gui.app import run
    from akkord.gui.application import application
    from akkord.textproc import lemmas

    def shown():
        windows = [w for w in QApplication.topLevelWidgets()
                   if type(w).__name__ == "MainWindow" and w.isVisible()]
        print("AFTER-QT", *sorted(set(sys.modules) - before_qt), flush=True)
        print("MAPPERS-AT-PAINT", mapped(), flush=True)
        print("LEMMAS-AT-PAINT", lemmas.loaded(), flush=True)
        QTimer.singleShot(0, later)  # after the window's own "shown" work
        if not windows:
            QApplication.exit(3)

    def mapped():
        from akkord.store.models import Mention
        return Mention.__mapper__.configured

    def later():
        print("MAPPERS-AFTER", mapped(), flush=True)
        loading = [t for t in threading.enumerate() if t.name == "akkord-lemmas"]
        print("LEMMAS-LOADING", len(loading), lemmas.loaded(), flush=True)
        for thread in loading:
            thread.join()
        print("LEMMAS-AFTER", lemmas.loaded(), flush=True)
        QApplication.exit(0)

    application()
    from akkord.gui.project_dialogs import NAME_KEY
    from akkord.gui.application import settings
    settings().setValue(NAME_KEY, "tester")  # a returning annotator: no name asked
    QTimer.singleShot(0, shown)
    run(project=Path(sys.argv[1]))
""")


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """What the start's process printed, by line tag; the project holds a document with
    a mention linked to an entity, so every read of the first paint has rows to read."""
    tmp = tmp_path_factory.mktemp("start")
    path = tmp / "p.akkord"
    with open_project(path, create=True) as project:
        with project.write() as session:
            document = Document(content_hash="x", text=TEXT, meta={}, parts=[], title="Møte")
            session.add(document)
            session.flush()
            document_id = document.id
        tester = Annotation(project, "tester")
        link(tester, add(tester, document_id, span_of(TEXT, "Nato"), "ACTOR"),
             new_entity(tester, "actor", "Nato"))
    env = scratch_env(tmp / "home", {"QT_QPA_PLATFORM": "offscreen"})
    done = subprocess.run([sys.executable, "-c", START, str(path)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()
            if line.split() and line.split()[0].isupper()}


def test_the_window_imports_no_module_without_qt_after_pyside6(
        started: dict[str, list[str]]) -> None:
    after = started["AFTER-QT"]
    assert "akkord.gui.main_window" in after  # the window was built after Qt, as it must
    late = [name for name in after if name.startswith("sqlalchemy")
            or (name.startswith("akkord.") and not name.startswith("akkord.gui"))]
    assert late == [], f"imported after PySide6 (add them to gui_cmd.BEFORE_QT): {late}"


def test_the_orm_is_configured_after_the_first_paint_not_before(
        started: dict[str, list[str]]) -> None:
    assert started["MAPPERS-AT-PAINT"] == ["False"], "a start-up read configured the ORM"
    assert started["MAPPERS-AFTER"] == ["True"], "the window's warm-up did not run"


def test_the_lemma_table_loads_on_a_thread_once_the_window_has_shown(
        started: dict[str, list[str]]) -> None:
    """Loading it took the first link picker of a session 0.6–0.9 s; start-up must not
    wait for it either, so it loads on a thread of its own once the window has shown."""
    assert started["LEMMAS-AT-PAINT"] == ["False"], "start-up waited for the lemma table"
    assert started["LEMMAS-LOADING"] == ["1", "False"], "the table did not load on a thread"
    assert started["LEMMAS-AFTER"] == ["True"]


def test_the_first_paint_of_an_article_finds_the_mentions_at_its_top(
        qtbot: QtBot, tmp_path: Path) -> None:
    """Before the first paint, a hit test in the margin above the first line (kept for
    relation arcs) came back far down the text: the range the paint looked for mentions
    in was upside down, and the window's first start showed no highlight until something
    repainted it (CI's smoke test, 1 run in 3)."""
    window = demo_window(qtbot, tmp_path, 900, 700)
    model = window.view.model
    assert model is not None and model.mentions
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(260, 640)  # the smoke test's narrow first column
    view.set_document(model)
    view.show()  # and not yet painted
    start, end = view.visible_range()
    assert start == 0 <= end
    assert list(model.index.overlapping(start, end)), "no mention in the first screen"
