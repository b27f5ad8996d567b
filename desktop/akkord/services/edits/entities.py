"""Edits of canonical entities: create, delete, rename, aliases, attributes, merge.

Entities are shared by every annotator, so each edit here is a compare-and-set: it
carries what its author saw (``expected``) and is refused, naming who changed what,
when the stored state differs (:func:`akkord.services.edits.rows.compare`). The row is
locked first so that read, compare and write are one step for concurrent writers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from akkord.domain.entities import Value, entity_key, fold
from akkord.domain.schema import Schema
from akkord.services import queries
from akkord.services.edits.base import (
    Applied,
    ChangeSet,
    Compound,
    ConflictError,
    Edit,
    EditError,
    UnitOfWork,
)
from akkord.services.edits.mentions import UpdateMention, current
from akkord.services.edits.rows import (
    Values,
    bump,
    check_values,
    compare,
    lock_entity,
    write_aliases,
    write_entity_values,
)
from akkord.services.views import MentionView
from akkord.store.bulk import insert_ignoring_conflicts
from akkord.store.models import Entity, EntityAlias, EntityValue, Mention, MentionValue

KEY_ATTEMPTS = 8  # concurrent creators of the same name each get a key of their own


@dataclass(frozen=True, slots=True)
class EntityState:
    """What an entity *is* (compared for compare-and-set; usage counts excluded)."""

    key: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    values: Values
    # The aliases' row ids, so that an undo puts them back in their order; not part of
    # what is compared (SQLite may give a deleted row's id to the next one).
    alias_ids: tuple[int, ...] = field(default=(), compare=False)


def entity_state(uow: UnitOfWork, entity_id: int) -> EntityState | None:
    row = uow.session.execute(select(Entity.key, Entity.kind, Entity.name)
                              .where(Entity.id == entity_id)).first()
    if row is None:
        return None
    alias_rows = uow.session.execute(select(EntityAlias.id, EntityAlias.alias).where(
        EntityAlias.entity_id == entity_id).order_by(EntityAlias.id)).all()
    values = queries.entity_values(uow.session, [entity_id])
    return EntityState(row.key, row.kind, row.name, tuple(r.alias for r in alias_rows),
                       values.get(entity_id, {}), tuple(r.id for r in alias_rows))


def _locked_state(uow: UnitOfWork, entity_id: int) -> EntityState:
    lock_entity(uow, entity_id)
    state = entity_state(uow, entity_id)
    if state is None:  # pragma: no cover - lock_entity refuses first
        raise ConflictError(f"entity {entity_id} no longer exists")
    return state


def _check_kind(schema: Schema, kind: str) -> None:
    try:
        schema.kind(kind)
    except KeyError:
        raise EditError(f"{kind!r} is not an entity kind of this project") from None


def _insert(uow: UnitOfWork, entity_id: int, state: EntityState, version: int) -> None:
    """Put an entity's row back under its id and key (an undo, an unmerge); refused when
    another writer has taken either meanwhile."""
    values = {"id": entity_id, "key": state.key, "kind": state.kind, "name": state.name,
              "version": version, "created_by": uow.person.id, "changed_by": uow.person.id,
              "changed_what": "created"}
    try:
        with uow.session.begin_nested():
            uow.session.execute(insert(Entity).values(**values))
    except IntegrityError:
        raise ConflictError(f"{state.name} cannot come back: its key {state.key} or id "
                            "was taken meanwhile") from None


def _insert_new(uow: UnitOfWork, kind: str, name: str) -> tuple[int, str]:
    """Insert a new entity's row under a free key; its id and key. A key another writer
    takes meanwhile is skipped by ``INSERT … ON CONFLICT (key) DO NOTHING`` and the next
    free one tried: no savepoint around the insert, two statements fewer per new entity
    (:func:`_insert` keeps one for the rows an undo puts back, which must refuse)."""
    statement = insert_ignoring_conflicts(uow.session.get_bind().dialect.name, Entity,
                                          ["key"])
    for _ in range(KEY_ATTEMPTS):
        key = entity_key(kind, name, _taken_keys(uow, kind, name))
        entity_id: int | None = uow.session.execute(statement.values(
            key=key, kind=kind, name=name, version=1, created_by=uow.person.id,
            changed_by=uow.person.id, changed_what="created").returning(Entity.id)
        ).scalar_one_or_none()
        if entity_id is not None:
            return entity_id, key
    raise ConflictError(f"could not find a free key for {name}; try again")


def _taken_keys(uow: UnitOfWork, kind: str, name: str) -> set[str]:
    prefix = entity_key(kind, name, set())
    return set(uow.session.scalars(select(Entity.key).where(Entity.key.like(f"{prefix}%"))))


@dataclass(frozen=True, slots=True)
class CreateEntity(Edit):
    kind: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return f"New {self.kind} {self.name}"

    def apply(self, uow: UnitOfWork) -> Applied:
        _check_kind(uow.schema, self.kind)
        name = self.name.strip()
        if not name:
            raise EditError("an entity needs a name")
        entity_id, key = _insert_new(uow, self.kind, name)
        write_aliases(uow, entity_id, self.aliases)
        # What was just written, without reading it back (three statements fewer on every
        # new entity); aliases are read back for the ids their rows got.
        state = entity_state(uow, entity_id) if self.aliases \
            else EntityState(key, self.kind, name, (), {})
        assert state is not None  # the row was inserted above, in this transaction
        return Applied(ChangeSet.of(entities=[entity_id]), DeleteEntity(entity_id, state))


@dataclass(frozen=True, slots=True)
class DeleteEntity(Edit):
    """Delete an unused entity (refused, with the reason, while anything refers to it)."""

    entity_id: int
    expected: EntityState | None = None

    @property
    def text(self) -> str:
        return "Delete entity"

    def apply(self, uow: UnitOfWork) -> Applied:
        state = _locked_state(uow, self.entity_id)
        compare(uow, self.entity_id, "the entity", self.expected, state)
        linked = len(uow.session.scalars(select(Mention.id).where(
            Mention.entity_id == self.entity_id)).all())
        refs = len(uow.session.scalars(select(EntityValue.id).where(
            EntityValue.ref_id == self.entity_id)).all())
        if linked or refs:
            raise EditError(f"{state.name} is still used by {linked} mention(s) and {refs} "
                            "attribute value(s); unlink or merge it first")
        version = uow.session.scalar(select(Entity.version).where(Entity.id == self.entity_id))
        uow.session.execute(delete(Entity).where(Entity.id == self.entity_id))
        return Applied(ChangeSet.of(entities=[self.entity_id]),
                       RestoreEntity(self.entity_id, state, (version or 0) + 1))


@dataclass(frozen=True, slots=True)
class RestoreEntity(Edit):
    """Put a deleted entity back with its id, key, aliases and values."""

    entity_id: int
    state: EntityState
    version: int

    @property
    def text(self) -> str:
        return f"Restore {self.state.name}"

    def apply(self, uow: UnitOfWork) -> Applied:
        _insert(uow, self.entity_id, self.state, self.version)
        write_aliases(uow, self.entity_id, self.state.aliases, self.state.alias_ids)
        write_entity_values(uow, self.entity_id, self.state.values)
        return Applied(ChangeSet.of(entities=[self.entity_id]),
                       DeleteEntity(self.entity_id, self.state))


@dataclass(frozen=True, slots=True)
class RenameEntity(Edit):
    entity_id: int
    name: str
    expected: str | None = None  # the name its author saw

    @property
    def text(self) -> str:
        return f"Rename to {self.name}"

    def apply(self, uow: UnitOfWork) -> Applied:
        name = self.name.strip()
        if not name:
            raise EditError("an entity needs a name")
        old = _locked_state(uow, self.entity_id).name
        compare(uow, self.entity_id, "the name", self.expected, old)
        uow.session.execute(update(Entity).where(Entity.id == self.entity_id).values(name=name))
        bump(uow, self.entity_id, "the name")
        return Applied(ChangeSet.of(entities=[self.entity_id]),
                       RenameEntity(self.entity_id, old, name))


@dataclass(frozen=True, slots=True)
class SetAliases(Edit):
    entity_id: int
    aliases: tuple[str, ...]
    expected: tuple[str, ...] | None = None
    ids: tuple[int, ...] = ()  # the rows' former ids (an undo restores them in order)

    @property
    def text(self) -> str:
        return "Set aliases"

    def apply(self, uow: UnitOfWork) -> Applied:
        before = _locked_state(uow, self.entity_id)
        compare(uow, self.entity_id, "the aliases", self.expected, before.aliases)
        uow.session.execute(delete(EntityAlias).where(EntityAlias.entity_id == self.entity_id))
        write_aliases(uow, self.entity_id, self.aliases, self.ids)
        bump(uow, self.entity_id, "the aliases")
        new = _locked_state(uow, self.entity_id).aliases
        return Applied(ChangeSet.of(entities=[self.entity_id]),
                       SetAliases(self.entity_id, before.aliases, new, before.alias_ids))


@dataclass(frozen=True, slots=True)
class SetAttribute(Edit):
    """Replace an attribute's values (all of them: a list for ``many`` attributes)."""

    entity_id: int
    attribute: str
    values: tuple[Value, ...]
    expected: tuple[Value, ...] | None = None

    @property
    def text(self) -> str:
        return f"Set {self.attribute}"

    def apply(self, uow: UnitOfWork) -> Applied:
        state = _locked_state(uow, self.entity_id)
        spec = {a.name: a for a in uow.schema.kind(state.kind).attributes}.get(self.attribute)
        if spec is None:
            raise EditError(f"a {state.kind} has no attribute {self.attribute!r}")
        old = state.values.get(self.attribute, ())
        compare(uow, self.entity_id, f"the {self.attribute}", self.expected, old)
        check_values(uow, spec, self.values)
        uow.session.execute(delete(EntityValue).where(EntityValue.entity_id == self.entity_id,
                                                      EntityValue.attribute == self.attribute))
        write_entity_values(uow, self.entity_id, {self.attribute: self.values})
        bump(uow, self.entity_id, f"the {self.attribute}")
        return Applied(ChangeSet.of(entities=[self.entity_id]),
                       SetAttribute(self.entity_id, self.attribute, old, self.values))


