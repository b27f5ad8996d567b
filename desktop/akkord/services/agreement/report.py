"""Agreement rows as a terminal table, CSV, JSON or a self-contained HTML report.

The HTML report has no external resources (inline CSS, no scripts) and escapes every
piece of data (names, labels, article text) with :func:`html.escape`, so an article
that contains markup shows it as text. It shows two heatmaps (annotator × annotator for
the main measures, label × measure for all annotators) and every disagreement with its
place in the text: document, offsets and the sentence, the disputed words marked.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from itertools import combinations

from akkord.services.agreement.compute import ALL, AgreementReport, Disagreement, Row

FORMATS = ("table", "csv", "json", "html")
HEATMAP_MEASURES = ("span_f1_exact", "span_f1_overlap", "token_kappa", "alpha_unitized", "lea",
                    "relation_f1", "record_slots", "date_exact")
LABEL_MEASURES = ("span_f1_exact", "span_f1_overlap", "token_kappa", "token_fleiss_kappa",
                  "alpha_unitized", "muc", "b3", "ceaf_e", "lea", "relation_f1",
                  "date_exact", "date_overlap", "date_precision", "record_f1", "record_slots")
MAX_DISAGREEMENTS = 2000
_SENTENCE_END = re.compile(r"[.!?…]\s|\n")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render(report: AgreementReport, fmt: str, texts: Callable[[int], tuple[str, str]] | None
           = None) -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`); HTML needs ``texts`` (document id →
    title, text) for the sentences of the disagreements."""
    if fmt == "json":
        return json.dumps([row.as_dict() for row in report.rows], ensure_ascii=False,
                          indent=1) + "\n"
    if fmt == "csv":
        return to_csv(report.rows)
    if fmt == "html":
        return to_html(report, texts or (lambda _doc: ("", "")))
    return to_table(report.rows)


