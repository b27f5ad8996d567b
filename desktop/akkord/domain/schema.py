"""The annotation schema: labels, entity kinds, attributes and relation types, as data.

A project's schema is a TOML document stored in the project. Nothing else in the code
knows the words "demand" or "meeting": it asks the :class:`Schema`. The default schema is
``resources/schemas/negotiations.toml``; a researcher with another codebook edits a copy.

:func:`parse_schema` validates the whole document and raises :class:`SchemaError` listing
*every* problem with its TOML path (``labels.ACTOR.key: …``), so a user fixes a file in
one pass.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from akkord.domain.actions import reserved_keys
from akkord.errors import AkkordError

AttributeType = Literal["text", "enum", "bool", "date", "ref", "number"]
Look = Literal["solid", "outline", "tentative", "void"]
LOOKS: tuple[Look, ...] = ("solid", "outline", "tentative", "void")
"""How a timeline item's status is drawn: settled (solid), planned or pending (outline),
proposed or uncertain (tentative: hatched), called off or withdrawn (void: grey, crossed)."""
ATTRIBUTE_TYPES: tuple[AttributeType, ...] = ("text", "enum", "bool", "date", "ref", "number")

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_RESERVED_KEYS = frozenset({" "})


class SchemaError(AkkordError, ValueError):
    """The schema document is invalid; ``problems`` lists each problem with its path."""

    def __init__(self, problems: list[str], source: str = "schema") -> None:
        self.problems = problems
        super().__init__(f"{source} is not a valid Akkord schema:\n  - " + "\n  - ".join(problems))


@dataclass(frozen=True, slots=True)
class Attribute:
    """One typed attribute of an entity kind or of a label's mentions."""

    name: str
    type: AttributeType
    description: str = ""
    values: tuple[str, ...] = ()  # enum
    kind: str | None = None  # ref: the entity kind referred to
    many: bool = False  # ref: a list of references
    roles: tuple[str, ...] = ()  # ref: the role each reference may carry
    pattern: str | None = None  # text: a regular expression the value must match
    required: bool = False
    dated: bool = False  # ref: each reference may carry a date (an office holder's term)

    def check(self, value: object) -> str | None:
        """Why ``value`` is not valid for this attribute, or ``None`` when it is."""
        if self.type == "enum" and value not in self.values:
            return f"{value!r} is not one of {', '.join(self.values)}"
        if self.type == "bool" and not isinstance(value, bool):
            return f"{value!r} is not true or false"
        if self.type == "number" and (isinstance(value, bool)
                                      or not isinstance(value, int | float)):
            return f"{value!r} is not a number"
        if self.type == "text":
            if not isinstance(value, str):
                return f"{value!r} is not text"
            if self.pattern and not re.fullmatch(self.pattern, value):
                return f"{value!r} does not match {self.pattern}"
        return None


@dataclass(frozen=True, slots=True)
class TimelineSpec:
    """How a dated kind is drawn on the timeline, in the schema's own attribute names.

    ``lanes``: the ref attribute whose entities are the lanes an item is drawn on (a
    meeting on each participant's lane, a demand on its claimant's); ``targets``: a ref
    attribute drawn as a line from the item to each target's lane (a demand's
    addressees); ``style``: ``bar`` (earliest → latest day) or ``marker``; ``status``:
    the enum attribute shown as the item's state (proposed, held, …); ``looks``: how each
    status value is drawn, one of :data:`LOOKS` (the code cannot know that "held" is
    settled and "proposed" tentative, so the schema says it; unnamed values are solid).
    """

    date: str
    lanes: str | None = None
    targets: str | None = None
    style: Literal["bar", "marker"] = "bar"
    status: str | None = None
    looks: tuple[tuple[str, Look], ...] = ()

    def look(self, status: str | None) -> Look:
        """How an item with ``status`` is drawn (``solid`` when the schema does not say)."""
        return next((look for value, look in self.looks if value == status), "solid")


