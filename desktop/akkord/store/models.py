"""The project database: SQLAlchemy 2 typed mappings of the domain.

Shape of the data (see DESIGN.md, "Domain model"):

* ``documents`` hold immutable text; everything else points into it by code-point offsets.
* ``mentions`` are spans in one annotator's layer; ``entity_id`` links a mention to a
  canonical entity (actor, demand, meeting, place …).
* ``entity_values`` / ``mention_values`` hold typed attribute values, one row per value
  (multi-valued attributes have several rows). A reference to another entity is a real
  foreign key (``ref_id``), so "every demand whose claimant is Russia" is a join, and
  deleting a referenced actor is refused by the database (``RESTRICT``) unless the
  service removes the references first. A value can point to the mention that states it
  (``evidence_id``) and be marked ``preferred`` when articles disagree.
* ``relations`` link two mentions of one layer.
* ``entities.version`` counts changes; ``changed_by``/``changed_what`` say who changed
  the entity last and what, so an edit that finds the entity other than its author saw
  it (compare-and-set, :mod:`akkord.services.edits`) is refused with their name.

Changing anything here needs an Alembic revision in ``store/migrations/versions``;
``tests/store/test_migrations.py`` fails when the models and the migrations disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from akkord.domain.statuses import CURATION_MARKS, DOCUMENT_STATUSES, MENTION_STATUSES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Setting(Base):
    """Project-wide key/value settings (project name, creating version, …)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SchemaVersion(Base):
    """Every schema the project has had; the newest row is the current one."""

    __tablename__ = "schemas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    toml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Annotator(Base):
    __tablename__ = "annotators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(256), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    date_value: Mapped[str | None] = mapped_column(String(32))
    date_earliest: Mapped[date | None] = mapped_column(Date, index=True)
    date_latest: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(16))
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    parts: Mapped[list[Any]] = mapped_column(default=list)
    imported_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    mentions: Mapped[list[Mention]] = relationship(back_populates="document",
                                                   passive_deletes=True)


class DocumentTokens(Base):
    """A document's tokens and sentence starts, computed once for the token-based exports.

    Texts never change, so neither do their tokens: the CoNLL, CoNLL-U, spaCy and
    Hugging Face exports read them here instead of tokenising every document again
    (``akkord.services.tokens``). ``tokens`` is :func:`akkord.textproc.tokens.pack`'s
    bytes; ``tokenizer`` names what made them, and a row made by another is recomputed.
    Derived data: deleting every row loses nothing.
    """

    __tablename__ = "document_tokens"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    tokenizer: Mapped[str] = mapped_column(String(64))
    tokens: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentState(Base):
    """An annotator's progress on a document (absent row = ``new``)."""

    __tablename__ = "document_states"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotators.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(),
                                                 onupdate=func.now())

    __table_args__ = (
        CheckConstraint(f"status IN {DOCUMENT_STATUSES!r}", name="status"),
        Index("ix_document_states_progress", "annotator_id", "status"),
    )


