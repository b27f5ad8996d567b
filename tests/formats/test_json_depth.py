"""Exports never depend on how deep stored metadata nests (issue 9, item 4).

orjson refuses more than 255 levels; a project written before import bounded metadata
(or by another program) may hold deeper values, and the lossless export must still work.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from akkord.formats.writing import json_bytes, json_line
from akkord.services.exporting import export
from akkord.services.importing import import_paths
from akkord.store import open_project
from akkord.store.models import Document


def _nested(depth: int) -> object:
    value: object = {"bunn": "æøå 😀"}
    for n in range(depth):
        value = [value, n] if n % 2 else {"k": value}
    return value


@pytest.mark.parametrize("depth", [10, 300, 900])
def test_json_bytes_writes_any_depth_as_the_standard_library_would(depth: int) -> None:
    value = {"meta": _nested(depth), "tall": 2 ** 70, "x": 1.5}
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    assert json_bytes(value) == expected
    assert json_line(value) == expected + b"\n"


def test_json_bytes_is_orjson_for_everything_else() -> None:
    value = {"text": "Nato\n«sitat» 😀", "n": [1, 2.5, None, True], "d": {"a": {}}}
    assert json_bytes(value) == orjson.dumps(value)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3)))
def test_json_bytes_round_trips(value: object) -> None:
    assert json.loads(json_bytes(value)) == value


def test_a_project_with_deep_metadata_exports_in_every_json_format(tmp_path: Path) -> None:
    source = tmp_path / "doc.jsonl"
    source.write_text(json.dumps({"text": "Nato møtes.", "spans": [
        {"start": 0, "end": 4, "label": "ACTOR"}]}) + "\n", encoding="utf-8")
    deep = _nested(400)
    with open_project(tmp_path / "p.akkord", create=True) as project:
        assert not import_paths(project, [source]).problems
        with project.write() as session:  # as an older Akkord could have stored it
            session.execute(update(Document).values(meta={"deep": deep}))
        export(project, "jsonl", tmp_path / "out.jsonl")
        export(project, "doccano", tmp_path / "out-doccano.jsonl")
        export(project, "labelstudio", tmp_path / "ls")
    native = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert native[-1]["meta"]["deep"] == deep
    doccano = json.loads((tmp_path / "out-doccano.jsonl").read_text("utf-8"))
    assert doccano["meta"]["deep"] == deep
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text("utf-8"))
    assert tasks[0]["data"]["deep"] == deep
