"""Adding imported labels to a schema document: appended, free keys and colours."""

from __future__ import annotations

import pytest

from akkord.domain.schema import SchemaError, parse_schema
from akkord.domain.schema_edit import KEYS, add_labels
from akkord.resources import default_schema_text


def test_labels_are_appended_with_free_keys_and_colours() -> None:
    schema = parse_schema(default_schema_text())
    text, extended = add_labels(schema, ["PER", "GPE_LOC", "ACTOR", "PER"], "norne.conllu")
    assert text.startswith(schema.source.rstrip("\n"))  # comments and order kept
    assert extended.label_names == (*schema.label_names, "PER", "GPE_LOC")
    keys = [label.key for label in extended.labels]
    colors = [label.color for label in extended.labels]
    assert len(set(keys)) == len(keys) and len(set(colors)) == len(colors)  # while they last
    per = extended.label("PER")
    assert per.key == "6" and per.entity is None and "norne.conllu" in per.description
    assert add_labels(extended, ["PER"], "again")[0] == text  # nothing to add


def test_many_labels_and_bad_names() -> None:
    schema = parse_schema(default_schema_text())
    names = [f"L{n}" for n in range(40)]
    _, extended = add_labels(schema, names, "big.conll")
    assert len({label.key for label in extended.labels}) == len(extended.labels)
    assert all(label.key in KEYS for label in extended.labels[5:])
    with pytest.raises(SchemaError, match="no free shortcut key"):
        add_labels(schema, [f"M{n}" for n in range(len(KEYS) + 1)], "huge.conll")
    with pytest.raises(SchemaError, match="label names are letters"):
        add_labels(schema, ["B PER"], 'odd "file".conll')
