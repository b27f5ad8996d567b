"""The timeline's geometry: every glyph of a :class:`TimelineData` as numpy arrays.

The timeline draws 100,000 items in a handful of graphics items, so nothing here is one
object per item: a *glyph* (an item drawn on one lane) is a row of parallel arrays, and
drawing, culling and hit testing are vectorised over them. No Qt here: the view turns
the arrays into pixels.

Coordinates: x is seconds since 1970-01-01 **UTC**, a day ``d`` covering
``[d 00:00, d+1 00:00)`` UTC (the date axis is told the same, so labels are calendar
days wherever the user is). y grows downwards in *row units*: each lane is a stack of
sub-rows (one unit each) so that items that overlap in time on the same lane sit above
one another instead of hiding each other; the publication strip sits above lane 0 at
``y < 0``.

Glyph groups: bars (and the faint band behind an approximately dated marker) are grouped
by (kind, look, exact) and stored sorted by group, so a layer draws each group with one
brush in one call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import cast

import numpy as np
import numpy.typing as npt

from akkord.domain.dates import Precision
from akkord.domain.schema import Look
from akkord.services.timeline import Lane, TimelineData, TimelineItem

DAY = 86_400.0
_EPOCH = date(1970, 1, 1).toordinal()
MAX_SUBROWS = 6  # beyond this, overlapping items share sub-rows (round robin)
LANE_PAD = 0.35  # empty row units between two lanes
BAR_INSET = 0.14  # a bar leaves this much of its sub-row empty above and below
PUBLICATION_TOP, PUBLICATION_BOTTOM = -1.25, -0.3  # the publication strip
OTHER_KIND = "(other)"

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def day_seconds(day: date) -> float:
    """Seconds since the epoch (UTC) at the start of ``day``."""
    return (day.toordinal() - _EPOCH) * DAY


def seconds_day(seconds: float) -> date:
    """The day (UTC) that contains ``seconds``."""
    return date.fromordinal(int(seconds // DAY) + _EPOCH)


@dataclass(frozen=True, slots=True)
class GlyphGroup:
    """What every glyph of one group shares: its kind, look and whether it is exact."""

    kind: str
    look: Look
    exact: bool
    marker: bool = False


@dataclass(frozen=True, slots=True)
class LaneRow:
    """One lane as laid out: an actor, or (collapsed) every actor of one kind value."""

    key: str  # "e<entity id>" or "k<kind value>"
    label: str
    members: tuple[int, ...]  # lane entity ids drawn here
    top: float
    rows: int  # sub-rows
    activity: int

    @property
    def bottom(self) -> float:
        return self.top + self.rows

    @property
    def center(self) -> float:
        return self.top + self.rows / 2


def _floats(values: Iterable[float]) -> Floats:
    return np.fromiter(values, dtype=np.float64)


def _ints(values: Iterable[int]) -> Ints:
    return np.fromiter(values, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Labels:
    """Where each item's name may go: after its first glyph (``x``, at height ``y``),
    up to where the next glyph on the same sub-row starts (``stop``)."""

    item: Ints
    x: Floats
    y: Floats
    stop: Floats
    marker: npt.NDArray[np.bool_]

    @classmethod
    def empty(cls) -> Labels:
        return cls(np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0),
                   np.empty(0, np.bool_))


@dataclass(slots=True)
class Geometry:
    """Parallel arrays of the glyphs; ``*_item`` index into ``items``."""

    items: list[TimelineItem]
    rows: list[LaneRow]
    row_of: dict[int, int]  # lane entity id → index into rows
    groups: list[GlyphGroup]
    bar_item: Ints
    bar_x0: Floats
    bar_x1: Floats
    bar_y0: Floats
    bar_y1: Floats
    bar_slices: list[tuple[int, int, int]]  # (start, stop, group index), bars sorted by group
    mark_item: Ints
    mark_x: Floats
    mark_y: Floats
    mark_group: Ints
    seg_item: Ints
    seg_x: Floats
    seg_y0: Floats
    seg_y1: Floats
    pub_doc: Ints
    pub_x0: Floats
    pub_x1: Floats
    pub_exact: npt.NDArray[np.bool_]
    height: float
    index_of: dict[int, int] = field(default_factory=dict)  # entity id → item index
    labels: Labels = field(default_factory=Labels.empty)

    @property
    def x_bounds(self) -> tuple[float, float] | None:
        """The x extent of everything drawn, or ``None`` when nothing is."""
        lows = [a.min() for a in (self.bar_x0, self.mark_x, self.pub_x0) if a.size]
        highs = [a.max() for a in (self.bar_x1, self.mark_x, self.pub_x1) if a.size]
        return (float(min(lows)), float(max(highs))) if lows else None

    def glyph_bounds(self, item_index: int) -> tuple[float, float, float, float] | None:
        """(x0, x1, y0, y1) around every glyph of one item."""
        bars = self.bar_item == item_index
        marks = self.mark_item == item_index
        xs = np.concatenate([self.bar_x0[bars], self.bar_x1[bars], self.mark_x[marks]])
        ys = np.concatenate([self.bar_y0[bars], self.bar_y1[bars], self.mark_y[marks]])
        if not xs.size:
            return None
        return float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())

    def hit(self, x: float, y: float, px: float, py: float, *,
            marker_radius: float = 7.0, min_bar_px: float = 2.0) -> int | None:
        """The item drawn at data point (x, y), given the size of a pixel in data units
        (``px``, ``py``); markers win over bars, exact bars over bands, then the
        narrowest. Vectorised over all glyphs: no per-item objects are consulted."""
        py = abs(py)
        if self.mark_x.size:
            dx = np.abs(self.mark_x - x) / px
            dy = np.abs(self.mark_y - y) / py
            near = (dx <= marker_radius) & (dy <= marker_radius)
            if near.any():
                candidates = np.flatnonzero(near)
                best = candidates[np.argmin((dx * dx + dy * dy)[candidates])]
                return int(self.mark_item[best])
        if self.bar_x0.size:
            right = np.maximum(self.bar_x1, self.bar_x0 + min_bar_px * px)
            inside = ((self.bar_x0 - px <= x) & (x <= right + px)
                      & (self.bar_y0 <= y) & (y <= self.bar_y1))
            if inside.any():
                candidates = np.flatnonzero(inside)
                exact = np.array([self.groups[g].exact for g in self._bar_groups()[candidates]])
                width = (self.bar_x1 - self.bar_x0)[candidates]
                best = candidates[np.lexsort((width, ~exact))[0]]
                return int(self.bar_item[best])
        return None

    def hit_publication(self, x: float, y: float, px: float) -> int | None:
        """The document whose publication tick is at (x, y), if any."""
        if not self.pub_x0.size or not PUBLICATION_TOP <= y <= PUBLICATION_BOTTOM:
            return None
        right = np.maximum(self.pub_x1, self.pub_x0 + 3 * px)
        inside = np.flatnonzero((self.pub_x0 - 2 * px <= x) & (x <= right + 2 * px))
        if not inside.size:
            return None
        width = (self.pub_x1 - self.pub_x0)[inside]
        return int(self.pub_doc[inside[np.argmin(width)]])

    def _bar_groups(self) -> Ints:
        out = np.empty(self.bar_x0.size, dtype=np.int64)
        for start, stop, group in self.bar_slices:
            out[start:stop] = group
        return out

    def item_of(self, entity_id: int) -> TimelineItem | None:
        index = self.index_of.get(entity_id)
        return self.items[index] if index is not None else None


# -- layout -----------------------------------------------------------------------------

def lane_rows(data: TimelineData, collapsed: bool) -> list[tuple[str, str, tuple[int, ...],
                                                              int]]:
    """(key, label, member entity ids, activity) of each row, most active first.

    Collapsed, the lanes of one kind value (every "state") share one row labelled with
    the kind value and its number of lanes.
    """
    if not collapsed:
        return [(f"e{lane.entity_id}", lane.name, (lane.entity_id,), lane.activity)
                for lane in data.lanes]
    groups: dict[str, list[Lane]] = defaultdict(list)
    for lane in data.lanes:
        groups[lane.kind_value or OTHER_KIND].append(lane)
    activity = {value: _distinct_items(data.items, {lane.entity_id for lane in lanes})
                for value, lanes in groups.items()}
    order = sorted(groups, key=lambda v: (-activity[v], v == OTHER_KIND, v))
    return [(f"k{value}", f"{value} ({len(groups[value])})",
             tuple(lane.entity_id for lane in groups[value]), activity[value])
            for value in order]


def _distinct_items(items: Sequence[TimelineItem], members: set[int]) -> int:
    return sum(1 for item in items if not members.isdisjoint(item.lanes))


def _pack(rows: Ints, starts: Floats, stops: Floats) -> Ints:
    """Greedy interval packing of glyphs into sub-rows, lane by lane.

    In start order, a glyph takes the first sub-row of its lane that is free by then;
    with :data:`MAX_SUBROWS` taken, the one that frees up first (glyphs then overlap,
    the price of keeping a crowded lane readable).
    """
    out = np.zeros(rows.size, dtype=np.int64)
    order = np.lexsort((starts, rows))
    current, ends = -1, list[float]()
    for position, row, start, stop in zip(order.tolist(), rows[order].tolist(),
                                          starts[order].tolist(), stops[order].tolist(),
                                          strict=True):
        if row != current:
            current, ends = row, []
        free = next((sub for sub, end in enumerate(ends) if end <= start), -1)
        if free < 0:
            if len(ends) < MAX_SUBROWS:
                ends.append(stop)
                out[position] = len(ends) - 1
                continue
            free = ends.index(min(ends))
        ends[free] = max(ends[free], stop)
        out[position] = free
    return out


@dataclass(frozen=True, slots=True)
class _Items:
    """Per-item arrays (index = position in ``TimelineData.items``)."""

    x0: Floats
    x1: Floats
    marker: npt.NDArray[np.bool_]
    band_group: Ints  # group of its bar or band
    marker_group: Ints  # group of its marker (markers only)
    groups: list[GlyphGroup]

    @classmethod
    def of(cls, items: Sequence[TimelineItem]) -> _Items:
        index: dict[tuple[str, str, bool, bool], int] = {}
        band, mark = [], []
        for item in items:
            exact = item.precision is Precision.DAY
            band.append(index.setdefault((item.kind, item.look, exact, False), len(index)))
            mark.append(index.setdefault((item.kind, item.look, exact, True), len(index))
                        if item.style == "marker" else -1)
        groups = [GlyphGroup(kind, cast(Look, look), exact, marker)
                  for kind, look, exact, marker in index]
        used = sorted({*band, *(m for m in mark if m >= 0)})
        renumber = {old: new for new, old in enumerate(used)}
        n = len(items)
        earliest = np.fromiter((i.earliest.toordinal() for i in items), np.float64, count=n)
        latest = np.fromiter((i.latest.toordinal() for i in items), np.float64, count=n)
        return cls(
            x0=(earliest - _EPOCH) * DAY, x1=(latest - _EPOCH + 1) * DAY,
            marker=np.fromiter((i.style == "marker" for i in items), dtype=np.bool_,
                               count=len(items)),
            band_group=_ints(renumber[g] for g in band),
            marker_group=_ints(renumber.get(g, -1) for g in mark),
            groups=[groups[g] for g in used])


def build_geometry(data: TimelineData, collapsed: bool = False) -> Geometry:
    """Lay out ``data``: rows, sub-rows, and every glyph's rectangle or point.

    Vectorised where it counts: one Python pass collects (item, row) pairs and one
    packs them; everything else is numpy over the pairs.
    """
    items = data.items
    row_specs = lane_rows(data, collapsed)
    row_of = {member: index for index, (_k, _l, members, _a) in enumerate(row_specs)
              for member in members}
    per_item = _Items.of(items)
    pair_item: list[int] = []
    pair_row: list[int] = []
    for index, item in enumerate(items):
        for row in dict.fromkeys(row_of[lane] for lane in item.lanes if lane in row_of):
            pair_item.append(index)
            pair_row.append(row)
    p_item, p_row = np.array(pair_item, dtype=np.int64), np.array(pair_row, dtype=np.int64)
    x0, x1, marker = per_item.x0[p_item], per_item.x1[p_item], per_item.marker[p_item]
    middle = (x0 + x1) / 2
    # the x interval a glyph keeps to itself on its sub-row (markers need elbow room)
    starts = np.where(marker, np.minimum(x0, middle - 1.5 * DAY), x0 - 0.25 * DAY)
    stops = np.where(marker, np.maximum(x1, middle + 1.5 * DAY), x1 + 0.25 * DAY)
    sub = _pack(p_row, starts, stops)
    counts = np.ones(len(row_specs), dtype=np.int64)
    if sub.size:
        np.maximum.at(counts, p_row, sub + 1)
    tops: Floats = np.concatenate([[0.0], np.cumsum(counts + LANE_PAD)[:-1]])
    rows = [LaneRow(key, label, members, float(tops[i]), int(counts[i]), activity)
            for i, (key, label, members, activity) in enumerate(row_specs)]
    y: Floats = tops[p_row] + sub
    height = float(tops[-1] + counts[-1]) if counts.size else 0.0
    return _glyphs(data, per_item, rows, row_of, p_item, p_row, y, height)


def _glyphs(data: TimelineData, per_item: _Items, rows: list[LaneRow],
            row_of: dict[int, int], p_item: Ints, p_row: Ints, y: Floats,
            height: float) -> Geometry:
    items = data.items
    exact = np.fromiter((i.precision is Precision.DAY for i in items), dtype=np.bool_,
                        count=len(items))
    marker = per_item.marker[p_item]
    is_bar = ~marker | ~exact[p_item]
    bars = np.flatnonzero(is_bar)
    bars = bars[np.argsort(per_item.band_group[p_item[bars]], kind="stable")]
    bar_group = per_item.band_group[p_item[bars]]
    starts = np.flatnonzero(np.diff(bar_group, prepend=-1))
    stops = np.append(starts[1:], bar_group.size) if starts.size else starts
    marks = np.flatnonzero(marker)
    mark_x = (per_item.x0[p_item[marks]] + per_item.x1[p_item[marks]]) / 2
    segs = _segments(items, rows, row_of, p_item, p_row, y, per_item)
    pubs = data.publication_days
    geometry = Geometry(
        items=items, rows=rows, row_of=row_of, groups=per_item.groups,
        bar_item=p_item[bars], bar_x0=per_item.x0[p_item[bars]],
        bar_x1=per_item.x1[p_item[bars]], bar_y0=y[bars] + BAR_INSET,
        bar_y1=y[bars] + 1 - BAR_INSET,
        bar_slices=[(int(a), int(b), int(bar_group[a]))
                    for a, b in zip(starts, stops, strict=True)],
        mark_item=p_item[marks], mark_x=mark_x, mark_y=y[marks] + 0.5,
        mark_group=per_item.marker_group[p_item[marks]],
        seg_item=segs[0], seg_x=segs[1], seg_y0=segs[2], seg_y1=segs[3],
        pub_doc=_ints(p.doc_id for p in pubs),
        pub_x0=_floats(day_seconds(p.earliest) for p in pubs),
        pub_x1=_floats(day_seconds(p.latest) + DAY for p in pubs),
        pub_exact=np.fromiter((p.earliest == p.latest for p in pubs), dtype=np.bool_),
        height=height, index_of={item.entity_id: i for i, item in enumerate(items)})
    geometry.labels = _labels(geometry)
    return geometry


def _segments(items: Sequence[TimelineItem], rows: list[LaneRow], row_of: dict[int, int],
              p_item: Ints, p_row: Ints, y: Floats, per_item: _Items
              ) -> tuple[Ints, Floats, Floats, Floats]:
    """A line from each glyph of an item with targets to each target's lane centre."""
    centers = np.array([row.center for row in rows])
    seg_pair: list[int] = []
    seg_row: list[int] = []
    for pair in np.flatnonzero(np.fromiter((bool(items[i].targets) for i in p_item.tolist()),
                                           dtype=np.bool_, count=p_item.size)).tolist():
        own = int(p_row[pair])
        for target in items[int(p_item[pair])].targets:
            row = row_of.get(target)
            if row is not None and row != own:
                seg_pair.append(pair)
                seg_row.append(row)
    pairs = np.array(seg_pair, dtype=np.int64)
    if not pairs.size:
        return np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0)
    owners = p_item[pairs]
    return (owners, (per_item.x0[owners] + per_item.x1[owners]) / 2, y[pairs] + 0.5,
            centers[np.array(seg_row, dtype=np.int64)])


