"""`pip install .` (not only editable) must carry resources/ with the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_resources_and_migrations(tmp_path: Path) -> None:
    pytest.importorskip("hatchling")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    wheel = next(tmp_path.glob("akkord-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("akkord/resources/schemas/negotiations.toml",
                     "akkord/resources/lexicon/metonyms.toml",
                     "akkord/resources/demo/gold.jsonl",
                     "akkord/store/migrations/env.py",
                     "akkord/store/migrations/versions/0001_initial_schema.py"):
        assert expected in names
