"""Suggestions: the recommender on NorNE, pre-annotating the long document, the effort.

``suggest`` imports NorNE Bokmål dev (``../shared/data/norne``) into a fresh project as
the gold layer, marks it done, trains the recommender through the same service the
window uses (:func:`training_examples` → :meth:`Recommender.train`) and tags NorNE test
with it (its own tokens, as NorNE is evaluated). Figures: ``suggest_precision``,
``suggest_recall``, ``suggest_f1`` (exact span and label, every NorNE label, no
threshold), ``suggest_heldout_f1`` (what the model says of itself on its held-out
sentences: the figure the threshold is compared with), ``suggest_train_s`` (held-out
fit, evaluation and final fit). Then the pre-annotation figures below.

``preannotate`` builds the name matcher from the long benchmark document's own ACTOR and
PLACE forms (one entity per distinct form, as a project has after annotating it) and
pre-annotates the 180 KB document for an annotator with an empty layer:
``preannotate_long_doc_ms`` (median of 15 runs, each with a fresh matcher and the word
caches emptied: only the lemma table stays loaded, as in a running window; and the
fastest run, ``…_min_ms``, and the median CPU time of this process, ``…_cpu_ms``, since
the shared machine is noisy: waiting for a core is not work), ``preannotate_floor_ratio``
(that median over the median of one regex scan of the same text in the same runs),
``preannotate_build_ms`` (building the matcher), ``preannotate_matches`` and
``lemma_table_load_s`` (simplemma's Bokmål table, once per process).

``effort`` replays the demo's gold annotation in fresh projects, suggestions off and on,
through the window's annotation session (:func:`akkord.gui.effort_replay.replay`; its
docstring is the counting model): ``effort_actions_off``, ``effort_actions_on``,
``effort_ratio`` (and ``effort_mention_ratio`` / ``effort_relation_ratio``), what was
accepted, rejected, relinked, adjusted (a suggestion's extent moved, then accepted),
relabelled (a label key on its row in the review list, then the picker), made by hand,
the relations taken from suggestions, and
the picker's top-1 accuracy for entities (``picker_top1_seen_entity``) and forms
(``picker_top1_seen_form``) seen before. The picker's rows are reached with ↓ / ↑ or
by typing, whichever is fewer (the window's gestures); ``*_no_arrows``: typing only, the
headline figure of earlier rounds; ``effort_service_ratio``: the Qt-free counting model
(:func:`akkord.services.suggesting.effort.replay`), for comparison with earlier runs.
First, ``preannotate_demo_*``: pre-annotation of the demo for an empty layer with gold's
entities and aliases known. ``effort_why`` replays with suggestions on only and prints
where the actions went (per kind of work and label; relations by type and sentence
distance; proposals by type, reason and score), every rejected suggestion in its context,
every mention made by hand of an entity seen before, and every picker miss with its
reason: what to work on next.

``suggest_tally``: the tally of rejected forms and the clause models, read in the
10,000-article project for a layer with 2,000 rejections (see the function).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from common import HERE, Timer, benchmark, corpus, report, window_project

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from akkord.store.project import Project

NORNE = HERE.parent.parent / "shared" / "data" / "norne"


def _norne(name: str) -> Path:
    path = NORNE / f"no_bokmaal-ud-{name}.conllu"
    if not path.exists():
        raise SystemExit(f"cannot find {path}: NorNE lives in ../shared/data/norne")
    return path


@benchmark("suggest")
def suggest() -> None:
    from akkord.formats.conll import read_conll
    from akkord.formats.records import DocumentRecord
    from akkord.services.importing import ImportOptions, import_paths
    from akkord.services.suggesting.recommender import (
        Recommender,
        score_spans,
        training_examples,
    )
    from akkord.store import open_project
    from akkord.store.models import Document, DocumentState
    from akkord.store.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        with open_project(Path(tmp) / "norne.akkord", create=True) as project:
            import_paths(project, [_norne("dev")], ImportOptions(add_labels=True))
            with project.write() as session:
                gold = Project.annotator_id(session, "gold")
                for doc_id in session.query(Document.id).all():
                    session.add(DocumentState(document_id=doc_id[0], annotator_id=gold,
                                              status="done"))
            with project.read() as session:
                examples = training_examples(session, gold)
        recommender = Recommender()
        with Timer() as train:
            evaluation = recommender.train(examples)
        gold_spans, predicted = [], []
        for n, record in enumerate(read_conll(_norne("test"))):
            assert isinstance(record, DocumentRecord)
            gold_spans += [(n, s.start, s.end, s.label) for s in record.spans]
            predicted += [(n, s.start, s.end, s.label)
                          for s in recommender.tag(record.text, record.meta)]
        overall, _ = score_spans(gold_spans, predicted)
    report("suggest_precision", overall.precision, "")
    report("suggest_recall", overall.recall, "")
    report("suggest_f1", overall.f1, "")
    report("suggest_heldout_f1", evaluation.f1, "")
    report("suggest_train_s", train.seconds, "s")
    preannotate()


@benchmark("preannotate")
def preannotate() -> None:
    from akkord.services.suggesting.matcher import NameEntry, NameMatcher
    from akkord.services.suggesting.preannotate import KnownNames, suggest_known_names
    from akkord.textproc import lemmas

    line = (corpus() / "long.jsonl").read_text(encoding="utf-8").splitlines()[0]
    doc = json.loads(line)
    text: str = doc["text"]
    forms = sorted({(text[s["start"]:s["end"]], s["label"]) for s in doc["spans"]
                    if s["label"] in ("ACTOR", "PLACE")})
    entries = [NameEntry(i, label.lower(), form) for i, (form, label) in enumerate(forms)]
    cold = lemmas._simplemma.cache_info().currsize == 0  # not loaded by training before
    with Timer() as load:
        lemmas.warm_up()
    runs, cpu, builds, floors, found = [], [], [], [], 0
    for _ in range(15):
        for cached in (lemmas.lemma, lemmas.is_known, lemmas.word_key):
            cached.cache_clear()
        start = time.perf_counter()
        matcher = NameMatcher(entries)
        builds.append((time.perf_counter() - start) * 1000)
        known = KnownNames(matcher, {"actor": "ACTOR", "place": "PLACE"}, {})
        start, start_cpu = time.perf_counter(), time.process_time()
        found = len(suggest_known_names(known, text, None, []))
        runs.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        start = time.perf_counter()
        lemmas.words(text)  # the floor: one regex scan of the same text
        floors.append((time.perf_counter() - start) * 1000)
    report("preannotate_long_doc_ms", statistics.median(runs), "ms")
    report("preannotate_long_doc_min_ms", min(runs), "ms")
    report("preannotate_long_doc_cpu_ms", statistics.median(cpu), "ms")
    report("preannotate_floor_ratio", statistics.median(runs) / statistics.median(floors), "x")
    report("preannotate_build_ms", statistics.median(builds), "ms")
    report("preannotate_matches", found, "")
    if cold:
        report("lemma_table_load_s", load.seconds, "s")


@benchmark("preannotate_open")
def preannotate_open() -> None:
    """Opening the 180 KB document for the first time in a layer, in the project of
    10,000 articles that also holds it, through the window's session. The project gets
    one entity per distinct ACTOR and PLACE form of the long document (as after
    annotating it); its names, office holders and time expressions are then matched and
    written as pale suggestions: ``preannotate_open_long_doc_ms`` (CPU ``…_cpu_ms``), next
    to the same first opening with the time expressions only (``…_times_only_ms``), after
    a warm-up opening of another document; building the matcher of the project's names
    (``preannotate_matcher_10k_ms``)."""
    import shutil

    from sqlalchemy import func, insert, select

    from akkord.domain.entities import entity_key
    from akkord.gui.application import application
    from akkord.gui.session import AnnotationSession, SuggestionKinds
    from akkord.services.projects import open_project
    from akkord.store.models import Document, Entity

    application()
    line = (corpus() / "long.jsonl").read_text(encoding="utf-8").splitlines()[0]
    doc = json.loads(line)
    forms = sorted({(doc["text"][s["start"]:s["end"]], s["label"]) for s in doc["spans"]
                    if s["label"] in ("ACTOR", "PLACE")})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "window.akkord"
        shutil.copyfile(window_project(10_000), path)
        with open_project(path) as project:
            with project.write() as session:
                long_id = session.scalar(select(Document.id).order_by(
                    func.length(Document.text).desc()).limit(1))
                other = session.scalar(select(Document.id).order_by(Document.id).limit(1))
                taken: set[str] = set(session.scalars(select(Entity.key)))
                rows = []
                for form, label in forms:
                    kind = label.lower()
                    key = entity_key(kind, form, taken)
                    taken.add(key)
                    rows.append({"key": key, "kind": kind, "name": form, "version": 1})
                session.execute(insert(Entity), rows)
            assert long_id is not None and other is not None
            report("preannotate_project_entities", len(rows), "")
            warm = AnnotationSession(project, "bench-warm", suggest=True)
            warm.open_document(other)  # the lemma table, the time tagger's patterns
            figures: dict[str, tuple[float, float, int]] = {}
            for name, names in (("times_only", False), ("names", True)):
                layer = AnnotationSession(project, f"bench-{name}", suggest=True)
                layer.kinds = SuggestionKinds(names=names, occurrences=True, model=False)
                if names:
                    with Timer() as built:
                        layer.suggestions.known_names()
                    report("preannotate_matcher_10k_ms", built.seconds * 1000, "ms")
                start, cpu = time.perf_counter(), time.process_time()
                layer.open_document(long_id)
                wall = (time.perf_counter() - start) * 1000
                cpu_ms = (time.process_time() - cpu) * 1000
                document = layer.document
                figures[name] = (wall, cpu_ms, len(document.mentions) if document else 0)
    wall, cpu_ms, count = figures["names"]
    report("preannotate_open_long_doc_ms", wall, "ms")
    report("preannotate_open_long_doc_cpu_ms", cpu_ms, "ms")
    report("preannotate_open_long_doc_suggestions", count, "")
    report("preannotate_open_times_only_ms", figures["times_only"][0], "ms")
    report("preannotate_open_times_only_cpu_ms", figures["times_only"][1], "ms")
    report("preannotate_open_times_only_suggestions", figures["times_only"][2], "")


@benchmark("effort")
def effort() -> None:
    """The demo corpus annotated again from its gold, suggestions off and on, through the
    window's annotation session (:mod:`akkord.gui.effort_replay`)."""
    from akkord.gui.application import application
    from akkord.gui.effort_replay import replay as session_replay
    from akkord.services.demo import create_demo
    from akkord.services.suggesting.effort import gold_documents, replay
    from akkord.store import open_project

    application()  # the session's undo stack is a Qt object (offscreen)
    with tempfile.TemporaryDirectory() as tmp:
        demo, _ = create_demo(Path(tmp) / "demo.akkord")
        with open_project(demo) as project, project.write() as session:
            documents = gold_documents(session)
            _known_names_on_the_demo(project, session)
        results = {}
        for arrows in (True, False):
            for mode, enabled in (("off", False), ("on", True)):
                key = f"{mode}{'' if arrows else '_no_arrows'}"
                path = Path(tmp) / f"replay-{key}.akkord"
                with open_project(path, create=True) as project, Timer() as took:
                    results[key] = session_replay(project, documents, suggestions=enabled,
                                                  arrows=arrows)
                report(f"effort_replay_{key}_s", took.seconds, "s")
        services = {}
        for mode, enabled in (("off", False), ("on", True)):  # the counting model alone
            with open_project(Path(tmp) / f"service-{mode}.akkord", create=True) as project:
                services[mode] = replay(project, documents, suggestions=enabled)
    off, on = results["off"], results["on"]
    report("effort_actions_off", off.actions, "")
    report("effort_actions_on", on.actions, "")
    print(f"effort_ratio: {on.actions / off.actions:.3f} ", flush=True)  # the goal is 0.5
    report("effort_mention_ratio", on.mention_actions / off.mention_actions, "")
    report("effort_relation_ratio", on.relation_actions / off.relation_actions, "")
    report("effort_accepted", on.accepted, "")
    report("effort_rejected", on.rejected, "")
    report("effort_relinked", on.relinked, "")
    report("effort_adjusted", on.adjusted, "")
    report("effort_relabelled", on.relabelled, "")
    report("effort_by_hand_on", on.by_hand, "")
    report("effort_suggested_relations", on.suggested_relations, "")
    report("effort_rejected_relations", on.rejected_relations, "")
    report("picker_top1_seen_entity", 100 * on.picker_accuracy, "%")
    report("picker_top1_seen_form", 100 * on.form_accuracy, "%")
    report("picker_top1_seen_entity_off", 100 * off.picker_accuracy, "%")
    report("picker_top1_seen_form_off", 100 * off.form_accuracy, "%")
    report("picker_probes", on.picker_seen, "")
    typed_off, typed_on = results["off_no_arrows"], results["on_no_arrows"]
    report("effort_actions_off_no_arrows", typed_off.actions, "")
    report("effort_actions_on_no_arrows", typed_on.actions, "")
    print(f"effort_ratio_no_arrows: {typed_on.actions / typed_off.actions:.3f} ", flush=True)
    report("effort_service_ratio", services["on"].actions / services["off"].actions, "")


