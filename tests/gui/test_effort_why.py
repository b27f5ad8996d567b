"""Where the effort replay's actions go (``run.py effort_why``): the breakdown accounts
for every counted action, on the demo's first documents, through the window's session."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from akkord.gui.effort_replay import SessionReplay, _moves
from akkord.services.demo import create_demo
from akkord.services.suggesting.effort import GoldDocument, GoldMention, gold_documents
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
    adjusted = sum(n for key, n in why.counts.items() if key.startswith("suggestion adjusted"))
    relabelled = sum(n for key, n in why.counts.items()
                     if key.startswith("suggestion relabelled"))
    assert accepted + relinked + adjusted + relabelled == effort.accepted
    # "Ukraina" proposed as the state where the layer marks the area: relabelled from the
    # review list (its label key, then the picker), not rejected and marked again
    assert relabelled == effort.relabelled > 0
    assert why.counts["suggestion relabelled ACTOR→PLACE (alias)"] > 0
    # "skriftlig svar" suggested where the mention is "et skriftlig svar": moved, not
    # rejected and marked again, each cheaper than that would have been
    assert adjusted == effort.adjusted > 0
    assert len([m for m in why.misses if m.startswith(("ACTOR", "MEETING", "DEMAND",
                                                       "PLACE"))]) == \
        effort.picker_seen - effort.picker_top1


def test_an_adjustment_counts_the_word_moves_the_window_makes() -> None:
    text = "Blinken lovet et skriftlig svar i går, sa Nato-sjefen."

    def at(part: str) -> tuple[int, int]:
        start = text.index(part)
        return start, start + len(part)

    start, end = at("skriftlig svar")
    assert _moves(text, start, end, *at("et skriftlig svar")) == 1
    assert _moves(text, start, end, *at("skriftlig svar i går")) == 2
    assert _moves(text, start, end, *at("svar i")) == 2  # widened before narrowed
    assert _moves(text, start, end, *at("skriftlig sv")) is None  # part of a word
    assert _moves(text, *at("Nato-sjefen"), *at("Nato")) is None


def test_the_replay_counts_the_pickers_rows_reached_by_arrow_keys(qtbot: QtBot,
                                                                  tmp_path: Path) -> None:
    """The picker's ↓ / ↑ then Enter is the window's own gesture (tested in
    test_suggestions_window): the replay counts it by default, a key per row moved, when
    it is cheaper than typing the name ("Den russiske regjeringen", listed below the
    embassy, is ↓ ↓ Enter rather than 14 letters and Enter)."""
    text = "Regjeringen svarte. Ambassaden svarte. Kravet kom fra regjeringen i går."

    def mention(word: str, name: str) -> GoldMention:
        start = text.index(word)
        return GoldMention(start, start + len(word), "ACTOR", name, name, "actor")

    gold = GoldDocument(text, "t", None, {}, (
        mention("Regjeringen", "Den russiske regjeringen"),
        mention("Ambassaden", "Den russiske ambassaden"),
        mention("Kravet", "Den russiske regjeringen")), 0)
    costs = {}
    for arrows in (None, True, False):
        with open_project(tmp_path / f"{arrows}.akkord", create=True) as project:
            replay = SessionReplay(project, [gold], suggestions=False) if arrows is None \
                else SessionReplay(project, [gold], suggestions=False, arrows=arrows)
            costs[arrows] = replay.run().actions
    assert costs[None] == costs[True] < costs[False] - 10
