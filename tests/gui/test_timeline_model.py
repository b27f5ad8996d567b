"""The timeline geometry (numpy, no Qt): sub-rows, glyphs, lines, hit tests, labels."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from akkord.domain.dates import Precision
from akkord.domain.schema import parse_schema
from akkord.gui.timeline_model import (
    BAR_INSET,
    DAY,
    MAX_SUBROWS,
    build_geometry,
    day_seconds,
    seconds_day,
)
from akkord.resources import default_schema_text
from akkord.services.timeline import (
    Lane,
    Publication,
    TimelineData,
    TimelineItem,
    lanes_of,
    timeline_kinds,
)

KINDS = timeline_kinds(parse_schema(default_schema_text()))
NAMES = {1: "A", 2: "B", 3: "C"}
KIND_VALUES = {1: "state", 2: "state", 3: "person"}


def _item(entity_id: int, start: date, days: int = 1, *, lanes: tuple[int, ...] = (1,),
          marker: bool = False, targets: tuple[int, ...] = (),
          precision: Precision = Precision.DAY) -> TimelineItem:
    return TimelineItem(
        entity_id=entity_id, kind="demand" if marker else "meeting", name=f"item {entity_id}",
        earliest=start, latest=start + timedelta(days=days - 1), precision=precision,
        value=start.isoformat(), certain=True, status=None,
        style="marker" if marker else "bar", lanes=lanes, roles=tuple(None for _ in lanes),
        targets=targets, documents=(), mention_count=0)


def _data(*items: TimelineItem) -> TimelineData:
    ordered = sorted(items, key=lambda i: (i.earliest, i.entity_id))
    return TimelineData(items=ordered, lanes=lanes_of(ordered, NAMES, KIND_VALUES),
                        publication_days=[Publication(7, "Paper", date(2022, 1, 5),
                                                      date(2022, 1, 5), Precision.DAY)],
                        kinds=KINDS, statuses=(), names=NAMES, documents={7: "Paper"})


def test_days_are_utc_seconds() -> None:
    assert day_seconds(date(1970, 1, 2)) == DAY
    assert seconds_day(day_seconds(date(2022, 1, 9)) + 3600) == date(2022, 1, 9)


def test_overlapping_items_on_a_lane_get_their_own_sub_rows() -> None:
    jan = date(2022, 1, 9)
    geometry = build_geometry(_data(_item(10, jan, 5), _item(11, jan, 2),
                                    _item(12, jan + timedelta(days=3), 1),
                                    _item(13, jan + timedelta(days=30), 1)))
    lane = geometry.rows[0]
    assert lane.label == "A" and lane.rows == 2  # 10 on one sub-row, 11/12 share the other
    tops = {int(geometry.bar_item[i]): float(geometry.bar_y0[i]) - BAR_INSET
            for i in range(geometry.bar_item.size)}
    index = geometry.index_of
    assert tops[index[10]] != tops[index[11]] == tops[index[12]]
    assert tops[index[13]] == tops[index[10]]  # a month later: back on the first sub-row
    x0 = geometry.bar_x0[geometry.bar_item == index[10]][0]
    x1 = geometry.bar_x1[geometry.bar_item == index[10]][0]
    assert (x0, x1) == (day_seconds(jan), day_seconds(jan) + 5 * DAY)


def test_a_crowded_lane_stops_growing() -> None:
    jan = date(2022, 1, 9)
    geometry = build_geometry(_data(*(_item(10 + n, jan, 3) for n in range(20))))
    assert geometry.rows[0].rows == MAX_SUBROWS


def test_bars_on_every_lane_markers_with_lines_to_targets() -> None:
    jan = date(2022, 1, 9)
    meeting = _item(10, jan, 2, lanes=(1, 3))
    demand = _item(11, jan, marker=True, lanes=(2,), targets=(1, 3))
    fuzzy = _item(12, date(2022, 1, 1), 31, marker=True, lanes=(1,), precision=Precision.MONTH)
    geometry = build_geometry(_data(meeting, demand, fuzzy))
    index = geometry.index_of
    assert sorted(geometry.row_of[lane] for lane in (1, 3)) == sorted(
        geometry.row_of[lane] for lane in meeting.lanes)
    assert int((geometry.bar_item == index[10]).sum()) == 2  # one bar per lane
    assert int((geometry.mark_item == index[11]).sum()) == 1
    assert int((geometry.bar_item == index[11]).sum()) == 0  # exact marker: no band
    assert int((geometry.bar_item == index[12]).sum()) == 1  # approximate: a band …
    assert int((geometry.mark_item == index[12]).sum()) == 1  # … and its marker
    lines = geometry.seg_item == index[11]
    assert int(lines.sum()) == 2
    centers = {geometry.rows[geometry.row_of[t]].center for t in (1, 3)}
    assert set(geometry.seg_y1[lines].tolist()) == centers
    groups = {(g.kind, g.exact, g.marker) for g in geometry.groups}
    assert ("meeting", True, False) in groups and ("demand", False, False) in groups
    for start, stop, group in geometry.bar_slices:  # bars are stored sorted by group
        assert stop > start and geometry.groups[group].marker is False


def test_hit_test_finds_markers_then_bars() -> None:
    jan = date(2022, 1, 9)
    geometry = build_geometry(_data(_item(10, jan, 3), _item(11, jan + timedelta(days=1),
                                                             marker=True, lanes=(2,))))
    px, py = 3600.0, 0.05  # an hour and a twentieth of a row per pixel
    bar = geometry.bar_item == geometry.index_of[10]
    x = float(geometry.bar_x0[bar][0]) + DAY
    y = float(geometry.bar_y0[bar][0] + geometry.bar_y1[bar][0]) / 2
    assert geometry.items[geometry.hit(x, y, px, py) or 0].entity_id == 10
    mark = geometry.mark_item == geometry.index_of[11]
    mx, my = float(geometry.mark_x[mark][0]), float(geometry.mark_y[mark][0])
    assert geometry.items[geometry.hit(mx + 3 * px, my, px, py) or 0].entity_id == 11
    assert geometry.hit(mx + 30 * DAY, my, px, py) is None
    assert geometry.hit_publication(day_seconds(date(2022, 1, 5)) + 0.5 * DAY, -0.8, px) == 7


def test_collapsed_lanes_group_actors_by_kind() -> None:
    jan = date(2022, 1, 9)
    geometry = build_geometry(_data(_item(10, jan, 2, lanes=(1, 2)), _item(11, jan, lanes=(3,)),
                                    _item(12, jan + timedelta(days=5), lanes=(2,))),
                              collapsed=True)
    assert [row.label for row in geometry.rows] == ["state (2)", "person (1)"]  # by activity
    assert geometry.rows[0].activity == 2
    assert int((geometry.bar_item == geometry.index_of[10]).sum()) == 1  # once per row


def test_labels_stop_at_the_next_glyph() -> None:
    jan = date(2022, 1, 9)
    geometry = build_geometry(_data(_item(10, jan), _item(11, jan + timedelta(days=10))))
    labels = geometry.labels
    first = int(np.flatnonzero(labels.item == geometry.index_of[10])[0])
    assert labels.stop[first] == day_seconds(jan + timedelta(days=10))
    last = int(np.flatnonzero(labels.item == geometry.index_of[11])[0])
    assert labels.stop[last] == np.inf


def test_empty_data_has_no_glyphs() -> None:
    geometry = build_geometry(TimelineData([], [], [], KINDS, ()))
    assert geometry.rows == [] and geometry.bar_x0.size == 0 and geometry.x_bounds is None
    assert geometry.hit(0.0, 0.0, 1.0, 1.0) is None


def test_lane_without_kind_value() -> None:
    lanes = lanes_of([_item(10, date(2022, 1, 9), lanes=(1, 2))], NAMES, {})
    assert lanes == [Lane(1, "A", None, 1), Lane(2, "B", None, 1)]
