"""Typed access to parsed JSON at the border: every key has one type, or the record is bad.

A JSON reader gets whatever the file holds: ``"annotator": {}``, ``"start": "4"``,
``"annotations": 5``. Each reader asks for a key with the type it needs
(:func:`text`, :func:`integer`, :func:`array`, …) and gets that type or a
:class:`BadRecord` naming the key and what was found, which the reader turns into a
problem with its file and line. No value of an unexpected type travels further (to a
``set``, ``str.strip`` or the database driver), so no input can turn into a traceback.

Only structure is checked here; what the values mean (labels in the schema, offsets in
the text, NUL characters, nesting of metadata) is the import checker's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from akkord.domain.dates import PartialDate, PartialDateError

_JSON_TYPES = {dict: "an object", list: "a list", str: "a string", bool: "true/false",
               int: "an integer", float: "a number", type(None): "null"}


class BadRecord(ValueError):
    """A structural problem in one record (the message says which key and why)."""


def kind_of(value: object) -> str:
    """How a JSON value is called in messages: ``an object``, ``a list``, ``null`` …"""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _expected(where: str, wanted: str, value: object) -> BadRecord:
    return BadRecord(f"{where} must be {wanted}, not {kind_of(value)}")


def obj(value: object, where: str) -> dict[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, dict):
        raise _expected(where, "an object", value)
    return value


def opt_obj(raw: Mapping[str, Any], key: str, where: str = "") -> dict[str, Any]:
    """``raw[key]`` as an object; absent or null gives ``{}``."""
    value = raw.get(key)
    return {} if value is None else obj(value, _name(where, key))


def array(raw: Mapping[str, Any], key: str, where: str = "") -> list[Any]:
    """``raw[key]`` as a list; absent or null gives ``[]``."""
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _expected(_name(where, key), "a list", value)
    return value


def text(raw: Mapping[str, Any], key: str, where: str = "", *, required: bool = False
         ) -> str | None:
    """``raw[key]`` as a string (``None`` when absent or null, unless ``required``)."""
    value = raw.get(key)
    if value is None:
        if required:
            raise BadRecord(f"{_name(where, key)} is missing")
        return None
    if not isinstance(value, str):
        raise _expected(_name(where, key), "a string", value)
    return value


def required_text(raw: Mapping[str, Any], key: str, where: str = "") -> str:
    """``raw[key]`` as a non-empty string."""
    value = text(raw, key, where, required=True)
    if not value:
        raise BadRecord(f"{_name(where, key)} is empty")
    return value


def integer(value: object, where: str) -> int:
    """``value`` as an integer (``true`` and ``4.0`` are not integers)."""
    if type(value) is not int:
        raise _expected(where, "an integer", value)
    return value


def number(raw: Mapping[str, Any], key: str, where: str = "") -> float | int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _expected(_name(where, key), "a number", value)
    return value


def flag(raw: Mapping[str, Any], key: str, where: str = "", default: bool | None = None
         ) -> bool | None:
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _expected(_name(where, key), "true or false", value)
    return value


def identifier(value: object, where: str) -> str:
    """An id as files write them: a string or an integer (stored as its string)."""
    if isinstance(value, str):
        return value
    if type(value) is int:
        return str(value)
    raise _expected(where, "a string or an integer", value)


def opt_identifier(raw: Mapping[str, Any], key: str, where: str = "") -> str | None:
    value = raw.get(key)
    return None if value is None else identifier(value, _name(where, key))


def strings(raw: Mapping[str, Any], key: str, where: str = "") -> list[str]:
    """``raw[key]`` as a list of strings; absent or null gives ``[]``."""
    items = array(raw, key, where)
    for i, item in enumerate(items, start=1):
        if not isinstance(item, str):
            raise _expected(f"{_name(where, key)} item {i}", "a string", item)
    return items


def string_map(raw: Mapping[str, Any], key: str, where: str = "") -> dict[str, str]:
    """``raw[key]`` as an object of strings; absent or null gives ``{}``."""
    table = opt_obj(raw, key, where)
    for name, value in table.items():
        if not isinstance(value, str):
            raise _expected(f"{_name(where, key)}.{name}", "a string", value)
    return table


def _name(where: str, key: str) -> str:
    return f"{where}.{key}" if where else f'"{key}"'


def check_range(start: int, end: int, length: int, where: str) -> None:
    """``[start, end)`` must be a non-empty range inside a text of ``length`` units.

    Readers check offsets against the text *as the file gives it*, before any
    normalisation moves them: a negative or past-the-end offset must be refused, not
    clipped to the text by the offset map.
    """
    if not 0 <= start < end <= length:
        raise BadRecord(f"{where}: [{start}, {end}) is not a non-empty range inside the text "
                        f"(length {length})")


def partial_date(value: str, where: str) -> PartialDate:
    """A TIMEX value (``2022-01-12``, ``2022-W04``, ``2022-01-10/2022-01-12``) as a date.

    An interval has two ends: a value with more slashes is refused here (the parser would
    recurse once per slash, and ``2022/2022/…`` thousands long ran out of stack).
    """
    if value.count("/") > 1:
        raise BadRecord(f"{where}: {value[:40]!r} is not a date value (an interval has two "
                        "ends)")
    try:
        return PartialDate.parse(value)
    except PartialDateError as exc:
        raise BadRecord(f"{where}: {exc}") from exc
