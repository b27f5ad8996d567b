"""The open document as the text view sees it: text, mentions, relations, their index.

Kept in memory and updated in place after each committed edit (the database is the
truth; this is its picture), so the view repaints without re-reading anything. Offsets
here are code points, as everywhere in Akkord; :meth:`to_qt`/:meth:`from_qt` convert to
the UTF-16 positions a ``QTextDocument`` counts (they differ only when the text holds
characters outside the Basic Multilingual Plane, such as emoji).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from akkord.domain.entities import fold
from akkord.services.views import DocumentView, MentionView, RelationView
from akkord.textproc.offsets import from_utf16_offsets, utf16_offsets
from akkord.textproc.spans import SpanIndex


class DocumentModel:
    def __init__(self, view: DocumentView) -> None:
        self.id = view.id
        self.title = view.title
        self.text = view.text
        self.date = view.date
        self.parts = view.parts
        self.meta = view.meta
        self.status = view.status
        self.mentions: dict[int, MentionView] = {m.id: m for m in view.mentions}
        self.relations: dict[int, RelationView] = {}
        self._relations_of: dict[int, set[int]] = {}  # mention → its relations' ids
        for relation in view.relations:
            self._keep_relation(relation)
        self.index = SpanIndex((m.start, m.end, m.id) for m in view.mentions)
        self.to_qt = utf16_offsets(self.text)
        self.from_qt = from_utf16_offsets(self.text)
        self._dirty: tuple[int, int] | None = None  # text changed since take_dirty()
        # (label, status) → how many: the status bar and the list read counts from here,
        # kept up to date by put/drop instead of walking every mention after each edit.
        self.counts: Counter[tuple[str, str]] = Counter(
            (m.label, m.status) for m in view.mentions)

    def _mark(self, start: int, end: int) -> tuple[int, int]:
        dirty = self._dirty
        self._dirty = (start, end) if dirty is None else (min(dirty[0], start),
                                                          max(dirty[1], end))
        return start, end

    def take_dirty(self) -> tuple[int, int]:
        """The text range whose highlights changed since the last call (to repaint)."""
        dirty, self._dirty = self._dirty, None
        return dirty or (0, 0)

    # -- changes (after the database committed them) -------------------------------------
    def put_mention(self, mention: MentionView) -> tuple[int, int]:
        """Add or replace a mention; returns the text range to repaint."""
        old = self.mentions.get(mention.id)
        self.mentions[mention.id] = mention
        if old is not None:
            self.counts[(old.label, old.status)] -= 1
        self.counts[(mention.label, mention.status)] += 1
        if old is None:
            self.index.add(mention.start, mention.end, mention.id)
            return self._mark(mention.start, mention.end)
        if (old.start, old.end) != (mention.start, mention.end):
            self.index.move(mention.id, mention.start, mention.end)
        return self._mark(min(old.start, mention.start), max(old.end, mention.end))

    def drop_mention(self, mention_id: int) -> tuple[int, int] | None:
        mention = self.mentions.pop(mention_id, None)
        if mention is None:
            return None
        self.counts[(mention.label, mention.status)] -= 1
        self.index.remove(mention_id)
        for rel_id in sorted(self._relations_of.get(mention_id, ())):
            self._forget_relation(rel_id)
        return self._mark(mention.start, mention.end)

    def put_relation(self, relation: RelationView) -> None:
        self._forget_relation(relation.id)
        self._keep_relation(relation)
        self._mark_relation(relation)

    def drop_relation(self, relation_id: int) -> None:
        relation = self._forget_relation(relation_id)
        if relation is not None:
            self._mark_relation(relation)

    def _keep_relation(self, relation: RelationView) -> None:
        self.relations[relation.id] = relation
        for end in (relation.head, relation.tail):
            self._relations_of.setdefault(end, set()).add(relation.id)

    def _forget_relation(self, relation_id: int) -> RelationView | None:
        relation = self.relations.pop(relation_id, None)
        if relation is not None:
            for end in (relation.head, relation.tail):
                ids = self._relations_of.get(end)
                if ids is not None:
                    ids.discard(relation_id)
                    if not ids:
                        del self._relations_of[end]
        return relation

    def _mark_relation(self, relation: RelationView) -> None:
        ends = [self.mentions[m] for m in (relation.head, relation.tail) if m in self.mentions]
        if ends:
            self._mark(min(m.start for m in ends), max(m.end for m in ends))

    # -- queries ----------
    def surface(self, mention_id: int) -> str:
        mention = self.mentions[mention_id]
        return self.text[mention.start:mention.end]

    def identical_unlinked(self, mention_id: int) -> list[int]:
        """Other unlinked mentions of the same label and the same text (case-folded),
        as :meth:`Annotation.identical_unlinked` finds them in one document: read from
        this model, not the database, as it runs after every link."""
        source = self.mentions[mention_id]
        length, wanted = source.end - source.start, fold(self.surface(mention_id))
        return [m.id for m in self.mentions.values()
                if m.id != mention_id and m.entity_id is None and m.label == source.label
                and m.end - m.start == length and fold(self.surface(m.id)) == wanted]

    def relations_of(self, mention_id: int) -> list[RelationView]:
        """The relations a mention is the head or tail of, oldest first (indexed: the
        view asks on every selection and repaint)."""
        return [self.relations[i] for i in sorted(self._relations_of.get(mention_id, ()))]

    def mentions_of_entity(self, entity_id: int) -> list[int]:
        return [m.id for m in sorted(self.mentions.values(), key=lambda m: m.start)
                if m.entity_id == entity_id]

    def in_order(self, ids: Iterable[int] | None = None) -> list[MentionView]:
        chosen = self.mentions.values() if ids is None else (self.mentions[i] for i in ids)
        return sorted(chosen, key=lambda m: (m.start, -m.end, m.id))

    def neighbour(self, mention_id: int | None, step: int) -> int | None:
        """The next (``step`` 1) or previous (-1) mention in text order, wrapping."""
        keys = self.index.keys()
        if not keys:
            return None
        if mention_id is None or mention_id not in self.index:
            return keys[0] if step > 0 else keys[-1]
        return keys[(keys.index(mention_id) + step) % len(keys)]
