"""The forms the link picker compares: a name's or alias's words as keys, and a query's.

:func:`form_of` makes the form of a name or alias (its folded text, word keys, keys
without accents, initials, each word's number, its last word), once per process;
:func:`query_of` the form of what is ranked (a mention's text or the letters typed),
where any word may be a genitive. :class:`Query`'s methods are the tests the ranking
(:mod:`akkord.services.linking`) applies to a form: whether its words stand in the
query, in which number, as a genitive of what follows; :meth:`Query.may_match` is the
cheap test of whether a form can score at all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from akkord.textproc.lemmas import fold, genitive_base, is_genitive, number, word_key, words

NUMBERED_WORDS = 5  # the longest text whose words' number counts (a description, not a
# clause: without parts of speech, "velger" would be a plural like "møter")


@dataclass(frozen=True, slots=True)
class Form:
    shown: str
    folded: str
    keys: tuple[str, ...]
    is_name: bool
    plain: tuple[str, ...] = ()  # the keys without accents (Genève → geneve)
    initials: str = ""  # of a name of three words or more (OSSE), else ""
    numbers: tuple[str | None, ...] = ()  # per word: "sg", "pl" or None (:func:`number`)
    last: str = ""  # the last word, folded


@dataclass(frozen=True, slots=True)
class Entry:
    entity_id: int
    name: str
    kind: str
    forms: tuple[Form, ...]  # the name first, then the aliases


@dataclass(frozen=True, slots=True)
class Query:
    folded: str
    words: tuple[frozenset[str], ...]  # per word: its key, and without a genitive
    typed: str  # folded, for prefix and letter matches
    loose: tuple[frozenset[str], ...] = ()  # per word: without accents, compound heads
    initials: str = ""
    numbers: tuple[str | None, ...] = ()  # per word, as :attr:`Form.numbers`
    written: tuple[str, ...] = ()  # the words as written
    whole: bool = False  # the mention's text, not letters being typed
    any_word: frozenset[str] = frozenset()  # every key of ``words``
    any_loose: frozenset[str] = frozenset()  # every key of ``loose``

    def may_match(self, form: Form) -> bool:
        """False only when the ranking (:func:`akkord.services.linking._form_score`) would
        score ``form`` 0 (a cheap test of what each of its tiers needs: the typed letters
        inside the form, a word key or an accentless key in common, the initials, a
        compound's last part), so that ranking skips the forms that cannot match.
        ``tests/services/test_linking_prefilter.py`` checks it never says False where
        the score is above 0."""
        return (self.typed in form.folded or not self.any_word.isdisjoint(form.keys)
                or not self.any_loose.isdisjoint(form.plain)
                or (len(form.keys) == 1 and form.keys[0] == self.initials)
                or (len(self.words) == 1 and bool(form.initials)
                    and form.initials == self.typed)
                or (len(self.words) == len(form.keys) == 1 and self.ends_like(form)))

    def ends_like(self, form: Form) -> bool:
        """Whether the query's one common noun is a compound whose last part is the
        form's one word or its compound's last part, in the same number: *nabolandet* is
        a *landet*, *medlemslandene* are *Nato-landene* (four letters or more; a name
        is no compound: *Russland* is no *land*)."""
        if not (self.written and self.written[0][:1].islower() and self.numbers
                and form.numbers and self.numbers[0] == form.numbers[0]):
            return False
        mine = word_key(self.written[0])
        tail, last = last_part(form.keys[0]), last_part(mine)
        closed = last.endswith(tail) and len(last) >= len(tail) + 3  # naboland / land
        return len(tail) >= 4 and mine != form.keys[0] and (closed or last == tail != mine)

    def completes(self, word: str) -> bool:
        """Whether ``word`` may be what the query's one word is the start of: not when
        the query is a whole word of the text in the other number (*samtalen* is no
        start of *samtalene*; while typing, any start is)."""
        mine = self.numbers[0] if self.whole and len(self.numbers) == 1 else None
        theirs = number(word) if mine else None
        return not (mine and theirs and mine != theirs and fold(word) != self.typed)

    def owns(self, form: Form, at: int) -> bool:
        """Whether ``form``, standing at word ``at``, is only the genitive of the words
        after it: *Polens* in "Polens utenriksminister", *alliansens* in "alliansens
        generalsekretær" (the person, not the country or the alliance)."""
        end = at + len(form.keys)
        if end >= len(self.written):
            return False
        word = self.written[end - 1]
        return (is_genitive(word) and fold(word) == form.last) or \
            genitive_base(fold(word)) == form.last

    def agrees(self, form: Form, at: int) -> bool:
        """Whether no word of ``form`` is singular where the query's is plural or the
        other way round: *møter* (a series) is not *Møte i Nato–Russland-rådet*,
        *utenriksministeren* not *utenriksministrene*."""
        return not any(q and f and q != f
                       for q, f in zip(self.numbers[at:], form.numbers, strict=False))

    def shares(self, key: str, number: str | None) -> bool:
        """Whether a word of the query is ``key`` in the same number (or either has none)."""
        return any(key in alternatives and not (mine and number and mine != number)
                   for alternatives, mine in zip(self.words, self.numbers, strict=True))

    def fits(self, keys: tuple[str, ...], at: int) -> bool:
        """Whether ``keys`` are the query's words from word ``at`` on."""
        return all(k in self.words[at + i] for i, k in enumerate(keys))

    def fits_loosely(self, keys: tuple[str, ...]) -> bool:
        """Whether ``keys`` are the query's words, each also without its accents or as
        the first part of a hyphenated compound (*Geneve*, *Nato-landene*)."""
        return len(keys) == len(self.loose) and all(
            k in self.loose[i] for i, k in enumerate(keys))


def last_part(key: str) -> str:
    """A key's part after its last dash (*nato-land* → *land*); the key if it has none."""
    return key.replace("–", "-").rsplit("-", 1)[-1]


def _plain(key: str) -> str:
    """Without accents (é, è, ü …), keeping the Norwegian letters (å, æ, ø)."""
    marks = "".join(c for c in unicodedata.normalize("NFD", key)
                    if not unicodedata.combining(c) or c == "\u030a")
    return unicodedata.normalize("NFC", marks)


def _initials(text: str) -> str:
    """The initials of a name of three words or more, of its capitalised or longer
    words (*Organisasjonen for sikkerhet og samarbeid i Europa* → ``osse``)."""
    found = words(text)
    if len(found) < 3:
        return ""
    return "".join(w[0] for w in found if w[:1].isupper() or len(w) > 3).casefold()


@lru_cache(maxsize=50_000)
def form_of(text: str, is_name: bool) -> Form:
    """A name's or alias's form, as the ranking compares it. Kept once made: every key
    typed in the link picker ranks every entity of the kind again, and making the forms
    of 1,000 actors with an alias each took 45 ms of the 70 ms per key."""
    found = words(text)
    keys = tuple(_key(w) for w in found)
    return Form(text, fold(text), keys, is_name, tuple(_plain(k) for k in keys),
                 _initials(text), tuple(number(w) for w in found),
                 fold(found[-1]) if found else "")


def _key(word: str) -> str:
    """A name's word's key; a capitalised genitive the lemmas do not know is keyed as
    what it is the genitive of (*OSSEs* faste råd: *OSSE*, as *Russlands* is *Russland*)."""
    base = genitive_base(word) if word[:1].isupper() else None
    return word_key(base) if base is not None and word_key(word) == fold(word) else \
        word_key(word)


def _alternatives(word: str) -> frozenset[str]:
    """The word's key, and its key without a genitive ending, as written (*Polens* →
    *Polen*, the country) and lowered (*alliansens* → *alliansen*)."""
    bases = {genitive_base(word), genitive_base(fold(word))} - {None}
    return frozenset({word_key(word), *(word_key(b) for b in bases if b is not None)})


def _loose(word: str) -> frozenset[str]:
    keys = _alternatives(word)
    head = word.replace("–", "-").split("-")[0]
    if head != word:
        keys |= _alternatives(head)
    return frozenset(_plain(k) for k in keys)


def query_of(text: str, whole: bool = False) -> Query:
    """Any word may be a genitive (*Natos generalsekretær*, *alliansens dør*)."""
    found = words(text)
    alternatives = tuple(_alternatives(w) for w in found)
    loose = tuple(_loose(w) for w in found)
    return Query(fold(text), alternatives, fold(text), loose, _initials(text),
                  tuple(number(w) if len(found) <= NUMBERED_WORDS else None for w in found),
                  tuple(found), whole, frozenset().union(*alternatives),
                  frozenset().union(*loose))


