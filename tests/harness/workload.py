"""Operations the harness performs and verifies: imports, exports, new projects, edits.

An :class:`Operation` has three parts, so a process can be killed at any moment and the
outcome still judged:

* ``plan(ctx, rng) -> dict``: what it is about to do, as JSON (printed *before* it starts);
* ``run(ctx, plan) -> dict``: do it through Akkord's own code path; what it returns is
  what it *acknowledged* (printed after it returned);
* ``verify(project, plan, ack) -> list[str]``: problems found afterwards. With ``ack``
  the operation was acknowledged and must be present whole; with ``ack=None`` it was in
  flight when the process died and must be present whole or not at all.

Plug a new kind (the lead's edit path) into :data:`OPERATIONS`; ``EditOperation`` wraps
a callable ``(project, rng) -> ack`` for edits whose verification is generic.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, select, text

from akkord.errors import AkkordError
from akkord.store import Project, open_project
from akkord.store.invariants import check_invariants, sqlite_checks
from akkord.store.models import Document, Entity, Mention, Relation

WORDS = ("Nato", "Russland", "møtet", "Genève", "krav", "sikkerhetsgarantier", "samtaler",
         "utenriksminister", "Blinken", "Lavrov", "Brussel", "Wien", "OSSE", "avtale",
         "fredag", "onsdag", "januar", "uttalte", "ifølge", "kilder", "forhandlingene")


@dataclass
class Context:
    """What an operation may use: the open project, the work folder, a counter."""

    project: Project
    folder: Path
    tag: str  # unique per driver process (names files and entities)
    counter: int = 0

    def next_name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.tag}-{self.counter}"


class Operation(Protocol):
    kind: str

    def plan(self, ctx: Context, rng: random.Random) -> dict[str, Any]: ...

    def run(self, ctx: Context, plan: dict[str, Any]) -> dict[str, Any]: ...

    def verify(self, project: Project, plan: dict[str, Any],
               ack: dict[str, Any] | None) -> list[str]: ...


# -- the corpus ---------------------------------------------------------------------------

def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def document_line(external_id: str, rng: random.Random) -> dict[str, Any]:
    """A native JSONL document: an ACTOR linked to a new actor, a MEETING linked to a new
    meeting, a participant relation between them, a state; its text is unique."""
    actor = f"Aktør {external_id}"
    meeting = f"møte {external_id}"
    filler = sentence(rng, rng.randint(5, 40))
    body = f"{actor} deltok på {meeting}. {filler}"
    a_start = 0
    m_start = body.index(meeting)
    return {
        "id": external_id, "text": body, "meta": {"title": f"Sak {external_id}"},
        "spans": [
            {"id": "a", "start": a_start, "end": len(actor), "label": "ACTOR",
             "entity": f"actor/{external_id}"},
            {"id": "m", "start": m_start, "end": m_start + len(meeting), "label": "MEETING",
             "entity": f"meeting/{external_id}"},
        ],
        "relations": [{"from_id": "a", "to_id": "m", "type": "participant"}],
        "states": {"gold": "in progress"},
    }


def entity_lines(external_id: str) -> list[dict[str, Any]]:
    return [
        {"type": "entity", "key": f"actor/{external_id}", "kind": "actor",
         "name": f"Aktør {external_id}", "aliases": [f"A {external_id}"],
         "values": [{"attribute": "kind", "text": "person"}]},
        {"type": "entity", "key": f"meeting/{external_id}", "kind": "meeting",
         "name": f"Møte {external_id}", "values": [{"attribute": "kind", "text": "talks"}]},
    ]


def write_import_file(path: Path, ids: list[str], rng: random.Random) -> None:
    lines: list[dict[str, Any]] = []
    for external_id in ids:
        lines.extend(entity_lines(external_id))
    lines.extend(document_line(external_id, rng) for external_id in ids)
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                    encoding="utf-8")


# -- imports -------------------------------------------------------------------------------

@dataclass
class ImportOperation:
    """Import a new JSONL file of 1–N documents (each 2 mentions, 1 relation, 2 new
    entities), or import again a file imported before (must add nothing)."""

    kind: str = "import"
    max_documents: int = 40
    files: list[dict[str, Any]] = field(default_factory=list)  # acknowledged plans

    def plan(self, ctx: Context, rng: random.Random) -> dict[str, Any]:
        if self.files and rng.random() < 0.15:
            again = rng.choice(self.files)
            return {**again, "again": True}
        name = ctx.next_name("import")
        count = rng.randint(1, self.max_documents)
        ids = [f"{name}-{i}" for i in range(count)]
        path = ctx.folder / f"{name}.jsonl"
        write_import_file(path, ids, rng)
        return {"file": str(path), "ids": ids, "again": False}

    def run(self, ctx: Context, plan: dict[str, Any]) -> dict[str, Any]:
        from akkord.services.importing import import_paths

        report = import_paths(ctx.project, [Path(plan["file"])])
        if report.rejected:
            raise AssertionError(f"generated file rejected: {report.problems[:3]}")
        self.files.append({k: v for k, v in plan.items() if k != "again"})
        return {"documents": report.total("documents"), "existing": report.total("existing")}

    def verify(self, project: Project, plan: dict[str, Any],
               ack: dict[str, Any] | None) -> list[str]:
        ids = plan["ids"]
        with project.read() as session:
            gold = Project.find_annotator(session, "gold") or -1
            docs = dict(session.execute(
                select(Document.external_id, func.count()).where(
                    Document.external_id.in_(ids)).group_by(Document.external_id)).all())
            per_doc = dict(session.execute(
                select(Document.external_id, func.count(Mention.id))
                .join(Mention, Mention.document_id == Document.id)
                .where(Document.external_id.in_(ids), Mention.annotator_id == gold)
                .group_by(Document.external_id)).all())
            relations = session.scalar(
                select(func.count(Relation.id)).join(Mention, Mention.id == Relation.head_id)
                .join(Document, Document.id == Mention.document_id)
                .where(Document.external_id.in_(ids), Relation.annotator_id == gold)) or 0
            entities = session.scalar(select(func.count(Entity.id)).where(
                Entity.key.in_([f"{k}/{i}" for i in ids for k in ("actor", "meeting")]))) or 0
        problems = []
        present = len(docs)
        if any(n != 1 for n in docs.values()):
            problems.append(f"{plan['file']}: a document imported twice")
        if ack is None and present not in (0, len(ids)):
            problems.append(f"{plan['file']}: half imported ({present} of {len(ids)} "
                            "documents) after a kill")
        if ack is not None and present != len(ids):
            problems.append(f"{plan['file']}: acknowledged, but {present} of {len(ids)} "
                            "documents present")
        if present == len(ids):
            wrong = [i for i in ids if per_doc.get(i) != 2]
            if wrong or relations != len(ids) or entities != 2 * len(ids):
                problems.append(f"{plan['file']}: documents present but annotations not "
                                f"whole ({len(wrong)} with wrong mention counts, "
                                f"{relations} relations, {entities} entities)")
        return problems


# -- exports -------------------------------------------------------------------------------

@dataclass
class ExportOperation:
    """Export the project as native JSONL (a file) or brat (a folder) to a new target."""

    kind: str = "export"

    def plan(self, ctx: Context, rng: random.Random) -> dict[str, Any]:
        fmt = "brat" if rng.random() < 0.2 else "jsonl"
        name = ctx.next_name("export")
        suffix = "" if fmt == "brat" else ".jsonl"
        return {"format": fmt, "out": str(ctx.folder / "exports" / f"{name}{suffix}")}

    def run(self, ctx: Context, plan: dict[str, Any]) -> dict[str, Any]:
        from akkord.services.exporting import export

        out = Path(plan["out"])
        out.parent.mkdir(exist_ok=True)
        report = export(ctx.project, plan["format"], out)
        return {"documents": report.documents, "sha256": _digest(out)}

    def verify(self, project: Project, plan: dict[str, Any],
               ack: dict[str, Any] | None) -> list[str]:
        out = Path(plan["out"])
        if ack is not None:
            if not out.exists():
                return [f"{out}: acknowledged export is missing"]
            if _digest(out) != ack["sha256"]:
                return [f"{out}: acknowledged export changed"]
            return []
        if not out.exists():
            return []
        return [] if _complete(out, plan["format"]) else [f"{out}: a partial export at the "
                                                          "target after a kill"]


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in files:
        sha.update(str(item.relative_to(path) if path.is_dir() else item.name).encode())
        sha.update(item.read_bytes())
    return sha.hexdigest()


def _complete(out: Path, fmt: str) -> bool:
    if fmt == "brat":
        from akkord.services.atomic import EXPORT_MARKER

        return (out / EXPORT_MARKER).exists()
    data = out.read_bytes()
    if not data.endswith(b"\n"):
        return False
    try:
        lines = [json.loads(line) for line in data.splitlines()]
    except ValueError:
        return False
    return bool(lines) and lines[0].get("type") == "akkord"


# -- new projects ----------------------------------------------------------------------------

@dataclass
class InitOperation:
    """``akkord init`` of a new project file beside the main one."""

    kind: str = "init"

    def plan(self, ctx: Context, rng: random.Random) -> dict[str, Any]:
        return {"path": str(ctx.folder / f"{ctx.next_name('new')}.akkord")}

    def run(self, ctx: Context, plan: dict[str, Any]) -> dict[str, Any]:
        with open_project(Path(plan["path"]), create=True):
            pass
        return {}

    def verify(self, project: Project, plan: dict[str, Any],
               ack: dict[str, Any] | None) -> list[str]:
        path = Path(plan["path"])
        if not path.exists():
            return [f"{path}: acknowledged new project is missing"] if ack is not None else []
        try:
            with open_project(path) as opened, opened.db.connect_read() as conn:
                found = sqlite_checks(conn) + check_invariants(conn)
        except AkkordError as exc:
            return [f"{path}: a new project left broken after a kill: {exc}"]
        return [f"{path}: {f}" for f in found]


# -- edits -----------------------------------------------------------------------------------

EDITOR = "crash-editor"


def _pick_document(project: Project, rng: random.Random) -> tuple[int, int] | None:
    with project.read() as session:
        top = session.scalar(select(func.max(Document.id)))
        if top is None:
            return None
        row = session.execute(select(Document.id, func.length(Document.text))
                              .where(Document.id >= rng.randint(1, top))
                              .order_by(Document.id).limit(1)).first()
    return (int(row[0]), int(row[1])) if row else None


@dataclass
class MentionEdit:
    """The window's "select text, press a label key" in the editor's layer (one
    transaction, through :class:`tests.harness.editing.Editor`)."""

    kind: str = "edit-mention"

    def plan(self, ctx: Context, rng: random.Random) -> dict[str, Any]:
        found = _pick_document(ctx.project, rng)
        if found is None:
            return {"skip": True}
        doc, length = found
        start = rng.randrange(0, max(length - 1, 1))
        end = min(length, start + rng.randint(1, 12))
        return {"document": doc, "start": start, "end": end, "label": "ACTOR"}

    def run(self, ctx: Context, plan: dict[str, Any]) -> dict[str, Any]:
        from tests.harness.editing import Editor

        if plan.get("skip"):
            return {}
        mention = Editor(ctx.project, EDITOR).add_mention(
            plan["document"], plan["start"], plan["end"], plan["label"])
        return {"id": mention}

    def verify(self, project: Project, plan: dict[str, Any],
               ack: dict[str, Any] | None) -> list[str]:
        if plan.get("skip") or ack is None:
            return []  # one row: present or not, nothing can be half
        with project.read() as session:
            row = session.get(Mention, ack["id"])
            ok = row is not None and (row.document_id, row.start, row.end, row.label) == (
                plan["document"], plan["start"], plan["end"], plan["label"])
        return [] if ok else [f"acknowledged mention {ack['id']} missing or changed"]


@dataclass
class UnitEdit:
    """One unit of work of several rows, as the new edit path commits a user action: a
    new meeting entity, two mentions in one document linked to it and to a new actor, a
    participant relation — in one ``project.write()``. All or nothing, by its tag."""

    kind: str = "edit-unit"

    def plan(self, ctx: Context, rng: random.Random) -> dict[str, Any]:
        found = _pick_document(ctx.project, rng)
        if found is None or found[1] < 4:
            return {"skip": True}
        doc, length = found
        return {"document": doc, "tag": ctx.next_name("unit"), "length": length}

    def run(self, ctx: Context, plan: dict[str, Any]) -> dict[str, Any]:
        if plan.get("skip"):
            return {}
        project = ctx.project
        with project.write() as session:
            annotator = Project.annotator_id(session, EDITOR)
            tag = plan["tag"]
            meeting = Entity(key=f"meeting/{tag}", kind="meeting", name=tag)
            actor = Entity(key=f"actor/{tag}", kind="actor", name=tag)
            session.add_all([meeting, actor])
            session.flush()
            head = Mention(document_id=plan["document"], annotator_id=annotator, start=0,
                           end=1, label="ACTOR", entity_id=actor.id)
            tail = Mention(document_id=plan["document"], annotator_id=annotator, start=2,
                           end=plan["length"], label="MEETING", entity_id=meeting.id)
            session.add_all([head, tail])
            session.flush()
            session.add(Relation(annotator_id=annotator, type="participant",
                                 head_id=head.id, tail_id=tail.id))
        return {}

    def verify(self, project: Project, plan: dict[str, Any],
               ack: dict[str, Any] | None) -> list[str]:
        if plan.get("skip"):
            return []
        tag = plan["tag"]
        with project.read() as session:
            entities = session.scalar(select(func.count(Entity.id)).where(
                Entity.key.in_([f"meeting/{tag}", f"actor/{tag}"]))) or 0
            mentions = session.scalar(select(func.count(Mention.id)).join(
                Entity, Entity.id == Mention.entity_id).where(
                Entity.key.in_([f"meeting/{tag}", f"actor/{tag}"]))) or 0
            relations = session.scalar(text(
                "SELECT count(*) FROM relations r JOIN mentions m ON m.id = r.head_id "
                "JOIN entities e ON e.id = m.entity_id WHERE e.key = :k"),
                {"k": f"actor/{tag}"}) or 0
        parts = (entities, mentions, relations)
        if parts == (2, 2, 1):
            return []
        if parts == (0, 0, 0) and ack is None:
            return []
        state = "acknowledged but" if ack is not None else "after a kill,"
        return [f"unit edit {tag}: {state} {entities}/2 entities, {mentions}/2 mentions, "
                f"{relations}/1 relation present"]


EditFn = Callable[[Project, random.Random], dict[str, Any]]


@dataclass
class EditOperation:
    """An edit given as a callable ``(project, rng) -> ack`` (the lead's edit path). The
    generic check: every acknowledged edit's ack names rows as ``{"mentions": [ids]}``
    (and/or ``"relations"``, ``"entities"``) that must exist afterwards."""

    kind: str
    edit: EditFn

    def plan(self, ctx: Context, rng: random.Random) -> dict[str, Any]:
        return {"seed": rng.randrange(2**32)}

    def run(self, ctx: Context, plan: dict[str, Any]) -> dict[str, Any]:
        return self.edit(ctx.project, random.Random(plan["seed"]))

    def verify(self, project: Project, plan: dict[str, Any],
               ack: dict[str, Any] | None) -> list[str]:
        if ack is None:
            return []  # judged by the invariants and the unit-of-work checks
        problems = []
        with project.read() as session:
            for key, model in (("mentions", Mention), ("relations", Relation),
                               ("entities", Entity)):
                ids = ack.get(key, [])
                if ids:
                    found = session.scalar(select(func.count()).select_from(model).where(
                        model.id.in_(ids))) or 0
                    if found != len(ids):
                        problems.append(f"{self.kind}: {len(ids) - found} acknowledged "
                                        f"{key} missing")
        return problems


# Relative frequency of each kind in a crash trial.
WEIGHTS = {"import": 4, "export": 2, "init": 1, "edit-mention": 4, "edit-unit": 3}
PLUGGED: dict[str, EditFn] = {}


def register_edit(kind: str, edit: EditFn, weight: int = 4) -> None:
    """Add an edit kind to the crash trials: ``edit(project, rng)`` performs one edit
    through the window's path and returns what it acknowledged, e.g. ``{"mentions":
    [ids], "relations": [ids], "entities": [ids]}`` (checked present after every later
    kill). ``python -m tests.harness crash --plugin MODULE`` imports a module that calls
    this."""
    PLUGGED[kind] = edit
    WEIGHTS[kind] = weight


def operations() -> dict[str, Operation]:
    """The operation kinds, by name (a fresh set: imports remember their files)."""
    ops: list[Operation] = [ImportOperation(), ExportOperation(), InitOperation(),
                            MentionEdit(), UnitEdit()]
    ops += [EditOperation(kind, edit) for kind, edit in PLUGGED.items()]
    return {op.kind: op for op in ops}


def project_problems(project: Project) -> list[str]:
    """integrity_check, foreign_key_check and Akkord's invariants, as messages."""
    with project.db.connect_read() as conn:
        found = (sqlite_checks(conn) if project.db.is_sqlite else []) + check_invariants(conn)
    return [str(f) for f in found]
