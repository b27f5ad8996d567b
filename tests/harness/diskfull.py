"""Fill a small disk with imports, edits and exports: every failure must be a clear
message, and the project must open afterwards with everything saved before.

Each run mounts a fresh tmpfs (1, 8 or 20 MB: needs root and ``mount``; otherwise the
run is skipped and says why), creates a project on it, and performs the phases
(import, edit, export) in a random order, each until its first failure. The inputs are
generated on the normal disk. Then, still full, the project is opened again (it must
open or say clearly why not); then the exports are deleted to free space and the
project is opened and checked: integrity, foreign keys, invariants, every acknowledged
import and edit present, the failed import all or nothing.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import subprocess
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from akkord.errors import AkkordError
from akkord.store import open_project
from tests.harness.workload import (
    Context,
    ExportOperation,
    ImportOperation,
    MentionEdit,
    project_problems,
)

SIZES_MB = (1, 8, 20)
PHASE_LIMIT = 400  # operations per phase at most (edits alone fill a disk slowly)


class MountUnavailable(RuntimeError):
    """A tmpfs cannot be mounted here (not root, no mount, a container without the
    capability); the message says which."""


@contextlib.contextmanager
def tmpfs(folder: Path, size_mb: int) -> Iterator[Path]:
    """A tmpfs of ``size_mb`` MB mounted at ``folder`` (unmounted afterwards)."""
    folder.mkdir(parents=True, exist_ok=True)
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if mount is None or umount is None:
        raise MountUnavailable("the mount program is not installed")
    result = subprocess.run([mount, "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs",
                             str(folder)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        why = result.stderr.strip() or f"mount exited with {result.returncode}"
        raise MountUnavailable(f"cannot mount a tmpfs here ({why}); it needs root")
    try:
        yield folder
    finally:
        subprocess.run([umount, "-l", str(folder)], capture_output=True, check=False)


@dataclass
class DiskFullReport:
    runs: int = 0
    skipped: str | None = None
    acknowledged: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # "import: StorageFullError"
    tracebacks: int = 0
    lost: int = 0
    half_done: int = 0
    broken: int = 0
    opened_while_full: Counter[str] = field(default_factory=Counter)
    reopened: int = 0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> list[str]:
        if self.skipped:
            return [f"diskfull_skipped: {self.skipped}"]
        failures = ", ".join(f"{k} {v}" for k, v in sorted(self.failures.items()))
        full = ", ".join(f"{k} {v}" for k, v in sorted(self.opened_while_full.items()))
        return [f"diskfull_runs: {self.runs} runs (tmpfs of {'/'.join(map(str, SIZES_MB))} MB)",
                f"diskfull_acknowledged_operations: {self.acknowledged} operations",
                f"diskfull_failures_with_message: {sum(self.failures.values())} ({failures})",
                f"diskfull_tracebacks: {self.tracebacks} errors",
                f"diskfull_opened_while_full: {full}",
                f"diskfull_reopened_after_freeing: {self.reopened} of {self.runs} runs",
                f"diskfull_lost_acknowledged: {self.lost} operations",
                f"diskfull_half_done: {self.half_done} operations",
                f"diskfull_broken_checks: {self.broken} problems"]

    @property
    def ok(self) -> bool:
        return self.skipped is None and not (self.tracebacks or self.lost or self.half_done
                                             or self.broken) and self.reopened == self.runs


def run_diskfull(folder: Path, *, runs: int = 10, seed: int = 13) -> DiskFullReport:
    report = DiskFullReport()
    rng = random.Random(seed)
    inputs = folder / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    for run in range(runs):
        size = SIZES_MB[run % len(SIZES_MB)]
        try:
            with tmpfs(folder / f"disk-{run}", size) as disk:
                _one_run(run, disk, inputs, rng, report)
        except MountUnavailable as exc:
            report.skipped = str(exc)
            return report
        report.runs += 1
    return report


def _one_run(run: int, disk: Path, inputs: Path, rng: random.Random,
             report: DiskFullReport) -> None:
    project_path = disk / "full.akkord"
    with open_project(project_path, create=True):
        pass
    imports, edits, exports = ImportOperation(max_documents=200), MentionEdit(), \
        ExportOperation()
    done: list[tuple[Any, dict[str, Any], dict[str, Any] | None]] = []
    # Fill the disk first (with imports, or with exports), then edit on the full disk.
    phases = rng.choice([["import", "edit", "export"], ["export", "edit", "import"]])
    with open_project(project_path) as project:
        ctx = Context(project, inputs, f"r{run}")
        for phase in phases:
            op: Any = {"import": imports, "edit": edits, "export": exports}[phase]
            for _ in range(PHASE_LIMIT):
                plan = op.plan(ctx, rng)
                if phase == "export":
                    plan["out"] = str(disk / Path(plan["out"]).name)
                try:
                    ack = op.run(ctx, plan)
                except AkkordError as exc:
                    report.failures[f"{phase}: {type(exc).__name__}"] += 1
                    done.append((op, plan, None))
                    break
                except Exception:
                    report.tracebacks += 1
                    report.problems.append(f"run {run} {phase}:\n{traceback.format_exc()}")
                    done.append((op, plan, None))
                    break
                report.acknowledged += 1
                done.append((op, plan, ack))
    try:
        with open_project(project_path) as project:
            project.schema  # noqa: B018 - reading is the test
        report.opened_while_full["opened"] += 1
    except AkkordError as exc:
        report.opened_while_full[type(exc).__name__] += 1
    except Exception:
        report.tracebacks += 1
        report.problems.append(f"run {run} reopening while full:\n{traceback.format_exc()}")
    for export in disk.iterdir():
        if export.name.startswith("export-"):
            (shutil.rmtree if export.is_dir() else Path.unlink)(export)  # type: ignore[operator]
    _verify(run, project_path, done, report)


def _verify(run: int, project_path: Path, done: list[tuple[Any, dict[str, Any],
                                                            dict[str, Any] | None]],
            report: DiskFullReport) -> None:
    try:
        with open_project(project_path) as project:
            report.reopened += 1
            problems = project_problems(project)
            report.broken += len(problems)
            report.problems += [f"run {run}: {p}" for p in problems]
            for op, plan, ack in done:
                if isinstance(op, ExportOperation):
                    continue  # exports were deleted to free space
                found = op.verify(project, plan, ack)
                if ack is None:
                    report.half_done += len(found)
                else:
                    report.lost += len(found)
                report.problems += [f"run {run}: {p}" for p in found]
    except AkkordError as exc:
        report.problems.append(f"run {run}: the project does not open after freeing space: "
                               f"{exc}")
