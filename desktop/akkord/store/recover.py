"""``akkord recover``: salvage a damaged project file into a new, sound project.

1. The damaged file (and its ``-wal``) is read page by page (:mod:`akkord.store.salvage`);
   it is never written.
2. A new project is created beside the chosen output, and the salvaged rows are copied
   into it table by table, parents before children, keeping only rows that satisfy the
   project's rules: text that is UTF-8, references to rows that were salvaged, spans
   inside their document's text, relations within one document and one layer, known
   statuses, schemas that parse. What cannot be kept is counted, by reason; a broken
   link (a mention's entity lost) is cut rather than the mention dropped.
3. The new project must then pass ``PRAGMA integrity_check``, ``foreign_key_check`` and
   :func:`~akkord.store.invariants.check_invariants`; only then is it moved to the
   output path. The report says what was salvaged from each table.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akkord.domain.document import content_hash
from akkord.domain.schema import parse_schema
from akkord.errors import AkkordError, ProjectError
from akkord.store import migrate
from akkord.store.invariants import Finding, allowed_statuses, check_invariants, sqlite_checks
from akkord.store.journal import KEY_PREFIX
from akkord.store.models import DocumentState, Mention
from akkord.store.salvage import Salvage, TableShape, salvage, shape_of

MENTION_STATUSES = allowed_statuses(Mention)
DOCUMENT_STATUSES = allowed_statuses(DocumentState)

# Parents before children: a row is kept only if what it points to was kept.
ORDER = ("settings", "schemas", "annotators", "documents", "entities", "entity_aliases",
         "mentions", "mention_values", "entity_values", "relations", "document_states")


@dataclass
class TableReport:
    table: str
    found: int = 0
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    repaired: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        line = f"{self.table}: {self.kept} of {self.found} kept"
        if self.dropped:
            line += "; dropped: " + ", ".join(f"{n} {why}" for why, n in
                                              self.dropped.most_common())
        if self.repaired:
            line += "; repaired: " + ", ".join(f"{n} {why}" for why, n in
                                               self.repaired.most_common())
        return line


@dataclass
class RecoveryReport:
    source: Path
    target: Path
    tables: list[TableReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return sum(t.kept for t in self.tables)

    @property
    def found(self) -> int:
        return sum(t.found for t in self.tables)


class _Rows:
    """The rows kept so far, for the reference checks of the tables after them."""

    def __init__(self) -> None:
        self.ids: dict[str, set[int]] = {t: set() for t in ORDER}
        self.text_length: dict[int, int] = {}
        self.damaged_at: dict[int, int] = {}  # document → first damaged character
        self.mentions: dict[int, tuple[int, int]] = {}  # id → (document, annotator)


Check = Callable[[dict[str, Any], "_Rows", TableReport], str | None]


def _decode(row: dict[str, Any], report: TableReport | None = None) -> dict[str, Any]:
    """The row with its text decoded; bytes that are not UTF-8 become U+FFFD (counted).
    ``_damaged_at`` is where the first such byte was in a document's text."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, bytes):
            try:
                value = value.decode("utf-8")
            except UnicodeDecodeError as exc:
                if key == "text" and "content_hash" in row:
                    out["_damaged_at"] = len(value[:exc.start].decode("utf-8", "replace"))
                value = value.decode("utf-8", "replace")
                if report is not None:
                    report.repaired[f"{key} that was not UTF-8"] += 1
        out[key] = value
    return out


def _has(rows: _Rows, table: str, value: Any) -> bool:
    return value is not None and value in rows.ids[table]


