"""Run ``tests/gui/drive_window.py`` in a process of its own, with scratch settings."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 900  # a guard against a hang (a freeze is a failure), not a measurement
# Address space of the window's process: a regression that makes Qt read /dev/zero as an
# image then ends in std::bad_alloc at once instead of eating the machine's memory.
MEMORY_LIMIT = 6 * 1024**3


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@dataclass
class Outcome:
    code: int
    output: str

    @property
    def crashed(self) -> bool:
        return self.code < 0 or self.code in (134, 139)  # killed by a signal (SIGSEGV, …)

    def explain(self) -> str:
        lines = [line for line in self.output.splitlines()
                 if "does not support propagateSizeHints" not in line]  # offscreen noise
        tail = "\n".join(lines[-60:])
        kind = "CRASHED (signal)" if self.crashed else "failed"
        return f"the window {kind}, exit status {self.code}:\n{tail}"


def scratch_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a GUI process that cannot touch the user's settings or files."""
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **(extra or {})}
    env.update({
        "AKKORD_CONFIG_DIR": str(home / "settings"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PYTHONPATH": os.pathsep.join([str(REPO / "desktop"), str(REPO)]),
        "PYTHONFAULTHANDLER": "1",  # a crash prints the Python stack
    })
    return env


def drive(scenario: str, home: Path, *, env: dict[str, str] | None = None,
          project: Path | None = None, out: Path | None = None) -> Outcome:
    command = [sys.executable, "-m", "tests.gui.drive_window", scenario]
    if project is not None:
        command.append(str(project))
    if out is not None:
        command += ["--out", str(out)]
    try:
        done = subprocess.run(command, cwd=REPO, env=scratch_env(home, env),
                              capture_output=True, text=True, timeout=TIMEOUT, check=False,
                              preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout
        return Outcome(-999, f"FROZE: no end after {TIMEOUT} s\n{output or ''}")
    return Outcome(done.returncode, done.stdout + done.stderr)
