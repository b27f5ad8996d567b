"""The annotation window: start-up, the long document, one edit (DESIGN.md budget).

``gui`` prints ``open_long_doc_ms`` (open the 180 KB, 2,600-mention document with every
mention highlighted and painted), ``add_mention_ms`` and ``delete_mention_ms`` (one
mention through the real key path: undo command → committed transaction → model →
repaint), as medians. ``startup`` prints the time from launching ``python`` to the first
painted main window on the demo project, and the memory with the 10,000-article project
open.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from common import CACHE, benchmark, corpus, median_ms, peak_rss_mb, report

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _window(project_path: Path) -> tuple[object, object]:
    from akkord.gui import theme
    from akkord.gui.app import application
    from akkord.gui.main_window import MainWindow
    from akkord.store import open_project

    app = application()
    theme.apply(app)
    window = MainWindow(open_project(project_path), "gold", "gold")
    window.resize(1480, 920)
    window.show()
    app.processEvents()
    return app, window


def _long_project() -> Path:
    from akkord.services.importing import import_paths
    from akkord.store import open_project

    path = CACHE / "project-long.akkord"
    if not path.exists():
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        with open_project(building, create=True) as project:
            import_paths(project, [corpus() / "long.jsonl"])
        building.rename(path)
    return path


@benchmark("gui")
def gui() -> None:
    from akkord.gui.main_window import MainWindow

    app, window = _window(_long_project())
    assert isinstance(window, MainWindow)
    session, view = window.session, window.view
    long_id = 1
    assert session.document is not None and len(session.document.mentions) > 2500

    def open_long() -> None:
        session.open_document(None)
        app.processEvents()  # type: ignore[attr-defined]
        start = time.perf_counter()
        session.open_document(long_id)
        view.viewport().repaint()
        open_times.append((time.perf_counter() - start) * 1000)

    open_times: list[float] = []
    for _ in range(9):
        open_long()
    report("open_long_doc_ms", sorted(open_times)[len(open_times) // 2], "ms")

    document = session.document
    assert document is not None
    free = [i for i in range(1000, len(document.text) - 20)
            if document.text[i - 1] == " " and document.text[i:i + 4].isalpha()
            and not document.index.overlapping(i, i + 12)][::97][:25]
    added: list[int] = []

    def add() -> None:
        position = free[len(added)]
        end = position
        while document.text[end].isalpha():
            end += 1
        window.label_key("TIME", position, end, True)
        view.viewport().repaint()
        added.append(session.selected or 0)

    report("add_mention_ms", median_ms(add, len(free)), "ms")

    def delete() -> None:
        session.delete_mention(added.pop())
        view.viewport().repaint()

    report("delete_mention_ms", median_ms(delete, len(free)), "ms")
    window.close()


STARTUP = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from akkord.gui import theme
    from akkord.gui.app import application
    from akkord.gui.main_window import MainWindow
    from akkord.store import open_project
    app = application()
    theme.apply(app)
    window = MainWindow(open_project(Path(sys.argv[1])), "gold", "gold")
    window.show()
    window.view.viewport().repaint()
    app.processEvents()
    print(time.time())
""")


@benchmark("startup")
def startup() -> None:
    from akkord.services.demo import create_demo

    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        demo, _ = create_demo(Path(tmp) / "demo.akkord")
        times = []
        for _ in range(5):
            begin = time.time()
            shown = subprocess.run([sys.executable, "-c", STARTUP, str(demo)], check=True,
                                   capture_output=True, text=True).stdout.split()[-1]
            times.append(float(shown) - begin)
    report("startup_to_window_s", sorted(times)[len(times) // 2], "s")
    from bench_store import imported_project

    app, window = _window(imported_project())
    report("memory_10k_open_mb", peak_rss_mb(), "MB")
    window.close()  # type: ignore[attr-defined]
    del app
