"""A Hugging Face ``datasets`` folder for token classification (NER).

The folder holds one row per sentence, with the tokens and IOB2 tags of
:mod:`akkord.formats.conll` (same tokenizer, same tags)::

    README.md           dataset card: configs (the Parquet files) and dataset_info
                        (features, with ner_tags as a ClassLabel list)
    dataset_info.json   the same features, as datasets.DatasetInfo writes them
    data/train.parquet  data/validation.parquet  data/test.parquet
    json/train.jsonl    json/validation.jsonl    json/test.jsonl

A row is ``{"id": "<document>-<n>", "document": "<document>", "tokens": [...],
"ner_tags": [...]}``; ``ner_tags`` are indices into ``O, B-<label>, I-<label>, …`` for
the exported labels **sorted by name** (:func:`class_labels`). The ids depend on the set
of labels only: two projects with the same labels get the same ids, whatever order
their schemas list them in (``--add-labels`` appends labels in the order an import first
met them, so NorNE's dev and test files would otherwise number them differently), and a
model trained on one export reads another.

Documents, not sentences, are split into train/validation/test (80/10/10 by default),
so no document's sentences are in two splits (see
:func:`akkord.formats.writing.assign_splits`); the report notes a split that stays empty
because there are too few documents.

Load it with ``datasets.load_dataset(folder)`` (the card's configs), or explicitly with
``load_dataset("parquet", data_files={"train": f"{folder}/data/train.parquet", …})``
(Parquet keeps the ClassLabel feature) or ``load_dataset("json", data_files=…)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from akkord.formats.conll import tag_documents
from akkord.formats.records import Dataset
from akkord.formats.writing import (
    SPLITS,
    WriteSettings,
    assign_splits,
    label_set,
    note_empty_splits,
)

__all__ = ["SPLITS", "assign_splits", "class_labels", "write_hf"]
BATCH_ROWS = 2000


def class_labels(labels: tuple[str, ...]) -> list[str]:
    """The ClassLabel names: ``O`` then ``B-``/``I-`` of each label, labels sorted by name
    (see the module docstring for why not in schema order)."""
    return ["O", *(f"{prefix}-{label}" for label in sorted(set(labels))
                   for prefix in ("B", "I"))]


def _features(names: list[str]) -> Any:
    import datasets

    sequence = getattr(datasets, "List", None) or datasets.Sequence
    return datasets.Features({
        "id": datasets.Value("string"),
        "document": datasets.Value("string"),
        "tokens": sequence(datasets.Value("string")),
        "ner_tags": sequence(datasets.ClassLabel(names=names)),
    })


class _SplitWriter:
    """The JSON Lines and Parquet files of one split, written in batches."""

    def __init__(self, out: Path, split: str, features: Any) -> None:
        self.out = out
        self.split = split
        self.features = features
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        self.json: Any = None
        self.parquet: Any = None

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.json is None:
            (self.out / "json").mkdir(exist_ok=True)
            (self.out / "data").mkdir(exist_ok=True)
            self.json = (self.out / "json" / f"{self.split}.jsonl").open("wb")
            self.parquet = pq.ParquetWriter(self.out / "data" / f"{self.split}.parquet",
                                            self.features.arrow_schema)
        self.json.write(b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE)
                                 for r in self.rows))
        self.parquet.write_table(pa.Table.from_pylist(self.rows,
                                                      schema=self.features.arrow_schema))
        self.count += len(self.rows)
        self.rows = []

    def close(self) -> None:
        self.flush()
        if self.json is not None:
            self.json.close()
            self.parquet.close()


def write_hf(dataset: Dataset, out: Path, settings: WriteSettings) -> int:
    """Write the folder described in the module docstring into ``out``."""
    names = class_labels(label_set(dataset.header, settings))
    index = {name: i for i, name in enumerate(names)}
    features = _features(names)
    assignment = assign_splits(dataset.document_count, settings.seed, settings.splits)
    note_empty_splits(settings.notes, assignment, settings)
    writers = {split: _SplitWriter(out, split, features) for split in SPLITS}
    documents = dict.fromkeys(SPLITS, 0)
    count = 0
    try:
        for position, (_doc, tagged) in enumerate(tag_documents(dataset, settings.notes)):
            split = assignment[position] if position < len(assignment) else "train"
            documents[split] += 1
            text = tagged.text
            words = [text[a:b] for a, b in tagged.tokens.tokens]
            ids = [index.get(tag, -1) for tag in tagged.tags]
            for k in (k for k, i in enumerate(ids) if i < 0):
                settings.notes.add("tags of labels outside the label set written as O",
                                   tagged.tags[k])
                ids[k] = 0
            for n, (first, last) in enumerate(tagged.tokens.sentences, start=1):
                writers[split].add({"id": f"{tagged.name}-{n}", "document": tagged.name,
                                    "tokens": words[first:last], "ner_tags": ids[first:last]})
            count += 1
    finally:
        for writer in writers.values():
            writer.close()
    rows = {split: w.count for split, w in writers.items() if w.count}
    _write_info(out, features, rows, documents, settings)
    return count


def _write_info(out: Path, features: Any, rows: dict[str, int], documents: dict[str, int],
                settings: WriteSettings) -> None:
    import datasets

    description = ("Token classification (NER) exported by Akkord: IOB2 tags per token, "
                   f"one row per sentence; documents split with seed {settings.seed}.")
    splits = datasets.SplitDict()
    for name, n in rows.items():
        splits.add(datasets.SplitInfo(name=name, num_examples=n))
    info = datasets.DatasetInfo(description=description, features=features, splits=splits)
    info.write_to_directory(str(out))
    card = {
        "configs": [{"config_name": "default",
                     "data_files": [{"split": s, "path": f"data/{s}.parquet"} for s in rows]}],
        "dataset_info": {**info._to_yaml_dict(), "config_name": "default"},
        "task_categories": ["token-classification"],
        "language": ["nb"],
    }
    import yaml

    front = yaml.safe_dump(card, sort_keys=False, allow_unicode=True)
    table = "\n".join(f"| {s} | {documents[s]} | {rows[s]} |" for s in rows)
    tags = ", ".join(info.features["ner_tags"].feature.names)
    body = (f"# Akkord export\n\n{description}\n\n| split | documents | sentences |\n"
            f"|---|---|---|\n{table}\n\nTags: {tags}\n\n```python\nimport datasets\n"
            "ds = datasets.load_dataset(\"path/to/this/folder\")\n```\n")
    (out / "README.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    (out / "splits.json").write_text(json.dumps({"seed": settings.seed,
                                                 "ratios": list(settings.splits),
                                                 "documents": documents, "rows": rows},
                                                indent=1), encoding="utf-8")
