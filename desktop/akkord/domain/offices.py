"""Offices resolved by date: "Natos generalsekretær" is whoever held the office then.

An office is an entity (an actor of kind *office*, say) whose kind names, in the schema,
a dated reference attribute of holders (``[entities.actor] office = "holders"``, the
attribute ``many = true, dated = true``). Each holder value is a reference to a person
with the term as its date (an interval such as ``2014-10-01/2024-10-01``). A mention of
the office in an article is suggested as linked to the holder on the article's date.

The rule (:func:`holder_on`): the holder whose term contains the whole of the article's
date interval. An article dated only to the month of a change of office, or a holder
list with overlapping terms, gives no single holder: ``None``, and the mention stays
linked to the office itself. A holder without a term counts only when it is the only one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from akkord.domain.dates import PartialDate


@dataclass(frozen=True, slots=True)
class Term:
    """One holder of an office and when they held it (``None``: not known)."""

    holder: int  # entity id
    term: PartialDate | None


def holder_on(terms: Sequence[Term], when: PartialDate | None) -> int | None:
    """Who held the office on ``when`` (see the module docstring), or ``None``."""
    if len(terms) == 1 and terms[0].term is None:
        return terms[0].holder
    if when is None:
        return None
    holders = {t.holder for t in terms
               if t.term is not None and t.term.earliest <= when.earliest
               and when.latest <= t.term.latest}
    return holders.pop() if len(holders) == 1 else None
