"""The window in a project of real size: start-up, switching documents, the long document,
and one edit, each through the keys a user presses (DESIGN.md budget).

``gui`` measures in a project of 10,000 articles that also holds the 180 KB,
2,600-mention document, then again at 30,000 articles, and prints per size (``_10k``,
``_30k``) the median and the 95th percentile (``_p95``) of:

* ``startup_s`` — from launching ``python`` to the first painted, usable window (what
  ``akkord gui PROJECT`` does: settings, project, document list, first document open),
  median of 3 launches; ``startup_cpu_s``, the CPU time that took (less inflated by a
  busy machine than the wall time), and ``startup_peak_mb``, the memory of that window;
  ``startup_floor_s`` is the floor under it on this machine (the same interpreter
  importing PySide6's widgets and the SQLAlchemy ORM and painting an empty main window
  of the same shape), and ``startup_<size>_vs_floor`` the ratio of their CPU times;
  ``startup_ready_s``, until the window has also done what it leaves until it has shown
  (the ORM's mappers, 35 ms: a key pressed at once waits for that);
* ``switch_document_ms`` — Ctrl+PgDown in the article view: the next document opened,
  highlighted, the list's current row moved, everything repainted;
* ``open_long_doc_ms`` — Ctrl+PgDown onto the long document, every mention painted;
* ``add_mention_ms`` — text selected in the long document, label key ``4`` (TIME):
  committed, redrawn, the list's counts updated;
* ``delete_mention_ms`` — Delete on the selected mention;
* ``undo_ms`` — Ctrl+Z (of a delete, of an add, of a link);
* ``link_mention_ms`` — Enter in the link picker (opened by the ACTOR key ``1`` on a
  new selection, with ``Nato`` typed; the project knows Nato, linked 30,000 times): the
  link committed, the form remembered, everything that shows it redrawn;
* ``link_new_entity_ms`` — the same Enter on "+ New" for a name the project does not
  know: the entity created and linked;
* ``open_picker_ms`` — the ACTOR key ``1`` on a selected word before each of those: the
  mention added and the link picker shown with the entities ranked for it;
* ``picker_key_ms`` — the last key of the name typed into the picker: the entities
  ranked again and listed;
* ``first_<add_mention|link_mention|link_new_entity|open_picker>_ms`` — the window's
  first of each, timed once and left out of the figures above (it compiles statements
  and polishes widgets for the first time, and the first picker makes the forms of the
  entities' names: what the first gesture of a session costs, once). The window is
  measured after the lemma table it loads on a thread once it has shown is in (a second
  after the window appears; until then the first picker waits for it).

Each figure is taken from the key press until the window has processed what it posted,
the repaints it asked for included (flushed at once, not left to a later cycle of the
event loop); edits commit in the key handler. When a key leaves the article view
unpainted, the view is repainted once more, synchronously, so every figure holds at least
one paint of it. (Until 2026-12-02 the view was always repainted once more: every figure
held two paints of it where a user waits for one.)
``<name>_cpu_ms`` is the median CPU time of the same (a busy machine inflates it less
than the wall time: compare it with the budget when the machine is loaded).
Only keys, widgets and the window's own shortcuts drive it, so it measures what a user
waits for whatever the code behind them does. ``startup`` prints the same start-up on
the 8-document demo project.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import CACHE, SIZES, benchmark, isolated_env, p95, report, window_project

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SWITCHES = 30
LONG_OPENS = 9
EDITS = 25
# 40 links to a known entity, 20 to a new one: a 95th percentile of 12 links was their
# slowest, one busy moment of the machine
LINKS = 60
# The window's first add, link and link to a new entity, timed apart and left out of the
# figures above: each runs code and statements for the first time (SQLAlchemy compiles
# them, Qt polishes the inspector's entity box): the first add and link took 2–4× a later
# one. Among 40 links the first was the slowest, so it made up much of a p95 that is meant
# to show a steady hand's spread.
FIRST_USE = ("add_mention", "link_mention", "link_new_entity")  # a word each
STARTS = 3


# -- start-up in a fresh process ---------------------------------------------------------

STARTUP = textwrap.dedent("""
    import resource, sys, time
    from pathlib import Path
    from akkord import startup
    startup.starting()  # what `akkord gui` does, in its order (akkord.__main__.run):
    from akkord.cli import load_command
    startup.started()
    load_command("gui")  # the CLI, then
    from akkord.cli.gui_cmd import preload
    preload()  # the modules without Qt, then Qt and the window
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from akkord.gui.app import run
    from akkord.gui.application import application

    shown = []

    def painted():
        window = next(w for w in QApplication.topLevelWidgets()
                      if type(w).__name__ == "MainWindow" and w.isVisible())
        window.repaint()
        shown.append(time.time())
        QTimer.singleShot(0, ready)  # after what the window leaves until it has shown

    def ready():
        print(shown[0], time.time(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        QApplication.quit()

    application()
    QTimer.singleShot(0, painted)
    run(project=Path(sys.argv[1]))
""")


# The floor under any start-up of this window on this machine: the same interpreter
# imports the two libraries the window cannot start without (PySide6's widgets and the
# SQLAlchemy ORM), shows a main window of the same shape (an editor and three docks of
# tables) and paints it once. Akkord's own start-up is quoted as a ratio to it.
FLOOR = textwrap.dedent("""
    import gc, resource, sys, time
    gc.disable()  # as Akkord starts (akkord.startup): the floor gets the same help
    import sqlalchemy.orm
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import (QApplication, QDockWidget, QMainWindow, QPlainTextEdit,
                                   QTableView)

    app = QApplication([])
    window = QMainWindow()
    window.setCentralWidget(QPlainTextEdit("text"))
    for area in (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.LeftDockWidgetArea,
                 Qt.DockWidgetArea.RightDockWidgetArea):
        dock = QDockWidget("dock")
        dock.setWidget(QTableView())
        window.addDockWidget(area, dock)
    window.resize(1480, 920)
    window.show()

    def painted():
        window.repaint()
        now = time.time()
        print(now, now, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        app.quit()

    QTimer.singleShot(0, painted)
    app.exec()
""")


def floor_seconds(starts: int = STARTS) -> tuple[float, float]:
    """Median wall and CPU seconds of :data:`FLOOR`, launched as the window is."""
    return _launches([sys.executable, "-c", FLOOR], starts)[:2]


def startup_seconds(project: Path, starts: int = STARTS
                    ) -> tuple[float, float, float, float]:
    """Median seconds from launch to a painted window, the median CPU seconds the
    process used for it (user + system: what a shared machine's load does not inflate
    as much), the window's peak memory, and the median seconds until the window has
    also done what it leaves until it has shown (the ORM's set-up: ``ready``)."""
    return _launches([sys.executable, "-c", STARTUP, str(project)], starts)


def _launches(command: list[str], starts: int) -> tuple[float, float, float, float]:
    times, ready, cpu, memory = [], [], [], []
    env = isolated_env()
    for _ in range(starts):
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        begin = time.time()
        out = subprocess.run(command, check=True,
                             capture_output=True, text=True, env=env).stdout.split()
        times.append(float(out[-3]) - begin)
        ready.append(float(out[-2]) - begin)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
        memory.append(float(out[-1]))
    return (statistics.median(times), statistics.median(cpu), max(memory),
            statistics.median(ready))


# -- the window, driven by keys ------------------------------------------------------------

class _PaintCounter:
    """Counts the paint events a widget receives."""

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QObject

        counter = self

        class _Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    counter.count += 1
                return False

        self.count = 0
        self._filter = _Filter()
        widget.installEventFilter(self._filter)


# What Qt's offscreen platform says each time the window asks it for something only a
# real screen does (raise a window, grab the keyboard): one line per link, drowning the
# figures. Anything else Qt says still reaches stderr.
OFFSCREEN_NOISE = "This plugin does not support"


def _quiet_offscreen_warnings() -> None:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, _context: Any, message: str) -> None:
        if not message.startswith(OFFSCREEN_NOISE):
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


class Driver:
    """Presses keys in the window and times them until everything is repainted."""

    def __init__(self, project: Path) -> None:
        os.environ.update(isolated_env())
        from akkord.gui import theme
        from akkord.gui.application import application
        from akkord.gui.main_window import MainWindow
        from akkord.store import open_project

        self.cpu: list[float] = []
        self.app = application()
        _quiet_offscreen_warnings()
        theme.apply(self.app)
        self.window = MainWindow(open_project(project), "gold", "gold")
        self.window.resize(1480, 920)
        self.window.show()
        self.window.activateWindow()
        from PySide6.QtTest import QTest

        self.qtest = QTest
        QTest.qWaitForWindowExposed(self.window)
        from akkord.gui.app import shown
        from akkord.textproc.lemmas import warm_up

        shown()  # what `akkord gui` does once its window shows, then waits for the lemma
        warm_up()  # table it loads on a thread of its own (a second, as a user looks)
        self.settle()
        self.view = self.window.view
        self.paints = _PaintCounter(self.view.viewport())

    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents()

    def timed(self, action: Callable[[], object]) -> float:
        """Milliseconds from ``action`` (key presses) to a fully repainted window; the
        CPU milliseconds it took go to :attr:`cpu` (what a busy machine inflates less)."""
        from PySide6.QtCore import QCoreApplication, QEvent

        self.settle()
        painted = self.paints.count
        start, used = time.perf_counter(), time.process_time()
        action()
        self.app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)
        if self.paints.count == painted:
            self.view.viewport().repaint()
        self.cpu.append((time.process_time() - used) * 1000)
        return (time.perf_counter() - start) * 1000

    def key(self, widget: Any, key: Any, modifiers: Any = None) -> None:
        from PySide6.QtCore import Qt

        self.qtest.keyClick(widget, key, modifiers or Qt.KeyboardModifier.NoModifier)

    def ctrl(self, key: Any) -> Callable[[], None]:
        from PySide6.QtCore import Qt

        return lambda: self.key(self.view, key, Qt.KeyboardModifier.ControlModifier)

    def current_id(self) -> int | None:
        document = self.window.session.document
        return document.id if document is not None else None

    def go_to(self, doc_id: int) -> None:
        """Put the document list on ``doc_id`` (a click in the list: not measured)."""
        self.window.documents.select_document(doc_id)
        self.settle()
        assert self.current_id() == doc_id, (self.current_id(), doc_id)
        self.view.setFocus()

    def select(self, start: int, end: int) -> None:
        """Select text in the article view (what a drag with the mouse does)."""
        from PySide6.QtGui import QTextCursor

        cursor = self.view.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.view.setFocus()

    def close(self) -> None:
        self.window.close()
        self.settle()


def free_words(text: str, taken: list[tuple[int, int]], count: int, skip: int = 1000
               ) -> list[tuple[int, int]]:
    """``count`` words of ``text`` no mention touches, spread over the text."""
    busy = bytearray(len(text) + 1)
    for start, end in taken:
        busy[max(0, start - 1):end + 1] = b"\x01" * (end + 1 - max(0, start - 1))
    words = []
    position = skip
    while position < len(text) - 20:
        if text[position - 1] == " " and text[position:position + 4].isalpha():
            end = position
            while text[end].isalpha():
                end += 1
            if not any(busy[position:end]):
                words.append((position, end))
                position = end
        position += 1
    step = max(1, len(words) // count)
    return words[::step][:count]


def measure_window(project: Path, size: str) -> None:
    from PySide6.QtCore import Qt

    drive = Driver(project)
    window = drive.window
    ids = window.documents.model.ids
    long_id = ids[-1]  # imported last

    switches = []
    drive.go_to(ids[len(ids) // 2])
    drive.cpu.clear()
    for _ in range(SWITCHES):
        before = drive.current_id()
        switches.append(drive.timed(drive.ctrl(Qt.Key.Key_PageDown)))
        assert drive.current_id() != before
    figure(f"switch_document_ms_{size}", switches, drive.cpu)

    opens, cpu = [], []
    for _ in range(LONG_OPENS):
        drive.go_to(ids[-2])
        opens.append(drive.timed(drive.ctrl(Qt.Key.Key_PageDown)))
        cpu.append(drive.cpu[-1])
        assert drive.current_id() == long_id
    figure(f"open_long_doc_ms_{size}", opens, cpu)

    document = window.session.document
    assert document is not None and len(document.mentions) > 2500, "not the long document"
    text = document.text
    words = free_words(text, [(m.start, m.end) for m in document.mentions.values()],
                       len(FIRST_USE) + EDITS + LINKS)
    adds, deletes, undos, links, news, pickers, picker_keys = [], [], [], [], [], [], []
    cpus: dict[str, list[float]] = {"add": [], "delete": [], "undo": [], "link": [],
                                    "new": [], "picker": [], "picker_key": []}

    def timed(key: Callable[[], object]) -> tuple[float, float]:
        """Milliseconds and CPU milliseconds of a key (see :meth:`Driver.timed`)."""
        return drive.timed(key), drive.cpu[-1]

    def undo() -> None:
        ms, cpu = timed(drive.ctrl(Qt.Key.Key_Z))
        undos.append(ms)
        cpus["undo"].append(cpu)

    def edit(start: int, end: int) -> tuple[float, float]:
        """Add a mention (label key 4), delete it, undo both; the add's times."""
        drive.select(start, end)
        added = timed(lambda: drive.key(drive.view, "4"))
        ms, cpu = timed(lambda: drive.key(drive.view, Qt.Key.Key_Delete))
        deletes.append(ms)
        cpus["delete"].append(cpu)
        undo()  # the delete: back
        undo()  # the add: gone
        return added

    def link(start: int, end: int, query: str) -> tuple[float, float]:
        """The ACTOR key on a selected word (the mention added, the link picker shown
        with its ranked entities: ``pickers``), ``query`` typed, its last key timed
        (ranked again: ``picker_keys``), then Enter on the first choice and undo of the
        link and the add; the Enter's times."""
        drive.select(start, end)
        ms, cpu = timed(lambda: drive.key(drive.view, "1"))
        pickers.append(ms)
        cpus["picker"].append(cpu)
        picker = window.picker
        assert picker.isVisible(), "the link picker did not open"
        picker.query.clear()
        drive.qtest.keyClicks(picker.query, query[:-1])
        ms, cpu = timed(lambda: drive.qtest.keyClicks(picker.query, query[-1]))
        picker_keys.append(ms)
        cpus["picker_key"].append(cpu)
        linked = timed(lambda: drive.key(picker.query, Qt.Key.Key_Return))
        drive.view.setFocus()
        undo()  # the link
        drive.timed(drive.ctrl(Qt.Key.Key_Z))  # the add
        return linked

    count_before = len(document.mentions)
    known_entity(window, "actor", "Nato")  # what a project of this size has linked before
    first = iter(words)
    firsts = {"add_mention": edit(*next(first))[0],
              "link_mention": link(*next(first), "Nato")[0],
              "link_new_entity": link(*next(first), "Ny aktør først")[0]}
    assert tuple(firsts) == FIRST_USE
    firsts["open_picker"] = pickers[0]  # the ACTOR key of the first link
    for times in (deletes, undos, pickers, picker_keys):
        times.clear()
    for times in cpus.values():
        times.clear()
    for start, end in words[len(FIRST_USE):len(FIRST_USE) + EDITS]:
        ms, cpu = edit(start, end)
        adds.append(ms)
        cpus["add"].append(cpu)
    for n, (start, end) in enumerate(words[len(FIRST_USE) + EDITS:]):
        # Enter on the picker's first choice: the existing Nato, then (every third
        # time) "+ New" for a name the project does not know.
        kind = "new" if n % 3 == 2 else "link"
        ms, cpu = link(start, end, f"Ny aktør {n}" if kind == "new" else "Nato")
        (news if kind == "new" else links).append(ms)
        cpus[kind].append(cpu)
    after = window.session.document
    assert after is not None and len(after.mentions) == count_before, "edits left behind"
    figure(f"add_mention_ms_{size}", adds, cpus["add"])
    figure(f"delete_mention_ms_{size}", deletes, cpus["delete"])
    figure(f"link_mention_ms_{size}", links, cpus["link"])
    figure(f"link_new_entity_ms_{size}", news, cpus["new"])
    figure(f"undo_ms_{size}", undos, cpus["undo"])
    figure(f"open_picker_ms_{size}", pickers, cpus["picker"])
    figure(f"picker_key_ms_{size}", picker_keys, cpus["picker_key"])
    for name, ms in firsts.items():
        report(f"first_{name}_ms_{size}", ms, "ms")
    drive.close()


LINKED = 30_000  # mentions of the known entity: three per article in a 10k project


def known_entity(window: Any, kind: str, name: str) -> None:
    """Make sure the project has an entity called ``name``, linked as often as an actor
    like Nato is in a project of this size (:data:`LINKED` ACTOR mentions across the
    articles), so that what a link costs for a frequent entity is measured (not
    measured itself; done once per cached project)."""
    from sqlalchemy import select

    from akkord.services import edits
    from akkord.store.models import Mention

    service = window.session.service
    found = [e for e in service.entities(kind) if e.name == name]
    if not found:
        found = [service.entity(next(iter(service.apply(
            edits.CreateEntity(kind, name)).changes.entities)))]
    missing = LINKED - found[0].mentions
    if missing <= 0:
        return
    with service.project.read() as session:
        ids = session.scalars(select(Mention.id).where(
            Mention.annotator_id == service.annotator_id, Mention.label == "ACTOR",
            Mention.entity_id.is_(None)).order_by(Mention.id).limit(missing)).all()
    service.apply(edits.LinkMentions(tuple((m, found[0].id) for m in ids)))


def switching_ms(project: Path, count: int = 15) -> list[float]:
    """Ctrl+PgDown ``count`` times from the middle of the list (for the growth figures)."""
    from PySide6.QtCore import Qt

    drive = Driver(project)
    ids = drive.window.documents.model.ids
    drive.go_to(ids[len(ids) // 2])
    times = [drive.timed(drive.ctrl(Qt.Key.Key_PageDown)) for _ in range(count)]
    drive.close()
    return times


def figure(name: str, values: list[float], cpu: list[float] | None = None) -> None:
    """The median and 95th percentile of ``values``, and the median CPU time if given."""
    stem, _, size = name.rpartition("_")
    report(name, statistics.median(values), "ms")
    report(f"{stem}_p95_{size}", p95(values), "ms")
    if cpu:
        report(f"{stem.removesuffix('_ms')}_cpu_ms_{size}", statistics.median(cpu), "ms")


def demo_project(folder: Path) -> Path:
    from akkord.services.demo import create_demo

    return create_demo(folder / "demo.akkord")[0]


@benchmark("gui")
def gui() -> None:
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        demo_seconds, demo_cpu, _, _ = startup_seconds(demo_project(Path(tmp)))
    report("startup_demo_s", demo_seconds, "s")
    report("startup_demo_cpu_s", demo_cpu, "s")
    floor_wall, floor_cpu = floor_seconds()
    report("startup_floor_s", floor_wall, "s")
    report("startup_floor_cpu_s", floor_cpu, "s")
    for n in (10_000, 30_000):
        size = SIZES[n]
        project = window_project(n)
        seconds, cpu, memory, ready = startup_seconds(project)
        report(f"startup_{size}_s", seconds, "s")
        report(f"startup_ready_{size}_s", ready, "s")
        report(f"startup_cpu_{size}_s", cpu, "s")
        # The same start-up on the 8-document demo, measured just before: a ratio near 1
        # says nothing in start-up grows with the project, whatever the machine's load.
        report(f"startup_{size}_vs_demo", cpu / demo_cpu, "x")
        report(f"startup_{size}_vs_floor", cpu / floor_cpu, "x")
        report(f"startup_peak_mb_{size}", memory, "MB")
        # The window is measured in a child of its own per size, so that the 10k window's
        # memory and caches do not flatter or burden the 30k one.
        subprocess.run([sys.executable, __file__, str(project), size], check=True,
                       env=isolated_env())


@benchmark("startup")
def startup() -> None:
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        seconds, cpu, memory, _ = startup_seconds(demo_project(Path(tmp)), 5)
    report("startup_to_window_s", seconds, "s")
    report("startup_demo_cpu_s", cpu, "s")
    floor_wall, floor_cpu = floor_seconds(5)
    report("startup_floor_s", floor_wall, "s")
    report("startup_demo_vs_floor", cpu / floor_cpu, "x")
    report("startup_demo_peak_mb", memory, "MB")


if __name__ == "__main__":  # the window at one size, in a process of its own
    sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "desktop")]
    measure_window(Path(sys.argv[1]), sys.argv[2])
