"""Import and export of the 10,000-article corpus, each against its floor in the same run.

``import`` alternates ``AKKORD_BENCH_REPEAT`` times (default 3) the floor in the same
tables (:mod:`floor`, ``tables="akkord"``: the same rows written into an empty project
with raw ``sqlite3`` and ``json``, in a child process), the bare floor (three plain
tables) and Akkord's import, and prints the medians and ``import_vs_floor`` (the median
of the ratios of each pair: the machine's load changes between pairs) with its lowest
and highest, and ``import_vs_bare_floor``. ``export`` alternates the plain-SQL export of
the same project and Akkord's native JSONL export (``export_vs_floor``). DESIGN.md:
import ≤ 2× the floor, export ≤ 1.5×, peak memory < 400 MB.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from akkord.services.exporting import export_jsonl
from akkord.services.importing import import_paths
from akkord.store import open_project
from common import (
    CACHE,
    HERE,
    Timer,
    benchmark,
    built_project,
    corpus,
    peak_rss_mb,
    repeats,
    report,
)


def imported_project() -> Path:
    """The 10k corpus imported into a project kept in the cache (built on first use)."""
    return built_project("project-10k", [corpus() / "corpus.jsonl"])


def floor_seconds(kind: str, source: Path, target: Path, *extra: str) -> float:
    """Run the floor in a child process; the seconds it took (measured inside)."""
    done = subprocess.run([sys.executable, str(HERE / "floor.py"), kind, str(source),
                           str(target), *extra], check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def akkord_import_seconds(sources: list[Path], target: Path) -> float:
    """Akkord's import of ``sources`` into a new project, closed (checkpointed) at the end,
    as the floor's is."""
    project = open_project(target, create=True)
    with Timer() as timer:
        done = import_paths(project, sources)
        project.close()
    assert not done.problems and done.total("mentions") > 0, done.problems[:3]
    return timer.seconds


def pairs(floor: list[float], akkord: list[float], name: str, figure: str) -> None:
    """``<name>_floor_10k_s``, ``<figure>`` (seconds), ``<name>_vs_floor`` (median of the
    pairs' ratios) and its lowest and highest."""
    report(f"{name}_floor_10k_s", statistics.median(floor), "s")
    report(figure, statistics.median(akkord), "s")
    ratios = [a / f for a, f in zip(akkord, floor, strict=True)]
    report(f"{name}_vs_floor", statistics.median(ratios), "x")
    report(f"{name}_vs_floor_min", min(ratios), "x")
    report(f"{name}_vs_floor_max", max(ratios), "x")


@benchmark("import")
def import_10k() -> None:
    source = corpus() / "corpus.jsonl"
    floor: list[float] = []
    bare: list[float] = []
    akkord: list[float] = []
    for _ in range(repeats()):
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            empty = Path(tmp) / "floor.akkord"
            open_project(empty, create=True).close()  # Akkord's tables, not timed
            floor.append(floor_seconds("import", source, empty, "akkord"))
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            bare.append(floor_seconds("import", source, Path(tmp) / "bare.sqlite", "bare"))
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            akkord.append(akkord_import_seconds([source], Path(tmp) / "bench.akkord"))
    pairs(floor, akkord, "import", "import_10k_s")
    report("import_bare_floor_10k_s", statistics.median(bare), "s")
    report("import_vs_bare_floor", statistics.median(
        [a / b for a, b in zip(akkord, bare, strict=True)]), "x")
    report("import_peak_mb", peak_rss_mb(), "MB")


def akkord_export_seconds(project_path: Path, out: Path) -> float:
    with open_project(project_path) as project, Timer() as timer:
        export_jsonl(project, out)
    return timer.seconds


@benchmark("export")
def export_10k() -> None:
    path = imported_project()
    floor: list[float] = []
    akkord: list[float] = []
    for _ in range(repeats()):
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            floor.append(floor_seconds("export", path, Path(tmp) / "floor.jsonl"))
            akkord.append(akkord_export_seconds(path, Path(tmp) / "export.jsonl"))
    pairs(floor, akkord, "export", "export_jsonl_10k_s")
    report("export_peak_mb", peak_rss_mb(), "MB")