@benchmark("effort_why")
def effort_why() -> None:
    """Where the actions of the replay with suggestions on go (:class:`akkord.gui.
    effort_replay.Why`): actions per kind of work and label (``why_actions[…]``, with how
    many), and every picker miss for an entity seen before, with its reason."""
    from akkord.gui.application import application
    from akkord.gui.effort_replay import SessionReplay
    from akkord.services.demo import create_demo
    from akkord.services.suggesting.effort import gold_documents
    from akkord.store import open_project

    application()
    with tempfile.TemporaryDirectory() as tmp:
        demo, _ = create_demo(Path(tmp) / "demo.akkord")
        with open_project(demo) as project, project.write() as session:
            documents = gold_documents(session)
        with open_project(Path(tmp) / "why.akkord", create=True) as project:
            replay = SessionReplay(project, documents, suggestions=True)
            effort = replay.run()
    why = replay.why
    report("effort_actions_on", effort.actions, "")
    for key, actions in sorted(why.actions.items(), key=lambda kv: -kv[1]):
        if actions:
            print(f"  {actions:5d} actions  {why.counts[key]:4d}×  {key}")
    for key, count in sorted(why.counts.items(), key=lambda kv: -kv[1]):
        if not why.actions[key]:
            print(f"  {0:5d} actions  {count:4d}×  {key}")
    print("picker misses (entity seen before):")
    for key, count in why.miss_reasons.most_common():
        print(f"  {count:4d}  {key}")
    for line in why.misses:
        print(f"    {line}")


