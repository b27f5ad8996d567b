"""Curation steps as edits: building the gold layer from the annotators' versions.

Each step is an ordinary edit (:mod:`akkord.services.edits.base`): applied in the gold
layer's unit of work (``uow.layer`` is ``gold``, ``uow.person`` the curator), one
transaction, returning what it changed and its exact inverse. A step is made of the
annotating edits themselves (add, change, delete a mention; set its values; add or delete
a relation; set an entity's values) plus the curation mark (:class:`SetMark`), so undo
and redo work across curation and annotation and a step never writes what an annotator
could not.

* :class:`AcceptVersion` makes one annotator's version of a unit the gold one and marks
  it ``adjudicated`` (``unanimous`` when every annotator has that version). A mention is
  changed in place when gold has one there (its relations and marks stay), added when
  not; a link, value or relation needs gold's mentions first; a record slot is what the
  relations and evidence values of one document state, so accepting one copies the
  annotator's statements into gold and removes gold's others, and is refused (nothing
  written) when gold's mentions or dates differ so that it cannot state the same.
* :class:`RejectUnit` removes gold's version of a unit and marks it ``rejected``.
* :class:`MarkUnresolved` marks a unit ``unresolved`` with the curator's note.
* :class:`ConfirmDocument` pre-merges every unanimous unit of a document into gold and
  marks the agreed units gold already holds ``unanimous``: one key confirms a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update

from akkord.domain.entities import Value
from akkord.domain.statuses import CURATION_MARKS, GOLD, GoldMark, MentionStatus
from akkord.services import queries
from akkord.services.edits.base import (
    Applied,
    ChangeSet,
    Compound,
    Edit,
    EditError,
    Nothing,
    UnitOfWork,
)
from akkord.services.edits.entities import SetAttribute, entity_state
from akkord.services.edits.mentions import (
    AddMention,
    DeleteMention,
    SetMentionValues,
    UpdateMention,
    current,
)
from akkord.services.edits.relations import AddRelation, DeleteRelation
from akkord.services.edits.rows import MarkRow, marks_where, restore_marks
from akkord.services.views import MentionView
from akkord.store.models import CurationMark, Mention, Relation

if TYPE_CHECKING:
    from akkord.services.agreement.records import Record
    from akkord.services.curation import Unit


@dataclass(frozen=True, slots=True)
class UnitRef:
    """Which unit a curation step is about, as the curator saw it (from a
    :class:`~akkord.services.curation.Unit`): its key, kind, place and each layer's rows."""

    key: str
    kind: str
    document: int | None
    label: str
    sources: tuple[tuple[str, tuple[int, ...]], ...] = ()
    agreed: bool = False  # every annotator has the same version
    entity: int | None = None  # a record unit's entity

    @classmethod
    def of(cls, unit: Unit) -> UnitRef:
        return cls(unit.key, unit.kind, unit.document, unit.label,
                   tuple(sorted(unit.sources.items())), unit.state == "agree", unit.entity)

    def ids(self, layer: str) -> tuple[int, ...]:
        return dict(self.sources).get(layer, ())

    @property
    def attribute(self) -> str:
        return self.label.rpartition(".")[2]


def _check_gold(uow: UnitOfWork) -> None:
    if uow.layer.name != GOLD:
        raise EditError(f"curation builds the {GOLD} layer; switch to it to curate "
                        f"(this is {uow.layer.name}'s layer)")


