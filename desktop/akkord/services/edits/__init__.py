"""Every change a person makes to a project, as an edit (see :mod:`.base` for the
contract): apply it in a unit of work, get back what changed and its inverse."""

from akkord.services.edits.base import (
    Applied,
    ChangeSet,
    Compound,
    ConflictError,
    Edit,
    EditError,
    Nothing,
    UnitOfWork,
)
from akkord.services.edits.documents import (
    AddTimeSuggestions,
    DateMove,
    Redate,
    SetPublicationDate,
)
from akkord.services.edits.entities import (
    CreateEntity,
    DeleteEntity,
    EntityState,
    LinkToNewEntity,
    MergeEntities,
    RenameEntity,
    RestoreEntity,
    SetAliases,
    SetAttribute,
    Unmerge,
    entity_state,
)
from akkord.services.edits.mentions import (
    AddMention,
    DeleteMention,
    LinkMentions,
    RestoreMention,
    SetMentionValues,
    UpdateMention,
    delete_mentions,
)
from akkord.services.edits.relations import AddRelation, DeleteRelation, RestoreRelation
from akkord.services.edits.status import SetStatus

__all__ = [
    "AddMention", "AddRelation", "AddTimeSuggestions", "Applied", "ChangeSet", "Compound",
    "ConflictError", "CreateEntity", "DateMove", "DeleteEntity", "DeleteMention",
    "DeleteRelation", "Edit", "EditError", "EntityState", "LinkMentions", "LinkToNewEntity",
    "MergeEntities", "Nothing", "Redate", "RenameEntity", "RestoreEntity", "RestoreMention",
    "RestoreRelation", "SetAliases", "SetAttribute", "SetMentionValues", "SetPublicationDate",
    "SetStatus", "UnitOfWork", "Unmerge", "UpdateMention", "delete_mentions", "entity_state",
]
