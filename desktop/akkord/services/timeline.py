"""What the timeline shows: dated canonical entities on lanes, read in a few bulk queries.

Every entity kind the schema puts on the timeline (``EntityKind.timeline``) gives one
:class:`TimelineItem` per entity that has a date: its interval of days and precision, the
lanes it is drawn on (the entities of the spec's ``lanes`` reference attribute, with
their roles), the entities it points at (``targets``), its status and how that status is
drawn (``looks``), and the documents whose mentions are linked to it. The code knows no
kind or attribute by name: the schema's timeline table says which attribute is which.

Contract:

* an entity's date is its preferred value of the date attribute (the first one in
  position order when none, or several, are preferred); entities without a date are
  counted in ``TimelineData.undated`` and not drawn;
* lanes are the entities of the lanes attribute, all of them, in position order; an
  item without any is drawn on the :data:`NO_LANE` lane; targets get a lane too, so a
  line always has somewhere to go;
* a lane's ``activity`` is the number of items drawn on it; lanes are sorted by
  activity (most active first), then by name;
* rejected mentions count for nothing (documents, mention counts, mention lists).

Reading is a handful of queries whatever the number of entities (no query per entity);
filtering is done in memory by :func:`filter_timeline`, so a view can filter the same
loaded data again and again without going back to the database.

The window reads through :func:`read_timeline` and :func:`read_mentions`, which take a
:class:`TimelineSource` (anything with a ``schema`` and a ``read()`` session, such as an
open project), so that the GUI never touches the storage layer itself.
"""

from __future__ import annotations

import gc
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.dates import Certainty, PartialDate, Precision
from akkord.domain.schema import EntityKind, Look, Schema, TimelineSpec
from akkord.store.models import Document, Entity, EntityValue, Mention

NO_LANE = 0
"""The lane id of items that have no lane entity (entity ids start at 1)."""

REJECTED = "rejected"  # the mention status that means "not a mention"
FALLBACK_COLORS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")

Style = Literal["bar", "marker"]


@dataclass(frozen=True, slots=True)
class Lane:
    """One row of the timeline: an entity (an actor in the default schema)."""

    entity_id: int
    name: str
    kind_value: str | None  # the lane entity's first enum attribute (an actor's kind)
    activity: int


@dataclass(frozen=True, slots=True)
class TimelineKind:
    """A kind on the timeline with what the view needs to draw and filter it."""

    name: str
    display: str
    style: Style
    color: str  # of the schema label that links to this kind
    statuses: tuple[str, ...]  # the values of its status enum, in schema order
    looks: tuple[tuple[str, Look], ...]
    lanes_display: str | None  # display name of the lanes' kind ("Actor")
    lanes_attribute: str | None = None  # "participants": how the tooltip names the lanes
    targets_attribute: str | None = None  # "addressees"

    def look(self, status: str | None) -> Look:
        return next((look for value, look in self.looks if value == status), "solid")


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """A dated entity as drawn: one bar or marker on each of its lanes."""

    entity_id: int
    kind: str
    name: str
    earliest: date
    latest: date
    precision: Precision
    value: str
    certain: bool
    status: str | None
    style: Style
    lanes: tuple[int, ...]
    roles: tuple[str | None, ...]
    targets: tuple[int, ...]
    documents: tuple[int, ...]
    mention_count: int
    look: Look = "solid"

    @property
    def exact(self) -> bool:
        """Stated to the day (a day or an interval of days), not a week, month …"""
        return self.precision is Precision.DAY


@dataclass(frozen=True, slots=True)
class Publication:
    """A document's publication date (a day, or a fuzzier partial date)."""

    doc_id: int
    title: str
    earliest: date
    latest: date
    precision: Precision

    @property
    def day(self) -> date:
        return self.earliest


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    """What to show; ``None`` means "no restriction" for each part.

    An item is kept when it has one of ``kinds``, one of ``statuses`` (``None`` in the set
    keeps items without status), involves one of ``actor_ids`` (as a lane or a target),
    is linked to one of ``document_ids``, and overlaps ``start`` … ``end`` (inclusive).
    """

    actor_ids: frozenset[int] | None = None
    kinds: frozenset[str] | None = None
    statuses: frozenset[str | None] | None = None
    document_ids: frozenset[int] | None = None
    start: date | None = None
    end: date | None = None

    @property
    def is_empty(self) -> bool:
        return all(v is None for v in (self.actor_ids, self.kinds, self.statuses,
                                       self.document_ids, self.start, self.end))