class _Steps:
    """Edits applied one after another inside one unit of work, as one edit."""

    def __init__(self, uow: UnitOfWork, label: str) -> None:
        self.uow = uow
        self.label = label
        self.changes = ChangeSet()
        self.inverses: list[Edit] = []
        self.focus: int | None = None

    def run(self, edit: Edit) -> Applied:
        applied = edit.apply(self.uow)
        self.changes |= applied.changes
        self.inverses.append(applied.inverse)
        if applied.focus is not None and self.focus is None:
            self.focus = applied.focus
        return applied

    def attempt(self, edit: Edit) -> bool:
        """Run ``edit`` if it can be done; when it is refused, take back whatever it
        wrote (a savepoint) and carry on without it."""
        changes, count, focus = self.changes, len(self.inverses), self.focus
        try:
            with self.uow.session.begin_nested():
                self.run(edit)
        except EditError:
            self.changes, self.focus = changes, focus
            del self.inverses[count:]
            return False
        return True

    def done(self, note: str = "") -> Applied:
        if not self.inverses:
            return Applied(ChangeSet(), Nothing(self.label), note=note)
        return Applied(self.changes, Compound(tuple(reversed(self.inverses)), self.label),
                       self.focus, note)


# -- marks ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SetMark(Edit):
    """Record the curator's decision about a unit (``unresolved`` with a note, …);
    ``mention_id`` / ``relation_id`` name the gold object it is about, if any."""

    key: str
    kind: str
    document_id: int | None
    mark: str
    note: str | None = None
    mention_id: int | None = None
    relation_id: int | None = None

    @property
    def text(self) -> str:
        return f"Mark {self.mark}"

    def apply(self, uow: UnitOfWork) -> Applied:
        if self.mark not in CURATION_MARKS:
            raise EditError(f"{self.mark!r} is not a curation mark "
                            f"({', '.join(CURATION_MARKS)})")
        self._check_targets(uow)
        before = marks_where(uow.session, CurationMark.key == self.key)
        values = {"mark": self.mark, "note": self.note, "curator_id": uow.person.id,
                  "mention_id": self.mention_id, "relation_id": self.relation_id}
        if before:
            uow.session.execute(update(CurationMark).where(CurationMark.key == self.key)
                                .values(**values, updated_at=func.now()))
        else:
            uow.session.execute(insert(CurationMark).values(
                key=self.key, document_id=self.document_id, kind=self.kind, **values))
        return Applied(_mark_changes(self.document_id, self.mention_id, self.relation_id,
                                     before),
                       RestoreMark(self.key, before[0] if before else None, self.document_id))

    def _check_targets(self, uow: UnitOfWork) -> None:
        if self.mention_id is not None and uow.session.scalar(select(Mention.annotator_id)
                .where(Mention.id == self.mention_id)) != uow.annotator_id:
            raise EditError(f"mention {self.mention_id} is not in the {GOLD} layer")
        if self.relation_id is not None and uow.session.scalar(select(Relation.annotator_id)
                .where(Relation.id == self.relation_id)) != uow.annotator_id:
            raise EditError(f"relation {self.relation_id} is not in the {GOLD} layer")


@dataclass(frozen=True, slots=True)
class RestoreMark(Edit):
    """Put a unit's mark back exactly as it was (``row`` None: no mark)."""

    key: str
    row: MarkRow | None
    document_id: int | None = None

    @property
    def text(self) -> str:
        return "Restore mark"

    def apply(self, uow: UnitOfWork) -> Applied:
        before = marks_where(uow.session, CurationMark.key == self.key)
        uow.session.execute(delete(CurationMark).where(CurationMark.key == self.key))
        if self.row is not None:
            restore_marks(uow.session, [self.row])
        row = self.row
        changes = _mark_changes(self.document_id if row is None else row.document_id,
                                row.mention_id if row else None,
                                row.relation_id if row else None, before)
        return Applied(changes, RestoreMark(self.key, before[0] if before else None,
                                            self.document_id))


def _mark_changes(document: int | None, mention: int | None, relation: int | None,
                  before: Sequence[MarkRow]) -> ChangeSet:
    def present(*ids: int | None) -> set[int]:
        return {i for i in ids if i is not None}

    return ChangeSet.of(documents=present(document, *(b.document_id for b in before)),
                        mentions=present(mention, *(b.mention_id for b in before)),
                        relations=present(relation, *(b.relation_id for b in before)))


