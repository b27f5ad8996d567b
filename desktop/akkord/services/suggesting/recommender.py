"""A recommender trained on the project's own annotations: a CRF sequence tagger.

Why a CRF (``python-crfsuite``) and not spaCy's ``ner``: on NorNE Bokmål with only its
dev part to learn from (2,400 sentences, the size of a project after some weeks), spaCy's
default config reaches F1 0.47–0.50; a CRF with the features of
:mod:`~akkord.services.suggesting.features` reaches about 0.67 in a minute on one core
(``benchmarks/run.py suggest``). It needs no GPU, no download, and trains in a thread.

How it is used (the window runs it in a background thread; the CLI runs it inline):

1. :func:`training_examples` reads what the annotator made or accepted: documents they
   marked done, and of documents in progress the sentences up to the last one with a
   mention (the rest is not annotated yet and would teach the model that names are not
   names). Suggested and rejected mentions are not training data.
2. :meth:`Recommender.train` holds out every fifth sentence, trains, evaluates itself
   on them (precision, recall, F1 overall and per label), then trains again on all of
   them. It reports to a :class:`~akkord.services.progress.Progress` and stops at the
   next iteration when that is cancelled (raising ``Cancelled``; the previous model
   stays in use). Training again as the annotator works is cheap: call it when
   :meth:`Recommender.due` says enough new mentions have come in.
3. :meth:`Recommender.suggest` tags a document and returns suggestions with their score
   (the lowest marginal probability of the span's tags) and the gap to the runner-up
   label at its first token; only when the model's F1 passes the threshold (which the
   user sees and sets; :data:`DEFAULT_THRESHOLD`), and only for labels whose own F1
   passes it. Places the layer already has a mention of the label (or a rejected one)
   are left out by :func:`recommend`.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from akkord.errors import AkkordError
from akkord.services.progress import SILENT, Cancelled, Progress
from akkord.services.queries import chunks
from akkord.services.suggesting.features import (
    lower_words,
    sentence_features,
    sentences_of,
    tokens_of,
)
from akkord.services.suggesting.model import MODEL, Suggestion
from akkord.services.suggesting.preannotate import Occupied, document_mentions
from akkord.store.models import Document, DocumentState, Mention
from akkord.textproc.tokens import Tokenized, _cut, iob2, spans_from_iob

DEFAULT_THRESHOLD = 0.6
"""F1 on the held-out sentences that the model must reach before it suggests anything."""
THRESHOLD_SETTING = "suggest.threshold"
"""Project setting that stores the threshold the user chose."""

Span = tuple[int, int]


class NotTrained(AkkordError):
    """The recommender has nothing to learn from yet (the message says what it needs)."""


@dataclass(frozen=True, slots=True)
class Example:
    """One document's text and its annotated spans, up to ``limit`` (characters)."""

    text: str
    meta: Mapping[str, Any]
    spans: tuple[tuple[int, int, str], ...]
    limit: int | None = None  # only sentences ending before this offset are annotated


