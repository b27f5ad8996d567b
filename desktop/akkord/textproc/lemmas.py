"""Norwegian words reduced to comparable keys: lemmas, genitives, word spans.

Names and aliases must be found in their inflected forms: *alliansen*, *alliansens* and
*forsvarsalliansen* are forms of *allianse* / *forsvarsallianse*, *landene* of *land*,
*Natos* is Nato's genitive. The lemmas come from `simplemma`'s Norwegian Bokmål
dictionary, which ships inside the PyPI package (nothing is downloaded); it is imported
on first use, and loading its table takes about a second (decoding 640,000 entries in
Python), so the window starts :func:`load_in_background` once it has shown: the first
link picker of a session waited 0.6–0.9 s for it otherwise.

The contract:

* :func:`word_spans` finds words as the text view snaps selections to them (letters and
  digits, with ``-``, ``'`` and ``’`` inside: ``Nato-sjef`` and ``USA's`` are one word),
  so a match never starts or ends inside a word.
* :func:`word_key` is the folded lemma of a word; two forms of one word share it.
  Words the dictionary does not know (most names) are their own lemma.
* :func:`genitive_base` strips a genitive ``-s`` / ``'s`` / ``'`` from a folded word;
  callers try it only when the plain key finds nothing (``Paris`` is not a genitive).
"""

from __future__ import annotations

import itertools
import re
import sys
import threading
from functools import lru_cache

LANG = "nb"
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_LOCK = threading.Lock()
_LOADING = threading.Lock()


_SPLIT = re.compile(r"(\w+(?:[-'’]\w+)*)")


def word_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every word of ``text``, in order."""
    return [m.span() for m in _WORD.finditer(text)]


def split_words(text: str) -> tuple[list[str], list[int]]:
    """The words of ``text`` and the offsets where each word starts and ends
    (``bounds[2 * i]``, ``bounds[2 * i + 1]``), computed in C: a Python loop over the
    30,000 words of a long document costs more than everything else in matching."""
    parts = _SPLIT.split(text)
    return parts[1::2], list(itertools.accumulate(map(len, parts)))[:-1]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def fold(text: str) -> str:
    """Case-folded, spaces collapsed (the same folding as names and aliases)."""
    return " ".join(text.casefold().split())


# While the table loads on a thread, the interpreter hands the window's thread its lock
# every 0.2 ms, not every 5: each of the window's calls back into Python waits for it, and
# switching documents during the load took up to 0.5 s at 5 ms, at most 0.1 s at 0.2 ms.
LOADING_SWITCH_INTERVAL = 0.0002


def load_in_background() -> threading.Thread:
    """Start loading the lemma table (:func:`warm_up`) on a daemon thread; the started
    thread, to join. A lookup made meanwhile waits for the load instead of starting
    another."""
    thread = threading.Thread(target=_load, name="akkord-lemmas", daemon=True)
    thread.start()
    return thread


def _load() -> None:
    with _LOADING:  # one load at a time, so each puts back the interval it found
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, LOADING_SWITCH_INTERVAL))
        try:
            warm_up()
        finally:
            sys.setswitchinterval(interval)


def loaded() -> bool:
    """Whether the lemma table has been loaded in this process."""
    return _simplemma.cache_info().currsize > 0


@lru_cache(maxsize=1)
def _simplemma() -> object:
    with _LOCK:
        import simplemma

        simplemma.lemmatize("allianse", lang=LANG)  # loads the Bokmål table
        return simplemma


def warm_up() -> None:
    """Load the lemma table now (about a second) rather than on the first lookup."""
    _simplemma()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of ``word`` (``alliansen`` → ``allianse``); unknown words are
    returned as they are. Case is kept as the dictionary has it."""
    module = _simplemma()
    result: str = module.lemmatize(word, lang=LANG)  # type: ignore[attr-defined]
    return result


@lru_cache(maxsize=200_000)
def is_known(word: str) -> bool:
    """Whether the dictionary knows ``word`` (in lower case) as a common word form."""
    module = _simplemma()
    known: bool = module.is_known(word.lower(), lang=LANG)  # type: ignore[attr-defined]
    return known


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """The folded lemma of one word: the form inflections of it are compared in."""
    return fold(lemma(word))


def genitive_base(folded: str) -> str | None:
    """``natos`` → ``nato``, ``usa's`` → ``usa``, ``paris'`` → ``paris``; ``None`` when
    the word has no genitive ending (or would be shorter than two letters without it)."""
    for suffix in ("'s", "’s", "'", "’", "s"):
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 2:
            return folded[: -len(suffix)]
    return None


_SENTENCE_END = frozenset(".!?:…«»\"”“–—-")


def sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins a line, a sentence or a quotation (so its
    capital says nothing about it being a name)."""
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n" or text[i] in _SENTENCE_END


def as_written(text: str, start: int, end: int) -> str:
    """The form of ``text[start:end]`` as a name would be written: a capital that only
    the start of a sentence gave a dictionary word is lowered (*Alliansen* →
    *alliansen*, which then matches with and without the capital). A name that is also
    a dictionary word (*Polen*, the poles) is lowered too when it starts a sentence."""
    form = text[start:end]
    first = words(form)
    if first and first[0][:1].isupper() and sentence_initial(text, start) and is_known(first[0]):
        return form[:1].lower() + form[1:]
    return form


def phrase_key(text: str) -> tuple[str, ...]:
    """The keys of the words of ``text``: ``Nato-landene`` → ``("nato-land",)``."""
    return tuple(word_key(w) for w in words(text))


def phrase_keys(text: str) -> set[tuple[str, ...]]:
    """Every key ``text`` may be listed under: its lemmas, and with the last word's
    genitive removed (``alliansens generalsekretær`` and ``Natos`` both need that)."""
    found = words(text)
    if not found:
        return set()
    keys = {tuple(word_key(w) for w in found)}
    base = genitive_base(fold(found[-1]))
    if base is not None:
        keys.add((*(word_key(w) for w in found[:-1]), word_key(base)))
    return keys


def number(word: str) -> str | None:
    """Whether a common noun is singular (``"sg"``: *møte*, *møtet*, *samtalen*,
    *utenriksministeren*) or plural (``"pl"``: *møter*, *møtene*, *utenriksministre*),
    by how it differs from its lemma; ``None`` for a name or a word the dictionary does
    not know (*Nato*, *Genève*)."""
    folded = fold(word)
    key = word_key(word)
    if folded == key:
        return "sg" if is_known(folded) else None
    if any(folded == key + ending for ending in ("en", "n", "et", "t", "a")):
        return "sg"
    if folded.endswith(("er", "ene", "ne", "re")):
        return "pl"
    return None


def is_genitive(word: str) -> bool:
    """Whether ``word`` as written is a genitive: *Polens*, *Natos*, *USAs*, *alliansens*,
    *Nato-landenes*, *Paris'* (not *Paris*, *prosess*: the dictionary knows them)."""
    folded = fold(word)
    base = genitive_base(folded)
    if base is None:
        return False
    if folded.endswith(("'s", "’s", "'", "’")) or (word[-1] == "s" and word[:-1].isupper()):
        return True
    return not is_known(folded) and (is_known(base) or word_key(word) != folded)
