"""Import and export of the 10,000-article corpus (DESIGN.md: < 8 s and < 3 s)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from akkord.services.exporting import export_jsonl
from akkord.services.importing import import_paths
from akkord.store import open_project
from common import CACHE, Timer, benchmark, corpus, peak_rss_mb, report


def imported_project() -> Path:
    """The 10k corpus imported into a project kept in the cache (built on first use)."""
    path = CACHE / "project-10k.akkord"
    if not path.exists():
        source = corpus() / "corpus.jsonl"  # creates the cache folder too
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        with open_project(building, create=True) as project:
            import_paths(project, [source])
        building.rename(path)
    return path


@benchmark("import")
def import_10k() -> None:
    source = corpus() / "corpus.jsonl"
    with (tempfile.TemporaryDirectory(dir=CACHE) as tmp,
          open_project(Path(tmp) / "bench.akkord", create=True) as project):
        with Timer() as timer:
            report_ = import_paths(project, [source])
        assert report_.total("mentions") > 400_000, report_.problems[:3]
    report("import_10k_s", timer.seconds, "s")
    report("import_peak_mb", peak_rss_mb(), "MB")


@benchmark("export")
def export_10k() -> None:
    path = imported_project()
    with (tempfile.TemporaryDirectory(dir=CACHE) as tmp, open_project(path) as project,
          Timer() as timer):
        export_jsonl(project, Path(tmp) / "export.jsonl")
    report("export_jsonl_10k_s", timer.seconds, "s")
