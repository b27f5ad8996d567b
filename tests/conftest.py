"""Shared fixtures: project databases on SQLite files and on a real PostgreSQL server.

``store_url`` (and ``project``) run a test once per backend. The PostgreSQL server is
started once per session from the local server binaries (see ``tests/pg_server.py``);
when they are missing the PostgreSQL cases are skipped with that reason, unless
``AKKORD_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) turns the skip into a failure.
"""

from __future__ import annotations

import importlib.abc
import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from akkord.store import Project, open_project

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
NORNE = SHARED / "data" / "norne"
_counter = itertools.count(1)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class _NoQt(importlib.abc.MetaPathFinder):
    """With ``AKKORD_BLOCK_QT=1`` (``make test-noqt``) Qt cannot be imported at all: the
    layers below gui/ must work, and be tested, without it."""

    BLOCKED = ("PySide6", "shiboken6", "pyqtgraph")

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name.split(".")[0] in self.BLOCKED:
            raise ImportError(f"{name} is blocked: this run proves the layers below gui/ "
                              "need no Qt")


if os.environ.get("AKKORD_BLOCK_QT") == "1":
    sys.meta_path.insert(0, _NoQt())


def needs_shared(path: Path) -> Path:
    """Skip (with a clear reason) when a file or folder of ../shared is absent."""
    if not path.exists():
        pytest.skip(f"../shared is absent here: this test reads {path.relative_to(SHARED.parent)}"
                    " (the seed articles / NorNE data beside the repository checkout)")
    return path


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    from tests.pg_server import PostgresUnavailable, postgres_server

    try:
        with postgres_server() as server:
            yield server
    except PostgresUnavailable as exc:
        if os.environ.get("AKKORD_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here (AKKORD_REQUIRE_POSTGRES=1): {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a fresh, empty database: a SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.akkord")
        return
    server = request.getfixturevalue("postgres")
    import psycopg

    name = f"akkord_test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield server.url(name)
    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres",
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def project(store_url: str) -> Iterator[Project]:
    """A new project with the default schema, on each backend."""
    with open_project(store_url, create=True) as opened:
        yield opened


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Iterator[Project]:
    with open_project(tmp_path / "p.akkord", create=True) as opened:
        yield opened
