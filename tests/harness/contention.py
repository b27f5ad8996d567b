"""How long a window's edit waits while a 10,000-article import runs (SQLite).

A child process imports the benchmark corpus (``../shared/bench/make_corpus.py``, cached
in ``benchmarks/.cache``) into a project; meanwhile this process makes one edit every
0.1 s through the window's service (``Annotation.add_mention``) and times each one,
waiting included. The run is done twice in the same session: with the import
committing batch by batch (as Akkord does), and with the import in one transaction (as
before issue 9; the batches' commits are skipped), so the two are measured on the same
machine at the same moment.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from akkord.errors import AkkordError
from akkord.services.annotation import Annotation
from akkord.store import open_project
from tests.harness.workload import write_import_file

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "benchmarks" / ".cache"


def corpus(n: int) -> Path:
    """The benchmark corpus of ``n`` articles (generated once, cached)."""
    folder = CACHE / f"corpus-{n}"
    source = folder / "corpus.jsonl"
    if source.exists():
        return source
    for shared in (REPO.parent / "shared", REPO.parent.parent / "shared"):
        generator = shared / "bench" / "make_corpus.py"
        if generator.exists():
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, str(generator), str(n), str(folder)], check=True)
            return source
    raise FileNotFoundError("the benchmark corpus generator ../shared/bench/make_corpus.py "
                            "is absent")


@dataclass
class Waits:
    mode: str
    import_s: float = 0.0
    edits: list[float] = field(default_factory=list)  # seconds each edit took
    refused: int = 0

    def figures(self) -> list[str]:
        if not self.edits:
            return [f"contention_{self.mode}_edits: none completed during the import"]
        ordered = sorted(self.edits)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        return [f"contention_{self.mode}_import: {self.import_s:.1f} s",
                f"contention_{self.mode}_edits_during_import: {len(self.edits)} edits "
                f"({self.refused} refused as busy)",
                f"contention_{self.mode}_edit_wait_median: "
                f"{statistics.median(ordered) * 1000:.0f} ms",
                f"contention_{self.mode}_edit_wait_p95: {p95 * 1000:.0f} ms",
                f"contention_{self.mode}_edit_wait_max: {ordered[-1] * 1000:.0f} ms"]


def _import_child(project: Path, source: Path, one_transaction: bool) -> None:
    from akkord.services import importing
    from akkord.store.journal import ImportWriter

    if one_transaction:
        ImportWriter.commit_point = lambda self: None  # type: ignore[method-assign]
    with open_project(project) as opened:
        importing.import_paths(opened, [source], importing.ImportOptions(suggest_times=False))
    os._exit(0)


def measure(folder: Path, source: Path, one_transaction: bool) -> Waits:
    mode = "one_transaction" if one_transaction else "batched"
    project = folder / f"{mode}.akkord"
    seed = folder / f"{mode}-seed.jsonl"
    write_import_file(seed, [f"{mode}-seed"], random.Random(1))
    with open_project(project, create=True) as opened:
        from akkord.services.importing import import_paths

        import_paths(opened, [seed])
    waits = Waits(mode)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _import_child(project, source, one_transaction)
    with open_project(project) as opened:
        opened.set_wait_handler(None, patience=600)
        annotation = Annotation(opened, "window")
        rng = random.Random(2)
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            begun = time.monotonic()
            try:
                start = rng.randrange(0, 20)
                annotation.add_mention(1, start, start + 3, "ACTOR")
                waits.edits.append(time.monotonic() - begun)
            except AkkordError:
                waits.refused += 1
            time.sleep(0.1)  # an annotator's pace, not a test wait
        waits.import_s = time.monotonic() - started
    return waits


def run_contention(folder: Path, articles: int = 10_000) -> list[Waits]:
    folder.mkdir(parents=True, exist_ok=True)
    source = corpus(articles)
    results = []
    for one_transaction in (False, True):
        try:
            results.append(measure(folder, source, one_transaction))
        except KeyboardInterrupt:
            os.killpg(0, signal.SIGKILL)
            raise
    return results
