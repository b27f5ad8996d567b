"""The desktop entry and the AppStream metadata in packaging/ are well formed and agree."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

from akkord import __version__

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"


def test_desktop_entry_and_metainfo_agree() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(PACKAGING / "io.github.akkord.Akkord.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Exec"].split()[0] == "akkord"
    root = ET.parse(PACKAGING / "io.github.akkord.Akkord.metainfo.xml").getroot()
    assert root.findtext("id") == "io.github.akkord.Akkord"
    assert root.findtext("launchable") == "io.github.akkord.Akkord.desktop"
    assert root.findtext("provides/binary") == "akkord"
    releases = root.find("releases")
    assert releases is not None and releases[0].get("version") == __version__
