"""Canonical entities: attribute values, keys, and how surface forms match names.

Rules that belong to the domain, not to storage or the GUI:

* A :class:`Value` is one typed attribute value; a multi-valued attribute (a meeting's
  participants) is a list of them. References and evidence are database ids here.
* An entity's ``key`` is a stable, readable identifier (``actor/jens-stoltenberg``) used in
  exports and as spaCy's ``kb_id_``; :func:`entity_key` makes one from a name.
* Norwegian genitives (``Natos``, ``Russlands``, ``Stoltenbergs``) and inflected forms
  should find the entity: :func:`match_forms` gives the folded forms to look up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from akkord.domain.dates import PartialDate

_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a",
                                "ß": "ss", "đ": "d", "ł": "l"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Value:
    """One typed attribute value; exactly one of text/flag/number/date/ref is set."""

    text: str | None = None
    flag: bool | None = None
    number: float | None = None
    date: PartialDate | None = None
    ref: int | None = None  # entity id
    role: str | None = None
    preferred: bool = True
    evidence: int | None = None  # id of the mention that states the value

    def plain(self) -> object:
        for value in (self.text, self.flag, self.number, self.ref):
            if value is not None:
                return value
        return self.date.value if self.date else None


def slug(text: str) -> str:
    """ASCII slug of a name: ``Nato–Russland-rådet`` → ``nato-russland-radet``."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_SLUG.sub("-", ascii_text).strip("-") or "entity"


def entity_key(kind: str, name: str, taken: set[str]) -> str:
    """A new unique key ``kind/slug`` (``-2``, ``-3`` … when taken)."""
    base = f"{kind}/{slug(name)}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def fold(text: str) -> str:
    """The form names and aliases are compared in: case-folded, spaces collapsed."""
    return " ".join(text.casefold().split())


def match_forms(surface: str) -> list[str]:
    """Folded forms under which ``surface`` may be listed: itself, and without a genitive.

    ``Natos`` → ``natos``, ``nato``; ``Stoltenbergs`` → ``stoltenbergs``, ``stoltenberg``;
    ``USA's`` → ``usa's``, ``usa``. Only the last word carries the genitive.
    """
    folded = fold(surface)
    forms = [folded]
    for suffix in ("'s", "’s", "'", "s"):
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 2:
            forms.append(folded[: -len(suffix)])
            break
    return forms


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))
