"""Random sequences of everything an annotator does in the window, over overlapping and
nested spans: after every step the database, the document model and its span index agree.

Single calls were tested before and a freeze on deleting a nested mention still shipped:
this drives the real window's session (with the article view painting) through add,
delete, relabel, edge moves, links, new entities, merges, splits, relations, attribute
values, suggestions, undo, redo and document switches. A step that hangs is interrupted
by an alarm (SIGALRM raises :class:`StepHung` where the step is stuck), so a freeze fails
the run with its traceback instead of blocking it; no step is timed.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from akkord.domain.entities import Value
from akkord.gui.main_window import MainWindow
from akkord.store import open_project
from akkord.store.models import Document, DocumentState, EntityAlias, Mention, Relation

STEP_LIMIT_S = 30  # a step that has not returned by then hangs (hundreds of times its need)


class StepHung(Exception):
    """A step of the state machine did not return within STEP_LIMIT_S."""


def _hung(_signum: int, _frame: object) -> None:
    raise StepHung(f"a step did not return within {STEP_LIMIT_S} s")


def _arm() -> None:
    signal.signal(signal.SIGALRM, _hung)
    signal.setitimer(signal.ITIMER_REAL, STEP_LIMIT_S)
TEXTS = ("Nato-sjef Jens Stoltenberg inviterte Russland og USA til et møte i Brussel "
         "12. januar. Russlands krav om at Nato stanser utvidelsen ble avvist.",
         "Lavrov og Blinken møttes i Genève fredag. Samtalene fortsetter i Wien i neste uke. "
         "Russland og Nato svarte.")
LABELS = ("ACTOR", "DEMAND", "MEETING", "TIME", "PLACE")
RELATIONS = ("participant", "time", "claimant", "place")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "machine.akkord"
    with open_project(path, create=True) as project, project.write() as session:
        for n, text in enumerate(TEXTS):
            session.add(Document(content_hash=f"h{n}", text=text, meta={}, parts=[],
                                 title=f"Artikkel {n + 1}"))
    return path


class Annotating(RuleBasedStateMachine):
    """Each example starts from a copy of the two-article project in a new window."""

    template: Path
    qtbot: QtBot
    runs = 0

    def __init__(self) -> None:
        super().__init__()
        Annotating.runs += 1
        path = self.template.with_name(f"run{self.runs}.akkord")
        shutil.copy(self.template, path)
        self.window = MainWindow(open_project(path), "kari", suggest=False)
        self.qtbot.addWidget(self.window)
        self.window.resize(1200, 800)
        self.window.show()
        self.session = self.window.session
        self.session.open_document(1)
        _arm()

    def teardown(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.window.close()

    # -- what there is to act on ----------
    def _mentions(self) -> list[int]:
        document = self.session.document
        return sorted(document.mentions) if document else []

    def _entities(self) -> list[int]:
        return [e.id for e in self.session.service.entities()]

    # -- rules ----------
    @rule(data=st.data(), label=st.sampled_from(LABELS))
    def add(self, data: st.DataObject, label: str) -> None:
        document = self.session.document
        assert document is not None
        mentions = self._mentions()
        if mentions and data.draw(st.booleans(), label="nested or overlapping"):
            other = document.mentions[data.draw(st.sampled_from(mentions))]
            start = data.draw(st.integers(max(0, other.start - 3), other.end - 1))
        else:
            start = data.draw(st.integers(0, len(document.text) - 2))
        end = data.draw(st.integers(start + 1, min(len(document.text), start + 25)))
        self.session.add_mention(start, end, label)

    @rule(data=st.data())
    def add_the_same_again(self, data: st.DataObject) -> None:
        """The same span and label again selects the mention that is there (found among
        those overlapping it), never a second one."""
        document = self.session.document
        assert document is not None
        if self._mentions():
            there = document.mentions[data.draw(st.sampled_from(self._mentions()))]
            count = len(document.mentions)
            assert self.session.add_mention(there.start, there.end, there.label) == there.id
            assert len(document.mentions) == count

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        if self._mentions():
            self.session.delete_mention(data.draw(st.sampled_from(self._mentions())))

    @rule(data=st.data(), label=st.sampled_from(LABELS))
    def relabel(self, data: st.DataObject, label: str) -> None:
        if self._mentions():
            self.session.relabel(data.draw(st.sampled_from(self._mentions())), label)

    @rule(data=st.data(), delta=st.integers(-4, 4), edge=st.sampled_from(["start", "end"]))
    def move_edge(self, data: st.DataObject, delta: int, edge: str) -> None:
        document = self.session.document
        if document is None or not self._mentions():
            return
        mention = document.mentions[data.draw(st.sampled_from(self._mentions()))]
        start = mention.start + delta if edge == "start" else mention.start
        end = mention.end + delta if edge == "end" else mention.end
        if 0 <= start < end <= len(document.text):
            self.session.set_span(mention.id, start, end)

    @rule(data=st.data())
    def link(self, data: st.DataObject) -> None:
        if self._mentions() and self._entities():
            self.session.link(data.draw(st.sampled_from(self._mentions())),
                              data.draw(st.sampled_from([None, *self._entities()])))

    @rule(data=st.data(), name=st.sampled_from(["Nato", "Russland", "Møtet", "Kravet"]))
    def link_new(self, data: st.DataObject, name: str) -> None:
        if self._mentions():
            self.session.link_new(data.draw(st.sampled_from(self._mentions())), name)

    @rule(data=st.data())
    def split(self, data: st.DataObject) -> None:
        if self._mentions():
            self.session.split(data.draw(st.sampled_from(self._mentions())))

    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        entities = self.session.service.entities()
        if len(entities) >= 2:
            keep, drop = data.draw(st.lists(st.sampled_from(entities), min_size=2,
                                            max_size=2, unique_by=lambda e: e.id))
            self.session.merge(keep, drop)

    @rule(data=st.data(), type_=st.sampled_from(RELATIONS))
    def relate(self, data: st.DataObject, type_: str) -> None:
        if len(self._mentions()) >= 2:
            head, tail = data.draw(st.lists(st.sampled_from(self._mentions()), min_size=2,
                                            max_size=2, unique=True))
            self.session.add_relation(type_, head, tail)

    @rule(data=st.data())
    def unrelate(self, data: st.DataObject) -> None:
        document = self.session.document
        if document is not None and document.relations:
            self.session.delete_relation(data.draw(st.sampled_from(sorted(document.relations))))

    @rule(data=st.data(), status=st.sampled_from(["held", "planned", "cancelled"]))
    def set_status_value(self, data: st.DataObject, status: str) -> None:
        meetings = self.session.service.entities("meeting")
        if meetings:
            meeting = data.draw(st.sampled_from(meetings))
            self.session.set_attribute(meeting, "status", [Value(text=status)])

    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        if self._mentions():
            self.session.accept(data.draw(st.sampled_from(self._mentions())))

    @rule(data=st.data(), project_wide=st.booleans(), word=st.sampled_from(
        ["Nato", "Russland", "Russlands", "i"]))
    def find_every_occurrence(self, data: st.DataObject, project_wide: bool, word: str
                              ) -> None:
        """Annotate all: a word that occurs again, or any mention; its other occurrences
        (and inflections) become suggestions."""
        document = self.session.document
        assert document is not None
        at = document.text.find(f"{word} ")
        if at >= 0 and data.draw(st.booleans(), label="a word that recurs"):
            label = data.draw(st.sampled_from(LABELS), label="label")
            mention = self.session.add_mention(at, at + len(word), label)
        elif self._mentions():
            mention = data.draw(st.sampled_from(self._mentions()))
        else:
            return
        if mention is None:
            return
        found = self.session.find_occurrences(mention, project_wide=project_wide)
        if found and data.draw(st.booleans(), label="review them at once"):
            self.session.review(found, accept=data.draw(st.booleans(), label="accept"))

    @rule(accept=st.booleans())
    def review_all(self, accept: bool) -> None:
        """Accept all / reject all of the open document's pending suggestions."""
        document = self.session.document
        assert document is not None
        pending = [m.id for m in document.mentions.values() if m.status == "suggested"]
        self.session.review(pending, accept=accept)

    @rule(data=st.data())
    def review_one(self, data: st.DataObject) -> None:
        document = self.session.document
        assert document is not None
        pending = [m.id for m in document.mentions.values() if m.status == "suggested"]
        if pending:
            self.session.review([data.draw(st.sampled_from(pending))],
                                accept=data.draw(st.booleans()))

    @rule(data=st.data())
    def select(self, data: st.DataObject) -> None:
        self.session.select(data.draw(st.sampled_from([None, *self._mentions()])))

    @rule()
    def mark_done_or_not(self) -> None:
        """Ctrl+D: done, or back in progress."""
        self.window.run_action("toggle-done")

    @rule()
    def undo(self) -> None:
        self.session.undo_stack.undo()

    @rule()
    def redo(self) -> None:
        self.session.undo_stack.redo()

    @rule(doc_id=st.sampled_from([1, 2]))
    def switch(self, doc_id: int) -> None:
        self.session.open_document(doc_id)

    # -- what must hold after every step ----------
    @invariant()
    def database_model_and_index_agree(self) -> None:
        _arm()  # for the next step
        document = self.session.document
        assert document is not None
        layer = self.session.service.annotator_id
        with self.session.project.read() as db:
            stored = {row.id: (row.start, row.end, row.label, row.status, row.entity_id)
                      for row in db.execute(select(Mention).where(
                          Mention.document_id == document.id,
                          Mention.annotator_id == layer)).scalars()}
            relations = {r.id: (r.type, r.head_id, r.tail_id) for r in db.execute(
                select(Relation).where(Relation.annotator_id == layer,
                                       Relation.head_id.in_(list(stored)))).scalars()}
        shown = {m.id: (m.start, m.end, m.label, m.status, m.entity_id)
                 for m in document.mentions.values()}
        assert shown == stored
        assert {r.id: (r.type, r.head, r.tail) for r in document.relations.values()} \
            == relations
        assert set(document.index.keys()) == set(stored)
        for mention_id, (start, end, *_rest) in stored.items():
            assert document.index.span(mention_id) == (start, end)
            assert mention_id in document.index.at(start)
        selected = self.session.selected
        assert selected is None or selected in stored

    @invariant()
    def remembered_aliases_are_distinct_and_shown(self) -> None:
        """Linking remembers forms: never the same alias twice for an entity (case-folded),
        and the session shows what is stored."""
        with self.session.project.read() as db:
            rows = db.execute(select(EntityAlias.entity_id, EntityAlias.alias,
                                     EntityAlias.folded).order_by(EntityAlias.id)).all()
        keys = [(entity, folded) for entity, _alias, folded in rows]
        assert len(keys) == len(set(keys))
        for entity_id in {entity for entity, _a, _f in rows}:
            shown = self.session.entity(entity_id)
            assert shown is not None
            assert list(shown.aliases) == [a for e, a, _f in rows if e == entity_id]


    @invariant()
    def progress_shows_the_stored_count_of_done_documents(self) -> None:
        """The status bar re-counts only when a document became done or stopped being so;
        it must still say what is stored."""
        layer = self.session.service.annotator_id
        with self.session.project.read() as db:
            done = db.scalar(select(func.count()).select_from(DocumentState).where(
                DocumentState.annotator_id == layer, DocumentState.status == "done"))
        assert self.window.progress_label.text().strip() == f"{done} of {len(TEXTS)} done"

    @invariant()
    def entity_lists_and_inspector_show_what_is_stored(self) -> None:
        """The entity list updates only the rows an edit changed, from what the edit read
        back; whatever happened, its rows must be those a full read gives, and the
        inspector's entity the stored one."""
        panel, document = self.window.entities, self.session.document
        assert document is not None
        stored = {e.id: e for e in self.session.service.entities(None, document.id)}
        for kind, tab in panel.kind_tabs.items():
            assert {e.id: e for e in tab.model.rows} == \
                {i: e for i, e in stored.items() if e.kind == kind}
        shown = self.window.inspector.entity
        if shown is not None:
            assert shown == self.session.service.entity(shown.id)


def test_random_editing_keeps_database_model_and_index_in_step(qtbot: QtBot,
                                                               project_path: Path) -> None:
    Annotating.template, Annotating.qtbot = project_path, qtbot
    previous = signal.getsignal(signal.SIGALRM)
    try:
        run_state_machine_as_test(Annotating, settings=settings(
            max_examples=20, stateful_step_count=30, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
