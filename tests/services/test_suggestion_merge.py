"""Merging suggesters' proposals: the fast merge keeps exactly what the obvious one does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from akkord.services.suggesting import Suggestion
from akkord.services.suggesting.pipeline import merge

spans = st.builds(lambda s, n, label: Suggestion(s, s + n, label, "alias"),
                  st.integers(0, 60), st.integers(1, 12), st.sampled_from(["ACTOR", "PLACE"]))


def obvious(*groups: list[Suggestion]) -> list[Suggestion]:
    kept: list[Suggestion] = []
    for group in groups:
        for s in group:
            if not any(k.label == s.label and s.start < k.end and k.start < s.end
                       for k in kept):
                kept.append(s)
    return sorted(kept, key=lambda s: (s.start, -s.end, s.label))


@given(st.lists(spans, max_size=25), st.lists(spans, max_size=25))
def test_merge_keeps_earlier_groups_and_drops_overlaps(first: list[Suggestion],
                                                       second: list[Suggestion]) -> None:
    assert merge(first, second) == obvious(first, second)
