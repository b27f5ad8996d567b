"""Curation mode in the window, driven by its keys on the demo project (gold emptied):
open it from an annotator's layer, accept, confirm, relink, mark unresolved, reject, undo
and redo across curation and annotation, and check gold and the curated export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from akkord.domain.statuses import GOLD
from akkord.gui.curation_model import STATE_COLOURS, TEXT_ON_COLOUR, TO_CONFIRM, shown_state
from akkord.gui.curation_panel import CurationPanel
from akkord.gui.main_window import MainWindow
from akkord.services.curation import Unit
from akkord.services.exporting import ExportOptions, export_jsonl
from akkord.store import Project, open_project
from akkord.store.models import Annotator, CurationMark, Entity, Mention, Relation
from tests.gui.curation_demo import PER_LEAVES_OUT, THIRD, uncurated_demo
from tests.gui.test_timeline_palette import contrast

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
LOADED = 30_000  # ms: a worker thread reads the units (a busy machine is slow)


def gold_window(qtbot: QtBot, project: Project, layer: str = GOLD) -> MainWindow:
    window = MainWindow(project, "kurator", layer, suggest=False)
    window._keep_project_open = True  # the test owns the project
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # window shortcuts (Ctrl+Z …) need the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


def open_curation(qtbot: QtBot, window: MainWindow) -> CurationPanel:
    panel = window.modes.show_curation()
    assert panel is not None
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=LOADED)
    return panel


def press(qtbot: QtBot, panel: CurationPanel, key: Qt.Key,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key in the queue that changes the project: wait until the units are read again."""
    qtbot.waitUntil(lambda: panel.idle, timeout=LOADED)
    with qtbot.waitSignal(panel.loaded, timeout=LOADED):
        qtbot.keyClick(panel.queue, key, modifier)
    qtbot.waitUntil(lambda: panel.idle, timeout=LOADED)


def find(panel: CurationPanel, kind: str, words: str, state: str | None = None,
         document: int | None = None) -> Unit:
    return next(u for u in panel.model.all if u.kind == kind and u.surface == words
                and (state is None or u.state == state)
                and (document is None or u.document == document))


def choose(panel: CurationPanel, unit: Unit) -> Unit:
    panel.set_filter()
    assert panel.select_key(unit.key)
    assert panel.current_unit() == next(u for u in panel.model.all if u.key == unit.key)
    return panel.current_unit()  # type: ignore[return-value]


def unit(panel: CurationPanel, key: str) -> Unit:
    return next(u for u in panel.model.all if u.key == key)


def gold_mentions(project: Project, document: int, start: int) -> list[tuple[str, int | None]]:
    with project.read() as session:
        return [(m.label, m.entity_id) for m in session.scalars(select(Mention).join(
            Annotator, Annotator.id == Mention.annotator_id).where(
            Annotator.name == GOLD, Mention.document_id == document, Mention.start == start))]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Project]:
    with open_project(uncurated_demo(tmp_path)) as project:
        yield project


