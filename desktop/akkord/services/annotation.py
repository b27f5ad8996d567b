"""One annotator's layer of a project: what they see, and the one door edits go through.

:class:`Annotation` reads (plain snapshots from :mod:`akkord.services.queries`) and
applies edits (:mod:`akkord.services.edits`): :meth:`Annotation.apply` opens one unit of
work, applies the edit inside it and commits; when it returns, the edit is on disk and
its :class:`~akkord.services.edits.Applied` says what changed and how to undo it. The
window, the command line and tests all change a project this way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, configure_mappers

from akkord.domain.dates import PartialDate
from akkord.domain.document import Part
from akkord.domain.entities import fold
from akkord.domain.schema import Schema
from akkord.domain.statuses import DocumentStatus
from akkord.services import queries
from akkord.services.edits import Applied, ChangeSet, ConflictError, Edit, EditError, UnitOfWork
from akkord.services.linking import rank_candidates
from akkord.services.queries import Layer
from akkord.services.views import (
    Candidate,
    DocumentView,
    EntityView,
    MentionView,
    RelationView,
    WorkProgress,
)
from akkord.store.columns import ANNOTATORS, DOCUMENTS, ENTITIES, MENTIONS, STATES
from akkord.store.models import Document, DocumentState, Mention
from akkord.store.project import Project

__all__ = ["Annotation", "ConflictError", "EditError"]

SHOWN_ENTITIES = 200  # at most this many changed entities are read back with an edit


@dataclass(frozen=True, slots=True)
class Changed:
    """An open document's part of a change set, as it is after the edit."""

    mentions: tuple[MentionView, ...]
    relations: tuple[RelationView, ...]
    date: PartialDate | None
    status: DocumentStatus


@dataclass(frozen=True, slots=True)
class Shown:
    """What an edit changed that a window shows, read back in the edit's own transaction
    (so the window need not read it again): the open document's part, ``None`` when the
    edit did not touch it; and every changed entity as it is now (``None``: gone)."""

    document: Changed | None
    entities: dict[int, EntityView | None]


# What the window reads while it starts is read from the tables' columns (see
# akkord.store.columns and :func:`warm_up`).
# Every column, as the ORM's load did: a value damaged on disk is reported when the
# document opens (ProjectDamagedError), not left for a later read to trip over.
_DOCUMENT = select(Document.__table__).where(DOCUMENTS.id == bindparam("document"))


def warm_up() -> None:
    """Configure the ORM's mappers now (35 ms, once per process), so the first edit
    does not. The window calls it once it has shown: until then it reads through the
    tables' columns, which need no mapper."""
    configure_mappers()


