"""Imports into SQLite commit batch by batch (so other writers get in) and still leave a
file whole or not at all: after a rejection, a cancel, or a kill -9 and the next open."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from akkord.errors import AkkordError
from akkord.services import importing
from akkord.services.importing import ImportOptions, import_paths
from akkord.services.progress import Progress
from akkord.store import Project, open_project
from akkord.store.invariants import check_invariants
from akkord.store.journal import KEY_PREFIX, ImportWriter
from akkord.store.models import Document, Entity, Mention, Setting
from tests.harness.workload import document_line, entity_lines, write_import_file

REPO = Path(__file__).resolve().parents[2]


def _documents(project: Project) -> int:
    with project.read() as session:
        return session.scalar(select(func.count()).select_from(Document)) or 0


def _journal_rows(project: Project) -> int:
    with project.read() as session:
        return session.scalar(select(func.count()).select_from(Setting).where(
            Setting.key.like(f"{KEY_PREFIX}%"))) or 0


def _file(path: Path, count: int, *, bad_last: bool = False) -> Path:
    import random

    write_import_file(path, [f"{path.stem}-{i}" for i in range(count)], random.Random(1))
    if bad_last:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"text": "x", "spans": [
                {"start": 0, "end": 1, "label": "NO-SUCH-LABEL"}]}) + "\n")
    return path


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH_DOCUMENTS", 2)


@pytest.mark.usefixtures("small_batches")
def test_a_file_rejected_after_committed_batches_leaves_nothing(
        sqlite_project: Project, tmp_path: Path) -> None:
    commits: list[int] = []
    original = ImportWriter.commit_point

    def counting(self: ImportWriter) -> None:
        original(self)
        commits.append(1)

    pytest.MonkeyPatch().setattr(ImportWriter, "commit_point", counting)
    report = import_paths(sqlite_project, [_file(tmp_path / "f.jsonl", 7, bad_last=True)])
    assert report.rejected and len(commits) >= 3  # batches were committed, then undone
    assert _documents(sqlite_project) == 0 and _journal_rows(sqlite_project) == 0
    with sqlite_project.read() as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == 0
    with sqlite_project.db.connect_read() as conn:
        assert check_invariants(conn) == []


@pytest.mark.usefixtures("small_batches")
def test_all_or_nothing_undoes_earlier_files_too(sqlite_project: Project,
                                                 tmp_path: Path) -> None:
    good = _file(tmp_path / "good.jsonl", 5)
    bad = _file(tmp_path / "bad.jsonl", 5, bad_last=True)
    report = import_paths(sqlite_project, [good, bad], ImportOptions(all_or_nothing=True))
    assert report.rolled_back
    assert _documents(sqlite_project) == 0 and _journal_rows(sqlite_project) == 0
    report = import_paths(sqlite_project, [good, bad])
    assert not report.rolled_back and _documents(sqlite_project) == 5


@pytest.mark.usefixtures("small_batches")
def test_a_cancelled_import_leaves_nothing(sqlite_project: Project, tmp_path: Path) -> None:
    class CancelLater(Progress):
        steps = 0

        def advance(self, steps: int = 1) -> None:
            self.steps += steps

        def cancelled(self) -> bool:
            return self.steps > 12  # after several batches were committed

    with pytest.raises(AkkordError, match="cancelled"):
        import_paths(sqlite_project, [_file(tmp_path / "f.jsonl", 9)], progress=CancelLater())
    assert _documents(sqlite_project) == 0 and _journal_rows(sqlite_project) == 0


@pytest.mark.usefixtures("small_batches")
def test_other_writers_get_the_lock_between_batches(sqlite_project: Project,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's edit does not wait for the whole import (it did: 29–31 s)."""
    assert sqlite_project.path is not None
    saved_during: list[int] = []
    original = ImportWriter.commit_point
    with open_project(sqlite_project.path) as window:
        window.set_wait_handler(None, patience=2)

        def then_edit(self: ImportWriter) -> None:
            original(self)
            window.set_setting(f"edit-{len(saved_during)}", "saved during the import")
            saved_during.append(_documents(window))

        monkeypatch.setattr(ImportWriter, "commit_point", then_edit)
        report = import_paths(sqlite_project, [_file(tmp_path / "f.jsonl", 8)])
    assert not report.rejected and _documents(sqlite_project) == 8
    assert len(saved_during) >= 3 and saved_during[0] < 8  # edits landed mid-import


def test_a_killed_import_is_undone_when_the_project_opens(tmp_path: Path) -> None:
    path = tmp_path / "p.akkord"
    with open_project(path, create=True):
        pass
    source = _file(tmp_path / "f.jsonl", 9)
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from akkord.services import importing
        from akkord.store import open_project
        from akkord.store.journal import ImportWriter
        importing.BATCH_DOCUMENTS = 2
        original = ImportWriter.commit_point
        count = 0
        def commit_then_die(self):
            global count
            original(self)
            count += 1
            if count == 3:
                os.kill(os.getpid(), signal.SIGKILL)
        ImportWriter.commit_point = commit_then_die
        with open_project(Path({str(path)!r})) as project:
            importing.import_paths(project, [Path({str(source)!r})])
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=False,
                            env={**os.environ, "PYTHONPATH": str(REPO / "desktop")},
                            capture_output=True, text=True)
    assert result.returncode == -9, result.stderr
    with sqlite3.connect(path) as raw:  # the kill left three batches and the journal
        assert raw.execute("SELECT count(*) FROM documents").fetchone()[0] == 6
        assert raw.execute("SELECT count(*) FROM settings WHERE key LIKE 'import-pending:%'"
                           ).fetchone()[0] == 1
    raw.close()
    with open_project(path) as project:
        assert project.recovered_imports and "f.jsonl" in project.recovered_imports[0]
        assert _documents(project) == 0 and _journal_rows(project) == 0
        with project.read() as session:
            assert session.scalar(select(func.count()).select_from(Mention)) == 0
        with project.db.connect_read() as conn:
            assert check_invariants(conn) == []
        report = import_paths(project, [source])  # and importing it again works whole
        assert report.total("documents") == 9


def test_an_entity_created_meanwhile_by_someone_else_is_reused(
        sqlite_project: Project, tmp_path: Path) -> None:
    """Between two batches a window may create an entity the file also defines."""
    import random

    ids = ["shared-0"]
    lines = [*entity_lines("shared-0"), document_line("shared-0", random.Random(1))]
    source = tmp_path / "f.jsonl"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with sqlite_project.write() as session:
        session.add(Entity(key="actor/shared-0", kind="actor", name="Made in the window"))
    report = import_paths(sqlite_project, [source])
    assert not report.rejected and report.total("documents") == len(ids)


def test_concurrent_imports_into_one_project_all_succeed(tmp_path: Path) -> None:
    """Issue 9: 3 of 6 concurrent imports failed with "database is locked"."""
    import random

    path = tmp_path / "p.akkord"
    with open_project(path, create=True):
        pass
    sources = []
    for n in range(4):
        source = tmp_path / f"f{n}.jsonl"
        write_import_file(source, [f"f{n}-{i}" for i in range(1200)], random.Random(n))
        sources.append(source)
    env = {**os.environ, "PYTHONPATH": str(REPO / "desktop")}
    runs = [subprocess.Popen([sys.executable, "-m", "akkord", "import", str(path), str(s),
                              "--no-suggest"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for s in sources]
    outcomes = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outcomes
    with open_project(path) as project:
        assert _documents(project) == 4 * 1200 and _journal_rows(project) == 0
        with project.db.connect_read() as conn:
            assert check_invariants(conn) == []