def test_a_curation_run_with_the_keys(qtbot: QtBot, demo: Project, tmp_path: Path) -> None:
    # Curation builds gold: asked from Ingrid's layer, the window comes back on gold.
    first = gold_window(qtbot, demo, "Ingrid")
    qtbot.keyClick(first.view, Qt.Key.Key_C, CTRL | SHIFT)
    window = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, MainWindow) and w.session.layer == GOLD and w.isVisible())
    window._keep_project_open = True
    qtbot.addWidget(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel = window.modes.curation
    assert panel is not None
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=LOADED)
    assert window.modes.progress.text().startswith("Ingrid 8/8, Ola 5/8; curated 0/8")
    # The queue: lowest agreement first, every state written out and tinted.
    agreements = [u.agreement for u in panel.model.rows]
    assert agreements == sorted(agreements) and agreements[0] == 0
    for row, shown in enumerate(panel.model.rows):
        cell = panel.model.index(row, 0)
        assert cell.data(Qt.ItemDataRole.BackgroundRole) == STATE_COLOURS[shown_state(shown)]
        assert cell.data(Qt.ItemDataRole.ForegroundRole) == TEXT_ON_COLOUR
    assert {"disagree", "incomplete", TO_CONFIRM} <= {shown_state(u) for u in panel.model.all}
    # Filters: by state, label and document.
    panel.set_filter(state="disagree")
    assert panel.model.rows and all(u.state == "disagree" for u in panel.model.rows)
    moskva = find(panel, "mention", "Moskva", "disagree")
    panel.set_filter(document=moskva.document, label="ACTOR")
    assert {(u.document, u.label) for u in panel.model.rows} == {(moskva.document, "ACTOR")}

    # 1 takes Ingrid's reading of "Moskva" (an ACTOR), shown in the article (gold).
    moskva = choose(panel, moskva)
    assert moskva.versions["Ingrid"] != moskva.versions["Ola"]
    assert [p.title.text() for p in panel.panes[:3]] == ["1 · Ingrid", "2 · Ola", "gold · disagree"]
    press(qtbot, panel, Qt.Key.Key_1)
    assert unit(panel, moskva.key).state == "accepted"
    assert unit(panel, moskva.key).mark == "adjudicated"
    assert [label for label, _ in gold_mentions(demo, moskva.document, moskva.start)] == ["ACTOR"]
    assert window.session.document is not None
    assert window.session.document.id == moskva.document
    # C confirms every agreed unit of the document: pre-merged into gold.
    to_confirm = [u for u in panel.model.all if u.document == moskva.document and u.unanimous]
    assert to_confirm
    press(qtbot, panel, Qt.Key.Key_C)
    after = {u.key: u for u in panel.model.all if u.document == moskva.document}
    confirmed = [after[t.key] for t in to_confirm]
    # What rests on a disputed mention (the DEMAND span) waits for the curator.
    waiting = [u for u in confirmed if u.gold != next(iter(u.versions.values()))]
    assert not [u for u in waiting if u.kind == "mention"]
    assert len(waiting) < len(to_confirm) / 20
    assert {u.mark for u in confirmed if u not in waiting} == {"unanimous"}
    # 2 takes Ola's link of "Kreml" (the president), on the mention just confirmed.
    kreml = choose(panel, find(panel, "link", "Kreml", document=moskva.document))
    assert kreml.state == "accepted" and kreml.gold == kreml.versions["Ingrid"]
    press(qtbot, panel, Qt.Key.Key_2)
    with demo.read() as session:
        putin = session.scalar(select(Entity.id).where(Entity.name == "Vladimir Putin"))
    assert gold_mentions(demo, kreml.document, kreml.start) == [("ACTOR", putin)]
    # U marks "mandag" unresolved, with a note typed in the bar.
    monday = choose(panel, find(panel, "value", "mandag", document=moskva.document))
    qtbot.keyClick(panel.queue, Qt.Key.Key_U)
    assert panel.note.isVisible()
    qtbot.keyClicks(panel.note, "uka eller dagen?")
    with qtbot.waitSignal(panel.loaded, timeout=LOADED):
        qtbot.keyClick(panel.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.idle, timeout=LOADED)
    assert (unit(panel, monday.key).mark, unit(panel, monday.key).note) == \
        ("unresolved", "uka eller dagen?")
    # X rejects Ola's longer DEMAND span … and Ctrl+Z / Ctrl+Shift+Z undo and redo it.
    demand = choose(panel, find(panel, "mention", "garantier for at Ukraina aldri blir "
                                                  "medlem av Nato", document=moskva.document))
    press(qtbot, panel, Qt.Key.Key_X)
    assert unit(panel, demand.key).state == "rejected"
    assert gold_mentions(demo, demand.document, demand.start) == []
    press(qtbot, panel, Qt.Key.Key_Z, CTRL)
    assert unit(panel, demand.key).state == "disagree"
    press(qtbot, panel, Qt.Key.Key_Z, CTRL | SHIFT)
    assert unit(panel, demand.key).state == "rejected"
    # An annotating edit in gold and the curation steps share one undo stack.
    washington = next(m for m in window.session.document.mentions.values()
                      if window.session.document.surface(m.id) == "Washington")
    with qtbot.waitSignal(panel.loaded, timeout=LOADED):
        window.session.delete_mention(washington.id)
    qtbot.waitUntil(lambda: panel.idle, timeout=LOADED)
    press(qtbot, panel, Qt.Key.Key_Z, CTRL)  # the deletion
    press(qtbot, panel, Qt.Key.Key_Z, CTRL)  # the rejection
    assert unit(panel, demand.key).state == "disagree"
    assert window.undo_action.text() == "&Undo Mark value unresolved"
    press(qtbot, panel, Qt.Key.Key_Z, CTRL | SHIFT)
    # The curated export: every gold unit says how it came to be, relations kept.
    out = tmp_path / "gold.jsonl"
    export_jsonl(demo, out, ExportOptions(annotators=[GOLD]))
    spans = [s for line in out.read_text(encoding="utf-8").splitlines()
             for s in json.loads(line).get("spans", [])]
    relations = [r for line in out.read_text(encoding="utf-8").splitlines()
                 for r in json.loads(line).get("relations", [])]
    assert {s.get("curation") for s in spans} >= {"unanimous", "adjudicated", "unresolved"}
    assert any(s.get("curation_note") == "uka eller dagen?" for s in spans)
    assert relations and {r.get("curation") for r in relations} == {"unanimous"}
    with demo.read() as session:
        assert session.scalar(select(func.count()).select_from(CurationMark).where(
            CurationMark.mark == "rejected")) == 1
        assert session.scalar(select(func.count()).select_from(Relation).join(
            Annotator, Annotator.id == Relation.annotator_id).where(
            Annotator.name == GOLD)) == len(relations)


