"""A throw-away PostgreSQL server for the test suite, started from the local binaries.

The server runs from a temporary data directory on a free loopback port with trust
authentication, and is stopped at the end of the session. PostgreSQL refuses to run as
root, so when the tests run as root (CI containers) the server runs as the ``postgres``
user that Debian's package creates.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here; the message says what was looked for."""


def server_bindir() -> Path:
    """Where ``initdb`` and ``postgres`` are: ``pg_config --bindir``, else Debian's layout."""
    candidates: list[Path] = []
    if os.environ.get("AKKORD_PG_BINDIR"):
        candidates.append(Path(os.environ["AKKORD_PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                check=False)
        if result.returncode == 0:
            candidates.append(Path(result.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "postgres").exists():
            return folder
    raise PostgresUnavailable(
        "PostgreSQL server binaries not found (pg_config --bindir, /usr/lib/postgresql/*/bin); "
        "install the Debian package 'postgresql' (.ci/run does)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    port: int
    admin_url: str

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


def _run_as(user: str | None) -> dict[str, object]:
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid}


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    bindir = server_bindir()
    user = "postgres" if os.geteuid() == 0 else None
    if user is not None:
        try:
            pwd.getpwnam(user)
        except KeyError as exc:
            raise PostgresUnavailable("running as root, and there is no 'postgres' user to "
                                      "run the server as") from exc
    as_user = _run_as(user)
    base = Path(tempfile.mkdtemp(prefix="akkord-pg-"))
    data = base / "data"
    try:
        if user is not None:
            os.chown(base, as_user["user"], as_user["group"])  # type: ignore[arg-type]
        subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, capture_output=True, cwd=base, **as_user)  # type: ignore[call-overload]
        port = _free_port()
        server = subprocess.Popen(
            [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1",
             "-k", str(base), "-c", "fsync=off", "-c", "full_page_writes=off",
             "-c", "synchronous_commit=off"],
            stdout=subprocess.DEVNULL, stderr=(base / "server.log").open("wb"), cwd=base,
            **as_user)  # type: ignore[call-overload]
        try:
            _wait_ready(port, server, base)
            yield PostgresServer(port, f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _wait_ready(port: int, server: subprocess.Popen[bytes], base: Path) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        if server.poll() is not None:
            log = (base / "server.log").read_text(errors="replace")
            raise PostgresUnavailable(f"the PostgreSQL server exited at start:\n{log}")
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres",
                            connect_timeout=1).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # a server start-up poll, not a Qt wait
