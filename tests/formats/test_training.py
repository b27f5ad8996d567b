"""The exports train as they are: spaCy's default NER config on a spaCy export of NorNE.

This is what a researcher does with the export (``spacy init config --lang nb --pipeline
ner``, ``spacy debug data``, ``spacy train``), through spaCy's Python API, on the CPU,
with nothing downloaded. NorNE's test file comes without document markers; imported as
one document it made a spaCy export that ``debug data`` failed and that trained to
F 0.00. A few steps are enough to see the loss fall and the F score rise above zero.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from spacy.cli.debug_data import debug_data
from spacy.cli.init_config import init_config
from spacy.cli.train import train
from spacy.util import registry

from akkord.services.exporting import export
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import open_project
from tests.conftest import NORNE, needs_shared

STEPS = 100
EVERY = 50
LOGGED: list[dict[str, Any]] = []


@registry.loggers("akkord_tests.collect.v1")
def collect() -> Callable[..., Any]:
    """A spaCy training logger that keeps the NER loss and F of every evaluation."""
    def setup(_nlp: Any, _stdout: Any = sys.stdout, _stderr: Any = sys.stderr) -> Any:
        def log(info: dict[str, Any] | None) -> None:
            if info is not None:
                LOGGED.append({"step": info["step"], "loss": float(info["losses"]["ner"]),
                               "f": info["other_scores"]["ents_f"]})
        return log, lambda: None
    return setup


@pytest.fixture(scope="module")
def norne_spacy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """NorNE's test file imported and exported for spaCy; its config and paths."""
    norne = needs_shared(NORNE / "no_bokmaal-ud-test.conllu")
    tmp = tmp_path_factory.mktemp("train")
    with open_project(tmp / "norne.akkord", create=True) as project:
        report = import_paths(project, [norne], ImportOptions(add_labels=True))
        assert not report.problems
        export(project, "spacy", tmp / "corpus")
    config = init_config(lang="nb", pipeline=["ner"], optimize="efficiency", gpu=False)
    config.to_disk(tmp / "config.cfg")
    return tmp / "config.cfg", {"paths.train": str(tmp / "corpus" / "train"),
                                "paths.dev": str(tmp / "corpus" / "dev")}


def test_spacy_debug_data_finds_no_errors(norne_spacy: tuple[Path, dict[str, str]]) -> None:
    config, paths = norne_spacy
    try:
        debug_data(config, config_overrides=paths, silent=True)
    except SystemExit as exc:  # what `spacy debug data` does when a check fails
        pytest.fail(f"spacy debug data reported errors (exit {exc.code})")


def test_spacys_default_ner_config_learns_from_the_export(
        norne_spacy: tuple[Path, dict[str, str]]) -> None:
    config, paths = norne_spacy
    LOGGED.clear()
    overrides = {**paths, "training.max_steps": STEPS, "training.eval_frequency": EVERY,
                 "training.logger": {"@loggers": "akkord_tests.collect.v1"}}
    train(config, None, overrides=overrides, use_gpu=-1)
    steps = [entry["step"] for entry in LOGGED]
    assert steps == list(range(0, STEPS + 1, EVERY))
    # the loss summed over each stretch of EVERY steps falls; the model finds entities
    first, last = LOGGED[1], LOGGED[-1]
    assert last["loss"] < first["loss"] / 2, LOGGED
    assert last["f"] > 0.05, LOGGED
