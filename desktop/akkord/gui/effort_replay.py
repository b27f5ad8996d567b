"""The effort figures, replayed through the window's annotation session.

:func:`replay` annotates a corpus again from its gold layer, document by document in
publication order, in a project that starts with the texts and no entities, by calling
the same :class:`~akkord.gui.session.AnnotationSession` methods the window's keys call:
``open_document`` (which pre-annotates a new document), ``review`` (Enter / Delete /
accept all in the review list), ``add_mention``, ``link`` / ``link_new`` (the picker, which
remembers linked forms), ``find_occurrences`` (Ctrl+G), ``add_relation`` and
``set_status``. What one document teaches (aliases, the recommender) is what the next
one gets, as in the window. It counts the keys and clicks a person needs, with
suggestions off and on; the counting model is :mod:`akkord.services.suggesting.effort`'s,
with what the window does added:

* **the picker** is counted as it behaves (:mod:`akkord.gui.entity_picker`): it lists
  "+ New" (when the text is no entity's name) and up to 20 candidates, and preselects the
  top candidate when it matches strongly, else the first row. Enter takes the
  preselected row (1); otherwise the letters of the entity's name are typed until it is
  preselected, then Enter (the documented model); a new entity is Enter, or ↑ and Enter
  when a candidate is preselected. The right row may also be reached with ↓ / ↑ from
  the preselected one (a key per row, as the picker's query line moves the list's current
  row), whichever is fewer; ``arrows=False`` counts typing only (the figure before).
* **reviewing a document's suggestions**: Ctrl+R opens the review list (1), then the
  cheaper of two ways: one by one (Enter or Delete, 1 each), or accept all (1) after
  clicking and deleting each wrong one (2 each). A right span with a wrong or missing
  entity is linked from the list (1, "Change link…") plus the picker, either way.
  A suggestion of the right span with the wrong label ("Ukraina" the state where the
  text means the area) is **relabelled** from the list: the label key on its row (1; in
  the accept-all way a click on it first, 1), then the picker, whose choice links and
  accepts it and gives the keyboard back to the list (a label without entities: Enter,
  1). A suggestion of the right label whose extent is off by a few words ("skriftlig svar"
  where the mention is "et skriftlig svar") is **adjusted** instead of rejected when that
  is cheaper than rejecting it and marking the mention by hand: a click on it (1), its
  start and end moved a word at a time as Alt(+Shift)+←/→ move them (1 each, through
  the window's own :func:`~akkord.textproc.spans.edge_moved`), Enter (1), and the
  link changed if its entity is not the mention's (1 plus the picker).
* **annotate all** (Ctrl+G, 1) after a form is linked by hand, when the form (or, for a
  person's name, the surname alone) occurs again in the document; its suggestions are
  reviewed like the others (the list opens itself).
* **relations**: R, a Tab to the other mention, Enter (3 each), the same in both modes.
* The recommender is trained (when due) between documents, where the window trains it in
  the background while the annotator reads.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from akkord.domain.statuses import DocumentStatus, MentionStatus
from akkord.gui.entity_picker import STRONG_MATCH
from akkord.gui.session import AnnotationSession, SuggestionKinds
from akkord.services.projects import Project
from akkord.services.suggesting.effort import (
    RELATION_ACTIONS,
    Effort,
    GoldDocument,
    GoldMention,
    insert_documents,
)
from akkord.services.suggesting.features import sentences_of, tokens_of
from akkord.services.suggesting.preannotate import surname
from akkord.services.suggesting.recommender import NotTrained, Recommender, Settings
from akkord.services.suggesting.review import ReviewItem
from akkord.services.views import Candidate
from akkord.textproc.lemmas import fold, genitive_base, phrase_keys, words
from akkord.textproc.spans import edge_moved

NEW = -1  # the picker's "+ New" row
MAX_MOVES = 12  # the most word moves an adjustment is counted with
Place = tuple[int, int, str]


@dataclass(slots=True)
class _Review:
    """A batch of suggestions sorted against the gold: what a person does with each."""

    right: list[ReviewItem]
    wrong: list[ReviewItem]
    relink: list[tuple[ReviewItem, GoldMention]]
    relabel: list[tuple[ReviewItem, GoldMention]] = field(default_factory=list)


@dataclass(slots=True)
class Why:
    """Where a replay's actions went (``run.py effort_why``): actions per kind of work
    and label, and every picker miss for an entity seen before with its reason."""

    actions: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    miss_reasons: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, actions: int, count: int = 1) -> None:
        self.actions[key] += actions
        self.counts[key] += count


class SessionReplay:
    """One replay (see the module docstring)."""

    def __init__(self, project: Project, documents: Sequence[GoldDocument], *,
                 suggestions: bool, arrows: bool = True, annotator: str = "replay") -> None:
        self.documents = list(documents)
        self.doc_ids = insert_documents(project, self.documents, annotator)
        self.session = AnnotationSession(project, annotator, suggest=suggestions)
        self.session.kinds = SuggestionKinds(suggestions, suggestions, suggestions)
        self.suggestions = suggestions
        self.arrows = arrows  # the picker's rows reached with ↓ / ↑ too
        self.effort = Effort()
        self.entities: dict[str, int] = {}  # gold entity key → the replay's entity id
        self.used: set[int] = set()
        self.forms: set[tuple[str, ...]] = set()
        self.recommender = Recommender(Settings())
        self.why = Why()

    def run(self) -> Effort:
        for doc_id, gold in zip(self.doc_ids, self.documents, strict=True):
            if self.suggestions:
                self._train_if_due()
            cost = self.document(doc_id, gold)
            self.effort.per_document.append(cost)
            self.effort.actions += cost
            self.effort.mentions += len(gold.mentions)
        self.effort.mention_actions = self.effort.actions - self.effort.relation_actions
        return self.effort

    # -- one document ----------
    def document(self, doc_id: int, gold: GoldDocument) -> int:
        session = self.session
        session.open_document(doc_id)
        pending: dict[Place, GoldMention] = {(m.start, m.end, m.label): m
                                             for m in gold.mentions}
        queue = session.suggestions.queue(doc_id)
        cost = 1 + self._review(gold, queue, pending) if queue else 0
        if queue:
            self.why.add("review list opened (Ctrl+R)", 1)
        for mention in gold.mentions:
            place = (mention.start, mention.end, mention.label)
            if place not in pending:
                continue
            del pending[place]
            cost += self._by_hand(gold, mention)
            if self.suggestions and mention.entity is not None:
                cost += self._annotate_all(gold, mention, pending)
        cost += self._relations(gold)
        session.set_status(DocumentStatus.DONE)
        return cost

    def _sort(self, items: Sequence[ReviewItem], pending: dict[Place, GoldMention]
              ) -> _Review:
        review = _Review([], [], [])
        for item in items:
            target = pending.get((item.start, item.end, item.label))
            if target is None:
                review.wrong.append(item)
            elif target.entity is not None and \
                    self.entities.get(target.entity) != item.entity_id:
                review.relink.append((item, target))
            else:
                review.right.append(item)
        taken = {(i.start, i.end) for i in review.right} | {
            (i.start, i.end) for i, _ in review.relink}
        spans = {(m.start, m.end): m for m in pending.values()}
        for item in list(review.wrong):  # the right span under another label
            target = spans.get((item.start, item.end))
            if target is not None and (item.start, item.end) not in taken:
                taken.add((item.start, item.end))
                review.wrong.remove(item)
                review.relabel.append((item, target))
        return review

    def _review(self, gold: GoldDocument, items: Sequence[ReviewItem],
                pending: dict[Place, GoldMention]) -> int:
        """Review ``items`` (see the module docstring); the cost, without opening the list."""
        review = self._sort(items, pending)
        adjusted = self._adjust(gold, review, pending)
        for item in review.right:
            target = pending.pop((item.start, item.end, item.label))
            self._probe(target, gold.text[item.start:item.end])
        self.session.review([i.mention_id for i in review.wrong], accept=False)
        self.session.review([i.mention_id for i in review.right], accept=True)
        for item in review.right:
            if item.entity_id is not None:
                self._learnt(gold.text, item.start, item.end, item.entity_id)
        relinks = 0
        for item, target in review.relink:
            del pending[(item.start, item.end, item.label)]
            relinks += 1 + self._link(gold, target, item.mention_id)
        relabels = self._relabel(gold, review.relabel, pending)
        for item in review.right:
            self.why.add(f"suggestion accepted {item.label} ({item.origin})", 0)
        for item in review.wrong:
            self.why.add(f"suggestion rejected {item.label} ({item.origin})", 0)
            other = next((m.label for m in gold.mentions
                          if (m.start, m.end) == (item.start, item.end)), None)
            self.why.misses.append(f"rejected {item.label} ({item.origin}): "
                                   f"{gold.text[item.start:item.end]!r}, gold: {other} in "
                                   f"{gold.text[max(0, item.start - 30):item.end + 20]!r}")
        for item, _ in review.relink:
            self.why.add(f"suggestion relinked {item.label} ({item.origin})", 0)
        self.effort.accepted += len(review.right) + len(review.relink) + len(review.relabel)
        self.effort.rejected += len(review.wrong)
        self.effort.relinked += len(review.relink)
        self.effort.relabelled += len(review.relabel)
        one_by_one = len(review.right) + len(review.wrong) + relinks + relabels
        accept_all = 1 + 2 * len(review.wrong) + relinks + len(review.relink) + relabels + \
            len(review.relabel)
        self.why.add("review (keys in the list, picker of relinks included)",
                     min(one_by_one, accept_all), 0)
        return min(one_by_one, accept_all) + adjusted

    def _relabel(self, gold: GoldDocument, items: Sequence[tuple[ReviewItem, GoldMention]],
                 pending: dict[Place, GoldMention]) -> int:
        """The label key on each item's row, then the picker (or Enter); their cost, in
        the one-by-one way (see the module docstring)."""
        cost = 0
        for item, target in items:
            del pending[(target.start, target.end, target.label)]
            self.session.relabel(item.mention_id, target.label)
            spent = 1 + (self._link(gold, target, item.mention_id)
                         if target.entity is not None else 1)
            if target.entity is None:
                self.session.review([item.mention_id], accept=True)
            self.why.add(f"suggestion relabelled {item.label}→{target.label} "
                         f"({item.origin})", 0)
            cost += spent
        return cost

    def _adjust(self, gold: GoldDocument, review: _Review,
                pending: dict[Place, GoldMention]) -> int:
        """Wrong suggestions whose extent a few word moves make right are adjusted (see
        the module docstring) and taken out of ``review.wrong``; the cost of adjusting
        them, their relinks included."""
        cost = 0
        for item in list(review.wrong):
            found = self._adjustable(gold, item, pending)
            if found is None:
                continue
            target, moves = found
            self.session.set_span(item.mention_id, target.start, target.end)
            document = self.session.document
            assert document is not None
            moved = document.mentions.get(item.mention_id)
            if moved is None or (moved.start, moved.end) != (target.start, target.end):
                continue  # the session refused the move: rejected as before
            del pending[(target.start, target.end, target.label)]
            review.wrong.remove(item)
            spent = 2 + moves
            if target.entity is not None and \
                    self.entities.get(target.entity) != item.entity_id:
                spent += 1 + self._link(gold, target, item.mention_id)  # accepts it
            elif item.entity_id is not None:
                self._probe(target, gold.text[target.start:target.end])
                self._learnt(gold.text, target.start, target.end, item.entity_id)
            if document.mentions[item.mention_id].status == MentionStatus.SUGGESTED:
                self.session.review([item.mention_id], accept=True)
            self.effort.accepted += 1
            self.effort.adjusted += 1
            self.why.add(f"suggestion adjusted {item.label} ({item.origin})", spent)
            cost += spent
        return cost

    def _adjustable(self, gold: GoldDocument, item: ReviewItem,
                    pending: dict[Place, GoldMention]) -> tuple[GoldMention, int] | None:
        """The mention of the suggestion's label it overlaps, and the word moves that make
        the suggestion that mention, when adjusting is cheaper than rejecting (1) and
        marking it by hand; else ``None``."""
        for (start, end, label), target in pending.items():
            if label != item.label or not (start < item.end and item.start < end):
                continue
            moves = _moves(gold.text, item.start, item.end, start, end)
            by_hand = max(1, len(words(gold.text[start:end]))) + 1
            relink = target.entity is not None and \
                self.entities.get(target.entity) != item.entity_id
            if moves is not None and 2 + moves + relink < by_hand + 1:
                return target, moves
        return None

    def _by_hand(self, gold: GoldDocument, mention: GoldMention) -> int:
        """Double-click, Shift+→ per further word, the label key; then the picker."""
        surface = gold.text[mention.start:mention.end]
        cost = max(1, len(words(surface))) + 1
        mention_id = self.session.add_mention(mention.start, mention.end, mention.label)
        assert mention_id is not None, "the session refused a gold mention"
        self.effort.by_hand += 1
        self.why.add(f"by hand: span and label {mention.label}", cost)
        if mention.entity is not None:
            seen = "seen before" if mention.entity in self.entities else "new"
            self.why.add(f"by hand: {mention.label} of an entity {seen}", 0)
            if seen != "new":
                self.why.misses.append(f"by hand {mention.label}: {surface!r} → {mention.name!r}")
        if mention.entity is not None:
            picked = self._link(gold, mention, mention_id)
            self.why.add(f"by hand: picker {mention.label}", picked)
            cost += picked
        return cost

    def _annotate_all(self, gold: GoldDocument, mention: GoldMention,
                      pending: dict[Place, GoldMention]) -> int:
        """Ctrl+G when the form, or a person's surname, occurs again in the document (the
        person sees it)."""
        surface = gold.text[mention.start:mention.end]
        last = surname(surface)
        forms = {fold(surface)} | ({fold(last)} if last else set())
        if not any(m.label == mention.label and (
                fold(gold.text[m.start:m.end]) in forms
                or genitive_base(fold(gold.text[m.start:m.end])) in forms)
                for m in pending.values()):
            return 0
        document = self.session.document
        assert document is not None
        mention_id = next(m.id for m in document.mentions.values()
                          if (m.start, m.end, m.label) == (mention.start, mention.end,
                                                            mention.label)
                          and m.status != MentionStatus.REJECTED)
        found = set(self.session.find_occurrences(mention_id, project_wide=False))
        self.why.add("annotate all (Ctrl+G)", 1)
        if not found:
            return 1
        items = [i for i in self.session.suggestions.queue(document.id)
                 if i.mention_id in found]
        return 1 + self._review(gold, items, pending)

    def _relations(self, gold: GoldDocument) -> int:
        """Suggested relations first (suggestions on: Ctrl+Shift+R, a click on each wrong
        one's check box, Enter), then the others by hand (R, Tab, Enter: 3 each)."""
        document = self.session.document
        assert document is not None
        at = {(m.start, m.end, m.label): m.id for m in document.mentions.values()
              if MentionStatus(m.status).decided}
        wanted = {(r.type, at.get(r.head), at.get(r.tail)) for r in gold.links}
        cost = 0
        if self.suggestions:
            proposed = self.session.suggestions.relation_suggestions(document.id)
            right = [(p.type, p.head, p.tail) for p in proposed
                     if (p.type, p.head, p.tail) in wanted]
            wrong = len(proposed) - len(right)
            cost += (2 + wrong if right else 2) if proposed else 1
            self.why.add("relations: suggested list", (2 + wrong if right else 2)
                         if proposed else 1, 0)
            for p in proposed:
                taken = "taken" if (p.type, p.head, p.tail) in wanted else "left out"
                self.why.add(f"relations: suggested {p.type} ({p.reason}, score "
                             f"{min(int(p.score * 10), 9) / 10:.1f}+), {taken}", 0)
            self.session.add_relations(right)
            self.effort.suggested_relations += len(right)
            self.effort.rejected_relations += wrong
            wanted -= set(right)
        by_hand = [r for r in wanted if r[1] is not None and r[2] is not None]
        for type_, head, tail in sorted(by_hand, key=lambda r: (r[1] or 0, r[2] or 0)):
            assert head is not None and tail is not None
            self.session.add_relation(type_, head, tail)
        cost += RELATION_ACTIONS * len(wanted)
        for relation in gold.links:
            key = (relation.type, at.get(relation.head), at.get(relation.tail))
            if key in wanted:
                self.why.add(f"relations by hand: {relation.type} "
                             f"{relation.head[2]}→{relation.tail[2]} "
                             f"{self._apart(gold, relation.head, relation.tail)}",
                             RELATION_ACTIONS)
        self.effort.relation_actions += cost
        return cost

    @staticmethod
    def _apart(gold: GoldDocument, head: Place, tail: Place) -> str:
        """"same sentence" or "N sentences apart" (for the breakdown)."""
        tokens = tokens_of(gold.text, gold.meta)
        spans = sentences_of(gold.text, gold.meta, tokens)
        bounds = [tokens[a][0] if a < len(tokens) else len(gold.text) for a, _ in spans]

        def index(at: int) -> int:
            return max(0, sum(1 for b in bounds if b <= at) - 1)

        gap = abs(index(head[0]) - index(tail[0]))
        return "same sentence" if gap == 0 else f"{min(gap, 3)}{'+' if gap >= 3 else ''} " \
            "sentences apart"

    # -- the picker ----------
    def _rows(self, kind: str, query: str, at: int) -> tuple[list[int], int]:
        """The picker's rows for ``query`` (entity ids, :data:`NEW` for "+ New") and the
        row it preselects, as :class:`~akkord.gui.entity_picker.EntityPicker` fills them
        for the mention at ``at``."""
        candidates = self.session.candidates(kind, query, at)
        typed = query.strip()
        new_row = bool(typed) and not any(c.name.casefold() == typed.casefold()
                                          for c in candidates)
        rows = ([NEW] if new_row else []) + [c.entity_id for c in candidates]
        strong = bool(candidates) and candidates[0].score >= STRONG_MATCH
        return rows, (1 if new_row else 0) if strong else 0

    def _picking(self, kind: str, query: str, wanted: int, at: int) -> int | None:
        """↓ or ↑ presses from the preselected row to ``wanted``, and Enter (``None``:
        not in the list)."""
        rows, preselected = self._rows(kind, query, at)
        if wanted not in rows or (not self.arrows and rows.index(wanted) != preselected):
            return None
        return abs(rows.index(wanted) - preselected) + 1

    def _link(self, gold: GoldDocument, target: GoldMention, mention_id: int) -> int:
        """Link the mention through the picker as a person would; its cost."""
        assert target.entity is not None and target.kind is not None and target.name
        surface = gold.text[target.start:target.end]
        self._probe(target, surface)
        wanted = self.entities.get(target.entity)
        if wanted is None:  # "+ New" is the first row: ↑ when a candidate is preselected
            rows, preselected = self._rows(target.kind, surface, target.start)
            cost = 1 + (rows.index(NEW) != preselected) if NEW in rows else 1
            entity = self.session.link_new(mention_id, target.name)
            assert entity is not None
            self.entities[target.entity] = entity
            self._learnt(gold.text, target.start, target.end, entity)
            return cost
        picked = self._picking(target.kind, surface, wanted, target.start)
        cost = picked if picked is not None else len(target.name) + 1
        if picked is None or picked > 2:  # typing the name may be quicker than ↓
            typed = next((n for n in range(1, len(target.name) + 1)
                          if self._picking(target.kind, target.name[:n], wanted,
                                           target.start) == 1),
                         len(target.name))
            cost = min(cost, typed + 1)
        self.session.link(mention_id, wanted)
        self._learnt(gold.text, target.start, target.end, wanted)
        return cost

    def _probe(self, gold: GoldMention, surface: str) -> None:
        """Is the entity the picker's first candidate (for an entity seen before)?"""
        wanted = self.entities.get(gold.entity or "")
        if wanted is None or wanted not in self.used or gold.kind is None:
            return
        ranked = self.session.candidates(gold.kind, surface, gold.start)
        right = bool(ranked) and ranked[0].entity_id == wanted
        if not right:
            self._miss(gold, surface, ranked, wanted)
        self.effort.picker_seen += 1
        self.effort.picker_top1 += right
        if phrase_keys(surface) & self.forms:
            self.effort.form_seen += 1
            self.effort.form_top1 += right

    def _miss(self, gold: GoldMention, surface: str, ranked: Sequence[Candidate],
              wanted: int) -> None:
        """Why the picker's first candidate was not ``wanted`` (for the breakdown)."""
        at = next((i for i, c in enumerate(ranked) if c.entity_id == wanted), None)
        top = ranked[0] if ranked else None
        if top is None:
            reason = "nothing listed"
        elif at is None:
            reason = f"not listed; top matched at {int(top.score)}"
        else:
            score = ranked[at].score
            reason = (f"listed {at + 1}., below a better match ({int(top.score)} > "
                      f"{int(score)})" if int(top.score) > int(score)
                      else f"listed {at + 1}., tie at {int(score)} lost")
        self.why.miss_reasons[f"{gold.label}: {reason.split(';')[0].split('(')[0].strip()}"] += 1
        self.why.misses.append(
            f"{gold.label} {surface!r} → {gold.name!r}: {reason}; top "
            f"{top.name if top else None!r} via {top.matched if top else None!r}")

    def _learnt(self, text: str, start: int, end: int, entity: int) -> None:
        self.used.add(entity)
        self.forms |= phrase_keys(text[start:end])

    # -- the recommender ----------
    def _train_if_due(self) -> None:
        desk = self.session.suggestions
        if not self.recommender.due(desk.annotated_count()):
            return
        with contextlib.suppress(NotTrained):  # too little annotated yet
            self.recommender.train(desk.training_examples())
        self.session.recommender = self.recommender if self.recommender.active_labels \
            else None


def _moves(text: str, start: int, end: int, to_start: int, to_end: int) -> int | None:
    """How many word moves of its edges (Alt(+Shift)+←/→) take a mention from
    ``start``–``end`` to ``to_start``–``to_end``; ``None`` if they cannot (a part of a
    word)."""
    moves = 0
    edges = [("start", start, to_start), ("end", end, to_end)]
    if to_start > start:  # widen before narrowing: the mention never becomes empty
        edges.reverse()
    for edge, at, wanted in edges:
        step = -1 if wanted < at else 1
        while at != wanted and moves <= 2 * MAX_MOVES:
            moved = edge_moved(text, start, end, edge, step)
            start, end = moved
            now = start if edge == "start" else end
            if now == at or (step < 0 and now < wanted) or (step > 0 and now > wanted):
                return None
            at = now
            moves += 1
    return moves if moves <= MAX_MOVES and start < end else None


def replay(project: Project, documents: Sequence[GoldDocument], *, suggestions: bool,
           arrows: bool = True, annotator: str = "replay") -> Effort:
    """Annotate ``documents`` again through an annotation session in ``project`` (which
    must hold no entities) and count the effort; see the module docstring."""
    return SessionReplay(project, documents, suggestions=suggestions, arrows=arrows,
                         annotator=annotator).run()
