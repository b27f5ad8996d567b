"""Which canonical entity a mention is: ranked candidates for the link picker.

Ranking, best first: an exact match of the mention's text with the entity's name or an
alias (Norwegian genitive ``-s`` removed: ``Natos`` → Nato, ``Stoltenbergs`` → Jens
Stoltenberg via the name's last word), then a name that starts with what was typed, then
shared words; ties go to the entity used most often in this annotator's layer. The
annotator types to filter; the top candidate is what Enter accepts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.domain.entities import fold, match_forms, tokens
from akkord.services.views import Candidate
from akkord.store.models import Entity, EntityAlias, Mention


@dataclass(frozen=True, slots=True)
class _Entry:
    entity_id: int
    name: str
    kind: str
    forms: tuple[str, ...]  # folded name and aliases, name first


def _entries(session: Session, kind: str) -> list[_Entry]:
    aliases: dict[int, list[str]] = defaultdict(list)
    for entity_id, alias in session.execute(
            select(EntityAlias.entity_id, EntityAlias.alias)
            .join(Entity, Entity.id == EntityAlias.entity_id).where(Entity.kind == kind)):
        aliases[entity_id].append(alias)
    return [_Entry(e.id, e.name, e.kind, (fold(e.name), *(fold(a) for a in aliases[e.id])))
            for e in session.execute(select(Entity.id, Entity.name, Entity.kind)
                                     .where(Entity.kind == kind))]


def _score(entry: _Entry, forms: list[str], words: set[str]) -> tuple[float, str]:
    """How well one of the entity's names matches: exact 100 (alias 95), prefix 60,
    surname (last word) 55, substring 40, else 20 per shared word."""
    best, matched = 0.0, ""
    for i, candidate in enumerate(entry.forms):
        shown = entry.name if i == 0 else candidate
        candidate_words = tokens(candidate)
        if candidate in forms:
            score = 100.0 if i == 0 else 95.0
        elif any(candidate.startswith(f) for f in forms if len(f) >= 2):
            score = 60.0
        elif candidate_words and candidate_words[-1] in words:
            score = 55.0
        elif any(f in candidate for f in forms if len(f) >= 3):
            score = 40.0
        else:
            score = 20.0 * len(words & set(candidate_words))
        if score > best:
            best, matched = score, shown
    return best, matched


def rank_candidates(session: Session, kind: str, query: str, annotator_id: int | None = None,
                    limit: int = 20) -> list[Candidate]:
    """Entities of ``kind`` for ``query`` (a mention's text or what the user typed).

    With an empty query every entity of the kind is listed, most used first.
    """
    use_query = select(Mention.entity_id, func.count()).where(
        Mention.entity_id.is_not(None)).group_by(Mention.entity_id)
    if annotator_id is not None:
        use_query = use_query.where(Mention.annotator_id == annotator_id)
    uses = {entity_id: count for entity_id, count in session.execute(use_query).all()
            if entity_id is not None}
    forms = match_forms(query) if query.strip() else []
    words = {w for f in forms for w in tokens(f)}
    ranked: list[Candidate] = []
    for entry in _entries(session, kind):
        score, matched = _score(entry, forms, words) if forms else (1.0, entry.name)
        if score <= 0:
            continue
        count = uses.get(entry.entity_id, 0)
        ranked.append(Candidate(entry.entity_id, entry.name, entry.kind,
                                score + 5 * math.log1p(count), count, matched))
    ranked.sort(key=lambda c: (-c.score, -c.uses, fold(c.name)))
    return ranked[:limit]
