"""The link picker's ranking skips forms that cannot match (``Query.may_match``), and
scores only the entries its catalogue's index selects (``Catalogue.select``): neither
may ever skip one that :func:`_form_score` would score above 0, whatever the names and
what is typed (genitives, compounds, hyphens, accents, initials, descriptions, letters
being typed). Private functions are tested here because the check is exactly that
relation between them."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from akkord.services.link_catalogue import Catalogue
from akkord.services.link_forms import form_of, query_of
from akkord.services.linking import _form_score, _score

WORDS = ["Nato", "Natos", "Russland", "Russlands", "russerne", "Jens", "Stoltenberg",
         "Stoltenbergs", "alliansen", "alliansens", "forsvarsalliansen", "møtet", "møter",
         "Nato-landene", "landet", "nabolandet", "medlemslandene", "land", "Genève",
         "Geneve", "OSSE", "OSSEs", "Organisasjonen", "for", "sikkerhet", "og", "samarbeid",
         "i", "Europa", "generalsekretær", "utenriksminister", "utenriksministeren",
         "Lavrov", "Sergej", "USA", "USAs", "Det", "hvite", "hus", "krav", "kravene",
         "Nato–Russland-rådet", "rådet", "samtalene", "den", "russiske", "Blinken"]

phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
typed = st.builds(lambda text, cut: text[:cut], phrases, st.integers(1, 40))


@settings(max_examples=1500, deadline=None)
# One of each tier that only one part of the test lets through: accents, a compound's
# head, a compound's last part, initials both ways.
@example(name="Genève", is_name=True, query="Geneve", whole=True)
@example(name="Nato", is_name=True, query="Nato-landene", whole=True)
@example(name="landet", is_name=False, query="nabolandet", whole=True)
@example(name="OSSE", is_name=True, whole=True,
         query="Organisasjonen for sikkerhet og samarbeid i Europa")
@example(name="Organisasjonen for sikkerhet og samarbeid i Europa", is_name=True,
         query="OSSE", whole=False)
@given(name=phrases, is_name=st.booleans(), query=st.one_of(phrases, typed),
       whole=st.booleans())
def test_a_form_that_can_score_is_never_skipped(name: str, is_name: bool, query: str,
                                                whole: bool) -> None:
    parsed = query_of(query, whole)
    if not parsed.words:
        return
    form = form_of(name, is_name)
    if _form_score(form, parsed) > 0:
        assert parsed.may_match(form), (name, query)


def test_most_forms_are_skipped() -> None:
    """The point of the test: a name with nothing in common is not scored."""
    assert not query_of("Lavrov").may_match(form_of("Jens Stoltenberg", True))
    assert query_of("Stolt").may_match(form_of("Jens Stoltenberg", True))
    assert query_of("Natos generalsekretær").may_match(form_of("Nato", True))


# A catalogue: a few entities, each a name and up to two aliases.
catalogues = st.lists(st.tuples(phrases, st.lists(phrases, max_size=2)), min_size=1,
                      max_size=6)


def catalogue_of(entities: list[tuple[str, list[str]]]) -> Catalogue:
    names = [(n, name) for n, (name, _) in enumerate(entities)]
    aliases = [(n, alias) for n, (_, found) in enumerate(entities) for alias in found]
    return Catalogue.of("actor", names, aliases)


@settings(max_examples=800, deadline=None)
@example(entities=[("Genève", [])], query="Geneve", whole=True)
@example(entities=[("Nato", ["alliansen"])], query="Nato-landene", whole=True)
@example(entities=[("Nato", ["landet"])], query="nabolandet", whole=True)
@example(entities=[("OSSE", [])], whole=True,
         query="Organisasjonen for sikkerhet og samarbeid i Europa")
@example(entities=[("Organisasjonen for sikkerhet og samarbeid i Europa", [])],
         query="OSSE", whole=False)
@example(entities=[("Jens Stoltenberg", []), ("Nato", [])], query="St", whole=False)
@example(entities=[("Jens Stoltenberg", []), ("Nato", [])], query="olt", whole=False)
@example(entities=[("Nato", []), ("Russland", [])], query="R", whole=False)
@given(entities=catalogues, query=st.one_of(phrases, typed), whole=st.booleans())
def test_the_index_selects_every_entry_that_can_score(
        entities: list[tuple[str, list[str]]], query: str, whole: bool) -> None:
    parsed = query_of(query, whole)
    if not parsed.words:
        return
    catalogue = catalogue_of(entities)
    chosen = catalogue.select(parsed)
    for position, entry in enumerate(catalogue.entries):
        if _score(entry, parsed)[0] > 0:
            assert position in chosen, (entry.name, query)


def test_the_index_leaves_out_what_cannot_match() -> None:
    """The point of the index: a key scores the entities that share something with it."""
    catalogue = catalogue_of([("Jens Stoltenberg", ["Natos generalsekretær"]),
                              ("Sergej Lavrov", []), ("Russland", ["Moskva"])])
    assert catalogue.select(query_of("Lavrov")) == {1}
    assert catalogue.select(query_of("S")) == {1}  # a name's start, not a later word
    assert catalogue.select(query_of("sk")) == set()
    assert catalogue.select(query_of("osk")) == {2}  # letters inside, from three on
    assert catalogue.select(query_of("Natos")) == {0}
