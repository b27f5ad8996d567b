"""Run one fuzz case through the real import path into a real project file, and judge it.

A case is written to disk (files, links, FIFOs; a ``secret`` file outside the folder),
imported with :func:`akkord.services.importing.import_paths` (or, for schema cases, given
to ``akkord init``'s :func:`~akkord.store.open_project` or carried in a native file's
header) into a copy of an empty project, and the outcome is classified:

* ``traceback``: an exception other than :class:`~akkord.errors.AkkordError` escaped
  (from the import, the export or the re-import), or a problem message that the terminal
  could not print (not encodable as UTF-8) or that does not name its file;
* ``partial_import``: the project changed by more than the files that were kept say
  (a rejected file left rows behind);
* ``accepted_but_wrong``: a file that must be refused was kept, or what was stored breaks
  an invariant: an offset outside its text (as SQLite counts it), a NUL character, a
  label, relation or status the schema does not allow, metadata nested past the bound,
  the secret outside the folder imported, mentions lost, or a native export that does
  not import into an empty project and export again to the same bytes;
* ``refused_but_valid``: valid input in an unusual shape was refused.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akkord.domain.schema import decode_schema, parse_schema
from akkord.domain.validation import MAX_META_DEPTH
from akkord.errors import AkkordError
from akkord.services.exporting import export
from akkord.services.importing import ImportOptions, ImportReport, import_paths
from akkord.store import open_project
from tests.fuzz.cases import SECRET, Case

TABLES = ("documents", "mentions", "relations", "entities", "entity_aliases", "entity_values",
          "mention_values", "document_states", "annotators", "schemas")
OTHER_WRITERS = ("doccano", "labelstudio", "brat", "tables", "conll", "conllu")


@dataclass(slots=True)
class Outcome:
    index: int
    name: str
    seed: str
    status: str = "rejected"  # accepted / rejected / refused (a clear error for the batch)
    findings: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, category: str, detail: str) -> None:
        self.findings.append((category, detail[:2000]))


_CHILDREN_FIRST = ("relations", "mention_values", "entity_values", "mentions",
                   "document_states", "entity_aliases", "entities", "documents", "annotators")


class _Reusable:
    """A real project file, emptied between cases instead of made anew.

    A new project per case would spend most of the run compiling SQLAlchemy statements
    for a new engine; emptying the tables (and dropping schema versions a case added)
    gives the same empty project. :meth:`reset` checks that it did.
    """

    def __init__(self, path: Path) -> None:
        open_project(path, create=True).close()
        self.path = path
        self.project = open_project(path)
        self.empty = Oracle.counts(path)

    def reset(self) -> None:
        with self.project.db.connect_write() as conn:
            for table in _CHILDREN_FIRST:
                conn.exec_driver_sql(f"DELETE FROM {table}")
            conn.exec_driver_sql("DELETE FROM schemas WHERE id > (SELECT min(id) FROM schemas)")
        if Oracle.counts(self.path) != self.empty:
            raise RuntimeError("the reused project did not come back empty")

    def close(self) -> None:
        self.project.close()


class Oracle:
    """Judges cases in real project files (two reused ones, emptied after each case)."""

    def __init__(self, work: Path, *, writers_every: int = 10) -> None:
        self.work = work
        self.work.mkdir(parents=True, exist_ok=True)
        self.main = _Reusable(work / "main.akkord")
        self.again = _Reusable(work / "again.akkord")
        self.writers_every = writers_every
        self.accepted = 0

    def warm_up(self) -> None:
        """Load what the first case would otherwise pay for (spaCy, pyarrow, compiled
        statements), so that the 30 s watchdog measures cases, not imports."""
        folder = self.work / "warm-up"
        folder.mkdir(exist_ok=True)
        source = folder / "warm.jsonl"
        source.write_text(json.dumps({"text": "Nato møtes i Genève 10. januar.", "spans": [
            {"start": 0, "end": 4, "label": "ACTOR"}]}) + "\n", encoding="utf-8")
        self.main.reset()
        import_paths(self.main.project, [source])
        export(self.main.project, "jsonl", folder / "warm-out.jsonl")
        if self.writers_every:
            for fmt in OTHER_WRITERS:
                export(self.main.project, fmt, folder / f"warm-{fmt}")
        with open_project(folder / "init.akkord", create=True):
            pass
        shutil.rmtree(folder, ignore_errors=True)
        self.main.reset()

    # -- the case on disk ------------------------------------------------------------------
    def materialise(self, case: Case) -> tuple[Path, Path]:
        root = self.work / f"case-{case.index}"
        shutil.rmtree(root, ignore_errors=True)
        folder, outside = root / "in", root / "outside"
        folder.mkdir(parents=True)
        outside.mkdir()
        (outside / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
        (outside / "secret.ann").write_text("T1\tACTOR 0 4\tRuss\n", encoding="utf-8")
        for name, data in case.files.items():
            (folder / name).write_bytes(data)
        for name, target in case.links.items():
            (folder / name).symlink_to(target)
        for name in case.fifos:
            os.mkfifo(folder / name)
        return root, folder

    # -- one case ----------------------------------------------------------------------------
    def run(self, case: Case) -> Outcome:
        outcome = Outcome(case.index, case.name, case.seed)
        root, folder = self.materialise(case)
        self.main.reset()
        try:
            if case.schema_via == "init":
                self._schema_init(case, folder, root, outcome)
            else:
                self._import(case, folder, root, outcome)
        except Exception:  # the harness's own net: anything that escaped is a traceback
            outcome.add("traceback", traceback.format_exc())
        finally:
            if not outcome.findings:
                shutil.rmtree(root, ignore_errors=True)
        return outcome

    def _schema_init(self, case: Case, folder: Path, root: Path, outcome: Outcome) -> None:
        data = case.files[case.target]
        try:
            text = decode_schema(data, case.target)
            with open_project(root / "new.akkord", create=True, schema_text=text) as project:
                assert project.schema.source == text
            outcome.status = "accepted"
        except AkkordError:
            outcome.status = "rejected"
        self._expectation(case, outcome, {case.target: outcome.status == "accepted"})

    def _import(self, case: Case, folder: Path, root: Path, outcome: Outcome) -> None:
        project_path = self.main.path
        before = self.counts(project_path)
        paths = [folder / case.target] if case.target else [folder]
        if case.schema_via == "header":
            paths = [self._header_file(case, folder)]
        try:
            report = import_paths(self.main.project, paths, ImportOptions(format=case.fmt))
        except AkkordError as exc:
            outcome.status = "refused"
            self._message(str(exc), outcome)
            if self.counts(project_path) != before:
                outcome.add("partial_import", f"refused with {exc} but the project changed")
            self._expectation(case, outcome, dict.fromkeys(case.expect, False))
            return
        kept = {self._relative(f.path, folder): not f.rejected for f in report.files}
        if case.schema_via == "header":
            kept = {case.target: not report.rejected}
        outcome.status = "rejected" if report.rejected else "accepted"
        for problem in report.problems:
            self._message(str(problem), outcome)
            if not Path(problem.source).is_relative_to(root):
                outcome.add("traceback", f"a problem names no file of the case: {problem}")
        self._partial(report, before, self.counts(project_path), outcome)
        self._expectation(case, outcome, kept)
        if any(kept.values()):
            self._invariants(case, project_path, root, outcome)

    @staticmethod
    def _header_file(case: Case, folder: Path) -> Path:
        text = case.files[case.target].decode("utf-8", "surrogateescape")
        if not text.strip():
            case.expect.clear()  # a header without a schema: the documents come in
        path = folder / "schema-carrier.jsonl"
        header = {"type": "akkord", "version": 1, "schema": text, "annotators": []}
        path.write_text(json.dumps(header) + "\n" + json.dumps({"text": "Nato møtes."}) + "\n",
                        encoding="utf-8")
        return path

    @staticmethod
    def _relative(path: Path, folder: Path) -> str:
        try:
            return str(path.relative_to(folder))
        except ValueError:
            return str(path)

    @staticmethod
    def _message(message: str, outcome: Outcome) -> None:
        try:
            message.encode("utf-8")
        except UnicodeEncodeError as exc:
            outcome.add("traceback", f"a message the terminal cannot print ({exc}): "
                        f"{message[:200]!r}")

    # -- judging -------------------------------------------------------------------------------
    @staticmethod
    def counts(project: Path) -> dict[str, int]:
        with sqlite3.connect(f"file:{project}?mode=ro", uri=True) as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}

    @staticmethod
    def _partial(report: ImportReport, before: dict[str, int], after: dict[str, int],
                 outcome: Outcome) -> None:
        delta = {t: after[t] - before[t] for t in TABLES}
        expected = {"documents": report.total("documents"),
                    # mention rows: annotations and the (time) suggestions, reported apart
                    "mentions": report.total("mentions") + report.total("suggestions"),
                    "relations": report.total("relations")}
        wrong = {t: (delta[t], n) for t, n in expected.items() if delta[t] != n}
        if not any(not f.rejected for f in report.files):
            wrong.update({t: (d, 0) for t, d in delta.items() if d})
        if wrong:
            outcome.add("partial_import", f"rows added vs. reported: {wrong}")

    @staticmethod
    def _expectation(case: Case, outcome: Outcome, kept: dict[str, bool]) -> None:
        for name, expected in case.expect.items():
            accepted = kept.get(name)
            if accepted is None:
                accepted = False  # not even read: refused for the batch
            if expected == "reject" and accepted:
                outcome.add("accepted_but_wrong", f"{name} must be refused but was imported")
            if expected == "accept" and not accepted:
                outcome.add("refused_but_valid", f"{name} is valid but was refused")

    def _invariants(self, case: Case, project_path: Path, root: Path, outcome: Outcome) -> None:
        problems = stored_problems(project_path)
        if case.expect_mentions is not None:
            with sqlite3.connect(f"file:{project_path}?mode=ro", uri=True) as conn:
                found = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
            if found != case.expect_mentions:
                problems.append(f"{found} mentions stored, the file has "
                                f"{case.expect_mentions}")
        for problem in problems:
            outcome.add("accepted_but_wrong", problem)
        self.accepted += 1
        self._round_trip(root, outcome)
        if self.writers_every and self.accepted % self.writers_every == 0:
            self._other_writers(root, outcome)

    def _round_trip(self, root: Path, outcome: Outcome) -> None:
        first, second = root / "export-1.jsonl", root / "export-2.jsonl"
        export(self.main.project, "jsonl", first)
        self.again.reset()
        report = import_paths(self.again.project, [first])
        if report.problems:
            outcome.add("accepted_but_wrong", "the native export does not import into an "
                        f"empty project: {[str(p) for p in report.problems[:3]]}")
            return
        export(self.again.project, "jsonl", second)
        if first.read_bytes() != second.read_bytes():
            outcome.add("accepted_but_wrong", "export → import → export changed the bytes")

    def _other_writers(self, root: Path, outcome: Outcome) -> None:
        for fmt in OTHER_WRITERS:
            try:
                export(self.main.project, fmt, root / f"export-{fmt}")
            except AkkordError as exc:
                outcome.add("accepted_but_wrong", f"the {fmt} export refused an imported "
                            f"project: {exc}")


def _walk(value: Any) -> tuple[int, list[str]]:
    """The deepest container level of a JSON value, and every string in it (keys too)."""
    deepest, strings, stack = 0, [], [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            strings.extend(item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, str):
            strings.append(item)
    return deepest, strings


def stored_problems(project_path: Path) -> list[str]:
    """What is wrong with the stored data, read with SQLite itself (not through Akkord)."""
    problems: list[str] = []
    with sqlite3.connect(f"file:{project_path}?mode=ro", uri=True) as conn:
        schema = parse_schema(conn.execute(
            "SELECT toml FROM schemas ORDER BY id DESC LIMIT 1").fetchone()[0])
        for doc_id, text, sql_length, title, source, external, meta, parts in conn.execute(
                "SELECT id, text, length(text), title, source, external_id, meta, parts "
                "FROM documents"):
            if len(text) != sql_length:
                problems.append(f"document {doc_id}: SQLite counts {sql_length} characters, "
                                f"Python {len(text)} (a NUL?)")
            depth, strings = _walk(json.loads(meta))
            for what, value in (("text", text), ("title", title), ("source", source),
                                ("external id", external), *(("meta", s) for s in strings)):
                if value is not None and "\x00" in value:
                    problems.append(f"document {doc_id}: a NUL in its {what}")
                if value is not None and SECRET in value:
                    problems.append(f"document {doc_id}: the file outside the folder was read")
            if depth >= MAX_META_DEPTH:
                problems.append(f"document {doc_id}: metadata nested past the bound")
            for kind, start, end in json.loads(parts):
                if not 0 <= start <= end <= sql_length:
                    problems.append(f"document {doc_id}: part {kind} [{start}, {end}) outside")
        labels = {label.name: label for label in schema.labels}
        for mention_id, start, end, length, label, status in conn.execute(
                'SELECT m.id, m.start, m."end", length(d.text), m.label, m.status '
                "FROM mentions m JOIN documents d ON d.id = m.document_id"):
            if not 0 <= start < end <= length:
                problems.append(f"mention {mention_id}: [{start}, {end}) outside its text "
                                f"(length {length})")
            if label not in labels:
                problems.append(f"mention {mention_id}: label {label!r} not in the schema")
            if status not in ("manual", "suggested", "accepted", "rejected"):
                problems.append(f"mention {mention_id}: status {status!r}")
        relations = {r.name: r for r in schema.relations}
        for rel_type, head, tail in conn.execute(
                "SELECT r.type, h.label, t.label FROM relations r "
                "JOIN mentions h ON h.id = r.head_id JOIN mentions t ON t.id = r.tail_id"):
            if rel_type not in relations or not relations[rel_type].allows(head, tail):
                problems.append(f"relation {rel_type} {head} → {tail} not allowed")
        for name, in conn.execute("SELECT name FROM annotators"):
            if not name.strip() or "\x00" in name:
                problems.append(f"annotator {name!r}")
        for table, column in (("entities", "name"), ("entity_aliases", "alias"),
                              ("entity_values", "text"), ("mention_values", "text")):
            for value, in conn.execute(f"SELECT {column} FROM {table}"):
                if value is not None and "\x00" in value:
                    problems.append(f"{table}.{column}: a NUL")
    return problems