# -- reading rows of any layer ---------------------------------------------------------------

def _any_mention(uow: UnitOfWork, mention_id: int, whose: str) -> MentionView:
    row = uow.session.execute(select(Mention.annotator_id).where(Mention.id == mention_id)
                              ).first()
    found = None if row is None else queries.mention(
        uow.session, queries.Layer(row.annotator_id, whose), mention_id)
    if found is None:
        raise EditError(f"{whose}'s version no longer exists (the view was out of date); "
                        "nothing was changed")
    return found


def _twin(uow: UnitOfWork, mention_id: int, what: str) -> int:
    from akkord.services.curation import gold_twin

    found = gold_twin(uow.session, mention_id, uow.annotator_id)
    if found is None:
        raise EditError(f"{GOLD} has no mention at the {what} yet; accept the mention "
                        "first")
    return found


def _need_gold(unit: UnitRef) -> tuple[int, ...]:
    gold = unit.ids(GOLD)
    if not gold:
        raise EditError(f"{GOLD} has no mention here yet; accept the mention first "
                        f"({unit.label})")
    return gold


# -- accepting -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AcceptVersion(Edit):
    """Make ``annotator``'s version of ``unit`` the gold one (see the module docstring)."""

    unit: UnitRef
    annotator: str
    mark: str = ""  # default: unanimous when everyone agrees, else adjudicated

    @property
    def text(self) -> str:
        return f"Accept {self.annotator}'s {self.unit.kind}"

    def apply(self, uow: UnitOfWork) -> Applied:
        _check_gold(uow)
        unit = self.unit
        sources = unit.ids(self.annotator)
        if not sources and unit.kind != "record":
            raise EditError(f"{self.annotator} has no version of this {unit.kind}")
        steps = _Steps(uow, self.text)
        mark = self.mark or (GoldMark.UNANIMOUS if unit.agreed else GoldMark.ADJUDICATED)
        target: dict[str, int | None] = {}
        if unit.kind == "mention":
            target["mention_id"] = _accept_mention(steps, uow, unit, sources, self.annotator)
        elif unit.kind in ("link", "value"):
            target["mention_id"] = _accept_link_or_value(steps, uow, unit, sources,
                                                         self.annotator)
        elif unit.kind == "relation":
            target["relation_id"] = _accept_relation(steps, uow, sources[0])
        elif unit.kind == "record":
            _accept_record(steps, uow, unit, self.annotator)
        else:
            raise EditError(f"{unit.kind!r} is not a kind of curation unit")
        steps.run(SetMark(unit.key, unit.kind, unit.document, mark, None, **target))
        return steps.done()


def _accept_mention(steps: _Steps, uow: UnitOfWork, unit: UnitRef, sources: Sequence[int],
                    annotator: str) -> int:
    """Gold's mentions of the unit become the annotator's: changed in place pairwise
    (ids, relations and marks stay), the rest deleted or added. Returns the first."""
    wanted = [_any_mention(uow, s, annotator) for s in sources]
    gold = [current(uow, g) for g in unit.ids(GOLD)]
    for have, want in zip(gold, wanted, strict=False):
        if (have.start, have.end, have.label, have.entity_id) != \
                (want.start, want.end, want.label, want.entity_id):
            steps.run(UpdateMention(have.id, want.start, want.end, want.label, None,
                                    want.entity_id, have, f"Accept {annotator}'s mention"))
        _copy_values(steps, current(uow, have.id), want)
    for extra in gold[len(wanted):]:
        steps.run(DeleteMention(extra.id, extra))
    first = gold[0].id if gold else None
    for want in wanted[len(gold):]:
        added = steps.run(AddMention(want.document_id, want.start, want.end, want.label,
                                     MentionStatus.MANUAL, want.entity_id, dict(want.values)))
        first = first if first is not None else added.focus
    assert first is not None
    return first


