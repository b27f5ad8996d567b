"""Who holds each office, read from the project (see :mod:`akkord.domain.offices`)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.offices import Term
from akkord.domain.schema import Schema
from akkord.store.models import Entity, EntityValue


def office_terms(session: Session, schema: Schema) -> dict[int, list[Term]]:
    """Office entity id → its holders with their terms, for every kind that declares an
    ``office`` attribute; entities without holders are not offices."""
    out: dict[int, list[Term]] = defaultdict(list)
    for kind in schema.kinds:
        if kind.office is None:
            continue
        rows = session.execute(
            select(EntityValue.entity_id, EntityValue.ref_id, EntityValue.date_value)
            .join(Entity, Entity.id == EntityValue.entity_id)
            .where(Entity.kind == kind.name, EntityValue.attribute == kind.office,
                   EntityValue.ref_id.is_not(None))
            .order_by(EntityValue.entity_id, EntityValue.position))
        for office, holder, term in rows:
            if holder is not None:
                out[office].append(Term(holder, PartialDate.parse(term) if term else None))
    return dict(out)