class Annotation:
    """One annotator's work on a project."""

    def __init__(self, project: Project, annotator: str, *, author: str | None = None
                 ) -> None:
        """``annotator`` names the layer; ``author`` the person editing it, when that is
        someone else (a curator in the gold layer)."""
        self.project = project
        self.annotator = annotator.strip()
        # Documents' text lengths, which every span check needs: texts never change, so
        # they are read once per document, not on every edit (the long one is 180 KB).
        self._lengths: dict[int, int] = {}
        # A read-only project is shown as it is: a layer it does not have yet is empty
        # (id 0 names no row) instead of being created, and every edit is refused by the
        # store with its message.
        opened = project.read() if project.read_only else project.write()
        with opened as session:
            self.annotator_id = self._layer_id(session, self.annotator)
            self.layer = Layer(self.annotator_id, self.annotator)
            self.author = self.layer
            if author is not None and author.strip() != self.annotator:
                self.author = Layer(self._layer_id(session, author), author.strip())

    def _layer_id(self, session: Session, name: str) -> int:
        if not self.project.read_only:
            return Project.annotator_id(session, name)
        found = session.scalar(select(ANNOTATORS.id).where(ANNOTATORS.name == name.strip()))
        return found if found is not None else 0

    @property
    def schema(self) -> Schema:
        return self.project.schema

    # -- changing -----------------------------------------------------------------------------
    def apply(self, edit: Edit) -> Applied:
        """Apply ``edit`` as one transaction; raises :class:`EditError` (nothing written)
        when it is refused."""
        try:
            with self.project.write() as session:
                return self._apply_in(session, edit)
        except DBAPIError as exc:  # a constraint, a full disk, a lock held too long …
            raise _refused(exc) from exc

    def apply_showing(self, edit: Edit, document_id: int | None) -> tuple[Applied, Shown]:
        """:meth:`apply`, and what it changed as a window shows it (see :class:`Shown`;
        ``document_id``: the open document) — read in the edit's own transaction: the
        window needs it after every key that edits, and one transaction costs less than
        two."""
        try:
            with self.project.write() as session:
                applied = self._apply_in(session, edit)
                changes = applied.changes
                session.flush()
                document = self._changed_in(session, changes, document_id) \
                    if document_id is not None and document_id in changes.documents else None
                return applied, Shown(document, self._entities_in(session, changes))
        except DBAPIError as exc:
            raise _refused(exc) from exc

    def _entities_in(self, session: Session, changes: ChangeSet
                     ) -> dict[int, EntityView | None]:
        """The changed entities as they are now; none when an edit changed so many (a
        merge of hundreds) that the window is better off reading what it shows."""
        if not changes.entities or len(changes.entities) > SHOWN_ENTITIES:
            return {}
        found = {e.id: e for e in queries.entities_by_id(session, self.layer,
                                                         sorted(changes.entities))}
        return {i: found.get(i) for i in changes.entities}

    def _apply_in(self, session: Session, edit: Edit) -> Applied:
        schema = self.project.schema_in(session)
        return edit.apply(UnitOfWork(session, schema, self.layer, self.author,
                                     self._lengths))

    # -- reading ------------------------------------------------------------------------------
    def load_document(self, doc_id: int) -> DocumentView:
        with self.project.read() as session:
            doc = session.execute(_DOCUMENT, {"document": doc_id}).first()
            if doc is None:
                raise EditError(f"document {doc_id} is not in the project")
            mentions = queries.mentions_in(session, self.layer, doc_id)
            relations = queries.relations_in(session, self.layer, doc_id)
            status = session.scalar(select(STATES.status).where(
                STATES.document_id == doc_id,
                STATES.annotator_id == self.annotator_id)) or DocumentStatus.NEW
            return DocumentView(
                id=doc.id, title=doc.title or doc.external_id or f"document {doc.id}",
                text=doc.text, date=PartialDate.parse(doc.date_value) if doc.date_value else None,
                parts=tuple(Part.from_list(p) for p in doc.parts or []), meta=dict(doc.meta),
                mentions=tuple(mentions), relations=tuple(relations),
                status=DocumentStatus(status), external_id=doc.external_id)

    def _changed_in(self, session: Session, changes: ChangeSet, document_id: int
                    ) -> Changed:
        """What an edit changed in the open document, as it is now: its changed mentions
        and the changed relations, its date and this layer's status. Mentions in the
        change set that are missing here are gone (or in another document); relations the
        caller places by their head."""
        mentions = queries.mentions_by_id(session, self.layer, sorted(changes.mentions))
        relations = queries.relations_by_id(session, self.layer, sorted(changes.relations))
        date, status = self._document_state(session, document_id)
        return Changed(tuple(m for m in mentions if m.document_id == document_id),
                       tuple(relations), date, status)

    def document_of(self, mention_id: int) -> int | None:
        """The document a mention of this layer is in (None: it no longer exists)."""
        with self.project.read() as session:
            return session.scalar(select(Mention.document_id).where(
                Mention.id == mention_id, Mention.annotator_id == self.annotator_id))

    def _document_state(self, session: Session, doc_id: int
                        ) -> tuple[PartialDate | None, DocumentStatus]:
        row = session.connection().execute(_DOCUMENT_STATE, {
            "layer": self.annotator_id, "document": doc_id}).first()
        date, status = row if row is not None else (None, None)
        return (PartialDate.parse(date) if date else None), \
            DocumentStatus(status or DocumentStatus.NEW)

    def document_state(self, doc_id: int) -> tuple[PartialDate | None, DocumentStatus]:
        """A document's publication date and this layer's status of it."""
        with self.project.read() as session:
            return self._document_state(session, doc_id)

    def mention(self, mention_id: int) -> MentionView:
        with self.project.read() as session:
            found = queries.mention(session, self.layer, mention_id)
        if found is None:
            raise EditError(f"mention {mention_id} no longer exists")
        return found

    def mentions(self, ids: list[int]) -> list[MentionView]:
        """The mentions of this layer among ``ids`` that still exist."""
        with self.project.read() as session:
            return queries.mentions_by_id(session, self.layer, ids)

    def relations(self, ids: list[int]) -> list[RelationView]:
        with self.project.read() as session:
            return queries.relations_by_id(session, self.layer, ids)

    def entity(self, entity_id: int) -> EntityView:
        with self.project.read() as session:
            found = queries.entity(session, self.layer, entity_id)
        if found is None:
            raise EditError(f"entity {entity_id} no longer exists")
        return found

    def entity_names(self, ids: Iterable[int]) -> dict[int, str]:
        """The names of those of the entities ``ids`` that exist, in one read. A form
        shows the entities its values refer to by name only; :meth:`entity` read four
        tables for each of them, on every link of an entity that has such values."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        with self.project.read() as session:
            return {row.id: row.name for chunk in queries.chunks(wanted)
                    for row in session.execute(select(ENTITIES.id, ENTITIES.name).where(
                        ENTITIES.id.in_(chunk)))}

    def entities(self, kind: str | None = None, document_id: int | None = None
                 ) -> list[EntityView]:
        """Entities (of a kind), or only those linked from a document in this layer."""
        where: list[Any] = []
        if kind is not None:
            where.append(ENTITIES.kind == kind)
        if document_id is not None:
            where.append(ENTITIES.id.in_(select(MENTIONS.entity_id).where(
                MENTIONS.document_id == document_id,
                MENTIONS.annotator_id == self.annotator_id)))
        with self.project.read() as session:
            return queries.entities(session, self.layer, *where)

    def first_mention_of(self, entity_id: int) -> int | None:
        """The document of the entity's first mention in this layer (None: none yet)."""
        with self.project.read() as session:
            return session.scalar(select(Mention.document_id).where(
                Mention.entity_id == entity_id, Mention.annotator_id == self.annotator_id)
                .order_by(Mention.document_id, Mention.start).limit(1))

    def candidates(self, kind: str, query: str) -> list[Candidate]:
        with self.project.read() as session:
            return rank_candidates(session, kind, query, self.annotator_id)

    def progress(self) -> WorkProgress:
        with self.project.read() as session:
            total = session.scalar(select(func.count()).select_from(Document.__table__)) or 0
            done = session.scalar(select(func.count()).select_from(DocumentState.__table__)
                                  .where(STATES.annotator_id == self.annotator_id,
                                         STATES.status == DocumentStatus.DONE.value)) or 0
        return WorkProgress(done, total)

    def annotator_names(self) -> list[str]:
        with self.project.read() as session:
            return list(session.scalars(select(ANNOTATORS.name).order_by(ANNOTATORS.name)))

    def identical_unlinked(self, mention_id: int, *, project_wide: bool) -> list[int]:
        """Unlinked mentions with the same label and the same text (case-folded)."""
        source = self.mention(mention_id)
        with self.project.read() as session:
            text = session.scalar(select(Document.text).where(
                Document.id == source.document_id)) or ""
            surface = text[source.start:source.end]
            where: list[Any] = [Mention.annotator_id == self.annotator_id,
                                Mention.label == source.label, Mention.entity_id.is_(None),
                                Mention.id != mention_id,
                                Mention.end - Mention.start == len(surface)]
            if not project_wide:  # the text is read already: slice it, once per candidate
                rows = [(r.id, text[r.start:r.end]) for r in session.execute(
                    select(Mention.id, Mention.start, Mention.end).where(
                        *where, Mention.document_id == source.document_id))]
            else:  # substr in SQL: only the candidates' words leave the database
                rows = [(r[0], r[1]) for r in session.execute(
                    select(Mention.id, func.substr(Document.text, Mention.start + 1,
                                                   Mention.end - Mention.start))
                    .join(Document, Document.id == Mention.document_id).where(*where))]
        wanted = fold(surface)
        return [row[0] for row in rows if fold(row[1]) == wanted]


_DOCUMENT_STATE = select(Document.date_value, DocumentState.status).outerjoin(
    DocumentState, (DocumentState.document_id == Document.id)
    & (DocumentState.annotator_id == bindparam("layer"))).where(
    Document.id == bindparam("document"))  # after every edit: built once


def _refused(exc: DBAPIError) -> EditError:
    """A constraint, a full disk, a lock held too long …: the edit was rolled back."""
    return EditError(f"the project refused the edit ({_first_line(exc.orig)}); "
                     "nothing was changed")


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__

