"""Offices in the schema (a dated ref attribute of holders) and who holds one on a date."""

from __future__ import annotations

from pathlib import Path

import pytest

from akkord.domain.dates import PartialDate
from akkord.domain.offices import Term, holder_on
from akkord.domain.schema import SchemaError, parse_schema
from akkord.formats.jsonl import write_jsonl
from akkord.formats.records import EntityRecord, HeaderRecord, ValueRecord
from akkord.resources import default_schema_text
from akkord.services.exporting import export_jsonl
from akkord.services.importing import import_paths
from akkord.store import open_project
from tests.services.editing import create_entity, set_attribute

SCHEMA = """
[labels.ACTOR]
key = "1"
color = "#3b7dd8"
entity = "actor"

[entities.actor]
office = "holders"

[entities.actor.attributes.holders]
type = "ref"
kind = "actor"
many = true
dated = true
"""


def test_the_default_schema_declares_offices() -> None:
    actor = parse_schema(default_schema_text()).kind("actor")
    assert actor.office == "holders" and actor.attribute("holders").dated
    assert "office" in actor.attribute("kind").values


def test_an_office_needs_a_dated_list_of_references() -> None:
    assert parse_schema(SCHEMA).kind("actor").office == "holders"
    with pytest.raises(SchemaError) as error:
        parse_schema(SCHEMA.replace("dated = true", "dated = false")
                     .replace('office = "holders"', 'office = "holders"\n') +
                     '\n[entities.actor.attributes.title]\ntype = "text"\ndated = true\n')
    assert any("entities.actor.office" in p and "dated = true" in p
               for p in error.value.problems)
    assert any("title.dated: only a ref attribute" in p for p in error.value.problems)
    with pytest.raises(SchemaError, match="no ref attribute 'chiefs'"):
        parse_schema(SCHEMA.replace('office = "holders"', 'office = "chiefs"'))


def term(holder: int, value: str | None) -> Term:
    return Term(holder, PartialDate.parse(value) if value else None)


def test_the_holder_is_whoever_held_the_office_on_the_whole_date() -> None:
    terms = [term(1, "2014-10-01/2024-09-30"), term(2, "2024-10-01/2030-12-31")]
    assert holder_on(terms, PartialDate.parse("2022-01-12")) == 1
    assert holder_on(terms, PartialDate.parse("2022-01")) == 1
    assert holder_on(terms, PartialDate.parse("2025-W03")) == 2
    assert holder_on(terms, PartialDate.parse("2024")) is None  # the office changed hands
    assert holder_on(terms, None) is None
    assert holder_on(terms, PartialDate.parse("2010")) is None
    assert holder_on([term(3, None)], PartialDate.parse("2022")) == 3
    assert holder_on([term(3, None), term(4, "2020/2023")], PartialDate.parse("2022")) == 4


def test_a_dated_reference_survives_the_native_format(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    entities = [
        EntityRecord("actor/jens-stoltenberg", "actor", "Jens Stoltenberg"),
        EntityRecord("actor/nato-sg", "actor", "Natos generalsekretær", values=[
            ValueRecord("kind", text="office"),
            ValueRecord("holders", ref="actor/jens-stoltenberg",
                        date=PartialDate.parse("2014-10-01/2024-09-30"))]),
    ]
    with source.open("wb") as out:
        write_jsonl(out, HeaderRecord(default_schema_text(), ["gold"]), entities, [])
    with open_project(tmp_path / "p.akkord", create=True) as project:
        report = import_paths(project, [source])
        assert not report.problems, [str(p) for p in report.problems]
        export_jsonl(project, tmp_path / "out.jsonl")
    exported = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert ('{"attribute":"holders","date":"2014-10-01/2024-09-30",'
            '"ref":"actor/jens-stoltenberg"}') in exported


def test_only_a_dated_reference_carries_a_date(tmp_path: Path) -> None:
    from akkord.domain.entities import Value
    from akkord.services.annotation import Annotation, EditError

    with open_project(tmp_path / "p.akkord", create=True) as project:
        kari = Annotation(project, "kari")
        meeting = create_entity(kari, "meeting", "Møtet")
        jens = create_entity(kari, "actor", "Jens Stoltenberg")
        with pytest.raises(EditError, match="carries a date only when the attribute is dated"):
            set_attribute(kari, meeting.id, "participants",
                               [Value(ref=jens.id, date=PartialDate.parse("2022"))],
                               meeting.version)
        office = create_entity(kari, "actor", "Natos generalsekretær")
        set_attribute(kari, office.id, "holders",
                           [Value(ref=jens.id, date=PartialDate.parse("2014/2024"))],
                           office.version)
        assert kari.entity(office.id).values["holders"][0].date == PartialDate.parse(
            "2014/2024")
