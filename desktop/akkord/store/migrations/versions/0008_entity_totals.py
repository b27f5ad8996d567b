"""Entity totals: a layer's mentions of an entity, the documents they are in and how many
of them the annotator made or accepted, one row per (entity, layer), kept by triggers
(see :class:`akkord.store.models.EntityTotals`).

Two reads grew with the project. Summing ``entity_usage`` (a row per document) for an
entity linked in every document took 2–4 ms at 30,000 articles on every link and
document switch that showed it. And the link picker ranked entities by their uses
counted over every mention of the layer, at each key typed in it: 66 ms per key at
10,000 articles, 170–1,000 ms at 30,000. So ``entity_usage`` now also counts the made or
accepted mentions (``confirmed``; its triggers on ``mentions`` are made again to follow
a mention's status too), and ``entity_totals`` sums it per (entity, layer), kept by
triggers on ``entity_usage``, whose rows only triggers write: every path that changes
mentions (edits, imports, curation, merges, salvage, a document's or an entity's
cascade) keeps both right. ``tests/store/test_entity_usage.py`` checks them after random
edits, status changes and undos, and on a project migrated from 0007; ``akkord check``
compares them with the mentions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "entity_id, annotator_id, document_id"
_CONFIRMED = "IN ('manual', 'accepted')"  # a made or accepted mention: a use of its entity

# -- entity_usage, kept by triggers on mentions (0007's, with the confirmed count) ---------

_USAGE_ADD = ("INSERT INTO entity_usage (entity_id, annotator_id, document_id, mentions, "
              "confirmed) SELECT NEW.entity_id, NEW.annotator_id, NEW.document_id, 1, "
              f"CASE WHEN NEW.status {_CONFIRMED} THEN 1 ELSE 0 END "
              "WHERE NEW.entity_id IS NOT NULL "
              f"ON CONFLICT ({_KEY}) DO UPDATE SET mentions = entity_usage.mentions + 1, "
              "confirmed = entity_usage.confirmed + excluded.confirmed")
_USAGE_OLD = ("entity_id = OLD.entity_id AND annotator_id = OLD.annotator_id "
              "AND document_id = OLD.document_id")
_USAGE_REMOVE = ("UPDATE entity_usage SET mentions = mentions - 1, confirmed = confirmed - "
                 f"CASE WHEN OLD.status {_CONFIRMED} THEN 1 ELSE 0 END WHERE {_USAGE_OLD}",
                 f"DELETE FROM entity_usage WHERE {_USAGE_OLD} AND mentions <= 0")
_MOVED = ("OLD.entity_id IS DISTINCT FROM NEW.entity_id OR OLD.annotator_id <> NEW.annotator_id "
          "OR OLD.document_id <> NEW.document_id OR OLD.status <> NEW.status")
_WATCHED = f"{_KEY}, status"

_USAGE_SQLITE = (
    f"CREATE TRIGGER entity_usage_insert AFTER INSERT ON mentions "
    f"WHEN NEW.entity_id IS NOT NULL BEGIN {_USAGE_ADD}; END",
    f"CREATE TRIGGER entity_usage_delete AFTER DELETE ON mentions "
    f"WHEN OLD.entity_id IS NOT NULL BEGIN {_USAGE_REMOVE[0]}; {_USAGE_REMOVE[1]}; END",
    f"CREATE TRIGGER entity_usage_update AFTER UPDATE OF {_WATCHED} ON mentions "
    f"WHEN {_MOVED.replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {_USAGE_REMOVE[0]}; {_USAGE_REMOVE[1]}; {_USAGE_ADD}; END",
)
_USAGE_POSTGRES = (
    "CREATE OR REPLACE FUNCTION entity_usage_count() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN IF TG_OP <> 'INSERT' AND OLD.entity_id IS NOT NULL THEN {_USAGE_REMOVE[0]}; "
    f"{_USAGE_REMOVE[1]}; END IF; IF TG_OP <> 'DELETE' THEN {_USAGE_ADD}; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER entity_usage_insert AFTER INSERT ON mentions FOR EACH ROW "
    "WHEN (NEW.entity_id IS NOT NULL) EXECUTE FUNCTION entity_usage_count()",
    "CREATE TRIGGER entity_usage_delete AFTER DELETE ON mentions FOR EACH ROW "
    "WHEN (OLD.entity_id IS NOT NULL) EXECUTE FUNCTION entity_usage_count()",
    f"CREATE TRIGGER entity_usage_update AFTER UPDATE OF {_WATCHED} ON mentions FOR EACH ROW "
    f"WHEN ({_MOVED}) EXECUTE FUNCTION entity_usage_count()",
)
_USAGE_TRIGGERS = ("entity_usage_insert", "entity_usage_delete", "entity_usage_update")

# -- entity_totals, kept by triggers on entity_usage ----------------------------------------

_ADD = ("INSERT INTO entity_totals (entity_id, annotator_id, mentions, documents, confirmed) "
        "VALUES (NEW.entity_id, NEW.annotator_id, NEW.mentions, 1, NEW.confirmed) "
        "ON CONFLICT (entity_id, annotator_id) DO UPDATE SET "
        "mentions = entity_totals.mentions + NEW.mentions, "
        "documents = entity_totals.documents + 1, "
        "confirmed = entity_totals.confirmed + NEW.confirmed")
_OLD = "entity_id = OLD.entity_id AND annotator_id = OLD.annotator_id"
_CHANGE = ("UPDATE entity_totals SET mentions = mentions + NEW.mentions - OLD.mentions, "
           "confirmed = confirmed + NEW.confirmed - OLD.confirmed "
           "WHERE entity_id = NEW.entity_id AND annotator_id = NEW.annotator_id")
_REMOVE = (f"UPDATE entity_totals SET mentions = mentions - OLD.mentions, "
           f"documents = documents - 1, confirmed = confirmed - OLD.confirmed WHERE {_OLD}",
           f"DELETE FROM entity_totals WHERE {_OLD} AND documents <= 0")

_TOTALS_SQLITE = (
    f"CREATE TRIGGER entity_totals_insert AFTER INSERT ON entity_usage BEGIN {_ADD}; END",
    f"CREATE TRIGGER entity_totals_update AFTER UPDATE OF mentions, confirmed "
    f"ON entity_usage BEGIN {_CHANGE}; END",
    f"CREATE TRIGGER entity_totals_delete AFTER DELETE ON entity_usage "
    f"BEGIN {_REMOVE[0]}; {_REMOVE[1]}; END",
)
_TOTALS_POSTGRES = (
    "CREATE FUNCTION entity_totals_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP = 'INSERT' THEN {_ADD}; "
    f"ELSIF TG_OP = 'UPDATE' THEN {_CHANGE}; "
    f"ELSE {_REMOVE[0]}; {_REMOVE[1]}; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER entity_totals_insert AFTER INSERT ON entity_usage FOR EACH ROW "
    "EXECUTE FUNCTION entity_totals_count()",
    "CREATE TRIGGER entity_totals_update AFTER UPDATE OF mentions, confirmed "
    "ON entity_usage FOR EACH ROW EXECUTE FUNCTION entity_totals_count()",
    "CREATE TRIGGER entity_totals_delete AFTER DELETE ON entity_usage FOR EACH ROW "
    "EXECUTE FUNCTION entity_totals_count()",
)
_TOTALS_TRIGGERS = ("entity_totals_insert", "entity_totals_update", "entity_totals_delete")


def _drop_triggers(names: Sequence[str], table: str, postgres: bool) -> None:
    for name in names:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_triggers(_USAGE_TRIGGERS, "mentions", postgres)
    op.add_column("entity_usage", sa.Column("confirmed", sa.Integer(), nullable=False,
                                            server_default=sa.text("0")))
    op.create_table(
        "entity_totals",
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["annotator_id"], ["annotators.id"],
                                name=op.f("fk_entity_totals_annotator_id_annotators"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"],
                                name=op.f("fk_entity_totals_entity_id_entities"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entity_id", "annotator_id", name=op.f("pk_entity_totals")),
    )
    for statement in (_USAGE_POSTGRES + _TOTALS_POSTGRES if postgres
                      else _USAGE_SQLITE + _TOTALS_SQLITE):
        op.execute(statement)
    op.execute("DELETE FROM entity_usage")  # counted again below, with `confirmed`
    op.execute(f"INSERT INTO entity_usage ({_KEY}, mentions, confirmed) "
               f"SELECT {_KEY}, count(*), sum(CASE WHEN status {_CONFIRMED} THEN 1 ELSE 0 END) "
               f"FROM mentions WHERE entity_id IS NOT NULL GROUP BY {_KEY}")


def _revision_0007() -> ModuleType:
    """0007's module, for its triggers (a revision file is not an importable name)."""
    path = Path(__file__).with_name("0007_entity_usage.py")
    spec = spec_from_file_location("akkord_revision_0007", path)
    assert spec is not None and spec.loader is not None
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_triggers(_TOTALS_TRIGGERS, "entity_usage", postgres)
    _drop_triggers(_USAGE_TRIGGERS, "mentions", postgres)
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS entity_totals_count()")
        op.execute("DROP FUNCTION IF EXISTS entity_usage_count()")
    op.drop_table("entity_totals")
    with op.batch_alter_table("entity_usage") as batch:
        batch.drop_column("confirmed")
    previous = _revision_0007()
    for statement in previous._POSTGRES if postgres else previous._SQLITE:
        op.execute(statement)
