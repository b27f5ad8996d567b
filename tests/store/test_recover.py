"""``akkord recover``: rows salvaged page by page, kept only when they satisfy the
project's rules, into a new project that passes every check."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest
from sqlalchemy import func, select

from akkord.errors import ProjectError
from akkord.resources import resource_path
from akkord.services.importing import import_paths
from akkord.store import open_project
from akkord.store.invariants import check_invariants, sqlite_checks
from akkord.store.models import Document, Mention, Relation
from akkord.store.recover import recover_project
from akkord.store.salvage import TableShape, salvage


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.akkord"
    with open_project(path, create=True) as project:
        import_paths(project, [resource_path("demo", "gold.jsonl")])
    return path


def _counts(path: Path) -> tuple[int, int, int]:
    with open_project(path) as project, project.read() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) or 0  # type: ignore[return-value]
                     for m in (Document, Mention, Relation))


def test_an_intact_project_is_recovered_whole(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.akkord"
    report = recover_project(demo, out)
    assert report.kept == report.found > 1000
    assert _counts(out) == _counts(demo)
    with open_project(out) as project, project.db.connect_read() as conn:
        assert sqlite_checks(conn) == [] and check_invariants(conn) == []
        assert project.setting("recovered_from") == str(demo)


def test_rows_that_break_the_rules_are_dropped_and_counted(demo: Path, tmp_path: Path
                                                           ) -> None:
    with sqlite3.connect(demo) as conn:  # damage that SQLite's structure does not notice
        conn.execute('UPDATE mentions SET "end" = 999999 WHERE id = 1')
        other = conn.execute("INSERT INTO annotators (name) VALUES ('other')").lastrowid
        conn.execute("UPDATE relations SET annotator_id = ? WHERE id = 1", (other,))
    conn.close()
    out = tmp_path / "out.akkord"
    report = recover_project(demo, out)
    tables = {t.table: t for t in report.tables}
    assert tables["mentions"].dropped["span outside the text"] == 1
    assert tables["relations"].dropped["head or tail in another layer"] >= 1
    with open_project(out) as project, project.db.connect_read() as conn:
        assert check_invariants(conn) == []


def test_a_cut_file_keeps_what_its_pages_hold(demo: Path, tmp_path: Path) -> None:
    data = demo.read_bytes()
    demo.write_bytes(data[:len(data) // 2])
    report = recover_project(demo, tmp_path / "out.akkord")
    assert 0 < report.kept < report.found + 1
    assert {t.table for t in report.tables if t.kept} >= {"settings", "annotators"}
    with open_project(tmp_path / "out.akkord") as project:
        assert project.schema.label_names  # its schema, or the default one (said so)


def test_the_damaged_file_is_never_written_and_the_output_never_replaced(
        demo: Path, tmp_path: Path) -> None:
    before = demo.read_bytes()
    out = tmp_path / "out.akkord"
    out.write_bytes(b"mine")
    with pytest.raises(ProjectError, match="already exists"):
        recover_project(demo, out)
    recover_project(demo, tmp_path / "other.akkord")
    assert demo.read_bytes() == before and out.read_bytes() == b"mine"


def test_a_page_with_a_damaged_cell_count_is_skipped(demo: Path) -> None:
    data = bytearray(demo.read_bytes())
    page = next(n for n in range(1, len(data) // 4096)
                if data[n * 4096] == 13)  # the first table leaf after page 1
    struct.pack_into(">H", data, page * 4096 + 3, 0xFFFF)
    demo.write_bytes(bytes(data))
    found = salvage(demo, {"annotators": TableShape("annotators", ("id", "name"), "id",
                                                    ("int", "text"))})
    assert found.pages == len(data) // 4096


def test_a_nul_in_a_text_is_measured_right_and_repaired(tmp_path: Path) -> None:
    """SQLite's length() stops at NUL; a damaged byte can be one."""
    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project, project.write() as session:
        doc = Document(content_hash="h", text="Nato\x00 og Russland møtes.", meta={},
                       parts=[])
        session.add(doc)
        session.flush()
        anna = project.annotator_id(session, "anna")
        session.add_all([Mention(document_id=doc.id, annotator_id=anna, start=8, end=16,
                                 label="ACTOR")])
    with open_project(path) as project, project.db.connect_read() as conn:
        assert check_invariants(conn) == []  # 16 ≤ 24 characters, NUL included
    with sqlite3.connect(path) as conn:
        conn.execute('UPDATE mentions SET "end" = 40')
    conn.close()
    with open_project(path) as project, project.db.connect_read() as conn:
        assert [f.rule for f in check_invariants(conn)] == [
            "a mention's span lies outside its document's text"]
    with sqlite3.connect(path) as conn:
        conn.execute('UPDATE mentions SET "end" = 16')
    conn.close()
    report = recover_project(path, tmp_path / "out.akkord")
    tables = {t.table: t for t in report.tables}
    assert tables["documents"].repaired["NUL characters in a text"] == 1
    assert tables["mentions"].kept == 1  # same length: the offsets still hold
