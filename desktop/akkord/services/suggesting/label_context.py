"""Which label a name known under two kinds takes where it stands, from the word before.

A form can name entities of two kinds: *Moskva* the city (PLACE) and, as a metonym, the
Russian state (ACTOR); *Ukraina* the state and the area. The name matcher gives such a
form to the entity the layer used most, the same everywhere. But the word before it
tells: "i Moskva", "til Ukraina" are places, as the layer's own mentions show. So
:func:`label_context` counts, in the layer's latest documents, the word right before
each of its decided mentions (as a lemma key, in the same clause: only spaces between)
per label, and :meth:`LabelContext.prefers` switches a match to its runner-up of the
other kind when the layer put that label after that word at least :data:`MIN_SEEN`
times and more than twice as often as the matched label. Nothing in the code names a
preposition: "i", "til", "fra" are what the layer's data shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from akkord.services import queries
from akkord.store.models import Document, Mention
from akkord.textproc.lemmas import word_key

MIN_SEEN = 2
"""How often the layer must have put the other label after the word."""
DOCUMENTS = 40
"""The layer's latest documents (in progress or done) it is learned from."""
_BEFORE = 40  # characters looked at before a mention for its word


@dataclass(frozen=True, slots=True)
class LabelContext:
    """(word before, label) → how many of the layer's mentions of the label follow it."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def prefers(self, before: str | None, label: str, other: str) -> bool:
        """Whether the word ``before`` says ``other`` rather than ``label``."""
        if before is None:
            return False
        theirs = self.counts.get((before, other), 0)
        return theirs >= MIN_SEEN and theirs > 2 * self.counts.get((before, label), 0)


def word_before(text: str, start: int) -> str | None:
    """The key of the word right before ``start`` with only spaces between (``None`` at
    the start of a text, a line, or after punctuation)."""
    i = start
    while i > 0 and text[i - 1] == " ":
        i -= 1
    j = i
    while j > 0 and j > start - _BEFORE and (text[j - 1].isalnum() or text[j - 1] == "-"):
        j -= 1
    if j == i or i == start:
        return None
    return word_key(text[j:i])


def learn_label_context(examples: Iterable[tuple[str, int, str]]) -> LabelContext:
    """From ``(text, start, label)`` of the layer's mentions."""
    counts: Counter[tuple[str, str]] = Counter()
    for text, start, label in examples:
        before = word_before(text, start)
        if before is not None:
            counts[before, label] += 1
    return LabelContext(counts)


def label_context(session: Session, annotator_id: int) -> LabelContext:
    """The layer's context from its latest :data:`DOCUMENTS` documents marked in progress
    or done (bounded reads: the progress index, those documents' mentions, and the few
    characters before each)."""
    documents = queries.recently_worked(session, annotator_id, DOCUMENTS)
    if not documents:
        return LabelContext()
    mentions = session.execute(
        select(Mention.document_id, Mention.start, Mention.label).where(
            Mention.document_id.in_(documents), Mention.annotator_id == annotator_id,
            Mention.status.in_(("manual", "accepted")))).all()
    if not mentions:
        return LabelContext()
    texts: dict[int, str] = {row.id: row.text for row in session.execute(
        select(Document.id, Document.text).where(
            Document.id.in_({m.document_id for m in mentions})))}
    return learn_label_context((texts[m.document_id], m.start, m.label) for m in mentions
                               if m.document_id in texts)
