"""A real X server for the GUI tests: Xvfb on a free display, with a window manager.

The offscreen platform needs none of the system libraries of Qt's ``xcb`` plugin and has
no window manager, so tests that only run offscreen cannot see a missing library, a
window that does not fit the screen, or what maximising does. :func:`x_server` starts
``Xvfb`` (it picks a free display number itself, ``-displayfd``) and, when installed,
``openbox`` (real maximise and window placement), and yields the environment for a
process to run on it with ``QT_QPA_PLATFORM=xcb``.

When Xvfb is absent the tests skip, saying so; ``AKKORD_REQUIRE_X11=1`` (set by
``.ci/run``) turns that skip into a failure.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REQUIRE_ENV = "AKKORD_REQUIRE_X11"
START_TIMEOUT = 20.0


class XUnavailable(RuntimeError):
    """No X server can be started here (and why)."""


def require_or_skip(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"a real X server is required here ({REQUIRE_ENV}=1): {reason}")
    pytest.skip(f"X11 tests skipped: {reason}")


def missing_xcb_libraries() -> list[str]:
    """Libraries that Qt's xcb platform plugin needs and this system lacks (``ldd``)."""
    from PySide6 import QtCore

    plugin = Path(QtCore.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    ldd = shutil.which("ldd")
    if not plugin.exists() or ldd is None:
        return []
    missing: set[str] = set()
    for library in (plugin, *sorted((plugin.parents[2] / "lib").glob("libQt6XcbQpa.so*"))):
        output = subprocess.run([ldd, str(library)], capture_output=True, text=True,
                                check=False).stdout
        missing.update(line.split("=>")[0].strip() for line in output.splitlines()
                       if "not found" in line)
    return sorted(missing)


def _read_display(fd: int, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    data = b""
    while not data.endswith(b"\n"):
        if process.poll() is not None:
            raise XUnavailable(f"Xvfb exited with status {process.returncode}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise XUnavailable("Xvfb did not report its display")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:
                raise XUnavailable("Xvfb closed its display pipe")
            data += chunk
    return data.decode().strip()


@contextmanager
def x_server(width: int, height: int, *, window_manager: bool = True
             ) -> Iterator[dict[str, str]]:
    """Xvfb with one screen of ``width`` × ``height`` (and openbox); yields the
    environment variables of a client: ``DISPLAY``, ``QT_QPA_PLATFORM=xcb``."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise XUnavailable("Xvfb is not installed (Debian: apt-get install xvfb)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    manager: subprocess.Popen[bytes] | None = None
    try:
        try:
            number = _read_display(read_fd, server)
        finally:
            os.close(read_fd)
        env = {"DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
        openbox = shutil.which("openbox") if window_manager else None
        if openbox is not None:
            with tempfile.TemporaryDirectory() as scratch:
                ready = Path(scratch) / "ready"
                manager = subprocess.Popen(
                    [openbox, "--sm-disable", "--startup", f"touch {ready}"],
                    env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + START_TIMEOUT
                while not ready.exists():
                    if manager.poll() is not None or time.monotonic() > deadline:
                        raise XUnavailable("openbox did not start")
                    time.sleep(0.05)
        yield env
    finally:
        for process in (manager, server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
