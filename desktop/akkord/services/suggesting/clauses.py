"""Clause suggestions: spans such as demands ("at Nato ikke skal ta opp flere
medlemmer"), learned from the layer's own mentions of the label.

A label is a *clause label* when the layer's mentions of it are long (on average at least
:data:`MIN_WORDS` words): nothing in the code names one. :func:`learn_clauses` reads how
the layer's clauses of that label begin and end in its latest documents:

* **triggers**: the words before a clause and its first word, as lemma keys
  (``krev | at``, ``krav om |``, ``ber om |``: what the layer's own data shows, no
  hand list), each scored by how often a clause begins after it among all the places it
  occurs in those documents (``hits / (occurrences + 1)``);
* **ends**: which characters follow the layer's clauses (a full stop, a comma, a line
  end): a proposed clause runs from after its trigger to the first of them (a full stop
  only where a sentence ends: not in "27. mai").

:func:`suggest_clauses` proposes, in a document, every place a trigger of score at least
:data:`MIN_SCORE` is followed by a clause at most twice as long as the layer's longest, as a pale
``clause`` suggestion with the trigger's score, unlinked (the picker links it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from akkord.services.suggesting.model import CLAUSE, Suggestion
from akkord.services.suggesting.preannotate import Occupied, document_mentions
from akkord.store.models import Document, DocumentState, Mention
from akkord.textproc.lemmas import split_words, word_key

MIN_WORDS = 5.0
"""A label whose mentions average this many words is one of clauses (the demo's demands
average 8.3, its meetings 2.9)."""
MIN_SCORE = 0.5
"""The least trigger score proposed (one place in two, smoothed)."""
MIN_CLAUSES = 3
"""The clauses a layer must have made of a label before it is suggested."""
DOCUMENTS = 40
"""The layer's latest documents (in progress or done) that clauses are learned from."""
_STOPS = ".,;:!?\n"

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClauseModel:
    """What the layer's clauses of one label look like (see the module docstring)."""

    label: str
    triggers: dict[Key, float]
    stops: frozenset[str]
    max_words: int


def _keys(keys: Sequence[str], breaks: Sequence[bool], i: int) -> list[Key]:
    """The trigger keys of a clause starting at word ``i``: one or two words before it
    (within its sentence), with and without its first word."""
    out: list[Key] = []
    if i >= 1 and not breaks[i]:
        out += [(keys[i - 1], "|"), (keys[i - 1], "|", keys[i])]
        if i >= 2 and not breaks[i - 1]:
            out += [(keys[i - 2], keys[i - 1], "|"), (keys[i - 2], keys[i - 1], "|", keys[i])]
    return out


def _words(text: str) -> tuple[list[str], list[int], list[bool]]:
    """Word keys, bounds, and whether a sentence or clause boundary precedes each word."""
    found, bounds = split_words(text)
    keys = [word_key(w) for w in found]
    breaks = [True] + [any(c in ".;:!?\n" for c in text[bounds[2 * i - 1]:bounds[2 * i]])
                       for i in range(1, len(found))]
    return keys, bounds, breaks


def learn_clauses(label: str, examples: Iterable[tuple[str, Sequence[tuple[int, int]]]]
                  ) -> ClauseModel | None:
    """A model of the label's clauses in ``examples`` (a text and its clauses' spans);
    ``None`` with fewer than :data:`MIN_CLAUSES` or no trigger."""
    hits: Counter[Key] = Counter()
    seen: Counter[Key] = Counter()
    ends: Counter[str] = Counter()
    clauses = longest = 0
    for text, spans in examples:
        keys, bounds, breaks = _words(text)
        starts = {s for s, _ in spans}
        for i in range(len(keys)):
            at_start = bounds[2 * i] in starts
            for key in _keys(keys, breaks, i):
                seen[key] += 1
                hits[key] += at_start
        for start, end in spans:
            clauses += 1
            longest = max(longest, len(split_words(text[start:end])[0]))
            ends[text[end:end + 1] or "\n"] += 1
    if clauses < MIN_CLAUSES:
        return None
    triggers = {k: hits[k] / (seen[k] + 1) for k in hits if hits[k]}
    triggers = {k: round(v, 4) for k, v in triggers.items() if v >= MIN_SCORE}
    stops = frozenset(c for c, n in ends.items() if c in _STOPS and n * 10 >= clauses)
    if not triggers:
        return None
    return ClauseModel(label, triggers, stops | {"\n"}, longest)


