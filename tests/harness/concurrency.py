"""N annotator processes writing one project at the same instants; nothing may be lost or
silently overwritten, and no error may reach them raw.

The project (a SQLite file, or a database on a PostgreSQL server started like
``tests/pg_server.py`` does) holds a few documents and a few shared entities. Each
writer process, through the window's service (:class:`~akkord.services.annotation.Annotation`):

* first opens the project with the *same new* annotator name as every other writer
  (two windows of a newcomer starting at once), then with its own layer's name — two
  writers share each layer (one annotator, two windows);
* then, until the deadline, in a random mix: adds and deletes mentions in its layer
  (documents shared by all), renames shared entities with the version it read
  (conflicts must be refused, not overwritten), sets its document statuses, creates
  entities with names other writers also use.

Every writer logs (JSON lines) what it believes was saved and what was refused, and
every exception that is not an :class:`~akkord.errors.AkkordError` (a raw error). At
the end the logs are compared with the database:

* every mention a writer saved and did not delete itself is there; nothing else is in
  its layer ("lost" / "phantom");
* every successful rename produced a distinct version of its entity, and the entity's
  final name is the one logged with its final version ("overwritten" otherwise);
* each layer's final document statuses are the last ones saved;
* every created entity exists with the key it was given.
"""

from __future__ import annotations

import json
import os
import random
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from akkord.errors import AkkordError
from akkord.services.importing import import_paths
from akkord.store import open_project
from akkord.store.models import Annotator, Document, DocumentState, Entity, Mention
from tests.harness.workload import project_problems, write_import_file

SHARED_ENTITIES = 6
DOCUMENTS = 12
STATUSES = ("new", "in progress", "done")


@dataclass
class ConcurrencyReport:
    backend: str
    writers: int
    seconds: float
    saved: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    raw_errors: int = 0
    lost: int = 0
    phantom: int = 0
    overwritten: int = 0
    broken: int = 0
    slowest_save_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> list[str]:
        name = f"concurrency_{self.backend}"
        refused = sum(self.refused.values())
        kinds = ", ".join(f"{k} {v}" for k, v in self.refused.most_common()) or "none"
        return [f"{name}_writers: {self.writers} processes × {self.seconds:.0f} s",
                f"{name}_saved: {self.saved} writes",
                f"{name}_refused_with_message: {refused} writes ({kinds})",
                f"{name}_raw_errors: {self.raw_errors} errors",
                f"{name}_lost: {self.lost} writes",
                f"{name}_silently_overwritten: {self.overwritten} writes",
                f"{name}_phantom_rows: {self.phantom} rows",
                f"{name}_broken_checks: {self.broken} problems",
                f"{name}_slowest_save: {self.slowest_save_s:.2f} s"]

    @property
    def ok(self) -> bool:
        return not (self.raw_errors or self.lost or self.overwritten or self.phantom
                    or self.broken)


# -- the writers ----------------------------------------------------------------------------

def _writer(index: int, target: str, log_path: Path, start_fd: int, ready_fd: int,
            seconds: float, seed: int) -> None:
    """One annotator process (forked); writes until the deadline, logging each outcome."""
    from tests.harness.editing import Editor

    rng = random.Random(seed)
    log = log_path.open("a", encoding="utf-8")

    def note(entry: dict[str, Any]) -> None:
        log.write(json.dumps(entry) + "\n")
        log.flush()

    clock = {"began": 0.0}  # wall-clock start of the latest attempt

    def attempt(action: str, call: Any) -> Any:
        started = time.monotonic()
        clock["began"] = time.time()
        try:
            result = call()
        except AkkordError as exc:
            note({"refused": action, "kind": type(exc).__name__, "message": str(exc)[:200]})
            return None
        except Exception:
            note({"raw": action, "traceback": traceback.format_exc()})
            return None
        note({"took": round(time.monotonic() - started, 4)})
        return result

    try:
        with open_project(target) as project:
            os.write(ready_fd, b"r")
            os.read(start_fd, 1)  # everyone starts at the same instant
            attempt("open as newcomer", lambda: Editor(project, "newcomer"))
            layer = f"annotator-{index // 2}"
            editor = attempt("open", lambda: Editor(project, layer))
            if editor is None:
                os._exit(0)
            with project.read() as session:
                docs = [(d.id, len(d.text)) for d in session.execute(
                    select(Document.id, Document.text)).all()]
                shared = list(session.scalars(select(Entity.id).where(
                    Entity.key.like("actor/shared-%"))))
            mine: list[int] = []
            deadline = time.monotonic() + seconds
            step = 0
            while time.monotonic() < deadline:
                step += 1
                roll = rng.random()
                if roll < 0.35 or not mine:
                    doc, length = rng.choice(docs)
                    start = rng.randrange(0, length - 1)
                    end = min(length, start + rng.randint(1, 10))
                    added = attempt("add mention", lambda d=doc, s=start, e=end:
                                    editor.add_mention(d, s, e, "ACTOR"))
                    if added is not None:
                        mine.append((added, [doc, start, end]))
                        note({"saved": "mention", "layer": layer, "id": added,
                              "span": [doc, start, end], "ended": time.time()})
                elif roll < 0.5:
                    victim, span = mine.pop(rng.randrange(len(mine)))
                    if attempt("delete mention", lambda v=victim:
                               editor.delete_mention(v) or True) is not None:
                        note({"saved": "delete", "layer": layer, "id": victim, "span": span,
                              "ended": time.time()})
                    else:
                        mine.append((victim, span))
                elif roll < 0.75:
                    entity = rng.choice(shared)
                    seen = attempt("read entity", lambda e=entity: editor.entity(e))
                    if seen is None:
                        continue
                    name = f"Shared w{index} s{step}"
                    if attempt("rename", lambda e=entity, n=name, s=seen:
                               editor.rename(e, n, s) or True) is not None:
                        note({"saved": "rename", "entity": entity, "name": name,
                              "seen": seen.name})
                elif roll < 0.9:
                    doc = rng.choice(docs)[0]
                    status = rng.choice(STATUSES)
                    if attempt("status", lambda d=doc, s=status:
                               editor.set_status(d, s) or True) is not None:
                        note({"saved": "status", "layer": layer, "document": doc,
                              "status": status, "began": clock["began"],
                              "ended": time.time()})
                else:
                    name = f"Felles aktør {rng.randrange(5)}"
                    created = attempt("create entity", lambda n=name:
                                      editor.create_entity("actor", n))
                    if created is not None:
                        note({"saved": "create", "id": created[0], "key": created[1]})
    except Exception:
        note({"raw": "writer", "traceback": traceback.format_exc()})
    finally:
        log.close()
    os._exit(0)


