"""spaCy's binary corpus format: a folder of ``.spacy`` files (``DocBin``) per split.

The folder holds the documents split into train/dev/test the way the hf export splits
them (documents, seeded; :func:`akkord.formats.writing.assign_splits`), each split as
numbered shards of at most :data:`SHARD_TOKENS` tokens::

    train/0000.spacy  train/0001.spacy …   dev/0000.spacy   test/0000.spacy

so ``python -m spacy train config.cfg --paths.train out/train --paths.dev out/dev``
trains on it as it is (spaCy reads every ``.spacy`` file under a folder), and neither
the export nor spaCy's reader holds the whole corpus in memory (one DocBin of 10,000
news articles took 1.2 GB to write). A split with no documents has no folder; the
report notes it. Read the documents back with::

    docs = [doc for path in sorted(Path(out, "train").glob("*.spacy"))
            for doc in DocBin().from_disk(path).get_docs(spacy.blank("nb").vocab)]

Each document becomes a ``Doc`` over the tokens of :mod:`akkord.textproc.tokens`
(spaCy's Norwegian tokenizer, ``spacy.blank("nb")``, with tokens cut at mention
boundaries so every mention is a token span), with:

* ``doc.spans["akkord"]``: every written mention, overlapping ones included, with its
  label and, when it is linked, the canonical entity's key as ``kb_id_``;
* ``doc.ents``: the largest set of non-overlapping mentions (spaCy's ``filter_spans``
  rule: longest first), with ``kb_id_`` too; the ones left out are noted;
* sentence starts from the shared sentence splitter;
* ``doc.user_data["akkord"]``: the document's id, title, date, source, content hash and
  metadata, and its relations as ``[head, tail, type]`` indices into
  ``doc.spans["akkord"]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from akkord.errors import AkkordError
from akkord.formats.records import Dataset, DocumentRecord
from akkord.formats.writing import (
    SPLITS,
    Notes,
    WriteSettings,
    assign_splits,
    document_name,
    non_overlapping,
    note_empty_splits,
    public_meta,
    snippet,
    written_spans,
)
from akkord.textproc.tokens import Span, Tokenizer

SPANS_KEY = "akkord"
USER_DATA_KEY = "akkord"
ATTRS = ["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "SENT_START"]
FOLDERS = dict(zip(SPLITS, ("train", "dev", "test"), strict=True))  # spaCy's names
SHARD_TOKENS = 250_000
"""Tokens per ``.spacy`` file at most (a document longer than that is a file of its own)."""


def words_and_spaces(text: str, tokens: list[Span]) -> tuple[list[str], list[bool], list[int]]:
    """spaCy's ``words``/``spaces`` for ``tokens`` of ``text``, and each token's position.

    Whitespace other than one space after a token becomes a whitespace token, the way
    spaCy's tokenizer makes them, so ``Doc(vocab, words, spaces).text == text``.
    """
    words: list[str] = []
    spaces: list[bool] = []
    where: list[int] = []
    position = 0
    after_token = False  # whether words[-1] is a token (not whitespace)
    for start, end in (*tokens, (len(text), len(text))):
        if start != position:
            gap = text[position:start]
            if after_token and gap[0] == " ":
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
                after_token = False
        if start < end:
            where.append(len(words))
            words.append(text[start:end])
            spaces.append(False)
            after_token = True
        position = end
    return words, spaces, where


@contextmanager
def _encoders_looked_up_once() -> Iterator[None]:
    """Keep srsly from looking its msgpack encoders up again on every call.

    ``DocBin.add`` packs each document's user data and span groups with
    ``srsly.msgpack_dumps`` (three calls a document), and every call asks the encoder
    registry for all its encoders: a rescan of every installed package's
    ``importlib.metadata`` entry points and of catalogue's whole registry (5–9 s of a
    10,000-document export, DESIGN.md). The encoders do not change during an export, so
    they are looked up once here (entry points included) and handed back until the end.
    """
    from srsly.msgpack import msgpack_encoders

    encoders = msgpack_encoders.get_all()
    msgpack_encoders.get_all = lambda: encoders  # shadows the method on this instance
    try:
        yield
    finally:
        del msgpack_encoders.get_all


class _Shards:
    """One split's ``.spacy`` files, each written when it holds :data:`SHARD_TOKENS`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.docbin: Any = None
        self.tokens = 0
        self.files = 0
        self.documents = 0

    def add(self, doc: Any) -> None:
        from spacy.tokens import DocBin

        if self.docbin is None:
            self.docbin = DocBin(attrs=ATTRS, store_user_data=True)
        self.docbin.add(doc)
        self.tokens += len(doc)
        self.documents += 1
        if self.tokens >= SHARD_TOKENS:
            self.flush()

    def flush(self) -> None:
        if self.docbin is None:
            return
        self.folder.mkdir(exist_ok=True)
        self.docbin.to_disk(self.folder / f"{self.files:04d}.spacy")
        self.files += 1
        self.docbin = None
        self.tokens = 0


