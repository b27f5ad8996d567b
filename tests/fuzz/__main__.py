"""``python -m tests.fuzz``: the reader fuzzer (``make fuzz`` runs it with its defaults).

Prints ``name: value unit`` lines (cases, tracebacks, hangs, partial_imports,
accepted_but_wrong, …) and exits 1 when any case failed; the inputs of failing cases are
kept under ``--out``. ``--case N`` reruns one case (same ``--seed``) and prints its
findings.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000, help="how many cases (10,000)")
    parser.add_argument("--seed", type=int, default=9, help="the run's seed (9)")
    parser.add_argument("--start", type=int, default=0, help="first case number")
    parser.add_argument("--case", type=int, help="run only this case number")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds after which a case is a hang (30)")
    parser.add_argument("--mega-every", type=int, default=1000,
                        help="one case in N is a 50 MB line / 60 MB schema (0: none)")
    parser.add_argument("--writers-every", type=int, default=10,
                        help="export every Nth accepted case with every writer (0: never)")
    parser.add_argument("--out", type=Path,
                        default=Path(tempfile.gettempdir()) / "akkord-fuzz",
                        help="where failing cases are kept")
    args = parser.parse_args(argv)

    from tests.fuzz import seeds
    from tests.fuzz.runner import Runner

    seeds_dir = args.out / "seeds"
    seeds.save(seeds.build(args.out / "seed-work"), seeds_dir)
    indices = [args.case] if args.case is not None else list(
        range(args.start, args.start + args.cases))
    runner = Runner(seeds_dir, args.out, args.seed, jobs=args.jobs, timeout=args.timeout,
                    mega_every=args.mega_every, writers_every=args.writers_every)
    figures = runner.run(indices)
    print(f"command: python -m tests.fuzz --cases {len(indices)} --seed {args.seed}")
    for line in figures.lines():
        print(line)
    if figures.examples:
        print(f"failing cases (inputs under {args.out / 'failures'}):", file=sys.stderr)
        for example in figures.examples[:50]:
            print(f"  {example}", file=sys.stderr)
    return 1 if figures.failures else 0


if __name__ == "__main__":
    sys.exit(main())