@dataclass(frozen=True, slots=True)
class MergeEntities(Edit):
    """Fold ``drop`` into ``keep``: its mentions, references, name and aliases move."""

    keep: int
    drop: int
    expected_keep: EntityState | None = None
    expected_drop: EntityState | None = None

    @property
    def text(self) -> str:
        return "Merge entities"

    def apply(self, uow: UnitOfWork) -> Applied:
        if self.keep == self.drop:
            raise EditError("an entity cannot be merged with itself")
        keep, drop = _locked_state(uow, self.keep), _locked_state(uow, self.drop)
        compare(uow, self.keep, "the entity", self.expected_keep, keep)
        compare(uow, self.drop, "the entity", self.expected_drop, drop)
        if keep.kind != drop.kind:
            raise EditError(f"a {keep.kind} and a {drop.kind} cannot be merged")
        moved = _Moved.find(uow, self.drop)
        drop_version = uow.session.scalar(select(Entity.version).where(Entity.id == self.drop))
        moved.point_to(uow, self.keep)
        uow.session.execute(delete(EntityValue).where(EntityValue.entity_id == self.keep))
        write_entity_values(uow, self.keep, _merge_values(uow.schema, self.keep, keep, drop))
        uow.session.execute(delete(EntityAlias).where(EntityAlias.entity_id == self.keep))
        write_aliases(uow, self.keep, [a for a in (*keep.aliases, drop.name, *drop.aliases)
                                       if fold(a) != fold(keep.name)])
        uow.session.execute(delete(Entity).where(Entity.id == self.drop))
        bump(uow, self.keep, f"the entity (merged with {drop.name})")
        merged = entity_state(uow, self.keep)
        assert merged is not None
        inverse = Unmerge(self.keep, keep, merged, self.drop, drop, (drop_version or 0) + 1,
                          moved)
        return Applied(moved.changes(uow, self.keep, self.drop), inverse)


