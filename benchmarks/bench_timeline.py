"""The timeline with 100,000 items: one pan or zoom redraw (DESIGN.md: < 30 ms).

The items are synthetic and deterministic (seed 2022): 300 actors over 20 years, bars
on 2–4 lanes and markers with 1–2 targets, mixed precisions and statuses, built as
:class:`TimelineData` with the default schema's kinds, so the widget draws them through
the same code as a project's. The widget is shown offscreen at 1400×800; every pan and
zoom step is followed by a synchronous repaint of the plot (``grab``).

Figures: ``timeline_load_100k_ms`` (data → glyph arrays → graphics items, i.e. what
``TimelineView.set_data`` costs), ``timeline_pan_ms`` (a one-year window moved by 10 %),
``timeline_zoom_ms`` (from the 20 years down to two weeks and back out, 1.25× a step),
``timeline_full_view_ms`` (the worst case: all 20 years and as many lanes as the view
lets one squeeze in), ``timeline_hit_test_ms`` (what a mouse move costs: the vectorised
hit test over every glyph) and ``timeline_query_100k_ms``: ``load_timeline`` reading
100,000 entities from a SQLite project (built once into ``benchmarks/.cache``).

The machine is shared and noisy, so the same pans are also timed on the empty plot first
(``timeline_redraw_floor_ms``: axes, grid, background) and ``timeline_pan_vs_floor`` is
the ratio; ``timeline_pan_cpu_ms`` is the CPU time of the GUI thread per pan, which other
processes inflate much less than the wall time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from akkord.domain.dates import Precision
from akkord.domain.schema import parse_schema
from akkord.resources import default_schema_text
from akkord.services.timeline import (
    Publication,
    TimelineData,
    TimelineItem,
    lanes_of,
    load_timeline,
    timeline_kinds,
)
from common import CACHE, Timer, benchmark, median_ms, report

N_ITEMS = 100_000
N_LANES = 300
YEARS = 20
START = date(2004, 1, 1)
SIZE = (1400, 800)
LANE_KINDS = ("state", "person", "organisation", "alliance", "government body", "group")
PRECISIONS = (Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.SEASON,
              Precision.YEAR)
PRECISION_P = (0.72, 0.08, 0.12, 0.04, 0.04)
SPAN_DAYS = {Precision.WEEK: 7, Precision.MONTH: 30, Precision.SEASON: 91,
             Precision.YEAR: 365}


def synthetic_timeline(n: int = N_ITEMS, lanes: int = N_LANES, seed: int = 2022
                       ) -> TimelineData:
    """``n`` items like a big project's: a few very active actors, many quiet ones."""
    rng = np.random.default_rng(seed)
    kinds = timeline_kinds(parse_schema(default_schema_text()))
    bar_kind = next(k for k in kinds if k.style == "bar")
    marker_kind = next(k for k in kinds if k.style == "marker")
    weights = 1 / np.arange(1, lanes + 1) ** 0.9
    weights /= weights.sum()
    days = rng.integers(0, YEARS * 365, n)
    precisions = rng.choice(len(PRECISIONS), n, p=PRECISION_P)
    is_bar = rng.random(n) < 0.55
    items = []
    for i in range(n):
        kind = bar_kind if is_bar[i] else marker_kind
        precision = PRECISIONS[precisions[i]]
        earliest = START + timedelta(days=int(days[i]))
        length = SPAN_DAYS.get(precision, int(rng.choice([1, 1, 1, 2, 3])))
        n_lanes = int(rng.integers(2, 5)) if is_bar[i] else 1
        chosen = rng.choice(lanes, n_lanes + (0 if is_bar[i] else 2), replace=False, p=weights)
        lane_ids = tuple(int(x) + 1 for x in chosen[:n_lanes])
        targets = () if is_bar[i] else tuple(int(x) + 1 for x in
                                             chosen[n_lanes:n_lanes + int(rng.integers(1, 3))])
        status = kind.statuses[int(rng.integers(len(kind.statuses)))]
        items.append(TimelineItem(
            entity_id=lanes + 1 + i, kind=kind.name, name=f"{kind.display} {i}",
            earliest=earliest, latest=earliest + timedelta(days=length - 1),
            precision=precision, value=earliest.isoformat(), certain=True, status=status,
            style=kind.style, lanes=lane_ids, roles=tuple(None for _ in lane_ids),
            targets=targets, documents=(int(rng.integers(1, 10_001)),), mention_count=1,
            look=kind.look(status)))
    items.sort(key=lambda it: (it.earliest, it.latest, it.kind, it.name))
    names = {i: f"Actor {i:03d}" for i in range(1, lanes + 1)}
    kind_values = {i: LANE_KINDS[i % len(LANE_KINDS)] for i in names}
    pub_days = sorted(START + timedelta(days=int(d)) for d in rng.integers(0, YEARS * 365,
                                                                          10_000))
    publications = [Publication(i + 1, f"Article {i + 1}", d, d, Precision.DAY)
                    for i, d in enumerate(pub_days)]
    return TimelineData(items=items, lanes=lanes_of(items, names, kind_values),
                        publication_days=publications, kinds=kinds,
                        statuses=tuple(s for k in kinds for s in k.statuses), names=names,
                        documents={p.doc_id: p.title for p in publications})


