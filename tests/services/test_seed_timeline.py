"""The seed articles on the timeline: with their publication days set, every meeting they
mention lands on its day (or its week, where the text gives only the week).

Reads ``../shared/seeds`` (skipped, saying so, when absent). The publication days are
established from the events the articles report (see tests/timex/test_seeds.py):
000_… was published Tue 2022-01-04 (it announces NATO's foreign ministers' meeting for
"kommende fredag", Fri 7 Jan), 001_… on Thu 2022-01-20 (Blinken and Lavrov meet on
"fredag", 21 Jan; the NATO–Russia Council met "forrige onsdag", 12 Jan).

The annotation is what an annotator does in the window, through the same service: mark
the meeting phrase, link it to a new meeting, accept the tagger's time suggestion and
relate it to the meeting (which dates the meeting, with the time mention as evidence).
Phrases are located by a few words only; no seed sentence is copied here.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from akkord.domain.dates import PartialDate
from akkord.services import edits
from akkord.services.annotation import Annotation
from akkord.services.importing import import_paths
from akkord.services.timeline import load_timeline
from akkord.store import Project
from akkord.store.models import Document
from tests.conftest import SEEDS, needs_shared
from tests.services.editing import add, new_entity

DAYS = {"000_c59003fcb422ee35": "2022-01-04", "001_e956a451f6edd46a": "2022-01-20"}
# (seed, meeting phrase, its occurrence, time phrase, meeting name, earliest, latest)
MEETINGS = [
    ("000_c59003fcb422ee35", "ekstraordinært møte", 1, "kommende fredag",
     "NATO foreign ministers (video)", date(2022, 1, 7), date(2022, 1, 7)),
    ("000_c59003fcb422ee35", "samtaler", 1, "9. og 10. januar",
     "US–Russia talks in Geneva", date(2022, 1, 9), date(2022, 1, 10)),
    ("000_c59003fcb422ee35", "et møte", 1, "12. januar",
     "NATO–Russia Council", date(2022, 1, 12), date(2022, 1, 12)),
    ("000_c59003fcb422ee35", "møter om situasjonen", 1, "neste uke",
     "OSCE Permanent Council", date(2022, 1, 10), date(2022, 1, 16)),  # only the week
    ("001_e956a451f6edd46a", "Møtet mellom", 1, "forrige onsdag",
     "NATO–Russia Council", date(2022, 1, 12), date(2022, 1, 12)),
    ("001_e956a451f6edd46a", "pressemøte", 1, "tirsdag",
     "Stoltenberg and Scholz in Berlin", date(2022, 1, 18), date(2022, 1, 18)),
    ("001_e956a451f6edd46a", "nytt møte", 1, "i slutten av neste uke",
     "New NATO–Russia Council (proposed)", date(2022, 1, 27), date(2022, 1, 30)),
    ("001_e956a451f6edd46a", "krisemøte", 1, "fredag",
     "Blinken and Lavrov in Geneva", date(2022, 1, 21), date(2022, 1, 21)),
]


def _find(text: str, phrase: str, occurrence: int = 1, after: int = 0) -> int:
    start = after - 1
    for _ in range(occurrence):
        start = text.index(phrase, start + 1)
    return start


def _annotate(project: Project) -> dict[str, int]:
    gold = Annotation(project, "gold")
    with project.read() as session:
        docs = {d.external_id: d.id for d in session.scalars(select(Document))}
    for external_id, day in DAYS.items():
        gold.apply(edits.SetPublicationDate(docs[external_id], PartialDate.parse(day)))
    entities: dict[str, int] = {}
    for seed, phrase, occurrence, time_phrase, name, _early, _late in MEETINGS:
        view = gold.load_document(docs[seed])
        start = _find(view.text, phrase, occurrence)
        if name not in entities:
            entities[name] = new_entity(gold, "meeting", name)
        meeting = add(gold, view.id, (start, start + len(phrase)), "MEETING",
                      entity_id=entities[name])
        # The nearest suggested TIME mention with that text, around the meeting phrase.
        times = [m for m in view.mentions if m.label == "TIME"
                 and view.text[m.start:m.end].casefold() == time_phrase.casefold()]
        assert times, f"the tagger found no {time_phrase!r} in {seed}"
        time = min(times, key=lambda m: abs(m.start - start))
        gold.apply(edits.UpdateMention(time.id, status="accepted"))
        gold.apply(edits.AddRelation("time", time.id, meeting))
    return entities


@pytest.mark.shared
def test_every_seed_meeting_lands_on_its_day(project: Project) -> None:
    report = import_paths(project, [needs_shared(SEEDS)])
    assert report.total("documents") == 2
    entities = _annotate(project)
    with project.read() as session:
        items = {item.entity_id: item for item in load_timeline(session, project.schema).items}
    for _seed, _phrase, _n, time_phrase, name, earliest, latest in MEETINGS:
        item = items[entities[name]]
        assert (item.earliest, item.latest) == (earliest, latest), (name, time_phrase)
    osce = items[entities["OSCE Permanent Council"]]
    assert osce.precision.value == "week"
