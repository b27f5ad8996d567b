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

A document that came from CoNLL-U is written from the lines it kept
(:mod:`akkord.formats.treebank`): its comments, all ten columns, its sentences and
tokens as they were; only the ``name=`` tag of a token whose tag changed is rewritten.
Its tokens are the treebank's, so a mention that starts or ends inside one tags the whole
token (noted), and a mention across two of its sentences is tagged in each (noted).
``# newdoc id`` starts each document, except that documents Akkord cut from one file
without markers (see below), written from its first in file order, get none: the file
then reads back into the same documents, and NorNE goes out byte for byte as it came in.

Reading (:func:`read_conll`) takes either kind (and NorNE's files as they are). The
dialect is CoNLL-U for a ``.conllu`` file or when the first token line has ten
tab-separated columns and a word id; then every token line must have ten columns, ids
count 1, 2, 3 … in each sentence, a multiword token ``1-2`` is followed by its words and
an empty node ``4.1`` follows its word; the tag is MISC's ``name=`` (else ``O``). Any
other file is whitespace-separated with the token first and the tag last (IOB1, IOB2 or
BIOES), the same number of columns on every line. A line that breaks these rules is a
problem with its line number; nothing is skipped silently.

The text is rebuilt from the tokens: a space after each token unless
``SpaceAfter=No``; sentences are joined by a line break, paragraphs (``# newpar``) by a
blank line. ``# newdoc`` or ``-DOCSTART-`` starts a new document. Until the first such
marker (NorNE has none) Akkord cuts the documents itself: at a ``# newpar`` once the
document has :data:`MIN_SENTENCES` sentences (so a headline or a one-line paragraph stays
with the text that follows it, and short documents do not collide as duplicates), and
after :data:`MAX_SENTENCES` sentences. A model then trains on documents of a few
paragraphs rather than on one document of the whole file (NorNE's dev file as one
document of 38,778 tokens trained to F 0.00 with spaCy's default NER config).
The first document is named after the file, the next ``<file>-2``, ``<file>-3`` …
The tokenisation is kept in ``meta["token_breaks"]``, so exporting the document again
gives the same tokens and sentences.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from akkord.formats.records import Dataset, DocumentRecord, Problem, Record, SpanRecord
from akkord.formats.treebank import (
    COLUMNS,
    TREEBANK,
    Sentence,
    Treebank,
    has_tag,
    parse_sentence,
    stored_treebank,
    treebank_meta,
    with_tag,
)
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
from akkord.textproc.tokens import (
    TOKEN_BREAKS,
    Tokenized,
    Tokenizer,
    iob2,
    spans_from_iob,
)

MAX_PROBLEMS = 50
MIN_SENTENCES = 3
MAX_SENTENCES = 30
"""When Akkord cuts a file without document markers: a paragraph starts a new document
once the current one has :data:`MIN_SENTENCES`, and none has more than
:data:`MAX_SENTENCES`."""
_TAG = re.compile(r"^(O|_|[BIESLU]-\S+)$")
DOCSTART = "-DOCSTART-"


# -- tagging ------------------------------------------------------------------------------

@dataclass(slots=True)
class TaggedDocument:
    """One document as the token-based writers see it."""

    name: str
    text: str
    tokens: Tokenized
    tags: list[str]
    treebank: Treebank | None = None  # the CoNLL-U lines it kept, when they are written


def tag_documents(dataset: Dataset, notes: Notes, treebanks: bool = False,
                  ) -> Iterator[tuple[DocumentRecord, TaggedDocument]]:
    """Tokenise and IOB2-tag every document of ``dataset``, noting what cannot be tagged.

    With ``treebanks``, a document that kept its CoNLL-U lines keeps their tokens and
    sentences (for the CoNLL-U writer); otherwise mentions cut tokens.
    """
    tokenizer = Tokenizer()
    for index, (doc, _hash) in enumerate(dataset.documents, start=1):
        yield doc, tag_document(doc, document_name(doc, index), tokenizer, notes, treebanks)


def tag_document(doc: DocumentRecord, name: str, tokenizer: Tokenizer, notes: Notes,
                 treebanks: bool = False) -> TaggedDocument:
    """One document's tokens, sentences and IOB2 tags (see :func:`tag_documents`)."""
    written = written_spans(doc, notes, name)
    kept, left = non_overlapping(written.spans)
    for span in left:
        notes.add("overlapping mentions left out (one tag per token)",
                  f"{name} {span.label} {snippet(doc.text, span.start, span.end)}")
    spans = [(s.start, s.end, s.label) for s in kept]
    if treebanks:
        treebank = stored_treebank(doc.meta)
        if treebank is not None:
            tagged = _treebank_tags(doc, name, tokenizer, treebank, spans, notes)
            if tagged is not None:
                return tagged
            notes.add("stored CoNLL-U columns that do not match the text (written without "
                      "them)", name)
    tokenized = tokenizer.tokenize(doc.text, doc.meta, [(a, b) for a, b, _ in spans],
                                   doc.tokens)
    for start, end in tokenized.cuts:
        notes.add("tokens cut at a mention boundary", f"{name} {snippet(doc.text, start, end)}")
    tagged_spans = []
    for start, end, label in spans:
        first, last = tokenized.token_range(start, end)
        if first == last:
            notes.add("mentions of only whitespace left out", name)
            continue
        tagged_spans.append((start, end, label))
    return TaggedDocument(name, doc.text, tokenized, iob2(tokenized, tagged_spans))


def _treebank_tags(doc: DocumentRecord, name: str, tokenizer: Tokenizer, treebank: Treebank,
                   spans: list[tuple[int, int, str]], notes: Notes) -> TaggedDocument | None:
    """Tags on the treebank's own tokens and sentences; ``None`` if they are not the text's."""
    text = doc.text
    tokens = tokenizer.base(text, doc.meta, doc.tokens).tokens
    forms = [t.form for s in treebank.sentences for t in s.tokens]
    if len(forms) != len(tokens) or any(
            normalise_text(form) != text[a:b] for form, (a, b) in zip(forms, tokens, strict=True)):
        return None
    sentences: list[tuple[int, int]] = []
    for sentence in treebank.sentences:
        first = sentences[-1][1] if sentences else 0
        sentences.append((first, first + len(sentence.tokens)))
    tokenized = Tokenized(tokens, sentences)
    sentence_of = [n for n, (a, b) in enumerate(sentences) for _ in range(a, b)]
    widened = []
    for start, end, label in spans:
        first = bisect.bisect_right(tokenized.ends, start)
        last = bisect.bisect_left(tokenized.starts, end)
        if first >= last:
            notes.add("mentions of only whitespace left out", name)
            continue
        if (tokens[first][0], tokens[last - 1][1]) != (start, end):
            notes.add("mentions widened to whole tokens (CoNLL-U keeps the treebank's tokens)",
                      f"{name} {snippet(text, start, end)}")
        if sentence_of[first] != sentence_of[last - 1]:
            notes.add("mentions across a sentence boundary, tagged in each sentence (CoNLL-U "
                      "keeps the treebank's sentences)", f"{name} {snippet(text, start, end)}")
        widened.append((tokens[first][0], tokens[last - 1][1], label))
    tags = iob2(tokenized, widened)
    for first, _last in sentences:
        if tags[first].startswith("I-"):
            tags[first] = "B-" + tags[first][2:]
    return TaggedDocument(name, text, tokenized, tags, treebank)


# -- writing ------------------------------------------------------------------------------

def write_conll(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write CoNLL-2003-style IOB2 (see the module docstring); returns documents written."""
    count = 0
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for _doc, tagged in tag_documents(dataset, settings.notes):
            handle.write(f"{DOCSTART} -X- -X- O\n\n")
            text, tokens, tags = tagged.text, tagged.tokens.tokens, tagged.tags
            for first, last in tagged.tokens.sentences:
                handle.write("".join([f"{text[tokens[k][0]:tokens[k][1]]} _ _ {tags[k]}\n"
                                      for k in range(first, last)]))
                handle.write("\n")
            count += 1
    return count


_SENT_ID_UNSAFE = re.compile(r"\s+")


class _Markers:
    """Which documents get a ``# newdoc id`` line (see the module docstring)."""

    def __init__(self) -> None:
        self.plain = True  # no marker written yet
        self.last: tuple[str | None, int] | None = None  # (file, part) written last

    def line(self, tagged: TaggedDocument) -> str | None:
        treebank = tagged.treebank
        if self.plain and treebank is not None and treebank.part is not None:
            here = (treebank.file, treebank.part)
            if (self.last is None and here[1] == 1) or self.last == (here[0], here[1] - 1):
                self.last = here
                return None
        self.plain = False
        return f"# newdoc id = {_SENT_ID_UNSAFE.sub('_', tagged.name)}"


def write_conllu(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write CoNLL-U with NorNE's ``name=`` tags (see the module docstring)."""
    count = 0
    markers = _Markers()
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for _doc, tagged in tag_documents(dataset, settings.notes, treebanks=True):
            marker = markers.line(tagged)
            if tagged.treebank is not None:
                _write_treebank_document(handle, tagged, tagged.treebank, marker)
            else:
                _write_conllu_document(handle, tagged, marker)
            count += 1
    return count


def _write_conllu_document(handle: IO[str], tagged: TaggedDocument, marker: str | None,
                           ) -> None:
    text, tokens = tagged.text, tagged.tokens.tokens
    name = _SENT_ID_UNSAFE.sub("_", tagged.name)
    if marker is not None:
        handle.write(f"{marker}\n")
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


def _iob2_of(tags: list[str]) -> list[str] | None:
    """IOB2 of a sentence's tags as they were read (IOB1, BIOES …); ``None`` if invalid."""
    try:
        found = spans_from_iob(tags)
    except ValueError:
        return None
    out = ["O"] * len(tags)
    for first, last, label in found:
        out[first:last] = [f"B-{label}", *[f"I-{label}"] * (last - first - 1)]
    return out


def _write_treebank_document(handle: IO[str], tagged: TaggedDocument, treebank: Treebank,
                             marker: str | None) -> None:
    """The stored lines, with ``name=`` rewritten only where the tag changed."""
    k = 0
    for n, sentence in enumerate(treebank.sentences):
        lines = list(sentence.comments)
        if n == 0 and marker is not None and not treebank.has_marker():
            lines.insert(0, marker)
        rows = list(sentence.rows)
        before = _iob2_of([t.tag for t in sentence.tokens])
        for j, token in enumerate(sentence.tokens):
            tag = tagged.tags[k + j]
            if before is not None and before[j] == tag:
                continue
            _retag(rows, token.row, token.words, tag)
        k += len(sentence.tokens)
        handle.write("".join(f"{line}\n" for line in (*lines, *rows)) + "\n")


def _retag(rows: list[str], row: int, words: list[int], tag: str) -> None:
    """Set ``name=tag`` on a token's line (and on a multiword token's tagged words)."""
    rows[row] = with_tag(rows[row], tag)
    inside = f"I-{tag[2:]}" if tag != "O" else "O"
    for n, word in enumerate(words):
        if has_tag(rows[word]):
            rows[word] = with_tag(rows[word], tag if n == 0 else inside)


# -- reading ------------------------------------------------------------------------------

@dataclass(slots=True)
class _Token:
    form: str
    tag: str
    space_after: bool
    line: int


@dataclass(slots=True)
class _Sentence:
    line: int
    tokens: list[_Token]
    newpar: bool = False
    newdoc: str | None = None  # the value of its "# newdoc id = …" (or "" without an id)
    docstart: bool = False  # a -DOCSTART- line came before it
    treebank: Sentence | None = None  # CoNLL-U: its lines, kept with the document


@dataclass(slots=True)
class _Document:
    line: int
    external_id: str | None
    part: int | None  # the number of a document Akkord cut from an unmarked file
    sentences: list[_Sentence] = field(default_factory=list)


@dataclass(slots=True)
class _Block:
    """The lines of one sentence, up to a blank line."""

    line: int
    comments: list[str] = field(default_factory=list)
    rows: list[tuple[int, str]] = field(default_factory=list)
    docstart: bool = False


def _comment_key(line: str) -> tuple[str, str]:
    key, _, value = line[1:].partition("=")
    return key.strip(), value.strip()


class _Reader:
    """Lines → sentences → documents (see the module docstring for the rules)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.dialect: str | None = "conllu" if path.suffix.lower() == ".conllu" else None
        self.columns: tuple[int, int] | None = None  # CoNLL: (count, line) of the first row

    def problem(self, line: int | None, message: str) -> Problem:
        return Problem(str(self.path), line, message)

    def lines(self) -> Iterator[tuple[int, str]]:
        with self.path.open(encoding="utf-8-sig", errors="strict") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\r\n")

    def blocks(self) -> Iterator[_Block]:
        """Sentences' lines; a ``-DOCSTART-`` line marks the next block."""
        block: _Block | None = None
        docstart = False
        for number, line in self.lines():
            if not line.strip():
                if block is not None and block.rows:
                    yield block
                    block = None
                continue
            if line.split(maxsplit=1)[0] == DOCSTART:
                if block is not None and block.rows:
                    yield block
                block, docstart = None, True
                continue
            if block is None:
                block, docstart = _Block(number, docstart=docstart), False
            # Comments come before a sentence (CoNLL-U); inside one, "#" is a token.
            if line.startswith("#") and not block.rows:
                block.comments.append(line)
            else:
                block.rows.append((number, line))
        if block is not None and block.rows:
            yield block

    def sentence(self, block: _Block) -> _Sentence | list[Problem]:
        first = block.rows[0]
        if self.dialect is None:
            columns = first[1].split("\t")
            looks_like_id = bool(columns and re.fullmatch(r"[0-9]+([-.][0-9]+)?",
                                                            columns[0], re.ASCII))
            self.dialect = "conllu" if len(columns) == COLUMNS and looks_like_id else "conll"
        sentence = _Sentence(block.line, [], docstart=block.docstart)
        for comment in block.comments:
            key, value = _comment_key(comment)
            if key in ("newdoc", "newdoc id"):
                sentence.newdoc = value
            elif key.startswith("newpar"):
                sentence.newpar = True
        if self.dialect == "conll":
            return self.conll_tokens(block, sentence)
        comments = block.comments
        parsed = parse_sentence([*comments, *(line for _, line in block.rows)],
                                first[0] - len(comments))
        if not isinstance(parsed, Sentence):
            return [self.problem(p.line, p.message) for p in parsed]
        sentence.tokens = [_Token(t.form, t.tag, t.space_after, t.line) for t in parsed.tokens]
        sentence.treebank = parsed
        return sentence

    def conll_tokens(self, block: _Block, sentence: _Sentence) -> _Sentence | list[Problem]:
        """CoNLL-2003-style rows: whitespace-separated, the same columns in every row."""
        problems: list[Problem] = []
        for number, line in block.rows:
            parts = line.split()
            if self.columns is None:
                self.columns = (len(parts), number)
            elif len(parts) != self.columns[0]:
                problems.append(self.problem(number, (
                    f"this line has {len(parts)} column(s) but line {self.columns[1]} has "
                    f"{self.columns[0]}: every token line of a CoNLL file has the same "
                    "columns (the token first, its tag last)")))
                continue
            sentence.tokens.append(_Token(parts[0], parts[-1] if len(parts) > 1 else "O",
                                          True, number))
        return problems or sentence

    def documents(self) -> Iterator[_Document | Problem]:
        """Sentences grouped into documents: by markers, else cut by Akkord."""
        doc: _Document | None = None
        marked = False  # a document marker was seen: from now on only markers cut
        parts = 0
        for block in self.blocks():
            sentence = self.sentence(block)
            if isinstance(sentence, list):
                yield from sentence
                continue
            if not sentence.tokens:
                continue
            new = sentence.newdoc is not None or sentence.docstart
            marked = marked or new
            if doc is None or new or (not marked and (
                    (sentence.newpar and len(doc.sentences) >= MIN_SENTENCES)
                    or len(doc.sentences) >= MAX_SENTENCES)):
                if doc is not None:
                    yield doc
                if not marked:
                    parts += 1
                doc = _Document(sentence.line, sentence.newdoc or None,
                                None if marked else parts)
            doc.sentences.append(sentence)
        if doc is not None:
            yield doc


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
    meta: dict[str, Any] = {TOKEN_BREAKS: breaks}
    treebank = [s.treebank for s in doc.sentences if s.treebank is not None]
    if len(treebank) == len(doc.sentences):
        meta[TREEBANK] = treebank_meta(treebank, path.name, doc.part)
    return DocumentRecord(text=text, external_id=external, meta=meta, spans=spans,
                          line=doc.line)


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