@dataclass(frozen=True, slots=True)
class TimelineData:
    """Everything the timeline draws, lanes sorted by activity."""

    items: list[TimelineItem]
    lanes: list[Lane]
    publication_days: list[Publication]
    kinds: tuple[TimelineKind, ...]
    statuses: tuple[str, ...]
    names: dict[int, str] = field(default_factory=dict)  # lane and target entities
    undated: int = 0
    documents: dict[int, str] = field(default_factory=dict)  # every document's title

    def lane(self, entity_id: int) -> Lane | None:
        return next((lane for lane in self.lanes if lane.entity_id == entity_id), None)

    def kind(self, name: str) -> TimelineKind | None:
        return next((kind for kind in self.kinds if kind.name == name), None)

    @property
    def span(self) -> tuple[date, date] | None:
        """First and last day of the items and publications, or ``None`` when empty."""
        firsts = [i.earliest for i in self.items] + [p.earliest for p in self.publication_days]
        lasts = [i.latest for i in self.items] + [p.latest for p in self.publication_days]
        return (min(firsts), max(lasts)) if firsts else None


@dataclass(frozen=True, slots=True)
class MentionRef:
    """One mention of an entity, with the sentence around it, for the mentions list."""

    mention_id: int
    doc_id: int
    title: str
    start: int
    end: int
    sentence: str
    sentence_start: int  # offset of ``sentence`` in the document text
    label: str
    published: str | None  # the document's date value


class TimelineSource(Protocol):
    """Where the timeline reads from: an open project (``akkord.store.Project`` is one).

    The GUI holds one and passes it back here; it never opens sessions itself.
    """

    @property
    def schema(self) -> Schema: ...

    def read(self) -> AbstractContextManager[Session]: ...


def read_timeline(source: TimelineSource, filters: TimelineFilter | None = None
                  ) -> TimelineData:
    """:func:`load_timeline` in a read transaction of ``source``."""
    schema = source.schema
    with source.read() as session:
        return load_timeline(session, schema, filters)


def read_mentions(source: TimelineSource, entity_id: int) -> list[MentionRef]:
    """:func:`mentions_of` in a read transaction of ``source``."""
    with source.read() as session:
        return mentions_of(session, entity_id)


# -- reading ----------------------------------------------------------------------------

def timeline_kinds(schema: Schema) -> tuple[TimelineKind, ...]:
    """The kinds the schema puts on the timeline, with colours and statuses."""
    out = []
    for index, kind in enumerate(k for k in schema.kinds if k.timeline is not None):
        spec = kind.timeline
        assert spec is not None
        color = next((label.color for label in schema.labels if label.entity == kind.name),
                     FALLBACK_COLORS[index % len(FALLBACK_COLORS)])
        out.append(TimelineKind(
            name=kind.name, display=kind.display, style=spec.style, color=color,
            statuses=_enum_values(kind, spec.status), looks=spec.looks,
            lanes_display=_lanes_display(schema, kind, spec), lanes_attribute=spec.lanes,
            targets_attribute=spec.targets))
    return tuple(out)


def _enum_values(kind: EntityKind, name: str | None) -> tuple[str, ...]:
    attr = next((a for a in kind.attributes if a.name == name), None)
    return attr.values if attr is not None and attr.type == "enum" else ()


def _lanes_display(schema: Schema, kind: EntityKind, spec: TimelineSpec) -> str | None:
    attr = next((a for a in kind.attributes if a.name == spec.lanes), None)
    if attr is None or attr.kind is None:
        return None
    return schema.kind(attr.kind).display


def no_lane_name(kinds: Sequence[TimelineKind]) -> str:
    """The name of the :data:`NO_LANE` lane: "(no actor)" when the lanes are actors."""
    display = next((k.lanes_display for k in kinds if k.lanes_display), None)
    return f"(no {display.lower()})" if display else "(none)"


def load_timeline(session: Session, schema: Schema,
                  filters: TimelineFilter | None = None) -> TimelineData:
    """Read every dated entity of a timeline kind, then apply ``filters``."""
    with without_gc():
        data = _read(session, schema)
    return filter_timeline(data, filters) if filters and not filters.is_empty else data


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Reading 100,000 items allocates millions of tuples that are all alive at the end;
    the collector would walk the growing heap again and again (a third of the time,
    measured) for nothing: none of them is part of a reference cycle.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(slots=True)
