"""Decoding and normalising text files."""

from __future__ import annotations

import codecs

import pytest

from akkord.textproc.decode import NotTextError, decode_bytes, decode_text_file, normalise_text
from akkord.textproc.offsets import from_utf16_offsets, normalise_with_map, utf16_offsets

TEXT = "Blåøyd «ærlighet» – Genève\nNeste linje"


@pytest.mark.parametrize(("data", "encoding"), [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("cp1252"), "cp1252"),
    (TEXT.replace("–", "-").encode("latin-1"), "cp1252"),
    (TEXT.encode("utf-16"), "utf-16"),
    (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
])
def test_encodings(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.encoding == encoding
    assert decoded.text in (TEXT, TEXT.replace("–", "-"))


def test_cp1252_undefined_bytes_fall_back_to_latin1() -> None:
    assert decode_bytes(b"a\x81b\xe6").text == "a\x81bæ"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"), (b"   \n\n", "whitespace"), (b"\x00\x01\x02abc", "NUL"),
    (bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + bytes(range(1, 30)) * 20,
     "binary"),
])
def test_not_text(data: bytes, reason: str) -> None:
    with pytest.raises(NotTextError, match=reason):
        decode_text_file(data)


def test_nfc_and_newlines() -> None:
    assert normalise_text("a\r\nb\rc e\u0301") == "a\nb\nc é"


def test_normalise_with_map_moves_offsets() -> None:
    text = "x\r\ne\u0301y"
    normal, remap = normalise_with_map(text)
    assert normal == "x\néy"
    assert remap is not None
    assert [remap(i) for i in range(len(text) + 1)] == [0, 1, 2, 2, 3, 3, 4]
    assert normalise_with_map("plain")[1] is None


def test_utf16_offsets_round_trip() -> None:
    text = "Nato 😀 møte 𝔸"
    to16, back = utf16_offsets(text), from_utf16_offsets(text)
    for i in range(len(text) + 1):
        assert back(to16(i)) == i
    assert to16(len(text)) == len(text.encode("utf-16-le")) // 2
