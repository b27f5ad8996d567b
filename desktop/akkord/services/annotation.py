"""Annotating: every edit an annotator makes, each one committed transaction.

:class:`Annotation` is the use-case layer under the GUI (and usable from scripts): it
works in one annotator's layer, checks every edit against the project's schema, and
returns plain snapshots (:mod:`akkord.services.views`). Each mutating method is one
transaction; when it returns, the edit is on disk.

Undo is built from these methods: deleting returns a snapshot that ``restore_*`` puts
back *with the same ids*, so later edits that refer to them stay valid; updates return
the previous state. Edits of a canonical entity carry the entity's ``version`` as seen
by the caller; if someone else changed it meanwhile the edit raises
:class:`ConflictError` instead of overwriting their work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from types import EllipsisType
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.document import Part
from akkord.domain.entities import Value, entity_key, fold
from akkord.domain.schema import Attribute, Schema
from akkord.domain.validation import RefTarget, value_problem, values_problem
from akkord.errors import AkkordError
from akkord.services.views import DocumentView, EntityView, MentionView, RelationView, WorkProgress
from akkord.store.models import (
    DOCUMENT_STATUSES,
    MENTION_STATUSES,
    Annotator,
    Document,
    DocumentState,
    Entity,
    EntityAlias,
    EntityValue,
    Mention,
    MentionValue,
    Relation,
)
from akkord.store.project import Project


class ConflictError(AkkordError):
    """Someone else changed the entity since it was read; reload and try again."""


class EditError(AkkordError):
    """The edit is not allowed by the schema or the data (the message says why)."""


# -- value rows ---------------------------------------------------------------------------

_VALUE_FIELDS = ("text", "flag", "number", "role", "preferred")


def value_of(row: Any) -> Value:
    """A ``Value`` from an ``entity_values`` / ``mention_values`` row."""
    date = PartialDate.parse(row.date_value) if row.date_value else None
    return Value(text=row.text, flag=row.flag, number=row.number, date=date,
                 ref=row.ref_id, role=row.role, preferred=row.preferred,
                 evidence=getattr(row, "evidence_id", None))


def value_row(value: Value, attribute: str, position: int) -> dict[str, Any]:
    row: dict[str, Any] = {f: getattr(value, f) for f in _VALUE_FIELDS}
    row.update(attribute=attribute, position=position, ref_id=value.ref,
               date_value=None, date_earliest=None, date_latest=None, date_precision=None,
               date_certainty=None)
    if value.date is not None:
        row.update(date_value=value.date.value, date_earliest=value.date.earliest,
                   date_latest=value.date.latest, date_precision=value.date.precision.value,
                   date_certainty=value.date.certainty.value)
    return row


def _group(rows: Iterable[Any], owner: str) -> dict[int, dict[str, tuple[Value, ...]]]:
    grouped: dict[int, dict[str, list[Value]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[getattr(row, owner)][row.attribute].append(value_of(row))
    return {k: {a: tuple(v) for a, v in attrs.items()} for k, attrs in grouped.items()}


# -- snapshots for undo ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MentionSnapshot:
    """Everything deleting a mention removes, so :meth:`Annotation.restore_mention` can
    put it back with the same ids."""

    mention: MentionView
    relations: tuple[RelationView, ...]
    evidence_of: tuple[int, ...]  # entity_values.id that pointed at the mention


@dataclass(frozen=True, slots=True)
class EntitySnapshot:
    """A deleted (or merged-away) entity as it was, to be put back with the same id."""

    entity: EntityView


@dataclass(frozen=True, slots=True)
class MergeSnapshot:
    keep: EntitySnapshot
    drop: EntitySnapshot
    moved_mentions: tuple[int, ...]
    moved_refs: tuple[tuple[str, int], ...]  # ("entity" | "mention", value row id)
    version: int  # keep's version after the merge


@dataclass(frozen=True, slots=True)
class AttributeChange:
    """An attribute's values before and after an edit, for undo."""

    entity_id: int
    attribute: str
    old: tuple[Value, ...]
    new: tuple[Value, ...]
    version: int  # the entity's version after the edit


