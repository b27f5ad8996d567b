"""What the benchmarks share: registration, the corpus, timing and memory figures."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
MAKE_CORPUS = HERE.parent.parent / "shared" / "bench" / "make_corpus.py"
BENCHMARKS: dict[str, Callable[[], None]] = {}


def benchmark(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(func: Callable[[], None]) -> Callable[[], None]:
        BENCHMARKS[name] = func
        return func
    return register


def report(name: str, value: float, unit: str) -> None:
    """One figure, in the agreed format ``name: value unit``."""
    print(f"{name}: {value:.1f} {unit}" if value >= 10 else f"{name}: {value:.2f} {unit}",
          flush=True)


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


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def median_ms(func: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
