"""Hugging Face folder: loaded offline by datasets (json, parquet, the card), ClassLabel."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from akkord.formats.hf import assign_splits
from akkord.services.demo import create_demo
from akkord.services.exporting import ExportOptions, export
from akkord.store import open_project
from tests.formats.corpora import article_project

os.environ["HF_DATASETS_OFFLINE"] = "1"  # nothing may be downloaded
os.environ["HF_HUB_OFFLINE"] = "1"

# labels sorted by name, not in schema order (ACTOR DEMAND MEETING TIME PLACE)
TAGS = ["O", "B-ACTOR", "I-ACTOR", "B-DEMAND", "I-DEMAND", "B-MEETING", "I-MEETING",
        "B-PLACE", "I-PLACE", "B-TIME", "I-TIME"]


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hf")
    path, _ = create_demo(tmp / "demo.akkord")
    with open_project(path) as project:
        report = export(project, "hf", tmp / "hf", ExportOptions(seed=7))
    assert report.documents == 8
    return tmp / "hf"


def _files(folder: Path, kind: str, suffix: str) -> dict[str, str]:
    return {split: str(folder / kind / f"{split}.{suffix}")
            for split in ("train", "validation", "test")
            if (folder / kind / f"{split}.{suffix}").exists()}


def test_datasets_loads_json_and_parquet_offline(demo_export: Path, tmp_path: Path) -> None:
    import datasets

    cache = str(tmp_path / "cache")
    from_json = datasets.load_dataset("json", data_files=_files(demo_export, "json", "jsonl"),
                                      cache_dir=cache)
    from_parquet = datasets.load_dataset(
        "parquet", data_files=_files(demo_export, "data", "parquet"), cache_dir=cache)
    assert set(from_parquet) == {"train", "validation", "test"}
    splits = json.loads((demo_export / "splits.json").read_text("utf-8"))
    assert splits["documents"] == {"train": 6, "validation": 1, "test": 1}
    for split in from_parquet:
        assert from_parquet[split].num_rows == from_json[split].num_rows == \
            splits["rows"][split] > 0
    # Parquet carries the ClassLabel feature
    assert from_parquet["train"].features["ner_tags"].feature.names == TAGS
    row = from_parquet["train"][0]
    assert len(row["tokens"]) == len(row["ner_tags"]) > 0
    # no document is in two splits
    documents = [set(from_parquet[s]["document"]) for s in from_parquet]
    assert sum(len(d) for d in documents) == len(set().union(*documents)) == 8


def test_the_card_gives_class_labels_to_load_dataset_of_the_folder(demo_export: Path,
                                                                     tmp_path: Path) -> None:
    import datasets

    loaded = datasets.load_dataset(str(demo_export), cache_dir=str(tmp_path / "cache"))
    names = loaded["train"].features["ner_tags"].feature.names
    assert names == TAGS
    info = json.loads((demo_export / "dataset_info.json").read_text("utf-8"))
    features = datasets.Features.from_dict(info["features"])
    assert features["ner_tags"].feature.names == TAGS
    from_json = datasets.load_dataset("json", data_files=_files(demo_export, "json", "jsonl"),
                                      features=features, cache_dir=str(tmp_path / "c2"))
    assert from_json["test"].features["ner_tags"].feature.names == TAGS


def test_tokens_and_tags_are_the_mentions(tmp_path: Path) -> None:
    import datasets

    with article_project(tmp_path) as project:
        export(project, "hf", tmp_path / "hf", ExportOptions(splits=(1.0, 0.0, 0.0)))
    loaded = datasets.load_dataset("json", data_files={"train": str(tmp_path / "hf" / "json" /
                                                                   "train.jsonl")},
                                   cache_dir=str(tmp_path / "cache"))["train"]
    found = set()
    for row in loaded:
        tags = [TAGS[t] for t in row["ner_tags"]]
        for k, tag in enumerate(tags):
            if tag.startswith("B-"):
                end = k + 1
                while end < len(tags) and tags[end] == "I-" + tag[2:]:
                    end += 1
                found.add((" ".join(row["tokens"][k:end]), tag[2:]))
    assert {("Jens Stoltenberg", "ACTOR"), ("Nato–Russland-rådet", "MEETING"),
            ("onsdag 12. januar", "TIME"), ("USA", "ACTOR"),
            ("alliansen stanser utvidelsen østover", "DEMAND")} <= found
    assert not (tmp_path / "hf" / "json" / "test.jsonl").exists()


def test_split_is_seeded_and_exact() -> None:
    first = assign_splits(100, 13, (0.8, 0.1, 0.1))
    assert first == assign_splits(100, 13, (0.8, 0.1, 0.1))
    assert first != assign_splits(100, 14, (0.8, 0.1, 0.1))
    assert (first.count("train"), first.count("validation"), first.count("test")) == (80, 10,
                                                                                      10)


def _conll_project(tmp_path: Path, name: str, body: str) -> Path:
    """A project whose schema gets its labels from a CoNLL file (in the file's order)."""
    from akkord.services.importing import ImportOptions, import_paths

    source = tmp_path / f"{name}.conll"
    source.write_text(body, encoding="utf-8")
    path = tmp_path / f"{name}.akkord"
    with open_project(path, create=True) as project:
        report = import_paths(project, [source], ImportOptions(add_labels=True))
        assert not report.problems
    return path


def test_projects_with_the_same_labels_get_the_same_class_label_ids(tmp_path: Path) -> None:
    """NorNE's dev and test files meet their labels in different orders, so --add-labels
    gives their projects different schema orders; the ids must not follow them."""
    import datasets

    dev = _conll_project(tmp_path, "dev", "Nato B-ORG\nog O\nOslo B-GPE_LOC\n\n"
                         "Jonas B-PER\nStøre I-PER\n")
    test = _conll_project(tmp_path, "test", "Jonas B-PER\nmøtte O\nNato B-ORG\n\n"
                          "i O\nOslo B-GPE_LOC\n")
    names = []
    for path in (dev, test):
        with open_project(path) as project:
            assert project.schema.label_names[-3:] in (("ORG", "GPE_LOC", "PER"),
                                                       ("PER", "ORG", "GPE_LOC"))
            export(project, "hf", tmp_path / f"hf-{path.stem}")
        info = json.loads((tmp_path / f"hf-{path.stem}" / "dataset_info.json").read_text())
        names.append(datasets.Features.from_dict(info["features"])["ner_tags"].feature.names)
    assert names[0] == names[1] == ["O", *(f"{p}-{label}" for label in (
        "ACTOR", "DEMAND", "GPE_LOC", "MEETING", "ORG", "PER", "PLACE", "TIME")
        for p in "BI")]
