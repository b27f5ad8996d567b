"""Agreement of three annotators over the 10,000-article benchmark corpus (goal < 10 s).

The three layers are generated once, deterministically (seed 2022), from the corpus's own
spans and relations with the disagreements annotators have: each layer drops some spans
and relations, cuts the first word off some multi-word spans, gives some spans another
label, links some actors to another actor, and dates some TIME expressions as their week
instead of their day. Mentions are linked to canonical entities by their text (actors,
places, demands) or one entity per meeting mention. The project is built once into
``benchmarks/.cache/agreement-10k.akkord`` (an import of about 1.3 million mentions).

Figures: ``agreement_3x10k_s`` (``agreement()`` with every measure: spans, tokens,
unitizing α, identity, dates, relations, records), ``agreement_3x10k_by_document_s``
(the same with per-document rows), ``agreement_rows`` and ``agreement_peak_mb``. The
machine is shared and noisy, so the run also measures a floor, ``agreement_floor_s``:
plain ``sqlite3`` reading the rows agreement needs (mentions, relations, texts) once,
and ``agreement_vs_floor`` = agreement / floor.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

from akkord.domain.dates import PartialDate
from common import CACHE, Timer, benchmark, corpus, peak_rss_mb, report

ANNOTATORS = ("A", "B", "C")
N = 10_000


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


ACTOR_KEYS: list[str] = []  # in order of first use, for deterministic wrong links


def _layer(doc: dict, name: str, rng: random.Random, entities: dict[str, tuple[str, str]]
           ) -> tuple[list[dict], list[dict]]:
    text = doc["text"]
    published = date.fromisoformat(doc["meta"]["date"])
    spans, kept = [], {}
    actors = ACTOR_KEYS
    for s in doc["spans"]:
        if rng.random() < 0.04:
            continue
        start, end, label = s["start"], s["end"], s["label"]
        surface = text[start:end]
        if " " in surface and rng.random() < 0.05:
            start += surface.index(" ") + 1
        if rng.random() < 0.02:
            label = {"ACTOR": "PLACE", "PLACE": "ACTOR", "MEETING": "DEMAND",
                     "DEMAND": "MEETING", "TIME": "TIME"}[label]
        span = {"id": f"{name}:{s['id']}", "start": start, "end": end, "label": label,
                "annotator": name}
        if label in ("ACTOR", "PLACE"):
            kind = label.lower()
            key = f"{kind}/{_slug(text[s['start']:s['end']])}"
            if kind == "actor" and actors and rng.random() < 0.03:
                key = rng.choice(actors)
            if key not in entities and kind == "actor":
                ACTOR_KEYS.append(key)
            entities.setdefault(key, (kind, text[s["start"]:s["end"]]))
            span["entity"] = key
        elif label == "DEMAND":
            key = f"demand/{_slug(text[s['start']:s['end']])[:60]}"
            entities.setdefault(key, ("demand", text[s["start"]:s["end"]][:60]))
            span["entity"] = key
        elif label == "MEETING":
            key = f"meeting/{doc['id']}-{s['id']}"
            entities.setdefault(key, ("meeting", text[s["start"]:s["end"]]))
            span["entity"] = key
        else:
            day = published + timedelta(days=int(s["id"][1:]) % 20)
            when = PartialDate.week_of(day) if rng.random() < 0.1 else PartialDate.day(day)
            span["values"] = [{"attribute": "date", "date": when.value}]
        kept[s["id"]] = label
        spans.append(span)
    relations = []
    allowed = {"claimant": ("ACTOR", "DEMAND"), "addressee": ("DEMAND", "ACTOR"),
               "participant": ("ACTOR", "MEETING"), "place": ("PLACE", "MEETING"),
               "time": ("TIME", "MEETING")}
    for r in doc["relations"]:
        head, tail = kept.get(r["from_id"]), kept.get(r["to_id"])
        if head is None or tail is None or rng.random() < 0.04:
            continue
        if (head, tail) != allowed[r["type"]]:
            continue
        relations.append({"from_id": f"{name}:{r['from_id']}", "to_id": f"{name}:{r['to_id']}",
                          "type": r["type"], "annotator": name})
    return spans, relations


def layers_file(folder: Path) -> Path:
    """The corpus with three annotators' layers, as one native JSONL file (cached)."""
    target = CACHE / "agreement-10k.jsonl"
    if target.exists():
        return target
    from akkord.resources import default_schema_text

    rngs = {name: random.Random(f"2022-{name}") for name in ANNOTATORS}
    entities: dict[str, tuple[str, str]] = {}
    docs = []
    with (folder / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            out = {"id": doc["id"], "text": doc["text"], "meta": doc["meta"], "spans": [],
                   "relations": [], "states": dict.fromkeys(ANNOTATORS, "done")}
            for name in ANNOTATORS:
                spans, relations = _layer(doc, name, rngs[name], entities)
                out["spans"] += spans
                out["relations"] += relations
            docs.append(out)
    temp = target.with_suffix(".building")
    with temp.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"type": "akkord", "version": 1, "schema": default_schema_text(),
                                 "annotators": list(ANNOTATORS)}, ensure_ascii=False) + "\n")
        for key, (kind, name) in sorted(entities.items()):
            handle.write(json.dumps({"type": "entity", "key": key, "kind": kind, "name": name},
                                    ensure_ascii=False) + "\n")
        for doc in docs:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
    temp.replace(target)
    return target


def project_path() -> Path:
    from akkord.services.importing import ImportOptions, import_paths
    from akkord.store import open_project

    target = CACHE / "agreement-10k.akkord"
    if target.exists():
        return target
    source = layers_file(corpus(N, long_doc=False))
    building = target.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    with open_project(building, create=True) as project:
        result = import_paths(project, [source], ImportOptions(all_or_nothing=True,
                                                               suggest_times=False))
        if result.problems:
            raise SystemExit(f"the agreement benchmark project does not import: "
                             f"{result.problems[:3]}")
    building.replace(target)
    return target


def floor_seconds(path: Path) -> float:
    """Reading the rows agreement works from, with nothing done to them."""
    import sqlite3

    with Timer() as timer:
        conn = sqlite3.connect(path)
        try:
            conn.execute("SELECT annotator_id, document_id, start, \"end\", label, entity_id, "
                         "id FROM mentions").fetchall()
            conn.execute("SELECT annotator_id, head_id, tail_id, type, id FROM relations"
                         ).fetchall()
            conn.execute("SELECT id, text FROM documents").fetchall()
        finally:
            conn.close()
    return timer.seconds


@benchmark("agreement")
def agreement_benchmark() -> None:
    from akkord.services.agreement import AgreementOptions, agreement
    from akkord.store import open_project

    path = project_path()
    floor = floor_seconds(path)
    report("agreement_floor_s", floor, "s")
    with open_project(path) as project:
        project.schema  # noqa: B018 (read once, outside the timing)
        with Timer() as timer:
            result = agreement(project, AgreementOptions())
        report("agreement_3x10k_s", timer.seconds, "s")
        report("agreement_vs_floor", timer.seconds / floor, "x")
        report("agreement_rows", len(result.rows), "rows")
        report("agreement_peak_mb", peak_rss_mb(), "MB")
        with Timer() as timer:
            agreement(project, AgreementOptions(by_document=True))
        report("agreement_3x10k_by_document_s", timer.seconds, "s")
