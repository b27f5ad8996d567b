"""Norwegian temporal expressions → partial dates, relative to the document's date.

``tag(text, dct)`` finds time expressions in Bokmål (and common Nynorsk) news text —
"12. januar", "kommende fredag", "i slutten av neste uke", "oktober i fjor",
"sommeren 2019", "om to uker" — and places each on the calendar as a
:class:`~akkord.domain.dates.PartialDate`, relative to the publication date ``dct``.

Modules: :mod:`.lexicon` (the words), :mod:`.tagger` (finding), :mod:`.tense` (which way a
sentence points), :mod:`.resolve` (placing, with the conventions for weeks, seasons and
underspecified dates), :mod:`.specs` (what an expression says before it is placed).
Pure Python: no Qt, no database.
"""

from akkord.timex.model import TimeExpression
from akkord.timex.resolve import needs_dct, resolve
from akkord.timex.specs import Direction, Spec
from akkord.timex.tagger import Mention, find, tag

__all__ = ["Direction", "Mention", "Spec", "TimeExpression", "find", "needs_dct", "resolve",
           "tag"]