@dataclass(frozen=True, slots=True)
class Unmerge(Edit):
    """Undo :class:`MergeEntities` exactly (refused when ``keep`` changed since)."""

    keep: int
    keep_before: EntityState
    merged: EntityState
    drop: int
    drop_state: EntityState
    drop_version: int
    moved: _Moved

    @property
    def text(self) -> str:
        return "Undo merge"

    def apply(self, uow: UnitOfWork) -> Applied:
        now = _locked_state(uow, self.keep)
        compare(uow, self.keep, "the entity", self.merged, now)
        _insert(uow, self.drop, self.drop_state, self.drop_version)
        write_aliases(uow, self.drop, self.drop_state.aliases, self.drop_state.alias_ids)
        write_entity_values(uow, self.drop, self.drop_state.values)
        self.moved.point_back(uow, self.drop)
        uow.session.execute(delete(EntityValue).where(EntityValue.entity_id == self.keep))
        write_entity_values(uow, self.keep, self.keep_before.values)
        uow.session.execute(delete(EntityAlias).where(EntityAlias.entity_id == self.keep))
        write_aliases(uow, self.keep, self.keep_before.aliases, self.keep_before.alias_ids)
        bump(uow, self.keep, f"the entity (split from {self.drop_state.name})")
        inverse = MergeEntities(self.keep, self.drop, self.keep_before, self.drop_state)
        return Applied(self.moved.changes(uow, self.keep, self.drop), inverse)


