"""The fuzzer's short, deterministic form: a few hundred seeded cases in the test suite.

``make fuzz`` runs the long form (10,000 cases); this runs the first cases of a fixed
seed through the same runner (a worker process, the 30 s watchdog, real project files),
so a regression in any reader shows up in CI with the case number to rerun it by.
"""

from __future__ import annotations

import pytest

from tests.fuzz import seeds
from tests.fuzz.runner import Figures, Runner

SHORT_SEED = 20261207
SHORT_CASES = 240
CONLL_OWNED = ("conll", "conllu")  # formats/conll.py has another owner (see README)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Figures:
    work = tmp_path_factory.mktemp("fuzz")
    seeds.save(seeds.build(work / "seed-work"), work / "seeds")
    runner = Runner(work / "seeds", work / "out", SHORT_SEED, jobs=1, timeout=60,
                    mega_every=0, writers_every=5, echo=False)
    return runner.run(list(range(SHORT_CASES)))


def test_the_short_run_covers_every_reader(figures: Figures) -> None:
    assert figures.cases == SHORT_CASES
    assert {"native-jsonl", "plain-jsonl", "doccano", "labelstudio", "brat", "conll",
            "conllu", "seed-txt", "plain-txt", "schema"} <= set(figures.by_seed)
    assert figures.accepted > 20 and figures.rejected > 20


def test_no_traceback_hang_partial_import_or_wrong_acceptance(figures: Figures) -> None:
    failing = [f for f in figures.failing if f[0] not in CONLL_OWNED]
    assert not failing, "\n".join(f"{category}: {what}" for _, category, what in failing)


def test_no_failures_in_the_conll_readers(figures: Figures) -> None:
    failing = [f for f in figures.failing if f[0] in CONLL_OWNED]
    assert not failing, "\n".join(f"{category}: {what}" for _, category, what in failing)
