"""CoNLL-2003-style and CoNLL-U files: one token a line, IOB2 tags, blank line per sentence.

Writing (:func:`write_conll`, :func:`write_conllu`): documents are tokenised by
:mod:`akkord.textproc.tokens` (spaCy's Norwegian tokenizer, or the document's own
tokens if it came from CoNLL); each token gets an IOB2 tag of the non-overlapping
mentions (longest first, as spaCy's ``filter_spans``). Mentions that overlap a kept one,
and tokens cut at a mention boundary, are reported in the notes. The CoNLL file is::

    -DOCSTART- -X- -X- O

    Stoltenberg _ _ B-ACTOR
    møtte _ _ O

with space-separated columns (token, two placeholders, tag) like CoNLL-2003, which
seqeval, flair's ``ColumnCorpus`` and most NER readers take. The CoNLL-U file has the ten
UD columns, ``# newdoc id``, ``# newpar``, ``# sent_id`` and ``# text`` comments, and
NorNE's tag in MISC: ``SpaceAfter=No|name=B-PER``.

Reading (:func:`read_conll`) takes either kind (and NorNE's files as they are): a
CoNLL-U line has ten tab-separated columns and its tag in ``name=`` (else ``O``); any
other token line is whitespace-separated with the tag in its last column (IOB1, IOB2 or
BIOES). The text is rebuilt from the tokens: a space after each token unless
``SpaceAfter=No``; sentences are joined by a line break, paragraphs (``# newpar``) by a
blank line. ``# newdoc`` or ``-DOCSTART-`` starts a new document; a file without them is
one document, named after the file. The tokenisation is kept in
``meta["token_breaks"]``, so exporting the document again gives the same tokens and
sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from akkord.formats.records import Dataset, DocumentRecord, Problem, Record, SpanRecord
from akkord.formats.writing import (
    Notes,
    WriteSettings,
    document_name,
    non_overlapping,
    snippet,
    written_spans,
)
from akkord.textproc.decode import normalise_text
from akkord.textproc.offsets import normalise_with_map
from akkord.textproc.tokens import TOKEN_BREAKS, Tokenized, Tokenizer, iob2, spans_from_iob

MAX_PROBLEMS = 50
_TAG = re.compile(r"^(O|_|[BIESLU]-\S+)$")
DOCSTART = "-DOCSTART-"


# -- writing ------------------------------------------------------------------------------

@dataclass(slots=True)
class TaggedDocument:
    """One document as the token-based writers see it."""

    name: str
    text: str
    tokens: Tokenized
    tags: list[str]


def tag_documents(dataset: Dataset, notes: Notes) -> Iterator[tuple[DocumentRecord,
                                                                    TaggedDocument]]:
    """Tokenise and IOB2-tag every document of ``dataset``, noting what cannot be tagged."""
    tokenizer = Tokenizer()
    for index, (doc, _hash) in enumerate(dataset.documents, start=1):
        name = document_name(doc, index)
        written = written_spans(doc, notes, name)
        kept, left = non_overlapping(written.spans)
        for span in left:
            notes.add("overlapping mentions left out (one tag per token)",
                      f"{name} {span.label} {snippet(doc.text, span.start, span.end)}")
        tokenized = tokenizer.tokenize(doc.text, doc.meta, [(s.start, s.end) for s in kept])
        for start, end in tokenized.cuts:
            notes.add("tokens cut at a mention boundary", f"{name} {snippet(doc.text, start, end)}")
        spans = []
        for span in kept:
            first, last = tokenized.token_range(span.start, span.end)
            if first == last:
                notes.add("mentions of only whitespace left out", name)
                continue
            spans.append((span.start, span.end, span.label))
        yield doc, TaggedDocument(name, doc.text, tokenized, iob2(tokenized, spans))


def write_conll(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write CoNLL-2003-style IOB2 (see the module docstring); returns documents written."""
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for _doc, tagged in tag_documents(dataset, settings.notes):
            handle.write(f"{DOCSTART} -X- -X- O\n\n")
            text, tokens = tagged.text, tagged.tokens.tokens
            for first, last in tagged.tokens.sentences:
                handle.writelines(f"{text[tokens[k][0]:tokens[k][1]]} _ _ {tagged.tags[k]}\n"
                                  for k in range(first, last))
                handle.write("\n")
            count += 1
    return count