def _known_names_on_the_demo(project: Project, session: Session) -> None:
    """Pre-annotation of the demo for an empty layer, with the gold layer's entities and
    aliases known: how much of gold's ACTOR and PLACE mentions it finds, how precisely,
    and whether the entity is right (``preannotate_demo_*``: an upper bound, since a
    real project learns its aliases as it goes)."""
    from sqlalchemy import select

    from akkord.services.suggesting import load_matcher, preannotate
    from akkord.store.models import Document, Mention
    from akkord.store.project import Project

    gold = Project.annotator_id(session, "gold")
    empty = Project.annotator_id(session, "bench-empty")
    known = load_matcher(session, project.schema, gold)
    hits = linked = proposed = wanted = 0
    for doc_id in session.scalars(select(Document.id)):
        spans = {(m.start, m.end, m.label): m.entity_id for m in session.scalars(
            select(Mention).where(Mention.document_id == doc_id, Mention.annotator_id == gold))}
        wanted += sum(1 for place in spans if place[2] in ("ACTOR", "PLACE"))
        for suggestion in preannotate(session, known, empty, doc_id):
            proposed += 1
            place = (suggestion.start, suggestion.end, suggestion.label)
            if place in spans:
                hits += 1
                linked += spans[place] == suggestion.entity_id
    report("preannotate_demo_precision", hits / proposed, "")
    report("preannotate_demo_recall", hits / wanted, "")
    report("preannotate_demo_entity_right", linked / hits, "")


