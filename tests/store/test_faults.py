"""Project files that are damaged, replaced, read-only, full or busy: a clear error from the
store (a ProjectError subclass), nothing written where it should not be, nothing lost."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from akkord.errors import (
    AkkordError,
    ProjectBusyError,
    ProjectChangedError,
    ProjectDamagedError,
    ProjectError,
    ReadOnlyError,
    StorageFullError,
)
from akkord.store import Project, open_project
from akkord.store.models import Annotator, Document, Setting
from tests.store.conftest import mount_tmpfs, remount_read_only, unmount


def _project_with_rows(path: Path, names: tuple[str, ...] = ("anna", "bo")) -> Path:
    with open_project(path, create=True) as project, project.write() as session:
        for name in names:
            session.add(Annotator(name=name))
    return path


def _names(project: Project) -> list[str]:
    with project.read() as session:
        return sorted(session.scalars(select(Annotator.name)))


# -- damaged files ---------------------------------------------------------------------------

@pytest.mark.parametrize("keep", ["half", 4096, 100, 16])
def test_a_truncated_project_says_damaged_and_how_to_recover(tmp_path: Path,
                                                             keep: str | int) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2 if keep == "half" else int(keep)])
    backup = tmp_path / "p.akkord.bak-r0001-20260101T000000"
    backup.write_bytes(data)
    with pytest.raises(ProjectDamagedError) as caught:
        open_project(path)
    message = str(caught.value)
    assert "damaged" in message and backup.name in message
    assert f"akkord recover {path} --out" in message


def test_text_that_is_not_utf8_is_reported_as_damage_when_read(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE annotators SET name = CAST(X'C328FF' AS TEXT) WHERE name = 'bo'")
    conn.close()
    with open_project(path) as project:
        with pytest.raises(ProjectDamagedError, match=r"not UTF-8.*akkord recover"):
            _names(project)
        with pytest.raises(ProjectDamagedError):  # and it no longer writes
            project.set_setting("x", "y")


def test_a_malformed_table_definition_is_damage_not_a_traceback(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE mentions(' "
                     "WHERE name = 'mentions'")
    conn.close()
    with pytest.raises(ProjectDamagedError, match="malformed database schema"):
        open_project(path)


def test_a_text_file_is_not_called_a_damaged_project(tmp_path: Path) -> None:
    path = tmp_path / "notes.akkord"
    path.write_text("just some text\n" * 400, encoding="utf-8")
    with pytest.raises(ProjectError, match="not an Akkord project") as caught:
        open_project(path)
    assert not isinstance(caught.value, ProjectDamagedError)


# -- files that change under an open project --------------------------------------------------

def test_a_deleted_project_stops_writing_and_is_never_recreated(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    with open_project(path) as project:
        assert _names(project) == ["anna", "bo"]
        path.unlink()
        with pytest.raises(ProjectChangedError, match="deleted or moved"):
            project.set_setting("after", "delete")
        with pytest.raises(ProjectChangedError):  # still stopped, reads too
            _names(project)
        assert not path.exists()
    assert not path.exists()  # closing did not create an empty project either
    assert not Path(f"{path}-wal").exists()


def test_a_project_renamed_over_leaves_the_replacing_file_intact(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    other = _project_with_rows(tmp_path / "other.akkord", ("zed",))
    with open_project(path) as project:
        project.set_setting("in", "wal")  # committed, still in p.akkord-wal
        other.replace(path)
        with pytest.raises(ProjectChangedError, match="replaced by another file"):
            project.set_setting("lost", "write")
    with open_project(path) as replacing:  # our -wal was not replayed into it
        assert _names(replacing) == ["zed"]
        assert replacing.setting("in") is None


def test_a_project_moved_away_keeps_its_committed_changes(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    moved = tmp_path / "moved.akkord"
    with open_project(path) as project:
        project.set_setting("saved", "before the move")
        path.rename(moved)
        with pytest.raises(ProjectChangedError):
            project.set_setting("after", "the move")
    with open_project(moved) as reopened:
        assert reopened.setting("saved") == "before the move"
        assert reopened.setting("after") is None


def test_a_project_overwritten_in_place_by_another_stops_writing(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    other = _project_with_rows(tmp_path / "other.akkord", ("zed",))
    with open_project(path) as project:
        inode = path.stat().st_ino
        shutil.copyfile(other, path)  # same inode, other bytes
        assert path.stat().st_ino == inode
        with pytest.raises(ProjectChangedError, match="overwritten"):
            project.set_setting("x", "y")


def test_a_moved_project_can_still_be_saved_as_a_copy(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    with open_project(path) as project:
        project.set_setting("kept", "yes")
        path.unlink()
        copy = project.save_copy(tmp_path / "rescued.akkord")
    with open_project(copy) as rescued:
        assert rescued.setting("kept") == "yes" and _names(rescued) == ["anna", "bo"]


# -- read-only --------------------------------------------------------------------------------

def _make_unwritable(path: Path) -> None:
    """chmod 444; as root (who ignores it) the immutable attribute, else skip."""
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    if os.access(path, os.W_OK):
        chattr = shutil.which("chattr")
        result = subprocess.run([chattr, "+i", str(path)], capture_output=True,
                                check=False) if chattr else None
        if result is None or result.returncode != 0:
            pytest.skip("running as root, who may write a read-only file, and chattr +i "
                        "is not available here to make it immutable")


def _make_writable(path: Path) -> None:
    chattr = shutil.which("chattr")
    if chattr:
        subprocess.run([chattr, "-i", str(path)], capture_output=True, check=False)
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_read_only_project_opens_read_only_and_writes_nothing(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    _make_unwritable(path)
    try:
        with open_project(path) as project:
            assert project.read_only
            assert project.read_only_reason in ("the file is read-only",
                                                "the file is marked immutable")
            assert _names(project) == ["anna", "bo"]
            with pytest.raises(ReadOnlyError, match="open read-only"):
                project.set_setting("x", "y")
            with pytest.raises(ReadOnlyError), project.write():
                pass
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    finally:
        _make_writable(path)


def test_a_project_on_a_read_only_disk_opens_read_only(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    mount_tmpfs(disk)
    try:
        path = _project_with_rows(disk / "p.akkord")
        remount_read_only(disk)
        with open_project(path) as project:
            assert project.read_only
            assert project.read_only_reason == "the disk it is on is read-only"
            assert _names(project) == ["anna", "bo"]
            with pytest.raises(ReadOnlyError):
                project.set_setting("x", "y")
    finally:
        unmount(disk)


# -- creating -------------------------------------------------------------------------------

def test_a_failed_init_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from akkord.store import project as project_module

    path = tmp_path / "new.akkord"
    with pytest.raises(AkkordError, match="not valid TOML"):
        open_project(path, create=True, schema_text="this is = not [ toml")
    assert list(tmp_path.iterdir()) == []

    def fail(*_args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(project_module, "_stamp", fail)
    with pytest.raises(StorageFullError):
        open_project(path, create=True)
    assert list(tmp_path.iterdir()) == []  # no NAME.akkord, no hidden temporary
    monkeypatch.undo()
    with open_project(path, create=True) as created:  # and init works afterwards
        assert created.schema.label_names


def test_a_connection_never_creates_a_missing_file(tmp_path: Path) -> None:
    from akkord.store.database import Database

    path = _project_with_rows(tmp_path / "p.akkord")
    db = Database(f"sqlite:///{path}")
    try:
        path.unlink()
        db.engine.dispose()
        with pytest.raises(ProjectChangedError), db.write() as session:
            session.execute(select(1))
        db.guard = None  # even without the guard, the connection itself refuses
        with pytest.raises(ProjectError, match="gone"), db.write() as session:
            session.execute(select(1))
        assert not path.exists()
    finally:
        db.dispose()


# -- the schema cache -------------------------------------------------------------------------

def test_the_schema_is_parsed_once_per_version(sqlite_project: Project) -> None:
    statements: list[str] = []
    event.listen(sqlite_project.db.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    first = sqlite_project.schema
    statements.clear()
    assert sqlite_project.schema is first
    assert not any("toml" in s for s in statements)  # only the newest id was looked up
    changed = first.source.replace('name = "negotiations"', 'name = "renamed"')
    sqlite_project.set_schema(changed)
    assert sqlite_project.schema.name == "renamed"


# -- errors at the boundary ----------------------------------------------------------------------

def test_a_full_disk_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "1m")
    try:
        path = _project_with_rows(disk / "p.akkord")
        saved = 0
        with open_project(path) as project, pytest.raises(StorageFullError, match="full"):
            for i in range(10_000):
                with project.write() as session:
                    session.add(Setting(key=f"k{i}", value="x" * 2000))
                saved += 1
        (disk / "filler").write_bytes(b"")  # (nothing to free: the project must still open)
        with open_project(path) as project, project.read() as session:
            count = session.scalar(select(func.count()).select_from(Setting))
        assert count is not None and count >= saved
    finally:
        unmount(disk)


def test_a_waiting_writer_is_told_and_gives_up_with_a_message(tmp_path: Path) -> None:
    path = _project_with_rows(tmp_path / "p.akkord")
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    waits: list[float] = []
    try:
        with open_project(path) as project:
            project.set_wait_handler(waits.append, patience=0.5)
            with pytest.raises(ProjectBusyError, match="busy"):
                project.set_setting("x", "y")
            assert waits and waits == sorted(waits) and waits[-1] < 0.5
            releaser = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
            project.set_wait_handler(waits.append, patience=10)
            releaser.start()
            project.set_setting("x", "after the wait")  # succeeds once the lock is free
            releaser.join()
            assert project.setting("x") == "after the wait"
    finally:
        holder.close()


def test_constraint_failures_are_translated(project: Project) -> None:
    from akkord.errors import WriteConflictError

    with project.write() as session:
        session.add(Document(content_hash="h", text="t", meta={}, parts=[]))
    with pytest.raises(WriteConflictError, match=r"nothing.*saved") as caught, \
            project.write() as session:
        session.add(Document(content_hash="h", text="t", meta={}, parts=[]))
    assert caught.value.retry


def test_annotators_created_at_once_by_two_writers_get_one_row(project: Project) -> None:
    """Two windows opening with the same new name: one row, no unique violation."""
    ready, go = threading.Event(), threading.Event()
    results: list[int] = []

    def second_window() -> None:
        ready.wait()
        with project.write() as session:
            results.append(Project.annotator_id(session, "newcomer"))
        go.set()

    thread = threading.Thread(target=second_window)
    thread.start()
    with project.write() as session:
        results.append(Project.annotator_id(session, "newcomer"))
        ready.set()  # the other writer starts while this one has not committed
    thread.join(timeout=30)
    assert len(results) == 2 and results[0] == results[1]
    with project.read() as session:
        assert session.scalar(select(func.count()).where(Annotator.name == "newcomer")) == 1


def test_a_lost_database_connection_is_a_message(project: Project) -> None:
    from akkord.errors import ConnectionLostError

    if project.db.is_sqlite:
        pytest.skip("a SQLite file has no server connection to lose")
    with pytest.raises(ConnectionLostError, match="connection"), project.write() as session:
        pid = session.execute(select(func.pg_backend_pid())).scalar_one()
        with project.db.engine.connect() as admin:
            admin.execute(select(func.pg_terminate_backend(pid)))
            admin.commit()
        session.add(Annotator(name="after the loss"))
        session.flush()
    assert _names(project) == []  # and the project works again afterwards


@pytest.mark.parametrize(("column", "value"), [
    ("meta", "'{\"title\": '"), ("date_earliest", "'2022-01-!8'"), ("date_earliest", "17"),
    ("imported_at", "'2026-1r-01 16:15:43'"), ("parts", "'[[\"pasagraph\", 1, 2]]'")])
def test_a_damaged_stored_value_is_damage_not_a_traceback(tmp_path: Path, column: str,
                                                          value: str) -> None:
    """Bits flipped inside a value leave SQLite's structure intact: the value itself
    cannot be read (JSON, a date, a document part)."""
    from akkord.services.annotation import Annotation
    from akkord.services.exporting import export

    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project, project.write() as session:
        session.add(Document(content_hash="h", text="Nato møtes.", meta={}, parts=[],
                             date_value="2022-01-18"))
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE documents SET {column} = {value}")
    conn.close()
    with open_project(path) as project:
        annotation = Annotation(project, "anna")
        with pytest.raises(ProjectDamagedError, match="stored value cannot be read"):
            annotation.load_document(1)  # the window's path reads every column
    with open_project(path) as project:
        try:
            export(project, "jsonl", tmp_path / "out.jsonl")  # may not need the value
        except ProjectDamagedError as exc:
            assert "akkord recover" in str(exc)
            assert not (tmp_path / "out.jsonl").exists()


def test_a_caller_bug_is_not_called_damage(sqlite_project: Project) -> None:
    with pytest.raises(ValueError, match="a bug"), sqlite_project.read():
        raise ValueError("a bug in the caller")


def test_a_dangling_reference_is_reported_as_damage(tmp_path: Path) -> None:
    """A flipped bit in a foreign key: SQLite reads it happily, the export trips on it."""
    from akkord.services.exporting import export
    from akkord.store.models import Entity, EntityValue

    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project, project.write() as session:
        russia = Entity(key="actor/russland", kind="actor", name="Russland")
        demand = Entity(key="demand/x", kind="demand", name="x")
        demand.values.append(EntityValue(attribute="claimant", ref=russia))
        session.add_all([russia, demand])
    with sqlite3.connect(path) as conn:  # foreign keys are off in a plain connection
        conn.execute("UPDATE entity_values SET ref_id = 999")
    conn.close()
    with open_project(path) as project, pytest.raises(ProjectDamagedError,
                                                      match="points to a missing entities row"):
        export(project, "jsonl", tmp_path / "out.jsonl")
    sound = _project_with_rows(tmp_path / "sound.akkord")
    with open_project(sound) as project, pytest.raises(KeyError), project.read():
        raise KeyError("a bug in a sound project stays a bug")


def test_an_unknown_enum_value_is_damage(tmp_path: Path) -> None:
    from akkord.services.exporting import export
    from akkord.store.models import Entity, EntityValue

    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project, project.write() as session:
        meeting = Entity(key="meeting/x", kind="meeting", name="x")
        meeting.values.append(EntityValue(attribute="date", date_value="2022-01-12",
                                          date_certainty="certain"))
        session.add(meeting)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE entity_values SET date_certainty = 'certiin'")
    conn.close()
    with open_project(path) as project, pytest.raises(ProjectDamagedError,
                                                      match="certiin"):
        export(project, "jsonl", tmp_path / "out.jsonl")
