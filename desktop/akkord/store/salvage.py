"""Read the rows out of a damaged SQLite file, page by page.

This is what the ``sqlite3`` shell's ``.recover`` does, in Python: Python's ``sqlite3``
module has no recovery API, and Debian's ``sqlite3`` shell cannot run ``.recover``
(its library lacks the ``sqlite_dbpage`` table: the command prints "SQL logic error" and
salvages nothing). The file format is documented and stable
(https://www.sqlite.org/fileformat2.html), and only a small part of it is needed:

* every page is looked at; *table b-tree leaf* pages (type 13) hold the rows, as cells
  of (payload size, rowid, record), with long records continued on overflow pages;
* a record is a header of serial types followed by the values;
* which table a leaf belongs to comes from walking each table's b-tree from its root
  page (named in ``sqlite_schema`` on page 1); leaves no root reaches (their interior
  page was lost) are assigned by the shape of their records when exactly one of the
  expected tables fits, else counted as unplaced;
* pages on the free list are skipped (they may hold deleted rows);
* committed frames of a ``-wal`` file beside the database replace the pages they
  update, as SQLite itself would read them.

Nothing here writes; the caller decides what to keep (:mod:`akkord.store.recover`).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TABLE_LEAF, TABLE_INTERIOR = 13, 5


@dataclass(frozen=True, slots=True)
class TableShape:
    """What a table's records look like: its columns, in order, and which one (if any)
    is the rowid alias (stored as NULL in the record)."""

    name: str
    columns: tuple[str, ...]
    rowid_column: str | None
    kinds: tuple[str, ...] = ()  # per column: "int", "real", "text" or "any"

    def fits(self, values: list[Any]) -> bool:
        """Whether a record could be a row of this table (count and kinds of values)."""
        if len(values) != len(self.columns):
            return False
        for column, kind, value in zip(self.columns, self.kinds or ("any",) * len(values),
                                       values, strict=False):
            if column == self.rowid_column:
                if value is not None:
                    return False
            elif value is not None and kind != "any" and _kind(value) not in (
                    kind, "int" if kind == "real" else kind):
                return False
        return True


def _kind(value: Any) -> str:
    if isinstance(value, _Text):
        return "text"
    if isinstance(value, bool | int):
        return "int"
    if isinstance(value, float):
        return "real"
    return "blob"


def kind_of_type(declared: str) -> str:
    """The kind of values a declared column type holds (SQLite's affinity rules)."""
    upper = declared.upper()
    if "INT" in upper or "BOOL" in upper:
        return "int"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT", "DATE", "JSON", "TIME")):
        return "text"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "real"
    return "any"


@dataclass
class Salvage:
    """The rows found, by table, as dicts of column → value (text still as bytes)."""

    page_size: int
    pages: int
    rows: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    unplaced: int = 0  # records on orphaned pages that no single table's shape fits
    bad_records: int = 0  # cells that could not be decoded
    notes: list[str] = field(default_factory=list)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, {}))


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """A SQLite varint at ``pos``: (value, next position)."""
    value = 0
    for i in range(8):
        byte = data[pos + i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, pos + i + 1
    return (value << 8) | data[pos + 8], pos + 9


def _decode_record(payload: bytes) -> list[Any]:
    header_size, pos = _varint(payload, 0)
    types = []
    while pos < header_size:
        serial, pos = _varint(payload, pos)
        types.append(serial)
    values: list[Any] = []
    pos = header_size
    for serial in types:
        if serial == 0:
            values.append(None)
        elif 1 <= serial <= 6:
            size = (1, 2, 3, 4, 6, 8)[serial - 1]
            chunk = payload[pos:pos + size]
            if len(chunk) < size:
                raise ValueError("record cut short")
            values.append(int.from_bytes(chunk, "big", signed=True))
            pos += size
        elif serial == 7:
            values.append(struct.unpack(">d", payload[pos:pos + 8])[0])
            pos += 8
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            size = (serial - 12) // 2
            chunk = payload[pos:pos + size]
            if len(chunk) < size:
                raise ValueError("record cut short")
            values.append(bytes(chunk) if serial % 2 == 0 else _Text(chunk))
            pos += size
        else:
            raise ValueError(f"reserved serial type {serial}")
    return values


class _Text(bytes):
    """Text as stored (UTF-8 bytes, maybe damaged); the caller decodes it."""


class _File:
    def __init__(self, data: bytes, wal: bytes | None) -> None:
        self.data = data
        self.page_size = _page_size(data)
        header = data[:100]
        self.reserved = header[20] if len(header) > 20 else 0
        self.usable = self.page_size - self.reserved
        self.pages = max(len(data) // self.page_size, 1)
        self.overrides: dict[int, bytes] = _wal_pages(wal, self.page_size) if wal else {}
        if self.overrides:
            self.pages = max(self.pages, max(self.overrides))

    def page(self, number: int) -> bytes | None:
        if number < 1:
            return None
        found = self.overrides.get(number)
        if found is not None:
            return found
        start = (number - 1) * self.page_size
        chunk = self.data[start:start + self.page_size]
        return chunk if len(chunk) == self.page_size else None

    def header_offset(self, number: int) -> int:
        return 100 if number == 1 else 0

    # -- cells --------------------------------------------------------------------------
    def leaf_cells(self, number: int) -> Iterator[tuple[int, bytes]]:
        page = self.page(number)
        if page is None:
            return
        base = self.header_offset(number)
        if page[base] != TABLE_LEAF:
            return
        (cells,) = struct.unpack_from(">H", page, base + 3)
        for i in range(cells):
            pointer = base + 8 + 2 * i
            if pointer + 2 > len(page):
                return  # a damaged cell count: the pointers end with the page
            (offset,) = struct.unpack_from(">H", page, pointer)
            try:
                yield self._cell(page, offset)
            except (IndexError, ValueError, struct.error):
                continue

    def _cell(self, page: bytes, offset: int) -> tuple[int, bytes]:
        size, pos = _varint(page, offset)
        rowid, pos = _varint(page, pos)
        if rowid >= 1 << 63:
            rowid -= 1 << 64
        local = self._local_size(size)
        payload = bytearray(page[pos:pos + local])
        if local < size:
            (overflow,) = struct.unpack_from(">I", page, pos + local)
            seen: set[int] = set()
            while overflow and len(payload) < size and overflow not in seen:
                seen.add(overflow)
                chunk = self.page(overflow)
                if chunk is None:
                    raise ValueError("overflow page missing")
                (next_page,) = struct.unpack_from(">I", chunk, 0)
                payload += chunk[4:self.usable]
                overflow = next_page
        if len(payload) < size:
            raise ValueError("payload cut short")
        return rowid, bytes(payload[:size])

    def _local_size(self, size: int) -> int:
        usable = self.usable
        most = usable - 35
        if size <= most:
            return size
        least = ((usable - 12) * 32 // 255) - 23
        k = least + ((size - least) % (usable - 4))
        return k if k <= most else least

    # -- trees --------------------------------------------------------------------------
    def leaves_of(self, root: int) -> set[int]:
        """Leaf pages reachable from a table b-tree's root (damaged parts skipped)."""
        leaves: set[int] = set()
        stack, seen = [root], set()
        while stack:
            number = stack.pop()
            if number in seen or number > self.pages:
                continue
            seen.add(number)
            page = self.page(number)
            if page is None:
                continue
            base = self.header_offset(number)
            kind = page[base]
            if kind == TABLE_LEAF:
                leaves.add(number)
            elif kind == TABLE_INTERIOR:
                try:
                    (cells,) = struct.unpack_from(">H", page, base + 3)
                    (right,) = struct.unpack_from(">I", page, base + 8)
                    stack.append(right)
                    for i in range(cells):
                        (offset,) = struct.unpack_from(">H", page, base + 12 + 2 * i)
                        (child,) = struct.unpack_from(">I", page, offset)
                        stack.append(child)
                except struct.error:
                    continue
        return leaves

    def freelist(self) -> set[int]:
        header = self.data[:100]
        if len(header) < 40:
            return set()
        (trunk,) = struct.unpack_from(">I", header, 32)
        free: set[int] = set()
        while trunk and trunk not in free and trunk <= self.pages:
            free.add(trunk)
            page = self.page(trunk)
            if page is None:
                break
            (next_trunk, count) = struct.unpack_from(">II", page, 0)
            count = min(count, (self.usable - 8) // 4)
            free.update(struct.unpack_from(f">{count}I", page, 8))
            trunk = next_trunk
        return free


def _page_size(data: bytes) -> int:
    if len(data) >= 18:
        (raw,) = struct.unpack_from(">H", data, 16)
        size = 65536 if raw == 1 else raw
        if size >= 512 and not size & (size - 1):
            return size
    return 4096  # Akkord's (and SQLite's) default


def _wal_pages(wal: bytes, page_size: int) -> dict[int, bytes]:
    """The newest committed image of each page in a WAL file (salts must match)."""
    if len(wal) < 32 or struct.unpack_from(">I", wal, 0)[0] not in (0x377F0682, 0x377F0683):
        return {}
    (wal_page_size,) = struct.unpack_from(">I", wal, 8)
    if wal_page_size != page_size:
        return {}
    salts = wal[16:24]
    frame = 24 + page_size
    committed: dict[int, bytes] = {}
    pending: dict[int, bytes] = {}
    for start in range(32, len(wal) - frame + 1, frame):
        number, commit = struct.unpack_from(">II", wal, start)
        if wal[start + 8:start + 16] != salts:
            break
        pending[number] = wal[start + 24:start + frame]
        if commit:
            committed.update(pending)
            pending.clear()
    return committed


def _schema_rows(file: _File) -> list[tuple[str, str, int, str]]:
    """(type, name, root page, sql) of ``sqlite_schema`` (table 1), as far as readable."""
    rows = []
    for leaf in sorted(file.leaves_of(1)):
        for _rowid, payload in file.leaf_cells(leaf):
            try:
                values = _decode_record(payload)
                kind, name, _table, root, sql = values[:5]
                rows.append((bytes(kind).decode(), bytes(name).decode(), int(root),
                             bytes(sql or b"").decode()))
            except (ValueError, TypeError, IndexError, struct.error):
                continue
    return rows


def shape_of(sql: str) -> TableShape | None:
    """The shape of the table a CREATE TABLE statement makes, via an in-memory SQLite."""
    import sqlite3

    try:
        with sqlite3.connect(":memory:") as conn:
            conn.execute(sql)
            name = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'"
                                ).fetchone()[0]
            info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
    except (sqlite3.Error, TypeError):
        return None
    columns = tuple(row[1] for row in info)
    keys = [row for row in info if row[5]]
    alias = keys[0][1] if len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER" else None
    return TableShape(name, columns, alias, tuple(kind_of_type(str(row[2])) for row in info))


def salvage(path: Path, expected: dict[str, TableShape]) -> Salvage:
    """Every row that can still be read from the database file at ``path`` (and its
    ``-wal``), for the tables in ``expected`` (their shapes place orphaned pages)."""
    from akkord.store.fileguard import read_all

    data = read_all(path)  # not path.read_bytes(): see fileguard on POSIX locks
    wal_path = Path(f"{path}-wal")
    wal = wal_path.read_bytes() if wal_path.exists() else None
    file = _File(data, wal)
    result = Salvage(file.page_size, file.pages)
    shapes = dict(expected)
    placed: dict[int, str] = dict.fromkeys(file.leaves_of(1), "sqlite_schema")
    schema = _schema_rows(file)
    if not schema:
        result.notes.append("the table list on the first page is unreadable; rows were "
                            "placed by the shape of their records")
    for kind, name, root, sql in schema:
        if kind != "table" or name not in expected:
            continue
        found = shape_of(sql)
        if found is not None:
            shapes[name] = TableShape(name, found.columns, found.rowid_column,
                                      found.kinds)
        for leaf in file.leaves_of(root):
            placed.setdefault(leaf, name)
    free = file.freelist()
    for number in range(1, file.pages + 1):
        table = placed.get(number)
        if number in free or table == "sqlite_schema":
            continue
        for rowid, payload in file.leaf_cells(number):
            try:
                values = _decode_record(payload)
            except (IndexError, ValueError, struct.error):
                result.bad_records += 1
                continue
            owner = table or _fit(values, shapes)
            if owner is None:
                result.unplaced += 1
                continue
            if owner not in shapes:
                continue
            row = _as_row(values, rowid, shapes[owner])
            if row is None:
                result.bad_records += 1
                continue
            result.rows.setdefault(owner, {}).setdefault(rowid, row)
    return result


def _as_row(values: list[Any], rowid: int, shape: TableShape) -> dict[str, Any] | None:
    if len(values) > len(shape.columns):
        return None
    row = dict(zip(shape.columns, values, strict=False))
    for column in shape.columns[len(values):]:
        row[column] = None  # columns added after the row was written
    if shape.rowid_column is not None:
        row[shape.rowid_column] = rowid
    return row


def _fit(values: list[Any], shapes: dict[str, TableShape]) -> str | None:
    """The only expected table whose records look like ``values``, if exactly one."""
    fits = [name for name, shape in shapes.items() if shape.fits(values)]
    return fits[0] if len(fits) == 1 else None
