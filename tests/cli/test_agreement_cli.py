"""``akkord agreement``: formats, files, errors; and the HTML report's escaping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from akkord.cli import main
from akkord.store import open_project
from tests.services.agreement_data import ANNA, OLA, PER, build


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project:
        build(project, tmp_path, [ANNA, OLA, PER])
    return path


def _run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_json_rows_have_the_agreed_shape(project_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    result = _run("agreement", str(project_path), "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert all(set(r) == {"measure", "label", "annotators", "document", "value"} for r in rows)
    measures = {r["measure"] for r in rows}
    assert {"span_f1_exact", "span_f1_overlap", "token_kappa", "alpha_unitized", "muc", "b3",
            "ceaf_e", "lea", "date_exact", "date_overlap", "relation_f1",
            "record_slots"} <= measures
    overall = [r for r in rows if r["measure"] == "span_f1_exact" and r["label"] == "ALL"
               and r["annotators"] == ["anna", "per"]]
    assert overall == [{"measure": "span_f1_exact", "label": "ALL",
                        "annotators": ["anna", "per"], "document": None, "value": 1.0}]


def test_table_csv_and_by_document(project_path: Path) -> None:
    table = _run("agreement", str(project_path), "--annotator", "anna", "--annotator", "ola")
    assert table.exit_code == 0  # type: ignore[attr-defined]
    assert "span_f1_exact" in table.output and "anna × ola" in table.output  # type: ignore[attr-defined]
    assert "per" not in table.output  # type: ignore[attr-defined]
    csv = _run("agreement", str(project_path), "--format", "csv", "--by-document")
    lines = csv.output.splitlines()  # type: ignore[attr-defined]
    assert lines[0] == "measure,label,annotators,document,value"
    assert any(line.startswith("span_f1_exact,ALL,anna ola,1,") for line in lines)


def test_bad_input_is_a_message_not_a_traceback(project_path: Path, tmp_path: Path) -> None:
    result = _run("agreement", str(project_path), "--annotator", "anna")
    assert result.exit_code == 2 and "at least two" in result.output  # type: ignore[attr-defined]
    result = _run("agreement", str(project_path), "--annotator", "anna", "--annotator", "x")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "no annotator called x" in result.output  # type: ignore[attr-defined]
    result = _run("agreement", str(tmp_path / "missing.akkord"))
    assert result.exit_code != 0 and "Traceback" not in result.output  # type: ignore[attr-defined]


def test_html_report_is_self_contained_and_escapes_data(tmp_path: Path) -> None:
    from dataclasses import replace

    from tests.services import agreement_data as data

    evil = "<script>alert(1)</script>"
    path = tmp_path / "e.akkord"
    anna = replace(ANNA, name=f"anna{evil}")
    data.SECOND_LAYERS[anna.name] = data.SECOND_LAYERS["anna"]
    try:
        with open_project(path, create=True) as project:
            build(project, tmp_path, [anna, OLA])
    finally:
        del data.SECOND_LAYERS[anna.name]
    out = tmp_path / "r.html"
    result = _run("agreement", str(path), "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "src=" not in page and "href=" not in page  # nothing to fetch
    assert "Annotator × annotator" in page and "Label × measure" in page
    assert "<mark>Moskva</mark>" in page  # a disagreement shown in its sentence


def test_list_shows_progress_per_annotator_and_curator(project_path: Path) -> None:
    result = _run("list", str(project_path))
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "Done: anna 1/2, ola 1/2, per 1/2; curated 0/2" in result.output  # type: ignore[attr-defined]
