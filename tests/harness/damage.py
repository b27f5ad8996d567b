"""Damaged project files: a message and a recovery path, never a traceback.

A real project (the demo corpus plus generated documents, with a few hundred KB of
pages) is damaged in the ways files get damaged — cut short (to half, 4 KB, 100 bytes,
the magic alone, random lengths), bits flipped (1 to 200), a page zeroed or filled with
noise, the header wiped, bytes that are not UTF-8 written into text columns, a
malformed table definition, a damaged ``-wal`` — and each damaged copy is given to:

* ``akkord list``, ``akkord export``, ``akkord import`` and ``akkord check``;
* the window's opening path (open the project, start an annotator's session, list the
  documents, load each one);
* ``akkord recover``.

Each outcome is *ok* (it worked: the damage was not in its way), a *message*
(:class:`~akkord.errors.AkkordError`: the CLI printed ``Error: …``), or a *traceback*.
The goal is 0 tracebacks; every message about damage must name ``akkord recover``.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from akkord.cli import main as cli
from akkord.errors import AkkordError, ProjectDamagedError
from akkord.resources import resource_path
from akkord.services.importing import import_paths
from akkord.store import open_project
from tests.harness.workload import write_import_file

PAGE = 4096


@dataclass
class DamageReport:
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # "list: ok" …
    tracebacks: int = 0
    unhelpful: int = 0  # a damage message without the recovery path
    recovered: int = 0
    recovery_refused: int = 0
    rows_found: int = 0
    rows_kept: int = 0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> list[str]:
        def count(action: str, outcome: str) -> int:
            return self.outcomes[f"{action}: {outcome}"]

        lines = [f"damage_cases: {self.cases} damaged files"]
        for action in ("list", "export", "import", "check", "window", "recover"):
            lines.append(f"damage_{action}: ok {count(action, 'ok')}, message "
                         f"{count(action, 'message')}, traceback {count(action, 'traceback')}")
        lines += [f"damage_tracebacks: {self.tracebacks} tracebacks",
                  f"damage_messages_without_recovery_path: {self.unhelpful} messages",
                  f"damage_recovered: {self.recovered} of {self.cases} files "
                  f"({self.recovery_refused} refused with a message)",
                  f"damage_rows_salvaged: {self.rows_kept} of {self.rows_found} rows of the "
                  "undamaged projects"]
        return lines

    @property
    def ok(self) -> bool:
        return not self.tracebacks and not self.unhelpful


# -- damage ----------------------------------------------------------------------------------

Damage = Callable[[Path, random.Random], str]


def _truncate(fraction: float | None = None, size: int | None = None) -> Damage:
    def damage(path: Path, rng: random.Random) -> str:
        data = path.read_bytes()
        keep = size if size is not None else int(len(data) * (fraction if fraction is not None
                                                               else rng.random()))
        path.write_bytes(data[:keep])
        return f"cut to {keep} bytes"
    return damage


def _flip(bits: int) -> Damage:
    def damage(path: Path, rng: random.Random) -> str:
        data = bytearray(path.read_bytes())
        for _ in range(bits):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(data))
        return f"{bits} bit(s) flipped"
    return damage


def _page(fill: str) -> Damage:
    def damage(path: Path, rng: random.Random) -> str:
        data = bytearray(path.read_bytes())
        page = rng.randrange(len(data) // PAGE)
        noise = bytes(PAGE) if fill == "zero" else rng.randbytes(PAGE)
        data[page * PAGE:(page + 1) * PAGE] = noise
        path.write_bytes(bytes(data))
        return f"page {page + 1} {'zeroed' if fill == 'zero' else 'overwritten with noise'}"
    return damage


def _header(path: Path, rng: random.Random) -> str:
    data = bytearray(path.read_bytes())
    data[:100] = rng.randbytes(100)
    path.write_bytes(bytes(data))
    return "header overwritten"


TEXT_COLUMNS = (("documents", "title"), ("documents", "text"), ("documents", "meta"),
                ("mentions", "status"), ("mentions", "label"), ("schemas", "toml"),
                ("settings", "value"), ("annotators", "name"), ("entities", "name"),
                ("entity_values", "text"), ("document_states", "status"))


def _bad_utf8(path: Path, rng: random.Random) -> str:
    table, column = rng.choice(TEXT_COLUMNS)
    with sqlite3.connect(path) as conn:
        rowid = conn.execute(f"SELECT rowid FROM {table} ORDER BY random() LIMIT 1"
                             ).fetchone()
        if rowid is not None:
            conn.execute("PRAGMA ignore_check_constraints = ON")
            conn.execute(f'UPDATE {table} SET "{column}" = CAST(X\'C328FFFE41\' AS TEXT) '
                         "WHERE rowid = ?", rowid)
    conn.close()
    return f"bytes that are not UTF-8 in {table}.{column}"


def _bad_schema(path: Path, rng: random.Random) -> str:
    table = rng.choice(["mentions", "documents", "schemas", "relations"])
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE ' || name || '(' "
                     "WHERE name = ?", (table,))
    conn.close()
    return f"malformed definition of {table}"


def _bad_wal(path: Path, rng: random.Random) -> str:
    """A project whose last changes are still in its -wal, then the -wal damaged."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("UPDATE documents SET title = title || ' (changed)'")
        conn.commit()
        wal = Path(f"{path}-wal")
        saved = wal.read_bytes()
        keep = Path(f"{path}.walcopy")
        keep.write_bytes(saved)
    conn.close()  # (the close checkpoints: put the uncheckpointed -wal back)
    data = bytearray(keep.read_bytes())
    keep.unlink()
    for _ in range(20):
        data[rng.randrange(32, len(data))] ^= 1 << rng.randrange(8)
    wal.write_bytes(bytes(data[:rng.randrange(32, len(data))]))
    return "-wal damaged"


