"""The timeline service on the demo corpus, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select

from akkord.domain.dates import Precision
from akkord.services.demo import demo_sources
from akkord.services.importing import ImportOptions, import_paths
from akkord.services.timeline import (
    NO_LANE,
    TimelineData,
    TimelineFilter,
    TimelineItem,
    filter_timeline,
    load_timeline,
    mentions_of,
    sentence_around,
)
from akkord.store import Project, open_project
from akkord.store.models import Entity, EntityValue, Mention

EVENT_SCHEMA = """
[labels.P]
key = "p"
color = "#112233"
entity = "person"
[labels.E]
key = "e"
color = "#445566"
entity = "event"
[entities.person.attributes.group]
type = "enum"
values = ["band", "solo"]
[entities.event.timeline]
lanes = "who"
status = "state"
looks = { off = "void" }
[entities.event.attributes.who]
type = "ref"
kind = "person"
many = true
[entities.event.attributes.when]
type = "date"
[entities.event.attributes.state]
type = "enum"
values = ["on", "off"]
"""


def _demo(project: Project) -> Project:
    report = import_paths(project, demo_sources(), ImportOptions(all_or_nothing=True))
    assert not report.problems, report.problems[:3]
    return project


@pytest.fixture
def demo(project: Project) -> Project:
    """The demo corpus imported into a fresh project (each backend)."""
    return _demo(project)


def _load(project: Project, filters: TimelineFilter | None = None) -> TimelineData:
    with project.read() as session:
        return load_timeline(session, project.schema, filters)


def _id(project: Project, key: str) -> int:
    with project.read() as session:
        found = session.scalar(select(Entity.id).where(Entity.key == key))
    assert found is not None, key
    return found


def _item(data: TimelineData, entity_id: int) -> TimelineItem:
    return next(item for item in data.items if item.entity_id == entity_id)


def test_geneva_talks_span_two_days_on_the_usa_and_russia_lanes(demo: Project) -> None:
    data = _load(demo)
    usa, russia = _id(demo, "actor/usa"), _id(demo, "actor/russland")
    geneva = _item(data, _id(demo, "meeting/geneve-2022-01-10"))
    assert (geneva.earliest, geneva.latest) == (date(2022, 1, 9), date(2022, 1, 10))
    assert geneva.precision is Precision.DAY and geneva.exact and geneva.certain
    assert geneva.value == "2022-01-09/2022-01-10"
    assert geneva.kind == "meeting" and geneva.style == "bar"
    assert geneva.status == "held" and geneva.look == "solid"
    assert {usa, russia} <= set(geneva.lanes)
    roles = dict(zip(geneva.lanes, geneva.roles, strict=True))
    assert roles[usa] == "host" and roles[russia] == "participant"
    assert geneva.targets == ()
    assert len(geneva.documents) >= 3 and geneva.mention_count >= len(geneva.documents)


def test_demand_marker_sits_on_russias_lane_with_lines_to_nato_and_the_usa(
        demo: Project) -> None:
    data = _load(demo)
    demand = _item(data, _id(demo, "demand/no-nato-enlargement"))
    assert demand.style == "marker" and demand.kind == "demand"
    assert demand.lanes == (_id(demo, "actor/russland"),)
    assert set(demand.targets) == {_id(demo, "actor/nato"), _id(demo, "actor/usa")}
    assert (demand.earliest, demand.status, demand.look) == (date(2021, 12, 17), "rejected",
                                                            "outline")
    month = _item(data, _id(demo, "demand/written-answers"))
    assert month.precision is Precision.MONTH and not month.exact
    assert (month.earliest, month.latest) == (date(2022, 1, 1), date(2022, 1, 31))
    proposed = _item(data, _id(demo, "meeting/nrc-series-proposed"))
    assert (proposed.status, proposed.look, proposed.precision) == ("proposed", "tentative",
                                                                   Precision.WEEK)


def test_lanes_are_the_actors_sorted_by_activity(demo: Project) -> None:
    data = _load(demo)
    assert [lane.name for lane in data.lanes[:3]] == ["Russland", "USA", "Nato"]
    activities = [lane.activity for lane in data.lanes]
    assert activities == sorted(activities, reverse=True)
    russia = data.lane(_id(demo, "actor/russland"))
    assert russia is not None and russia.kind_value == "state"
    assert russia.activity == sum(russia.entity_id in i.lanes for i in data.items)
    stoltenberg = data.lane(_id(demo, "actor/jens-stoltenberg"))
    assert stoltenberg is not None and stoltenberg.kind_value == "person"
    assert len(data.items) == 34 and data.undated == 0
    assert [k.name for k in data.kinds] == ["demand", "meeting"]
    assert {k.name: k.color for k in data.kinds} == {"demand": "#d64545", "meeting": "#2e9d5b"}
    assert "held" in data.statuses and "rejected" in data.statuses
    assert data.items == sorted(data.items, key=lambda i: (i.earliest, i.latest, i.kind,
                                                           i.name, i.entity_id))


def test_publication_days_of_the_documents(demo: Project) -> None:
    data = _load(demo)
    assert len(data.publication_days) == 8 == len(data.documents)
    first = data.publication_days[0]
    assert first.precision is Precision.MONTH  # "date 2022-01": a month, not 1 January
    assert (first.earliest, first.latest) == (date(2022, 1, 1), date(2022, 1, 31))
    days = [p.day for p in data.publication_days]
    assert days == sorted(days) and days[-1] == date(2022, 1, 27)
    assert data.span == (date(2021, 12, 1), date(2022, 2, 6))


def test_filters_reduce_items(demo: Project) -> None:
    data = _load(demo)
    russia, germany = _id(demo, "actor/russland"), _id(demo, "actor/tyskland")
    meetings = _load(demo, TimelineFilter(kinds=frozenset({"meeting"})))
    assert len(meetings.items) == 18 and {i.kind for i in meetings.items} == {"meeting"}
    proposed = filter_timeline(data, TimelineFilter(statuses=frozenset({"proposed"})))
    assert [i.status for i in proposed.items] == ["proposed"]
    german = filter_timeline(data, TimelineFilter(actor_ids=frozenset({germany})))
    assert german.items and all(germany in i.lanes + i.targets for i in german.items)
    assert len(german.items) < len(data.items)
    assert german.lanes[0].entity_id in {germany, russia}  # lanes recounted for the subset
    january = filter_timeline(data, TimelineFilter(start=date(2022, 1, 12),
                                                   end=date(2022, 1, 13)))
    assert january.items and all(i.latest >= date(2022, 1, 12)
                                 and i.earliest <= date(2022, 1, 13) for i in january.items)
    assert any(i.earliest < date(2022, 1, 12) for i in january.items)  # overlapping series
    assert [p.doc_id for p in january.publication_days] == [1, 4, 5]
    one_doc = filter_timeline(data, TimelineFilter(document_ids=frozenset({8})))
    assert one_doc.items and all(8 in i.documents for i in one_doc.items)
    assert [p.doc_id for p in one_doc.publication_days] == [8]
    nothing = filter_timeline(data, TimelineFilter(kinds=frozenset()))
    assert nothing.items == [] and nothing.lanes == []


def test_mentions_of_an_entity_with_their_sentences(demo: Project) -> None:
    geneva = _id(demo, "meeting/geneve-2022-01-10")
    with demo.read() as session:
        found = mentions_of(session, geneva)
        expected = session.scalar(select(Mention.id).where(Mention.entity_id == geneva)
                                  .limit(1))
    assert expected is not None and len(found) >= 5
    assert [(m.doc_id, m.start) for m in found] == sorted((m.doc_id, m.start) for m in found)
    for mention in found:
        inside = mention.sentence[mention.start - mention.sentence_start:
                                  mention.end - mention.sentence_start]
        assert inside and mention.sentence_start <= mention.start
        assert mention.label == "MEETING" and mention.title
    with demo.read() as session:
        assert mentions_of(session, 10**9) == []


def test_sentences_do_not_end_at_ordinal_dates() -> None:
    text = ("Første setning. Møtet holdes 17. desember i Genève, sa han. Neste setning.\n"
            "Ny linje")
    start = text.index("Genève")
    begin, end = sentence_around(text, start, start + len("Genève"))
    assert text[begin:end] == "Møtet holdes 17. desember i Genève, sa han."
    start = text.index("Ny")
    assert text[slice(*sentence_around(text, start, start + 2))] == "Ny linje"


def test_a_handful_of_queries_whatever_the_number_of_entities(demo: Project) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(demo.db.engine, "before_cursor_execute", count)
    try:
        _load(demo)
    finally:
        event.remove(demo.db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 10


@contextmanager
def _schema_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    path = tmp_path_factory.mktemp("event") / "event.akkord"
    with open_project(path, create=True, schema_text=EVENT_SCHEMA) as project:
        yield project


def test_any_schema_with_a_dated_kind_is_drawn(tmp_path_factory: pytest.TempPathFactory
                                               ) -> None:
    """No kind, attribute or status is known by name: the schema's timeline table says."""
    with _schema_project(tmp_path_factory) as project:
        with project.write() as session:
            ann = Entity(key="person/ann", kind="person", name="Ann")
            bob = Entity(key="person/bob", kind="person", name="Bob")
            gig = Entity(key="event/gig", kind="event", name="Gig")
            lone = Entity(key="event/lone", kind="event", name="Lone")
            undated = Entity(key="event/undated", kind="event", name="Someday")
            session.add_all([ann, bob, gig, lone, undated])
            session.flush()
            session.add_all([
                EntityValue(entity_id=ann.id, attribute="group", text="band"),
                EntityValue(entity_id=gig.id, attribute="who", ref_id=ann.id, position=0),
                EntityValue(entity_id=gig.id, attribute="who", ref_id=bob.id, position=1),
                # two dates: the preferred one wins over the first
                EntityValue(entity_id=gig.id, attribute="when", date_value="2020-05",
                            date_earliest=date(2020, 5, 1), date_latest=date(2020, 5, 31),
                            date_precision="month", preferred=False, position=0),
                EntityValue(entity_id=gig.id, attribute="when", date_value="2020-05-02",
                            date_earliest=date(2020, 5, 2), date_latest=date(2020, 5, 2),
                            date_precision="day", date_certainty="probable", preferred=True,
                            position=1),
                EntityValue(entity_id=gig.id, attribute="state", text="off"),
                EntityValue(entity_id=lone.id, attribute="when", date_value="2020-SU",
                            date_earliest=date(2020, 6, 1), date_latest=date(2020, 8, 31),
                            date_precision="season"),
            ])
        data = _load(project)
    assert data.undated == 1 and [k.name for k in data.kinds] == ["event"]
    gig_item = next(i for i in data.items if i.name == "Gig")
    assert (gig_item.value, gig_item.certain) == ("2020-05-02", False)
    assert (gig_item.status, gig_item.look, gig_item.style) == ("off", "void", "bar")
    lone_item = next(i for i in data.items if i.name == "Lone")
    assert lone_item.lanes == (NO_LANE,) and lone_item.precision is Precision.SEASON
    assert data.names[NO_LANE] == "(no person)"
    assert {lane.name: lane.kind_value for lane in data.lanes} == {
        "Ann": "band", "Bob": None, "(no person)": None}