def _copy_values(steps: _Steps, have: MentionView, want: MentionView,
                 attributes: Sequence[str] | None = None) -> None:
    for attribute in attributes or sorted(set(have.values) | set(want.values)):
        old, new = have.values.get(attribute, ()), want.values.get(attribute, ())
        if old != new:
            steps.run(SetMentionValues(have.id, attribute, new, old))


def _accept_link_or_value(steps: _Steps, uow: UnitOfWork, unit: UnitRef,
                          sources: Sequence[int], annotator: str) -> int:
    gold = [current(uow, g) for g in _need_gold(unit)]
    want = _any_mention(uow, sources[0], annotator)
    for have in gold:
        if unit.kind == "link":
            if have.entity_id != want.entity_id:
                steps.run(UpdateMention(have.id, entity_id=want.entity_id, expected=have,
                                        description=f"Accept {annotator}'s link"))
        else:
            _copy_values(steps, have, want)
    return gold[0].id


def _accept_relation(steps: _Steps, uow: UnitOfWork, relation_id: int) -> int:
    source = uow.session.get(Relation, relation_id)
    if source is None:
        raise EditError("the relation no longer exists (the view was out of date); "
                        "nothing was changed")
    head = _twin(uow, source.head_id, "head of this relation")
    tail = _twin(uow, source.tail_id, "tail of this relation")
    existing = uow.session.scalar(select(Relation.id).where(
        Relation.annotator_id == uow.annotator_id, Relation.head_id == head,
        Relation.tail_id == tail, Relation.type == source.type))
    if existing is not None:
        return existing
    added = steps.run(AddRelation(source.type, head, tail))
    return min(added.changes.relations)


def _slot(uow: UnitOfWork, unit: UnitRef, annotator: str | None
          ) -> tuple[Record | None, Record | None, dict[int, str]]:
    from akkord.services.curation import slot_records

    if unit.document is None or unit.entity is None:
        raise EditError("this record unit names no document or entity")
    layers = [GOLD] if annotator is None else [annotator, GOLD]
    found, names = slot_records(uow.session, uow.schema, unit.document, unit.entity, layers)
    return (found.get(annotator) if annotator else None), found.get(GOLD), names


def _accept_record(steps: _Steps, uow: UnitOfWork, unit: UnitRef, annotator: str) -> None:
    """Make gold's statements of one record slot in one document the annotator's."""
    attribute = unit.attribute
    theirs, gold, names = _slot(uow, unit, annotator)
    if theirs is None:
        raise EditError(f"{annotator} states nothing about {unit.label} here")
    if gold is None:
        raise EditError(f"{GOLD} has no mention of {names.get(unit.entity or 0, 'it')} in "
                        "this document yet; accept the mention first")
    want = theirs.slots.get(attribute, set())
    stated = {s.value for s in gold.stated.get(attribute, ())}
    for statement in theirs.stated.get(attribute, ()):  # relations gold does not draw
        if statement.how == "relation" and statement.value not in stated \
                and statement.ident is not None:
            _accept_relation(steps, uow, statement.ident)
    _, gold, _ = _slot(uow, unit, None)
    assert gold is not None
    plain = {v for v, _ in want}
    for statement in gold.stated.get(attribute, ()):  # gold's relations they do not draw
        if statement.how == "relation" and statement.value not in plain \
                and statement.ident is not None:
            steps.run(DeleteRelation(statement.ident))
    _set_evidence_values(steps, uow, unit, theirs, gold, want)
    _, gold, _ = _slot(uow, unit, None)
    have = gold.slots.get(attribute, set()) if gold else set()
    if have != want:
        from akkord.services.curation import slot_text

        raise EditError(
            f"{GOLD} cannot state {annotator}'s {unit.label} here: it would say "
            f"{(slot_text(gold, attribute, names) if gold else None) or 'nothing'} instead "
            f"of {slot_text(theirs, attribute, names) or 'nothing'}. Accept the mentions, "
            "links and dates it rests on first; nothing was changed")


