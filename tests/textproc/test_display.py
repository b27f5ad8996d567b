"""The displayed text of the article view: long paragraphs broken, offsets kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from akkord.textproc.display import BREAK_EVERY, LONG_PARAGRAPH, DisplayText, paragraph_breaks


def utf16(text: str) -> list[str]:
    """The text as Qt counts it: one item per UTF-16 unit (an emoji is two)."""
    units: list[str] = []
    for char in text:
        units += [char, ""] if ord(char) >= 0x10000 else [char]
    return units


def test_an_ordinary_article_is_shown_as_it_is() -> None:
    text = "Tittel\n\n" + "Nato og Russland møttes i Brussel. " * 100
    display = DisplayText.of(text)
    assert display.shown == text and display.breaks == ()
    assert [display.to_view(i) for i in range(len(text))] == list(range(len(text)))


def test_a_megabyte_token_becomes_short_lines() -> None:
    text = "Start " + "x" * 1_000_000 + " slutt"
    display = DisplayText.of(text)
    lines = display.shown.split("\n")
    assert max(map(len, lines)) <= BREAK_EVERY
    assert display.shown.replace("\n", "") == text
    end = len(text)
    assert display.from_view(display.to_view(end)) == end
    assert display.shown[display.to_view(end - 5):display.to_view(end)] == "slutt"


def test_breaks_prefer_a_space() -> None:
    words = ("ordet " * 2000).strip()
    breaks = paragraph_breaks(words)
    assert breaks and all(words[b - 1] == " " for b in breaks)
    assert len(words) > LONG_PARAGRAPH


texts = st.lists(st.one_of(
    st.text(alphabet="ab æ😀\u0301", min_size=0, max_size=40),
    st.just("\n"),
    st.integers(1, 90).map(lambda n: "x" * n)), max_size=12).map("".join)


@given(texts)
def test_every_offset_maps_to_its_character_and_back(text: str) -> None:
    display = DisplayText.of(text, long_paragraph=20, every=8)
    shown = utf16(display.shown)
    source = utf16(text)
    assert display.shown.replace("\n", "") == text.replace("\n", "")
    for offset in range(len(text) + 1):
        position = display.to_view(offset)
        assert display.from_view(position) == offset
        if offset < len(text):
            assert shown[position] == text[offset]
    for position in range(len(shown) + 1):
        offset = display.from_view(position)
        assert 0 <= offset <= len(text)
    assert len(shown) == len(source) + len(display.breaks)