@dataclass(frozen=True, slots=True)
class LayerExamples:
    """A layer's training examples, read where they are used: the child process of
    :meth:`Recommender.train_in_process` opens the project and reads them itself, so the
    window's process does not hold its interpreter lock reading hundreds of documents
    while the annotator edits (that slowed every key by tens of milliseconds)."""

    url: str  # the project's database URL (sent through a pipe, never a command line)
    annotator_id: int
    max_documents: int | None = None

    def read(self) -> list[Example]:
        from akkord.store.project import open_project

        with open_project(self.url) as project, project.read() as session:
            return training_examples(session, self.annotator_id,
                                     max_documents=self.max_documents)


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int = 0


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How the model did on the held-out sentences."""

    overall: Scores
    labels: dict[str, Scores]
    train_sentences: int
    test_sentences: int

    @property
    def f1(self) -> float:
        return self.overall.f1


@dataclass(slots=True)
class Settings:
    threshold: float = DEFAULT_THRESHOLD
    c1: float = 0.1
    c2: float = 0.01
    max_iterations: int = 150
    held_out_every: int = 5  # every n-th sentence is held out for the evaluation
    min_sentences: int = 10
    retrain_every: int = 25  # new mentions that make :meth:`Recommender.due` true


def score_spans(gold: Iterable[tuple[Any, int, int, str]],
                predicted: Iterable[tuple[Any, int, int, str]]) -> tuple[Scores, dict[str, Scores]]:
    """Exact-match precision, recall and F1 of ``(where, start, end, label)`` spans
    (as seqeval counts entities), overall and per label."""
    gold_set, pred_set = set(gold), set(predicted)
    labels = {g[3] for g in gold_set} | {p[3] for p in pred_set}

    def scores(g: set[Any], p: set[Any]) -> Scores:
        hit = len(g & p)
        precision = hit / len(p) if p else 0.0
        recall = hit / len(g) if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hit else 0.0
        return Scores(round(precision, 4), round(recall, 4), round(f1, 4), len(g))

    per = {label: scores({g for g in gold_set if g[3] == label},
                         {p for p in pred_set if p[3] == label}) for label in sorted(labels)}
    return scores(gold_set, pred_set), per


@dataclass(slots=True)
class _Sentence:
    features: list[list[str]]
    tags: list[str]
    key: tuple[int, int]  # (example, sentence) for the evaluation


def _non_overlapping(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Longest first (spaCy's ``filter_spans`` rule): one tag per token."""
    taken: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(span[1] <= t[0] or t[1] <= span[0] for t in taken):
            taken.append(span)
    return sorted(taken)


def _sentences(index: int, example: Example) -> list[_Sentence]:
    spans = _non_overlapping(example.spans)
    points = sorted({p for s, e, _ in spans for p in (s, e)})
    tokens, _ = _cut(tokens_of(example.text, example.meta), points)
    tokenized = Tokenized(tokens, sentences_of(example.text, example.meta, tokens,
                                               [(s, e) for s, e, _ in spans]))
    tags = iob2(tokenized, spans)
    lowered = lower_words(example.text)
    out = []
    for n, (first, last) in enumerate(tokenized.sentences):
        if first == last:
            continue
        if example.limit is not None and tokens[last - 1][1] > example.limit:
            break
        words = [example.text[s:e] for s, e in tokens[first:last]]
        out.append(_Sentence(sentence_features(words, lowered), tags[first:last], (index, n)))
    return out


