"""Time suggestions, and re-resolving relative dates when the publication day is set."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from akkord.domain.dates import PartialDate
from akkord.domain.entities import Value
from akkord.domain.schema import parse_schema
from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.dating import time_label
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import Project
from akkord.store.models import Document, Mention
from tests.services.editing import add, new_entity

ARTICLE = (" date 2022-01 MØTE: Utenriksministrene samles.\n\n"
           "Nato samler utenriksministrene kommende fredag\n\n"
           "Av Kari Nordmann\n\n"
           "Publisert: 5. januar 2022\n\n"
           "Ministrene møtes kommende fredag. Samtalene i Genève skal holdes 9. og 10. januar, "
           "og i neste uke møtes Nato-Russland-rådet.\n")


def _import(project: Project, tmp_path: Path, **options: object) -> int:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    report = import_paths(project, [path], ImportOptions(**options))  # type: ignore[arg-type]
    assert not report.problems
    with project.read() as session:
        return int(session.scalar(select(Document.id)) or 0)


def _times(service: Annotation, doc_id: int) -> dict[str, tuple[str, str]]:
    view = service.load_document(doc_id)
    out = {}
    for mention in view.mentions:
        date = mention.date()
        out[view.text[mention.start:mention.end]] = (mention.status,
                                                     date.value if date else "")
    return out


def test_raw_articles_get_time_suggestions(project: Project, tmp_path: Path) -> None:
    doc_id = _import(project, tmp_path)
    times = _times(Annotation(project, "gold"), doc_id)
    assert times["9. og 10. januar"] == ("suggested", "2022-01-09/2022-01-10")
    # The month-only publication date leaves "kommende fredag" honestly underspecified.
    assert times["kommende fredag"][1].startswith("2022-01")
    assert not any("5. januar 2022" in text for text in times)  # not the Publisert: line


def test_annotated_imports_and_no_suggest_get_none(project: Project, tmp_path: Path) -> None:
    doc_id = _import(project, tmp_path, suggest_times=False)
    assert _times(Annotation(project, "gold"), doc_id) == {}


def test_setting_the_day_re_resolves_tagger_dates_and_what_follows_them(
        project: Project, tmp_path: Path) -> None:
    doc_id = _import(project, tmp_path)
    gold = Annotation(project, "gold")
    mentions = {gold.load_document(doc_id).text[m.start:m.end]: m
                for m in gold.load_document(doc_id).mentions}
    friday, next_week = mentions["kommende fredag"], mentions["i neste uke"]
    meeting = new_entity(gold, "meeting", "Utenriksministermøtet")
    text = gold.load_document(doc_id).text
    start = text.index("Ministrene")
    talk = add(gold, doc_id, (start, start + len("Ministrene møtes")), "MEETING",
               entity_id=meeting)
    gold.apply(edits.AddRelation("time", friday.id, talk))
    # An annotator typed a date on one expression: it must stay.
    gold.apply(edits.SetMentionValues(next_week.id, "date",
                                      (Value(date=PartialDate.parse("2022-W03")),)))
    before = (_times(gold, doc_id)["kommende fredag"], gold.entity(meeting).first("date"))
    redated = gold.apply(edits.SetPublicationDate(doc_id, PartialDate.parse("2022-01-05")))
    times = _times(gold, doc_id)
    assert times["kommende fredag"][1] == "2022-01-07"
    assert times["i neste uke"][1] == "2022-W03"  # typed by hand: kept
    assert gold.entity(meeting).first("date").date == PartialDate.parse("2022-01-07")  # type: ignore[union-attr]
    moved = len(redated.changes.mentions)
    assert redated.note == f"{moved} time expression(s) and 1 entity date(s) re-resolved"
    # Undo puts back exactly what moved, and says so.
    undone = gold.apply(redated.inverse)
    assert undone.note == f"{moved} time expression(s) and 1 entity date(s) reverted"
    assert (_times(gold, doc_id)["kommende fredag"], gold.entity(meeting).first("date")) == before
    gold.apply(undone.inverse)  # redo
    assert _times(gold, doc_id)["kommende fredag"][1] == "2022-01-07"
    # Another day moves it again; clearing the date leaves the last resolution.
    gold.apply(edits.SetPublicationDate(doc_id, PartialDate.parse("2022-01-10")))
    assert _times(gold, doc_id)["kommende fredag"][1] == "2022-01-14"
    gold.apply(edits.SetPublicationDate(doc_id, None))
    with project.read() as session:
        assert session.get(Document, doc_id).date_value is None  # type: ignore[union-attr]


def test_an_annotator_gets_suggestions_once(project: Project, tmp_path: Path) -> None:
    doc_id = _import(project, tmp_path, suggest_times=False)
    kari = Annotation(project, "kari")
    added = kari.apply(edits.AddTimeSuggestions(doc_id))
    assert len(added.changes.mentions) >= 3
    assert kari.load_document(doc_id).status == "new"  # suggestions are no decision
    again = kari.apply(edits.AddTimeSuggestions(doc_id))
    assert not again.changes  # not over existing ones
    with project.read() as session:
        assert {m.status for m in session.scalars(select(Mention))} == {"suggested"}


def test_time_label_is_found_from_the_schema() -> None:
    schema = parse_schema("""
[labels.WHEN]
key = "w"
color = "#123456"
[labels.WHEN.attributes.day]
type = "date"
[labels.WHO]
key = "p"
color = "#654321"
""")
    found = time_label(schema)
    assert found is not None and (found[0].name, found[1]) == ("WHEN", "day")
    assert time_label(parse_schema('[labels.X]\nkey = "x"\ncolor = "#000000"\n')) is None
