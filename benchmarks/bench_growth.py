"""How the costs grow with the project: 1,000, 10,000 and 30,000 articles (each with the
long document), imported afresh.

For each size ``growth`` prints the time (wall, and ``_cpu_s``: the CPU time, which a
busy machine inflates less) and peak memory of the import, the project's file size, the
same of the native JSONL export and of ``akkord list``
(the whole command, from launch), the start-up of the window (to a painted, usable
window) and its memory, and the median time to switch documents (Ctrl+PgDown). Each
step runs in a process of its own, so its peak memory is its own.

Then, for the 30,000 project against the 1,000 one: ``<step>_growth`` is the time (or
memory) per article at 30k divided by the same at 1k for what must grow at most
linearly (import, export, list, file size: ≤ 1 means linear or better), and the plain
ratio for what must not grow at all (start-up, the window's memory, switching: ≈ 1).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import (
    CACHE,
    HERE,
    SIZES,
    benchmark,
    corpus,
    file_mb,
    isolated_env,
    report,
)

STEP = HERE / "bench_growth.py"


def growth_sizes() -> list[int]:
    """1k, 10k and 30k, or those ``AKKORD_BENCH_SIZES=1000,10000`` names."""
    chosen = os.environ.get("AKKORD_BENCH_SIZES")
    return [int(n) for n in chosen.split(",")] if chosen else list(SIZES)


def child(*args: str) -> list[float]:
    """Run a step of this file in a fresh process; the numbers it prints."""
    out = subprocess.run([sys.executable, str(STEP), *args], check=True, capture_output=True,
                         text=True, env=isolated_env()).stdout.split()
    return [float(x) for x in out]


def list_command(project: Path) -> tuple[float, float, float]:
    """``akkord list PROJECT`` as a user runs it: seconds from launch to exit, the CPU
    seconds used (a loaded machine inflates them less), and MB."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    out = subprocess.run([sys.executable, str(STEP), "list", str(project)], check=True,
                         capture_output=True, text=True, env=isolated_env()).stderr
    seconds = time.perf_counter() - begin
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    return seconds, cpu, float(out.split()[-1])


@benchmark("growth")
def growth() -> None:
    from bench_gui import startup_seconds

    figures: dict[str, dict[int, float]] = {}

    def keep(name: str, n: int, value: float, unit: str) -> None:
        figures.setdefault(name, {})[n] = value
        report(f"growth_{name}_{SIZES[n]}", value, unit)

    sizes = growth_sizes()
    for n in sizes:
        folder = corpus(n)
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            project = Path(tmp) / "growth.akkord"
            seconds, peak, cpu = child("import", str(project), str(folder / "corpus.jsonl"),
                                       str(folder / "long.jsonl"))
            keep("import_s", n, seconds, "s")
            keep("import_cpu_s", n, cpu, "s")
            keep("import_peak_mb", n, peak, "MB")
            keep("file_mb", n, file_mb(project), "MB")
            seconds, peak, cpu = child("export", str(project), str(Path(tmp) / "out.jsonl"))
            keep("export_s", n, seconds, "s")
            keep("export_cpu_s", n, cpu, "s")
            keep("export_peak_mb", n, peak, "MB")
            seconds, cpu, peak = list_command(project)
            keep("list_s", n, seconds, "s")
            keep("list_cpu_s", n, cpu, "s")
            keep("list_peak_mb", n, peak, "MB")
            seconds, cpu, peak, _ = startup_seconds(project)
            keep("startup_s", n, seconds, "s")
            keep("startup_cpu_s", n, cpu, "s")
            keep("window_peak_mb", n, peak, "MB")
            keep("switch_ms", n, statistics.median(child("switch", str(project))), "ms")
    small, large = min(sizes), max(sizes)
    if small == large:
        return
    scale = large / small
    for name in ("import_s", "import_cpu_s", "export_s", "export_cpu_s", "list_s",
                 "list_cpu_s", "file_mb"):
        report(f"growth_{name.rsplit('_', 1)[0]}_per_article_{SIZES[large]}_vs_{SIZES[small]}",
               figures[name][large] / scale / figures[name][small], "x")
    for name in ("startup_cpu_s", "switch_ms", "window_peak_mb", "import_peak_mb",
                 "export_peak_mb", "list_peak_mb"):
        report(f"growth_{name.rsplit('_', 1)[0]}_{SIZES[large]}_vs_{SIZES[small]}",
               figures[name][large] / figures[name][small], "x")


def _step(argv: list[str]) -> None:
    """The steps, each in its own process (see :func:`child`)."""
    import contextlib
    import os

    from common import Timer, peak_rss_mb

    kind, project, *rest = argv
    if kind == "import":
        from akkord.services.importing import import_paths
        from akkord.store import open_project

        opened = open_project(Path(project), create=True)
        with Timer() as timer:
            done = import_paths(opened, [Path(p) for p in rest])
            opened.close()
        assert not done.problems, done.problems[:3]
        print(timer.seconds, peak_rss_mb(), timer.cpu_seconds)
    elif kind == "export":
        from akkord.services.exporting import export_jsonl
        from akkord.store import open_project

        with open_project(Path(project)) as opened, Timer() as timer:
            export_jsonl(opened, Path(rest[0]))
        print(timer.seconds, peak_rss_mb(), timer.cpu_seconds)
    elif kind == "list":
        from akkord.cli import main

        with Path(os.devnull).open("w") as sink, contextlib.redirect_stdout(sink):
            main(["list", project], standalone_mode=False)
        print(peak_rss_mb(), file=sys.stderr)
    elif kind == "switch":
        from bench_gui import switching_ms

        print(*switching_ms(Path(project)))


if __name__ == "__main__":
    sys.path[:0] = [str(HERE.parent / "desktop")]
    _step(sys.argv[1:])
