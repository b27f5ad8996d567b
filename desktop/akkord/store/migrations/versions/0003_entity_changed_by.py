"""Who changed an entity last, and what: refused edits and undos name the other annotator.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("changed_what", sa.String(length=128), nullable=True))
        batch_op.create_foreign_key(
            "fk_entities_changed_by_annotators", "annotators", ["changed_by"], ["id"],
            ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_constraint("fk_entities_changed_by_annotators", type_="foreignkey")
        batch_op.drop_column("changed_what")
        batch_op.drop_column("changed_by")
