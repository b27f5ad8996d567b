"""Pre-annotation: the project's known names and aliases, proposed where they occur.

:func:`load_matcher` builds a :class:`~akkord.services.suggesting.matcher.NameMatcher`
from every entity of a kind some label links to (its name and aliases, with how often
the layer used it); build it once per project and reuse it for every document (the
window rebuilds it when an alias is added). :func:`preannotate` returns the suggestions
for one document, to be written with
:func:`~akkord.services.suggesting.writing.write_suggestions`.

A person's surname alone (the last word of a name of two or three capitalised words:
*Putin* for *Vladimir Putin*) is found too (:func:`surname`).

Places are skipped where the annotator already has a mention of the same label that
overlaps (so a rejected suggestion is not proposed again, nor a shorter name inside a
longer mention), or any mention with exactly the same span; nor are the forms the layer
rejected more often than it kept (:mod:`.rejections`). A known office ("Natos
generalsekretær") is linked to its holder on the document's date (origin ``office``).
A form known under two kinds (*Moskva*, the city and the state) takes the other kind
where the word before it says so, as the layer's own mentions show (:mod:`.label_context`:
"i Moskva" is the place).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.offices import Term, holder_on
from akkord.domain.schema import Schema
from akkord.services.queries import entity_uses
from akkord.services.suggesting.label_context import LabelContext, label_context, word_before
from akkord.services.suggesting.matcher import Blocked, NameEntry, NameMatch, NameMatcher
from akkord.services.suggesting.model import ALIAS, OFFICE, Suggestion
from akkord.services.suggesting.offices import office_terms
from akkord.services.suggesting.rejections import RejectedForms, rejected_forms
from akkord.store.models import Document, Entity, EntityAlias, Mention
from akkord.textproc.lemmas import words


@dataclass(slots=True)
class KnownNames:
    """A matcher over the project's names, and what resolving its matches needs."""

    matcher: NameMatcher
    labels: dict[str, str]  # entity kind → the label its mentions get
    offices: dict[int, list[Term]]


def label_for_kind(schema: Schema) -> dict[str, str]:
    """Entity kind → the first label that links to it."""
    out: dict[str, str] = {}
    for label in schema.labels:
        if label.entity is not None:
            out.setdefault(label.entity, label.name)
    return out


def load_matcher(session: Session, schema: Schema, annotator_id: int | None = None
                 ) -> KnownNames:
    """Every name and alias of the entities that labels link to (uses counted in the
    layer of ``annotator_id``, or all layers)."""
    labels = label_for_kind(schema)
    kinds = list(labels)
    uses = entity_uses(session, kinds, annotator_id)
    entities = {e.id: (e.kind, e.name) for e in session.execute(
        select(Entity.id, Entity.kind, Entity.name).where(Entity.kind.in_(kinds)))}
    entries = [NameEntry(i, kind, name, uses.get(i, 0)) for i, (kind, name) in entities.items()]
    entries += [NameEntry(i, kind, last, uses.get(i, 0)) for i, (kind, name) in entities.items()
                if (last := surname(name)) is not None]
    for entity_id, alias in session.execute(
            select(EntityAlias.entity_id, EntityAlias.alias)
            .join(Entity, Entity.id == EntityAlias.entity_id).where(Entity.kind.in_(kinds))):
        kind, _ = entities[entity_id]
        entries.append(NameEntry(entity_id, kind, alias, uses.get(entity_id, 0)))
    return KnownNames(NameMatcher(entries), labels, office_terms(session, schema))


def surname(name: str) -> str | None:
    """The last word of a name of two or three capitalised words (*Vladimir Putin* →
    *Putin*, *Jens Stoltenberg* → *Stoltenberg*; not *Det hvite hus*, not *Ukraina
    (området)*): news name a person so after the first time. Like every capitalised
    name it is found only capitalised. ``None`` otherwise."""
    found = words(name)
    if not 2 <= len(found) <= 3 or not all(w[:1].isupper() for w in found):
        return None
    last = found[-1]
    if len(last) < 3 or "-" in last or not last[1:].islower():
        return None
    return last


