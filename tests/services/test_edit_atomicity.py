"""Kill the process between any two statements of an edit: the project holds all of the
edit or none of it (never half), for every kind of edit, undos included.

Edits are data, so the parent builds each one (undos too, from a real inverse) and hands
it to a child process, which applies it and SIGKILLs itself just before its k-th SQL
statement (or just before COMMIT). After each kill the project must pass SQLite's
integrity and foreign-key checks and export to exactly the bytes of "before" or "after".
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.domain.statuses import GOLD
from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.curation import curation_units
from akkord.services.edits import Edit
from akkord.services.edits.curation import (
    AcceptVersion,
    ConfirmDocument,
    MarkUnresolved,
    RejectUnit,
    UnitRef,
)
from akkord.services.exporting import export_jsonl
from akkord.services.suggesting import ALIAS, OCCURRENCE, Suggestion
from akkord.services.suggesting.edits import (
    AcceptSuggestions,
    AddSuggestions,
    ForgetAlias,
    RejectSuggestions,
    RememberAlias,
)
from akkord.store import Project, open_project
from akkord.store.models import Document
from tests.services.editing import add, new_entity

TEXT = ("Nato-sjef Jens Stoltenberg inviterte Russland til et møte i Brussel 12. januar. "
        "Russland krevde svar innen fredag.")
MAX_POINTS = 10  # kill points per edit kind (all of them when there are fewer statements)


def _at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def _base(path: Path) -> dict[str, int]:
    """A project with two documents, entities, mentions, a relation and a filled value."""
    with open_project(path, create=True) as project:
        with project.write() as session:
            for n in (1, 2):
                session.add(Document(content_hash=f"h{n}", text=TEXT, meta={}, parts=[],
                                     title=f"Artikkel {n}", date_value="2022-01"))
        kari = Annotation(project, "kari")
        ids = {"nato": new_entity(kari, "actor", "Nato"),
               "jens": new_entity(kari, "actor", "Jens Stoltenberg", ("Nato-sjefen",)),
               "meeting": new_entity(kari, "meeting", "Møtet i Brussel"),
               "spare": new_entity(kari, "actor", "Ubrukt")}
        ids["actor"] = add(kari, 1, _at("Jens Stoltenberg"), "ACTOR", entity_id=ids["jens"])
        ids["talk"] = add(kari, 1, _at("et møte"), "MEETING", entity_id=ids["meeting"])
        ids["time"] = add(kari, 1, _at("12. januar"), "TIME", values={
            "date": (Value(date=PartialDate.parse("2022-01-12")),)})
        ids["nato-1"] = add(kari, 1, _at("Nato"), "ACTOR")
        ids["nato-2"] = add(kari, 2, _at("Nato"), "ACTOR")
        ids["friday"] = add(kari, 2, _at("fredag"), "TIME", status="suggested")
        ids["sjef"] = add(kari, 2, _at("Nato-sjef Jens Stoltenberg"), "ACTOR",
                          status="suggested", entity_id=ids["jens"])
        kari.apply(edits.AddRelation("participant", ids["actor"], ids["talk"]))
        ids["relation"] = kari.load_document(1).relations[0].id
    return ids


def _cases(ids: dict[str, int]) -> dict[str, Edit]:
    i = ids
    return {
        "add mention": edits.AddMention(2, *_at("Brussel"), "PLACE"),
        "delete mention": edits.DeleteMention(i["actor"]),
        "link": edits.UpdateMention(i["friday"], status="accepted"),
        "mention values": edits.SetMentionValues(i["time"], "date", (
            Value(date=PartialDate.parse("2022-W02")),)),
        "link many": edits.LinkMentions(((i["nato-1"], i["nato"]), (i["nato-2"], i["nato"]))),
        "create entity": edits.CreateEntity("actor", "USA", ("Washington",)),
        "delete entity": edits.DeleteEntity(i["spare"]),
        "rename": edits.RenameEntity(i["nato"], "NATO"),
        "aliases": edits.SetAliases(i["jens"], ("Stoltenberg", "generalsekretæren")),
        "attribute": edits.SetAttribute(i["meeting"], "status", (Value(text="held"),)),
        "merge": edits.MergeEntities(i["nato"], i["jens"]),
        "link to new": edits.LinkToNewEntity(i["nato-1"], "Alliansen"),
        "relation that fills": edits.AddRelation("time", i["time"], i["talk"]),
        "delete relation": edits.DeleteRelation(i["relation"]),
        "status": edits.SetStatus(2, "done"),
        "publication date": edits.SetPublicationDate(2, PartialDate.parse("2022-01-20")),
        "add suggestions": AddSuggestions(2, (
            Suggestion(*_at("Brussel"), "PLACE", ALIAS, None, 0.9, 0.9),
            Suggestion(*_at("Russland"), "ACTOR", OCCURRENCE, i["nato"], 0.7, 0.1))),
        "remember alias": RememberAlias(i["nato"], "alliansen"),
        "forget alias": ForgetAlias(i["jens"], "Nato-sjefen"),
        "accept suggestions": AcceptSuggestions((i["friday"], i["sjef"])),
        "reject suggestions": RejectSuggestions((i["friday"], i["sjef"])),
    }


_UNDONE = ("delete mention", "merge", "link to new", "relation that fills", "delete entity",
           "add suggestions", "forget alias", "accept suggestions", "accept version",
           "accept record slot", "reject unit", "confirm document")


def _curation_base(path: Path) -> None:
    """Three annotators' layers (tests/services/agreement_data.py) and a gold layer with
    the first document confirmed and Anna's "Moskva" accepted."""
    from tests.services.agreement_data import ANNA, OLA, PER, build

    with open_project(path, create=True) as project:
        build(project, path.parent, [ANNA, OLA, PER])
        gold = Annotation(project, GOLD, author="kari")
        gold.apply(ConfirmDocument(1))
        gold.apply(AcceptVersion(_ref(project, "mention", "Moskva"), "anna"))


