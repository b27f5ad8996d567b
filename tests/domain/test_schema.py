"""The schema is data: the default file, and clear errors for a broken one."""

from __future__ import annotations

import pytest

from akkord.domain.schema import SchemaError, parse_schema
from akkord.resources import default_schema_text


def test_default_schema_is_the_negotiations_codebook() -> None:
    schema = parse_schema(default_schema_text())
    assert [(label.name, label.key, label.entity) for label in schema.labels] == [
        ("ACTOR", "1", "actor"), ("DEMAND", "2", "demand"), ("MEETING", "3", "meeting"),
        ("TIME", "4", None), ("PLACE", "5", "place")]
    actor = schema.kind("actor")
    assert actor.attribute("kind").values == (
        "person", "state", "organisation", "alliance", "government body", "group", "media",
        "office")
    assert actor.attribute("country").check("RUS") is None
    assert actor.attribute("country").check("Russia")
    demand = schema.kind("demand")
    assert demand.attribute("claimant").kind == "actor"
    assert demand.attribute("addressees").many
    assert "ultimatum" in demand.attribute("form").values
    meeting = schema.kind("meeting")
    assert meeting.attribute("participants").roles == (
        "host", "participant", "invited", "represented-by")
    assert meeting.date_attribute is not None and meeting.date_attribute.name == "date"
    assert schema.kind("actor").date_attribute is None
    assert schema.relation("claimant").allows("ACTOR", "DEMAND")
    assert not schema.relation("claimant").allows("DEMAND", "ACTOR")
    assert schema.relation("time").tails == ("MEETING", "DEMAND")
    assert schema.label("TIME").attributes[0].type == "date"
    assert schema.label_for_key("3").name == "MEETING"


def test_every_problem_is_listed_with_its_path() -> None:
    text = """
name = "broken"
[labels.A]
key = "1"
color = "red"
entity = "nothing"
typo = true
[labels.B]
key = "1"
color = "#000000"
[entities.thing.attributes.size]
type = "enum"
[entities.thing.attributes.owner]
type = "ref"
kind = "ghost"
[relations.r]
head = ["A"]
tail = ["C"]
fills = "owner"
"""
    with pytest.raises(SchemaError) as caught:
        parse_schema(text, "my.toml")
    problems = caught.value.problems
    expected = [
        "labels.A.typo: unknown setting",
        "labels.A.color: 'red' is not a colour",
        "labels.B.key: '1' is already the key of A",
        "entities.thing.attributes.size.values: an enum needs",
        "labels.A.entity: no entity kind 'nothing'",
        "entities.thing.attributes.owner.kind: no entity kind 'ghost'",
        "relations.r.tail: no label 'C'",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)
    assert str(caught.value).startswith("my.toml is not a valid Akkord schema")


def test_toml_syntax_errors_are_reported() -> None:
    with pytest.raises(SchemaError, match="not valid TOML"):
        parse_schema("[labels\n")


def test_a_schema_for_another_codebook() -> None:
    schema = parse_schema("""
name = "protests"
[labels.PROTEST]
key = "p"
color = "#aa3300"
entity = "protest"
[entities.protest.attributes.size]
type = "number"
[entities.protest.attributes.when]
type = "date"
""")
    assert schema.kind("protest").date_attribute.name == "when"
    assert schema.kind("protest").attribute("size").check(True)  # bool is not a number
    assert schema.kind("protest").attribute("size").check(1200) is None


def test_timeline_specs() -> None:
    schema = parse_schema(default_schema_text())
    meeting, demand = schema.kind("meeting").timeline, schema.kind("demand").timeline
    assert meeting is not None and demand is not None
    assert (meeting.date, meeting.lanes, meeting.style, meeting.status) == (
        "date", "participants", "bar", "status")
    assert (demand.lanes, demand.targets, demand.style) == ("claimant", "addressees", "marker")
    assert schema.kind("actor").timeline is None
    assert meeting.look("held") == "solid" and meeting.look("proposed") == "tentative"
    assert meeting.look("cancelled") == "void" and meeting.look(None) == "solid"
    assert demand.look("rejected") == "outline"


def test_timeline_looks_are_checked() -> None:
    with pytest.raises(SchemaError) as caught:
        parse_schema("""
[labels.E]
key = "e"
color = "#123456"
entity = "event"
[entities.event.timeline]
looks = { held = "sparkly", done = "solid" }
[entities.event.attributes.when]
type = "date"
[entities.event.attributes.status]
type = "enum"
values = ["held", "planned"]
""")
    problems = caught.value.problems
    assert any(p.startswith("entities.event.timeline.looks.held: 'sparkly' is not one of")
               for p in problems)
    assert any(p.startswith("entities.event.timeline.looks.done: 'done' is not a value")
               for p in problems)


def test_timeline_table_is_checked() -> None:
    with pytest.raises(SchemaError) as caught:
        parse_schema("""
[labels.E]
key = "e"
color = "#123456"
entity = "event"
[entities.event]
timeline = { lanes = "who", style = "zigzag", colour = "red" }
[entities.event.attributes.when]
type = "date"
""")
    problems = caught.value.problems
    assert any(p.startswith("entities.event.timeline.colour: unknown") for p in problems)
    assert any(p.startswith("entities.event.timeline.style:") for p in problems)
    assert any(p.startswith("entities.event.timeline.lanes: event has no ref attribute 'who'")
               for p in problems)
