"""``python -m tests.harness [crash|concurrency|diskfull|damage|contention|all] …`` (from the
repository root, with ``PYTHONPATH=desktop``). Prints one ``name: value unit`` line per
figure and exits with status 1 when any goal was missed (something lost, half done,
broken, or a raw error)."""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _crash(args: argparse.Namespace, folder: Path) -> bool:
    from tests.harness.crash import run_trials

    started = time.monotonic()
    report = run_trials(args.trials, folder / "crash", seed=args.seed,
                        max_delay=args.max_delay, progress=True)
    for line in report.figures():
        print(line)
    print(f"crash_duration: {time.monotonic() - started:.0f} s")
    for problem in report.problems[:20]:
        print(f"  problem: {problem}")
    return report.ok


def _concurrency(args: argparse.Namespace, folder: Path) -> bool:
    from tests.harness.concurrency import run_concurrency

    ok = True
    for backend in args.backends.split(","):
        report = run_concurrency(backend, folder / f"concurrency-{backend}",
                                 writers=args.writers, seconds=args.seconds, seed=args.seed)
        for line in report.figures():
            print(line)
        for problem in report.problems[:20]:
            print(f"  problem: {problem}")
        ok = ok and report.ok
    return ok


def _diskfull(args: argparse.Namespace, folder: Path) -> bool:
    from tests.harness.diskfull import run_diskfull

    report = run_diskfull(folder / "diskfull", runs=args.diskfull_runs, seed=args.seed)
    for line in report.figures():
        print(line)
    for problem in report.problems[:20]:
        print(f"  problem: {problem}")
    return report.ok


def _damage(args: argparse.Namespace, folder: Path) -> bool:
    from tests.harness.damage import run_damage

    report = run_damage(folder / "damage", cases=args.damage_cases, seed=args.seed)
    for line in report.figures():
        print(line)
    for problem in report.problems[:20]:
        print(f"  problem: {problem}")
    return report.ok


def _contention(args: argparse.Namespace, folder: Path) -> bool:
    from tests.harness.contention import run_contention

    for waits in run_contention(folder / "contention", args.articles):
        for line in waits.figures():
            print(line, flush=True)
    return True


PARTS = {"crash": _crash, "concurrency": _concurrency, "diskfull": _diskfull,
         "damage": _damage, "contention": _contention}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.harness", description=__doc__)
    parser.add_argument("parts", nargs="*", default=["all"],
                        help="crash, concurrency, diskfull, damage, contention or all "
                             "(default)")
    parser.add_argument("--trials", type=int, default=1000, help="crash: kill trials")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                        help="crash: import MODULE first (it registers edit kinds with "
                             "tests.harness.workload.register_edit)")
    parser.add_argument("--max-delay", type=float, default=1.2,
                        help="crash: longest wait before a kill, seconds")
    parser.add_argument("--writers", type=int, default=8, help="concurrency: processes")
    parser.add_argument("--seconds", type=float, default=600,
                        help="concurrency: how long they write, per backend")
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="concurrency: sqlite, postgresql or both")
    parser.add_argument("--diskfull-runs", type=int, default=10, help="disk-full runs")
    parser.add_argument("--damage-cases", type=int, default=300, help="damaged files")
    parser.add_argument("--articles", type=int, default=10_000,
                        help="contention: articles in the import (benchmark corpus)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    parts = list(PARTS) if "all" in args.parts else args.parts
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}")
    for plugin in args.plugin:
        importlib.import_module(plugin)
    folder = Path(tempfile.mkdtemp(prefix="akkord-crashtest-"))
    ok = True
    try:
        for part in parts:
            print(f"# {part}", flush=True)
            ok = PARTS[part](args, folder) and ok
    finally:
        if args.keep:
            print(f"work folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print("crashtest: " + ("all goals met" if ok else "GOALS MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
