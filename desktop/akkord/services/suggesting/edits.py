"""Suggestions as edits: what the window (and a script) does with them, each undoable.

The suggesting services (:mod:`.writing`, :mod:`.aliases`, :mod:`.review`) work inside a
caller's transaction and never commit. These edits wrap them in the edit contract of
:mod:`akkord.services.edits.base`: each one runs in one unit of work, returns the
:class:`~akkord.services.edits.ChangeSet` of what it touched and its exact inverse.

* :class:`AddSuggestions` writes pale ``suggested`` mentions (origin, score, gap, entity
  link); places the layer already has a mention of the label, a rejected suggestion
  included, are left out. Its inverse deletes exactly the mentions it wrote.
* :class:`RememberAlias` / :class:`RememberForm` (linking that remembers: a mention's
  form becomes an alias of its entity unless an inflection of it is one already) and
  :class:`ForgetAlias`; an alias taken back comes back with its id.
* :class:`AcceptSuggestions` (remembering the linked forms) and
  :class:`RejectSuggestions`, for one suggestion or a whole list; the inverse puts them
  back to ``suggested`` and forgets the aliases the acceptance added.
* :class:`SetProjectSetting` (the recommender's threshold).

Adding an alias does not bump the entity's version (see :mod:`.aliases`): it is
additive, and the window's view of the entity stays valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, case, delete, func, insert, select, update

from akkord.domain.statuses import MentionStatus
from akkord.services import queries
from akkord.services.edits.base import (
    Applied,
    ChangeSet,
    Compound,
    ConflictError,
    Edit,
    EditError,
    Nothing,
    UnitOfWork,
    with_inverse,
)
from akkord.services.edits.mentions import DeleteMention
from akkord.services.edits.rows import check_label
from akkord.services.edits.status import started
from akkord.services.suggesting.aliases import remembered_alias
from akkord.services.suggesting.model import Suggestion
from akkord.services.suggesting.review import ReviewChange, accept, reject
from akkord.services.suggesting.writing import SuggestionError, write_suggestions
from akkord.services.views import MentionView
from akkord.store.models import Document, EntityAlias, Mention, Setting
from akkord.textproc.lemmas import fold, sentence_initial

SUGGESTED = MentionStatus.SUGGESTED.value


# -- suggestions ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AddSuggestions(Edit):
    """Write ``suggestions`` into one document of the layer (see the module docstring)."""

    document_id: int
    suggestions: tuple[Suggestion, ...]
    description: str = "Suggest"

    @property
    def text(self) -> str:
        return self.description

    def apply(self, uow: UnitOfWork) -> Applied:
        for label, entity_id in sorted({(s.label, s.entity_id) for s in self.suggestions},
                                       key=lambda p: (p[0], p[1] or 0)):
            check_label(uow, label, entity_id)
        try:
            counts = write_suggestions(uow.session, uow.annotator_id, self.document_id,
                                       self.suggestions)
        except SuggestionError as error:
            raise EditError(str(error)) from None
        if not counts.mention_ids:
            return Applied(ChangeSet(), Nothing(self.text))
        # What was written, as the views a read would give (no read of 1,865 rows back).
        wanted: dict[tuple[int, int, str], Suggestion] = {}
        for s in self.suggestions:
            wanted.setdefault((s.start, s.end, s.label), s)
        views = [MentionView(mention_id, self.document_id, start, end, label, SUGGESTED,
                             uow.layer.name, found.entity_id, {}, found.origin, found.score,
                             found.gap)
                 for (start, end, label), mention_id in counts.written_ids().items()
                 for found in (wanted[(start, end, label)],)]
        inverse = Compound(tuple(DeleteMention(v.id, v) for v in views), self.text)
        changes = ChangeSet.of(documents=[self.document_id], mentions=counts.mention_ids,
                               entities={v.entity_id for v in views if v.entity_id})
        return Applied(changes, inverse, note=f"{len(views)} suggestion(s)")


def add_suggestions(by_document: dict[int, list[Suggestion]], description: str) -> Edit:
    """Suggestions for several documents as one step (annotate all in the project)."""
    return Compound(tuple(AddSuggestions(doc, tuple(found), description)
                          for doc, found in sorted(by_document.items()) if found),
                    description)


# -- aliases --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RememberAlias(Edit):
    """Add ``surface`` as an alias of the entity, unless it is found under it already."""

    entity_id: int
    surface: str
    sentence_initial: bool = False

    @property
    def text(self) -> str:
        return f"Remember “{self.surface}”"

    def apply(self, uow: UnitOfWork) -> Applied:
        added = remembered_alias(uow.session, self.entity_id, self.surface,
                                 sentence_initial=self.sentence_initial)
        if added is None:
            return Applied(ChangeSet(), Nothing(self.text))
        return Applied(ChangeSet.of(entities=[self.entity_id]),
                       ForgetAlias(self.entity_id, added), note=f"remembered “{added}”")


_LOOK_BACK = 80  # characters before a form read to tell whether it starts a sentence
_BEFORE = case((Mention.start > _LOOK_BACK, Mention.start - _LOOK_BACK), else_=0)
# The form and the few characters before it, not the whole text (a link in the 180 KB
# document would read all of it); built once, as every link runs it.
_FORM = select(Mention.start, Mention.end, Mention.entity_id, _BEFORE,
               func.substr(Document.text, _BEFORE + 1, Mention.end - _BEFORE)).join(
    Document, Document.id == Mention.document_id).where(
    Mention.id == bindparam("mention"), Mention.annotator_id == bindparam("layer"))


@dataclass(frozen=True, slots=True)
class RememberForm(Edit):
    """Remember a linked mention's form as an alias of its entity (read inside the
    transaction, so it follows the link made just before it in the same step)."""

    mention_id: int

    @property
    def text(self) -> str:
        return "Remember the form"

    def apply(self, uow: UnitOfWork) -> Applied:
        row = queries.run_prepared(uow.session, _FORM, mention=self.mention_id,
                                   layer=uow.annotator_id).first()
        if row is None or row.entity_id is None:
            return Applied(ChangeSet(), Nothing(self.text))
        start, end, entity_id, offset, text = row
        initial = sentence_initial(text, start - offset)
        if initial and offset > 0 and not text[:start - offset].strip(" \t"):
            initial = self._initial_in_whole_text(uow, start)  # a long run of spaces
        return RememberAlias(entity_id, text[start - offset:end - offset], initial).apply(uow)

    def _initial_in_whole_text(self, uow: UnitOfWork, start: int) -> bool:
        text = uow.session.scalar(select(Document.text).join(
            Mention, Mention.document_id == Document.id).where(
            Mention.id == self.mention_id)) or ""
        return sentence_initial(text, start)


@dataclass(frozen=True, slots=True)
class ForgetAlias(Edit):
    """Remove one alias (case-folded comparison); the inverse restores it with its id."""

    entity_id: int
    alias: str

    @property
    def text(self) -> str:
        return f"Forget “{self.alias}”"

    def apply(self, uow: UnitOfWork) -> Applied:
        row = uow.session.execute(select(EntityAlias.id, EntityAlias.alias).where(
            EntityAlias.entity_id == self.entity_id,
            EntityAlias.folded == fold(self.alias))).first()
        if row is None:
            raise ConflictError(f"the alias “{self.alias}” is no longer there (removed "
                                "meanwhile); nothing was changed")
        uow.session.execute(delete(EntityAlias).where(EntityAlias.id == row.id))
        return Applied(ChangeSet.of(entities=[self.entity_id]),
                       RestoreAlias(self.entity_id, row.alias, row.id))


@dataclass(frozen=True, slots=True)
class RestoreAlias(Edit):
    """Put a removed alias back, with its id (so the alias list keeps its order)."""

    entity_id: int
    alias: str
    alias_id: int

    @property
    def text(self) -> str:
        return f"Restore “{self.alias}”"

    def apply(self, uow: UnitOfWork) -> Applied:
        taken = uow.session.scalar(select(EntityAlias.id).where(
            (EntityAlias.id == self.alias_id) | (
                (EntityAlias.entity_id == self.entity_id)
                & (EntityAlias.folded == fold(self.alias)))))
        if taken is not None:
            raise ConflictError(f"the alias “{self.alias}” exists again; nothing was changed")
        uow.session.execute(insert(EntityAlias).values(
            id=self.alias_id, entity_id=self.entity_id, alias=self.alias,
            folded=fold(self.alias)))
        return Applied(ChangeSet.of(entities=[self.entity_id]),
                       ForgetAlias(self.entity_id, self.alias))


# -- reviewing ------------------------------------------------------------------------------

def _review_changes(uow: UnitOfWork, change: ReviewChange) -> tuple[ChangeSet, list[int]]:
    rows = [row for chunk in queries.chunks(change.mention_ids)
            for row in uow.session.execute(select(Mention.document_id, Mention.entity_id)
                                           .where(Mention.id.in_(chunk)))]
    documents = sorted({r.document_id for r in rows})
    entities = {r.entity_id for r in rows if r.entity_id is not None} | {
        e for e, _ in change.aliases}
    return ChangeSet.of(documents=documents, mentions=change.mention_ids,
                        entities=entities), documents


def _reviewed(uow: UnitOfWork, change: ReviewChange, text: str) -> Applied:
    if not change.mention_ids:
        return Applied(ChangeSet(), Nothing(text))
    changes, documents = _review_changes(uow, change)
    untouch = [edit for doc in documents for edit in started(uow, doc)]
    aliases = len(change.aliases)
    note = f"{len(change.mention_ids)} suggestion(s) {change.status}" + (
        f"; {aliases} form(s) remembered" if aliases else "")
    return with_inverse(Applied(changes, UndoReview(change, text), note=note), *untouch)


@dataclass(frozen=True, slots=True)
class AcceptSuggestions(Edit):
    """Accept the given suggestions (others are left alone) and remember the forms of
    the linked ones as aliases of their entities."""

    mention_ids: tuple[int, ...]
    description: str = "Accept suggestions"

    @property
    def text(self) -> str:
        return self.description

    def apply(self, uow: UnitOfWork) -> Applied:
        return _reviewed(uow, accept(uow.session, uow.annotator_id, self.mention_ids),
                         self.text)


@dataclass(frozen=True, slots=True)
class RejectSuggestions(Edit):
    """Reject the given suggestions: they stay as ``rejected`` marks of the place, so
    they are never proposed there again."""

    mention_ids: tuple[int, ...]
    description: str = "Reject suggestions"

    @property
    def text(self) -> str:
        return self.description

    def apply(self, uow: UnitOfWork) -> Applied:
        return _reviewed(uow, reject(uow.session, uow.annotator_id, self.mention_ids),
                         self.text)


def _check_status(uow: UnitOfWork, ids: Sequence[int], status: str) -> None:
    found: dict[int, str] = {}
    for chunk in queries.chunks(ids):
        found.update((row.id, row.status) for row in uow.session.execute(
            select(Mention.id, Mention.status).where(
                Mention.id.in_(chunk), Mention.annotator_id == uow.annotator_id)))
    wrong = [i for i in ids if found.get(i) != status]
    if wrong:
        raise ConflictError(f"{len(wrong)} of the suggestions were changed since (no longer "
                            f"{status}); nothing was changed")


@dataclass(frozen=True, slots=True)
class UndoReview(Edit):
    """Put reviewed suggestions back to ``suggested`` and forget the aliases accepting
    them added (refused when one of them was changed since)."""

    change: ReviewChange
    description: str = "Review"

    @property
    def text(self) -> str:
        return self.description

    def apply(self, uow: UnitOfWork) -> Applied:
        ids = self.change.mention_ids
        _check_status(uow, ids, self.change.status)
        for chunk in queries.chunks(ids):
            uow.session.execute(update(Mention).where(Mention.id.in_(chunk))
                                .values(status=SUGGESTED))
        forgotten = [ForgetAlias(e, a).apply(uow) for e, a in self.change.aliases]
        changes, _ = _review_changes(uow, self.change)
        restore = tuple(a.inverse for a in forgotten)
        return Applied(changes, RedoReview(self.change, restore, self.description))


@dataclass(frozen=True, slots=True)
class RedoReview(Edit):
    """The inverse of :class:`UndoReview`: the same statuses and exactly the same aliases
    again (not a new review, which could remember differently)."""

    change: ReviewChange
    aliases: tuple[Edit, ...]  # RestoreAlias of each alias the review had added
    description: str = "Review"

    @property
    def text(self) -> str:
        return self.description

    def apply(self, uow: UnitOfWork) -> Applied:
        ids = self.change.mention_ids
        _check_status(uow, ids, SUGGESTED)
        for chunk in queries.chunks(ids):
            uow.session.execute(update(Mention).where(Mention.id.in_(chunk))
                                .values(status=self.change.status))
        for edit in self.aliases:
            edit.apply(uow)
        changes, _ = _review_changes(uow, self.change)
        return Applied(changes, UndoReview(self.change, self.description))


# -- project settings -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SetProjectSetting(Edit):
    """Set (``None``: remove) a project setting, such as the recommender's threshold."""

    key: str
    value: str | None

    @property
    def text(self) -> str:
        return f"Set {self.key}"

    def apply(self, uow: UnitOfWork) -> Applied:
        old = uow.session.scalar(select(Setting.value).where(Setting.key == self.key))
        uow.session.execute(delete(Setting).where(Setting.key == self.key))
        if self.value is not None:
            uow.session.execute(insert(Setting).values(key=self.key, value=self.value))
        return Applied(ChangeSet(), SetProjectSetting(self.key, old))


__all__ = ["AcceptSuggestions", "AddSuggestions", "ForgetAlias", "RedoReview",
           "RejectSuggestions", "RememberAlias", "RememberForm", "RestoreAlias",
           "SetProjectSetting", "UndoReview", "add_suggestions"]
