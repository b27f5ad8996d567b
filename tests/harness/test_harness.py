"""Short runs of the crash, concurrency, disk-full and damaged-file harness (``make
crashtest`` runs the long ones and prints the figures)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.harness.concurrency import run_concurrency
from tests.harness.crash import run_trials
from tests.harness.damage import run_damage
from tests.harness.diskfull import run_diskfull


def test_kill_9_loses_nothing_acknowledged_and_leaves_nothing_half_done(
        tmp_path: Path) -> None:
    report = run_trials(12, tmp_path, seed=int(os.environ.get("AKKORD_HARNESS_SEED", "7")),
                        max_delay=1.0, per_project=6)
    assert report.trials == 12 and report.operations > 0
    assert report.ok, "\n".join(report.problems[:5])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_concurrent_annotators_lose_and_overwrite_nothing(tmp_path: Path, backend: str,
                                                          request: pytest.FixtureRequest
                                                          ) -> None:
    server = request.getfixturevalue("postgres") if backend == "postgresql" else None
    report = run_concurrency(backend, tmp_path, writers=4, seconds=4, server=server)
    assert report.saved > 0
    assert report.ok, "\n".join(report.problems[:5])


def test_a_full_disk_gives_messages_and_loses_nothing(tmp_path: Path) -> None:
    report = run_diskfull(tmp_path, runs=1)
    if report.skipped:
        pytest.skip(f"disk-full run: {report.skipped}")
    assert sum(report.failures.values()) > 0  # the disk did fill up
    assert report.ok, "\n".join(report.problems[:5])


def test_damaged_projects_never_give_a_traceback(tmp_path: Path) -> None:
    report = run_damage(tmp_path, cases=15)  # each kind of damage once
    assert report.cases == 15
    assert report.ok, "\n".join(report.problems[:5])
    assert report.recovered > 0
