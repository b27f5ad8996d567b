"""Export the 10,000-article project in every format (DESIGN.md: JSONL < 3 s).

Prints ``export_<format>_10k_s`` per format, and the size written. Each export runs in
this one process after the others, so the first one that loads spaCy pays its import.
``AKKORD_BENCH_FORMATS=conll,spacy`` measures only those.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from akkord.services.exporting import EXPORTERS, export
from akkord.store import open_project
from bench_store import imported_project
from common import CACHE, Timer, benchmark, peak_rss_mb, report


def _size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    return path.stat().st_size / 1e6


@benchmark("formats")
def export_formats_10k() -> None:
    path = imported_project()
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp, open_project(path) as project:
        chosen = os.environ.get("AKKORD_BENCH_FORMATS")
        for name in chosen.split(",") if chosen else EXPORTERS:
            out = Path(tmp) / f"export-{name}"
            with Timer() as timer:
                written = export(project, name, out)
            assert written.documents == 10_000, (name, written.documents)
            report(f"export_{name}_10k_s", timer.seconds, "s")
            report(f"export_{name}_10k_mb", _size_mb(out), "MB")
    report("export_formats_peak_mb", peak_rss_mb(), "MB")
