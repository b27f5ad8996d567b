"""News articles as plain text files, in the layout the project's seed articles use.

::

     date 2022-01 CAPTION: the photo caption …
    <blank>
    Title
    <blank>
    Lead paragraph
    <blank>
    Av Byline Name
    <blank>
    Publisert: …
    <blank>
    Sub-heading / paragraph / in-body caption (PRESIDENT: …) / paragraph …

Every line after the header is optional, and a file without the ``date`` header is read
as a plain text whose first short line is the title. The stored text is the whole file
(after :func:`~akkord.textproc.decode.normalise_text`), header included, so offsets
never shift; the header's parts become document fields and :class:`Part` ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from akkord.domain.dates import PartialDate, PartialDateError
from akkord.domain.document import Part
from akkord.domain.validation import MAX_TEXT_CHARS
from akkord.errors import AkkordError
from akkord.formats.records import DocumentRecord, Problem, Record
from akkord.textproc.decode import decode_text_file

_HEADER = re.compile(r"^(\s*date\s+(\d{4}(?:-\d{2}){0,2}))(?=\s|$)[ \t]*")
_BYLINE = re.compile(r"^(Av|Tekst:|By)\s+\S")
_PUBLISHED = re.compile(r"^(Publisert|Oppdatert|Sist oppdatert)\s*:")
_INLINE_CAPTION = re.compile(r"^[A-ZÆØÅ0-9][A-ZÆØÅ0-9 .,'’\-]{1,60}:\s")
_END_PUNCTUATION = tuple(".:!?»\"”…)")
_MAX_HEADING = 90
_MAX_TITLE = 200


class ArticleFormatError(AkkordError, ValueError):
    """The file is not an article Akkord can read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed article: its full text and what the layout says about it."""

    text: str
    title: str | None = None
    date: PartialDate | None = None
    meta: dict[str, str] = field(default_factory=dict)
    parts: tuple[Part, ...] = ()
    encoding: str = "utf-8"


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str


def _lines(text: str) -> list[_Line]:
    """Non-blank lines with their offsets (the line break excluded)."""
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            out.append(_Line(start, start + len(stripped), stripped))
        pos += len(raw) + 1
    return out


def _is_heading(line: _Line) -> bool:
    return (
        len(line.text) <= _MAX_HEADING
        and not line.text.endswith(_END_PUNCTUATION)
        and not line.text.startswith(("–", "-", "«", "*", "\""))
    )


def _body_part(line: _Line) -> Part:
    if _INLINE_CAPTION.match(line.text):
        return Part("caption", line.start, line.end)
    if _is_heading(line):
        return Part("heading", line.start, line.end)
    return Part("paragraph", line.start, line.end)


def parse_article(text: str, *, encoding: str = "utf-8", fallback_title: str | None = None
                  ) -> Article:
    """Split an already decoded and normalised text into its parts."""
    lines = _lines(text)
    if not lines:
        raise ArticleFormatError("the text is empty")
    parts: list[Part] = []
    meta: dict[str, str] = {}
    date: PartialDate | None = None
    first = lines[0]
    header = _HEADER.match(first.text)
    if header:
        try:
            date = PartialDate.parse(header[2])
        except PartialDateError as exc:
            raise ArticleFormatError(f"line 1: the header date is not valid: {exc}") from exc
        parts.append(Part("dateline", first.start, first.start + len(header[1].strip())))
        caption_start = first.start + header.end()
        if caption_start < first.end:
            parts.append(Part("caption", caption_start, first.end))
            meta["caption"] = text[caption_start:first.end]
        lines = lines[1:]
    title: str | None = None
    if lines and (header or len(lines[0].text) <= _MAX_TITLE):
        title_line, lines = lines[0], lines[1:]
        parts.append(Part("title", title_line.start, title_line.end))
        title = title_line.text
    byline_at = next((i for i, ln in enumerate(lines[:3]) if _BYLINE.match(ln.text)), None)
    if byline_at is not None:
        for ln in lines[:byline_at]:
            parts.append(Part("lead", ln.start, ln.end))
        if byline_at:
            meta["lead"] = "\n".join(ln.text for ln in lines[:byline_at])
        byline = lines[byline_at]
        parts.append(Part("byline", byline.start, byline.end))
        meta["byline"] = re.sub(r"^(Av|Tekst:|By)\s+", "", byline.text)
        lines = lines[byline_at + 1:]
    if lines and _PUBLISHED.match(lines[0].text):
        parts.append(Part("published", lines[0].start, lines[0].end))
        meta["published"] = lines[0].text.split(":", 1)[1].strip()
        lines = lines[1:]
    parts.extend(_body_part(ln) for ln in lines)
    return Article(text=text, title=title or fallback_title, date=date, meta=meta,
                   parts=tuple(parts), encoding=encoding)


MAX_FILE_BYTES = 4 * MAX_TEXT_CHARS  # UTF-8 takes at most 4 bytes a character


def read_article(path: Path) -> Article:
    """Read one article file; raises ``ArticleFormatError``/``NotTextError`` with the reason."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ArticleFormatError(f"the file is {size:,} bytes; Akkord takes articles of up to "
                                 f"{MAX_TEXT_CHARS:,} characters")
    decoded = decode_text_file(path.read_bytes())
    return parse_article(decoded.text, encoding=decoded.encoding, fallback_title=path.stem)


def read_article_records(path: Path) -> Iterator[Record]:
    """The import reader: one :class:`DocumentRecord`, or a :class:`Problem` saying why not."""
    try:
        article = read_article(path)
    except (AkkordError, OSError) as exc:
        yield Problem(str(path), None, str(exc))
        return
    yield DocumentRecord(text=article.text, external_id=path.stem, title=article.title,
                         source=path.name, date=article.date, meta=dict(article.meta),
                         parts=list(article.parts))