def to_csv(rows: Iterable[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["measure", "label", "annotators", "document", "value"])
    for row in rows:
        label = row.label
        if label[:1] in ("=", "+", "-", "@"):  # a spreadsheet would run it
            label = "'" + label
        writer.writerow([row.measure, label, " ".join(row.annotators),
                         "" if row.document is None else row.document,
                         "" if row.value is None else repr(row.value)])
    return out.getvalue()


def to_table(rows: Iterable[Row]) -> str:
    """The overall rows (no per-document or confusion rows), one line each."""
    shown = [r for r in rows if r.document is None and r.measure != "confusion"]
    if not shown:
        return "No agreement figures (no annotations to compare).\n"
    width = max(len(r.measure) for r in shown)
    label_width = max(len(r.label) for r in shown)
    lines = [f"{'measure':<{width}}  {'label':<{label_width}}  {'value':>6}  annotators"]
    for r in shown:
        lines.append(f"{r.measure:<{width}}  {r.label:<{label_width}}  {_fmt(r.value):>6}  "
                     f"{' × '.join(r.annotators)}")
    return "\n".join(lines) + "\n"


# -- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#1d1d1f;background:#fff}
h1,h2{font-weight:600} table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:center;font-size:.9em}
th{background:#f2f2f2} td.name{text-align:left;font-weight:600}
.note{color:#555;font-size:.9em} mark{background:#ffe08a;padding:0 .1em}
.dis td{text-align:left;vertical-align:top} .kind{font-variant:small-caps}
.maps{display:flex;flex-wrap:wrap;gap:0 2.5em} .maps h3{margin:.8em 0 0;font-size:1em}
.wide{overflow-x:auto}
@media (prefers-color-scheme: dark){body{background:#1e1e1e;color:#eee}
th{background:#333} td,th{border-color:#555} .note{color:#aaa} mark{color:#111}}
"""


def _color(value: float | None) -> str:
    """Red (≤ 0.5) through yellow (0.75) to green (1): the background of a heatmap cell.

    Agreement worth reporting lives between 0.5 and 1, so the scale spends its hues there.
    """
    if value is None:
        return "#dddddd"
    v = max(0.0, min(1.0, (value - 0.5) / 0.5))
    hue = int(120 * v)
    return f"hsl({hue}, 70%, 72%)"


def _cell(value: float | None) -> str:
    return (f'<td style="background:{_color(value)};color:#111">'
            f"{html.escape(_fmt(value))}</td>")


def _lookup(rows: Sequence[Row]) -> dict[tuple[str, str, tuple[str, ...]], float | None]:
    return {(r.measure, r.label, tuple(sorted(r.annotators))): r.value for r in rows
            if r.document is None}


def _pair_heatmap(report: AgreementReport, values: dict[tuple[str, str, tuple[str, ...]],
                                                         float | None], measure: str) -> str:
    names = report.annotators
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    body = []
    for a in names:
        cells = []
        for b in names:
            if a == b:
                cells.append('<td style="background:#eeeeee;color:#111">1</td>')
            else:
                cells.append(_cell(values.get((measure, ALL, tuple(sorted((a, b)))))))
        body.append(f'<tr><td class="name">{html.escape(a)}</td>{"".join(cells)}</tr>')
    return (f"<div><h3>{html.escape(measure)}</h3><table><tr><th></th>{head}</tr>"
            f"{''.join(body)}</table></div>")


def _label_heatmap(report: AgreementReport, values: dict[tuple[str, str, tuple[str, ...]],
                                                          float | None]) -> str:
    who = tuple(sorted(report.annotators))
    labels = sorted({label for (_, label, names) in values if names == who and label != ALL
                     and "/" not in label})
    measures = [m for m in LABEL_MEASURES if any((m, label, who) in values for label in labels)]
    head = "".join(f"<th>{html.escape(m)}</th>" for m in measures)
    body = []
    for label in [*labels, ALL]:
        cells = "".join(_cell(values.get((m, label, who))) if (m, label, who) in values
                        else "<td></td>" for m in measures)
        body.append(f'<tr><td class="name">{html.escape(label)}</td>{cells}</tr>')
    return (f'<div class="wide"><table><tr><th>label</th>{head}</tr>{"".join(body)}'
            "</table></div>")


def sentence_of(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The sentence around [start, end): (before, the span, after)."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    after = _SENTENCE_END.search(text, end)
    stop = after.start() + 1 if after else len(text)
    return text[begin:start], text[start:end], text[end:stop].rstrip("\n")


def _disagreements(items: Sequence[Disagreement], texts: Callable[[int], tuple[str, str]]
                   ) -> str:
    if not items:
        return '<p class="note">No disagreements.</p>'
    rows = []
    for d in sorted(items, key=lambda x: (x.document, x.start, x.end, x.kind))[
            :MAX_DISAGREEMENTS]:
        title, text = texts(d.document)
        before, span, after = sentence_of(text, d.start, d.end)
        versions = "<br>".join(f"<b>{html.escape(v.annotator)}</b>: {html.escape(v.text)}"
                               for v in d.versions)
        rows.append(
            f"<tr><td>{d.document}<br>{html.escape(title)}</td><td>{d.start}–{d.end}</td>"
            f'<td class="kind">{html.escape(d.kind)}</td>'
            f"<td>{html.escape(before)}<mark>{html.escape(span)}</mark>{html.escape(after)}"
            f"</td><td>{versions}</td></tr>")
    more = len(items) - MAX_DISAGREEMENTS
    note = f'<p class="note">… and {more} more (see the JSON export).</p>' if more > 0 else ""
    return ('<table class="dis"><tr><th>document</th><th>offsets</th><th>what</th>'
            f"<th>sentence</th><th>versions</th></tr>{''.join(rows)}</table>{note}")


def to_html(report: AgreementReport, texts: Callable[[int], tuple[str, str]]) -> str:
    values = _lookup(report.rows)
    pair_maps = "".join(_pair_heatmap(report, values, m) for m in HEATMAP_MEASURES
                        if any(k[0] == m and k[1] == ALL for k in values))
    names = ", ".join(report.annotators)
    pairs = len(list(combinations(report.annotators, 2)))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Agreement: {html.escape(names)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Agreement between {html.escape(names)}</h1>"
        f'<p class="note">{len(report.annotators)} annotators, {pairs} pair(s). Pairwise '
        "figures for each pair; with more than two annotators, the row for all of them is "
        "the mean over the pairs (Fleiss' κ, α and α_U are computed over all at once).</p>"
        '<h2>Annotator × annotator</h2><p class="note">Colours: red ≤ 0.5, yellow 0.75, '
        'green 1; grey: undefined.</p><div class="maps">'
        f"{pair_maps}</div><h2>Label × measure (all annotators)</h2>"
        f"{_label_heatmap(report, values)}"
        f"<h2>Disagreements</h2>{_disagreements(report.disagreements, texts)}"
        "</body></html>\n")