DAMAGES: list[tuple[str, Damage]] = [
    ("half", _truncate(fraction=0.5)), ("4k", _truncate(size=4096)),
    ("100b", _truncate(size=100)), ("magic", _truncate(size=16)),
    ("cut", _truncate()), ("flip1", _flip(1)), ("flip4", _flip(4)), ("flip20", _flip(20)),
    ("flip200", _flip(200)), ("zero-page", _page("zero")), ("noise-page", _page("noise")),
    ("header", _header), ("utf8", _bad_utf8), ("schema", _bad_schema), ("wal", _bad_wal),
]


# -- the actions -----------------------------------------------------------------------------

def _cli(args: list[str]) -> tuple[str, str]:
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text = "".join(traceback.format_exception(result.exception))
        return "traceback", text
    if result.exit_code == 0:
        return "ok", ""
    return "message", result.stderr or result.stdout


def _window(path: Path) -> tuple[str, str]:
    """What the window does when it opens a project."""
    from akkord.services.annotation import Annotation
    from akkord.services.documents import DocumentCatalog

    try:
        with open_project(path) as project:
            annotation = Annotation(project, "anna")
            annotation.schema  # noqa: B018
            catalog = DocumentCatalog(project, "anna")  # as the document list reads
            ids = catalog.ids()
            for start in range(0, len(ids), 50):  # a page of rows at a time
                catalog.rows(ids[start:start + 50])
            for doc_id in ids:
                annotation.load_document(doc_id)
        return "ok", ""
    except AkkordError as exc:
        return "message", str(exc)
    except Exception:
        return "traceback", traceback.format_exc()


def run_damage(folder: Path, *, cases: int = 300, seed: int = 13) -> DamageReport:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    base = folder / "base.akkord"
    with open_project(base, create=True) as project:
        extra = folder / "extra.jsonl"
        write_import_file(extra, [f"extra-{i}" for i in range(60)], rng)
        import_paths(project, [resource_path("demo", "gold.jsonl"), extra])
    small = folder / "small.jsonl"
    write_import_file(small, ["small-0"], rng)
    report = DamageReport()
    for case in range(cases):
        name, damage = DAMAGES[case % len(DAMAGES)]
        path = folder / f"case-{case}-{name}.akkord"
        shutil.copyfile(base, path)
        how = damage(path, rng)
        report.cases += 1
        _case(case, path, how, small, folder, report)
        for leftover in folder.glob(f"case-{case}-*"):
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
    return report


def _case(case: int, path: Path, how: str, small: Path, folder: Path,
          report: DamageReport) -> None:
    out = folder / f"case-{case}-export.jsonl"
    runs: list[tuple[str, tuple[str, str]]] = [
        ("list", _cli(["list", str(path)])),
        ("export", _cli(["export", str(path), "--out", str(out)])),
        ("import", _cli(["import", str(path), str(small)])),
        ("check", _cli(["check", str(path)])),
        ("window", _window(path)),
    ]
    recovered = folder / f"case-{case}-recovered.akkord"
    runs.append(("recover", _cli(["recover", str(path), "--out", str(recovered)])))
    for action, (outcome, text) in runs:
        report.outcomes[f"{action}: {outcome}"] += 1
        if outcome == "traceback":
            report.tracebacks += 1
            report.problems.append(f"case {case} ({how}), {action}:\n{text}")
        elif outcome == "message" and _about_damage(text) and "akkord recover" not in text:
            report.unhelpful += 1
            report.problems.append(f"case {case} ({how}), {action}: {text.strip()}")
    if recovered.exists():
        report.recovered += 1
        _count_rows(path, recovered, report)
    else:
        report.recovery_refused += 1


def _about_damage(text: str) -> bool:
    lowered = text.lower()
    return "damaged" in lowered or "malformed" in lowered or "corrupt" in lowered


def _count_rows(path: Path, recovered: Path, report: DamageReport) -> None:
    from akkord.store.recover import ORDER

    with sqlite3.connect(recovered) as conn:
        kept = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ORDER)
    conn.close()
    report.rows_kept += kept
    report.rows_found += _BASE_ROWS.setdefault(path.parent, _rows_of(path.parent / "base.akkord"))


_BASE_ROWS: dict[Path, int] = {}


def _rows_of(path: Path) -> int:
    from akkord.store.recover import ORDER

    with sqlite3.connect(path) as conn:
        total = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ORDER)
    conn.close()
    return total


__all__ = ["DamageReport", "ProjectDamagedError", "run_damage"]