# -- the run -----------------------------------------------------------------------------

def _prepare(target: str, folder: Path) -> None:
    with open_project(target, create=True) as project:
        source = folder / "documents.jsonl"
        write_import_file(source, [f"doc-{i}" for i in range(DOCUMENTS)], random.Random(1))
        import_paths(project, [source])
        with project.write() as session:
            for i in range(SHARED_ENTITIES):
                session.add(Entity(key=f"actor/shared-{i}", kind="actor",
                                   name=f"Shared {i}"))


def run_concurrency(backend: str, folder: Path, *, writers: int = 8, seconds: float = 600,
                    seed: int = 13, server: Any = None) -> ConcurrencyReport:
    """Run the writers on ``backend`` ("sqlite" or "postgresql"); see the docstring.
    ``server``: a running :class:`tests.pg_server.PostgresServer` (else one is started)."""
    folder.mkdir(parents=True, exist_ok=True)
    report = ConcurrencyReport(backend, writers, seconds)
    if backend == "sqlite":
        _run(str(folder / "shared.akkord"), folder, writers, seconds, seed, report)
        return report
    if server is not None:
        _run(_new_database(server, folder), folder, writers, seconds, seed, report)
        return report
    from tests.pg_server import postgres_server

    with postgres_server() as started:
        _run(_new_database(started, folder), folder, writers, seconds, seed, report)
    return report


def _new_database(server: Any, folder: Path) -> str:
    import psycopg

    name = f"akkord_concurrency_{os.getpid()}_{abs(hash(str(folder))) % 10**6}"
    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres "
                         "dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return str(server.url(name))


def _run(target: str, folder: Path, writers: int, seconds: float, seed: int,
         report: ConcurrencyReport) -> None:
    _prepare(target, folder)
    logs = [folder / f"writer-{i}.jsonl" for i in range(writers)]
    start_read, start_write = os.pipe()
    ready_read, ready_write = os.pipe()
    pids = []
    for i in range(writers):
        pid = os.fork()
        if pid == 0:
            os.close(start_write)
            os.close(ready_read)
            _writer(i, target, logs[i], start_read, ready_write, seconds, seed * 100 + i)
        pids.append(pid)
    os.close(start_read)
    os.close(ready_write)
    for _ in range(writers):
        os.read(ready_read, 1)
    os.write(start_write, b"s" * writers)
    for pid in pids:
        os.waitpid(pid, 0)
    os.close(start_write)
    os.close(ready_read)
    entries = [json.loads(line) for path in logs if path.exists()
               for line in path.read_text(encoding="utf-8").splitlines()]
    _compare(target, entries, report)