def _settings(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    if str(row.get("key", "")).startswith(KEY_PREFIX):
        return "interrupted-import journal"
    return None


def _schemas(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    try:
        parse_schema(row.get("toml") or "")
    except AkkordError:
        return "schema that does not parse"
    return None


def _documents(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    if not isinstance(row.get("text"), str):
        return "document without text"
    if "\x00" in row["text"]:  # a damaged byte; one character for one keeps the offsets
        row["text"] = row["text"].replace("\x00", "\ufffd")
        report.repaired["NUL characters in a text"] += 1
    for column, empty in (("meta", "{}"), ("parts", "[]")):
        try:
            json.loads(row.get(column) or "")
        except (ValueError, TypeError):
            row[column] = empty
            report.repaired[f"unreadable {column}"] += 1
    digest = content_hash(row["text"])
    if row.get("content_hash") != digest:
        row["content_hash"] = digest
        report.repaired["content hash recomputed"] += 1
    return None


def _entities(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    if row.get("created_by") is not None and not _has(rows, "annotators", row["created_by"]):
        row["created_by"] = None
        report.repaired["creator lost"] += 1
    return None


def _aliases(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    return None if _has(rows, "entities", row.get("entity_id")) else "entity lost"


def _mentions(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    document = row.get("document_id")
    if not isinstance(document, int) or not _has(rows, "documents", document):
        return "document lost"
    if not _has(rows, "annotators", row.get("annotator_id")):
        return "annotator lost"
    start, end = row.get("start"), row.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not (
            0 <= start < end <= rows.text_length[document]):
        return "span outside the text"
    if end > rows.damaged_at.get(document, end):
        return "span at or after damaged text (its offsets may have moved)"
    if row.get("status") not in MENTION_STATUSES:
        return "unknown status"
    if row.get("entity_id") is not None and not _has(rows, "entities", row["entity_id"]):
        row["entity_id"] = None
        report.repaired["link to a lost entity cut"] += 1
    return None


def _mention_values(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    if not _has(rows, "mentions", row.get("mention_id")):
        return "mention lost"
    if row.get("ref_id") is not None and not _has(rows, "entities", row["ref_id"]):
        return "referenced entity lost"
    return None


def _entity_values(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    if not _has(rows, "entities", row.get("entity_id")):
        return "entity lost"
    if row.get("ref_id") is not None and not _has(rows, "entities", row["ref_id"]):
        return "referenced entity lost"
    if row.get("evidence_id") is not None and not _has(rows, "mentions", row["evidence_id"]):
        row["evidence_id"] = None
        report.repaired["evidence mention lost"] += 1
    return None


def _relations(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    head, tail = rows.mentions.get(row.get("head_id", -1)), rows.mentions.get(
        row.get("tail_id", -1))
    if head is None or tail is None:
        return "mention lost"
    if head[0] != tail[0]:
        return "head and tail in different documents"
    if not (head[1] == tail[1] == row.get("annotator_id")):
        return "head or tail in another layer"
    if row.get("head_id") == row.get("tail_id"):
        return "relation to itself"
    return None


def _states(row: dict[str, Any], rows: _Rows, report: TableReport) -> str | None:
    if not _has(rows, "documents", row.get("document_id")):
        return "document lost"
    if not _has(rows, "annotators", row.get("annotator_id")):
        return "annotator lost"
    if row.get("status") not in DOCUMENT_STATUSES:
        return "unknown status"
    return None


CHECKS: dict[str, Check] = {
    "settings": _settings, "schemas": _schemas, "annotators": lambda r, rs, rp: None,
    "documents": _documents, "entities": _entities, "entity_aliases": _aliases,
    "mentions": _mentions, "mention_values": _mention_values,
    "entity_values": _entity_values, "relations": _relations, "document_states": _states,
}


def recover_project(source: Path, target: Path) -> RecoveryReport:
    """Salvage ``source`` into a new project at ``target``; see the module docstring."""
    from akkord.store.project import open_project

    source, target = source.expanduser().resolve(), target.expanduser().resolve()
    if not source.is_file():
        raise ProjectError(f"no file at {source}")
    if target.exists():
        raise ProjectError(f"{target} already exists; choose a new file for the recovered "
                           "project")
    if target == source:
        raise ProjectError("the recovered project must be a new file, not the damaged one")
    if not target.parent.is_dir():
        raise ProjectError(f"the folder {target.parent} does not exist")
    building = target.with_name(f".{target.name}.{os.getpid()}.recovering")
    report = RecoveryReport(source, target)
    try:
        with open_project(building, create=True) as project:
            shapes = _shapes(project.db.engine.raw_connection())
            found = salvage(source, shapes)
            _note_salvage(found, report)
            _copy(project.db.engine.raw_connection(), found, report)
            with project.db.connect_read() as conn:
                report.findings = sqlite_checks(conn) + check_invariants(conn)
        if report.findings:
            raise ProjectError("the recovered project still breaks rules ("
                               + "; ".join(map(str, report.findings)) + "); nothing was "
                               "written")
        os.link(building, target)
    except OSError as exc:
        raise ProjectError(f"cannot recover {source} into {target}: "
                           f"{exc.strerror or exc}") from exc
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    return report


def _shapes(raw: Any) -> dict[str, TableShape]:
    """The shapes of a new project's tables (what a salvaged row must look like)."""
    try:
        sql = raw.driver_connection.execute(
            "SELECT name, sql FROM sqlite_schema WHERE type = 'table'").fetchall()
    finally:
        raw.close()
    shapes = {}
    for name, create in sql:
        shape = shape_of(create)
        if shape is not None and (name in ORDER or name == "alembic_version"):
            shapes[name] = shape
    return shapes


def _note_salvage(found: Salvage, report: RecoveryReport) -> None:
    report.notes.extend(found.notes)
    report.notes.append(f"read {found.pages} page(s) of {found.page_size} bytes")
    if found.unplaced:
        report.notes.append(f"{found.unplaced} record(s) on pages cut off from their table "
                            "could not be placed and were left out")
    if found.bad_records:
        report.notes.append(f"{found.bad_records} damaged record(s) could not be read")
    version = [_decode(r) for r in found.rows.get("alembic_version", {}).values()]
    revision = next((r.get("version_num") for r in version if r), None)
    if revision is not None and revision != migrate.HEAD:
        report.notes.append(f"the damaged project was at database revision {revision}; its "
                            f"rows were copied into revision {migrate.HEAD}")


def _copy(raw: Any, found: Salvage, report: RecoveryReport) -> None:
    conn = raw.driver_connection
    rows = _Rows()
    try:
        conn.execute("BEGIN IMMEDIATE")
        if found.count("schemas"):
            conn.execute("DELETE FROM schemas")
        for table in ORDER:
            table_report = _copy_table(conn, table, found, rows)
            report.tables.append(table_report)
        if not conn.execute("SELECT 1 FROM schemas").fetchone():
            from akkord.resources import default_schema_text

            text = default_schema_text()
            conn.execute("INSERT INTO schemas (name, toml) VALUES (?, ?)",
                         (parse_schema(text).name, text))
            report.notes.append("no schema could be salvaged: the project got the default "
                                "schema")
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                     ("recovered_from", str(report.source)))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        raw.close()


def _copy_table(conn: Any, table: str, found: Salvage, rows: _Rows) -> TableReport:
    report = TableReport(table)
    columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    check = CHECKS[table]
    salvaged = found.rows.get(table, {})
    report.found = len(salvaged)
    for rowid in sorted(salvaged):
        row = _decode(salvaged[rowid], report)
        why = check(row, rows, report)
        if why is not None:
            report.dropped[why] += 1
            continue
        names = [c for c in columns if c in row]  # not "_damaged_at"
        placeholders = ", ".join("?" for _ in names)
        quoted = ", ".join(f'"{c}"' for c in names)
        verb = "INSERT OR REPLACE" if table == "settings" else "INSERT OR IGNORE"
        try:
            cursor = conn.execute(f'{verb} INTO "{table}" ({quoted}) VALUES ({placeholders})',
                                  [row[c] for c in names])
        except Exception:  # a value SQLite refuses outright (e.g. a NOT NULL column)
            report.dropped["incomplete row"] += 1
            continue
        if cursor.rowcount != 1:
            report.dropped["duplicate or incomplete row"] += 1
            continue
        report.kept += 1
        _remember(table, row, rows)
    return report


def _remember(table: str, row: dict[str, Any], rows: _Rows) -> None:
    key = row.get("id")
    if isinstance(key, int):
        rows.ids[table].add(key)
    if table == "documents":
        rows.text_length[row["id"]] = len(row["text"])
        if "_damaged_at" in row:
            rows.damaged_at[row["id"]] = row["_damaged_at"]
    elif table == "mentions":
        rows.mentions[row["id"]] = (row["document_id"], row["annotator_id"])
