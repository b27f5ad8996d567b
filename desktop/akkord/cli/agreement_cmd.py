"""``akkord agreement``: agreement between annotators' layers, as a table, CSV, JSON or
an HTML report."""

from __future__ import annotations

from pathlib import Path

import click

from akkord.cli.common import open_target, project_argument


@click.command()
@project_argument
@click.option("--annotator", "annotators", multiple=True, metavar="NAME",
              help="Compare this annotator's layer (repeatable, at least two; default: every "
                   "annotator with annotations). 'gold' is the curated layer.")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "csv", "json", "html"]),
              help="table (the overall figures), csv/json (every row), html (a report with "
                   "heatmaps and every disagreement in its sentence).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of the terminal.")
@click.option("--by-document", is_flag=True,
              help="Add per-document rows (span F1, token κ, relation F1 per pair).")
@click.pass_context
def agreement(ctx: click.Context, project: Path | None, annotators: tuple[str, ...], fmt: str,
              out: Path | None, by_document: bool) -> None:
    """Agreement between annotators on spans, links, dates, relations and records.

    Rows are {measure, label, annotators, document, value}: span_f1_exact,
    span_f1_overlap, token_kappa, token_alpha, token_fleiss_kappa, alpha_unitized, muc,
    b3, ceaf_e, lea, date_exact, date_overlap, date_precision, value_kappa, relation_f1,
    record_f1, record_slots, record_slots_role and a confusion matrix of labels; label ALL
    is the overall figure.
    """
    from akkord.errors import AkkordError
    from akkord.services.agreement import AgreementOptions, agreement
    from akkord.services.agreement.report import render
    from akkord.services.atomic import atomic_path
    from akkord.store.models import Document

    if len(annotators) == 1:
        raise click.BadParameter("give at least two annotators (or none for all)",
                                 param_hint="--annotator")
    options = AgreementOptions(annotators=list(annotators) or None, by_document=by_document,
                               disagreements=fmt == "html")
    try:
        import scipy  # noqa: F401
    except ImportError as exc:
        raise AkkordError("agreement needs scipy, which is not installed; "
                          "install them with: pip install 'akkord[agreement]'") from exc
    with open_target(ctx, project) as opened:
        report = agreement(opened, options)
        cache: dict[int, tuple[str, str]] = {}

        def texts(doc_id: int) -> tuple[str, str]:
            if doc_id not in cache:
                with opened.read() as session:
                    doc = session.get(Document, doc_id)
                    cache[doc_id] = (doc.title or "", doc.text) if doc else ("", "")
            return cache[doc_id]

        output = render(report, fmt, texts)
    if out is None:
        click.echo(output, nl=False)
        return
    with atomic_path(out) as temp:
        temp.write_text(output, encoding="utf-8")
    click.echo(f"Wrote {len(report.rows)} agreement rows for {', '.join(report.annotators)} "
               f"to {out}")


COMMANDS = [agreement]