class Occupied:
    """Where the layer already has mentions: per label, and exact spans of any label."""

    def __init__(self, length: int, mentions: Sequence[tuple[int, int, str]]) -> None:
        self.length = length
        self.by_label: dict[str, bytearray] = defaultdict(lambda: bytearray(length + 1))
        self.spans = {(s, e) for s, e, _ in mentions}
        for start, end, label in mentions:
            self.by_label[label][start:end] = b"\x01" * (end - start)

    def blocks(self, start: int, end: int, label: str) -> bool:
        if (start, end) in self.spans:
            return True
        taken = self.by_label.get(label)
        return taken is not None and taken.find(1, start, end) != -1

    def blocker(self, label: str) -> Blocked:
        """``blocked`` for the matcher when every match gets ``label``."""
        return lambda start, end, _kind: self.blocks(start, end, label)


def document_mentions(session: Session, annotator_id: int, document_id: int
                      ) -> list[tuple[int, int, str]]:
    return [(s, e, label) for s, e, label in session.execute(
        select(Mention.start, Mention.end, Mention.label).where(
            Mention.document_id == document_id, Mention.annotator_id == annotator_id))]


def suggest_known_names(known: KnownNames, text: str, date: PartialDate | None,
                        mentions: Sequence[tuple[int, int, str]],
                        rejected: RejectedForms | None = None,
                        context: Callable[[], LabelContext] | None = None
                        ) -> list[Suggestion]:
    """The suggestions for a text whose layer has ``mentions`` (no database needed),
    leaving out the forms the layer keeps ``rejected``; ``context`` (called once, only
    when a form known under two kinds is found) may switch it to the other kind (see
    the module docstring)."""
    occupied = Occupied(len(text), mentions)
    refused = rejected if rejected else None

    def blocked(start: int, end: int, kind: str) -> bool:
        label = known.labels.get(kind)
        return label is None or occupied.blocks(start, end, label) or (
            refused is not None and refused.blocks(label, text[start:end]))

    matches = known.matcher.find(text, blocked)
    if context is not None and any(m.runner_kind not in (None, m.kind) for m in matches):
        learned = context()
        matches = [_in_context(known, match, text, learned, blocked) for match in matches]
    return [_suggestion(known, match, date) for match in matches]


def _in_context(known: KnownNames, match: NameMatch, text: str, context: LabelContext,
                blocked: Blocked) -> NameMatch:
    """The match, or its runner-up of another kind where the word before says so."""
    other = match.runner_kind
    if match.runner_up is None or other is None or other == match.kind:
        return match
    label, other_label = known.labels.get(match.kind), known.labels.get(other)
    if label is None or other_label is None or other_label == label or not context.prefers(
            word_before(text, match.start), label, other_label) or blocked(
            match.start, match.end, other):
        return match
    return replace(match, entity_id=match.runner_up, kind=other, runner_up=match.entity_id,
                   runner_kind=match.kind, gap=0.0)


def _suggestion(known: KnownNames, match: NameMatch, date: PartialDate | None) -> Suggestion:
    label = known.labels[match.kind]
    terms = known.offices.get(match.entity_id)
    if terms:
        holder = holder_on(terms, date)
        if holder is not None:
            return Suggestion(match.start, match.end, label, OFFICE, holder, match.score,
                              match.gap)
    return Suggestion(match.start, match.end, label, ALIAS, match.entity_id, match.score,
                      match.gap)


def preannotate(session: Session, known: KnownNames, annotator_id: int, document_id: int,
                rejected: RejectedForms | None = None) -> list[Suggestion]:
    """The known names in one document, as suggestions for the annotator's layer
    (``rejected``: the layer's tally when the caller keeps it, else it is read; the
    words before the layer's mentions are read when a form is known under two kinds)."""
    row = session.execute(select(Document.text, Document.date_value).where(
        Document.id == document_id)).first()
    if row is None:
        return []
    date = PartialDate.parse(row.date_value) if row.date_value else None
    return suggest_known_names(known, row.text, date,
                               document_mentions(session, annotator_id, document_id),
                               rejected if rejected is not None
                               else rejected_forms(session, annotator_id),
                               lambda: label_context(session, annotator_id))