class _Draft:
    """The values of one entity as they come out of the bulk queries."""

    date: tuple[date, date, Precision, str, bool] | None = None  # earliest … certain
    preferred: bool = False
    lanes: dict[int, str | None] = field(default_factory=dict)  # ref → its first role
    targets: dict[int, None] = field(default_factory=dict)  # ordered set
    status: str | None = None


_PRECISIONS = {p.value: p for p in Precision}


def _read(session: Session, schema: Schema) -> TimelineData:
    kinds = timeline_kinds(schema)
    specs = {k.name: k.timeline for k in schema.kinds if k.timeline is not None}
    titles, publications = _documents(session)
    if not specs:
        return TimelineData([], [], publications, kinds, (), documents=titles)
    conn = session.connection()  # Core rows: no ORM bookkeeping for 10⁵–10⁶ rows
    entities = conn.execute(select(Entity.id, Entity.kind, Entity.name)
                            .where(Entity.kind.in_(list(specs)))).all()
    drafts = _read_values(session, specs, {entity_id: kind for entity_id, kind, _ in entities})
    documents = _read_documents(session, list(specs))
    looks = {kind: dict(spec.looks) for kind, spec in specs.items()}
    items, undated = [], 0
    for entity_id, kind, name in entities:
        draft = drafts[entity_id]
        if draft.date is None:
            undated += 1
            continue
        items.append(_item(entity_id, kind, name, draft, specs[kind], looks[kind],
                           documents.get(entity_id)))
    items.sort(key=lambda i: (i.earliest, i.latest, i.kind, i.name, i.entity_id))
    names, kind_values = _lane_entities(session, schema, specs)
    names[NO_LANE] = no_lane_name(kinds)
    statuses = tuple(dict.fromkeys(s for k in kinds for s in k.statuses))
    return TimelineData(items=items, lanes=lanes_of(items, names, kind_values),
                        publication_days=publications, kinds=kinds, statuses=statuses,
                        names=names, undated=undated, documents=titles)


def _read_values(session: Session, specs: dict[str, TimelineSpec],
                 kind_of: dict[int, str]) -> dict[int, _Draft]:
    """The date, lanes, targets and status of the entities in ``kind_of`` (id → kind):
    one narrow query per part, ordered so that "first" means first by position.

    The queries select by attribute name only (no join with ``entities``: it halves
    their cost) and drop, here, rows of entities of other kinds that share the name.
    """
    conn = session.connection()
    drafts = {entity_id: _Draft() for entity_id in kind_of}

    def rows(role: str, present: Any, *columns: Any) -> Iterator[Sequence[Any]]:
        wanted = {kind: getattr(spec, role) for kind, spec in specs.items()}
        names = sorted({name for name in wanted.values() if name})
        if not names:
            return
        for row in conn.execute(  # .all(): one fetchall, not a fetchone per row
                select(EntityValue.entity_id, EntityValue.attribute, *columns)
                .where(EntityValue.attribute.in_(names), present)
                .order_by(EntityValue.entity_id, EntityValue.position, EntityValue.id)).all():
            kind = kind_of.get(row[0])
            if kind is not None and wanted[kind] == row[1]:
                yield row

    for entity_id, _a, value, earliest, latest, precision, certainty, preferred in rows(
            "date", EntityValue.date_value.is_not(None), EntityValue.date_value,
            EntityValue.date_earliest, EntityValue.date_latest, EntityValue.date_precision,
            EntityValue.date_certainty, EntityValue.preferred):
        draft = drafts[entity_id]
        if draft.date is None or (preferred and not draft.preferred):
            draft.date = _date_of(value, earliest, latest, precision, certainty)
            draft.preferred = bool(preferred)
    for entity_id, _a, ref_id, role in rows("lanes", EntityValue.ref_id.is_not(None),
                                            EntityValue.ref_id, EntityValue.role):
        drafts[entity_id].lanes.setdefault(ref_id, role)
    for entity_id, _a, ref_id in rows("targets", EntityValue.ref_id.is_not(None),
                                      EntityValue.ref_id):
        drafts[entity_id].targets[ref_id] = None
    for entity_id, _a, text in rows("status", EntityValue.text.is_not(None), EntityValue.text):
        draft = drafts[entity_id]
        if draft.status is None:
            draft.status = text
    return drafts


