"""`akkord export --format F` and `akkord import --format F`: every format, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from akkord.cli import main
from akkord.formats.registry import WRITERS
from tests.conftest import NORNE, needs_shared
from tests.formats.corpora import article_records, write_native


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    path = tmp / "p.akkord"
    assert run("init", str(path))[0] == 0
    source = write_native(tmp / "s.jsonl", *article_records())
    assert run("import", str(path), str(source))[0] == 0
    return path


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_export_every_format(project: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out{WRITERS[fmt].suffix}"
    code, stdout, stderr = run("export", str(project), "--format", fmt, "--out", str(out),
                               "--annotator", "gold", "--seed", "3", "--split", "1/1/0")
    assert code == 0, stderr
    assert f"Exported 2 document(s) as {fmt}" in stdout and out.exists()
    if fmt in ("conll", "spacy"):
        assert "Note: overlapping mentions" in stderr


def test_help_lists_the_formats() -> None:
    code, out, _ = run("export", "--help")
    assert code == 0
    for fmt in WRITERS:
        assert f"  {fmt} " in out
    code, out, _ = run("import", "--help")
    assert "--add-labels" in out and "conllu" in out


def test_bad_options_are_messages_not_tracebacks(project: Path, tmp_path: Path) -> None:
    code, _, err = run("export", str(project), "--format", "hf", "--out", str(tmp_path / "h"),
                       "--split", "80/20")
    assert code == 2 and "TRAIN/VALIDATION/TEST" in err
    code, _, err = run("export", str(project), "--format", "tables", "--out",
                       str(tmp_path / "t"), "--annotator", "nobody")
    assert code == 1 and "no annotator called nobody" in err and "Traceback" not in err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x", encoding="utf-8")
    code, _, err = run("export", str(project), "--format", "brat", "--out",
                       str(tmp_path / "full"))
    assert code == 1 and "holds other files" in err
    code, _, err = run("import", str(project), str(tmp_path / "full"), "--format", "excel")
    assert code == 2 and "'excel' is not one of" in err


def test_import_norne_adding_labels_then_export_conll(tmp_path: Path) -> None:
    norne = needs_shared(NORNE / "no_bokmaal-ud-test.conllu")
    project = tmp_path / "n.akkord"
    run("init", str(project))
    code, _, err = run("import", str(project), str(norne))
    assert code == 1 and "--add-labels" in err
    labels = ("PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV")
    assert all(f"label '{label}' is not in the project's schema" in err for label in labels)
    code, out, err = run("import", str(project), str(norne), "--map", "PER=ACTOR",
                         "--add-labels", "--annotator", "norne")
    # NorNE has no document markers: cut at paragraphs; one mention per B- tag, and no time
    # suggestions (annotated data comes as it is)
    assert code == 0 and "Imported 138 new document(s)" in out and "1383 mention(s)," in out
    assert "Added to the schema: PROD, GPE_LOC" in err and "PER" not in err.split(":")[-1]
    code, out, _ = run("export", str(project), "--format", "conll", "--out",
                       str(tmp_path / "n.conll"), "--annotator", "norne", "--label", "ACTOR")
    assert code == 0
    tags = {line.split()[-1] for line in (tmp_path / "n.conll").read_text("utf-8").splitlines()
            if line.strip() and not line.startswith("-DOCSTART-")}
    assert tags == {"O", "B-ACTOR", "I-ACTOR"}


def test_import_doccano_needs_its_format(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Nato svarte.", "label": [[0, 4, "ACTOR"]]}) + "\n",
                    encoding="utf-8")
    code, out, _ = run("import", str(project), str(path), "--format", "doccano",
                       "--annotator", "ola")
    assert code == 0 and "1 mention(s)" in out
