"""Schema migrations (Alembic) and the backup taken before one runs.

Opening a project compares its ``alembic_version`` with :data:`HEAD` without importing
Alembic (which costs start-up time); only an older project loads Alembic, after
:func:`backup_sqlite` has copied the file.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0008"  # tests/store/test_migrations.py checks this is Alembic's head


def current_revision(conn: Connection) -> str | None:
    """The project's revision, or ``None`` when it has no ``alembic_version`` table."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def known_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    return [rev.revision for rev in script.walk_revisions()]


def upgrade(conn: Connection, target: str = "head") -> None:
    """Run the migrations up to ``target`` inside the caller's connection."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, target)


def downgrade(conn: Connection, target: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.downgrade(config, target)


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy a project file (WAL included, consistently) next to it; return the copy's path."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.bak-r{revision or 'none'}-{stamp}")
    source = sqlite3.connect(path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target
