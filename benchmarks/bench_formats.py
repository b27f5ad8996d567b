"""Export the 10,000-article project in every format, each in a fresh process.

Prints, per format, ``export_<format>_10k_s`` (time), ``export_<format>_10k_mb`` (size
written) and ``export_<format>_peak_mb`` (peak memory of that export's process; the
budget is < 400 MB), then ``export_formats_peak_mb`` (the largest). The token-based
formats (conll, conllu, spacy, hf) read the tokens stored in the project; storing them
(once per project, before the first such export) is measured on its own first as
``store_tokens_10k_s`` and ``store_tokens_peak_mb``. The cached project is copied first,
so every run starts without stored tokens. ``AKKORD_BENCH_FORMATS=conll,spacy``
measures only those.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(HERE.parent / "desktop")]

from akkord.formats.registry import WRITERS  # noqa: E402
from akkord.services.exporting import export  # noqa: E402
from akkord.store import open_project  # noqa: E402
from bench_store import imported_project  # noqa: E402
from common import CACHE, Timer, benchmark, peak_rss_mb, report  # noqa: E402

TOKENS = "tokens"  # the pseudo-format that stores the tokens


def _size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    return path.stat().st_size / 1e6


def _one(name: str, project_path: Path, tmp: Path) -> None:
    """One export (or storing the tokens) in this process: its figures."""
    with open_project(project_path) as project:
        if name == TOKENS:
            from akkord.services.tokens import store_tokens

            with project.read() as session:
                from sqlalchemy import select

                from akkord.store.models import Document

                ids = list(session.scalars(select(Document.id).order_by(Document.id)))
            with Timer() as timer:
                stored = store_tokens(project, ids)
            assert stored == len(ids) >= 10_000, stored
            report("store_tokens_10k_s", timer.seconds, "s")
            report("store_tokens_peak_mb", peak_rss_mb(), "MB")
            return
        out = tmp / f"export-{name}"
        with Timer() as timer:
            written = export(project, name, out)
        assert written.documents >= 10_000, (name, written.documents)
    report(f"export_{name}_10k_s", timer.seconds, "s")
    report(f"export_{name}_10k_mb", _size_mb(out), "MB")
    report(f"export_{name}_peak_mb", peak_rss_mb(), "MB")
    shutil.rmtree(out) if out.is_dir() else out.unlink()


@benchmark("formats")
def export_formats_10k() -> None:
    chosen = os.environ.get("AKKORD_BENCH_FORMATS")
    names = chosen.split(",") if chosen else list(WRITERS)
    if any(WRITERS[n].tokens for n in names):
        names = [TOKENS, *names]
    peak = 0.0
    source = imported_project()  # creates the cache folder too
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        copy = Path(tmp) / "project.akkord"
        shutil.copy(source, copy)
        for name in names:
            result = subprocess.run([sys.executable, __file__, name, str(copy), tmp],
                                    check=True, stdout=subprocess.PIPE, text=True)
            sys.stdout.write(result.stdout)
            sys.stdout.flush()
            peak = max([peak, *(float(line.split()[1]) for line in result.stdout.splitlines()
                                if line.split(":")[0].endswith("_peak_mb"))])
    report("export_formats_peak_mb", peak, "MB")


if __name__ == "__main__":
    _one(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