class Recommender:
    """A CRF tagger over the project's labels; see the module docstring."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.evaluation: Evaluation | None = None
        self.trained_on = 0  # mentions in the examples of the last training
        self._dir = tempfile.TemporaryDirectory(prefix="akkord-recommender-")
        self._model: Path | None = None
        self._generation = 0
        self._lock = threading.Lock()

    # -- state ----------
    @property
    def trained(self) -> bool:
        return self._model is not None

    @property
    def active_labels(self) -> frozenset[str]:
        """Labels the model may suggest: its F1 and the label's own pass the threshold."""
        ev = self.evaluation
        if ev is None or self._model is None or ev.f1 < self.settings.threshold:
            return frozenset()
        return frozenset(label for label, s in ev.labels.items()
                         if s.f1 >= self.settings.threshold)

    def due(self, mentions: int) -> bool:
        """Whether the layer's ``mentions`` (made or accepted) call for training again."""
        return (not self.trained
                or mentions - self.trained_on >= self.settings.retrain_every)

    # -- training ----------
    def train(self, examples: Sequence[Example], progress: Progress = SILENT) -> Evaluation:
        """Evaluate on held-out sentences, then train on all; see the module docstring."""
        sentences = [s for i, ex in enumerate(examples) for s in _sentences(i, ex)]
        if len(sentences) < self.settings.min_sentences or not any(
                t != "O" for s in sentences for t in s.tags):
            raise NotTrained(f"the recommender needs at least {self.settings.min_sentences} "
                             "annotated sentences with mentions; it has "
                             f"{len(sentences)}")
        every = self.settings.held_out_every
        train = [s for k, s in enumerate(sentences) if k % every != every - 1]
        test = [s for k, s in enumerate(sentences) if k % every == every - 1]
        iterations = self.settings.max_iterations
        progress.start(2 * iterations, "training the recommender")
        try:
            held_out = self._fit(train, progress, "held_out")
            evaluation = self._evaluate(held_out, test, len(train))
            final = self._fit(sentences, progress, "model")
        finally:
            progress.finish()
        with self._lock:
            self._model, self.evaluation = final, evaluation
            self.trained_on = sum(len(ex.spans) for ex in examples)
        return evaluation

    def train_in_process(self, examples: Sequence[Example] | LayerExamples,
                         progress: Progress = SILENT) -> Evaluation:
        """:meth:`train` in a child process: CRFsuite holds the interpreter's lock for a
        whole L-BFGS iteration (tens of milliseconds on a real project), so a window that
        trained in a thread would stutter. The child (a fresh interpreter running
        :func:`_child_main`, which never imports the caller's ``__main__``) reports each
        iteration; cancelling ends it at once (it writes nothing but its model file, so
        nothing is left half-done). Raises :class:`NotTrained`, ``Cancelled`` or
        :class:`AkkordError`."""
        self._generation += 1
        target = Path(self._dir.name) / f"child-{self._generation}.crfsuite"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        child = subprocess.Popen(
            [sys.executable, "-c", "from akkord.services.suggesting.recommender import "
             "_child_main; _child_main()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=env)
        messages: queue.Queue[tuple[Any, ...]] = queue.Queue()
        reader = threading.Thread(target=_read_messages, args=(child.stdout, messages),
                                  daemon=True)
        reader.start()
        try:
            assert child.stdin is not None
            with child.stdin:
                sent = examples if isinstance(examples, LayerExamples) else list(examples)
                pickle.dump((sent, self.settings, str(target)), child.stdin)
            while True:
                if progress.cancelled():
                    raise Cancelled("training the recommender")
                try:
                    kind, *rest = messages.get(timeout=0.1)
                except queue.Empty:
                    continue
                if kind == "start":
                    progress.start(rest[0], "training the recommender")
                elif kind == "advance":
                    progress.advance(rest[0])
                elif kind == "not-trained":
                    raise NotTrained(rest[0])
                elif kind == "done":
                    evaluation, trained_on = rest
                    with self._lock:
                        self._model, self.evaluation = target, evaluation
                        self.trained_on = trained_on
                    return evaluation  # type: ignore[no-any-return]
                else:
                    raise AkkordError(f"training the recommender failed: {rest[0]}")
        except BrokenPipeError:
            raise AkkordError("training the recommender stopped unexpectedly (exit status "
                              f"{child.poll()})") from None
        finally:
            progress.finish()
            if child.poll() is None:
                child.kill()
            child.wait()
            reader.join(5)

    def _fit(self, sentences: Sequence[_Sentence], progress: Progress, name: str) -> Path:
        import pycrfsuite

        class Trainer(pycrfsuite.Trainer):  # type: ignore[misc]
            """Reports each L-BFGS iteration; stops when the user cancels."""

            def on_iteration(self, log: str, info: dict[str, Any]) -> None:
                progress.advance()
                if progress.cancelled():
                    raise Cancelled("training the recommender")

            def on_start(self, log: str) -> None: ...
            def on_featgen_progress(self, log: str, percent: float) -> None: ...
            def on_featgen_end(self, log: str) -> None: ...
            def on_prepared(self, log: str) -> None: ...
            def on_prepare_error(self, log: str) -> None: ...
            def on_optimization_end(self, log: str) -> None: ...
            def on_end(self, log: str) -> None: ...

        trainer = Trainer(verbose=True)
        for sentence in sentences:
            trainer.append(sentence.features, sentence.tags)
        trainer.set_params({"c1": self.settings.c1, "c2": self.settings.c2,
                            "max_iterations": self.settings.max_iterations,
                            "feature.possible_transitions": True})
        self._generation += 1
        path = Path(self._dir.name) / f"{name}-{self._generation}.crfsuite"
        progress.check("training the recommender")
        trainer.train(str(path))
        return path

    @staticmethod
    def _evaluate(model: Path, test: Sequence[_Sentence], train_count: int) -> Evaluation:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        gold, predicted = [], []
        for sentence in test:
            tags = tagger.tag(sentence.features)
            gold += [(sentence.key, a, b, label) for a, b, label in spans_from_iob(sentence.tags)]
            predicted += [(sentence.key, a, b, label) for a, b, label in spans_from_iob(tags)]
        tagger.close()
        overall, labels = score_spans(gold, predicted)
        return Evaluation(overall, labels, train_count, len(test))

    # -- suggesting ----------
    def tag(self, text: str, meta: Mapping[str, Any] | None = None,
            labels: frozenset[str] | None = None) -> list[Suggestion]:
        """Spans the model finds in ``text`` (of ``labels``; default: every label),
        each with its score and gap. Raises :class:`NotTrained` before training."""
        import pycrfsuite

        with self._lock:
            model = self._model
        if model is None:
            raise NotTrained("the recommender has not been trained yet")
        meta = meta or {}
        tokens = tokens_of(text, meta)
        sentences = sentences_of(text, meta, tokens)
        lowered = lower_words(text)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        out: list[Suggestion] = []
        try:
            for first, last in sentences:
                if first == last:
                    continue
                words = [text[s:e] for s, e in tokens[first:last]]
                tagger.set(sentence_features(words, lowered))
                tags = tagger.tag()
                for a, b, label in spans_from_iob(tags):
                    if labels is not None and label not in labels:
                        continue
                    score = min(tagger.marginal(tags[k], k) for k in range(a, b))
                    others = [tagger.marginal(t, a) for t in tagger.labels() if t != tags[a]]
                    gap = tagger.marginal(tags[a], a) - max(others, default=0.0)
                    out.append(Suggestion(tokens[first + a][0], tokens[first + b - 1][1],
                                          label, MODEL, None, round(score, 4),
                                          round(gap, 4)))
        finally:
            tagger.close()
        return out

    def suggest(self, text: str, meta: Mapping[str, Any] | None = None) -> list[Suggestion]:
        """Like :meth:`tag`, but nothing unless the model passes the threshold, and only
        labels that pass it themselves."""
        active = self.active_labels
        return self.tag(text, meta, active) if active else []


class _Reporter(Progress):
    """Progress of the child process, sent to the parent (one message per iteration)."""

    def __init__(self, send: Callable[[tuple[Any, ...]], None]) -> None:
        self.send = send

    def start(self, total: int | None, description: str) -> None:
        self.send(("start", total))

    def advance(self, steps: int = 1) -> None:
        self.send(("advance", steps))


def _read_messages(pipe: IO[bytes] | None, messages: queue.Queue[tuple[Any, ...]]) -> None:
    """The parent's side: every message of the child, then ``("failed", …)`` when the
    child ended without saying it was done."""
    assert pipe is not None
    with pipe:
        while True:
            try:
                message = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError, OSError):
                messages.put(("failed", "the training process ended unexpectedly"))
                return
            messages.put(message)
            if message[0] in ("done", "not-trained", "failed"):
                return


BACKGROUND_NICENESS = 10  # how much lower the training process's priority is


def _child_main() -> None:
    """The child process of :meth:`Recommender.train_in_process`: reads the examples
    from stdin, trains, copies its model to the target, writes messages to stdout (what
    CRFsuite or anything else prints goes to stderr)."""
    import shutil

    if hasattr(os, "nice"):  # background work: the window the annotator types in goes first
        os.nice(BACKGROUND_NICENESS)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out)
        out.flush()

    examples, settings, target = pickle.load(sys.stdin.buffer)
    recommender = Recommender(settings)
    try:
        if isinstance(examples, LayerExamples):
            examples = examples.read()
        evaluation = recommender.train(examples, _Reporter(send))
        assert recommender._model is not None
        shutil.copyfile(recommender._model, target)
    except NotTrained as exc:
        send(("not-trained", str(exc)))
    except Exception as exc:  # reported to the parent, which says so
        send(("failed", f"{type(exc).__name__}: {exc}"))
    else:
        send(("done", evaluation, recommender.trained_on))


