"""Test helpers: apply edits through a layer and get back the ids the tests need."""

from __future__ import annotations

from collections.abc import Sequence

from akkord.domain.entities import Value
from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.edits import Applied
from akkord.services.views import EntityView, MentionView


def add(layer: Annotation, doc_id: int, span: tuple[int, int], label: str, **fields: object
        ) -> int:
    """A new mention's id."""
    applied = layer.apply(edits.AddMention(doc_id, *span, label, **fields))  # type: ignore[arg-type]
    assert applied.focus is not None
    return applied.focus


def new_entity(layer: Annotation, kind: str, name: str, aliases: tuple[str, ...] = ()) -> int:
    applied = layer.apply(edits.CreateEntity(kind, name, aliases))
    (entity_id,) = applied.changes.entities
    return entity_id


def link(layer: Annotation, mention_id: int, entity_id: int | None) -> Applied:
    return layer.apply(edits.UpdateMention(mention_id, entity_id=entity_id))


def set_values(layer: Annotation, entity_id: int, attribute: str, *values: Value) -> Applied:
    return layer.apply(edits.SetAttribute(entity_id, attribute, values))


# -- the shapes older tests were written in (views back, versions ignored) -----------------

def create_entity(layer: Annotation, kind: str, name: str, aliases: Sequence[str] = ()
                  ) -> EntityView:
    return layer.entity(new_entity(layer, kind, name, tuple(aliases)))


def add_mention(layer: Annotation, doc_id: int, start: int, end: int, label: str,
                **fields: object) -> MentionView:
    return layer.mention(add(layer, doc_id, (start, end), label, **fields))


def set_attribute(layer: Annotation, entity_id: int, attribute: str, values: Sequence[Value],
                  _version: int | None = None) -> Applied:
    return layer.apply(edits.SetAttribute(entity_id, attribute, tuple(values)))


def span_of(text: str, word: str, occurrence: int = 1) -> tuple[int, int]:
    """Where the ``occurrence``-th ``word`` is in ``text`` (the span a test labels)."""
    start = -1
    for _ in range(occurrence):
        start = text.index(word, start + 1)
    return start, start + len(word)
