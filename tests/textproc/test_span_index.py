"""SpanIndex against a brute-force model: overlapping and nested spans, every operation.

The index answers the text view's "what is on screen" and "which row is this bar on"; a
defect here froze the window (removing a span that overlapped another looped forever).
Each operation's work is bounded by counting the probes it makes (never by wall time):
a cluster walk may probe at most once per span plus once to see that nothing changed.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from akkord.textproc.spans import SpanIndex

TEXT_LENGTH = 60


class CountingIndex(SpanIndex):
    """The real index, counting the range probes its operations make."""

    probes = 0

    def overlapping(self, start: int, end: int) -> list[int]:
        self.probes += 1
        if self.probes > 10 * (len(self) + 2):  # a loop that never ends: stop it here
            raise AssertionError(f"more than {self.probes} probes for {len(self)} spans")
        return super().overlapping(start, end)


def model_levels(spans: dict[int, tuple[int, int]]) -> dict[int, int]:
    """Greedy interval colouring over every span, outer spans first (the documented rule)."""
    ends: list[int] = []
    levels = {}
    for key, (start, end) in sorted(spans.items(), key=lambda kv: (kv[1][0], -kv[1][1], kv[0])):
        level = next((i for i, e in enumerate(ends) if e <= start), len(ends))
        if level == len(ends):
            ends.append(end)
        ends[level] = end
        levels[key] = level
    return levels


def model_overlapping(spans: dict[int, tuple[int, int]], start: int, end: int) -> set[int]:
    return {k for k, (s, e) in spans.items()
            if e > start and (s < end or (end == start and s <= start))}


def test_removing_a_span_that_overlaps_another_returns() -> None:
    index = CountingIndex([(0, 10, 1), (5, 15, 2)])
    index.remove(1)  # looped forever before: the probe range never changed
    assert index.keys() == [2] and index.level(2) == 0
    assert index.probes <= len(index) + 2


def test_deleting_the_outer_of_nested_spans_relevels_the_inner() -> None:
    index = SpanIndex([(0, 10, 1), (2, 5, 2)])
    assert (index.level(1), index.level(2)) == (0, 1)
    index.remove(1)
    assert index.level(2) == 0 and index.overlapping(0, 10) == [2]


spans_strategy = st.tuples(st.integers(0, TEXT_LENGTH - 1), st.integers(1, 20)).map(
    lambda p: (p[0], min(TEXT_LENGTH, p[0] + p[1])))


class SpanIndexMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.index = CountingIndex()
        self.model: dict[int, tuple[int, int]] = {}
        self.next_key = 1

    def _bounded(self, operation: str) -> None:
        limit = len(self.index) + len(self.model) + 3
        assert self.index.probes <= limit, f"{operation}: {self.index.probes} probes"
        self.index.probes = 0

    @rule(span=spans_strategy)
    def add(self, span: tuple[int, int]) -> None:
        key, self.next_key = self.next_key, self.next_key + 1
        self.index.probes = 0
        self.index.add(*span, key)
        self.model[key] = span
        self._bounded("add")

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.model)))
        self.index.probes = 0
        self.index.remove(key)
        del self.model[key]
        self._bounded("remove")

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data(), span=spans_strategy)
    def move(self, data: st.DataObject, span: tuple[int, int]) -> None:
        key = data.draw(st.sampled_from(sorted(self.model)))
        self.index.probes = 0
        self.index.move(key, *span)
        self.model[key] = span
        self._bounded("move")

    @rule(start=st.integers(0, TEXT_LENGTH), length=st.integers(0, 15))
    def query(self, start: int, length: int) -> None:
        end = min(TEXT_LENGTH, start + length)
        self.index.probes = 0
        assert set(self.index.overlapping(start, end)) == model_overlapping(
            self.model, start, end)
        found = self.index.at(start)
        assert set(found) == model_overlapping(self.model, start, start + 1)
        widths = [self.model[k][1] - self.model[k][0] for k in found]
        assert widths == sorted(widths)  # innermost first

    @invariant()
    def agrees_with_the_model(self) -> None:
        assert len(self.index) == len(self.model)
        assert set(self.index.keys()) == set(self.model)
        for key, span in self.model.items():
            assert self.index.span(key) == span
        levels = model_levels(self.model)
        assert {k: self.index.level(k) for k in self.model} == levels
        assert self.index.max_level == max(levels.values(), default=0)
        in_text_order = self.index.keys()
        starts = [self.index.span(k)[0] for k in in_text_order]
        assert starts == sorted(starts)


SpanIndexMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=40,
                                              deadline=None)
TestSpanIndex = SpanIndexMachine.TestCase


@given(st.lists(spans_strategy, max_size=30))
def test_a_built_index_has_the_model_levels(spans: list[tuple[int, int]]) -> None:
    model = dict(enumerate(spans, start=1))
    index = SpanIndex((s, e, k) for k, (s, e) in model.items())
    assert {k: index.level(k) for k in model} == model_levels(model)
