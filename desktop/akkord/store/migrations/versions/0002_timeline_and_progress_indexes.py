"""Indexes for the timeline (dated values by day) and for progress counts per annotator.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entity_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_entity_values_dates", ["attribute", "date_earliest", "date_latest"], unique=False
        )
    with op.batch_alter_table("document_states", schema=None) as batch_op:
        batch_op.create_index(
            "ix_document_states_progress", ["annotator_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("document_states", schema=None) as batch_op:
        batch_op.drop_index("ix_document_states_progress")
    with op.batch_alter_table("entity_values", schema=None) as batch_op:
        batch_op.drop_index("ix_entity_values_dates")