# -- the project --------------------------------------------------------------------------

TRAINING_STATUSES = ("manual", "accepted")


def training_examples(session: Session, annotator_id: int,
                      labels: Iterable[str] | None = None,
                      max_documents: int | None = None) -> list[Example]:
    """What the annotator made or accepted, as examples (see the module docstring); with
    ``max_documents``, only that many of the latest documents (by id), so training in a
    window on a layer of thousands of imported documents stays a matter of minutes."""
    wanted = set(labels) if labels is not None else None
    done = set(session.scalars(select(DocumentState.document_id).where(
        DocumentState.annotator_id == annotator_id, DocumentState.status == "done")))
    annotated = set(session.scalars(select(Mention.document_id).where(
        Mention.annotator_id == annotator_id,
        Mention.status.in_(TRAINING_STATUSES)).distinct()))
    chosen = sorted(done | annotated)
    if max_documents is not None:
        chosen = chosen[-max_documents:]
    spans: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for chunk in chunks(chosen):
        for doc, start, end, label in session.execute(
                select(Mention.document_id, Mention.start, Mention.end, Mention.label).where(
                    Mention.annotator_id == annotator_id, Mention.document_id.in_(chunk),
                    Mention.status.in_(TRAINING_STATUSES))):
            if wanted is None or label in wanted:
                spans[doc].append((start, end, label))
    examples = []
    for doc_id in chosen:
        row = session.execute(select(Document.text, Document.meta).where(
            Document.id == doc_id)).first()
        if row is None:
            continue
        found = spans.get(doc_id, [])
        if doc_id not in done and not found:
            continue  # only mentions of labels not wanted
        limit = None if doc_id in done else _end_of_sentence(row.text, max(e for _, e, _ in found))
        examples.append(Example(row.text, dict(row.meta or {}), tuple(found), limit))
    return examples