def _labels(geometry: Geometry) -> Labels:
    """One label per item, after its first glyph (top-most lane): markers are labelled at
    the marker, bars at their right end; the room ends where the next glyph on the same
    sub-row starts."""
    g = geometry
    marked = np.zeros(len(g.items), dtype=np.bool_)
    marked[g.mark_item] = True
    bars = np.flatnonzero(~marked[g.bar_item])  # a marker's band is not labelled
    sub_row = np.concatenate([np.round(g.bar_y0[bars] - BAR_INSET, 3),
                              np.round(g.mark_y - 0.5, 3)])
    start = np.concatenate([g.bar_x0[bars], g.mark_x])
    if not start.size:
        return Labels.empty()
    item = np.concatenate([g.bar_item[bars], g.mark_item])
    x = np.concatenate([g.bar_x1[bars], g.mark_x])
    y = np.concatenate([(g.bar_y0[bars] + g.bar_y1[bars]) / 2, g.mark_y])
    is_marker = np.concatenate([np.zeros(bars.size, np.bool_), np.ones(g.mark_x.size, np.bool_)])
    order = np.lexsort((start, sub_row))
    sub_row, start = sub_row[order], start[order]
    same_row = np.append(sub_row[1:] == sub_row[:-1], False)
    stop = np.where(same_row, np.append(start[1:], np.inf), np.inf)
    # the first glyph of each item in (sub-row, start) order
    item = item[order]
    _unique, first = np.unique(item, return_index=True)
    first.sort()
    return Labels(item=item[first], x=x[order][first], y=y[order][first], stop=stop[first],
                  marker=is_marker[order][first])