@dataclass(frozen=True, slots=True)
class _Moved:
    """What a merge re-pointed from the dropped entity to the kept one."""

    mentions: tuple[int, ...]
    entity_values: tuple[int, ...]
    mention_values: tuple[int, ...]

    @classmethod
    def find(cls, uow: UnitOfWork, drop: int) -> _Moved:
        s = uow.session
        return cls(tuple(s.scalars(select(Mention.id).where(Mention.entity_id == drop))),
                   tuple(s.scalars(select(EntityValue.id).where(EntityValue.ref_id == drop))),
                   tuple(s.scalars(select(MentionValue.id).where(MentionValue.ref_id == drop))))

    def point_to(self, uow: UnitOfWork, target: int) -> None:
        s = uow.session
        for table, ids, column in ((Mention, self.mentions, "entity_id"),
                                   (EntityValue, self.entity_values, "ref_id"),
                                   (MentionValue, self.mention_values, "ref_id")):
            for chunk in _chunks(ids):
                s.execute(update(table).where(table.id.in_(chunk))
                          .values({column: target}))

    point_back = point_to

    def changes(self, uow: UnitOfWork, keep: int, drop: int) -> ChangeSet:
        referring = set(uow.session.scalars(select(EntityValue.entity_id).where(
            EntityValue.id.in_(self.entity_values)))) if self.entity_values else set()
        documents = set(uow.session.scalars(select(Mention.document_id).where(
            Mention.id.in_(self.mentions)))) if self.mentions else set()
        return ChangeSet.of(documents=documents, mentions=self.mentions,
                            entities={keep, drop, *referring})


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i:i + 900] for i in range(0, len(ids), 900)]


def _merge_values(schema: Schema, keep_id: int, keep: EntityState, drop: EntityState
                  ) -> Values:
    """keep's values, plus drop's where keep has none (or, for lists, new items)."""
    merged = {a: list(v) for a, v in keep.values.items()}
    specs = {a.name: a for a in schema.kind(keep.kind).attributes}
    for attribute, values in drop.values.items():
        spec = specs.get(attribute)
        present = merged.setdefault(attribute, [])
        if spec is not None and spec.many:
            present += [v for v in values
                        if v.ref != keep_id and v.plain() not in {c.plain() for c in present}]
        elif not present:
            present += values
    return {a: tuple(v) for a, v in merged.items() if v}


@dataclass(frozen=True, slots=True)
class LinkToNewEntity(Edit):
    """Create an entity called ``name`` and link the mention to it, as one step (a
    suggestion linked this way is accepted)."""

    mention_id: int
    name: str
    expected: MentionView | None = None

    @property
    def text(self) -> str:
        return f"Link to new {self.name}"

    def apply(self, uow: UnitOfWork) -> Applied:
        mention = current(uow, self.mention_id, self.expected)
        kind = uow.schema.label(mention.label).entity
        if kind is None:
            raise EditError(f"{mention.label} mentions are not linked to entities")
        created = CreateEntity(kind, self.name).apply(uow)
        (entity_id,) = created.changes.entities
        status = "accepted" if mention.status == "suggested" else None
        linked = UpdateMention(mention.id, status=status, entity_id=entity_id,
                               description="Link").apply_to(uow, mention)
        return Applied(created.changes | linked.changes,
                       Compound((linked.inverse, created.inverse), self.text),
                       focus=mention.id)
