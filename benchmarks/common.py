"""What the benchmarks share: registration, the corpus and projects, timing and memory."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
CACHE.mkdir(exist_ok=True)  # a fresh clone has none; projects and corpora land here
MAKE_CORPUS = HERE.parent.parent / "shared" / "bench" / "make_corpus.py"
BENCHMARKS: dict[str, Callable[[], None]] = {}
SIZES = {1_000: "1k", 10_000: "10k", 30_000: "30k"}


def benchmark(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(func: Callable[[], None]) -> Callable[[], None]:
        BENCHMARKS[name] = func
        return func
    return register


def report(name: str, value: float, unit: str) -> None:
    """One figure, in the agreed format ``name: value unit``."""
    print(f"{name}: {value:.1f} {unit}" if value >= 10 else f"{name}: {value:.2f} {unit}",
          flush=True)


def repeats(default: int = 3) -> int:
    """How often import and export are measured (``AKKORD_BENCH_REPEAT``)."""
    return max(1, int(os.environ.get("AKKORD_BENCH_REPEAT", default)))


def corpus(n: int = 10_000, long_doc: bool = True) -> Path:
    """The benchmark corpus folder for ``n`` articles, generated once and cached."""
    folder = CACHE / f"corpus-{n}"
    wanted = [folder / "corpus.jsonl", *([folder / "long.jsonl"] if long_doc else [])]
    if not all(p.exists() for p in wanted):
        if not MAKE_CORPUS.exists():
            sys.exit(f"cannot find {MAKE_CORPUS}: the benchmark corpus generator lives in "
                     "../shared/bench beside the repository")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(n), str(folder),
                        *(["--long-doc"] if long_doc else [])], check=True)
    return folder


def built_project(name: str, sources: Sequence[Path]) -> Path:
    """A project in the cache holding ``sources`` (imported once, then reused)."""
    from akkord.services.importing import import_paths
    from akkord.store import open_project

    path = CACHE / f"{name}.akkord"
    if not path.exists():
        building = path.with_suffix(".building")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
        with open_project(building, create=True) as project:
            done = import_paths(project, list(sources))
            assert not done.problems, done.problems[:3]
        building.rename(path)
    return path


def window_project(n: int) -> Path:
    """``n`` articles and the long document: the project the window is measured in."""
    folder = corpus(n)
    return built_project(f"project-{SIZES.get(n, n)}-long",
                         [folder / "corpus.jsonl", folder / "long.jsonl"])


def isolated_env() -> dict[str, str]:
    """The environment of a benchmark's child process: this checkout's code (not an
    installed Akkord), offscreen Qt, and Qt settings in the cache with the annotator's
    name set (no first-start dialog), never in the user's own configuration."""
    config = CACHE / "config"
    (config / "Akkord").mkdir(parents=True, exist_ok=True)
    (config / "Akkord" / "Akkord.conf").write_text("[annotator]\nname=gold\n",
                                                   encoding="utf-8")
    desktop = str(HERE.parent / "desktop")
    # An installed Akkord has its bytecode compiled: let the checkout's be cached too, or
    # every start-up measured would compile the sources again.
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "XDG_CONFIG_HOME": str(config), "AKKORD_CONFIG_DIR": str(config / "Akkord"),
            "PYTHONPATH": os.pathsep.join(filter(None, [desktop,
                                                        os.environ.get("PYTHONPATH")]))}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Peak resident memory of the largest child process waited for so far."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class Timer:
    """Wall seconds (``seconds``) and this process's CPU seconds, every thread's
    (``cpu_seconds``: what a busy machine inflates less) of a block."""

    def __enter__(self) -> Timer:
        self.start, self.start_cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
        self.cpu_seconds = time.process_time() - self.start_cpu


def median_ms(func: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def file_mb(path: Path) -> float:
    """Size of a project file (with its WAL, if any) in MB."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists()) / 1e6
