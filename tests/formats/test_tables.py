"""Analysis tables: read with pandas (CSV and Parquet via pyarrow), joined by key."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from akkord.formats.records import DocumentRecord, SpanRecord
from akkord.formats.tables import safe_cell
from akkord.services.demo import create_demo
from akkord.services.exporting import ExportOptions, export
from akkord.store import open_project
from tests.formats.corpora import article_project, load


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tables")
    with article_project(tmp) as project:
        export(project, "tables", tmp / "tables")
    return tmp / "tables"


def test_every_table_as_csv_with_bom_and_as_parquet(tables: Path) -> None:
    for name in ("actors", "demands", "meetings", "places", "mentions", "documents"):
        raw = (tables / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name  # Excel shows æøå
        from_csv = pd.read_csv(tables / f"{name}.csv", encoding="utf-8-sig",
                               keep_default_na=False)
        from_parquet = pd.read_parquet(tables / f"{name}.parquet")
        assert list(from_csv.columns) == list(from_parquet.columns)
        assert len(from_csv) == len(from_parquet) > 0


def test_demands_and_meetings_hold_what_an_analyst_needs(tables: Path) -> None:
    demands = pd.read_parquet(tables / "demands.parquet")
    assert list(demands.columns) == [
        "key", "name", "aliases", "claimant", "claimant_name", "addressees",
        "addressees_name", "form", "issue", "date", "date_earliest", "date_latest",
        "date_precision", "status", "mentions", "document_count", "documents", "quoted_text"]
    row = demands.set_index("key").loc["demand/stop"]
    assert (row["claimant"], row["claimant_name"], row["addressees"]) == (
        "actor/russland", "Russland", "actor/nato")
    assert (row["form"], row["status"], row["date"], row["date_precision"]) == (
        "demand", "made", "2021-12-17", "day")
    assert row["date_earliest"] == dt.date(2021, 12, 17)
    assert row["documents"] == "art-1" and row["mentions"] == 1
    assert row["quoted_text"] == "alliansen stanser utvidelsen østover"
    meetings = pd.read_parquet(tables / "meetings.parquet").set_index("key")
    nrc = meetings.loc["meeting/nrc"]
    assert nrc["participants"] == "actor/nato; actor/russland"
    assert nrc["participants_role"] == "host; participant"
    assert (nrc["status"], nrc["date_latest"]) == ("held", dt.date(2022, 1, 12))
    assert nrc["mentions"] == 2  # gold's and kari's
    assert pq.read_schema(tables / "meetings.parquet").field("mentions").type == "int64"


def test_keys_join_across_tables(tables: Path) -> None:
    mentions = pd.read_parquet(tables / "mentions.parquet")
    actors = pd.read_parquet(tables / "actors.parquet")
    documents = pd.read_parquet(tables / "documents.parquet")
    joined = mentions.merge(actors, left_on="entity", right_on="key")
    assert set(joined["name"]) == {"Nato", "Jens Stoltenberg", "Russland"}
    with_docs = mentions.merge(documents, on="document")
    assert len(with_docs) == len(mentions) == 11  # 10 written in art-1, 1 in art-2
    time = mentions[mentions["label"] == "TIME"].iloc[0]
    assert (time["text"], time["date"]) == ("onsdag 12. januar", "2022-01-12")
    nato = actors.set_index("key").loc["actor/nato"]
    assert nato["aliases"] == "Natos" and nato["mentions"] == 2
    assert documents.set_index("document").loc["art-1", "status"] == "gold: done"


def test_formulas_are_made_safe_in_csv_only(tmp_path: Path) -> None:
    assert [safe_cell(v) for v in ("=SUM(A1)", "+4", "-x", "@A", "\tx", "ok", 3)] == [
        "'=SUM(A1)", "'+4", "'-x", "'@A", "'\tx", "ok", 3]
    with open_project(tmp_path / "f.akkord", create=True) as project:
        load(project, tmp_path, [], [DocumentRecord(
            "=HYPERLINK(\"http://x\") og @Nato", "d", "=1+1",
            spans=[SpanRecord(0, 10, "ACTOR", "t1", "gold")])])
        export(project, "tables", tmp_path / "t")
    csv_text = (tmp_path / "t" / "mentions.csv").read_text("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'=1+1" in csv_text
    assert pd.read_parquet(tmp_path / "t" / "mentions.parquet")["text"][0] == "=HYPERLINK"


@pytest.mark.parametrize("cell", [
    " =1+1", "\n=HYPERLINK(\"x\")", "\u00a0@SUM(A1)", "\uff1d1+1", "\u3000\uff20x",
    "\u200b=1", "\ufeff+1", "\u2212 1", "\ufe66cmd", "\r\n-2", "\x00=1", "\t\t@x",
])
def test_a_formula_behind_blanks_or_look_alikes_is_prefixed_too(cell: str) -> None:
    """Issue 9, item 14: only the very first character was looked at."""
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Nato", "a=b", "x-y", "e-post@nato.int", "", " Nato = ja"])
def test_ordinary_text_is_left_alone(cell: str) -> None:
    assert safe_cell(cell) == cell


@given(st.text(max_size=20))
def test_no_cell_a_spreadsheet_could_run_gets_through(cell: str) -> None:
    out = safe_cell(cell)
    if out.startswith("'"):
        return
    first = next((c for c in out if not (c.isspace() or unicodedata.category(c) in
                                         ("Cf", "Cc", "Zs"))), "")
    assert unicodedata.normalize("NFKC", first)[:1] not in ("=", "+", "-", "@")
    assert first != "\u2212"


def test_options_choose_layer_label_and_done_documents(tmp_path: Path) -> None:
    path, _ = create_demo(tmp_path / "demo.akkord")
    with open_project(path) as project:
        # The demo has Ingrid's and Ola's layers too: compare gold with gold.
        export(project, "tables", tmp_path / "all", ExportOptions(annotators=["gold"]))
        export(project, "tables", tmp_path / "some",
               ExportOptions(labels=["ACTOR"], annotators=["gold"]))
    everything = pd.read_parquet(tmp_path / "all" / "mentions.parquet")
    actors = pd.read_parquet(tmp_path / "some" / "mentions.parquet")
    assert set(actors["label"]) == {"ACTOR"}
    assert len(actors) == (everything["label"] == "ACTOR").sum()
    assert not (tmp_path / "some" / "meetings.csv").exists()  # no MEETING label chosen
    assert (tmp_path / "some" / "actors.csv").exists()
