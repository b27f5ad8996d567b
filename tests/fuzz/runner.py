"""Run many fuzz cases in worker processes, with a watchdog, and count what went wrong.

Each worker builds its own empty template project and judges cases by number (it makes
them itself: a 50 MB case never crosses a pipe). The parent gives out numbers, and a case
that has not finished after ``timeout`` seconds is a *hang*: the worker is killed and
replaced. Findings are kept with their inputs under ``out/failures/<case>`` so that any
can be rerun alone (``python -m tests.fuzz --case N --seed S``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

CATEGORIES = ("traceback", "partial_import", "accepted_but_wrong", "refused_but_valid")


@dataclass(slots=True)
class Figures:
    cases: int = 0
    accepted: int = 0
    rejected: int = 0
    hangs: int = 0
    seconds: float = 0.0
    by_category: Counter[str] = field(default_factory=Counter)
    by_seed: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    failing: list[tuple[str, str, str]] = field(default_factory=list)  # seed, category, what

    def lines(self) -> list[str]:
        """The figures as ``name: value unit`` lines (benchmarks' convention)."""
        out = [f"cases: {self.cases} cases",
               f"tracebacks: {self.by_category['traceback']} cases",
               f"hangs: {self.hangs} cases",
               f"partial_imports: {self.by_category['partial_import']} cases",
               f"accepted_but_wrong: {self.by_category['accepted_but_wrong']} cases",
               f"refused_but_valid: {self.by_category['refused_but_valid']} cases",
               f"accepted: {self.accepted} cases",
               f"rejected: {self.rejected} cases",
               f"duration: {self.seconds:.0f} s"]
        out += [f"cases_{seed}: {n} cases" for seed, n in sorted(self.by_seed.items())]
        per_seed = Counter((seed, category) for seed, category, _ in self.failing)
        out += [f"{category}_{seed}: {n} cases" for (seed, category), n in sorted(
            per_seed.items())]
        return out

    @property
    def failures(self) -> int:
        return self.hangs + sum(self.by_category[c] for c in CATEGORIES)


def _worker(conn: Connection, seeds_dir: str, work: str, run_seed: int, mega_every: int,
            writers_every: int) -> None:
    from tests.fuzz import seeds as seed_module
    from tests.fuzz.cases import make_case
    from tests.fuzz.oracle import Oracle

    seeds = seed_module.load(Path(seeds_dir))
    oracle = Oracle(Path(work), writers_every=writers_every)
    oracle.warm_up()
    conn.send(("ready",))
    while True:
        try:
            index = conn.recv()
        except EOFError:  # the parent is gone
            return
        if index is None:
            return
        start = time.monotonic()
        try:
            case = make_case(seeds, run_seed, index, mega_every=mega_every)
        except Exception:
            conn.send(("done", {"index": index, "name": "?", "seed": "?", "status": "error",
                                "findings": [("traceback", "making the case: "
                                              + traceback.format_exc())], "seconds": 0.0}))
            continue
        conn.send(("start", index, case.name, case.seed))
        outcome = oracle.run(case)
        outcome.seconds = time.monotonic() - start
        conn.send(("done", {"index": outcome.index, "name": outcome.name, "seed": outcome.seed,
                            "status": outcome.status, "findings": outcome.findings,
                            "seconds": outcome.seconds}))


@dataclass(slots=True)
class _Slot:
    process: Any
    conn: Connection
    work: Path
    index: int | None = None
    name: str = ""
    seed: str = ""
    started: float = 0.0


class Runner:
    def __init__(self, seeds_dir: Path, out: Path, run_seed: int, *, jobs: int = 1,
                 timeout: float = 30.0, mega_every: int = 0, writers_every: int = 10,
                 echo: bool = True) -> None:
        self.seeds_dir = seeds_dir
        self.out = out
        self.run_seed = run_seed
        self.jobs = max(1, jobs)
        self.timeout = timeout
        self.mega_every = mega_every
        self.writers_every = writers_every
        self.echo = echo
        self.context = mp.get_context("spawn")
        self.figures = Figures()
        # Cases run in a RAM-backed folder when there is one: the projects are real SQLite
        # files with synchronous=FULL, and waiting for the disk on every commit would
        # make the run slow without testing anything more.
        shm = Path("/dev/shm")
        parent = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
        self.scratch = Path(tempfile.mkdtemp(prefix="akkord-fuzz-", dir=parent))

    def _spawn(self, number: int) -> _Slot:
        parent, child = self.context.Pipe()
        work = self.scratch / f"worker-{number}-{time.monotonic_ns()}"
        process = self.context.Process(target=_worker, daemon=True, args=(
            child, str(self.seeds_dir), str(work), self.run_seed, self.mega_every,
            self.writers_every))
        process.start()
        if not parent.poll(600):
            raise RuntimeError("a fuzz worker did not start")
        parent.recv()
        return _Slot(process, parent, work)

    def run(self, indices: list[int]) -> Figures:
        start = time.monotonic()
        pending = list(reversed(indices))
        slots = [self._spawn(n) for n in range(min(self.jobs, len(indices)))]
        try:
            while pending or any(s.index is not None for s in slots):
                for slot in slots:
                    if slot.index is None and pending:
                        slot.index, slot.name, slot.started = pending.pop(), "", time.monotonic()
                        slot.conn.send(slot.index)
                busy = [s for s in slots if s.index is not None]
                ready = wait([s.conn for s in busy], timeout=0.5)
                for number, slot in enumerate(slots):
                    if slot.index is None:
                        continue
                    if slot.conn in ready:
                        message = slot.conn.recv()
                        if message[0] == "start":
                            slot.name, slot.seed = message[2], message[3]
                        else:
                            self._record(message[1])
                            slot.index = None
                    elif time.monotonic() - slot.started > self.timeout:
                        self._hang(slot)
                        slot.process.kill()
                        slot.process.join()
                        slots[number] = self._spawn(number)
        finally:
            for slot in slots:
                if slot.process.is_alive():
                    slot.conn.send(None)
                    slot.process.join(10)
                    if slot.process.is_alive():
                        slot.process.kill()
            shutil.rmtree(self.scratch, ignore_errors=True)
        self.figures.seconds = time.monotonic() - start
        return self.figures

    def _hang(self, slot: _Slot) -> None:
        self.figures.cases += 1
        self.figures.hangs += 1
        self.figures.by_seed[slot.seed or "?"] += 1
        detail = f"case {slot.index} ({slot.seed}: {slot.name}) ran more than {self.timeout} s"
        self.figures.examples.append(f"hang: {detail}")
        self.figures.failing.append((slot.seed, "hang", detail))
        self._say(f"HANG {detail}")

    def _record(self, outcome: dict[str, Any]) -> None:
        figures = self.figures
        figures.cases += 1
        figures.by_seed[outcome["seed"]] += 1
        if outcome["status"] == "accepted":
            figures.accepted += 1
        else:
            figures.rejected += 1
        categories = {category for category, _ in outcome["findings"]}
        for category in categories:
            figures.by_category[category] += 1
        if outcome["findings"]:
            self._keep(outcome)
        if self.echo and figures.cases % 500 == 0:
            self._say(f"… {figures.cases} cases, {figures.failures} failing")

    def _keep(self, outcome: dict[str, Any]) -> None:
        folder = self.out / "failures" / f"case-{outcome['index']}"
        folder.mkdir(parents=True, exist_ok=True)
        text = [f"case {outcome['index']} ({outcome['seed']}: {outcome['name']}); rerun with "
                f"python -m tests.fuzz --seed {self.run_seed} --case {outcome['index']}", ""]
        for category, detail in outcome["findings"]:
            text += [f"== {category}", detail, ""]
        (folder / "findings.txt").write_text("\n".join(text), encoding="utf-8")
        first = outcome["findings"][0]
        self.figures.examples.append(
            f"{first[0]}: case {outcome['index']} ({outcome['seed']}: {outcome['name']}): "
            f"{first[1].strip().splitlines()[-1][:300] if first[1].strip() else ''}")
        for category in dict.fromkeys(c for c, _ in outcome["findings"]):
            self.figures.failing.append((outcome["seed"], category,
                                         self.figures.examples[-1]))
        self._say(self.figures.examples[-1])

    def _say(self, text: str) -> None:
        if self.echo:
            print(text, file=sys.stderr, flush=True)
