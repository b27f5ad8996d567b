"""What must hold in every project, beyond what the database's constraints enforce.

Used by ``akkord check`` and ``akkord recover`` (after a salvage), and by the crash and
concurrency harness after every kill. Each rule is one query that counts the rows that
break it (and names a few), on SQLite and PostgreSQL alike; :func:`sqlite_checks` adds
SQLite's own ``integrity_check`` and ``foreign_key_check``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import CheckConstraint, Connection, Table, text

from akkord.store.journal import KEY_PREFIX
from akkord.store.models import Base, DocumentState, Mention

EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule: how many rows break it and the ids of a few."""

    rule: str
    count: int
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        shown = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        return f"{self.rule}: {self.count}{shown}"


def allowed_statuses(model: type[Base]) -> tuple[str, ...]:
    """The statuses a table's ``status`` CHECK constraint allows (the models are the one
    place they are listed)."""
    table = model.__table__
    assert isinstance(table, Table)
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint) and "status IN" in str(constraint.sqltext):
            return tuple(re.findall(r"'([^']*)'", str(constraint.sqltext)))
    return ()


def _statuses(model: type[Base]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in allowed_statuses(model)) + ")"


# rule → a query returning the ids of the rows that break it
RULES: dict[str, str] = {
    "a mention's span lies outside its document's text": (
        'SELECT m.id FROM mentions m JOIN documents d ON d.id = m.document_id '
        'WHERE m.start < 0 OR m."end" <= m.start OR (m."end" > length(d.text){no_nul})'),
    "a mention has an unknown status": (
        f"SELECT id FROM mentions WHERE status NOT IN {_statuses(Mention)}"),
    "a relation's head and tail are in different documents": (
        "SELECT r.id FROM relations r JOIN mentions h ON h.id = r.head_id "
        "JOIN mentions t ON t.id = r.tail_id WHERE h.document_id <> t.document_id"),
    "a relation links mentions of another layer": (
        "SELECT r.id FROM relations r JOIN mentions h ON h.id = r.head_id "
        "JOIN mentions t ON t.id = r.tail_id "
        "WHERE h.annotator_id <> r.annotator_id OR t.annotator_id <> r.annotator_id"),
    "a relation links a mention to itself": (
        "SELECT id FROM relations WHERE head_id = tail_id"),
    "a document state has an unknown status": (
        f"SELECT document_id FROM document_states "
        f"WHERE status NOT IN {_statuses(DocumentState)}"),
    "a row points to a document that does not exist": (
        "SELECT m.id FROM mentions m LEFT JOIN documents d ON d.id = m.document_id "
        "WHERE d.id IS NULL"),
    "a relation points to a mention that does not exist": (
        "SELECT r.id FROM relations r LEFT JOIN mentions h ON h.id = r.head_id "
        "LEFT JOIN mentions t ON t.id = r.tail_id WHERE h.id IS NULL OR t.id IS NULL"),
    "a mention links to an entity that does not exist": (
        "SELECT m.id FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id "
        "WHERE m.entity_id IS NOT NULL AND e.id IS NULL"),
    "a value refers to an entity that does not exist": (
        "SELECT v.id FROM entity_values v LEFT JOIN entities e ON e.id = v.ref_id "
        "WHERE v.ref_id IS NOT NULL AND e.id IS NULL"),
    "an entity's count of mentions differs from its mentions": (
        "SELECT u.entity_id FROM entity_usage u LEFT JOIN (SELECT entity_id, annotator_id, "
        "document_id, count(*) AS n, sum(CASE WHEN status IN ('manual', 'accepted') "
        "THEN 1 ELSE 0 END) AS c FROM mentions WHERE entity_id IS NOT NULL "
        "GROUP BY entity_id, annotator_id, document_id) m ON m.entity_id = u.entity_id "
        "AND m.annotator_id = u.annotator_id AND m.document_id = u.document_id "
        "WHERE m.n IS NULL OR m.n <> u.mentions OR m.c <> u.confirmed "
        "UNION ALL SELECT m.entity_id FROM mentions m "
        "LEFT JOIN entity_usage u ON u.entity_id = m.entity_id "
        "AND u.annotator_id = m.annotator_id AND u.document_id = m.document_id "
        "WHERE m.entity_id IS NOT NULL AND u.entity_id IS NULL"),
    "an entity's total of mentions or documents differs from its counts": (
        "SELECT t.entity_id FROM entity_totals t LEFT JOIN (SELECT entity_id, annotator_id, "
        "sum(mentions) AS n, count(*) AS d, sum(confirmed) AS c FROM entity_usage "
        "GROUP BY entity_id, annotator_id) u ON u.entity_id = t.entity_id "
        "AND u.annotator_id = t.annotator_id "
        "WHERE u.d IS NULL OR u.n <> t.mentions OR u.d <> t.documents "
        "OR u.c <> t.confirmed "
        "UNION ALL SELECT u.entity_id FROM entity_usage u LEFT JOIN entity_totals t "
        "ON t.entity_id = u.entity_id AND t.annotator_id = u.annotator_id "
        "WHERE t.entity_id IS NULL"),
    "the project has no schema": (
        "SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schemas)"),
    "an interrupted import is still pending": (
        f"SELECT key FROM settings WHERE key LIKE '{KEY_PREFIX}%'"),
}


def check_invariants(conn: Connection) -> list[Finding]:
    """Every broken rule of :data:`RULES` (empty when the project is sound)."""
    sqlite = conn.dialect.name == "sqlite"
    # SQLite's length() stops at a NUL character: texts with one are measured in Python.
    no_nul = " AND instr(CAST(d.text AS BLOB), x'00') = 0" if sqlite else ""
    findings = []
    for rule, query in RULES.items():
        ids = [str(row[0]) for row in conn.execute(text(query.replace("{no_nul}", no_nul)))]
        if sqlite and rule == SPAN_RULE:
            ids += _spans_past_texts_with_nul(conn)
        if ids:
            findings.append(Finding(rule, len(ids), tuple(ids[:EXAMPLES])))
    return findings


SPAN_RULE = "a mention's span lies outside its document's text"


def _spans_past_texts_with_nul(conn: Connection) -> list[str]:
    lengths = {doc: len(body) for doc, body in conn.execute(text(
        "SELECT id, text FROM documents WHERE instr(CAST(text AS BLOB), x'00') > 0"))}
    if not lengths:
        return []
    return [str(m) for m, doc, end in conn.execute(text(
        'SELECT id, document_id, "end" FROM mentions WHERE document_id IN '
        f"({', '.join(map(str, lengths))})")) if end > lengths[doc]]


def sqlite_checks(conn: Connection) -> list[Finding]:
    """SQLite's ``integrity_check`` and ``foreign_key_check`` as findings."""
    findings = []
    problems = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    if problems != ["ok"]:
        findings.append(Finding("integrity_check", len(problems), tuple(problems[:EXAMPLES])))
    dangling = [f"{row[0]} row {row[1]} → {row[2]}"
                for row in conn.exec_driver_sql("PRAGMA foreign_key_check")]
    if dangling:
        findings.append(Finding("foreign_key_check", len(dangling),
                                tuple(dangling[:EXAMPLES])))
    return findings
