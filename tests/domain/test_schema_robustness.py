"""Schema parsing is total: any file is a schema or a SchemaError listing why (issue 9, item 11)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akkord.domain.schema import (
    MAX_SCHEMA_CHARS,
    SchemaError,
    decode_schema,
    parse_schema,
)
from akkord.resources import default_schema_text
from tests.conftest import REPO

DEFAULT = default_schema_text()


@pytest.mark.parametrize("depth", [300, 3000, 5000])
def test_deeply_nested_arrays_are_a_schema_error(depth: int) -> None:
    text = DEFAULT + "\n[extra]\nx = " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(SchemaError):
        parse_schema(text)
    nested_tables = "x = " + "{ a = " * depth + "1" + " }" * depth + "\n"
    with pytest.raises(SchemaError):
        parse_schema(nested_tables)


def test_binary_empty_and_huge_files_are_schema_errors() -> None:
    with pytest.raises(SchemaError, match="not UTF-8 text"):
        decode_schema(bytes(range(256)) * 16, "binary.toml")
    with pytest.raises(SchemaError, match="empty"):
        decode_schema(b"  \n", "empty.toml")
    huge = DEFAULT + "\n# " + "x" * MAX_SCHEMA_CHARS
    started = time.monotonic()
    with pytest.raises(SchemaError, match="Akkord reads schemas of up to 1,000,000"):
        parse_schema(huge)
    assert time.monotonic() - started < 5  # refused before it is parsed (not a benchmark)


@pytest.mark.parametrize("line", [
    'name = { a = 1 }', "description = []", "description = 5", 'name = "x\ty" ',
])
def test_wrong_types_at_the_top_are_problems(line: str) -> None:
    text = "\n".join(x for x in DEFAULT.splitlines()
                     if not x.startswith(("name =", "description =")))
    with pytest.raises(SchemaError):
        parse_schema(line + "\n" + text)


@pytest.mark.parametrize(("old", "new", "where"), [
    ('key = "1"', "key = {}", "labels.ACTOR.key"),
    ('color = "#3b7dd8"', "color = []", "labels.ACTOR.color"),
    ('entity = "actor"', "entity = []", "labels.ACTOR.entity"),
    ('entity = "actor"', "entity = 5", "labels.ACTOR.entity"),
    ('type = "enum"', "type = {}", ".type"),
    ('kind = "actor"', "kind = { x = 1 }", ".kind"),
    ('pattern = "[A-Z]{3}"', 'pattern = "a{99999999999}"', ".pattern"),
    ('pattern = "[A-Z]{3}"', "pattern = true", ".pattern"),
    ("many = true", 'many = "yes"', ".many"),
    ('fills = "claimant"', "fills = []", ".fills"),
    ('style = "marker"', "style = 5", ".style"),
    ('lanes = "claimant"', "lanes = []", ".lanes"),
    ('display = "Actor"', "display = 1.5", ".display"),
    ('[relations.claimant]', '[relations."claimant type"]', "relations.claimant type"),
    ("[labels.ACTOR]", f"[labels.{'A' * 65}]", "labels.AAAA"),
    ('roles = ["host", "participant", "invited", "represented-by"]', 'roles = ["' + "r" * 65
     + '"]', ".roles"),
])
def test_wrong_types_at_any_key_are_problems_with_their_path(old: str, new: str,
                                                             where: str) -> None:
    assert "\n" + old in DEFAULT
    with pytest.raises(SchemaError) as caught:
        parse_schema(DEFAULT.replace("\n" + old, "\n" + new, 1))
    assert any(where in p for p in caught.value.problems), caught.value.problems


def test_markup_in_descriptions_is_kept_as_plain_text() -> None:
    markup = '<img src="file:///dev/zero"> <b>fet</b> &amp; <script>x</script>'
    escaped = markup.replace('"', '\\"')
    schema = parse_schema(DEFAULT.replace(
        'description = "A person, state', f'description = "{escaped} A person, state', 1))
    assert schema.label("ACTOR").description.startswith(markup)


def test_init_with_a_binary_schema_says_so_without_a_traceback(tmp_path: Path) -> None:
    schema = tmp_path / "binary.toml"
    schema.write_bytes(bytes(range(256)) * 4)
    result = subprocess.run(
        [sys.executable, "-m", "akkord", "init", str(tmp_path / "p.akkord"), "--schema",
         str(schema)], capture_output=True, text=True, cwd=REPO,
        env={"PYTHONPATH": str(REPO / "desktop"), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 1
    assert "not UTF-8 text" in result.stderr and "Traceback" not in result.stderr


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_schema_or_a_schema_error(text: str) -> None:
    try:
        parse_schema(text)
    except SchemaError as exc:
        assert exc.problems


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8)


def _toml(value: object) -> str:
    """A TOML literal for a JSON-like value (None becomes an empty table)."""
    import json

    if value is None:
        return "{}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, int) else json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


_SETTINGS = [line for line in DEFAULT.splitlines() if " = " in line and not line.startswith("#")]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_SETTINGS), _VALUES)
def test_any_value_at_any_key_is_a_schema_or_a_schema_error(line: str, value: object) -> None:
    key = line.split(" = ")[0]
    text = DEFAULT.replace(line, f"{key} = {_toml(value)}", 1)
    try:
        parse_schema(text)
    except SchemaError as exc:
        assert exc.problems
