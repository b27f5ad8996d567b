"""Where the effort replay's actions go (``run.py effort_why``): the breakdown accounts
for every counted action, on the demo's first documents, through the window's session."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from akkord.gui.effort_replay import SessionReplay
from akkord.services.demo import create_demo
from akkord.services.suggesting.effort import gold_documents
from akkord.store import open_project


def test_the_breakdown_adds_up_to_the_actions_counted(qtbot: QtBot, tmp_path: Path) -> None:
    demo, _ = create_demo(tmp_path / "demo.akkord")
    with open_project(demo) as project, project.read() as session:
        documents = gold_documents(session)[:3]
    with open_project(tmp_path / "why.akkord", create=True) as project:
        replay = SessionReplay(project, documents, suggestions=True)
        effort = replay.run()
    why = replay.why
    assert effort.actions > 0
    assert sum(why.actions.values()) == effort.actions
    assert why.actions["by hand: span and label DEMAND"] > 0
    assert why.counts["review list opened (Ctrl+R)"] == 3  # each document had suggestions
    accepted = sum(n for key, n in why.counts.items() if key.startswith("suggestion accepted"))
    relinked = sum(n for key, n in why.counts.items() if key.startswith("suggestion relinked"))
    assert accepted + relinked == effort.accepted
    assert len([m for m in why.misses if m.startswith(("ACTOR", "MEETING", "DEMAND",
                                                       "PLACE"))]) == \
        effort.picker_seen - effort.picker_top1