@dataclass(frozen=True, slots=True)
class EntityKind:
    """A kind of canonical object (actor, demand, …) and its attributes."""

    name: str
    display: str
    attributes: tuple[Attribute, ...] = ()
    description: str = ""
    timeline_table: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    timeline_looks: tuple[tuple[str, Look], ...] = field(default=(), compare=False, repr=False)
    office: str | None = None
    """A dated ref attribute listing who held an entity of this kind when it is an office
    ("Natos generalsekretær"): a mention of the office resolves to the holder on the
    article's date (see :mod:`akkord.domain.offices`)."""

    def attribute(self, name: str) -> Attribute:
        for attr in self.attributes:
            if attr.name == name:
                return attr
        raise KeyError(f"entity kind {self.name!r} has no attribute {name!r}")

    @property
    def date_attribute(self) -> Attribute | None:
        """The first date attribute: what puts this kind on the timeline."""
        return next((a for a in self.attributes if a.type == "date"), None)

    @property
    def timeline(self) -> TimelineSpec | None:
        """How this kind appears on the timeline; ``None`` when it has no date.

        Without a ``[entities.KIND.timeline]`` table: bars, on the lanes of the first ref
        attribute, with the ``status`` attribute (if any) as state.
        """
        date = self.timeline_table.get("date") or (
            self.date_attribute.name if self.date_attribute else None)
        if date is None:
            return None
        refs = [a.name for a in self.attributes if a.type == "ref"]
        has_status = any(a.name == "status" for a in self.attributes)
        table = self.timeline_table
        style = table.get("style", "bar")
        return TimelineSpec(date=date, lanes=table.get("lanes", refs[0] if refs else None),
                            targets=table.get("targets"),
                            style="marker" if style == "marker" else "bar",
                            status=table.get("status", "status" if has_status else None),
                            looks=self.timeline_looks)