class Entity(Base):
    """A canonical object of a schema kind that mentions in many documents point to."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(256), unique=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("annotators.id", ondelete="SET NULL"))
    # Who changed the entity last and what (an attribute's name, "name", "aliases",
    # "merge"): a refused edit or undo names them instead of overwriting their work.
    changed_by: Mapped[int | None] = mapped_column(
        ForeignKey("annotators.id", ondelete="SET NULL"))
    changed_what: Mapped[str | None] = mapped_column(String(128))

    aliases: Mapped[list[EntityAlias]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", passive_deletes=True,
        order_by="EntityAlias.id")
    values: Mapped[list[EntityValue]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", passive_deletes=True,
        foreign_keys="EntityValue.entity_id", order_by="EntityValue.id")

    __mapper_args__ = {"version_id_col": version}


class EntityAlias(Base):
    """Another surface form of an entity; ``folded`` is its case-folded form for lookup."""

    __tablename__ = "entity_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(String(512), index=True)

    entity: Mapped[Entity] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("entity_id", "folded", name="entity_alias"),)


class _TypedValue:
    """The columns of one typed attribute value; exactly one group is used per row.

    text/enum → ``text``; bool → ``flag``; number → ``number``; date → the ``date_*``
    columns; ref → ``ref_id`` (+ optional ``role``).
    """

    attribute: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str | None] = mapped_column(Text)
    flag: Mapped[bool | None]
    number: Mapped[float | None]
    date_value: Mapped[str | None] = mapped_column(String(32))
    date_earliest: Mapped[date | None] = mapped_column(Date)
    date_latest: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(16))
    date_certainty: Mapped[str | None] = mapped_column(String(16))
    role: Mapped[str | None] = mapped_column(String(64))
    preferred: Mapped[bool] = mapped_column(default=True)


class EntityValue(_TypedValue, Base):
    __tablename__ = "entity_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"),
                                           index=True)
    ref_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="RESTRICT"), index=True)
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentions.id", ondelete="SET NULL"), index=True)

    entity: Mapped[Entity] = relationship(back_populates="values", foreign_keys=[entity_id])
    ref: Mapped[Entity | None] = relationship(foreign_keys=[ref_id])

    __table_args__ = (
        # The timeline asks for every dated value in a window of days.
        Index("ix_entity_values_dates", "attribute", "date_earliest", "date_latest"),
    )


class Mention(Base):
    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id",
                                                         ondelete="RESTRICT"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="manual")
    entity_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="RESTRICT"), index=True)
    # A suggestion's provenance (alias, occurrence, office, model, …), its score in [0, 1]
    # and the gap to the runner-up; NULL for what an annotator made.
    origin: Mapped[str | None] = mapped_column(String(32))
    score: Mapped[float | None]
    score_gap: Mapped[float | None]

    document: Mapped[Document] = relationship(back_populates="mentions")
    entity: Mapped[Entity | None] = relationship()
    values: Mapped[list[MentionValue]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MentionValue.id")

    __table_args__ = (
        CheckConstraint('"start" >= 0 AND "end" > "start"', name="span"),
        CheckConstraint(f"status IN {MENTION_STATUSES!r}", name="status"),
        Index("ix_mentions_document_layer", "document_id", "annotator_id", "start"),
        # Which layers hold mentions (the layer the window opens) without a full scan.
        Index("ix_mentions_annotator_status", "annotator_id", "status"),
    )


class EntityUsage(Base):
    """How many of a layer's mentions in a document link to an entity: kept by triggers
    on ``mentions`` (migration 0007), never written by the program.

    The window shows "N mention(s) in M document(s)" for every entity an edit touches;
    counted from ``mentions`` that took 16 ms for an entity linked 30,000 times, at every
    link. Read from here it grows with the documents the entity is in, not its mentions.
    """

    __tablename__ = "entity_usage"

    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotators.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    mentions: Mapped[int] = mapped_column(Integer)
    # Of those, the ones made or accepted (not suggested or rejected): uses (0008).
    confirmed: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class EntityTotals(Base):
    """A layer's mentions of an entity, the documents they are in and how many of them
    are made or accepted: one row per (entity, layer), kept by triggers on
    ``entity_usage`` (migration 0008), never written by the program. Summing
    ``entity_usage`` grew with the documents an entity is in (every one, for Nato), and
    the link picker's uses were counted over every mention of the layer at each key;
    reading this grows with neither.
    """

    __tablename__ = "entity_totals"

    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    annotator_id: Mapped[int] = mapped_column(
        ForeignKey("annotators.id", ondelete="CASCADE"), primary_key=True)
    mentions: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer)


class MentionValue(_TypedValue, Base):
    """An attribute value of a mention (e.g. a TIME mention's resolved date)."""

    __tablename__ = "mention_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"),
                                            index=True)
    ref_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="RESTRICT"), index=True)


class Relation(Base):
    __tablename__ = "relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id",
                                                         ondelete="RESTRICT"))
    type: Mapped[str] = mapped_column(String(64))
    head_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"),
                                         index=True)
    tail_id: Mapped[int] = mapped_column(ForeignKey("mentions.id", ondelete="CASCADE"),
                                         index=True)

    head: Mapped[Mention] = relationship(foreign_keys=[head_id])
    tail: Mapped[Mention] = relationship(foreign_keys=[tail_id])

    __table_args__ = (CheckConstraint("head_id <> tail_id", name="not_self"),)


class CurationMark(Base):
    """A curator's decision about one unit of curation (see ``services/curation.py``).

    ``key`` names the unit (its kind, document and span, e.g. ``mention:12:40-46``) so a
    decision about a unit that has no gold version yet (unresolved, rejected) is kept too.
    ``mention_id`` / ``relation_id`` point at the gold mention or relation the decision
    produced, so an export can say whether a gold unit is unanimous, adjudicated or
    unresolved; deleting the gold object deletes the mark.
    """

    __tablename__ = "curation_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    mark: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    curator_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotators.id", ondelete="SET NULL"))
    mention_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentions.id", ondelete="CASCADE"), index=True)
    relation_id: Mapped[int | None] = mapped_column(
        ForeignKey("relations.id", ondelete="CASCADE"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(),
                                                 onupdate=func.now())

    __table_args__ = (CheckConstraint(f"mark IN {CURATION_MARKS!r}", name="mark"),)
