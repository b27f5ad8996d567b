"""Edits as data: one user action is one edit, applied in one unit of work.

The contract (Orange3's undo commands, Anki's operations that report their changes, the
unit-of-work pattern):

* An :class:`Edit` is a frozen value that says what to change. ``edit.apply(uow)`` does
  it inside the caller's transaction (:class:`UnitOfWork`), never committing itself, and
  returns :class:`Applied`: the :class:`ChangeSet` of what it touched and the
  **inverse** edit that puts everything back. Undo is applying the inverse; the inverse
  of that is the redo. Nothing else is remembered, so the command line, a test and the
  window's undo stack all use the same path.
* The caller opens the unit of work (the window's session, a CLI command, a test); one
  edit, however many rows it touches (a mention, its relations, what a relation fills
  in, the document's progress), is one transaction: a crash leaves all of it or none.
* Compare-and-set: an edit of shared data (a canonical entity) carries what its author
  saw (``expected``); when the stored value differs, someone else changed it and the edit
  is refused with :class:`ConflictError`, naming who and what, instead of overwriting
  their work. Inverses carry what their edit wrote, so undo refuses the same way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from akkord.domain.schema import Schema
from akkord.errors import AkkordError
from akkord.services.queries import Layer


class EditError(AkkordError):
    """The edit is not allowed by the schema or the data (the message says why)."""


class ConflictError(EditError):
    """Someone else changed what the edit expected; nothing was written."""


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What an edit touched, by id: widgets refresh exactly these (deleted ones included)."""

    documents: frozenset[int] = frozenset()  # annotation, status or date of the document
    mentions: frozenset[int] = frozenset()
    relations: frozenset[int] = frozenset()
    entities: frozenset[int] = frozenset()

    @classmethod
    def of(cls, *, documents: Iterable[int] = (), mentions: Iterable[int] = (),
           relations: Iterable[int] = (), entities: Iterable[int] = ()) -> ChangeSet:
        return cls(frozenset(documents), frozenset(mentions), frozenset(relations),
                   frozenset(entities))

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(self.documents | other.documents, self.mentions | other.mentions,
                         self.relations | other.relations, self.entities | other.entities)

    def __bool__(self) -> bool:
        return bool(self.documents or self.mentions or self.relations or self.entities)


@dataclass(slots=True)
class UnitOfWork:
    """One transaction of one annotator's layer: what every edit works inside.

    ``session`` is a write transaction the caller commits (or rolls back on any error).
    ``layer`` is whose annotations the edit changes; ``author`` the person making it
    (a curator works in the gold layer): shared entities record the author, so a
    refused edit names the person, not the layer.
    """

    session: Session
    schema: Schema
    layer: Layer
    author: Layer | None = None
    lengths: dict[int, int] = field(default_factory=dict)  # document id → len(text)

    @property
    def person(self) -> Layer:
        return self.author or self.layer

    @property
    def annotator_id(self) -> int:
        return self.layer.id


@dataclass(frozen=True, slots=True)
class Applied:
    """The result of applying an edit: what changed and how to take it back."""

    changes: ChangeSet
    inverse: Edit
    focus: int | None = None  # the mention a window selects afterwards
    note: str = ""  # what to tell the user beyond "saved" ("3 dates re-resolved")


class Edit(ABC):
    """A change of a project, as data (see the module docstring for the contract)."""

    @property
    def text(self) -> str:
        """What the edit does, for the Edit menu ("Undo Add ACTOR")."""
        return type(self).__name__

    @abstractmethod
    def apply(self, uow: UnitOfWork) -> Applied:
        """Do it inside ``uow``; raise :class:`EditError` (nothing done) when refused."""


@dataclass(frozen=True, slots=True)
class Compound(Edit):
    """Several edits as one step; the inverse undoes them in reverse order."""

    edits: tuple[Edit, ...]
    label: str = ""

    @classmethod
    def of(cls, edits: Sequence[Edit], label: str = "") -> Edit:
        flat = tuple(edits)
        return flat[0] if len(flat) == 1 and not label else cls(flat, label)

    @property
    def text(self) -> str:
        return self.label or (self.edits[0].text if self.edits else "Nothing")

    def apply(self, uow: UnitOfWork) -> Applied:
        changes, inverses, focus, notes = ChangeSet(), [], None, []
        for edit in self.edits:
            applied = edit.apply(uow)
            changes |= applied.changes
            inverses.append(applied.inverse)
            focus = applied.focus if applied.focus is not None else focus
            if applied.note:
                notes.append(applied.note)
        inverse = Compound(tuple(reversed(inverses)), self.label)
        return Applied(changes, inverse, focus, "; ".join(notes))


@dataclass(frozen=True, slots=True)
class Nothing(Edit):
    """The inverse of an edit that turned out to change nothing."""

    label: str = "Nothing"

    @property
    def text(self) -> str:
        return self.label

    def apply(self, uow: UnitOfWork) -> Applied:
        return Applied(ChangeSet(), self)


def with_inverse(applied: Applied, *before: Edit) -> Applied:
    """``applied`` whose inverse also runs ``before`` (undo order: the inverse first)."""
    if not before:
        return applied
    return Applied(applied.changes, Compound((applied.inverse, *before)), applied.focus,
                   applied.note)