@dataclass(frozen=True, slots=True)
class Label:
    """A mention label: its shortcut key, colour, linked entity kind, mention attributes."""

    name: str
    key: str
    color: str
    entity: str | None = None
    attributes: tuple[Attribute, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class RelationType:
    """A directed, typed link between two mentions, and what it fills in the entities."""

    name: str
    heads: tuple[str, ...]
    tails: tuple[str, ...]
    fills: str | None = None  # attribute of the head's or tail's entity that this relation sets
    description: str = ""

    def allows(self, head_label: str, tail_label: str) -> bool:
        return head_label in self.heads and tail_label in self.tails


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    labels: tuple[Label, ...]
    kinds: tuple[EntityKind, ...]
    relations: tuple[RelationType, ...]
    description: str = ""
    source: str = field(default="", compare=False, repr=False)

    def label(self, name: str) -> Label:
        for label in self.labels:
            if label.name == name:
                return label
        raise KeyError(f"the schema has no label {name!r}")

    def kind(self, name: str) -> EntityKind:
        for kind in self.kinds:
            if kind.name == name:
                return kind
        raise KeyError(f"the schema has no entity kind {name!r}")

    def relation(self, name: str) -> RelationType:
        for rel in self.relations:
            if rel.name == name:
                return rel
        raise KeyError(f"the schema has no relation type {name!r}")

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def label_for_key(self, key: str) -> Label | None:
        return next((label for label in self.labels if label.key == key), None)

    def kind_of_label(self, label: str) -> EntityKind | None:
        entity = self.label(label).entity
        return self.kind(entity) if entity else None


# -- parsing ---------------------------------------------------------------------------

class _Problems(list[str]):
    def at(self, path: str, message: str) -> None:
        self.append(f"{path}: {message}")


def _table(value: object, path: str, problems: _Problems) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.at(path, "must be a table")
        return {}
    return cast(Mapping[str, Any], value)


def _strings(value: object, path: str, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.at(path, "must be a list of strings")
        return ()
    return tuple(value)


def _unknown(table: Mapping[str, Any], allowed: set[str], path: str, problems: _Problems) -> None:
    for key in table:
        if key not in allowed:
            problems.at(f"{path}.{key}", f"unknown setting (allowed: {', '.join(sorted(allowed))})")


_ATTRIBUTE_KEYS = {"type", "description", "values", "kind", "many", "roles", "pattern",
                   "required", "dated"}


def _attribute(name: str, raw: object, path: str, problems: _Problems) -> Attribute | None:
    table = _table(raw, path, problems)
    _unknown(table, _ATTRIBUTE_KEYS, path, problems)
    type_ = table.get("type")
    if type_ not in ATTRIBUTE_TYPES:
        problems.at(f"{path}.type", f"{type_!r} is not one of {', '.join(ATTRIBUTE_TYPES)}")
        return None
    values = _strings(table.get("values"), f"{path}.values", problems)
    if type_ == "enum" and not values:
        problems.at(f"{path}.values", "an enum needs a non-empty list of values")
    if type_ == "ref" and not isinstance(table.get("kind"), str):
        problems.at(f"{path}.kind", "a ref attribute needs the entity kind it refers to")
    if table.get("dated") and type_ != "ref":
        problems.at(f"{path}.dated", "only a ref attribute can be dated")
    pattern = table.get("pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            problems.at(f"{path}.pattern", f"not a regular expression: {exc}")
    return Attribute(
        name=name, type=cast(AttributeType, type_),
        description=str(table.get("description", "")),
        values=values, kind=table.get("kind"), many=bool(table.get("many", False)),
        roles=_strings(table.get("roles"), f"{path}.roles", problems),
        pattern=str(pattern) if pattern is not None else None,
        required=bool(table.get("required", False)),
        dated=bool(table.get("dated", False)),
    )


def _attributes(raw: object, path: str, problems: _Problems) -> tuple[Attribute, ...]:
    out = []
    for name, spec in _table(raw, path, problems).items():
        if not _NAME.match(name):
            problems.at(f"{path}.{name}", "attribute names are letters, digits, _ and -")
        attr = _attribute(name, spec, f"{path}.{name}", problems)
        if attr:
            out.append(attr)
    return tuple(out)


def _labels(raw: object, problems: _Problems) -> tuple[Label, ...]:
    labels: list[Label] = []
    keys: dict[str, str] = {}
    for name, spec in _table(raw, "labels", problems).items():
        path = f"labels.{name}"
        table = _table(spec, path, problems)
        _unknown(table, {"key", "color", "entity", "attributes", "description"}, path, problems)
        if not _NAME.match(name):
            problems.at(path, "label names are letters, digits, _ and -")
        key = str(table.get("key", ""))
        taken = reserved_keys().get(key)
        if len(key) != 1 or key in _RESERVED_KEYS:
            problems.at(f"{path}.key", f"{key!r} must be one character (not a space)")
        elif taken is not None:
            problems.at(f"{path}.key", f"{key!r} is already the key of the command "
                        f"{taken.plain_text!r}; choose another key")
        elif key in keys:
            problems.at(f"{path}.key", f"{key!r} is already the key of {keys[key]}")
        keys[key] = name
        color = str(table.get("color", ""))
        if not _COLOR.match(color):
            problems.at(f"{path}.color", f"{color!r} is not a colour like #1f77b4")
        labels.append(Label(name=name, key=key, color=color, entity=table.get("entity"),
                            attributes=_attributes(table.get("attributes"),
                                                   f"{path}.attributes", problems),
                            description=str(table.get("description", ""))))
    if not labels:
        problems.at("labels", "the schema needs at least one label")
    return tuple(labels)


def _kinds(raw: object, problems: _Problems) -> tuple[EntityKind, ...]:
    kinds = []
    for name, spec in _table(raw, "entities", problems).items():
        path = f"entities.{name}"
        table = _table(spec, path, problems)
        _unknown(table, {"display", "attributes", "description", "timeline", "office"}, path,
                 problems)
        if not _NAME.match(name):
            problems.at(path, "entity kind names are letters, digits, _ and -")
        kind = EntityKind(name=name, display=str(table.get("display", name.capitalize())),
                          attributes=_attributes(table.get("attributes"),
                                                 f"{path}.attributes", problems),
                          description=str(table.get("description", "")),
                          timeline_table=_timeline(table.get("timeline"), f"{path}.timeline",
                                                   problems),
                          timeline_looks=_looks(table.get("timeline"), f"{path}.timeline.looks",
                                                problems),
                          office=str(table["office"]) if "office" in table else None)
        _check_timeline(kind, f"{path}.timeline", problems)
        _check_office(kind, f"{path}.office", problems)
        kinds.append(kind)
    return tuple(kinds)


_TIMELINE_KEYS = {"date", "lanes", "targets", "style", "status"}


def _timeline(raw: object, path: str, problems: _Problems) -> dict[str, str]:
    table = _table(raw, path, problems)
    _unknown(table, {*_TIMELINE_KEYS, "looks"}, path, problems)
    out = {k: str(v) for k, v in table.items() if k in _TIMELINE_KEYS}
    if out.get("style", "bar") not in ("bar", "marker"):
        problems.at(f"{path}.style", f"{out['style']!r} is not bar or marker")
    return out


def _looks(raw: object, path: str, problems: _Problems) -> tuple[tuple[str, Look], ...]:
    """The ``looks`` table of a timeline table: status value → one of :data:`LOOKS`."""
    if not isinstance(raw, dict):
        return ()
    out: list[tuple[str, Look]] = []
    for value, look in _table(raw.get("looks"), path, problems).items():
        if look not in LOOKS:
            problems.at(f"{path}.{value}", f"{look!r} is not one of {', '.join(LOOKS)}")
        else:
            out.append((value, cast(Look, look)))
    return tuple(out)


def _check_timeline(kind: EntityKind, path: str, problems: _Problems) -> None:
    types = {a.name: a.type for a in kind.attributes}
    wanted = {"date": "date", "lanes": "ref", "targets": "ref", "status": "enum"}
    for key, value in kind.timeline_table.items():
        if key in wanted and types.get(value) != wanted[key]:
            problems.at(f"{path}.{key}", f"{kind.name} has no {wanted[key]} attribute {value!r}")
    spec = kind.timeline
    if not kind.timeline_looks or spec is None:
        return
    status = next((a for a in kind.attributes if a.name == spec.status and a.type == "enum"),
                  None)
    for value, _look in kind.timeline_looks:
        if status is None or value not in status.values:
            problems.at(f"{path}.looks.{value}",
                        f"{value!r} is not a value of {kind.name}'s status attribute")


def _check_office(kind: EntityKind, path: str, problems: _Problems) -> None:
    if kind.office is None:
        return
    attr = next((a for a in kind.attributes if a.name == kind.office), None)
    if attr is None or attr.type != "ref" or not attr.many or not attr.dated:
        problems.at(path, f"{kind.name} has no ref attribute {kind.office!r} with many = true "
                          "and dated = true (the office's holders with their terms)")


def _relations(raw: object, problems: _Problems) -> tuple[RelationType, ...]:
    out = []
    for name, spec in _table(raw, "relations", problems).items():
        path = f"relations.{name}"
        table = _table(spec, path, problems)
        _unknown(table, {"head", "tail", "fills", "description"}, path, problems)
        out.append(RelationType(
            name=name, heads=_strings(table.get("head"), f"{path}.head", problems),
            tails=_strings(table.get("tail"), f"{path}.tail", problems),
            fills=table.get("fills"), description=str(table.get("description", ""))))
    return tuple(out)


def _cross_check(schema: Schema, problems: _Problems) -> None:
    kind_names = {k.name for k in schema.kinds}
    for label in schema.labels:
        if label.entity is not None and label.entity not in kind_names:
            problems.at(f"labels.{label.name}.entity", f"no entity kind {label.entity!r}")
    for kind in schema.kinds:
        for attr in kind.attributes:
            if attr.type == "ref" and attr.kind not in kind_names:
                problems.at(f"entities.{kind.name}.attributes.{attr.name}.kind",
                            f"no entity kind {attr.kind!r}")
    for rel in schema.relations:
        for side, names in (("head", rel.heads), ("tail", rel.tails)):
            if not names:
                problems.at(f"relations.{rel.name}.{side}", "needs at least one label")
            for name in names:
                if name not in schema.label_names:
                    problems.at(f"relations.{rel.name}.{side}", f"no label {name!r}")
        if rel.fills is not None and not _fill_targets(schema, rel):
            problems.at(f"relations.{rel.name}.fills",
                        f"no entity of the {', '.join(rel.heads + rel.tails)} labels has an "
                        f"attribute {rel.fills!r}")


def _fill_targets(schema: Schema, rel: RelationType) -> list[str]:
    kinds = {k.name: k for k in schema.kinds}
    targets = []
    for candidate in schema.labels:
        if (candidate.name in (*rel.heads, *rel.tails) and candidate.entity in kinds
                and any(a.name == rel.fills for a in kinds[candidate.entity].attributes)):
            targets.append(candidate.name)
    return targets


def parse_schema(text: str, source: str = "schema") -> Schema:
    """Parse and validate a schema TOML document; raise :class:`SchemaError` listing problems."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError([f"not valid TOML: {exc}"], source) from exc
    problems = _Problems()
    _unknown(raw, {"name", "description", "labels", "entities", "relations", "version"},
             "(top level)", problems)
    schema = Schema(
        name=str(raw.get("name", "schema")),
        labels=_labels(raw.get("labels"), problems),
        kinds=_kinds(raw.get("entities"), problems),
        relations=_relations(raw.get("relations"), problems),
        description=str(raw.get("description", "")),
        source=text,
    )
    _cross_check(schema, problems)
    if problems:
        raise SchemaError(list(problems), source)
    return schema