def _set_evidence_values(steps: _Steps, uow: UnitOfWork, unit: UnitRef, theirs: Record,
                         gold: Record, want: set[tuple[object, str | None]]) -> None:
    """Gold's evidence values of the slot: drop those not in ``want``, add theirs."""
    attribute, entity = unit.attribute, unit.entity
    assert entity is not None
    state = entity_state(uow, entity)
    if state is None:
        raise EditError(f"entity {entity} no longer exists")
    values = list(state.values.get(attribute, ()))
    gold_evidence = {s.ident for s in gold.stated.get(attribute, ()) if s.how == "value"}
    kept = [v for v in values if v.evidence not in gold_evidence
            or (_plain(v), v.role) in want]
    have = {(s.value, s.role) for s in gold.stated.get(attribute, ()) if s.how == "value"
            and (s.value, s.role) in want}
    added: list[Value] = []
    for statement in theirs.stated.get(attribute, ()):
        pair = (statement.value, statement.role)
        if statement.how != "value" or pair in have or statement.ident is None:
            continue
        source = next((v for v in values if v.evidence == statement.ident
                       and (_plain(v), v.role) == pair), None)
        if source is not None:
            twin = _twin(uow, statement.ident, "mention that states it")
            added.append(replace(source, evidence=twin))
            have.add(pair)
    if kept != values or added:
        steps.run(SetAttribute(entity, attribute, (*kept, *added), tuple(values)))


def _plain(value: Value) -> object:
    """A value as the record reading compares it (see ``agreement.layers._plain``)."""
    if value.ref is not None:
        return ("ref", value.ref)
    if value.date is not None:
        return value.date.value
    for plain in (value.text, value.flag, value.number):
        if plain is not None:
            return plain
    return None


# -- rejecting and marking -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RejectUnit(Edit):
    """Gold holds no version of the unit, and the curator said so (``rejected``)."""

    unit: UnitRef
    note: str | None = None

    @property
    def text(self) -> str:
        return f"Reject {self.unit.kind}"

    def apply(self, uow: UnitOfWork) -> Applied:
        _check_gold(uow)
        unit = self.unit
        steps = _Steps(uow, self.text)
        gold = unit.ids(GOLD)
        if unit.kind == "mention":
            for mention_id in gold:
                steps.run(DeleteMention(mention_id, current(uow, mention_id)))
        elif unit.kind == "link":
            for mention_id in gold:
                have = current(uow, mention_id)
                if have.entity_id is not None:
                    steps.run(UpdateMention(mention_id, entity_id=None, expected=have,
                                            description="Reject link"))
        elif unit.kind == "value":
            for mention_id in gold:
                have = current(uow, mention_id)
                _copy_values(steps, have, replace(have, values={}))
        elif unit.kind == "relation":
            for relation_id in gold:
                steps.run(DeleteRelation(relation_id))
        elif unit.kind == "record":
            _reject_record(steps, uow, unit)
        steps.run(SetMark(unit.key, unit.kind, unit.document, GoldMark.REJECTED, self.note))
        return steps.done()


def _reject_record(steps: _Steps, uow: UnitOfWork, unit: UnitRef) -> None:
    _, gold, _ = _slot(uow, unit, None)
    if gold is None:
        return
    for statement in gold.stated.get(unit.attribute, ()):
        if statement.how == "relation" and statement.ident is not None:
            steps.run(DeleteRelation(statement.ident))
    empty = type(gold)(gold.entity_id, gold.kind)
    _set_evidence_values(steps, uow, unit, empty, gold, set())


