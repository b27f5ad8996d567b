"""Which canonical entity a mention is: ranked candidates for the link picker.

Names and aliases are compared word by word in their *keys* (folded lemmas,
:mod:`akkord.textproc.lemmas`), so inflections find the entity: *Natos* → Nato,
*alliansens* → the alias *alliansen*, *Stoltenbergs* → Jens Stoltenberg; a name's own
genitive the lemmas do not know is keyed as its name (*Møte i OSSEs faste råd* has the
word *OSSE*). Ranking, best first, in tiers that usage never overturns:

1. the whole text is the name (100) or an alias (98) — a linked form is remembered as an
   alias (:func:`akkord.services.suggesting.remember_alias`), so the entity it was
   linked to ranks first for it everywhere;
2. the whole text is an inflection of the name or an alias (92);
3. a name or alias stands inside the text as whole words: the longer it is, the higher
   (70–89), so "Nato-sjef Jens Stoltenberg" is Jens Stoltenberg, not Nato; but not when
   it stands there only as the genitive of what follows (*Polens* utenriksminister,
   *alliansens* generalsekretær: the person, so the state or alliance drops to 12), nor
   when a word of it is in the other number (*møter* is not *Møte i Nato–Russland-rådet*,
   *utenriksminister* not *utenriksministrene*: such a word counts as no word in common,
   here and in tier 7, for texts of up to :data:`NUMBERED_WORDS` words);
4. looser: the words match without their accents (*Geneve* → Genève), a hyphenated
   compound by its first part (*Nato-landene* → Nato), or the text is the initials of a
   name of three words or more, or those initials are the text (*OSSE*), or, for an
   actor, the text stands for a state the project has (*russerne*, *Washington*, *Kreml*:
   the shipped facts of :mod:`akkord.textproc.metonyms`) (66);
5. what was typed starts the name or one of its words (60 / 55) — but the mention's own
   text, one word, does not start a word in the other number (*samtalen*, a call, is
   no start of *samtalene*, talks; typed letters are);
6. the text is part of the name, as whole words in their number (50: *Stoltenberg*), or
   as letters (40);
7. 15 per shared word (an article alone, *den*, *et*, is none: "Den tredje runden" is
   not "det ekstraordinære møtet"), and 20 more when the text's last word (its head
   noun, for texts of two to :data:`NUMBERED_WORDS` words) is one of them, below 50
   unless every word is ("en serie møter" in "en serie nye møter"): "den russiske
   presidenten" is a president ("president Vladimir Putin"), not something Russian
   ("det russiske utenriksdepartementet"); among such matches the entity linked nearest
   before the mention comes first (the phrase refers back to it), then the most linked;
   a common noun whose last part is a form's one word or that form's last part, in the
   same number, shares that head (35): *nabolandet* is a *landet*, *medlemslandene* are
   *Nato-landene* (and so, wrongly, would *nabolandene* be);

   but a **clause** (a text of :data:`CLAUSE_WORDS` words or more: "at Nato ikke utvides
   videre østover") that is not a whole name or alias is scored by how much of it, word
   by word, a name or alias shares, each word weighted by how rare it is among the
   kind's names and aliases (*Nato*, *at* say little, *utvides* much): from a weighted
   share of :data:`CLAUSE_SIMILAR` the entity is preselected (50–90), below it listed
   (15–50). A demand said again in other words finds its entity, not the one whose
   long alias happens to contain three of its words;
8. nothing matches, but the document links the entity already (10): a metonym or a
   description (*Moskva*, *alliansen*, *arbeidsmiddagen*) most often means one of the
   article's own entities, so they are listed, the one linked nearest before the mention
   first (an anaphor's antecedent: *nabolandet* after *Ukraina*), then the most linked
   (never preselected: Enter still creates a new entity).

**Descriptions are context-sensitive**: a form of common words only (*møtet*,
*landet*, *samtalene*, as written: a sentence's capital does not count) remembered for
one entity means another in another article. So when the text is such a description
and the document links entities of the kind already, an entity *outside* the document
that matches only through such a form (its alias *møtet*, remembered in another
article) or only in part (*Møte i Nato–Russland-rådet* shares the word) drops below the
document's own entities (to 8): the article's meeting comes first, and the other
meeting is still listed. When the form was remembered so (the layer uses it as a
description), the document's unmatched entities come in at 51 instead of 10, strong
enough for the picker to preselect the first (nearest before the mention among the
equally linked): Enter links the article's meeting.

Among candidates that match equally well, the entity linked most often in the document
being annotated comes first ("møtet" is the meeting the article is about, not another
meeting once called "møtet"), then the one used most in the annotator's layer (shown as
a bonus below 5 points on the score; it never lifts a weaker match above a better one).
The top candidate is what Enter accepts.

**Offices**: given the project's office terms and the document's date
(:class:`Offices`), an office that matches ("Natos generalsekretær") brings its holder on
that date in right above it, so Enter links the person, as the guidelines want.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from akkord.domain.dates import PartialDate
from akkord.domain.offices import Term, holder_on
from akkord.services.link_catalogue import Catalogue, read_names
from akkord.services.link_forms import NUMBERED_WORDS, Entry, Form, Query, query_of
from akkord.services.queries import entity_uses
from akkord.services.views import Candidate
from akkord.store.models import Entity
from akkord.textproc.lemmas import fold, words
from akkord.textproc.metonyms import state_of

IN_DOCUMENT = 10.0  # the score of an entity that only the document's context suggests
ELSEWHERE = 8.0  # a description's match through a description form, outside the document
WHOLE = 92.0  # the whole text is a name or alias, or an inflection of one
IN_DESCRIBED_DOCUMENT = 51.0  # the document's entity for a description linked elsewhere
LOOSE = 66.0  # tier 4: without accents, a compound's first part, an acronym's long form
CLAUSE_WORDS = 4  # a text of this many words is scored as a clause (tier 7's note)
CLAUSE_SIMILAR = 0.3  # the weighted share of words from which a clause's entity is preselected
OWNER = 12.0  # a name standing in the text only as the genitive of what follows it
SHARED_WORD = 15.0  # tier 7: per word in common
STRONG = 50.0  # the picker preselects from here (gui.entity_picker.STRONG_MATCH)
ARTICLES = frozenset({"den", "de", "en"})  # the keys of den/det, de, en/et/ei: alone, no
# word in common (tier 7): "Den tredje runden" is not "det ekstraordinære møtet"
HEAD_WORD = 20.0  # tier 7: and the text's last word (its head noun) among them
OTHER_NUMBER = 0.5  # a clause's similarity to a form with a word of it in another number


def _form_score(form: Form, query: Query) -> float:
    if form.folded == query.folded:
        return 100.0 if form.is_name else 98.0
    n, total = len(form.keys), len(query.words)
    if n == total and query.fits(form.keys, 0):
        return 92.0
    inside = [i for i in range(total - n + 1) if 0 < n < total and query.fits(form.keys, i)]
    if any(query.agrees(form, i) and not query.owns(form, i) for i in inside):
        return 70.0 + 19.0 * n / total
    if inside and all(query.owns(form, i) for i in inside):
        return OWNER
    # inside in another number only: scored below as the words it has in common
    if n and (query.fits_loosely(form.plain) or (
            n == 1 and form.keys[0] == query.initials)
            or (total == 1 and form.initials and form.initials == query.typed)):
        return LOOSE
    if len(query.typed) >= 1 and form.folded.startswith(query.typed) and \
            query.completes(form.folded.split()[0]):
        return 60.0
    form_words = form.folded.split()
    if len(query.typed) >= 2 and any(w.startswith(query.typed) and query.completes(w)
                                     for w in form_words[1:]):
        return 55.0
    if 0 < total < n and any(all(form.keys[i + j] in query.words[j] and query.shares(
            form.keys[i + j], form.numbers[i + j]) for j in range(total))
                             for i in range(n - total + 1)):
        return 50.0
    if len(query.typed) >= 3 and query.typed in form.folded:
        return 40.0
    shared = [any(k in alternatives and query.shares(k, n)
                  for k, n in zip(form.keys, form.numbers, strict=True))
              for alternatives in query.words]
    if total == n == 1 and query.ends_like(form):
        return SHARED_WORD + HEAD_WORD  # the head of a compound is the word in common
    if not any(s and not alternatives & ARTICLES
               for s, alternatives in zip(shared, query.words, strict=True)):
        return 0.0  # an article alone is no word in common
    score = SHARED_WORD * sum(shared)
    if 1 < total <= NUMBERED_WORDS and shared[-1]:  # preselected only with every word
        return score + HEAD_WORD if all(shared) else min(score + HEAD_WORD, STRONG - 1.0)
    return score


def _score(entry: Entry, query: Query) -> tuple[float, str, bool]:
    """The best-matching name or alias of the entity, its score, and whether that form
    is a description (common words only, :func:`is_description`)."""
    best, matched, described = 0.0, entry.name, False
    for form in entry.forms:
        score = _form_score(form, query) if query.may_match(form) else 0.0
        if score > best or (score == best > 0 and described and not is_description(
                form.shown)):
            best, matched, described = score, form.shown, is_description(form.shown)
    return best, matched, described


def is_description(text: str) -> bool:
    """Whether ``text`` is one common word (*møtet*, *landet*, *samtalene*), the kind of
    description that means whatever the article is about. Longer descriptions (*den
    russiske utenriksministeren*) and clauses name what they mean, and a capitalised word
    is a name. Give it as written (:func:`akkord.textproc.lemmas.as_written`: a
    sentence's capital lowered)."""
    found = words(text)
    return len(found) == 1 and found[0][:1].islower()


def _as_clause(scored: list[tuple[Entry, float, str, bool]], query: Query,
               catalogue: Catalogue) -> list[tuple[Entry, float, str, bool]]:
    """Scores for a clause (see the module docstring, tier 7): whole names and aliases
    keep theirs, and so does an acronym for its long form (tier 4) when the clause
    scores lower; the others get the rarity-weighted share of words they have in
    common (how rare among all the entries of the catalogue)."""
    frequency, total = catalogue.frequency(), len(catalogue.entries)

    def weight(key: str) -> float:
        return math.log((total + 1) / (frequency.get(key, 0) + 0.5))

    # a query word matches a form's word in any of its alternatives (genitives)
    keys = {min(alternatives) for alternatives in query.words}
    out = []
    for entry, score, matched, described in scored:
        if score >= WHOLE:
            out.append((entry, score, matched, described))
            continue
        loose = score == LOOSE
        best, shown = 0.0, matched
        for form in entry.forms:
            theirs = dict(zip(form.keys, form.numbers, strict=True))
            common = {k for k, n in theirs.items() if query.shares(k, n)}
            shared = sum(weight(k) for k in common)
            union = sum(weight(k) for k in keys) + sum(
                weight(k) for k in theirs if k not in common)
            similar = shared / union if union else 0.0
            if any(k not in common and query.shares(k, None) for k in theirs):
                similar *= OTHER_NUMBER  # "flere møter i rådet" is no "Møte i rådet"
            if similar > best:
                best, shown = similar, form.shown
        clause = (50.0 + 40.0 * min(1.0, best) if best >= CLAUSE_SIMILAR
                  else 15.0 + 35.0 * best / CLAUSE_SIMILAR if best else 0.0)
        if loose and clause <= LOOSE:
            out.append((entry, score, matched, described))
        else:
            out.append((entry, clause, shown, False))
    return out


def _as_state(scored: list[tuple[Entry, float, str, bool]], state: str
              ) -> list[tuple[Entry, float, str, bool]]:
    """Tier 4 for the entity named or aliased ``state`` (folded) when the text stands
    for it (:func:`akkord.textproc.metonyms.state_of`); the others as they were."""
    out = []
    for entry, score, matched, described in scored:
        form = next((f for f in entry.forms if f.folded == state), None)
        if form is not None and score < LOOSE:
            out.append((entry, LOOSE, form.shown, False))
        else:
            out.append((entry, score, matched, described))
    return out


@dataclass(frozen=True, slots=True)
class Offices:
    """Who held which office (:func:`akkord.services.suggesting.offices.office_terms`),
    and the date of the document being annotated."""

    terms: Mapping[int, Sequence[Term]]
    date: PartialDate | None


def _with_holders(ranked: list[Candidate], offices: Offices, session: Session
                  ) -> list[Candidate]:
    out: list[Candidate] = []
    for candidate in ranked:
        terms = offices.terms.get(candidate.entity_id)
        holder = holder_on(terms, offices.date) if terms else None
        if holder is not None:
            row = session.execute(select(Entity.name, Entity.kind).where(
                Entity.id == holder)).first()
            if row is not None:
                out = [c for c in out if c.entity_id != holder]
                out.append(Candidate(holder, row.name, row.kind, candidate.score + 0.5,
                                     candidate.uses, candidate.matched))
        if all(c.entity_id != candidate.entity_id for c in out):
            out.append(candidate)
    return out


def _usage_bonus(count: int) -> float:
    """Below 5 points: usage orders candidates within a tier, never across tiers."""
    return min(4.9, 1.5 * math.log1p(count))


@dataclass(frozen=True, slots=True)
class CandidatePool:
    """What ranking reads from the project for one kind: its entities (the
    :class:`Catalogue`), and their uses in the layer. The link picker reads it once
    when it opens and ranks each key typed against it (reading and building it was
    most of a key's time with a thousand entities)."""

    kind: str
    catalogue: Catalogue
    uses: Mapping[int, int]
    offices: Offices | None = None  # for the document being annotated


def candidate_pool(session: Session, kind: str, annotator_id: int | None = None,
                   offices: Offices | None = None, previous: CandidatePool | None = None
                   ) -> CandidatePool:
    """The entities of ``kind`` and their uses (in the layer ``annotator_id``, or all).
    ``previous``: a pool read before, whose catalogue is kept when the names and aliases
    read now are the same (so an edit anywhere, by anyone, is never missed)."""
    names, aliases = read_names(session, kind)
    kept = previous.catalogue if previous is not None and previous.kind == kind else None
    catalogue = kept if kept is not None and kept.names == names and \
        kept.aliases == aliases else Catalogue.of(kind, names, aliases)
    return CandidatePool(kind, catalogue, entity_uses(session, [kind], annotator_id),
                         offices)


def _considered(catalogue: Catalogue, query: Query | None, linked: Mapping[int, int],
                state: str | None) -> list[Entry]:
    """The entries worth scoring, in the catalogue's order: all for no query; else those
    the index says may score, the document's linked ones (ranked even unmatched) and
    the state the text stands for (``state``, folded)."""
    if query is None:
        return list(catalogue.entries)
    chosen = catalogue.select(query)
    chosen.update(catalogue.positions[e] for e in linked if e in catalogue.positions)
    if state is not None:
        chosen.update(catalogue.named(state))
    return [catalogue.entries[n] for n in sorted(chosen)]


def rank_candidates(session: Session, kind: str, query: str, annotator_id: int | None = None,
                    limit: int = 20, *, offices: Offices | None = None,
                    context: Mapping[int, int] | frozenset[int] = frozenset(),
                    nearest: Sequence[int] = (), written: str | None = None,
                    pool: CandidatePool | None = None) -> list[Candidate]:
    """Entities of ``kind`` for ``query`` (a mention's text or what the user typed).

    With an empty query every entity of the kind is listed, most used first. Among
    candidates that match equally well, those in ``context`` (the entities already linked
    in the document being annotated: "møtet" is the meeting the article is about) come
    first (a mapping: how often it is linked there, most first), then the most used.
    ``nearest``: the entities linked before the mention in its document, nearest first
    (orders the document's entities that nothing else matches). ``written``: the query as
    written (a sentence's capital lowered), which says whether it is a description (see
    the module docstring); without it, the query itself. ``pool``: what
    :func:`candidate_pool` read for ``kind`` before (read here when not given), whose
    offices apply unless ``offices`` are given.
    """
    linked = context if isinstance(context, Mapping) else dict.fromkeys(context, 1)
    if pool is None or pool.kind != kind:
        pool = candidate_pool(session, kind, annotator_id, offices)
    offices = offices if offices is not None else pool.offices
    uses, catalogue = pool.uses, pool.catalogue
    parsed = query_of(query, written is not None) if words(query) else None
    describing = is_description(query if written is None else written) and any(
        entity_id in catalogue.positions for entity_id in linked)
    state = state_of(kind, query) if parsed is not None else None
    entries = _considered(catalogue, parsed, linked, fold(state) if state else None)
    scored = [(entry, *(_score(entry, parsed) if parsed else (1.0, entry.name, False)))
              for entry in entries]
    if parsed is not None and len(parsed.words) >= CLAUSE_WORDS:
        scored = _as_clause(scored, parsed, catalogue)
    if state is not None:  # "russerne", "Washington": the state, when the project has it
        scored = _as_state(scored, fold(state))
    # the form was linked before, to an entity outside the document: a description the
    # layer uses, so the document's own entities are offered first, and preselected
    remembered = describing and any(
        described and score >= WHOLE and entry.entity_id not in linked
        for entry, score, _, described in scored)
    ranked: list[tuple[float, Candidate]] = []
    for entry, score, matched, described in scored:
        if score <= 0 and entry.entity_id in linked:
            # "alliansen", "Moskva": the article's own actors
            score = IN_DESCRIBED_DOCUMENT if remembered else IN_DOCUMENT
        elif describing and entry.entity_id not in linked and score > 0 and (
                described or score < WHOLE):
            score = ELSEWHERE  # "møtet" remembered for another article's meeting
        if score <= 0:
            continue
        count = uses.get(entry.entity_id, 0)
        ranked.append((score, Candidate(entry.entity_id, entry.name, entry.kind,
                                        score + _usage_bonus(count), count, matched)))
    near = {entity_id: i for i, entity_id in reversed(list(enumerate(nearest)))}
    ranked.sort(key=lambda pair: (
        -round(pair[0], 6),
        near.get(pair[1].entity_id, len(near)) if SHARED_WORD < pair[0] < STRONG else 0,
        -linked.get(pair[1].entity_id, 0),
        near.get(pair[1].entity_id, len(near))
        if pair[0] in (IN_DOCUMENT, IN_DESCRIBED_DOCUMENT) else 0,
        -pair[1].uses, fold(pair[1].name)))
    found = [candidate for _, candidate in ranked]
    if offices is not None and offices.terms:
        found = _with_holders(found, offices, session)
    return found[:limit]
