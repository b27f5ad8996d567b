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
import warnings
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

MAX_SCHEMA_CHARS = 1_000_000
"""The largest schema accepted: the default is 5 KB, a long codebook with descriptions a
few hundred KB. A larger file is refused before it is parsed (a 60 MB schema was
accepted once, and every read of the project's schema then took its time)."""
MAX_NAME = 64
"""Label, entity kind, attribute, relation and role names fit the 64-character columns
that store them, on SQLite and PostgreSQL alike."""
MAX_PROBLEMS = 50
_SHOWN_PATH = 80


class _Problems(list[str]):
    def at(self, path: str, message: str) -> None:
        if len(path) > _SHOWN_PATH:
            path = path[:_SHOWN_PATH] + "…"
        if len(message) > 4 * _SHOWN_PATH:
            message = message[:4 * _SHOWN_PATH] + "…"
        self.append(f"{path}: {message}")


def _table(value: object, path: str, problems: _Problems) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.at(path, "must be a table")
        return {}
    return cast(Mapping[str, Any], value)


def _text(table: Mapping[str, Any], key: str, path: str, problems: _Problems,
          default: str = "") -> str:
    """``table[key]`` as a string (``default`` when absent); any other type is a problem.
    Descriptions and names are plain text, whatever markup they hold: nothing renders it."""
    value = table.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        problems.at(f"{path}.{key}", f"must be a string, not {type(value).__name__}")
        return default
    return value


def _name_or_none(table: Mapping[str, Any], key: str, path: str, problems: _Problems
                  ) -> str | None:
    """An optional reference by name to another part of the schema."""
    value = _text(table, key, path, problems)
    return value or None


def _flag(table: Mapping[str, Any], key: str, path: str, problems: _Problems) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        problems.at(f"{path}.{key}", "must be true or false")
        return False
    return value


