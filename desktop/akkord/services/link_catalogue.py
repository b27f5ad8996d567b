"""The entities of a kind as the link picker ranks them, and an index of which may match.

A :class:`Catalogue` holds the names and aliases read (:func:`read_names`), the forms made
of them (:mod:`akkord.services.link_forms`) and an index: :meth:`Catalogue.select` gives
the entries that may score for a query (a superset: those sharing a word, an accentless
word or the initials, those whose form the typed letters start, or whose later word two
letters start, or in which three letters stand, and a common noun's compounds), so a key
typed into the picker scores those, not thousands. The ranking keeps a catalogue while
the names and aliases read stay the same (:func:`akkord.services.linking.candidate_pool`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from akkord.services.link_forms import Entry, Query, form_of, last_part
from akkord.store.columns import ALIASES, ENTITIES
from akkord.store.models import Entity
from akkord.textproc.lemmas import word_key

_ALIASES_OF_KIND = (select(ALIASES.entity_id, ALIASES.alias)
                    .join(Entity.__table__, ENTITIES.id == ALIASES.entity_id)
                    .where(ENTITIES.kind == bindparam("kind")).order_by(ALIASES.id))
_ENTITIES_OF_KIND = (select(ENTITIES.id, ENTITIES.name).where(ENTITIES.kind == bindparam("kind"))
                     .order_by(ENTITIES.id))  # one order, so two reads compare equal


def read_names(session: Session, kind: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The names and the aliases of the entities of ``kind``, as read (in one order)."""
    conn = session.connection()
    return ([(entity_id, name) for entity_id, name in
             conn.execute(_ENTITIES_OF_KIND, {"kind": kind}).all()],
            [(entity_id, alias) for entity_id, alias in
             conn.execute(_ALIASES_OF_KIND, {"kind": kind}).all()])


def _entries(kind: str, names: list[tuple[int, str]], aliases: list[tuple[int, str]]
             ) -> tuple[Entry, ...]:
    of: dict[int, list[str]] = defaultdict(list)
    for entity_id, alias in aliases:
        of[entity_id].append(alias)
    return tuple(Entry(entity_id, name, kind,
                        (form_of(name, True), *(form_of(a, False) for a in of[entity_id])))
                 for entity_id, name in names)


_SEPARATOR = "\x00"  # around each form's folded text in :attr:`_Index.text`


@dataclass(frozen=True, slots=True)
class _Index:
    """Which entries may score for a query, so that a key typed into the picker scores
    those, not thousands. ``words`` maps a word key or accentless key of a form to the
    positions of the entries (in :attr:`Catalogue.entries`) that have it; ``initials``
    and ``tails`` likewise a form's initials, and the last part (four letters or more) of
    a form of one word. ``text`` holds every form's folded text between separators, for
    the letters typed at a form's start, at a later word's (folding leaves one space
    between words) or inside: ``offsets`` says where each form starts, ``owners`` whose
    it is. Its contract (what :func:`_select` returns holds every entry the ranking
    scores above 0) is checked by hypothesis in ``tests/services/test_linking_prefilter.py``."""

    words: Mapping[str, set[int]]
    initials: Mapping[str, set[int]]
    tails: Mapping[str, set[int]]
    text: str
    offsets: tuple[int, ...]
    owners: tuple[int, ...]
    size: int  # the number of entries


def _index(entries: Sequence[Entry]) -> _Index:
    words_of: dict[str, set[int]] = defaultdict(set)
    initials: dict[str, set[int]] = defaultdict(set)
    tails: dict[str, set[int]] = defaultdict(set)
    texts: list[str] = []
    offsets: list[int] = []
    owners: list[int] = []
    at = len(_SEPARATOR)
    for position, entry in enumerate(entries):
        for form in entry.forms:
            for key in {*form.keys, *form.plain}:
                words_of[key].add(position)
            if form.initials:
                initials[form.initials].add(position)
            if len(form.keys) == 1 and len(tail := last_part(form.keys[0])) >= 4:
                tails[tail].add(position)
            texts.append(form.folded)
            offsets.append(at)
            owners.append(position)
            at += len(form.folded) + len(_SEPARATOR)
    text = _SEPARATOR + _SEPARATOR.join(texts) + _SEPARATOR
    return _Index(dict(words_of), dict(initials), dict(tails), text, tuple(offsets),
                  tuple(owners), len(entries))


def _select(index: _Index, query: Query) -> set[int]:
    """The positions of the entries that may score for ``query`` (a superset): those
    sharing a word, an accentless word or the initials; those whose form the typed
    letters start, or, from two letters, a later word of it, or, from three, stand
    anywhere in it; and a common noun's compounds (:meth:`Query.ends_like`)."""
    typed = query.typed
    if _SEPARATOR in typed:
        return set(range(index.size))
    found: set[int] = set()
    for key in query.any_word | query.any_loose | {query.initials}:
        found.update(index.words.get(key, ()))
    found.update(index.initials.get(typed, ()))
    found.update(_containing(index, typed if len(typed) >= 3 else _SEPARATOR + typed))
    if len(typed) == 2:
        found.update(_containing(index, " " + typed))
    if len(query.words) == 1 and query.written and query.written[0][:1].islower():
        last = last_part(word_key(query.written[0]))
        for i in range(len(last) - 3):
            found.update(index.tails.get(last[i:], ()))
    return found


def _containing(index: _Index, needle: str) -> Iterator[int]:
    """The entries with a form in which ``needle`` stands (from the separator before
    it, when ``needle`` starts with one)."""
    offsets, text = index.offsets, index.text
    at = text.find(needle)
    while at >= 0:
        form = bisect_right(offsets, at + 1) - 1
        yield index.owners[form]
        at = text.find(needle, offsets[form + 1] - 1) if form + 1 < len(offsets) else -1


def _named(index: _Index, folded: str) -> Iterator[int]:
    """The entries with a form whose folded text is ``folded``."""
    if _SEPARATOR not in folded:
        yield from _containing(index, _SEPARATOR + folded + _SEPARATOR)


@dataclass(slots=True)
class Catalogue:
    """The entities of a kind as ranking compares them: their names and aliases as read
    (``names``, ``aliases``), the forms made of them, and what ranking looks up in.
    Made again only when what is read differs
    (:func:`akkord.services.linking.candidate_pool`): with 3,000 actors,
    reading takes 5 ms, making the rest 20 ms (and 200 ms more the first time in a
    process, when the forms' lemmas are looked up)."""

    names: list[tuple[int, str]]
    aliases: list[tuple[int, str]]
    entries: tuple[Entry, ...]
    index: _Index
    positions: Mapping[int, int]  # entity id → position in entries
    _frequency: Counter[str] | None = None

    @classmethod
    def of(cls, kind: str, names: list[tuple[int, str]], aliases: list[tuple[int, str]]
           ) -> Catalogue:
        entries = _entries(kind, names, aliases)
        return cls(names, aliases, entries, _index(entries),
                   {entry.entity_id: n for n, entry in enumerate(entries)})

    def select(self, query: Query) -> set[int]:
        """The positions in :attr:`entries` of those that may score for ``query`` (a
        superset of those that do)."""
        return _select(self.index, query)

    def named(self, folded: str) -> set[int]:
        """The positions of the entries with a form whose folded text is ``folded``."""
        return set(_named(self.index, folded))

    def frequency(self) -> Mapping[str, int]:
        """Word key → how many entries have it in a form (what a clause weighs by);
        counted at the first clause."""
        if self._frequency is None:
            self._frequency = Counter()
            for entry in self.entries:
                self._frequency.update({k for form in entry.forms for k in form.keys})
        return self._frequency

