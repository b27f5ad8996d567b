"""Linking that remembers: a surface form linked to an entity becomes one of its aliases.

:func:`remember_alias` is called inside the edit that links a mention (the caller's
transaction; it never commits). The alias is what the picker and pre-annotation then
find, so the entity ranks first for that form everywhere.

A form is not added when the entity is already found under it: its name or an alias, an
inflection of one (*alliansens* when *alliansen* is there, *Stoltenbergs* for
*Stoltenberg*), compared by :func:`akkord.textproc.lemmas.phrase_keys`. That keeps the
alias list (shown and editable in the inspector) short.

The entity's ``version`` is not bumped: adding an alias is additive, two annotators
adding the same one meet in the unique constraint (``INSERT … ON CONFLICT DO NOTHING``)
rather than in a lost update, and the window's view of the entity stays valid.
:func:`forget_alias` is the inverse, for undo.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, delete, literal, select
from sqlalchemy.orm import Session

from akkord.services import queries
from akkord.services.edits.rows import dialect_module
from akkord.store.models import Entity, EntityAlias
from akkord.textproc.lemmas import fold, is_known, phrase_keys, words

# The entity's name (flag 0) and its aliases (flag 1), in one statement built once: a
# link runs it every time.
_NAMES = select(literal(0).label("alias"), Entity.name).where(
    Entity.id == bindparam("entity")).union_all(
    select(literal(1), EntityAlias.alias).where(EntityAlias.entity_id == bindparam("entity")))


@functools.cache
def _insert(postgres: bool) -> Any:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id of one alias, built once per backend."""
    return dialect_module(postgres).insert(EntityAlias).values(
        entity_id=bindparam("entity"), alias=bindparam("alias"),
        folded=bindparam("folded")).on_conflict_do_nothing().returning(EntityAlias.id)


def _insert_ignoring_duplicates(session: Session, entity_id: int, alias: str) -> bool:
    statement = _insert(session.get_bind().dialect.name == "postgresql")
    return queries.run_prepared(session, statement, entity=entity_id, alias=alias,
                                folded=fold(alias)).first() is not None


def remember_alias(session: Session, entity_id: int, surface: str, *,
                   sentence_initial: bool = False) -> bool:
    """Add ``surface`` as an alias of the entity unless it is already found under it;
    ``True`` when an alias was added. An unknown entity or an empty form adds nothing.

    ``sentence_initial`` (see :func:`akkord.textproc.lemmas.sentence_initial`): the form
    stood at the start of a sentence, so a capital on a dictionary word is the
    sentence's, not the name's (*Alliansen* is remembered as *alliansen*, which the
    matcher finds with or without the capital).
    """
    return remembered_alias(session, entity_id, surface,
                            sentence_initial=sentence_initial) is not None


def remembered_alias(session: Session, entity_id: int, surface: str, *,
                     sentence_initial: bool = False) -> str | None:
    """:func:`remember_alias`, returning the alias as stored (``None``: none added), so
    an edit can take exactly that one back."""
    alias = " ".join(surface.split())
    found = words(alias)
    if not found:
        return None
    if sentence_initial and found[0][:1].isupper() and is_known(found[0]):
        alias = alias[:1].lower() + alias[1:]
    rows = queries.run_prepared(session, _NAMES, entity=entity_id).all()
    if not any(is_alias == 0 for is_alias, _ in rows):
        return None  # no such entity
    known = [text for _, text in rows]
    folded = {fold(k) for k in known}
    keys = set().union(*(phrase_keys(k) for k in known))
    if fold(alias) in folded or phrase_keys(alias) & keys:
        return None
    return alias if _insert_ignoring_duplicates(session, entity_id, alias) else None


def forget_alias(session: Session, entity_id: int, surface: str) -> bool:
    """Remove the alias ``surface`` (case-folded comparison); ``True`` when one was."""
    result = session.execute(delete(EntityAlias).where(
        EntityAlias.entity_id == entity_id,
        EntityAlias.folded == fold(" ".join(surface.split()))))
    return bool(result.rowcount)  # type: ignore[attr-defined]
