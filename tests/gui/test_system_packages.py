"""The README's apt line is exactly what `make run` needs on a fresh Debian, and `.ci/run`
installs the same packages.

Qt's ``xcb`` platform plugin loads libraries (``libxcb-icccm4``, ``libxcb-keysyms1``,
``libxcb-cursor0`` …) that nothing else pulls in: a machine with every package of an
older apt line could not start the window, and offscreen tests need none of them. This
asks ``ldd`` what Qt's libraries and plugins load, ``dpkg`` which package holds each, and
``apt-cache`` what the README's packages bring with them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6 import QtCore

REPO = Path(__file__).resolve().parents[2]
QT = Path(QtCore.__file__).parent / "Qt"
# What a window on X11 loads: Qt's libraries, the xcb plugin and its GL integration, and
# the image formats (the platform-theme plugins are optional: Qt skips a failing one).
LOADED = ("lib/libQt6Core.so.6", "lib/libQt6Gui.so.6", "lib/libQt6Widgets.so.6",
          "lib/libQt6XcbQpa.so.6", "lib/libQt6DBus.so.6", "plugins/platforms/libqxcb.so",
          "plugins/xcbglintegrations/*.so", "plugins/imageformats/*.so")


def readme_packages() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.startswith("apt-get install make ")]
    assert len(lines) == 1, "the README's quick start has one apt-get line"
    return lines[0].split()[2:]


def ci_packages() -> list[str]:
    text = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    found = re.search(r"^packages=\(([^)]*)\)", text, re.MULTILINE)
    assert found, ".ci/run lists its packages as packages=(…)"
    return found[1].split()


def test_ci_installs_the_readme_packages() -> None:
    assert set(ci_packages()) == set(readme_packages())


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is absent: not a Debian-like system")
    return found


def needed_packages() -> set[str]:
    ldd, dpkg = _tool("ldd"), _tool("dpkg")
    libraries: set[str] = set()
    for pattern in LOADED:
        for target in sorted(QT.glob(pattern)):
            output = subprocess.run([ldd, str(target)], capture_output=True, text=True,
                                    check=False).stdout
            for line in output.splitlines():
                if "not found" in line and not line.strip().startswith("libQt6"):
                    # (a Qt library that the wheel leaves out, libQt6Pdf for the PDF image
                    # plugin: Qt skips that plugin)
                    libraries.add(line.split("=>")[0].strip())  # reported below
                match = re.search(r"=> (/\S+)", line)
                if match and not match[1].startswith(str(QT)):
                    libraries.add(str(Path(match[1]).resolve()))
    missing = {f"(missing here: {lib})" for lib in libraries if not lib.startswith("/")}
    paths = sorted(lib for lib in libraries if lib.startswith("/"))
    owners = subprocess.run([dpkg, "-S", *paths], capture_output=True, text=True,
                            check=False).stdout
    return missing | {line.split(":")[0].strip() for line in owners.splitlines() if ":" in line}


def closure(packages: list[str]) -> set[str]:
    apt_cache = _tool("apt-cache")
    output = subprocess.run(
        [apt_cache, "depends", "--recurse", "--no-recommends", "--no-suggests",
         "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages],
        capture_output=True, text=True, check=False).stdout
    return {line.strip() for line in output.splitlines() if line and not line[0].isspace()}


def test_the_readme_apt_line_brings_every_library_qt_loads() -> None:
    needed = needed_packages()
    assert needed, "ldd found nothing: the check would prove nothing"
    brought = closure(readme_packages())
    if not brought:
        pytest.skip("apt-cache knows no packages here (no package lists: apt-get update)")
    assert not needed - brought, (
        f"the README's apt line lacks {sorted(needed - brought)} (Qt loads libraries from "
        "them)")
