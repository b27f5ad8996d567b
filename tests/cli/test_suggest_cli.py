"""``akkord suggest``: suggestions into a layer from the command line, on the demo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from akkord.cli import main
from akkord.services.demo import create_demo
from akkord.store import open_project
from akkord.store.models import Annotator, Mention


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = create_demo(tmp_path_factory.mktemp("demo") / "demo.akkord")
    return path


def suggested(project: Path, annotator: str) -> int:
    with open_project(project) as opened, opened.read() as session:
        return session.scalar(select(func.count()).select_from(Mention).join(
            Annotator, Annotator.id == Mention.annotator_id).where(
            Annotator.name == annotator, Mention.status == "suggested")) or 0


def test_known_names_go_into_the_layer_once(demo: Path) -> None:
    code, out, _ = run("suggest", str(demo), "--annotator", "kari", "--no-model",
                       "--document", "1")
    assert code == 0, out
    found = re.search(r"Suggested (\d+) mention\(s\) in 1 document\(s\) for kari: "
                      r"known names (\d+)", out)
    assert found and int(found[1]) == int(found[2]) > 10
    assert suggested(demo, "kari") == int(found[1])
    code, out, _ = run("suggest", str(demo), "--annotator", "kari", "--no-model",
                       "--document", "1")
    assert code == 0 and "Suggested 0 mention(s)" in out
    assert suggested(demo, "kari") == int(found[1])


def test_the_recommender_reports_its_f1_against_the_threshold(demo: Path) -> None:
    code, out, _ = run("suggest", str(demo), "--annotator", "gold", "--no-names",
                       "--no-occurrences", "--threshold", "0.99")
    assert code == 0, out
    assert re.search(r"Recommender: F1 0\.\d\d on \d+ held-out sentences \(threshold 0\.99\); "
                     r"below the threshold", out)
    assert "recommender 0" in out
    with open_project(demo) as opened:
        assert opened.setting("suggest.threshold") == "0.99"


def test_an_empty_layer_has_nothing_to_train_on(demo: Path) -> None:
    code, out, _ = run("suggest", str(demo), "--annotator", "nobody", "--no-names",
                       "--no-occurrences", "--document", "2")
    assert code == 0 and "Recommender: not trained" in out


def test_bad_arguments_are_refused_cleanly(demo: Path) -> None:
    code, out, err = run("suggest", str(demo), "--document", "999")
    assert code == 1 and "no document 999" in out + err and "Traceback" not in out + err
    code, _, err = run("suggest", str(demo), "--threshold", "1.5")
    assert code == 2 and "--threshold" in err
