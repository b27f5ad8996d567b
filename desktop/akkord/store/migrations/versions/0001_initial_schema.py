"""Initial schema: documents, annotators, mentions, entities, typed values, relations.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 19:26:34.637978
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annotators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotators")),
        sa.UniqueConstraint("name", name=op.f("uq_annotators_name")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=256), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("date_value", sa.String(length=32), nullable=True),
        sa.Column("date_earliest", sa.Date(), nullable=True),
        sa.Column("date_latest", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=16), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_documents_content_hash")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documents_date_earliest"), ["date_earliest"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_documents_external_id"), ["external_id"], unique=False)

    op.create_table(
        "schemas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("toml", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schemas")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "document_states",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'in progress', 'done')", name=op.f("ck_document_states_status")
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_document_states_annotator_id_annotators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_states_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "annotator_id", name=op.f("pk_document_states")),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=256), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["annotators.id"],
            name=op.f("fk_entities_created_by_annotators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("key", name=op.f("uq_entities_key")),
    )
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entities_kind"), ["kind"], unique=False)

    op.create_table(
        "entity_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("folded", sa.String(length=512), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_aliases_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_aliases")),
        sa.UniqueConstraint("entity_id", "folded", name="entity_alias"),
    )
    with op.batch_alter_table("entity_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_aliases_folded"), ["folded"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('manual', 'suggested', 'accepted', 'rejected')",
            name=op.f("ck_mentions_status"),
        ),
        sa.CheckConstraint('"start" >= 0 AND "end" > "start"', name=op.f("ck_mentions_span")),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_mentions_annotator_id_annotators"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_mentions_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_mentions_entity_id_entities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentions_document_layer", ["document_id", "annotator_id", "start"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mentions_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "entity_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("attribute", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("flag", sa.Boolean(), nullable=True),
        sa.Column("number", sa.Double(), nullable=True),
        sa.Column("date_value", sa.String(length=32), nullable=True),
        sa.Column("date_earliest", sa.Date(), nullable=True),
        sa.Column("date_latest", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=16), nullable=True),
        sa.Column("date_certainty", sa.String(length=16), nullable=True),
        sa.Column("role", sa.String(length=64), nullable=True),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_values_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["mentions.id"],
            name=op.f("fk_entity_values_evidence_id_mentions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ref_id"],
            ["entities.id"],
            name=op.f("fk_entity_values_ref_id_entities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_values")),
    )
    with op.batch_alter_table("entity_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_values_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_entity_values_evidence_id"), ["evidence_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_entity_values_ref_id"), ["ref_id"], unique=False)

    op.create_table(
        "mention_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("attribute", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("flag", sa.Boolean(), nullable=True),
        sa.Column("number", sa.Double(), nullable=True),
        sa.Column("date_value", sa.String(length=32), nullable=True),
        sa.Column("date_earliest", sa.Date(), nullable=True),
        sa.Column("date_latest", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=16), nullable=True),
        sa.Column("date_certainty", sa.String(length=16), nullable=True),
        sa.Column("role", sa.String(length=64), nullable=True),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mention_id"],
            ["mentions.id"],
            name=op.f("fk_mention_values_mention_id_mentions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ref_id"],
            ["entities.id"],
            name=op.f("fk_mention_values_ref_id_entities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention_values")),
    )
    with op.batch_alter_table("mention_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mention_values_mention_id"), ["mention_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mention_values_ref_id"), ["ref_id"], unique=False)

    op.create_table(
        "relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("head_id", sa.Integer(), nullable=False),
        sa.Column("tail_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("head_id <> tail_id", name=op.f("ck_relations_not_self")),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["annotators.id"],
            name=op.f("fk_relations_annotator_id_annotators"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["head_id"],
            ["mentions.id"],
            name=op.f("fk_relations_head_id_mentions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tail_id"],
            ["mentions.id"],
            name=op.f("fk_relations_tail_id_mentions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relations")),
    )
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relations_head_id"), ["head_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_relations_tail_id"), ["tail_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relations_tail_id"))
        batch_op.drop_index(batch_op.f("ix_relations_head_id"))

    op.drop_table("relations")
    with op.batch_alter_table("mention_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mention_values_ref_id"))
        batch_op.drop_index(batch_op.f("ix_mention_values_mention_id"))

    op.drop_table("mention_values")
    with op.batch_alter_table("entity_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_values_ref_id"))
        batch_op.drop_index(batch_op.f("ix_entity_values_evidence_id"))
        batch_op.drop_index(batch_op.f("ix_entity_values_entity_id"))

    op.drop_table("entity_values")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentions_entity_id"))
        batch_op.drop_index("ix_mentions_document_layer")

    op.drop_table("mentions")
    with op.batch_alter_table("entity_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_aliases_folded"))

    op.drop_table("entity_aliases")
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entities_kind"))

    op.drop_table("entities")
    op.drop_table("document_states")
    op.drop_table("settings")
    op.drop_table("schemas")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_external_id"))
        batch_op.drop_index(batch_op.f("ix_documents_date_earliest"))

    op.drop_table("documents")
    op.drop_table("annotators")