def _end_of_sentence(text: str, offset: int) -> int:
    """The end of the line or sentence that contains ``offset``."""
    ends = [i for i in (text.find("\n", offset), *(text.find(p, offset) for p in [".", "!", "?"]))
            if i >= 0]
    return min(ends) + 1 if ends else len(text)


def annotated_count(session: Session, annotator_id: int) -> int:
    """How many mentions the layer has that the recommender learns from."""
    return session.scalar(select(func.count()).select_from(Mention).where(
        Mention.annotator_id == annotator_id, Mention.status.in_(TRAINING_STATUSES))) or 0


def recommend(session: Session, recommender: Recommender, annotator_id: int,
              document_id: int) -> list[Suggestion]:
    """The recommender's suggestions for one document, minus places the layer already
    has a mention of the label (made, suggested, accepted or rejected)."""
    row = session.execute(select(Document.text, Document.meta).where(
        Document.id == document_id)).first()
    if row is None:
        return []
    occupied = Occupied(len(row.text), document_mentions(session, annotator_id, document_id))
    return [s for s in recommender.suggest(row.text, dict(row.meta or {}))
            if not occupied.blocks(s.start, s.end, s.label)]


def label_counts(examples: Iterable[Example]) -> Counter[str]:
    return Counter(label for ex in examples for _, _, label in ex.spans)


__all__ = ["DEFAULT_THRESHOLD", "Evaluation", "Example", "NotTrained", "Recommender",
           "Scores", "Settings", "annotated_count", "label_counts", "recommend",
           "score_spans", "training_examples"]
