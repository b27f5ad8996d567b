"""Who holds each office, read from the project (see :mod:`akkord.domain.offices`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.offices import Term
from akkord.domain.schema import Schema
from akkord.store.columns import ENTITIES, ENTITY_VALUES
from akkord.store.models import Entity

# Built once, on the tables' columns: the link picker reads the offices each time it
# opens, and an ORM statement built there took a millisecond of the key.
_TERMS = (select(ENTITY_VALUES.entity_id, ENTITY_VALUES.ref_id, ENTITY_VALUES.date_value)
          .join(Entity.__table__, ENTITIES.id == ENTITY_VALUES.entity_id)
          .where(ENTITIES.kind == bindparam("kind"),
                 ENTITY_VALUES.attribute == bindparam("attribute"),
                 ENTITY_VALUES.ref_id.is_not(None))
          .order_by(ENTITY_VALUES.entity_id, ENTITY_VALUES.position))


def office_terms(session: Session, schema: Schema, kinds: Iterable[str] | None = None
                 ) -> dict[int, list[Term]]:
    """Office entity id → its holders with their terms, for every kind (of ``kinds``, or
    all) that declares an ``office`` attribute; entities without holders are not
    offices."""
    wanted = set(kinds) if kinds is not None else None
    out: dict[int, list[Term]] = defaultdict(list)
    for kind in schema.kinds:
        if kind.office is None or (wanted is not None and kind.name not in wanted):
            continue
        rows = session.connection().execute(_TERMS, {"kind": kind.name,
                                                     "attribute": kind.office})
        for office, holder, term in rows:
            if holder is not None:
                out[office].append(Term(holder, PartialDate.parse(term) if term else None))
    return dict(out)