def _date_of(value: str, earliest: date | None, latest: date | None, precision: str | None,
             certainty: str | None) -> tuple[date, date, Precision, str, bool]:
    """A stored date as (earliest, latest, precision, value, certain); the value string
    is the fallback when the day columns are missing."""
    known = _PRECISIONS.get(precision or "")
    if earliest is None or latest is None or known is None:
        parsed = PartialDate.parse(value)
        earliest, latest, known = parsed.earliest, parsed.latest, parsed.precision
    return earliest, latest, known, value, certainty in (None, Certainty.CERTAIN.value)


def _read_documents(session: Session, kinds: list[str]) -> dict[int, dict[int, int]]:
    """Mentions per (entity, document) for the entities of ``kinds``."""
    rows = session.connection().execute(
        select(Mention.entity_id, Mention.document_id, func.count())
        .join(Entity, Entity.id == Mention.entity_id)
        .where(Entity.kind.in_(kinds), Mention.status != REJECTED)
        .group_by(Mention.entity_id, Mention.document_id)).all()
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for entity_id, doc_id, count in rows:
        if entity_id is not None:
            out[entity_id][doc_id] = count
    return out


def _item(entity_id: int, kind: str, name: str, draft: _Draft, spec: TimelineSpec,
          looks: dict[str, Look], documents: dict[int, int] | None) -> TimelineItem:
    assert draft.date is not None
    earliest, latest, precision, value, certain = draft.date
    return TimelineItem(
        entity_id=entity_id, kind=kind, name=name, earliest=earliest, latest=latest,
        precision=precision, value=value, certain=certain, status=draft.status,
        style=spec.style, lanes=tuple(draft.lanes) or (NO_LANE,),
        roles=tuple(draft.lanes.values()) or (None,), targets=tuple(draft.targets),
        documents=tuple(sorted(documents)) if documents else (),
        mention_count=sum(documents.values()) if documents else 0,
        look=looks.get(draft.status or "", "solid"))


def _lane_entities(session: Session, schema: Schema, specs: dict[str, TimelineSpec]
                   ) -> tuple[dict[int, str], dict[int, str]]:
    """Names of every entity of the kinds lanes and targets refer to, and the value of
    each such kind's first enum attribute (what "collapse lanes to kinds" groups by)."""
    ref_kinds: set[str] = set()
    for kind_name, spec in specs.items():
        kind = schema.kind(kind_name)
        for attr in kind.attributes:
            if attr.name in (spec.lanes, spec.targets) and attr.kind:
                ref_kinds.add(attr.kind)
    if not ref_kinds:
        return {}, {}
    names = dict(session.execute(
        select(Entity.id, Entity.name).where(Entity.kind.in_(sorted(ref_kinds)))).all())
    kind_values: dict[int, str] = {}
    for ref_kind in sorted(ref_kinds):
        enum = next((a.name for a in schema.kind(ref_kind).attributes if a.type == "enum"),
                    None)
        if enum is None:
            continue
        rows = session.execute(
            select(EntityValue.entity_id, EntityValue.text)
            .join(Entity, Entity.id == EntityValue.entity_id)
            .where(Entity.kind == ref_kind, EntityValue.attribute == enum,
                   EntityValue.text.is_not(None))
            .order_by(EntityValue.entity_id, EntityValue.position.desc(),
                      EntityValue.id.desc())).all()
        # position descending: the last update of an entity is its first value
        kind_values.update((entity_id, text) for entity_id, text in rows if text)
    return names, kind_values


def lanes_of(items: Iterable[TimelineItem], names: dict[int, str],
             kind_values: dict[int, str]) -> list[Lane]:
    """The lanes ``items`` are drawn on or point at, most active first (see the module)."""
    activity: Counter[int] = Counter()
    targeted: set[int] = set()
    for item in items:
        activity.update(item.lanes)
        targeted.update(item.targets)
    ids = set(activity) | targeted
    lanes = [Lane(entity_id=i, name=names.get(i, f"#{i}"), kind_value=kind_values.get(i),
                  activity=activity[i]) for i in ids]
    lanes.sort(key=lambda lane: (-lane.activity, lane.entity_id == NO_LANE,
                                 lane.name.casefold(), lane.entity_id))
    return lanes