@benchmark("suggest_tally")
def suggest_tally() -> None:
    """What a document's first opening reads besides the names, in the project of 10,000
    articles, for the layer holding its mentions after 40,000 of them were linked to ten
    entities and 2,000 more made rejected name suggestions of those: the tally of rejected forms
    (``rejected_forms_10k_ms``, median of 5, and ``rejected_forms_blocked``), what a window
checks its kept tally against (``rejected_forms_signature_10k_ms``) and the clause
    models of its latest documents (``clause_models_10k_ms``)."""
    import shutil

    from sqlalchemy import func, insert, select, update

    from akkord.domain.entities import entity_key
    from akkord.services.projects import open_project
    from akkord.services.suggesting.clauses import clause_models
    from akkord.services.suggesting.rejections import rejected_forms, signature
    from akkord.store.models import Entity, Mention

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tally.akkord"
        shutil.copyfile(window_project(10_000), path)
        with open_project(path) as project:
            with project.write() as session:
                layer = session.scalar(select(Mention.annotator_id).group_by(
                    Mention.annotator_id).order_by(func.count().desc()).limit(1))
                taken: set[str] = set(session.scalars(select(Entity.key)))
                entities = []
                for n in range(10):
                    key = entity_key("actor", f"Aktør {n}", taken)
                    taken.add(key)
                    entities.append(session.scalar(insert(Entity).values(
                        key=key, kind="actor", name=f"Aktør {n}", version=1)
                        .returning(Entity.id)))
                ids = list(session.scalars(select(Mention.id).where(
                    Mention.annotator_id == layer).order_by(Mention.id).limit(42_000)))
                for n, entity in enumerate(entities):  # 40,000 kept, 2,000 rejected
                    session.execute(update(Mention).where(Mention.id.in_(ids[n:40_000:10]))
                                    .values(entity_id=entity))
                    session.execute(update(Mention).where(Mention.id.in_(ids[40_000 + n::10]))
                                    .values(entity_id=entity, status="rejected",
                                            origin="alias"))
            assert layer is not None
            tally, models, marks, blocked = [], [], [], 0
            for _ in range(5):
                with project.read() as session:
                    start = time.process_time()
                    blocked = len(rejected_forms(session, layer).keys)
                    tally.append((time.process_time() - start) * 1000)
                    start = time.process_time()
                    signature(session, layer)
                    marks.append((time.process_time() - start) * 1000)
                    start = time.process_time()
                    clause_models(session, layer)
                    models.append((time.process_time() - start) * 1000)
    report("rejected_forms_10k_ms", statistics.median(tally), "ms")
    report("rejected_forms_blocked", blocked, "")
    report("rejected_forms_signature_10k_ms", statistics.median(marks), "ms")
    report("clause_models_10k_ms", statistics.median(models), "ms")
