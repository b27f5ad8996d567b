"""Bytes → the text Akkord stores: decoding, newline normalisation, NFC.

Every annotation points into a document by code-point offsets, so the stored text must be
the same whichever way the file arrived: UTF-8 with or without a BOM, UTF-16 with a BOM,
or the legacy Windows-1252 / Latin-1 that Norwegian text still comes in; CRLF or CR line
ends. :func:`normalise_text` is the one place that decides what "the same text" means.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

from akkord.errors import AkkordError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in text files (tab, LF, CR and form feed do).
_BINARY_BYTES = frozenset(range(0x00, 0x09)) | frozenset({0x0E, 0x0F, 0x7F}) | frozenset(
    range(0x10, 0x1A)
)


class NotTextError(AkkordError, ValueError):
    """The bytes are not a text file Akkord can read; the message says why."""


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str


def normalise_text(text: str) -> str:
    """CRLF and CR → LF, then Unicode NFC (so "å" is one code point, whatever the source)."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def decode_bytes(data: bytes) -> DecodedText:
    """Decode a text file's bytes and normalise them.

    Order: a byte-order mark decides; else strict UTF-8; else, when the bytes hold no
    binary control characters, Windows-1252 (a superset of Latin-1 for printable text,
    with the five bytes it leaves undefined read as Latin-1).
    """
    if not data:
        raise NotTextError("the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(normalise_text(data.decode(encoding)), encoding)
            except UnicodeDecodeError as exc:
                raise NotTextError(f"starts with a {encoding} byte-order mark but {exc}") from exc
    if b"\x00" in data:  # anywhere: a NUL cannot be stored (see domain.validation)
        raise NotTextError("it holds NUL bytes: a binary file, not text")
    try:
        return DecodedText(normalise_text(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:65536]
    if sum(b in _BINARY_BYTES for b in sample) > len(sample) // 1000:
        raise NotTextError("it holds binary control bytes: not a text file")
    text = data.decode("cp1252", errors="surrogateescape")
    text = "".join(
        c if not 0xDC80 <= ord(c) <= 0xDCFF else chr(ord(c) - 0xDC00) for c in text
    )
    return DecodedText(normalise_text(text), "cp1252")


def decode_text_file(data: bytes) -> DecodedText:
    """Like :func:`decode_bytes`, but a file of only whitespace is empty too."""
    decoded = decode_bytes(data)
    if not decoded.text.strip():
        raise NotTextError("the file holds only whitespace")
    return decoded
