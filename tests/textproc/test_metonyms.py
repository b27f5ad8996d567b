"""The shipped facts of which words stand for a state."""

from __future__ import annotations

import pytest

from akkord.textproc.metonyms import metonyms, state_of


@pytest.mark.parametrize(("text", "state"), [
    ("russerne", "Russland"), ("Russerne", "Russland"), ("Washington", "USA"),
    ("Washingtons", "USA"), ("Kreml", "Russland"), ("Kyiv", "Ukraina"),
    ("Brussel", None), ("russiske myndigheter", None), ("landet", None)])
def test_a_word_that_stands_for_a_state(text: str, state: str | None) -> None:
    assert state_of("actor", text) == state


def test_only_for_the_kinds_the_table_lists() -> None:
    assert "actor" in metonyms().kinds
    assert state_of("place", "Moskva") is None  # the city
    assert state_of("meeting", "russerne") is None
