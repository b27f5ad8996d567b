"""Words that stand for a state: "russerne", "Washington", "Kreml" (Russia, the USA).

The facts ship in ``resources/lexicon/metonyms.toml`` (a state's people in the plural,
its capital, the seat of its government) and are read once, on the first look-up. The
link picker (:func:`akkord.services.linking.rank_candidates`) asks :func:`state_of` only
for the kinds the file lists (actors: "Moskva" as a PLACE is the city) and uses the
answer only for an entity the project already has under that name or alias; nothing
here creates an entity or proposes a mention.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from akkord.resources import resource_path
from akkord.textproc.lemmas import fold, genitive_base


@dataclass(frozen=True, slots=True)
class Metonyms:
    kinds: frozenset[str]
    states: dict[str, str]  # a folded word → the state's name as written


@cache
def metonyms() -> Metonyms:
    """The shipped table (read once)."""
    raw = tomllib.loads(resource_path("lexicon", "metonyms.toml").read_text(encoding="utf-8"))
    states = {fold(word): state for state, found in raw.get("states", {}).items()
              for word in found}
    return Metonyms(frozenset(raw.get("kinds", ())), states)


def state_of(kind: str, text: str) -> str | None:
    """The state ``text`` stands for when an entity of ``kind`` is meant ("russerne",
    "Washingtons" → ``"Russland"``, ``"USA"``); ``None`` for another kind or word."""
    table = metonyms()
    if kind not in table.kinds:
        return None
    folded = fold(text)
    found = table.states.get(folded)
    base = genitive_base(folded)
    if found is None and base is not None:
        found = table.states.get(base)
    return found
