"""Property tests of the readers: any JSON value at any key is a record or a problem.

The fuzzer (``make fuzz``) mutates whole files through the whole import; these tests ask
hypothesis for the nastiest JSON values at every key of a small valid record of each JSON
format, and check that what the reader yields is either a :class:`Problem` or a record whose
fields have exactly the types the rest of Akkord relies on (typed, total parsing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akkord.formats.brat import read_brat
from akkord.formats.conll import read_conll
from akkord.formats.doccano import read_doccano
from akkord.formats.jsonl import read_jsonl
from akkord.formats.labelstudio import read_labelstudio
from akkord.formats.records import (
    DocumentRecord,
    EntityRecord,
    HeaderRecord,
    Problem,
    Record,
    ValueRecord,
)

TEXT = "Nato og Russland 😀 møtes i Genève."
NATIVE = [
    {"type": "akkord", "version": 1, "schema": "x", "annotators": ["gold"]},
    {"type": "entity", "key": "actor/nato", "kind": "actor", "name": "Nato",
     "aliases": ["Natos"], "values": [
         {"attribute": "date", "date": "2022-01", "certainty": "probable", "preferred": False,
          "evidence": {"document": "abc", "span": "T1"}},
         {"attribute": "n", "number": 1.5}, {"attribute": "f", "flag": True},
         {"attribute": "r", "ref": "x", "role": "host"}]},
    {"id": "d1", "text": TEXT, "meta": {"title": "T", "date": "2022-01", "x": {"y": [1]}},
     "parts": [["title", 0, 4]], "states": {"gold": "done"},
     "spans": [{"id": "T1", "start": 0, "end": 4, "label": "ACTOR", "annotator": "gold",
                "status": "manual", "entity": "actor/nato",
                "values": [{"attribute": "kind", "text": "x"}]},
               {"id": 2, "start": 8, "end": 16, "label": "ACTOR"}],
     "relations": [{"from_id": "T1", "to_id": 2, "type": "claimant", "annotator": "gold"}]},
]
DOCCANO = {"id": 1, "text": TEXT, "label": [[0, 4, "ACTOR"], [8, 16, "ACTOR"]],
           "entities": [{"id": 1, "label": "ACTOR", "start_offset": 0, "end_offset": 4},
                        {"id": 2, "label": "ACTOR", "start_offset": 8, "end_offset": 16}],
           "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "x"}],
           "meta": {"title": "T", "date": "2022-01"}, "extra": [1]}
LABELSTUDIO = {"id": 3, "data": {"text": TEXT, "title": "T", "date": "2022-01",
                                 "external_id": "e1"},
               "annotations": [{"id": 1, "was_cancelled": False, "completed_by": {"email": "a@b"},
                                "result": [
                   {"id": "a", "type": "labels", "value": {"start": 0, "end": 4,
                                                           "labels": ["ACTOR"], "text": "Nato"}},
                   {"id": "b", "type": "labels", "value": {"start": 19, "end": 25,
                                                           "labels": ["ACTOR"]}},
                   {"type": "relation", "from_id": "a", "to_id": "b", "direction": "left",
                    "labels": ["x"]}]},
                   {"id": 2, "completed_by": 7, "result": []}],
               "predictions": [{"result": [{"id": "p", "type": "labels", "value": {
                   "start": 8, "end": 16, "labels": ["ACTOR"]}}]}]}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 63), max_value=2 ** 64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=6)
SETTINGS = settings(max_examples=250, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += [(*prefix, key), *_paths(value, (*prefix, key))]
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out += [(*prefix, i), *_paths(value, (*prefix, i))]
    return out


def _mutated(data: st.DataObject, record: Any) -> Any:
    copy = json.loads(json.dumps(record))
    path = data.draw(st.sampled_from(_paths(copy)))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(JSON)
    return copy


def _typed_value(value: ValueRecord) -> None:
    assert isinstance(value.attribute, str) and value.attribute
    for name in ("text", "ref", "role"):
        assert getattr(value, name) is None or isinstance(getattr(value, name), str)
    assert value.flag is None or isinstance(value.flag, bool)
    assert value.number is None or (isinstance(value.number, int | float)
                                    and not isinstance(value.number, bool))
    assert isinstance(value.preferred, bool)


def _typed(items: list[Record]) -> None:
    """Every record has the types the importer relies on (nothing unhashable, no dicts
    where strings go)."""
    for item in items:
        if isinstance(item, Problem):
            assert isinstance(item.message, str) and item.message
            continue
        if isinstance(item, HeaderRecord):
            assert item.schema is None or isinstance(item.schema, str)
            assert all(isinstance(a, str) for a in item.annotators)
        elif isinstance(item, EntityRecord):
            assert all(isinstance(v, str) and v for v in (item.key, item.kind, item.name))
            assert all(isinstance(a, str) for a in item.aliases)
            for value in item.values:
                _typed_value(value)
        else:
            assert isinstance(item, DocumentRecord)
            assert isinstance(item.text, str) and item.text
            for field in (item.title, item.source, item.external_id):
                assert field is None or isinstance(field, str)
            assert isinstance(item.meta, dict)
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in item.states.items())
            ids = set()
            for span in item.spans:
                assert type(span.start) is int and type(span.end) is int
                assert 0 <= span.start < span.end <= len(item.text)
                assert isinstance(span.label, str) and isinstance(span.status, str)
                assert span.annotator is None or isinstance(span.annotator, str)
                assert span.entity is None or isinstance(span.entity, str)
                ids.add(span.id)
                for value in span.values:
                    _typed_value(value)
            for rel in item.relations:
                assert rel.head in ids and rel.tail in ids and isinstance(rel.type, str)
            for part in item.parts:
                assert 0 <= part.start <= part.end <= len(item.text)


@SETTINGS
@given(data=st.data())
def test_native_jsonl_any_value_at_any_key(tmp_path: Path, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(NATIVE) - 1))
    lines = list(NATIVE)
    lines[index] = _mutated(data, lines[index])
    path = tmp_path / "n.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    _typed(list(read_jsonl(path)))


@SETTINGS
@given(data=st.data())
def test_doccano_any_value_at_any_key(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(_mutated(data, DOCCANO)) + "\n", encoding="utf-8")
    _typed(list(read_doccano(path)))


@SETTINGS
@given(data=st.data())
def test_labelstudio_any_value_at_any_key(tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps([_mutated(data, LABELSTUDIO)]), encoding="utf-8")
    _typed(list(read_labelstudio(path)))


@SETTINGS
@given(ann=st.lists(st.text(max_size=30), max_size=6), text=st.text(min_size=1, max_size=30))
def test_brat_any_annotation_lines(tmp_path: Path, ann: list[str], text: str) -> None:
    (tmp_path / "x.txt").write_text(text, encoding="utf-8")
    (tmp_path / "x.ann").write_text("\n".join(ann), encoding="utf-8")
    _typed(list(read_brat(tmp_path / "x.ann")))


@SETTINGS
@given(lines=st.lists(
    st.lists(st.text(alphabet=st.sampled_from("1²٣-_Nato"), max_size=4), min_size=10,
             max_size=10).map("\t".join)
    | st.text(alphabet=st.sampled_from("1²٣-_ BIO-ACTOR x#"), max_size=30), max_size=8))
def test_conll_any_lines(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "x.conllu"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _typed(list(read_conll(path)))