def _documents(session: Session) -> tuple[dict[int, str], list[Publication]]:
    """Every document's title, and the publication dates of those that have one."""
    rows = session.execute(
        select(Document.id, Document.title, Document.external_id, Document.date_earliest,
               Document.date_latest, Document.date_precision)
        .order_by(Document.date_earliest, Document.id))
    titles: dict[int, str] = {}
    publications = []
    for doc_id, title, external_id, earliest, latest, precision in rows:
        titles[doc_id] = title or external_id or f"document {doc_id}"
        if earliest is not None:
            publications.append(Publication(
                doc_id=doc_id, title=titles[doc_id], earliest=earliest,
                latest=latest or earliest, precision=Precision(precision or Precision.DAY)))
    publications.sort(key=lambda p: (p.earliest, p.doc_id))
    return titles, publications


# -- filtering --------------------------------------------------------------------------

def keeps(filters: TimelineFilter, item: TimelineItem) -> bool:
    """Whether ``item`` passes ``filters`` (see :class:`TimelineFilter`)."""
    if filters.kinds is not None and item.kind not in filters.kinds:
        return False
    if filters.statuses is not None and item.status not in filters.statuses:
        return False
    if filters.actor_ids is not None and filters.actor_ids.isdisjoint(
            item.lanes + item.targets):
        return False
    if filters.document_ids is not None and filters.document_ids.isdisjoint(item.documents):
        return False
    if filters.start is not None and item.latest < filters.start:
        return False
    return filters.end is None or item.earliest <= filters.end


def filter_timeline(data: TimelineData, filters: TimelineFilter | None) -> TimelineData:
    """The part of ``data`` that passes ``filters``: items, the lanes they use (activity
    recounted) and the publications of the chosen documents in the date range."""
    if filters is None or filters.is_empty:
        return data
    items = [item for item in data.items if keeps(filters, item)]
    kind_values = {lane.entity_id: lane.kind_value for lane in data.lanes
                   if lane.kind_value is not None}
    publications = [
        p for p in data.publication_days
        if (filters.document_ids is None or p.doc_id in filters.document_ids)
        and (filters.start is None or p.latest >= filters.start)
        and (filters.end is None or p.earliest <= filters.end)]
    return replace(data, items=items, lanes=lanes_of(items, data.names, kind_values),
                   publication_days=publications)


# -- mentions ---------------------------------------------------------------------------

# A sentence ends at . ! ? … (after a closing quote, if any) followed by white space and
# something that is not a lower-case letter; "17. desember" is a date, not two sentences.
_SENTENCE_END = re.compile(r"(?<![0-9])[.!?…][»\"”]?\s+(?=[^\sa-zæøåäöü])|\n")
_CONTEXT = 240


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The offsets of the sentence (or line) containing ``text[start:end]``.

    Sentences end at ``.``, ``!``, ``?`` or ``…`` followed by white space, or at a line
    break; a sentence longer than the context window is cut at the window.
    """
    lo = max(0, start - _CONTEXT)
    begin = lo
    for match in _SENTENCE_END.finditer(text, lo, start):
        begin = match.end()
    stop = min(len(text), end + _CONTEXT)
    after = _SENTENCE_END.search(text, end, stop)
    finish = after.end() if after else stop
    while finish > end and text[finish - 1].isspace():
        finish -= 1
    while begin < start and text[begin].isspace():
        begin += 1
    return begin, finish


def mentions_of(session: Session, entity_id: int) -> list[MentionRef]:
    """Every mention linked to the entity (in any layer, not rejected; one per span),
    in publication order, with its sentence."""
    rows = session.execute(
        select(Mention.id, Mention.document_id, Mention.start, Mention.end, Mention.label)
        .join(Document, Document.id == Mention.document_id)
        .where(Mention.entity_id == entity_id, Mention.status != REJECTED)
        .order_by(Document.date_earliest, Document.id, Mention.start, Mention.id)).all()
    doc_ids = sorted({row.document_id for row in rows})
    docs = {row.id: row for row in session.execute(
        select(Document.id, Document.title, Document.external_id, Document.date_value,
               Document.text).where(Document.id.in_(doc_ids)))} if doc_ids else {}
    out, seen = [], set()
    for mention_id, doc_id, start, end, label in rows:
        if (doc_id, start, end) in seen:
            continue
        seen.add((doc_id, start, end))
        doc = docs[doc_id]
        begin, finish = sentence_around(doc.text, start, end)
        out.append(MentionRef(
            mention_id=mention_id, doc_id=doc_id,
            title=doc.title or doc.external_id or f"document {doc_id}", start=start, end=end,
            sentence=doc.text[begin:finish], sentence_start=begin, label=label,
            published=doc.date_value))
    return out
