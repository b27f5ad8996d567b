"""Curation marks: a curator's decision per unit (unanimous, adjudicated, unresolved with a
note, rejected), linked to the gold mention or relation it produced.

Revision ID: 0006
Revises: 0005p
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005p"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "curation_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("mark", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("curator_id", sa.Integer(), nullable=True),
        sa.Column("mention_id", sa.Integer(), nullable=True),
        sa.Column("relation_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("mark IN ('unanimous', 'adjudicated', 'unresolved', 'rejected')",
                           name=op.f("ck_curation_marks_mark")),
        sa.ForeignKeyConstraint(["curator_id"], ["annotators.id"],
                                name=op.f("fk_curation_marks_curator_id_annotators"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_curation_marks_document_id_documents"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"],
                                name=op.f("fk_curation_marks_mention_id_mentions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["relation_id"], ["relations.id"],
                                name=op.f("fk_curation_marks_relation_id_relations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curation_marks")),
        sa.UniqueConstraint("key", name=op.f("uq_curation_marks_key")),
    )
    with op.batch_alter_table("curation_marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_curation_marks_document_id"), ["document_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_curation_marks_mention_id"), ["mention_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_curation_marks_relation_id"), ["relation_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("curation_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_curation_marks_relation_id"))
        batch_op.drop_index(batch_op.f("ix_curation_marks_mention_id"))
        batch_op.drop_index(batch_op.f("ix_curation_marks_document_id"))
    op.drop_table("curation_marks")