class Annotation:
    """One annotator's work on a project."""

    def __init__(self, project: Project, annotator: str) -> None:
        self.project = project
        self.annotator = annotator.strip()
        with project.write() as session:
            self.annotator_id = Project.annotator_id(session, self.annotator)

    @property
    def schema(self) -> Schema:
        return self.project.schema

    # -- reading ----------
    def load_document(self, doc_id: int) -> DocumentView:
        with self.project.read() as session:
            doc = session.get(Document, doc_id)
            if doc is None:
                raise EditError(f"document {doc_id} is not in the project")
            mentions = self._mentions(session, Mention.document_id == doc_id)
            ids = [m.id for m in mentions]
            relations = self._relations(session, ids)
            status = session.scalar(select(DocumentState.status).where(
                DocumentState.document_id == doc_id,
                DocumentState.annotator_id == self.annotator_id)) or "new"
            return DocumentView(
                id=doc.id, title=doc.title or doc.external_id or f"document {doc.id}",
                text=doc.text, date=PartialDate.parse(doc.date_value) if doc.date_value else None,
                parts=tuple(Part.from_list(p) for p in doc.parts or []), meta=dict(doc.meta),
                mentions=tuple(mentions), relations=tuple(relations), status=status,
                external_id=doc.external_id)

    def _mentions(self, session: Session, *where: Any) -> list[MentionView]:
        rows = session.execute(
            select(Mention.id, Mention.document_id, Mention.start, Mention.end, Mention.label,
                   Mention.status, Mention.entity_id)
            .where(Mention.annotator_id == self.annotator_id, *where)
            .order_by(Mention.start, Mention.end.desc(), Mention.id)).all()
        values = self._mention_values(session, [r.id for r in rows])
        return [MentionView(r.id, r.document_id, r.start, r.end, r.label, r.status,
                            self.annotator, r.entity_id, values.get(r.id, {})) for r in rows]

    @staticmethod
    def _mention_values(session: Session, ids: Sequence[int]
                        ) -> dict[int, dict[str, tuple[Value, ...]]]:
        if not ids:
            return {}
        rows: list[MentionValue] = []
        for i in range(0, len(ids), 900):
            rows += session.scalars(select(MentionValue).where(
                MentionValue.mention_id.in_(ids[i:i + 900]))
                .order_by(MentionValue.attribute, MentionValue.position)).all()
        return _group(rows, "mention_id")

    def _relations(self, session: Session, mention_ids: Sequence[int]) -> list[RelationView]:
        if not mention_ids:
            return []
        out: list[RelationView] = []
        for i in range(0, len(mention_ids), 900):
            chunk = mention_ids[i:i + 900]
            out += [RelationView(r.id, r.type, r.head_id, r.tail_id, self.annotator)
                    for r in session.execute(select(Relation).where(
                        Relation.annotator_id == self.annotator_id,
                        Relation.head_id.in_(chunk))).scalars()]
        return sorted(out, key=lambda r: r.id)

    def mention(self, mention_id: int) -> MentionView:
        with self.project.read() as session:
            found = self._mentions(session, Mention.id == mention_id)
        if not found:
            raise EditError(f"mention {mention_id} no longer exists")
        return found[0]

    def entity(self, entity_id: int) -> EntityView:
        with self.project.read() as session:
            found = self._entities(session, Entity.id == entity_id)
        if not found:
            raise EditError(f"entity {entity_id} no longer exists")
        return found[0]

    def entities(self, kind: str | None = None, document_id: int | None = None
                 ) -> list[EntityView]:
        """Entities (of a kind), or only those linked from a document in this layer."""
        where: list[Any] = []
        if kind is not None:
            where.append(Entity.kind == kind)
        if document_id is not None:
            where.append(Entity.id.in_(select(Mention.entity_id).where(
                Mention.document_id == document_id,
                Mention.annotator_id == self.annotator_id)))
        with self.project.read() as session:
            return self._entities(session, *where)

    def _entities(self, session: Session, *where: Any) -> list[EntityView]:
        rows = session.execute(select(Entity).where(*where).order_by(Entity.name)).scalars().all()
        ids = [e.id for e in rows]
        if not ids:
            return []
        aliases: dict[int, list[str]] = defaultdict(list)
        values: dict[int, dict[str, tuple[Value, ...]]] = {}
        usage: dict[int, tuple[int, int]] = {}
        for i in range(0, len(ids), 900):
            chunk = ids[i:i + 900]
            for entity_id, alias in session.execute(
                    select(EntityAlias.entity_id, EntityAlias.alias)
                    .where(EntityAlias.entity_id.in_(chunk)).order_by(EntityAlias.id)):
                aliases[entity_id].append(alias)
            values.update(_group(session.scalars(
                select(EntityValue).where(EntityValue.entity_id.in_(chunk))
                .order_by(EntityValue.attribute, EntityValue.position)), "entity_id"))
            for linked, mentions, documents in session.execute(
                    select(Mention.entity_id, func.count(),
                           func.count(func.distinct(Mention.document_id)))
                    .where(Mention.entity_id.in_(chunk),
                           Mention.annotator_id == self.annotator_id)
                    .group_by(Mention.entity_id)):
                if linked is not None:
                    usage[linked] = (mentions, documents)
        return [EntityView(e.id, e.key, e.kind, e.name, e.version, tuple(aliases[e.id]),
                           values.get(e.id, {}), *usage.get(e.id, (0, 0))) for e in rows]

    def progress(self) -> WorkProgress:
        with self.project.read() as session:
            total = session.scalar(select(func.count()).select_from(Document)) or 0
            done = session.scalar(select(func.count()).select_from(DocumentState).where(
                DocumentState.annotator_id == self.annotator_id,
                DocumentState.status == "done")) or 0
        return WorkProgress(done, total)

    # -- checks ----------
    def _check_label(self, label: str, entity_id: int | None, session: Session) -> None:
        schema = self.schema
        if label not in schema.label_names:
            raise EditError(f"{label!r} is not a label of this project "
                            f"({', '.join(schema.label_names)})")
        if entity_id is None:
            return
        kind = schema.label(label).entity
        found = session.scalar(select(Entity.kind).where(Entity.id == entity_id))
        if found is None:
            raise EditError(f"entity {entity_id} no longer exists")
        if kind != found:
            raise EditError(f"a {label} mention cannot link to a {found}")

    @staticmethod
    def _check_span(session: Session, doc_id: int, start: int, end: int) -> None:
        length = session.scalar(select(func.length(Document.text)).where(Document.id == doc_id))
        if length is None:
            raise EditError(f"document {doc_id} is not in the project")
        if not 0 <= start < end <= length:
            raise EditError(f"[{start}, {end}) is not a non-empty span of the document")

    def _touch(self, session: Session, doc_id: int) -> None:
        """The first edit in a document moves it from new to in progress."""
        exists = session.scalar(select(DocumentState.status).where(
            DocumentState.document_id == doc_id, DocumentState.annotator_id == self.annotator_id))
        if exists is None:
            session.execute(insert(DocumentState).values(
                document_id=doc_id, annotator_id=self.annotator_id, status="in progress"))

    # -- mentions ----------
    def add_mention(self, doc_id: int, start: int, end: int, label: str, *,
                    status: str = "manual", entity_id: int | None = None,
                    values: dict[str, tuple[Value, ...]] | None = None,
                    restore_id: int | None = None) -> MentionView:
        """Add a mention to this annotator's layer (``restore_id``: re-create a deleted one)."""
        if status not in MENTION_STATUSES:
            raise EditError(f"{status!r} is not a mention status")
        with self.project.write() as session:
            self._check_span(session, doc_id, start, end)
            self._check_label(label, entity_id, session)
            row: dict[str, Any] = {"document_id": doc_id, "annotator_id": self.annotator_id,
                                   "start": start, "end": end, "label": label,
                                   "status": status, "entity_id": entity_id}
            if restore_id is not None:
                row["id"] = restore_id
            mention_id = session.execute(insert(Mention).values(**row)
                                         .returning(Mention.id)).scalar_one()
            self._write_mention_values(session, mention_id, values or {})
            self._touch(session, doc_id)
        return MentionView(mention_id, doc_id, start, end, label, status, self.annotator,
                           entity_id, dict(values or {}))

    @staticmethod
    def _write_mention_values(session: Session, mention_id: int,
                              values: dict[str, tuple[Value, ...]]) -> None:
        rows = [{"mention_id": mention_id, **value_row(v, attribute, i)}
                for attribute, items in values.items() for i, v in enumerate(items)]
        if rows:
            session.execute(insert(MentionValue), rows)

    def delete_mention(self, mention_id: int) -> MentionSnapshot:
        view = self.mention(mention_id)
        with self.project.write() as session:
            relations = [RelationView(r.id, r.type, r.head_id, r.tail_id, self.annotator)
                         for r in session.scalars(select(Relation).where(
                             (Relation.head_id == mention_id) | (Relation.tail_id == mention_id)))]
            evidence = tuple(session.scalars(select(EntityValue.id).where(
                EntityValue.evidence_id == mention_id)))
            session.execute(delete(Mention).where(Mention.id == mention_id))
            self._touch(session, view.document_id)
        return MentionSnapshot(view, tuple(relations), evidence)

    def restore_mention(self, snapshot: MentionSnapshot) -> MentionView:
        m = snapshot.mention
        view = self.add_mention(m.document_id, m.start, m.end, m.label, status=m.status,
                                entity_id=m.entity_id, values=m.values, restore_id=m.id)
        with self.project.write() as session:
            for rel in snapshot.relations:
                session.execute(insert(Relation).values(
                    id=rel.id, annotator_id=self.annotator_id, type=rel.type,
                    head_id=rel.head, tail_id=rel.tail))
            if snapshot.evidence_of:
                session.execute(update(EntityValue).where(
                    EntityValue.id.in_(snapshot.evidence_of)).values(evidence_id=m.id))
        return view

    def update_mention(self, mention_id: int, *, start: int | None = None,
                       end: int | None = None, label: str | None = None,
                       status: str | None = None, entity_id: int | EllipsisType | None = ...,
                       ) -> tuple[MentionView, MentionView]:
        """Change span, label, status or link; returns (before, after).

        Relabelling to a label of another entity kind drops the link (unless a new
        ``entity_id`` is given). ``entity_id=None`` unlinks; leaving it out keeps the link.
        """
        before = self.mention(mention_id)
        new_label = label or before.label
        if entity_id is ...:
            same_kind = (self.schema.label(new_label).entity
                         == self.schema.label(before.label).entity)
            entity_id = before.entity_id if same_kind else None
        after = replace(before, start=before.start if start is None else start,
                        end=before.end if end is None else end, label=new_label,
                        status=status or before.status, entity_id=entity_id)
        if after.status not in MENTION_STATUSES:
            raise EditError(f"{after.status!r} is not a mention status")
        with self.project.write() as session:
            self._check_span(session, before.document_id, after.start, after.end)
            self._check_label(after.label, after.entity_id, session)
            session.execute(update(Mention).where(Mention.id == mention_id).values(
                start=after.start, end=after.end, label=after.label, status=after.status,
                entity_id=after.entity_id))
            self._touch(session, before.document_id)
        return before, after

    def set_mention_values(self, mention_id: int, attribute: str, values: Sequence[Value]
                           ) -> tuple[Value, ...]:
        """Replace a mention attribute's values; returns the old ones."""
        before = self.mention(mention_id)
        spec = {a.name: a for a in self.schema.label(before.label).attributes}.get(attribute)
        if spec is None:
            raise EditError(f"{before.label} mentions have no attribute {attribute!r}")
        for value in values:
            _check_value(spec, value)
        with self.project.write() as session:
            session.execute(delete(MentionValue).where(MentionValue.mention_id == mention_id,
                                                       MentionValue.attribute == attribute))
            self._write_mention_values(session, mention_id, {attribute: tuple(values)})
        return before.values.get(attribute, ())

    def link_many(self, mention_ids: Sequence[int], entity_id: int | None
                  ) -> list[tuple[int, int | None]]:
        """Link (or unlink) several mentions in one transaction; returns their old links."""
        with self.project.write() as session:
            old = session.execute(select(Mention.id, Mention.entity_id, Mention.label).where(
                Mention.id.in_(mention_ids), Mention.annotator_id == self.annotator_id)).all()
            for _, _, label in old:
                self._check_label(label, entity_id, session)
            session.execute(update(Mention).where(Mention.id.in_([o.id for o in old]))
                            .values(entity_id=entity_id))
        return [(o.id, o.entity_id) for o in old]

    def restore_links(self, links: Sequence[tuple[int, int | None]]) -> None:
        with self.project.write() as session:
            for mention_id, entity_id in links:
                session.execute(update(Mention).where(Mention.id == mention_id)
                                .values(entity_id=entity_id))

    def identical_unlinked(self, mention_id: int, *, project_wide: bool) -> list[int]:
        """Unlinked mentions with the same label and the same text (case-folded)."""
        source = self.mention(mention_id)
        with self.project.read() as session:
            text = session.scalar(select(func.substr(
                Document.text, source.start + 1, source.end - source.start))
                .where(Document.id == source.document_id)) or ""
            where: list[Any] = [Mention.annotator_id == self.annotator_id,
                                Mention.label == source.label, Mention.entity_id.is_(None),
                                Mention.id != mention_id,
                                Mention.end - Mention.start == len(text)]
            if not project_wide:
                where.append(Mention.document_id == source.document_id)
            rows = session.execute(
                select(Mention.id, func.substr(Document.text, Mention.start + 1,
                                               Mention.end - Mention.start))
                .join(Document, Document.id == Mention.document_id).where(*where)).all()
        wanted = fold(text)
        return [row[0] for row in rows if fold(row[1]) == wanted]

    # -- relations ----------
    def add_relation(self, type_: str, head: int, tail: int, *,
                     restore_id: int | None = None) -> RelationView:
        head_view, tail_view = self.mention(head), self.mention(tail)
        try:
            rtype = self.schema.relation(type_)
        except KeyError:
            raise EditError(f"{type_!r} is not a relation type of this project") from None
        if not rtype.allows(head_view.label, tail_view.label):
            raise EditError(f"a {type_} relation cannot go from {head_view.label} "
                            f"to {tail_view.label}")
        if head_view.document_id != tail_view.document_id:
            raise EditError("a relation links two mentions of the same document")
        with self.project.write() as session:
            row: dict[str, Any] = {"annotator_id": self.annotator_id, "type": type_,
                                   "head_id": head, "tail_id": tail}
            if restore_id is not None:
                row["id"] = restore_id
            relation_id = session.execute(insert(Relation).values(**row)
                                          .returning(Relation.id)).scalar_one()
            self._touch(session, head_view.document_id)
        return RelationView(relation_id, type_, head, tail, self.annotator)

    def delete_relation(self, relation_id: int) -> RelationView:
        with self.project.write() as session:
            row = session.get(Relation, relation_id)
            if row is None:
                raise EditError(f"relation {relation_id} no longer exists")
            view = RelationView(row.id, row.type, row.head_id, row.tail_id, self.annotator)
            session.delete(row)
        return view

    def fill_from_relation(self, relation: RelationView) -> AttributeChange | None:
        """What the relation states about an entity (its ``fills`` attribute), applied.

        An ACTOR –participant→ MEETING relation adds the actor to the meeting's
        participants; TIME –time→ MEETING sets the meeting's date from the TIME mention.
        The value points at the stating mention as evidence. ``None`` when nothing
        changes (not linked, no fills, already stated).
        """
        rtype = self.schema.relation(relation.type)
        if rtype.fills is None:
            return None
        head, tail = self.mention(relation.head), self.mention(relation.tail)
        for target, source in ((tail, head), (head, tail)):
            kind = self.schema.kind_of_label(target.label)
            if target.entity_id is None or kind is None:
                continue
            attr = {a.name: a for a in kind.attributes}.get(rtype.fills)
            if attr is None:
                continue
            value = _value_from_mention(attr, source)
            if value is None:
                return None
            entity = self.entity(target.entity_id)
            current = entity.values.get(attr.name, ())
            if any(v.plain() == value.plain() for v in current):
                return None
            new = (*current, value) if attr.many else (value,)
            return self.set_attribute(entity.id, attr.name, new, entity.version)
        return None

    # -- documents ----------
    def set_status(self, doc_id: int, status: str) -> str:
        """Set this annotator's status of a document; returns the old one."""
        if status not in DOCUMENT_STATUSES:
            raise EditError(f"{status!r} is not a document status")
        with self.project.write() as session:
            old = session.scalar(select(DocumentState.status).where(
                DocumentState.document_id == doc_id,
                DocumentState.annotator_id == self.annotator_id))
            if old is None:
                session.execute(insert(DocumentState).values(
                    document_id=doc_id, annotator_id=self.annotator_id, status=status))
            else:
                session.execute(update(DocumentState).where(
                    DocumentState.document_id == doc_id,
                    DocumentState.annotator_id == self.annotator_id).values(status=status))
        return old or "new"

    # -- entities ----------
    def create_entity(self, kind: str, name: str, aliases: Sequence[str] = (), *,
                      restore: EntitySnapshot | None = None) -> EntityView:
        try:
            self.schema.kind(kind)
        except KeyError:
            raise EditError(f"{kind!r} is not an entity kind of this project") from None
        name = name.strip()
        if not name:
            raise EditError("an entity needs a name")
        with self.project.write() as session:
            if restore is not None:
                old = restore.entity
                session.execute(insert(Entity).values(
                    id=old.id, key=old.key, kind=old.kind, name=old.name,
                    version=old.version + 1, created_by=self.annotator_id))
                entity_id = old.id
                self._write_aliases(session, entity_id, old.aliases)
                self._write_values(session, entity_id, old.values)
            else:
                taken = set(session.scalars(select(Entity.key).where(
                    Entity.key.like(f"{kind}/%"))))
                entity_id = session.execute(insert(Entity).values(
                    key=entity_key(kind, name, taken), kind=kind, name=name, version=1,
                    created_by=self.annotator_id).returning(Entity.id)).scalar_one()
                self._write_aliases(session, entity_id, aliases)
        return self.entity(entity_id)

    @staticmethod
    def _write_aliases(session: Session, entity_id: int, aliases: Iterable[str]) -> None:
        seen: dict[str, str] = {}
        for alias in aliases:
            if alias.strip():
                seen.setdefault(fold(alias), alias.strip())
        if seen:
            session.execute(insert(EntityAlias), [
                {"entity_id": entity_id, "alias": a, "folded": f} for f, a in seen.items()])

    @staticmethod
    def _write_values(session: Session, entity_id: int,
                      values: dict[str, tuple[Value, ...]]) -> None:
        rows = [{"entity_id": entity_id, "evidence_id": v.evidence, **value_row(v, a, i)}
                for a, items in values.items() for i, v in enumerate(items)]
        if rows:
            session.execute(insert(EntityValue), rows)

    def delete_entity(self, entity_id: int) -> EntitySnapshot:
        """Delete an unused entity (refused, with the reason, while anything refers to it)."""
        view = self.entity(entity_id)
        with self.project.write() as session:
            linked = session.scalar(select(func.count()).select_from(Mention).where(
                Mention.entity_id == entity_id)) or 0
            refs = session.scalar(select(func.count()).select_from(EntityValue).where(
                EntityValue.ref_id == entity_id)) or 0
            if linked or refs:
                raise EditError(f"{view.name} is still used by {linked} mention(s) and "
                                f"{refs} attribute value(s); unlink or merge it first")
            session.execute(delete(Entity).where(Entity.id == entity_id))
        return EntitySnapshot(view)

    def _bump(self, session: Session, entity_id: int, expected_version: int) -> int:
        """Claim the entity for this edit: version + 1, or :class:`ConflictError`."""
        result = session.execute(update(Entity).where(
            Entity.id == entity_id, Entity.version == expected_version)
            .values(version=Entity.version + 1))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            current = session.execute(select(Entity.name, Entity.version).where(
                Entity.id == entity_id)).first()
            if current is None:
                raise ConflictError(f"entity {entity_id} was deleted by someone else")
            raise ConflictError(
                f"{current.name} was changed by someone else (version {current.version}, you "
                f"edited version {expected_version}); the view was reloaded: redo your edit")
        return expected_version + 1

    def rename_entity(self, entity_id: int, name: str, expected_version: int
                      ) -> tuple[str, int]:
        """Rename; returns (old name, new version)."""
        name = name.strip()
        if not name:
            raise EditError("an entity needs a name")
        with self.project.write() as session:
            old = session.scalar(select(Entity.name).where(Entity.id == entity_id)) or ""
            version = self._bump(session, entity_id, expected_version)
            session.execute(update(Entity).where(Entity.id == entity_id).values(name=name))
        return old, version

    def set_aliases(self, entity_id: int, aliases: Sequence[str], expected_version: int
                    ) -> tuple[tuple[str, ...], int]:
        with self.project.write() as session:
            old = tuple(session.scalars(select(EntityAlias.alias).where(
                EntityAlias.entity_id == entity_id).order_by(EntityAlias.id)))
            version = self._bump(session, entity_id, expected_version)
            session.execute(delete(EntityAlias).where(EntityAlias.entity_id == entity_id))
            self._write_aliases(session, entity_id, aliases)
        return old, version

    def set_attribute(self, entity_id: int, attribute: str, values: Sequence[Value],
                      expected_version: int) -> AttributeChange:
        """Replace an attribute's values (all of them: a list for ``many`` attributes)."""
        entity = self.entity(entity_id)
        spec = {a.name: a for a in self.schema.kind(entity.kind).attributes}.get(attribute)
        if spec is None:
            raise EditError(f"a {entity.kind} has no attribute {attribute!r}")
        problem = values_problem(spec, len(values), sum(v.preferred for v in values))
        if problem:
            raise EditError(problem)
        with self.project.write() as session:
            for value in values:
                _check_value(spec, value, session)
            version = self._bump(session, entity_id, expected_version)
            session.execute(delete(EntityValue).where(EntityValue.entity_id == entity_id,
                                                      EntityValue.attribute == attribute))
            self._write_values(session, entity_id, {attribute: tuple(values)})
        return AttributeChange(entity_id, attribute, entity.values.get(attribute, ()),
                               tuple(values), version)

    def merge_entities(self, keep_id: int, drop_id: int) -> MergeSnapshot:
        """Fold ``drop`` into ``keep``: its mentions, references, name and aliases move."""
        if keep_id == drop_id:
            raise EditError("an entity cannot be merged with itself")
        keep, drop = self.entity(keep_id), self.entity(drop_id)
        if keep.kind != drop.kind:
            raise EditError(f"a {keep.kind} and a {drop.kind} cannot be merged")
        with self.project.write() as session:
            moved = tuple(session.scalars(select(Mention.id).where(Mention.entity_id == drop_id)))
            refs = tuple(("entity", i) for i in session.scalars(
                select(EntityValue.id).where(EntityValue.ref_id == drop_id))) + tuple(
                ("mention", i) for i in session.scalars(
                    select(MentionValue.id).where(MentionValue.ref_id == drop_id)))
            version = self._bump(session, keep_id, keep.version)
            self._bump(session, drop_id, drop.version)
            session.execute(update(Mention).where(Mention.entity_id == drop_id)
                            .values(entity_id=keep_id))
            session.execute(update(EntityValue).where(EntityValue.ref_id == drop_id)
                            .values(ref_id=keep_id))
            session.execute(update(MentionValue).where(MentionValue.ref_id == drop_id)
                            .values(ref_id=keep_id))
            merged = _merge_values(self.schema, keep, drop)
            session.execute(delete(EntityValue).where(EntityValue.entity_id == keep_id))
            self._write_values(session, keep_id, merged)
            aliases = [*keep.aliases, drop.name, *drop.aliases]
            session.execute(delete(EntityAlias).where(EntityAlias.entity_id == keep_id))
            self._write_aliases(session, keep_id,
                                [a for a in aliases if fold(a) != fold(keep.name)])
            session.execute(delete(Entity).where(Entity.id == drop_id))
        return MergeSnapshot(EntitySnapshot(keep), EntitySnapshot(drop),
                             moved, refs, version)

    def unmerge(self, snapshot: MergeSnapshot, expected_version: int | None = None) -> int:
        """Undo :meth:`merge_entities` exactly (the kept entity must be unchanged since);
        returns the kept entity's new version."""
        keep, drop = snapshot.keep.entity, snapshot.drop.entity
        with self.project.write() as session:
            version = self._bump(session, keep.id, expected_version or snapshot.version)
            session.execute(insert(Entity).values(
                id=drop.id, key=drop.key, kind=drop.kind, name=drop.name,
                version=drop.version + 2, created_by=self.annotator_id))
            self._write_aliases(session, drop.id, drop.aliases)
            self._write_values(session, drop.id, drop.values)
            session.execute(update(Mention).where(Mention.id.in_(snapshot.moved_mentions))
                            .values(entity_id=drop.id))
            entity_refs = [i for table, i in snapshot.moved_refs if table == "entity"]
            mention_refs = [i for table, i in snapshot.moved_refs if table == "mention"]
            if entity_refs:
                session.execute(update(EntityValue).where(EntityValue.id.in_(entity_refs))
                                .values(ref_id=drop.id))
            if mention_refs:
                session.execute(update(MentionValue).where(MentionValue.id.in_(mention_refs))
                                .values(ref_id=drop.id))
            session.execute(delete(EntityValue).where(EntityValue.entity_id == keep.id))
            self._write_values(session, keep.id, keep.values)
            session.execute(delete(EntityAlias).where(EntityAlias.entity_id == keep.id))
            self._write_aliases(session, keep.id, keep.aliases)
        return version

    def split_mention(self, mention_id: int, name: str | None = None
                      ) -> tuple[MentionView, EntityView]:
        """Give a mention its own new entity (named after its text unless ``name``)."""
        mention = self.mention(mention_id)
        kind = self.schema.label(mention.label).entity
        if kind is None:
            raise EditError(f"{mention.label} mentions are not linked to entities")
        if name is None:
            with self.project.read() as session:
                text = session.scalar(select(Document.text).where(
                    Document.id == mention.document_id)) or ""
            name = text[mention.start:mention.end]
        entity = self.create_entity(kind, name)
        before, _ = self.update_mention(mention_id, entity_id=entity.id)
        return before, entity

    def annotator_names(self) -> list[str]:
        with self.project.read() as session:
            return list(session.scalars(select(Annotator.name).order_by(Annotator.name)))


