"""CoNLL-U sentences: parsing token lines, and the treebank a document keeps.

A document imported from CoNLL-U keeps its sentences' lines exactly as they were in
``meta["conllu"]`` (:data:`TREEBANK`): the comments (``# sent_id``, ``# text``,
``# newpar`` …) and the token lines with all ten columns (LEMMA, UPOS, XPOS, FEATS,
HEAD, DEPREL, DEPS, MISC, multiword ranges, empty nodes). The CoNLL-U export writes
those lines back and changes only the ``name=`` tag of a token whose tag changed, so a
treebank goes out as it came in. The text itself is rebuilt from the FORMs (see
:mod:`akkord.formats.conll`), so everything here must agree with that text; a stored
treebank that does not (edited by hand in a native JSONL file) is ignored, not trusted.

:func:`parse_sentence` is the one parser of CoNLL-U token lines, used by the reader on
the file and by the writer on the stored lines. It never raises: a malformed line is a
:class:`LineProblem` with its line number, and a sentence with a problem is not used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TREEBANK = "conllu"
"""``meta`` key of a document imported from CoNLL-U: ``{"sentences": [[line, …], …],
"file": name, "part": n}`` (``part`` only for documents Akkord cut from a file without
document markers, numbered from 1 in file order)."""

COLUMNS = 10
MAX_ID_DIGITS = 9  # word ids are small numbers; longer ones are malformed, not sentences
_WORD = re.compile(r"[0-9]+", re.ASCII)
_RANGE = re.compile(r"([0-9]+)-([0-9]+)", re.ASCII)
_EMPTY = re.compile(r"([0-9]+)\.([0-9]+)", re.ASCII)


@dataclass(frozen=True, slots=True)
class LineProblem:
    """A malformed line: its number (counted from the file's start) and what is wrong."""

    line: int
    message: str


@dataclass(slots=True)
class SurfaceToken:
    """A token of the text: a word line, or a multiword token's range line."""

    form: str
    tag: str  # the ``name=`` tag as it was (``O`` when there is none)
    space_after: bool
    line: int
    row: int  # index of its line in :attr:`Sentence.rows`
    words: list[int] = field(default_factory=list)  # a multiword token's word rows


@dataclass(slots=True)
class Sentence:
    """One CoNLL-U sentence: its comment lines, its token lines and the surface tokens."""

    comments: list[str]
    rows: list[str]
    tokens: list[SurfaceToken]

    @property
    def lines(self) -> list[str]:
        return [*self.comments, *self.rows]


def misc_items(misc: str) -> dict[str, str]:
    """The ``key=value`` items of a MISC column (``_`` is none)."""
    if misc == "_":
        return {}
    return dict(item.partition("=")[::2] for item in misc.split("|"))


class _Words:
    """The word-id bookkeeping of one sentence: 1, 2, 3 …, ranges, empty nodes."""

    def __init__(self) -> None:
        self.expected = 1
        self.remaining = 0  # words still to come of the open multiword token
        self.open: SurfaceToken | None = None
        self.open_id = ""

    def check(self, word_id: str) -> tuple[str, str | None]:
        """The kind of ``word_id`` (``word``, ``range``, ``empty``) or a problem."""
        if len(word_id) > 2 * MAX_ID_DIGITS + 1 or any(
                len(part) > MAX_ID_DIGITS for part in re.split(r"[-.]", word_id)):
            return "", f"word id {word_id[:30]!r} is too large to be a word of a sentence"
        if _WORD.fullmatch(word_id):
            number = int(word_id)
            expected, self.expected = self.expected, number + 1
            if number != expected:
                return "", (f"word id {number} is out of order: word {expected} was expected "
                            "(ids count 1, 2, 3 … in each sentence)")
            return "word", None
        if found := _RANGE.fullmatch(word_id):
            low, high = int(found[1]), int(found[2])
            if self.remaining:
                return "", f"multiword token {word_id} starts inside {self.open_id}"
            if low != self.expected or high <= low:
                return "", (f"multiword token {word_id} must start at word {self.expected} "
                            "and end after it")
            self.remaining = high - low + 1
            self.open_id = word_id
            return "range", None
        if found := _EMPTY.fullmatch(word_id):
            if int(found[1]) != self.expected - 1 or self.remaining:
                return "", (f"empty node {word_id} is out of place: it must follow word "
                            f"{found[1]} (and not fall inside a multiword token)")
            return "empty", None
        return "", f"{word_id[:30]!r} is not a CoNLL-U word id (1, 2-3 or 4.1)"


def parse_sentence(lines: Sequence[str], first_line: int) -> Sentence | list[LineProblem]:
    """Parse one sentence's lines (comments first, then token lines).

    ``first_line`` is the file line number of ``lines[0]``, for the problems. A
    multiword token (``1-2``) is one surface token whose tag is its own ``name=`` or
    else its first tagged word's; its words are not in the text, nor are empty nodes.
    """
    problems: list[LineProblem] = []
    comments: list[str] = []
    rows: list[str] = []
    tokens: list[SurfaceToken] = []
    words = _Words()
    for offset, line in enumerate(lines):
        number = first_line + offset
        if line.startswith("#") and not rows:
            comments.append(line)
            continue
        rows.append(line)
        columns = line.split("\t")
        if len(columns) != COLUMNS:
            problems.append(LineProblem(number, f"a CoNLL-U token line has {COLUMNS} "
                                        f"tab-separated columns; this one has {len(columns)}"))
            continue
        kind, problem = words.check(columns[0])
        if problem is not None:
            problems.append(LineProblem(number, problem))
            continue
        misc = misc_items(columns[9])
        tag = misc.get("name", "O")
        if kind == "word" and words.open is not None:
            words.open.words.append(len(rows) - 1)
            if words.open.tag in ("O", "_") and tag not in ("O", "_"):
                words.open.tag = tag
            words.remaining -= 1
            if not words.remaining:
                words.open = None
            continue
        if kind == "empty":
            continue
        form = columns[1]
        if not form or any(c.isspace() for c in form):
            problems.append(LineProblem(number, f"the FORM {form!r} is empty or holds "
                                        "whitespace; Akkord keeps a token as one word of "
                                        "the text"))
            continue
        token = SurfaceToken(form, tag, misc.get("SpaceAfter") != "No", number, len(rows) - 1)
        if kind == "range":
            words.open = token
        tokens.append(token)
    if words.remaining and words.open is not None:
        problems.append(LineProblem(words.open.line, (
            f"multiword token {words.open_id} is missing {words.remaining} of its words: "
            "the sentence ends before them")))
    if problems:
        return problems
    return Sentence(comments, rows, tokens)


# -- the treebank a document keeps ------------------------------------------------------

@dataclass(slots=True)
class Treebank:
    """A document's stored CoNLL-U sentences, checked against its text."""

    sentences: list[Sentence]
    file: str | None
    part: int | None

    def has_marker(self) -> bool:
        """Whether the first sentence carries its own ``# newdoc``."""
        return bool(self.sentences) and any(
            c[1:].strip().startswith("newdoc") for c in self.sentences[0].comments)


def stored_treebank(meta: Mapping[str, Any]) -> Treebank | None:
    """The treebank kept in ``meta`` (see :data:`TREEBANK`), or ``None`` when there is
    none or it is malformed."""
    stored = meta.get(TREEBANK)
    if not isinstance(stored, dict) or not isinstance(stored.get("sentences"), list):
        return None
    sentences: list[Sentence] = []
    for lines in stored["sentences"]:
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            return None
        parsed = parse_sentence(lines, 1)
        if not isinstance(parsed, Sentence) or not parsed.tokens:
            return None
        sentences.append(parsed)
    file, part = stored.get("file"), stored.get("part")
    return Treebank(sentences, file if isinstance(file, str) else None,
                    part if isinstance(part, int) and not isinstance(part, bool) else None)


def treebank_meta(sentences: Sequence[Sentence], file: str, part: int | None,
                  ) -> dict[str, Any]:
    """What :func:`stored_treebank` reads back."""
    out: dict[str, Any] = {"sentences": [s.lines for s in sentences], "file": file}
    if part is not None:
        out["part"] = part
    return out


def with_tag(line: str, tag: str) -> str:
    """``line`` with ``name=tag`` in its MISC column (replacing the one it had)."""
    columns = line.split("\t")
    items = [] if columns[9] == "_" else columns[9].split("|")
    for k, item in enumerate(items):
        if item.startswith("name="):
            items[k] = f"name={tag}"
            break
    else:
        items.append(f"name={tag}")
    columns[9] = "|".join(items)
    return "\t".join(columns)


def has_tag(line: str) -> bool:
    columns = line.split("\t")
    return len(columns) == COLUMNS and "name" in misc_items(columns[9])