def _strings(value: object, path: str, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.at(path, "must be a list of strings")
        return ()
    return tuple(value)


def _check_name(name: str, path: str, what: str, problems: _Problems) -> None:
    if not _NAME.fullmatch(name) or len(name) > MAX_NAME:
        problems.at(path, f"{what} names are letters, digits, _ and - (at most {MAX_NAME} "
                    "characters, starting with a letter)")


def _unknown(table: Mapping[str, Any], allowed: set[str], path: str, problems: _Problems) -> None:
    for key in table:
        if key not in allowed:
            problems.at(f"{path}.{key}", f"unknown setting (allowed: {', '.join(sorted(allowed))})")


_ATTRIBUTE_KEYS = {"type", "description", "values", "kind", "many", "roles", "pattern",
                   "required", "dated"}
_MAX_PATTERN = 1000


def _pattern(table: Mapping[str, Any], path: str, problems: _Problems) -> str | None:
    pattern = _name_or_none(table, "pattern", path, problems)
    if pattern is None:
        return None
    if len(pattern) > _MAX_PATTERN:
        problems.at(f"{path}.pattern", f"longer than {_MAX_PATTERN} characters")
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except (re.error, OverflowError, RecursionError) as exc:
        problems.at(f"{path}.pattern", f"not a regular expression: {exc}")
        return None
    return pattern


def _attribute(name: str, raw: object, path: str, problems: _Problems) -> Attribute | None:
    table = _table(raw, path, problems)
    _unknown(table, _ATTRIBUTE_KEYS, path, problems)
    type_ = table.get("type")
    if not isinstance(type_, str) or type_ not in ATTRIBUTE_TYPES:
        shown = type_ if isinstance(type_, str | int | float | bool) else type(type_).__name__
        problems.at(f"{path}.type", f"{shown!r} is not one of {', '.join(ATTRIBUTE_TYPES)}")
        return None
    values = _strings(table.get("values"), f"{path}.values", problems)
    if type_ == "enum" and not values:
        problems.at(f"{path}.values", "an enum needs a non-empty list of values")
    kind = _name_or_none(table, "kind", path, problems)
    if type_ == "ref" and kind is None:
        problems.at(f"{path}.kind", "a ref attribute needs the entity kind it refers to")
    if table.get("dated") and type_ != "ref":
        problems.at(f"{path}.dated", "only a ref attribute can be dated")
    roles = _strings(table.get("roles"), f"{path}.roles", problems)
    for role in roles:
        if not role or len(role) > MAX_NAME or not role.isprintable():
            problems.at(f"{path}.roles", f"a role is 1 to {MAX_NAME} printable characters")
            break
    return Attribute(
        name=name, type=type_,
        description=_text(table, "description", path, problems),
        values=values, kind=kind, many=_flag(table, "many", path, problems),
        roles=roles, pattern=_pattern(table, path, problems),
        required=_flag(table, "required", path, problems),
        dated=_flag(table, "dated", path, problems),
    )


def _attributes(raw: object, path: str, problems: _Problems) -> tuple[Attribute, ...]:
    out = []
    for name, spec in _table(raw, path, problems).items():
        _check_name(name, f"{path}.{name}", "attribute", problems)
        attr = _attribute(name, spec, f"{path}.{name}", problems)
        if attr:
            out.append(attr)
    return tuple(out)


def _key(table: Mapping[str, Any]) -> str:
    key = table.get("key", "")
    return str(key) if isinstance(key, str | int) and not isinstance(key, bool) else ""


def _labels(raw: object, problems: _Problems) -> tuple[Label, ...]:
    labels: list[Label] = []
    keys: dict[str, str] = {}
    for name, spec in _table(raw, "labels", problems).items():
        path = f"labels.{name}"
        table = _table(spec, path, problems)
        _unknown(table, {"key", "color", "entity", "attributes", "description"}, path, problems)
        _check_name(name, path, "label", problems)
        key = _key(table)
        taken = reserved_keys().get(key)
        if len(key) != 1 or key in _RESERVED_KEYS or not key.isprintable():
            problems.at(f"{path}.key", f"{key!r} must be one character (not a space)")
        elif taken is not None:
            problems.at(f"{path}.key", f"{key!r} is already the key of the command "
                        f"{taken.plain_text!r}; choose another key")
        elif key in keys:
            problems.at(f"{path}.key", f"{key!r} is already the key of {keys[key]}")
        keys[key] = name
        color = _text(table, "color", path, problems)
        if not _COLOR.fullmatch(color):
            problems.at(f"{path}.color", f"{color[:20]!r} is not a colour like #1f77b4")
        labels.append(Label(name=name, key=key, color=color,
                            entity=_name_or_none(table, "entity", path, problems),
                            attributes=_attributes(table.get("attributes"),
                                                   f"{path}.attributes", problems),
                            description=_text(table, "description", path, problems)))
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
        _check_name(name, path, "entity kind", problems)
        kind = EntityKind(name=name,
                          display=_text(table, "display", path, problems, name.capitalize()),
                          attributes=_attributes(table.get("attributes"),
                                                 f"{path}.attributes", problems),
                          description=_text(table, "description", path, problems),
                          timeline_table=_timeline(table.get("timeline"), f"{path}.timeline",
                                                   problems),
                          timeline_looks=_looks(table.get("timeline"), f"{path}.timeline.looks",
                                                problems),
                          office=_name_or_none(table, "office", path, problems))
        _check_timeline(kind, f"{path}.timeline", problems)
        _check_office(kind, f"{path}.office", problems)
        kinds.append(kind)
    return tuple(kinds)


_TIMELINE_KEYS = {"date", "lanes", "targets", "style", "status"}


def _timeline(raw: object, path: str, problems: _Problems) -> dict[str, str]:
    table = _table(raw, path, problems)
    _unknown(table, {*_TIMELINE_KEYS, "looks"}, path, problems)
    out = {k: _text(table, k, path, problems) for k in table if k in _TIMELINE_KEYS}
    if out.get("style", "bar") not in ("bar", "marker"):
        problems.at(f"{path}.style", f"{out['style'][:20]!r} is not bar or marker")
    return out


def _looks(raw: object, path: str, problems: _Problems) -> tuple[tuple[str, Look], ...]:
    """The ``looks`` table of a timeline table: status value → one of :data:`LOOKS`."""
    if not isinstance(raw, dict):
        return ()
    out: list[tuple[str, Look]] = []
    for value, look in _table(raw.get("looks"), path, problems).items():
        if not isinstance(look, str) or look not in LOOKS:
            shown = look[:20] if isinstance(look, str) else type(look).__name__
            problems.at(f"{path}.{value}", f"{shown!r} is not one of {', '.join(LOOKS)}")
        else:
            out.append((value, look))
    return tuple(out)


def _check_timeline(kind: EntityKind, path: str, problems: _Problems) -> None:
    types = {a.name: a.type for a in kind.attributes}
    wanted = {"date": "date", "lanes": "ref", "targets": "ref", "status": "enum"}
    for key, value in kind.timeline_table.items():
        if key in wanted and types.get(value) != wanted[key]:
            problems.at(f"{path}.{key}", f"{kind.name} has no {wanted[key]} attribute "
                        f"{value[:40]!r}")
    spec = kind.timeline
    if not kind.timeline_looks or spec is None:
        return
    status = next((a for a in kind.attributes if a.name == spec.status and a.type == "enum"),
                  None)
    for value, _look in kind.timeline_looks:
        if status is None or value not in status.values:
            problems.at(f"{path}.looks.{value}",
                        f"{value[:40]!r} is not a value of {kind.name}'s status attribute")


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
        _check_name(name, path, "relation", problems)
        out.append(RelationType(
            name=name, heads=_strings(table.get("head"), f"{path}.head", problems),
            tails=_strings(table.get("tail"), f"{path}.tail", problems),
            fills=_name_or_none(table, "fills", path, problems),
            description=_text(table, "description", path, problems)))
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
    """Parse and validate a schema TOML document; raise :class:`SchemaError` listing problems.

    Total on any input: a schema larger than :data:`MAX_SCHEMA_CHARS`, nested deeper
    than the TOML parser can follow, with a value of the wrong type at any key, or with
    names that do not fit the database is a :class:`SchemaError`, never another exception.
    """
    if len(text) > MAX_SCHEMA_CHARS:
        raise SchemaError([f"the schema is {len(text):,} characters long; Akkord reads "
                           f"schemas of up to {MAX_SCHEMA_CHARS:,}"], source)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError([f"not valid TOML: {exc}"], source) from exc
    except RecursionError as exc:  # tomllib recurses once per level of [ and {
        raise SchemaError(["arrays or inline tables are nested too deeply (a schema "
                           "nests a few levels)"], source) from exc
    problems = _Problems()
    _unknown(raw, {"name", "description", "labels", "entities", "relations", "version"},
             "(top level)", problems)
    name = _text(raw, "name", "(top level)", problems, "schema")
    if len(name) > 128 or not name.isprintable():
        problems.at("name", "must be at most 128 printable characters")
    schema = Schema(
        name=name,
        labels=_labels(raw.get("labels"), problems),
        kinds=_kinds(raw.get("entities"), problems),
        relations=_relations(raw.get("relations"), problems),
        description=_text(raw, "description", "(top level)", problems),
        source=text,
    )
    _cross_check(schema, problems)
    if problems:
        shown = list(problems[:MAX_PROBLEMS])
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS} more problems")
        raise SchemaError(shown, source)
    return schema


def decode_schema(data: bytes, source: str = "schema") -> str:
    """A schema file's bytes as text: UTF-8 (with or without a BOM) and not too large.

    What ``akkord init --schema FILE`` and the window read a schema file with, so that a
    binary or huge file is a :class:`SchemaError`, not a ``UnicodeDecodeError``.
    """
    if len(data) > 4 * MAX_SCHEMA_CHARS:
        raise SchemaError([f"the file is {len(data):,} bytes; Akkord reads schemas of up "
                           f"to {MAX_SCHEMA_CHARS:,} characters"], source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemaError([f"not UTF-8 text ({exc.reason} at byte {exc.start}): a schema is "
                           "a TOML text file"], source) from exc
    if not text.strip():
        raise SchemaError(["the file is empty"], source)
    return text
