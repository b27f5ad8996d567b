#!/usr/bin/env python3
"""Run Akkord's benchmarks and print one line per figure: ``name: value unit``.

    python benchmarks/run.py                 # every benchmark
    python benchmarks/run.py import export   # those named

Each benchmark runs in a fresh Python process, so its peak memory is its own and no
warm cache from another one flatters it. The corpus comes from
``../shared/bench/make_corpus.py`` (deterministic; cached under ``benchmarks/.cache``).
Figures are measured here, never asserted: compare them with the budget in DESIGN.md.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "desktop")]

from common import BENCHMARKS, isolated_env  # noqa: E402

MODULES = sorted(p.stem for p in HERE.glob("bench_*.py"))


def load_all() -> None:
    for module in MODULES:
        importlib.import_module(module)


def main() -> int:
    load_all()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default all: {', '.join(BENCHMARKS)})")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        BENCHMARKS[args.child]()
        return 0
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    env = isolated_env()
    failed = 0
    for name in args.names or list(BENCHMARKS):
        result = subprocess.run([sys.executable, __file__, "--child", name], env=env,
                                check=False)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