def write_docbin(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write the folder described in the module docstring into ``out``."""
    tokenizer = Tokenizer()
    assignment = assign_splits(dataset.document_count, settings.seed, settings.splits)
    note_empty_splits(settings.notes, assignment, settings, names=("train", "dev", "test"))
    shards = {split: _Shards(out / FOLDERS[split]) for split in SPLITS}
    count = 0
    with _encoders_looked_up_once():
        for index, (record, content_hash) in enumerate(dataset.documents, start=1):
            split = assignment[index - 1] if index <= len(assignment) else "train"
            shards[split].add(make_doc(record, content_hash, document_name(record, index),
                                       tokenizer, settings.notes))
            count += 1
        for shard in shards.values():
            shard.flush()
    summary = {"seed": settings.seed, "ratios": list(settings.splits),
               "documents": {FOLDERS[s]: shards[s].documents for s in SPLITS},
               "files": {FOLDERS[s]: shards[s].files for s in SPLITS}}
    (out / "splits.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return count


def make_doc(record: DocumentRecord, content_hash: str, name: str, tokenizer: Tokenizer,
             notes: Notes) -> Any:
    """The ``Doc`` of one document (see the module docstring)."""
    from spacy.tokens import Doc

    vocab = tokenizer.nlp.vocab
    written = written_spans(record, notes, name)
    tokenized = tokenizer.tokenize(record.text, record.meta,
                                   [(s.start, s.end) for s in written.spans], record.tokens)
    for start, end in tokenized.cuts:
        notes.add("tokens cut at a mention boundary",
                  f"{name} {snippet(record.text, start, end)}")
    words, spaces, where = words_and_spaces(record.text, tokenized.tokens)
    sent_starts: list[bool | int | None] = [False] * len(words)
    for first, _last in tokenized.sentences:
        sent_starts[where[first]] = True
    if sent_starts:
        sent_starts[0] = True
    if "".join(w + " " if s else w for w, s in zip(words, spaces, strict=True)) != record.text:
        raise AkkordError(f"{name}: the spaCy document does not reproduce the text")
    doc = Doc(vocab, words=words, spaces=spaces, sent_starts=sent_starts)
    group: list[Any] = []
    kept_ids: dict[str | None, int] = {}
    for span in written.spans:
        found = doc.char_span(span.start, span.end, label=span.label,
                              kb_id=span.entity or "", alignment_mode="contract")
        if found is None or not len(found):
            notes.add("mentions of only whitespace left out", name)
            continue
        kept_ids[span.id] = len(group)
        group.append(found)
    doc.spans[SPANS_KEY] = group
    entities, left = non_overlapping(s for s in written.spans if s.id in kept_ids)
    for span in left:
        notes.add("overlapping mentions only in doc.spans (not doc.ents)",
                  f"{name} {span.label} {snippet(record.text, span.start, span.end)}")
    doc.ents = [group[kept_ids[s.id]] for s in entities]
    relations = [[kept_ids[r.head], kept_ids[r.tail], r.type] for r in written.relations
                 if r.head in kept_ids and r.tail in kept_ids]
    user: dict[str, Any] = {**public_meta(record), "hash": content_hash,
                            "relations": relations}
    doc.user_data[USER_DATA_KEY] = user
    return doc