@benchmark("timeline")
def timeline_100k() -> None:
    from PySide6.QtCore import QPointF

    from akkord.gui.application import application
    from akkord.gui.timeline_model import DAY, day_seconds
    from akkord.gui.timeline_view import TimelineView, dispose

    app = application()
    data = synthetic_timeline()
    view = TimelineView()
    view.resize(*SIZE)
    view.show()
    app.processEvents()
    plot = view.plot

    def redraw(low: float, high: float) -> None:
        plot.view_box.setXRange(low, high, padding=0)
        plot.graphics.grab()

    year = 365 * DAY
    origin = day_seconds(START) + 8 * year
    pans = iter(range(10**6))

    def pan() -> None:
        step = next(pans) % 40
        redraw(origin + step * 0.1 * year, origin + step * 0.1 * year + year)

    plot.view_box.setYRange(-1.5, 60, padding=0)
    floor = median_ms(pan, 40)  # the same pans with nothing to draw
    report("timeline_redraw_floor_ms", floor, "ms")
    with Timer() as timer:
        view.set_data(data)
        view.fit()
        plot.graphics.grab()
    report("timeline_load_100k_ms", timer.seconds * 1000, "ms")
    plot.view_box.setYRange(-1.5, 60, padding=0)
    pan_ms = median_ms(pan, 40)
    report("timeline_pan_ms", pan_ms, "ms")
    report("timeline_pan_vs_floor", pan_ms / floor, "×")
    report("timeline_pan_cpu_ms", median_cpu_ms(pan, 40), "ms")
    full = (day_seconds(START), day_seconds(START) + YEARS * year)
    centre, widths = (full[0] + full[1]) / 2, []
    width = full[1] - full[0]
    while width > 14 * DAY:
        widths.append(width)
        width /= 1.25
    widths += widths[::-1]
    zooms = iter(range(10**6))

    def zoom() -> None:
        half = widths[next(zooms) % len(widths)] / 2
        redraw(centre - half, centre + half)

    report("timeline_zoom_ms", median_ms(zoom, len(widths)), "ms")
    # as far out as the view goes: all 20 years, as many lanes as the height allows
    plot.view_box.setYRange(-1.5, plot.geometry_.height if plot.geometry_ else 60, padding=0)
    report("timeline_full_view_ms", median_ms(lambda: redraw(*full), 10), "ms")
    positions = iter(np.random.default_rng(7).uniform(0, 1, (1000, 2)).tolist())
    rect = plot.view_box.sceneBoundingRect()

    def hover() -> None:
        fx, fy = next(positions)
        plot.item_at(QPointF(rect.left() + fx * rect.width(), rect.top() + fy * rect.height()))

    report("timeline_hit_test_ms", median_ms(hover, 200), "ms")
    # deleted now, not at the interpreter's exit: pyqtgraph torn down then crashes the
    # process after everything was printed (issue 11)
    dispose(view)
    timeline_query()


def median_cpu_ms(func: Callable[[], object], repeat: int) -> float:
    """Median CPU time of this thread per call, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.thread_time()
        func()
        times.append((time.thread_time() - start) * 1000)
    return statistics.median(times)


def _project_100k() -> Path:
    """A SQLite project with the synthetic items as entities (built once, cached)."""
    path = CACHE / "timeline-100k.akkord"
    if path.exists():
        return path
    from sqlalchemy import insert

    from akkord.store import open_project
    from akkord.store.models import Entity, EntityValue

    data = synthetic_timeline()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with open_project(building, create=True) as project, project.write() as session:
        actors = [{"id": i, "key": f"actor/{i}", "kind": "actor", "name": name}
                  for i, name in data.names.items()]
        session.execute(insert(Entity), actors)
        session.execute(insert(EntityValue), [
            {"entity_id": i, "attribute": "kind", "text": value}
            for i, value in ((lane.entity_id, lane.kind_value) for lane in data.lanes)])
        spec = {k.name: k for k in data.kinds}
        session.execute(insert(Entity), [
            {"id": it.entity_id, "key": f"{it.kind}/{it.entity_id}", "kind": it.kind,
             "name": it.name} for it in data.items])
        values: list[dict[str, object]] = []
        for it in data.items:
            kind = spec[it.kind]
            values.append({"entity_id": it.entity_id, "attribute": "date",
                           "date_value": it.value, "date_earliest": it.earliest,
                           "date_latest": it.latest, "date_precision": it.precision.value})
            values.append({"entity_id": it.entity_id, "attribute": "status", "text": it.status})
            values += [{"entity_id": it.entity_id, "attribute": kind.lanes_attribute,
                        "ref_id": lane, "position": n} for n, lane in enumerate(it.lanes)]
            values += [{"entity_id": it.entity_id, "attribute": kind.targets_attribute,
                        "ref_id": target, "position": n} for n, target in enumerate(it.targets)]
        session.execute(insert(EntityValue), values)
    building.rename(path)
    return path


def timeline_query() -> None:
    from akkord.store import open_project

    path = _project_100k()
    with open_project(path) as project:
        schema = project.schema
        times = []
        for _ in range(3):
            start = time.perf_counter()
            with project.read() as session:
                data = load_timeline(session, schema)
            times.append((time.perf_counter() - start) * 1000)
        assert len(data.items) == N_ITEMS, len(data.items)
    report("timeline_query_100k_ms", sorted(times)[1], "ms")