_SENT_ID_UNSAFE = re.compile(r"\s+")


def write_conllu(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write CoNLL-U with NorNE's ``name=`` tags (see the module docstring)."""
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for _doc, tagged in tag_documents(dataset, settings.notes):
            _write_conllu_document(handle, tagged)
            count += 1
    return count


def _write_conllu_document(handle: IO[str], tagged: TaggedDocument) -> None:
    text, tokens = tagged.text, tagged.tokens.tokens
    name = _SENT_ID_UNSAFE.sub("_", tagged.name)
    handle.write(f"# newdoc id = {name}\n")
    for n, (first, last) in enumerate(tagged.tokens.sentences, start=1):
        if n > 1 and "\n\n" in text[tokens[first - 1][1]:tokens[first][0]]:
            handle.write("# newpar\n")
        sentence = " ".join(text[tokens[first][0]:tokens[last - 1][1]].split())
        handle.write(f"# sent_id = {name}-{n}\n# text = {sentence}\n")
        for k in range(first, last):
            start, end = tokens[k]
            glued = k + 1 < last and tokens[k + 1][0] == end
            misc = f"{'SpaceAfter=No|' if glued else ''}name={tagged.tags[k]}"
            handle.write(f"{k - first + 1}\t{text[start:end]}\t_\t_\t_\t_\t_\t_\t_\t{misc}\n")
        handle.write("\n")


# -- reading ------------------------------------------------------------------------------

@dataclass(slots=True)
class _Token:
    form: str
    tag: str
    space_after: bool
    line: int


@dataclass(slots=True)
class _Sentence:
    tokens: list[_Token] = field(default_factory=list)
    newpar: bool = False


@dataclass(slots=True)
class _Document:
    external_id: str | None
    line: int
    sentences: list[_Sentence] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(s.tokens for s in self.sentences)


class _Bad(ValueError):
    pass


def _parse_token(line: str) -> _Token | None:
    """One token line; ``None`` for CoNLL-U multiword ranges' words and empty nodes."""
    columns = line.split("\t")
    if len(columns) == 10 and re.fullmatch(r"\d+([-.]\d+)?", columns[0]):
        if "." in columns[0]:
            return None  # an empty node: not in the text
        misc = {} if columns[9] == "_" else dict(
            item.partition("=")[::2] for item in columns[9].split("|"))
        return _Token(columns[1], misc.get("name", "O"), misc.get("SpaceAfter") != "No", 0)
    parts = line.split()
    return _Token(parts[0], parts[-1] if len(parts) > 1 else "O", True, 0)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.skip_words_until = 0  # inside a CoNLL-U multiword token

    def lines(self) -> Iterator[tuple[int, str]]:
        with self.path.open(encoding="utf-8-sig", errors="strict") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\r\n")

    def documents(self) -> Iterator[_Document | Problem]:
        doc = _Document(None, 1)
        sentence = _Sentence()
        pending_newpar = False
        for number, line in self.lines():
            # Comments come before a sentence (CoNLL-U); inside one, "#" is a token.
            if line.startswith("#") and not sentence.tokens:
                key, _, value = line[1:].partition("=")
                key = key.strip()
                if key in ("newdoc", "newdoc id"):
                    if sentence.tokens:
                        doc.sentences.append(sentence)
                        sentence = _Sentence()
                    if not doc.empty:
                        yield doc
                    doc = _Document(value.strip() or None, number)
                elif key.startswith("newpar"):
                    pending_newpar = True
                continue
            if not line.strip():
                if sentence.tokens:
                    doc.sentences.append(sentence)
                    sentence = _Sentence()
                continue
            if line.split()[0] == DOCSTART:
                if sentence.tokens:
                    doc.sentences.append(sentence)
                    sentence = _Sentence()
                if not doc.empty:
                    yield doc
                doc = _Document(None, number)
                continue
            token = self.token(line, number)
            if isinstance(token, Problem):
                yield token
                continue
            if token is None:
                continue
            if not sentence.tokens:
                sentence.newpar = pending_newpar
                pending_newpar = False
            sentence.tokens.append(token)
        if sentence.tokens:
            doc.sentences.append(sentence)
        if not doc.empty:
            yield doc

    def token(self, line: str, number: int) -> _Token | Problem | None:
        columns = line.split("\t")
        if len(columns) == 10 and "-" in columns[0]:
            low, _, high = columns[0].partition("-")
            if low.isdigit() and high.isdigit():  # a multiword token: its form is the text
                self.skip_words_until = int(high)
                misc = columns[9]
                return _Token(columns[1], "O", "SpaceAfter=No" not in misc, number)
        if len(columns) == 10 and columns[0].isdigit() and int(columns[0]) <= \
                self.skip_words_until:
            return None
        self.skip_words_until = 0
        try:
            token = _parse_token(line)
        except ValueError as exc:
            return Problem(str(self.path), number, f"not a token line: {exc}")
        if token is not None:
            token.line = number
        return token


def _record(doc: _Document, path: Path, index: int) -> DocumentRecord | Problem:
    """Join a document's tokens into text, spans and token breaks."""
    pieces: list[str] = []
    breaks: list[int] = []
    spans: list[SpanRecord] = []
    position = 0
    for s, sentence in enumerate(doc.sentences):
        if s:
            joint = "\n\n" if sentence.newpar else "\n"
            pieces.append(joint)
            position += len(joint)
        offsets = []
        for k, token in enumerate(sentence.tokens):
            form = normalise_text(token.form)
            offsets.append((position, position + len(form)))
            pieces.append(form)
            position += len(form)
            if k + 1 < len(sentence.tokens):
                if token.space_after:
                    pieces.append(" ")
                    position += 1
                else:
                    breaks.append(position)
        bad = next((t for t in sentence.tokens if not _TAG.match(t.tag)), None)
        if bad is not None:
            return Problem(str(path), bad.line, f"{bad.tag!r} is not an IOB tag "
                           "(O, B-X, I-X, or BIOES: E-X, S-X)")
        found = spans_from_iob([t.tag for t in sentence.tokens])
        for first, last, label in found:
            spans.append(SpanRecord(offsets[first][0], offsets[last - 1][1], label,
                                    f"T{len(spans) + 1}"))
    text, remap = normalise_with_map("".join(pieces))
    if remap is not None:
        breaks = [remap(b) for b in breaks]
        for span in spans:
            span.start, span.end = remap(span.start), remap(span.end)
    external = doc.external_id or (path.stem if index == 1 else f"{path.stem}-{index}")
    return DocumentRecord(text=text, external_id=external, meta={TOKEN_BREAKS: breaks},
                          spans=spans, line=doc.line)


def read_conll(path: Path) -> Iterator[Record]:
    """Stream the documents of a CoNLL or CoNLL-U file (see the module docstring)."""
    reader = _Reader(path)
    problems = 0
    index = 0
    try:
        for item in reader.documents():
            if isinstance(item, Problem):
                record: Record = item
            else:
                index += 1
                record = _record(item, path, index)
            if isinstance(record, Problem):
                problems += 1
                yield record
                if problems >= MAX_PROBLEMS:
                    yield Problem(str(path), None, f"stopped after {problems} problems; is "
                                  "this really a CoNLL file?")
                    return
                continue
            yield record
    except UnicodeDecodeError as exc:
        yield Problem(str(path), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    if index == 0 and problems == 0:
        yield Problem(str(path), None, "the file has no tokens")
