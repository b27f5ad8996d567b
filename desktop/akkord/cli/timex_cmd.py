"""``akkord timex``: list the time expressions of one article file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from akkord.domain.dates import PartialDate, PartialDateError
from akkord.errors import AkkordError
from akkord.formats.article_txt import Article, read_article

if TYPE_CHECKING:  # the tagger compiles its patterns on import: only `akkord timex` pays
    from akkord.timex import TimeExpression

_DCT_FORMAT = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$")
_COLUMNS = ("start", "end", "value", "earliest", "latest", "precision", "anchor", "weekday",
            "text")


def _parse_dct(ctx: click.Context, param: click.Parameter, value: str | None
               ) -> PartialDate | None:
    """``--dct``: a day (``YYYY-MM-DD``) or a month (``YYYY-MM``); anything else exits 2."""
    if value is None:
        return None
    text = value.strip()
    if not _DCT_FORMAT.match(text):
        raise click.BadParameter(
            f"{text!r} is not a date: use YYYY-MM-DD (a day) or YYYY-MM (a month)")
    try:
        return PartialDate.parse(text)
    except PartialDateError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command("timex")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True,
                                        path_type=Path))
@click.option("--dct", callback=_parse_dct, metavar="YYYY-MM-DD|YYYY-MM",
              help="Publication date to count from (default: the file's ' date …' header).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of objects instead of a table.")
def timex(file: Path, dct: PartialDate | None, as_json: bool) -> None:
    """Find the Norwegian time expressions in article FILE and date them.

    Relative expressions ("fredag", "neste uke", "i fjor") are placed relative to the
    publication date: --dct, or else the date in the file's header line
    (" date 2022-01-20 …"). With only a month known, expressions that need the day stay
    underspecified (anchor "underspecified"). The header's own date is not listed.
    Offsets are character offsets into the file's decoded text (header included), end
    exclusive; days are YYYY-MM-DD.
    """
    try:
        article = read_article(file)
    except AkkordError as exc:
        raise AkkordError(f"cannot read {file}: {exc}") from exc
    anchor_date = dct or article.date
    if anchor_date is None:
        raise AkkordError(
            f"{file} has no publication date (no ' date YYYY-MM-DD' header line); "
            "give one with --dct YYYY-MM-DD or --dct YYYY-MM"
        )
    from akkord.timex import tag

    expressions = _outside_dateline(tag(article.text, anchor_date), article)
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in expressions], ensure_ascii=False,
                              indent=2))
    else:
        click.echo(_table(expressions, anchor_date))


def _outside_dateline(expressions: list[TimeExpression], article: Article
                      ) -> list[TimeExpression]:
    """The header's own "date 2022-01-20" is the publication date, not text to tag."""
    datelines = [(p.start, p.end) for p in article.parts if p.kind == "dateline"]
    return [e for e in expressions
            if not any(start <= e.start < end for start, end in datelines)]


def _table(expressions: list[TimeExpression], dct: PartialDate) -> str:
    rows = [[_cell(e.as_dict()[column]) for column in _COLUMNS] for e in expressions]
    header = list(_COLUMNS)
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             .rstrip() for row in [header, *rows]]
    lines.append(f"{len(expressions)} expression(s), publication date {dct.value}")
    return "\n".join(lines)


def _cell(value: str | int | None) -> str:
    return "-" if value is None else " ".join(str(value).split())


COMMANDS = [timex]