def _compare(target: str, entries: list[dict[str, Any]], report: ConcurrencyReport) -> None:
    # layer → (id, span) → adds − deletes: SQLite may give a deleted mention's id to the
    # next one (rowid reuse), and the logs are read one process after another.
    mentions: dict[str, Counter[tuple[int, tuple[int, ...]]]] = defaultdict(Counter)
    # (layer, doc) → when a mention was added or deleted there
    added: dict[tuple[str, int], list[float]] = defaultdict(list)
    renames: dict[int, list[tuple[str, str]]] = defaultdict(list)  # (seen, new name)
    statuses: dict[tuple[str, int], list[tuple[float, float, str]]] = defaultdict(list)
    created: dict[int, str] = {}
    for entry in entries:
        if "raw" in entry:
            report.raw_errors += 1
            report.problems.append(f"raw error in {entry['raw']}:\n{entry['traceback']}")
        elif "refused" in entry:
            report.refused[entry["kind"]] += 1
        elif "took" in entry:
            report.slowest_save_s = max(report.slowest_save_s, entry["took"])
        elif entry.get("saved") == "mention":
            report.saved += 1
            mentions[entry["layer"]][(entry["id"], tuple(entry["span"]))] += 1
            added[(entry["layer"], entry["span"][0])].append(entry["ended"])
        elif entry.get("saved") == "delete":
            report.saved += 1
            mentions[entry["layer"]][(entry["id"], tuple(entry["span"]))] -= 1
            added[(entry["layer"], entry["span"][0])].append(entry["ended"])
        elif entry.get("saved") == "rename":
            report.saved += 1
            renames[entry["entity"]].append((entry["seen"], entry["name"]))
        elif entry.get("saved") == "status":
            report.saved += 1
            statuses[(entry["layer"], entry["document"])].append(
                (entry["began"], entry["ended"], entry["status"]))
        elif entry.get("saved") == "create":
            report.saved += 1
            created[entry["id"]] = entry["key"]
    with open_project(target) as project:
        problems = project_problems(project)
        report.broken += len(problems)
        report.problems += problems
        with project.read() as session:
            _compare_mentions(session, mentions, report)
            _compare_renames(session, renames, report)
            _compare_statuses(session, statuses, added, report)
            for entity_id, key in created.items():
                if session.scalar(select(Entity.key).where(Entity.id == entity_id)) != key:
                    report.lost += 1
                    report.problems.append(f"created entity {entity_id} ({key}) missing")


def _compare_mentions(session: Any,
                      mentions: dict[str, Counter[tuple[int, tuple[int, ...]]]],
                      report: ConcurrencyReport) -> None:
    for layer, counts in mentions.items():
        expected = {i: list(span) for (i, span), n in counts.items() if n > 0}
        found = {m.id: [m.document_id, m.start, m.end] for m in session.execute(
            select(Mention.id, Mention.document_id, Mention.start, Mention.end)
            .join(Annotator, Annotator.id == Mention.annotator_id)
            .where(Annotator.name == layer)).all()}
        for mention_id, span in expected.items():
            if found.get(mention_id) != span:
                report.lost += 1
                report.problems.append(f"{layer}: saved mention {mention_id} {span} missing")
        extra = set(found) - set(expected)
        report.phantom += len(extra)
        if extra:
            report.problems.append(f"{layer}: {len(extra)} mention(s) nobody believes saved")


def _compare_renames(session: Any, renames: dict[int, list[tuple[str, str]]],
                     report: ConcurrencyReport) -> None:
    """Each saved rename names the name it saw. Without lost updates they form one chain
    from the first name to the final one: no two saves saw the same name (one would have
    silently replaced the other), and following the chain ends at the stored name."""
    for entity_id, saved in renames.items():
        seen = Counter(before for before, _after in saved)
        doubled = sum(n - 1 for n in seen.values() if n > 1)
        if doubled:
            report.overwritten += doubled
            report.problems.append(f"entity {entity_id}: {doubled} rename(s) saved over "
                                   "another made from the same state")
        following = dict(saved)
        name, key = session.execute(select(Entity.name, Entity.key)
                                    .where(Entity.id == entity_id)).one()
        current, steps = f"Shared {key.rsplit('-', 1)[1]}", 0  # as _prepare named it
        while current in following and steps <= len(saved):
            current, steps = following[current], steps + 1
        if current != name or steps != len(saved):
            report.overwritten += 1
            report.problems.append(f"entity {entity_id}: ends as {name!r}; the saved renames "
                                   f"lead to {current!r} in {steps} of {len(saved)} steps")


def _compare_statuses(session: Any,
                      statuses: dict[tuple[str, int], list[tuple[float, float, str]]],
                      added: dict[tuple[str, int], list[float]],
                      report: ConcurrencyReport) -> None:
    """The final status must be one that could have been saved last: a save that began
    after another ended is later; saves that overlap in time may commit in either
    order (two windows of one layer). Adding or deleting a mention in a "new" document makes it
    "in progress" (as the window does), so one after the last save counts too."""
    for (layer, doc), saves in statuses.items():
        latest_start = max(began for began, _ended, _status in saves)
        candidates = {status for _began, ended, status in saves if ended >= latest_start}
        if "new" in candidates and any(t >= latest_start for t in added[(layer, doc)]):
            candidates.add("in progress")
        found = session.scalar(
            select(DocumentState.status).join(Annotator,
                                              Annotator.id == DocumentState.annotator_id)
            .where(Annotator.name == layer, DocumentState.document_id == doc)) or "new"
        if found not in candidates:
            report.problems.append(f"{layer}: document {doc} ends {found!r}; the last saved "
                                   f"was one of {sorted(candidates)}")
            report.lost += 1
