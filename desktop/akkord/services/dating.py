"""Time expressions as suggestions, and what a document's publication day decides.

* The time label is whatever label of the schema has no entity and a ``date``
  attribute (TIME in the default schema); nothing here knows its name.
* :func:`time_suggestions` runs the Norwegian tagger (:mod:`akkord.timex`) over a
  document and proposes a pale ``suggested`` TIME mention, with its resolved date, for
  every expression (the dateline and ``Publisert:`` line excepted). The import adds them
  to every article that arrives as raw text (annotated data stays as it came); the
  window adds them to an annotator's layer the first time the annotator opens a
  document.
* Setting a document's date (the edit
  :class:`~akkord.services.edits.documents.SetPublicationDate`) re-resolves its relative
  expressions with :func:`tagged_dates`: every time mention whose date the tagger made
  (it equals what the tagger gives for the old date) gets the date for the new one, and
  every entity date that was taken from such a mention (its evidence) follows. Dates an
  annotator typed stay. The window's first opening of a document adds the suggestions
  with :class:`~akkord.services.edits.documents.AddTimeSuggestions`.
"""

from __future__ import annotations

from collections.abc import Sequence

from akkord.domain.dates import PartialDate
from akkord.domain.document import Part
from akkord.domain.schema import Label, Schema
from akkord.formats.records import SpanRecord, ValueRecord

_NOT_CONTENT = ("dateline", "published")


def time_label(schema: Schema) -> tuple[Label, str] | None:
    """The label for time expressions and its date attribute, if the schema has one."""
    for label in schema.labels:
        if label.entity is None:
            for attr in label.attributes:
                if attr.type == "date":
                    return label, attr.name
    return None


def _excluded(parts: Sequence[Part]) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in parts if p.kind in _NOT_CONTENT]


def time_suggestions(text: str, dct: PartialDate | None, parts: Sequence[Part],
                     schema: Schema, annotator: str | None = None) -> list[SpanRecord]:
    """Suggested time mentions for a document (empty when the schema has no time label)."""
    found = time_label(schema)
    if found is None:
        return []
    from akkord.timex import tag

    label, attribute = found
    skip = _excluded(parts)
    spans = []
    for n, expression in enumerate(tag(text, dct), start=1):
        if any(s <= expression.start < e for s, e in skip):
            continue
        values = [ValueRecord(attribute, date=expression.date)] if expression.date else []
        spans.append(SpanRecord(expression.start, expression.end, label.name,
                                f"timex{n}", annotator, "suggested", None, values))
    return spans


def tagged_dates(text: str, dct: PartialDate | None) -> dict[tuple[int, int], PartialDate]:
    """What the tagger makes of every expression of ``text`` given the publication date."""
    from akkord.timex import tag

    return {(e.start, e.end): e.date for e in tag(text, dct) if e.date is not None}
