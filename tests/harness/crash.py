"""Kill -9 at random moments, then check that nothing acknowledged was lost and nothing is
half done.

Each trial forks a driver process from this (already imported) one; the driver opens
the project, prints ``READY``, then performs operations of random kinds
(:mod:`tests.harness.workload`), printing ``PLAN {json}`` before and ``ACK {json}`` after
each one returns. The parent sends SIGKILL after a random delay, reaps the driver, and
then, in its own process:

1. opens the project (which undoes an import the kill interrupted) — it must open;
2. runs ``PRAGMA integrity_check``, ``foreign_key_check`` and Akkord's invariants;
3. verifies every operation acknowledged so far (in every trial on this project) and
   the one in flight (all or nothing; an export's target absent or complete).

Anything a driver prints on stderr other than the kill (a traceback) counts as a raw
error. The project is replaced by a fresh one every ``--per-project`` trials so the
checks stay fast.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akkord.errors import AkkordError
from akkord.store import open_project
from tests.harness.workload import (
    WEIGHTS,
    Context,
    ImportOperation,
    operations,
    project_problems,
)


@dataclass
class CrashReport:
    trials: int = 0
    operations: int = 0  # acknowledged
    killed_during: Counter[str] = field(default_factory=Counter)
    lost: int = 0  # acknowledged operations missing or changed
    half_done: int = 0  # in-flight operations found partly applied
    broken: int = 0  # trials after which the project failed its checks or did not open
    raw_errors: int = 0  # tracebacks from the driver
    stale_temporaries: int = 0  # hidden .creating / .recovering files left behind
    stale_exports: int = 0  # hidden .part files of killed exports (issue 9, item 14)
    problems: list[str] = field(default_factory=list)

    def figures(self) -> list[str]:
        during = ", ".join(f"{k} {v}" for k, v in sorted(self.killed_during.items()))
        return [f"crash_trials: {self.trials} trials",
                f"crash_acknowledged_operations: {self.operations} operations",
                f"crash_killed_during: {during}",
                f"crash_lost_acknowledged: {self.lost} operations",
                f"crash_half_done: {self.half_done} operations",
                f"crash_broken_projects: {self.broken} trials",
                f"crash_raw_errors: {self.raw_errors} tracebacks",
                f"crash_stale_temporaries: {self.stale_temporaries} files",
                f"crash_stale_export_parts: {self.stale_exports} files"]

    @property
    def ok(self) -> bool:
        return not (self.lost or self.half_done or self.broken or self.raw_errors)


def _driver(write_fd: int, err_fd: int, project_path: Path, folder: Path, tag: str,
            seed: int, kinds: dict[str, int]) -> None:
    """The child: perform operations until killed. Never returns."""
    os.dup2(err_fd, 2)
    rng = random.Random(seed)
    ops = _OPS
    names = list(kinds)
    weights = [kinds[n] for n in names]

    def say(line: str) -> None:
        os.write(write_fd, (line + "\n").encode())

    try:
        with open_project(project_path) as project:
            ctx = Context(project, folder, tag)
            say("READY")
            while True:
                kind = rng.choices(names, weights)[0]
                op = ops[kind]
                plan = op.plan(ctx, rng)
                say("PLAN " + json.dumps({"kind": kind, "plan": plan}))
                ack = op.run(ctx, plan)
                say("ACK " + json.dumps(ack))
    except BaseException:
        os.write(2, traceback.format_exc().encode())
        os._exit(1)


_OPS: dict[str, Any] = {}


def _read_until(fd: int, deadline: float, want: str | None, buffer: bytearray) -> bool:
    """Read from ``fd`` into ``buffer`` until ``want`` appears as a line or the deadline."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            return False
        buffer += chunk
        if want is not None and f"{want}\n".encode() in buffer:
            return True
    return want is None


def _drain(fd: int, buffer: bytearray) -> None:
    while True:
        ready, _, _ = select.select([fd], [], [], 0)
        if not ready:
            return
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        buffer += chunk