# -- helpers ---------------------------------------------------------------------------------

def _check_value(spec: Attribute, value: Value, session: Session | None = None) -> None:
    target = None
    if spec.type == "ref" and value.ref is not None and session is not None:
        kind = session.scalar(select(Entity.kind).where(Entity.id == value.ref))
        target = RefTarget(kind is not None, kind)
    problem = value_problem(spec, value, value.ref, target)
    if problem:
        raise EditError(problem)


def _value_from_mention(attr: Attribute, source: MentionView) -> Value | None:
    if attr.type == "date":
        date = source.date()
        return Value(date=date, evidence=source.id) if date else None
    if attr.type == "ref" and source.entity_id is not None:
        role = "participant" if "participant" in attr.roles else None
        return Value(ref=source.entity_id, role=role, evidence=source.id)
    return None


def _merge_values(schema: Schema, keep: EntityView, drop: EntityView
                  ) -> dict[str, tuple[Value, ...]]:
    """keep's values, plus drop's where keep has none (or, for lists, new items)."""
    merged = {a: list(v) for a, v in keep.values.items()}
    kind = schema.kind(keep.kind)
    for attribute, values in drop.values.items():
        spec = {a.name: a for a in kind.attributes}.get(attribute)
        current = merged.setdefault(attribute, [])
        if spec is not None and spec.many:
            current += [v for v in values
                        if v.ref != keep.id and v.plain() not in {c.plain() for c in current}]
        elif not current:
            current += values
    return {a: tuple(v) for a, v in merged.items() if v}