def suggest_clauses(model: ClauseModel, text: str,
                    mentions: Sequence[tuple[int, int, str]]) -> list[Suggestion]:
    """The clauses ``model`` proposes in ``text`` where the layer has no mention of the
    label yet (see the module docstring)."""
    keys, bounds, breaks = _words(text)
    occupied = Occupied(len(text), mentions)
    out: list[Suggestion] = []
    i = 0
    while i < len(keys):
        score = max((model.triggers.get(k, 0.0) for k in _keys(keys, breaks, i)), default=0.0)
        if score < MIN_SCORE:
            i += 1
            continue
        start = bounds[2 * i]
        end, last = _clause_end(model, text, bounds, i)
        if last - i + 1 <= 2 * model.max_words and not occupied.blocks(start, end, model.label):
            out.append(Suggestion(start, end, model.label, CLAUSE, None, score))
            i = last
        i += 1
    return out


def _clause_end(model: ClauseModel, text: str, bounds: Sequence[int], i: int
                ) -> tuple[int, int]:
    """Where the clause from word ``i`` ends: the end of its last word before a stop."""
    last = i
    count = len(bounds) // 2
    while last + 1 < count:
        between = text[bounds[2 * last + 1]:bounds[2 * last + 2]]
        if any(c in model.stops and _ends_here(c, text, bounds, last) for c in between):
            break
        last += 1
    return bounds[2 * last + 1], last


def _ends_here(char: str, text: str, bounds: Sequence[int], last: int) -> bool:
    """A full stop before a lower-case word ("27. mai", "bl.a. at") ends nothing."""
    if char != ".":
        return True
    return not text[bounds[2 * last + 2]:bounds[2 * last + 2] + 1].islower()


def clause_models(session: Session, annotator_id: int) -> list[ClauseModel]:
    """A model per clause label of the layer, from its latest :data:`DOCUMENTS` documents
    marked in progress or done (bounded reads: the progress index, then the mentions of
    those documents)."""
    documents = list(session.scalars(
        select(DocumentState.document_id).where(DocumentState.annotator_id == annotator_id,
                                                DocumentState.status != "new")
        .order_by(DocumentState.updated_at.desc(), DocumentState.document_id.desc())
        .limit(DOCUMENTS)))
    if not documents:
        return []
    spans: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for document_id, start, end, label in session.execute(
            select(Mention.document_id, Mention.start, Mention.end, Mention.label).where(
                Mention.document_id.in_(documents), Mention.annotator_id == annotator_id,
                Mention.status.in_(("manual", "accepted")))):
        spans[label][document_id].append((start, end))
    texts: dict[int, str] = {}
    models = []
    for label, by_document in sorted(spans.items()):
        count = sum(len(v) for v in by_document.values())
        chars = sum(e - s for v in by_document.values() for s, e in v)
        # about six characters a word: a cheap first cut before reading any text
        if count < MIN_CLAUSES or chars / count < MIN_WORDS * 6:
            continue
        missing = [d for d in by_document if d not in texts]
        texts.update((row.id, row.text) for row in session.execute(
            select(Document.id, Document.text).where(Document.id.in_(missing))))
        model = learn_clauses(label, [(texts[d], v) for d, v in by_document.items()
                                      if d in texts])
        if model is not None:
            models.append(model)
    return models


def document_clauses(session: Session, annotator_id: int, document_id: int,
                     models: Sequence[ClauseModel] | None = None) -> list[Suggestion]:
    """Every clause label's suggestions in one document."""
    if models is None:
        models = clause_models(session, annotator_id)
    if not models:
        return []
    text = session.scalar(select(Document.text).where(Document.id == document_id))
    if text is None:
        return []
    mentions = document_mentions(session, annotator_id, document_id)
    return [s for model in models for s in suggest_clauses(model, text, mentions)]
