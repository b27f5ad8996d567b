"""The seeds' article layout."""

from __future__ import annotations

from akkord.formats.article_txt import parse_article, read_article
from tests.conftest import SEEDS, needs_shared

ARTICLE = (
    " date 2022-01-26 SVAR: Dokumentene ble levert i Moskva onsdag.\n\n"
    "USA og Nato svarte skriftlig på Russlands krav\n\n"
    "Svarene avviser kravet om stans i utvidelsen.\n\n"
    "Av Ola Nordmann\n\n"
    "Publisert: 26. januar 2022\n\n"
    "Ambassadøren leverte svaret personlig.\n\n"
    "Ingen veto\n\n"
    "DIPLOMAT: Ambassadøren i Moskva.\n\n"
    "– Vi står fast, sa en kilde.\n"
)


def _parts(text: str) -> list[tuple[str, str]]:
    article = parse_article(text)
    return [(p.kind, text[p.start:p.end]) for p in article.parts]


def test_layout_parts_and_fields() -> None:
    article = parse_article(ARTICLE)
    assert article.date is not None and article.date.value == "2022-01-26"
    assert article.title == "USA og Nato svarte skriftlig på Russlands krav"
    assert article.meta == {
        "caption": "SVAR: Dokumentene ble levert i Moskva onsdag.",
        "lead": "Svarene avviser kravet om stans i utvidelsen.",
        "byline": "Ola Nordmann", "published": "26. januar 2022"}
    assert _parts(ARTICLE) == [
        ("dateline", "date 2022-01-26"),
        ("caption", "SVAR: Dokumentene ble levert i Moskva onsdag."),
        ("title", "USA og Nato svarte skriftlig på Russlands krav"),
        ("lead", "Svarene avviser kravet om stans i utvidelsen."),
        ("byline", "Av Ola Nordmann"),
        ("published", "Publisert: 26. januar 2022"),
        ("paragraph", "Ambassadøren leverte svaret personlig."),
        ("heading", "Ingen veto"),
        ("caption", "DIPLOMAT: Ambassadøren i Moskva."),
        ("paragraph", "– Vi står fast, sa en kilde."),
    ]


def test_plain_text_without_header() -> None:
    article = parse_article("En kort tittel\n\nOg en tekst.", fallback_title="fil")
    assert article.date is None and article.title == "En kort tittel"
    long_line = "ord " * 80
    assert parse_article(long_line, fallback_title="fil").title == "fil"


def test_seeds() -> None:
    seeds = sorted(needs_shared(SEEDS).glob("*.txt"))
    articles = [read_article(p) for p in seeds]
    assert [a.date.value for a in articles if a.date] == ["2022-01", "2022-01"]
    for article in articles:
        kinds = [p.kind for p in article.parts]
        assert kinds[:6] == ["dateline", "caption", "title", "lead", "byline", "published"]
        assert kinds.count("heading") >= 3
        for part in article.parts:
            assert article.text[part.start:part.end].strip() == article.text[part.start:part.end]
