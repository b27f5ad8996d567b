"""spaCy's binary corpus format: a ``.spacy`` file of ``Doc`` objects (a ``DocBin``).

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

Read it with ``DocBin().from_disk(path).get_docs(spacy.blank("nb").vocab)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from akkord.errors import AkkordError
from akkord.formats.records import Dataset
from akkord.formats.writing import (
    WriteSettings,
    document_name,
    non_overlapping,
    public_meta,
    snippet,
    written_spans,
)
from akkord.textproc.tokens import Span, Tokenizer

SPANS_KEY = "akkord"
USER_DATA_KEY = "akkord"
ATTRS = ["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "SENT_START"]


def words_and_spaces(text: str, tokens: list[Span]) -> tuple[list[str], list[bool], list[int]]:
    """spaCy's ``words``/``spaces`` for ``tokens`` of ``text``, and each token's position.

    Whitespace other than one space after a token becomes a whitespace token, the way
    spaCy's tokenizer makes them, so ``Doc(vocab, words, spaces).text == text``.
    """
    words: list[str] = []
    spaces: list[bool] = []
    where: list[int] = []
    position = 0
    for start, end in [*tokens, (len(text), len(text))]:
        gap = text[position:start]
        if gap and words and gap[0] == " " and not words[-1].isspace():
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
        if start < end:
            where.append(len(words))
            words.append(text[start:end])
            spaces.append(False)
        position = end
    return words, spaces, where


def write_docbin(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write the DocBin described in the module docstring to ``out``."""
    from spacy.tokens import Doc, DocBin

    tokenizer = Tokenizer()
    vocab = tokenizer.nlp.vocab
    docbin = DocBin(attrs=ATTRS, store_user_data=True)
    notes = settings.notes
    count = 0
    for index, (record, content_hash) in enumerate(dataset.documents, start=1):
        name = document_name(record, index)
        written = written_spans(record, notes, name)
        tokenized = tokenizer.tokenize(record.text, record.meta,
                                       [(s.start, s.end) for s in written.spans])
        for start, end in tokenized.cuts:
            notes.add("tokens cut at a mention boundary",
                      f"{name} {snippet(record.text, start, end)}")
        words, spaces, where = words_and_spaces(record.text, tokenized.tokens)
        sent_starts: list[bool | int | None] = [False] * len(words)
        for first, _last in tokenized.sentences:
            sent_starts[where[first]] = True
        if sent_starts:
            sent_starts[0] = True
        doc = Doc(vocab, words=words, spaces=spaces, sent_starts=sent_starts)
        if doc.text != record.text:
            raise AkkordError(f"{name}: the spaCy document does not reproduce the text")
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
        docbin.add(doc)
        count += 1
    docbin.to_disk(out)
    return count
