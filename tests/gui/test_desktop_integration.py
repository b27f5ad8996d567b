"""The desktop entry opens a project (``Exec=akkord %f`` ran ``akkord FILE``, which exited
2), and the MIME type it declares is defined (shared-mime-info) for ``*.akkord``."""

from __future__ import annotations

import configparser
import gc
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from akkord.cli import main
from akkord.store.project import PROJECT_SUFFIX

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
MIME_XML = PACKAGING / "io.github.akkord.Akkord.mime.xml"
NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> configparser.SectionProxy:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / "io.github.akkord.Akkord.desktop", encoding="utf-8")
    return entry["Desktop Entry"]


def test_akkord_file_opens_the_project_in_the_window(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    """What the desktop runs for a double-click: `akkord FILE.akkord` → the GUI on FILE."""
    opened: list[tuple[Path | None, bool]] = []

    def fake_run(project: Path | None = None, db_url: str | None = None,
                 demo: bool = False) -> int:
        opened.append((project, demo))
        return 0

    monkeypatch.setattr("akkord.gui.app.run", fake_run)
    project = tmp_path / f"mine{PROJECT_SUFFIX}"
    exec_line = desktop_entry()["Exec"].split()
    assert exec_line == ["akkord", "%f"]
    result = CliRunner().invoke(main, [str(project)])
    assert result.exit_code == 0, result.output
    assert opened == [(project, False)]
    assert gc.isenabled()  # start-up turned the collector off; the command turns it on
    result = CliRunner().invoke(main, ["nonsense"])
    assert result.exit_code == 2 and "No such command" in result.output


def test_the_declared_mime_type_is_defined() -> None:
    mime = ET.parse(MIME_XML).getroot()
    types = {t.get("type"): t for t in mime.iter(f"{NS}mime-type")}
    declared = [t for t in desktop_entry()["MimeType"].split(";") if t]
    assert declared and set(declared) <= set(types)
    globs = {g.get("pattern") for t in types.values() for g in t.iter(f"{NS}glob")}
    assert f"*{PROJECT_SUFFIX}" in globs


def test_shared_mime_info_reads_the_definition(tmp_path: Path) -> None:
    """The real consumer: update-mime-database compiles it, and a project file (an SQLite
    database) is recognised as an Akkord project, not as a plain SQLite file."""
    tool = shutil.which("update-mime-database")
    if tool is None:
        pytest.skip("update-mime-database is absent (Debian: apt-get install "
                    "shared-mime-info)")
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME_XML, packages)
    system = Path("/usr/share/mime/packages/freedesktop.org.xml")
    if system.exists():
        shutil.copy(system, packages)  # the sqlite3 parent type, as on a desktop
    done = subprocess.run([tool, str(tmp_path / "mime")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "*.akkord" in (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/x-akkord-project" in (tmp_path / "mime" / "types").read_text(
        encoding="utf-8")
    xdg_mime = shutil.which("xdg-mime")
    if xdg_mime is not None and system.exists():
        from akkord.store import open_project

        project = tmp_path / "p.akkord"
        open_project(project, create=True).close()
        env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_DATA_DIRS": str(tmp_path),
               "XDG_CURRENT_DESKTOP": "X-Generic"}
        found = subprocess.run([xdg_mime, "query", "filetype", str(project)], env=env,
                               capture_output=True, text=True, check=False).stdout.strip()
        assert found.split(";")[0] == "application/x-akkord-project", found