def test_e_edits_the_unit_in_gold_and_a_refused_step_says_why(qtbot: QtBot,
                                                              demo: Project) -> None:
    window = gold_window(qtbot, demo)
    panel = open_curation(qtbot, window)
    link = choose(panel, find(panel, "link", "Kreml", "disagree"))
    messages: list[str] = []
    window.session.failed.connect(messages.append)
    qtbot.keyClick(panel.queue, Qt.Key.Key_1)  # gold has no mention there yet
    assert messages and "accept the mention first" in messages[-1]
    assert window.session.undo_stack.count() == 0
    qtbot.keyClick(panel.queue, Qt.Key.Key_E)
    assert window.view.hasFocus() or window.view.isActiveWindow()
    assert window.session.document is not None
    assert window.session.document.id == link.document
    cursor = window.view.textCursor()
    assert window.session.document.from_qt(cursor.position()) in range(link.start - 1,
                                                                       link.end + 1)


def test_three_annotators_each_with_a_key(qtbot: QtBot, tmp_path: Path) -> None:
    with open_project(uncurated_demo(tmp_path, third=True)) as project:
        window = gold_window(qtbot, project)
        panel = open_curation(qtbot, window)
        assert panel.model.annotators == ("Ingrid", "Ola", THIRD)
        assert [p.title.text() for p in panel.panes[:3]] == \
            ["1 · Ingrid", "2 · Ola", f"3 · {THIRD}"]
        assert panel.panes[3].title.text().startswith("gold · ")
        assert f"{THIRD} 8/8" in window.modes.progress.text()
        # Per left out a few of Ingrid's mentions: incomplete units, Ingrid's version.
        missing = [u for u in panel.model.all if u.kind == "mention"
                   and u.versions.get(THIRD) is None and u.versions.get("Ingrid")]
        assert len(missing) >= PER_LEAVES_OUT
        moskva = choose(panel, find(panel, "mention", "Moskva", "disagree"))
        assert moskva.agreement == pytest.approx(1 / 3)  # Ingrid and Per agree
        press(qtbot, panel, Qt.Key.Key_3)
        accepted = unit(panel, moskva.key)
        assert accepted.gold == accepted.versions[THIRD] and accepted.mark == "adjudicated"
        hint: list[str] = []
        panel.hint.connect(hint.append)
        qtbot.keyClick(panel.queue, Qt.Key.Key_4)
        assert hint == ["There is no annotator 4 (1–3)"]


