"""Entity usage: how many of a layer's mentions in each document link to each entity,
kept by triggers on ``mentions`` (see :class:`akkord.store.models.EntityUsage`).

Triggers rather than the program: every path that adds, deletes, moves or links a
mention (edits, imports, curation, merges, salvage, a document's cascade) keeps the
counts right without knowing about them. A later migration that rebuilds ``mentions``
(Alembic's SQLite batch mode) must create them again: ``tests/store/test_entity_usage.py``
checks the counts on a project made by all migrations.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "entity_id, annotator_id, document_id"
_ADD = ("INSERT INTO entity_usage (entity_id, annotator_id, document_id, mentions) "
        "SELECT NEW.entity_id, NEW.annotator_id, NEW.document_id, 1 "
        "WHERE NEW.entity_id IS NOT NULL "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET mentions = entity_usage.mentions + 1")
_OLD_ROW = ("entity_id = OLD.entity_id AND annotator_id = OLD.annotator_id "
            "AND document_id = OLD.document_id")
_REMOVE = (f"UPDATE entity_usage SET mentions = mentions - 1 WHERE {_OLD_ROW}",
           f"DELETE FROM entity_usage WHERE {_OLD_ROW} AND mentions <= 0")
_MOVED = ("OLD.entity_id IS DISTINCT FROM NEW.entity_id OR OLD.annotator_id <> NEW.annotator_id "
          "OR OLD.document_id <> NEW.document_id")

_SQLITE = (
    f"CREATE TRIGGER entity_usage_insert AFTER INSERT ON mentions "
    f"WHEN NEW.entity_id IS NOT NULL BEGIN {_ADD}; END",
    f"CREATE TRIGGER entity_usage_delete AFTER DELETE ON mentions "
    f"WHEN OLD.entity_id IS NOT NULL BEGIN {_REMOVE[0]}; {_REMOVE[1]}; END",
    f"CREATE TRIGGER entity_usage_update AFTER UPDATE OF {_KEY} ON mentions "
    f"WHEN {_MOVED.replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {_REMOVE[0]}; {_REMOVE[1]}; {_ADD}; END",
)
_POSTGRES = (
    "CREATE FUNCTION entity_usage_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP <> 'INSERT' AND OLD.entity_id IS NOT NULL THEN {_REMOVE[0]}; {_REMOVE[1]}; "
    f"END IF; IF TG_OP <> 'DELETE' THEN {_ADD}; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER entity_usage_insert AFTER INSERT ON mentions FOR EACH ROW "
    "WHEN (NEW.entity_id IS NOT NULL) EXECUTE FUNCTION entity_usage_count()",
    "CREATE TRIGGER entity_usage_delete AFTER DELETE ON mentions FOR EACH ROW "
    "WHEN (OLD.entity_id IS NOT NULL) EXECUTE FUNCTION entity_usage_count()",
    f"CREATE TRIGGER entity_usage_update AFTER UPDATE OF {_KEY} ON mentions FOR EACH ROW "
    f"WHEN ({_MOVED}) EXECUTE FUNCTION entity_usage_count()",
)
_TRIGGERS = ("entity_usage_insert", "entity_usage_delete", "entity_usage_update")


def upgrade() -> None:
    op.create_table(
        "entity_usage",
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["annotator_id"], ["annotators.id"],
                                name=op.f("fk_entity_usage_annotator_id_annotators"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_entity_usage_document_id_documents"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"],
                                name=op.f("fk_entity_usage_entity_id_entities"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entity_id", "annotator_id", "document_id",
                                name=op.f("pk_entity_usage")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES if postgres else _SQLITE:
        op.execute(statement)
    op.execute(f"INSERT INTO entity_usage ({_KEY}, mentions) SELECT {_KEY}, count(*) "
               f"FROM mentions WHERE entity_id IS NOT NULL GROUP BY {_KEY}")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON mentions" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS entity_usage_count()")
    op.drop_table("entity_usage")