def run_trials(trials: int, folder: Path, *, seed: int = 13, max_delay: float = 1.2,
               per_project: int = 100, kinds: dict[str, int] | None = None,
               progress: bool = False) -> CrashReport:
    """Run ``trials`` kill trials in ``folder``; see the module docstring."""
    kinds = kinds or WEIGHTS
    report = CrashReport()
    rng = random.Random(seed)
    history: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    project_path = folder / "project-0.akkord"
    work = folder / "work-0"
    for trial in range(trials):
        if trial % per_project == 0:
            project_path = folder / f"project-{trial // per_project}.akkord"
            work = folder / f"work-{trial // per_project}"
            work.mkdir(parents=True, exist_ok=True)
            with open_project(project_path, create=True):
                pass
            history = []
            _OPS.clear()
            _OPS.update(operations())
        _trial(trial, project_path, work, rng, max_delay, kinds, history, report)
        if progress and (trial + 1) % 50 == 0:
            print(f"  {trial + 1} trials: {report.operations} acknowledged, {report.lost} "
                  f"lost, {report.half_done} half done, {report.broken} broken, "
                  f"{report.raw_errors} raw errors", flush=True)
    report.stale_temporaries = sum(1 for p in folder.rglob(".*")
                                   if p.name.endswith((".creating", ".recovering")))
    report.stale_exports = sum(1 for p in folder.rglob(".*") if p.name.endswith(".part"))
    return report


def _trial(trial: int, project_path: Path, work: Path, rng: random.Random, max_delay: float,
           kinds: dict[str, int], history: list[tuple[str, dict[str, Any],
                                                      dict[str, Any] | None]],
           report: CrashReport) -> None:
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the driver
        os.close(out_read)
        os.close(err_read)
        _driver(out_write, err_write, project_path, work, f"t{trial}", rng.randrange(2**32),
                kinds)
    os.close(out_write)
    os.close(err_write)
    buffer, errors = bytearray(), bytearray()
    started = _read_until(out_read, time.monotonic() + 60, "READY", buffer)
    if started:
        _read_until(out_read, time.monotonic() + rng.uniform(0, max_delay), None, buffer)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    _drain(out_read, buffer)
    _drain(err_read, errors)
    os.close(out_read)
    os.close(err_read)
    report.trials += 1
    if errors.strip():
        report.raw_errors += 1
        report.problems.append(f"trial {trial}: driver error:\n{errors.decode(errors='replace')}")
    in_flight = _record(buffer.decode(errors="replace"), history, report)
    report.killed_during[in_flight[0] if in_flight else ("start" if not started
                                                         else "between")] += 1
    _verify(trial, project_path, history, in_flight, report)


def _record(output: str, history: list[tuple[str, dict[str, Any], dict[str, Any] | None]],
            report: CrashReport) -> tuple[str, dict[str, Any]] | None:
    pending: tuple[str, dict[str, Any]] | None = None
    for line in output.splitlines():
        if line.startswith("PLAN "):
            entry = json.loads(line[5:])
            pending = (entry["kind"], entry["plan"])
        elif line.startswith("ACK ") and pending is not None:
            history.append((pending[0], pending[1], json.loads(line[4:])))
            report.operations += 1
            if pending[0] == "import" and not pending[1].get("again"):
                op = _OPS["import"]
                assert isinstance(op, ImportOperation)
                op.files.append(pending[1])
            pending = None
    return pending


def _verify(trial: int, project_path: Path,
            history: list[tuple[str, dict[str, Any], dict[str, Any] | None]],
            in_flight: tuple[str, dict[str, Any]] | None, report: CrashReport) -> None:
    try:
        with open_project(project_path) as project:
            problems = project_problems(project)
            if problems:
                report.broken += 1
                report.problems += [f"trial {trial}: {p}" for p in problems]
            for kind, plan, ack in history:
                found = _OPS[kind].verify(project, plan, ack)
                report.lost += len(found)
                report.problems += [f"trial {trial}: {p}" for p in found]
            if in_flight is not None:
                found = _OPS[in_flight[0]].verify(project, in_flight[1], None)
                report.half_done += len(found)
                report.problems += [f"trial {trial}: {p}" for p in found]
    except AkkordError as exc:
        report.broken += 1
        report.problems.append(f"trial {trial}: the project does not open after a kill: {exc}")
