"""The demo project: the bundled corpus written for Akkord, with its gold annotation and
two annotators' layers (Ingrid's and Ola's), so agreement and curation have something
to show."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from platformdirs import user_data_path

from akkord.errors import AkkordError
from akkord.resources import resource_path
from akkord.services.importing import ImportOptions, import_paths
from akkord.store.project import Project, open_project

DEMO_NAME = "demo.akkord"


def default_demo_path() -> Path:
    """Where ``akkord demo`` puts the demo project unless told otherwise."""
    return Path(user_data_path("akkord", appauthor=False)) / DEMO_NAME


def demo_sources() -> list[Path]:
    """The demo corpus in the native format: the articles with their gold annotation.

    ``gold.jsonl`` is built from ``annotations.toml`` and the ``*.txt`` articles by
    ``resources/demo/build_gold.py``; a test keeps it up to date.
    """
    gold = resource_path("demo", "gold.jsonl")
    if not gold.exists():
        raise AkkordError(f"the demo corpus is missing ({gold}); reinstall Akkord")
    return [gold]


def demo_layer_sources() -> list[Path]:
    """The two annotators' layers of the demo corpus (``layers.jsonl``, built from
    ``layers.toml`` by ``resources/demo/build_gold.py``)."""
    layers = resource_path("demo", "layers.jsonl")
    if not layers.exists():
        raise AkkordError(f"the demo corpus is missing ({layers}); reinstall Akkord")
    return [layers]


def create_demo(path: Path | None = None, *, replace: bool = False) -> tuple[Path, bool]:
    """Build the demo project at ``path``; return (path, whether it was created now).

    An existing demo is left alone unless ``replace``. The project is built in a temporary
    file and moved into place, so an interrupted build never leaves a broken demo.
    """
    path = (path or default_demo_path()).expanduser().resolve()
    if path.exists() and not replace:
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".akkord-demo-") as tmp:
        building = Path(tmp) / DEMO_NAME
        with open_project(building, create=True) as project:
            report = import_paths(project, demo_sources() + demo_layer_sources(),
                                  ImportOptions(all_or_nothing=True))
            if report.rolled_back:
                problems = "\n".join(str(p) for p in report.problems)
                raise AkkordError(f"the bundled demo corpus does not import:\n{problems}")
            project.set_setting("project_name", "Akkord demo")
        # Closing the last connection checkpointed the WAL into the file; stale WAL files
        # of a replaced demo must not be applied to the new one.
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
            if Path(f"{building}{suffix}").exists():
                shutil.move(f"{building}{suffix}", f"{path}{suffix}")
        shutil.move(building, path)
    return path, True


def open_demo(path: Path | None = None) -> Project:
    """Open the demo project, building it first when it does not exist."""
    demo, _ = create_demo(path)
    return open_project(demo)