@dataclass(frozen=True, slots=True)
class MarkUnresolved(Edit):
    """The curator cannot decide yet: the unit is marked ``unresolved`` with a note
    (gold keeps whatever version it has)."""

    unit: UnitRef
    note: str | None = None

    @property
    def text(self) -> str:
        return f"Mark {self.unit.kind} unresolved"

    def apply(self, uow: UnitOfWork) -> Applied:
        _check_gold(uow)
        unit = self.unit
        gold = [g for g in unit.ids(GOLD)
                if uow.session.get(Relation if unit.kind == "relation" else Mention, g)]
        target: dict[str, int | None] = {}
        if gold and unit.kind == "relation":
            target["relation_id"] = gold[0]
        elif gold and unit.kind in ("mention", "link", "value"):
            target["mention_id"] = gold[0]
        note = (self.note or "").strip() or None
        return SetMark(unit.key, unit.kind, unit.document, GoldMark.UNRESOLVED, note,
                       **target).apply(uow)


# -- confirming a document ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ConfirmDocument(Edit):
    """Pre-merge every unanimous unit of a document into gold (mentions first, then the
    links, values and relations that rest on them) and mark the agreed units gold holds
    ``unanimous`` (record slots too, once the relations that state them are in): what the
    annotators agree on only needs confirming. Units resting on a disputed mention wait
    for the curator."""

    document_id: int
    annotators: tuple[str, ...] = ()  # default: everyone with a layer

    @property
    def text(self) -> str:
        return "Confirm the agreed units"

    def apply(self, uow: UnitOfWork) -> Applied:
        _check_gold(uow)
        steps = _Steps(uow, self.text)
        units = self._units(uow)
        confirmed = self._confirm(steps, uow, [u for u in units if u.kind == "mention"])
        units = self._units(uow)
        confirmed += self._confirm(steps, uow, [u for u in units
                                                if u.kind in ("link", "value", "relation")])
        units = self._units(uow)  # records follow from the relations just merged
        confirmed += self._confirm(steps, uow, [u for u in units if u.kind == "record"])
        return steps.done(f"{confirmed} agreed unit(s) confirmed in {GOLD}" if confirmed
                          else "")

    def _units(self, uow: UnitOfWork) -> list[Unit]:
        from akkord.services.curation import CurationError, curation_units

        try:
            return curation_units(uow.session, uow.schema, self.annotators or None,
                                  [self.document_id])
        except CurationError as error:
            raise EditError(str(error)) from None

    def _confirm(self, steps: _Steps, uow: UnitOfWork, units: list[Unit]) -> int:
        count = 0
        for unit in units:
            if unit.state != "agree" or unit.mark is not None:
                continue
            ref = UnitRef.of(unit)
            first = next(iter(unit.versions))
            if unit.unanimous and _ready(uow, unit, first):
                steps.run(AcceptVersion(ref, first, GoldMark.UNANIMOUS))
                count += 1
            elif unit.kind == "record" and unit.gold is not None \
                    and unit.gold != unit.versions[first]:
                # Gold's relations state it, but their fills may add a role the
                # annotators did not give: take their version when gold can state it.
                count += steps.attempt(AcceptVersion(ref, first, GoldMark.UNANIMOUS))
            elif unit.gold is not None and unit.gold == unit.versions[first]:
                gold = unit.sources.get(GOLD, ()) or (None,)
                relation = unit.kind == "relation"
                steps.run(SetMark(unit.key, unit.kind, unit.document, GoldMark.UNANIMOUS,
                                  mention_id=None if relation else gold[0],
                                  relation_id=gold[0] if relation else None))
                count += 1
        return count


def _ready(uow: UnitOfWork, unit: Unit, annotator: str) -> bool:
    """Whether gold has what an agreed link, value or relation rests on (its mentions)."""
    from akkord.services.curation import gold_twin

    if unit.kind == "mention":
        return True
    if unit.kind in ("link", "value"):
        return bool(unit.sources.get(GOLD))
    if unit.kind == "relation":
        row = uow.session.get(Relation, unit.sources[annotator][0])
        return row is not None and all(
            gold_twin(uow.session, m, uow.annotator_id) is not None
            for m in (row.head_id, row.tail_id))
    return False
