"""Changing a schema document: adding labels that an imported file brings.

The schema is stored as TOML text (comments and order matter to the researcher who
wrote it), so a change appends to that text instead of re-serialising a parsed schema.
A new label is a plain ``[labels.NAME]`` table: a free shortcut key, a colour from
:data:`PALETTE` not yet used (reused once all are), no entity kind, and a description
that says where it came from. The result is parsed again, so an invalid name is
reported like any other schema problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from akkord.domain.actions import reserved_keys
from akkord.domain.schema import Schema, SchemaError, parse_schema

PALETTE = ("#17becf", "#bcbd22", "#e377c2", "#8c564b", "#7f7f7f", "#ff7f0e", "#1f77b4",
           "#2ca02c", "#d62728", "#9467bd", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
           "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79")
KEYS = "6789" + "qwertyuiopasdfghjklzxcvbnm" + "QWERTYUIOPASDFGHJKLZXCVBNM" + "0!#%&/+=-"


def _free(candidates: Sequence[str], used: set[str]) -> str:
    for candidate in candidates:
        if candidate not in used and candidate not in reserved_keys():
            used.add(candidate)
            return candidate
    raise SchemaError([f"no free shortcut key left for another label (keys: {KEYS})"])


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes (\\", \\\\, \\n, \\uXXXX) are TOML's too."""
    return json.dumps(text, ensure_ascii=False)


def _toml_key(name: str) -> str:
    """A bare key when TOML allows one, else a quoted key (the schema check names it)."""
    return name if re.fullmatch(r"[A-Za-z0-9_\-]+", name) else _toml_string(name)


def add_labels(schema: Schema, names: Sequence[str], origin: str) -> tuple[str, Schema]:
    """The schema's TOML text with ``names`` appended as labels, and its parsed schema.

    Names already in the schema are skipped. Raises :class:`SchemaError` when a name is
    not a valid label name.
    """
    keys = {label.key for label in schema.labels}
    colors = {label.color.lower() for label in schema.labels}
    known = set(schema.label_names)
    tables: list[str] = []
    for name in names:
        if name in known:
            continue
        known.add(name)
        key = _free(KEYS, keys)
        unused = [c for c in PALETTE if c not in colors]
        color = unused[0] if unused else PALETTE[len(tables) % len(PALETTE)]
        colors.add(color)
        tables.append(f"\n[labels.{_toml_key(name)}]\nkey = {_toml_string(key)}\n"
                      f"color = {_toml_string(color)}\n"
                      f"description = {_toml_string(f'Added when importing {origin}')}\n")
    if not tables:
        return schema.source, schema
    text = schema.source.rstrip("\n") + "\n" + "".join(tables)
    return text, parse_schema(text, "the schema with the imported labels")
