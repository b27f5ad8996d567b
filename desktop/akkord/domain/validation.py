"""One rule set for attribute values, used by every way in (import, the window, the CLI).

Import checks records whose references are entity *keys*; the window checks values whose
references are entity *ids*. Both ask :func:`value_problem` with the kind of the entity
the reference points at (looked up by the caller, ``None`` when it does not exist), so
the two paths cannot drift apart again (roles, dates, enums, patterns, types).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from akkord.domain.dates import PartialDate
from akkord.domain.schema import Attribute

_MISSING = object()


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
    problem = attr.check(value.plain())
    return f"{attr.name}: {problem}" if problem else None


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
