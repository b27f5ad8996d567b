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
from typing import TypeVar

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
        self.mentions: dict[int, MentionView] = {}
        # Mentions by entity and by (label, length): a link asks which mentions show its
        # entity and which unlinked ones read the same, and a scan of a long document's
        # 2,600 mentions for each was a tenth of a link's time.
        self._of_entity: dict[int, set[int]] = {}
        self._of_shape: dict[tuple[str, int], set[int]] = {}
        for mention in view.mentions:
            self._keep_mention(mention)
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
        if old is not None:
            self._forget_mention(old)
        self._keep_mention(mention)
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
        mention = self.mentions.get(mention_id)
        if mention is None:
            return None
        self._forget_mention(mention)
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

    def _keep_mention(self, mention: MentionView) -> None:
        self.mentions[mention.id] = mention
        if mention.entity_id is not None:
            self._of_entity.setdefault(mention.entity_id, set()).add(mention.id)
        self._of_shape.setdefault(_shape(mention), set()).add(mention.id)

    def _forget_mention(self, mention: MentionView) -> None:
        del self.mentions[mention.id]
        if mention.entity_id is not None:
            _discard(self._of_entity, mention.entity_id, mention.id)
        _discard(self._of_shape, _shape(mention), mention.id)

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
        wanted = fold(self.surface(mention_id))
        same_shape = (self.mentions[i] for i in sorted(self._of_shape[_shape(source)]))
        return [m.id for m in same_shape if m.id != mention_id and m.entity_id is None
                and fold(self.surface(m.id)) == wanted]

    def relations_of(self, mention_id: int) -> list[RelationView]:
        """The relations a mention is the head or tail of, oldest first (indexed: the
        view asks on every selection and repaint)."""
        return [self.relations[i] for i in sorted(self._relations_of.get(mention_id, ()))]

    def mentions_of_entity(self, entity_id: int) -> list[int]:
        """The mentions linked to ``entity_id``, in text order."""
        ids = self._of_entity.get(entity_id, ())
        return [m.id for m in sorted((self.mentions[i] for i in ids),
                                     key=lambda m: (m.start, m.id))]

    def links(self, entity_id: int) -> bool:
        """Whether a mention of this document is linked to ``entity_id``."""
        return entity_id in self._of_entity

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


_Key = TypeVar("_Key")


def _shape(mention: MentionView) -> tuple[str, int]:
    return mention.label, mention.end - mention.start


def _discard(index: dict[_Key, set[int]], key: _Key, mention_id: int) -> None:
    ids = index.get(key)
    if ids is not None:
        ids.discard(mention_id)
        if not ids:
            del index[key]