def _ref(project: Project, kind: str, words: str, document: int = 1,
         label: str | None = None) -> UnitRef:
    from tests.services.agreement_data import SECOND
    from tests.services.agreement_data import TEXT as FIRST

    start = (FIRST if document == 1 else SECOND).index(words)
    with project.read() as session:
        units = curation_units(session, project.schema)
    return UnitRef.of(next(u for u in units if u.kind == kind and u.document == document
                           and u.start == start and (label is None or u.label == label)))


def _curation_cases(project: Project) -> dict[str, Edit]:
    return {
        "accept version": AcceptVersion(_ref(project, "mention", "garantier"), "ola"),
        "accept record slot": AcceptVersion(_ref(project, "record", "møtet i Genève",
                                                 label="meeting.participants"), "anna"),
        "reject unit": RejectUnit(_ref(project, "mention", "Nato"), "not here"),
        "mark unresolved": MarkUnresolved(_ref(project, "value", "10. januar"), "uka?"),
        "confirm document": ConfirmDocument(2),
    }


CURATION = ("accept version", "accept record slot", "reject unit", "mark unresolved",
            "confirm document")


def _child(path: str, edit: Edit, kill_at: int, counts: Any, layer_name: str) -> None:
    """Apply ``edit``; SIGKILL just before statement ``kill_at`` (0: never)."""
    from sqlalchemy import event

    project = open_project(path)
    layer = Annotation(project, layer_name, author="kari")
    seen = [0]

    def step(*_args: object) -> None:
        seen[0] += 1
        if seen[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(project.db.engine, "before_cursor_execute", step)
    event.listen(project.db.engine, "commit", step)
    layer.apply(edit)
    counts.put(seen[0])
    project.close()


def _run(context: Any, path: Path, edit: Edit, kill_at: int, layer: str = "kari"
         ) -> tuple[int | None, int]:
    counts = context.Queue()
    child = context.Process(target=_child, args=(str(path), edit, kill_at, counts, layer))
    child.start()
    child.join(120)
    count = counts.get(timeout=5) if child.exitcode == 0 else None
    return count, child.exitcode


def _export(path: Path, out: Path) -> bytes:
    """The native export, and the curation marks (a rejected unit's mark has no span)."""
    with open_project(path) as project:
        export_jsonl(project, out)
    with sqlite3.connect(path) as conn:
        marks = conn.execute("SELECT id, key, document_id, kind, mark, note, curator_id, "
                             "mention_id, relation_id, updated_at FROM curation_marks "
                             "ORDER BY id").fetchall()
    return out.read_bytes() + repr(marks).encode()


def _sound(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def _points(count: int) -> list[int]:
    if count <= MAX_POINTS:
        return list(range(1, count + 1))
    step = count / MAX_POINTS
    return sorted({1, count, *(int(1 + k * step) for k in range(MAX_POINTS))})


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    # forkserver: children start from a clean, single-threaded process (no Qt, no pool).
    # Python 3.11's forkserver ignores the parent's sys.path: give it this checkout's.
    repo = Path(__file__).resolve().parents[2]
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(repo / "desktop"), str(repo)])
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["akkord.services.annotation", "akkord.services.edits",
                                "akkord.services.exporting", "tests.services.test_edit_atomicity"])
    try:
        yield ctx
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def _prepare(tmp_path: Path, name: str) -> tuple[Path, Edit, str]:
    base = tmp_path / "base.akkord"
    case = name.removeprefix("undo ")
    layer = GOLD if case in CURATION else "kari"
    if case in CURATION:
        _curation_base(base)
        with open_project(base) as project:
            edit = _curation_cases(project)[case]
    else:
        edit = _cases(_base(base))[case]
    if name.startswith("undo "):
        with open_project(base) as project:
            edit = Annotation(project, layer, author="kari").apply(edit).inverse
    return base, edit, layer


CASES = [*_cases(dict.fromkeys(("nato", "jens", "meeting", "spare", "actor", "talk", "time",
                                 "nato-1", "nato-2", "friday", "sjef", "relation"), 0)),
         *CURATION, *(f"undo {n}" for n in _UNDONE)]


@pytest.mark.parametrize("name", CASES)
def test_a_kill_at_any_statement_leaves_all_or_nothing(context: Any, tmp_path: Path,
                                                        name: str) -> None:
    base, edit, layer = _prepare(tmp_path, name)
    before = _export(base, tmp_path / "before.jsonl")
    done = tmp_path / "done.akkord"
    shutil.copy(base, done)
    count, code = _run(context, done, edit, 0, layer)
    assert code == 0 and count is not None
    after = _export(done, tmp_path / "after.jsonl")
    assert after != before, f"{name} changed nothing"
    for kill_at in _points(count):
        trial = tmp_path / f"kill{kill_at}.akkord"
        shutil.copy(base, trial)
        _, code = _run(context, trial, edit, kill_at, layer)
        assert code == -signal.SIGKILL, f"{name}: the child was not killed at {kill_at}"
        _sound(trial)
        state = _export(trial, tmp_path / f"kill{kill_at}.jsonl")
        # Every kill point is before COMMIT (the last one is the commit itself).
        assert state == before, f"{name}: half an edit after a kill at {kill_at} of {count}"