@pytest.mark.parametrize("theme_name", ["light", "dark"])
def test_state_colours_and_panes_read_in_both_palettes(
        qtbot: QtBot, demo: Project, tmp_path: Path, theme_name: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from akkord.gui import theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette, sheet = app.palette(), app.styleSheet()
    monkeypatch.setenv("AKKORD_THEME", theme_name)
    colors = theme.apply(app)
    try:
        window = gold_window(qtbot, demo)
        window.resize(1480, 980)
        panel = open_curation(qtbot, window)
        choose(panel, find(panel, "mention", "Moskva", "disagree"))
        qtbot.waitUntil(lambda: bool(panel.panes[0].spans))
        for colour in STATE_COLOURS.values():  # tints with dark text: AA contrast
            assert contrast(colour, TEXT_ON_COLOUR) >= 4.5
        # The pane's text keeps the palette's own contrast, whatever the scheme.
        pane = panel.panes[0].sentence
        assert contrast(pane.palette().color(pane.backgroundRole()),
                        pane.palette().color(pane.foregroundRole())) >= 4.5
        assert colors.dark == (theme_name == "dark")
        image = window.grab()
        assert image.save(str(tmp_path / f"curation-{theme_name}.png"))
        assert QColor(image.toImage().pixel(5, 5)).lightness() < 128 if colors.dark else \
            QColor(image.toImage().pixel(5, 5)).lightness() > 128
    finally:
        app.setPalette(palette)
        app.setStyleSheet(sheet)


def test_the_worker_reads_on_its_own_connection(qtbot: QtBot, project: Project,
                                                tmp_path: Path) -> None:
    """Curation on SQLite and PostgreSQL: the units come from a worker thread with its
    own engine; the step goes through the window's session."""
    from tests.services.agreement_data import ANNA, OLA, TEXT, build

    build(project, tmp_path, [ANNA, OLA])
    window = gold_window(qtbot, project)
    panel = open_curation(qtbot, window)
    moskva = choose(panel, next(u for u in panel.model.all if u.kind == "mention"
                                and u.start == TEXT.index("Moskva")))
    press(qtbot, panel, Qt.Key.Key_2)
    assert unit(panel, moskva.key).gold == moskva.versions["ola"]
    press(qtbot, panel, Qt.Key.Key_Z, CTRL)
    assert unit(panel, moskva.key).gold is None


def test_agreement_in_the_window_never_blocks_and_leads_to_the_place(
        qtbot: QtBot, demo: Project) -> None:
    from PySide6.QtCore import QTimer

    from akkord.services.agreement import ALL

    window = gold_window(qtbot, demo)
    events: list[str] = []
    qtbot.keyClick(window.view, Qt.Key.Key_A, CTRL | SHIFT)  # View → Agreement
    panel = window.modes.agreement
    assert panel is not None and panel.background.busy  # on a worker thread …
    assert panel.status.text().startswith("Computing agreement")
    panel.loaded.connect(lambda: events.append("loaded"))
    QTimer.singleShot(0, lambda: events.append("the window ran"))
    qtbot.waitUntil(lambda: panel.snapshot is not None, timeout=60_000)
    assert events == ["the window ran", "loaded"]  # … so the window kept running
    assert window.modes.agreement_dock is not None
    assert window.modes.agreement_dock.isVisible()
    report = panel.snapshot.report  # type: ignore[union-attr]
    assert report.annotators == ["Ingrid", "Ola"]  # gold is not an annotator
    view = panel.view
    value = report.value("span_f1_overlap", ALL, ("Ingrid", "Ola"))
    assert view.pairs.index(0, 1).data() == f"{value:.3f}"
    assert view.labels.row_names[-1] == ALL
    # Every disagreement is listed; Enter on one shows its place in the article.
    assert panel.model.rowCount() == len(report.disagreements) > 0
    row = next(i for i, d in enumerate(panel.model.items) if d.kind == "label")
    item = panel.model.items[row]
    panel.list.setCurrentIndex(panel.model.index(row, 0))
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert window.session.document is not None
    assert window.session.document.id == item.document
    # With curation open, it chooses the unit at that place in the queue.
    curation = open_curation(qtbot, window)
    qtbot.waitUntil(lambda: curation.idle, timeout=LOADED)
    curation.select_row(0)
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    chosen = curation.current_unit()
    assert chosen is not None and chosen.document == item.document
    assert chosen.start < item.end and item.start < chosen.end


def test_the_docks_come_back_and_the_screenshots_show_them(qtbot: QtBot, demo: Project,
                                                            tmp_path: Path) -> None:
    window = gold_window(qtbot, demo)
    open_curation(qtbot, window)
    window.modes.show_agreement()
    qtbot.waitUntil(lambda: not window.modes.agreement.background.busy,  # type: ignore[union-attr]
                    timeout=60_000)
    window.close()
    again = gold_window(qtbot, demo)  # curation and agreement were open: open again
    assert again.modes.curation is not None and again.modes.agreement is not None
    qtbot.waitUntil(lambda: again.modes.curation.idle  # type: ignore[union-attr]
                    and not again.modes.agreement.background.busy,  # type: ignore[union-attr]
                    timeout=60_000)
    again.close()
    annotator = gold_window(qtbot, demo, "Ingrid")  # curation never switches layers itself
    assert annotator.modes.curation is None and annotator.modes.agreement is not None
    qtbot.waitUntil(lambda: not annotator.modes.agreement.background.busy,  # type: ignore[union-attr]
                    timeout=60_000)
    annotator.close()
    from akkord.gui.screenshot import save_screenshots

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette, sheet = app.palette(), app.styleSheet()
    try:  # it applies the theme: put the application's look back afterwards
        written = {p.name: p for p in save_screenshots(demo, tmp_path / "shots")}
    finally:
        app.setPalette(palette)
        app.setStyleSheet(sheet)
    assert written["curation.png"].stat().st_size > 20_000
    assert written["agreement.png"].stat().st_size > 10_000
