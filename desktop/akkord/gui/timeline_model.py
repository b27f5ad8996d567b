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

import numpy as np
import numpy.typing as npt

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


def _footprint(item: TimelineItem, x0: float, x1: float) -> tuple[float, float]:
    """The x interval an item keeps to itself on its sub-row (markers need elbow room)."""
    if item.style == "marker":
        middle = (x0 + x1) / 2
        return min(x0, middle - 1.5 * DAY), max(x1, middle + 1.5 * DAY)
    return x0 - 0.25 * DAY, x1 + 0.25 * DAY


def _pack(spans: list[tuple[float, float, int]]) -> dict[int, int]:
    """Greedy interval packing: glyph → sub-row, first free sub-row in start order; past
    :data:`MAX_SUBROWS` a glyph goes to the sub-row that frees up first."""
    ends: list[float] = []
    out: dict[int, int] = {}
    for start, stop, key in sorted(spans):
        free = next((r for r, end in enumerate(ends) if end <= start), None)
        if free is None and len(ends) < MAX_SUBROWS:
            ends.append(stop)
            out[key] = len(ends) - 1
            continue
        if free is None:
            free = min(range(len(ends)), key=ends.__getitem__)
        ends[free] = max(ends[free], stop)
        out[key] = free
    return out


def build_geometry(data: TimelineData, collapsed: bool = False) -> Geometry:
    """Lay out ``data``: rows, sub-rows, and every glyph's rectangle or point."""
    items = data.items
    row_specs = lane_rows(data, collapsed)
    row_of = {member: index for index, (_k, _l, members, _a) in enumerate(row_specs)
              for member in members}
    x0 = _floats(day_seconds(i.earliest) for i in items)
    x1 = _floats(day_seconds(i.latest) + DAY for i in items)
    placements: list[list[int]] = [[] for _ in items]  # the rows each item is drawn on
    spans: list[list[tuple[float, float, int]]] = [[] for _ in row_specs]
    for index, item in enumerate(items):
        start, stop = _footprint(item, x0[index], x1[index])
        for row in dict.fromkeys(row_of[lane] for lane in item.lanes if lane in row_of):
            spans[row].append((start, stop, index))
            placements[index].append(row)
    subrow = [_pack(row_spans) for row_spans in spans]
    rows, top = [], 0.0
    for index, (key, label, members, activity) in enumerate(row_specs):
        count = max(subrow[index].values(), default=0) + 1
        rows.append(LaneRow(key, label, members, top, count, activity))
        top += count + LANE_PAD
    return _glyphs(data, rows, row_of, placements, subrow, x0, x1,
                   height=max(top - LANE_PAD, 0.0))


def _glyphs(data: TimelineData, rows: list[LaneRow], row_of: dict[int, int],
            placements: list[list[int]], subrow: list[dict[int, int]],
            x0: Floats, x1: Floats, height: float) -> Geometry:
    items = data.items
    group_index: dict[GlyphGroup, int] = {}
    bars: list[tuple[int, int, float, float, float, float]] = []  # group, item, x0, x1, y0, y1
    marks: list[tuple[int, float, float, int]] = []  # item, x, y, group
    segs: list[tuple[int, float, float, float]] = []  # item, x, y0, y1
    for index, item in enumerate(items):
        band = GlyphGroup(item.kind, item.look, item.exact)
        marker = GlyphGroup(item.kind, item.look, item.exact, marker=True)
        for row in placements[index]:
            y = rows[row].top + subrow[row][index]
            if item.style == "bar" or not item.exact:
                group = group_index.setdefault(band, len(group_index))
                bars.append((group, index, x0[index], x1[index], y + BAR_INSET,
                             y + 1 - BAR_INSET))
            middle_x, middle_y = (x0[index] + x1[index]) / 2, y + 0.5
            if item.style == "marker":
                group = group_index.setdefault(marker, len(group_index))
                marks.append((index, middle_x, middle_y, group))
            for target in item.targets:
                target_row = row_of.get(target)
                if target_row is not None and target_row != row:
                    segs.append((index, middle_x, middle_y, rows[target_row].center))
    labels = _labels(bars, marks)
    bars.sort(key=lambda bar: bar[0])
    bar_group = _ints(b[0] for b in bars)
    starts = np.flatnonzero(np.diff(bar_group, prepend=-1))
    stops = np.append(starts[1:], bar_group.size)
    bar_slices = [(int(a), int(b), int(bar_group[a])) for a, b in zip(starts, stops,
                                                                       strict=True)]
    pubs = data.publication_days
    return Geometry(
        items=items, rows=rows, row_of=row_of, groups=list(group_index),
        bar_item=_ints(b[1] for b in bars), bar_x0=_floats(b[2] for b in bars),
        bar_x1=_floats(b[3] for b in bars), bar_y0=_floats(b[4] for b in bars),
        bar_y1=_floats(b[5] for b in bars), bar_slices=bar_slices,
        mark_item=_ints(m[0] for m in marks), mark_x=_floats(m[1] for m in marks),
        mark_y=_floats(m[2] for m in marks), mark_group=_ints(m[3] for m in marks),
        seg_item=_ints(s[0] for s in segs), seg_x=_floats(s[1] for s in segs),
        seg_y0=_floats(s[2] for s in segs), seg_y1=_floats(s[3] for s in segs),
        pub_doc=_ints(p.doc_id for p in pubs),
        pub_x0=_floats(day_seconds(p.earliest) for p in pubs),
        pub_x1=_floats(day_seconds(p.latest) + DAY for p in pubs),
        pub_exact=np.fromiter((p.earliest == p.latest for p in pubs), dtype=np.bool_),
        height=height, index_of={item.entity_id: i for i, item in enumerate(items)},
        labels=labels)


def _labels(bars: list[tuple[int, int, float, float, float, float]],
            marks: list[tuple[int, float, float, int]]) -> Labels:
    """One label per item, after its first glyph: markers (exact or not) are labelled at
    the marker, bars at their right end; room ends where the sub-row's next glyph starts."""
    # (sub-row key, start, end, item, label x, label y, is marker)
    glyphs = [(round(y0 - BAR_INSET, 3), x0, x1, item, x1, (y0 + y1) / 2, False)
              for _g, item, x0, x1, y0, y1 in bars]
    glyphs += [(round(y - 0.5, 3), x, x, item, x, y, True) for item, x, y, _g in marks]
    marked = {item for item, *_rest in marks}
    glyphs = [g for g in glyphs if g[6] or g[3] not in marked]
    if not glyphs:
        return Labels.empty()
    glyphs.sort(key=lambda g: (g[0], g[1]))
    keys = np.array([g[0] for g in glyphs])
    starts = np.array([g[1] for g in glyphs])
    same_row = np.append(keys[1:] == keys[:-1], False)
    stop = np.where(same_row, np.append(starts[1:], np.inf), np.inf)
    first: dict[int, int] = {}
    for position, glyph in enumerate(glyphs):
        first.setdefault(glyph[3], position)
    chosen = np.array(sorted(first.values()), dtype=np.int64)
    return Labels(item=_ints(glyphs[i][3] for i in chosen),
                  x=_floats(glyphs[i][4] for i in chosen), y=_floats(glyphs[i][5] for i in chosen),
                  stop=stop[chosen], marker=np.array([glyphs[i][6] for i in chosen],
                                                     dtype=np.bool_))
