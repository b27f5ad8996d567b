"""Shared fixtures: project databases on SQLite files and on a real PostgreSQL server.

``store_url`` (and ``project``) run a test once per backend. The PostgreSQL server is
started once per session from the local server binaries (see ``tests/pg_server.py``);
when they are missing the PostgreSQL cases are skipped with that reason, unless
``AKKORD_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) turns the skip into a failure.

The suite never touches the user's own settings or files: ``AKKORD_CONFIG_DIR`` points
the application's settings at a fresh folder for every test, and ``XDG_CONFIG_HOME`` /
``XDG_DATA_HOME`` point Qt's and platformdirs' defaults (the demo project's home) at a
temporary folder for the whole session, subprocesses included. At the end of the session
a settings folder at Qt's default location fails the run: outside the suite, that is the
user's ``~/.config/Akkord``.
"""

from __future__ import annotations

import importlib.abc
import itertools
import os
import shutil
import sys
import tempfile
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
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # A common screen (1920×1080) rather than the offscreen plugin's 800×800: the window
    # sizes itself from the screen, as on a user's desktop.
    os.environ["QT_QPA_PLATFORM"] = (
        f"offscreen:configfile={REPO / 'tests' / 'gui' / 'offscreen-screen.json'}")


def user_settings_folder() -> Path:
    """Where Qt keeps the user's own Akkord settings (computed before the suite moves it)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "Akkord"


def _snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


USER_SETTINGS = user_settings_folder()
USER_SETTINGS_BEFORE = _snapshot(USER_SETTINGS)
_SUITE_HOME = Path(tempfile.mkdtemp(prefix="akkord-test-home-"))
os.environ["XDG_CONFIG_HOME"] = str(_SUITE_HOME / "config")
os.environ["XDG_DATA_HOME"] = str(_SUITE_HOME / "data")
os.environ["AKKORD_CONFIG_DIR"] = str(_SUITE_HOME / "akkord-config")


def user_settings_unchanged() -> bool:
    return _snapshot(USER_SETTINGS) == USER_SETTINGS_BEFORE


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                      ) -> Path:
    """Every test starts with empty application settings of its own (no order dependence)."""
    folder = tmp_path_factory.mktemp("settings")
    monkeypatch.setenv("AKKORD_CONFIG_DIR", str(folder))
    return folder


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if anything wrote Akkord's settings to Qt's default location (which,
    outside the suite, is the user's own ``~/.config/Akkord``)."""
    default_location = _SUITE_HOME / "config" / "Akkord"
    used_default = default_location.exists()
    shutil.rmtree(_SUITE_HOME, ignore_errors=True)
    if used_default:
        print(f"\nFAILED: the test suite wrote settings to Qt's default location "
              f"({default_location}), not to AKKORD_CONFIG_DIR: outside the suite that is "
              f"{USER_SETTINGS}")
        session.exitstatus = 1
    elif not user_settings_unchanged():
        # Not this process (its settings went elsewhere): another program on the machine.
        print(f"\nNOTE: {USER_SETTINGS} changed during the run; this suite's settings went "
              f"to scratch folders, so another process wrote it.")


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
