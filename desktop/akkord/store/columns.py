"""The tables' columns, for statements that must not configure the ORM.

A statement written on a mapped class (``select(Mention.id)``) makes SQLAlchemy configure
every mapper first: 35 ms on the development machine, once per process. The window's
start-up reads are written on these columns instead (``select(MENTIONS.id)``), and the
mappers are configured once the window has shown
(:func:`akkord.services.annotation.warm_up`); ``tests/gui/test_window_start.py`` fails if
a start-up read configures them before the first paint. Edits keep the mapped classes.
"""

from __future__ import annotations

from akkord.store.models import (
    Annotator,
    Document,
    DocumentState,
    Entity,
    EntityAlias,
    EntityTotals,
    EntityUsage,
    EntityValue,
    Mention,
    MentionValue,
    Relation,
    SchemaVersion,
    Setting,
)

ANNOTATORS = Annotator.__table__.c
DOCUMENTS = Document.__table__.c
STATES = DocumentState.__table__.c
ENTITIES = Entity.__table__.c
ALIASES = EntityAlias.__table__.c
USAGE = EntityUsage.__table__.c
TOTALS = EntityTotals.__table__.c
ENTITY_VALUES = EntityValue.__table__.c
MENTIONS = Mention.__table__.c
MENTION_VALUES = MentionValue.__table__.c
RELATIONS = Relation.__table__.c
SCHEMAS = SchemaVersion.__table__.c
SETTINGS = Setting.__table__.c
