"""One rule set for attribute values, used by every way in (import, the window, the CLI).

Import checks records whose references are entity *keys*; the window checks values whose
references are entity *ids*. Both ask :func:`value_problem` with the kind of the entity
the reference points at (looked up by the caller, ``None`` when it does not exist), so
the two paths cannot drift apart again (roles, dates, enums, patterns, types).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from akkord.domain.dates import PartialDate
from akkord.domain.schema import Attribute

_MISSING = object()

MAX_TEXT_CHARS = 10_000_000
"""The longest document text accepted (10 million characters, ~50 times the longest
article in the benchmark corpus): longer input is refused with a message, not stored."""
MAX_META_DEPTH = 32
"""How deeply metadata may nest (objects and lists). orjson refuses more than 255 levels,
the standard library's encoder about 1,000: metadata a bibliographic record needs nests
two or three levels."""
MAX_META_SIZE = 1_000_000
"""The most characters of metadata per document (keys and strings, 8 per other value)."""
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class ValueLike(Protocol):
    """What a value must offer to be checked (``Value`` and ``ValueRecord`` both do)."""

    @property
    def date(self) -> PartialDate | None: ...

    @property
    def role(self) -> str | None: ...

    def plain(self) -> object: ...


@dataclass(frozen=True, slots=True)
class RefTarget:
    """What the caller knows of a referenced entity: does it exist, and of what kind."""

    exists: bool
    kind: str | None = None


def value_problem(attr: Attribute, value: ValueLike, ref: object | None = None,
                  target: RefTarget | None = None) -> str | None:
    """Why ``value`` does not fit ``attr`` (``"participants: 'dictator' is not a role …"``),
    or ``None`` when it does.

    ``ref`` is the reference as the caller holds it (an id or a key) and ``target`` what
    the caller found under it; both only matter for ``ref`` attributes.
    """
    if attr.type == "date":
        return None if value.date is not None else f"{attr.name} needs a date"
    if attr.type == "ref":
        return _ref_problem(attr, value, ref, target)
    if value.role is not None:
        return f"{attr.name}: only references carry a role"
    plain = value.plain()
    if isinstance(plain, float) and not math.isfinite(plain):
        return f"{attr.name}: {plain} is not a finite number"
    if isinstance(plain, str):
        problem = text_problem(plain, attr.name)
        if problem:
            return problem
    problem = attr.check(plain)
    return f"{attr.name}: {problem}" if problem else None


def text_problem(text: str, what: str) -> str | None:
    """Why ``text`` cannot be stored (``None`` when it can): the same rule for SQLite and
    PostgreSQL. A NUL character is refused (PostgreSQL rejects it; SQLite's ``length()``
    and its text functions stop at it, so nothing after it could be annotated), and so is
    a lone surrogate (not encodable as UTF-8)."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    what_char = "a NUL character (U+0000)" if found[0] == "\x00" else \
        f"a lone surrogate (U+{ord(found[0]):04X})"
    return f"{what} holds {what_char} at position {found.start()}; remove it and import again"


def json_problem(value: object, what: str, max_depth: int = MAX_META_DEPTH,
                 max_size: int = MAX_META_SIZE) -> str | None:
    """Why a JSON value (a document's metadata) cannot be stored, or ``None``.

    Walks the value without recursion (so no input depth can raise ``RecursionError``):
    nesting deeper than ``max_depth``, more than ``max_size`` characters, a non-string
    key, a non-finite number or a string :func:`text_problem` refuses.
    """
    stack: list[tuple[object, int, str]] = [(value, 0, what)]
    size = 0
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, Mapping | list):
            if depth >= max_depth:
                return (f"{what} nests deeper than {max_depth} levels (at {where}); Akkord "
                        "keeps metadata at most that deep")
            size += 8
            if isinstance(item, Mapping):
                for key, child in item.items():
                    if not isinstance(key, str):
                        return f"{where}: the key {key!r} is not a string"
                    problem = text_problem(key, f"{where}: a key")
                    if problem:
                        return problem
                    size += len(key)
                    stack.append((child, depth + 1, f"{where}.{key[:40]}"))
            else:
                stack.extend((child, depth + 1, f"{where}[{i}]")
                             for i, child in enumerate(item))
        elif isinstance(item, str):
            size += len(item)
            problem = text_problem(item, where)
            if problem:
                return problem
        elif isinstance(item, float) and not math.isfinite(item):
            return f"{where}: {item} is not a finite number"
        elif item is not None and not isinstance(item, bool | int | float):
            return f"{where}: {type(item).__name__} is not a JSON value"
        else:
            size += 8
        if size > max_size:
            return (f"{what} is larger than {max_size:,} characters; Akkord keeps metadata "
                    "at most that large")
    return None


def _ref_problem(attr: Attribute, value: ValueLike, ref: object | None,
                 target: RefTarget | None) -> str | None:
    if ref is None:
        return f"{attr.name} needs a reference to a {attr.kind}"
    if value.role is not None and value.role not in attr.roles:
        allowed = ", ".join(attr.roles) if attr.roles else "none"
        return f"{attr.name}: {value.role!r} is not a role of {attr.name} (roles: {allowed})"
    if value.date is not None and not attr.dated:
        return f"{attr.name}: a reference carries a date only when the attribute is dated"
    if target is not None and not target.exists:
        return f"{attr.name} refers to an unknown entity {ref!r}"
    if target is not None and target.kind != attr.kind:
        return f"{attr.name} must refer to a {attr.kind}, not a {target.kind}"
    return None


def values_problem(attr: Attribute, count: int, preferred: int) -> str | None:
    """Why a list of ``count`` values (``preferred`` of them marked preferred) cannot be the
    values of ``attr``: a single-valued attribute holds several competing values only
    when exactly one of them is preferred (dates may be stated differently by articles)."""
    if count > 1 and not attr.many and attr.type != "date" and preferred != 1:
        return (f"{attr.name} holds one value; mark one of the competing values as "
                "preferred")
    return None
