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

**Clauses like the layer's own** (*the same demand again*): a layer's demands repeat in
other words ("at Nato ikke tar opp flere medlemmer i øst" after "at Nato ikke skal ta opp
flere medlemmer"). Every place a clause may begin — after any trigger the layer's
clauses followed, or at a word that begins at least :data:`MIN_CLAUSES` of them
(*at*) — is measured against the layer's clauses linked to an entity: the share of
their words (as lemma keys) they have in common, each word weighted by how rare it is
in the documents learned from (inverse document frequency: *Nato* and *at* say little,
*medlemmer* and *utvides* much). From :data:`MIN_SIMILAR` the clause is proposed
*linked* to the entity of the most similar one, with the similarity as its score and
the margin over the best clause of another entity as its gap; Enter then takes the
demand and its entity at once. (On the demo, learning from the documents before each:
11 right of 20 proposed and 6 a few words off, each right one with its entity.)
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from akkord.services import queries
from akkord.services.suggesting.model import CLAUSE, Suggestion
from akkord.services.suggesting.preannotate import Occupied, document_mentions
from akkord.store.models import Document, Mention
from akkord.textproc.lemmas import split_words, word_key

MIN_WORDS = 5.0
"""A label whose mentions average this many words is one of clauses (the demo's demands
average 8.3, its meetings 2.9)."""
MIN_SCORE = 0.5
"""The least trigger score proposed (one place in two, smoothed)."""
MIN_CLAUSES = 3
"""The clauses a layer must have made of a label before it is suggested."""
MIN_SIMILAR = 0.2
"""The least weighted share of words with a linked clause of the layer that proposes a
clause linked to its entity. On the demo (the window's replay, where a clause a few
words off is moved into place rather than rejected) 0.16–0.22 save the most: 20
proposed, 11 right, 6 moved into place, 3 rejected; 0.3 saved 22 actions fewer, 0.12
17 fewer."""
DOCUMENTS = 40
"""The layer's latest documents (in progress or done) that clauses are learned from."""
_STOPS = ".,;:!?\n"

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClauseModel:
    """What the layer's clauses of one label look like (see the module docstring).
    ``triggers`` holds every trigger a clause followed, with its score (only those of
    :data:`MIN_SCORE` propose an unlinked clause; any may begin a clause like a known
    one)."""

    label: str
    triggers: dict[Key, float]
    stops: frozenset[str]
    max_words: int
    firsts: frozenset[str] = frozenset()  # word keys that begin MIN_CLAUSES clauses
    known: tuple[tuple[frozenset[str], int], ...] = ()  # a linked clause's keys, entity
    weights: Mapping[str, float] = field(default_factory=dict)  # key → its rarity
    unseen: float = 1.0  # the weight of a key the documents learned from never had

    def weight(self, key: str) -> float:
        return self.weights.get(key, self.unseen)

    def most_similar(self, keys: frozenset[str]) -> tuple[float, int | None, float]:
        """The known clause most like ``keys``: the similarity, its entity, and the
        margin over the most similar clause of another entity."""
        best: dict[int, float] = {}
        own = sum(self.weight(k) for k in keys)
        for known, entity in self.known:
            shared = sum(self.weight(k) for k in keys & known)
            if not shared:
                continue
            union = own + sum(self.weight(k) for k in known - keys)
            best[entity] = max(best.get(entity, 0.0), shared / union)
        if not best:
            return 0.0, None, 0.0
        ranked = sorted(best.items(), key=lambda pair: -pair[1])
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        return ranked[0][1], ranked[0][0], ranked[0][1] - runner_up


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


def learn_clauses(label: str, examples: Iterable[tuple[str, Sequence[tuple[int, int]]]],
                  linked: Iterable[tuple[str, int]] = ()) -> ClauseModel | None:
    """A model of the label's clauses in ``examples`` (a text and its clauses' spans) and
    ``linked`` (the text of each clause linked to an entity, and the entity); ``None``
    with fewer than :data:`MIN_CLAUSES` or no trigger."""
    hits: Counter[Key] = Counter()
    seen: Counter[Key] = Counter()
    ends: Counter[str] = Counter()
    firsts: Counter[str] = Counter()
    frequency: Counter[str] = Counter()  # documents a key occurs in
    clauses = longest = documents = 0
    for text, spans in examples:
        keys, bounds, breaks = _words(text)
        documents += 1
        frequency.update(set(keys))
        starts = {s for s, _ in spans}
        for i in range(len(keys)):
            at_start = bounds[2 * i] in starts
            for key in _keys(keys, breaks, i):
                seen[key] += 1
                hits[key] += at_start
        for start, end in spans:
            clauses += 1
            found = split_words(text[start:end])[0]
            longest = max(longest, len(found))
            firsts.update(word_key(w) for w in found[:1])
            ends[text[end:end + 1] or "\n"] += 1
    if clauses < MIN_CLAUSES:
        return None
    triggers = {k: round(hits[k] / (seen[k] + 1), 4) for k in hits if hits[k]}
    stops = frozenset(c for c, n in ends.items() if c in _STOPS and n * 10 >= clauses)
    known = tuple((frozenset(word_key(w) for w in split_words(text)[0]), entity)
                  for text, entity in linked)
    if not triggers and not known:
        return None
    weights = {k: math.log((documents + 1) / (n + 0.5)) for k, n in frequency.items()}
    return ClauseModel(label, triggers, stops | {"\n"}, longest,
                       frozenset(k for k, n in firsts.items() if n >= MIN_CLAUSES),
                       tuple(k for k in known if k[0]), weights,
                       math.log((documents + 1) / 0.5))


def suggest_clauses(model: ClauseModel, text: str,
                    mentions: Sequence[tuple[int, int, str]]) -> list[Suggestion]:
    """The clauses ``model`` proposes in ``text`` where the layer has no mention of the
    label yet (see the module docstring): like a linked clause of the layer's when it has
    any, else after a trigger of :data:`MIN_SCORE`."""
    keys, bounds, breaks = _words(text)
    occupied = Occupied(len(text), mentions)
    out: list[Suggestion] = []
    i = 0
    while i < len(keys):
        score = _begins(model, keys, breaks, i)
        if score is None:
            i += 1
            continue
        end, last = _clause_end(model, text, bounds, i)
        if last - i + 1 > 2 * model.max_words or occupied.blocks(bounds[2 * i], end,
                                                                  model.label):
            i += 1
            continue
        if model.known:
            found = _most_similar(model, keys, breaks, i, last)
            if found is not None:
                first, similar, entity, gap = found
                out.append(Suggestion(bounds[2 * first], end, model.label, CLAUSE, entity,
                                      round(similar, 4), round(gap, 4)))
                i = last
        elif score >= MIN_SCORE:
            out.append(Suggestion(bounds[2 * i], end, model.label, CLAUSE, None, score))
            i = last
        i += 1
    return out


def _begins(model: ClauseModel, keys: Sequence[str], breaks: Sequence[bool], i: int
            ) -> float | None:
    """The score of the trigger before word ``i`` when a clause may begin there (after a
    trigger of :data:`MIN_SCORE`, or at a word that begins the layer's clauses)."""
    score = max((model.triggers.get(k, 0.0) for k in _keys(keys, breaks, i)), default=0.0)
    return score if score >= MIN_SCORE or keys[i] in model.firsts else None


def _most_similar(model: ClauseModel, keys: Sequence[str], breaks: Sequence[bool], i: int,
                  last: int) -> tuple[int, float, int | None, float] | None:
    """Where, from word ``i`` on, the clause ending at word ``last`` is most like a
    linked one (at ``i`` or after a later trigger: "at Moskva vil ha | juridisk bindende
    garantier"), its similarity, entity and gap; ``None`` below :data:`MIN_SIMILAR`."""
    best: tuple[int, float, int | None, float] | None = None
    for first in range(i, last + 1):
        if first > i and (_begins(model, keys, breaks, first) or 0.0) < MIN_SCORE:
            continue  # later only after a trigger, not at any "at" of the clause
        similar, entity, gap = model.most_similar(frozenset(keys[first:last + 1]))
        if similar >= MIN_SIMILAR and (best is None or similar > best[1]):
            best = (first, similar, entity, gap)
    return best


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
    documents = queries.recently_worked(session, annotator_id, DOCUMENTS)
    if not documents:
        return []
    spans: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    entities: dict[tuple[int, int, int], int] = {}
    for document_id, start, end, label, entity_id in session.execute(
            select(Mention.document_id, Mention.start, Mention.end, Mention.label,
                   Mention.entity_id).where(
                Mention.document_id.in_(documents), Mention.annotator_id == annotator_id,
                Mention.status.in_(("manual", "accepted")))):
        spans[label][document_id].append((start, end))
        if entity_id is not None:
            entities[document_id, start, end] = entity_id
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
        linked = [(texts[d][s:e], entities[d, s, e]) for d, v in by_document.items()
                  if d in texts for s, e in v if (d, s, e) in entities]
        model = learn_clauses(label, [(texts[d], v) for d, v in by_document.items()
                                      if d in texts], linked)
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
