"""Project subcommands: ``init``, ``import``, ``list``, ``export``, ``demo``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from akkord.cli.common import open_target, project_argument, tqdm_progress
from akkord.errors import AkkordError


def _db_url(ctx: click.Context) -> str | None:
    url = (ctx.find_root().obj or {}).get("db_url")
    return str(url) if url else None


@click.command()
@project_argument
@click.option("--schema", "schema_file", type=click.Path(exists=True, dir_okay=False,
                                                          path_type=Path),
              help="Annotation schema (TOML) for the new project; default: negotiations.")
@click.pass_context
def init(ctx: click.Context, project: Path | None, schema_file: Path | None) -> None:
    """Create a new, empty project (PROJECT.akkord, or the --db database)."""
    from akkord.domain.schema import decode_schema

    schema_text = decode_schema(schema_file.read_bytes(), str(schema_file)) if schema_file \
        else None
    with open_target(ctx, project, create=True, schema_text=schema_text) as opened:
        click.echo(f"Created {opened.path or opened.name} "
                   f"(schema {opened.schema.name}: {', '.join(opened.schema.label_names)})")


def _reader_help() -> str:
    from akkord.formats.registry import READERS

    return "; ".join(f"{r.name} ({', '.join(r.suffixes)})" if r.suffixes else r.name
                     for r in READERS.values())


@click.command("import")
@project_argument
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", metavar="FORMAT",
              help="Read the files as FORMAT (default: by file suffix; folders are searched): "
                   "txt (.txt), jsonl (.jsonl), conllu (.conllu), conll (.conll), brat (.ann "
                   "beside .txt), labelstudio (.json), doccano (give --format doccano).")
@click.option("--annotator", default="gold", show_default=True,
              help="Layer for imported spans that do not name their annotator (bring in "
                   "another annotator's work with --annotator NAME).")
@click.option("--all-or-nothing", is_flag=True,
              help="If any file is rejected, import nothing (default: import the good files).")
@click.option("--map", "label_map", multiple=True, metavar="FROM=TO",
              help="Rename a label while importing (repeatable), e.g. --map PER=ACTOR.")
@click.option("--add-labels", is_flag=True,
              help="Add labels the schema lacks (after --map) to the project's schema, "
                   "instead of rejecting their spans.")
@click.option("--no-suggest", is_flag=True,
              help="Do not add the time tagger's suggestions to articles that arrive as "
                   "raw text.")
@click.pass_context
def import_(ctx: click.Context, project: Path | None, paths: tuple[Path, ...], fmt: str | None,
            annotator: str, all_or_nothing: bool, label_map: tuple[str, ...],
            add_labels: bool, no_suggest: bool) -> None:
    """Import articles and annotations from PATHS (files or folders) into PROJECT (or the
    --db database: then every argument is a path).

    Text files in the seeds' layout (a ' date YYYY-MM' header line), plain .txt, JSON
    Lines (Akkord's native export, or {"text", "meta"} per line), CoNLL-U / CoNLL (NorNE),
    brat, doccano and Label Studio files. A file with any bad record is rejected whole,
    with every problem listed; the same text is never imported twice. Labels the schema
    lacks are rejected unless mapped (--map) or added (--add-labels). Exits with status 1
    when anything was rejected.
    """
    from akkord.formats.registry import READERS
    from akkord.services.importing import ImportOptions, import_paths

    if project is not None and _db_url(ctx):
        paths = (project, *paths)  # with --db every argument is a file to import
        project = None
    if not paths:
        raise click.UsageError("missing PATHS: the files or folders to import")
    if fmt is not None and fmt not in READERS:
        raise click.BadParameter(f"{fmt!r} is not one of {_reader_help()}",
                                 param_hint="--format")
    mapping = {}
    for item in label_map:
        source, sep, target = item.partition("=")
        if not sep or not source or not target:
            raise click.BadParameter(f"{item!r} is not FROM=TO", param_hint="--map")
        mapping[source] = target
    options = ImportOptions(annotator=annotator, all_or_nothing=all_or_nothing, format=fmt,
                            label_map=mapping, add_labels=add_labels,
                            suggest_times=not no_suggest)
    with open_target(ctx, project) as opened, tqdm_progress("import") as progress:
        report = import_paths(opened, list(paths), options, progress)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    if report.labels_added:
        click.echo(f"Added to the schema: {', '.join(report.labels_added)}", err=True)
    for problem in report.problems:
        click.echo(f"Rejected: {problem}", err=True)
    kept = [f for f in report.files if not f.rejected]
    if report.rolled_back:
        click.echo(f"Nothing imported: {len(report.rejected)} of {len(report.files)} file(s) "
                   "rejected and --all-or-nothing was given.", err=True)
        sys.exit(1)
    suggestions = report.total("suggestions")
    suggested = f" and {suggestions} suggestion(s) to review" if suggestions else ""
    click.echo(
        f"Imported {report.total('documents')} new document(s) "
        f"({report.total('existing')} already present), {report.total('mentions')} mention(s)"
        f"{suggested}, {report.total('relations')} relation(s), "
        f"{report.total('entities')} entit(y/ies) "
        f"from {len(kept)} of {len(report.files)} file(s).")
    if report.rejected:
        click.echo(f"{len(report.rejected)} file(s) rejected; see the messages above.",
                   err=True)
        sys.exit(1)


@click.command("list")
@project_argument
@click.option("--annotator", help="Count this annotator's layer and show their status "
              "(default: every layer's mentions, and the furthest status anyone reached).")
@click.pass_context
def list_(ctx: click.Context, project: Path | None, annotator: str | None) -> None:
    """List the documents: id, date, status, mentions per label, title; then each
    annotator's progress and the curator's.

    Mentions are annotations (manual and accepted), not pending time suggestions."""
    from akkord.services.curation import curation_progress
    from akkord.services.documents import list_documents

    total = done = count = 0
    with open_target(ctx, project) as opened, opened.read() as session:
        labels = opened.schema.label_names
        for s in list_documents(session, annotator):  # streamed: no list of them all
            if not count:
                counts_header = " ".join(f"{label[:7]:>7}" for label in labels)
                click.echo(f"{'id':>5}  {'date':<10}  {'status':<11} {counts_header}  title")
            counts = " ".join(f"{s.label_counts.get(label, 0):>7}" for label in labels)
            date = s.date.value if s.date else "—"
            click.echo(f"{s.id:>5}  {date:<10}  {s.status:<11} {counts}  {s.title[:70]}")
            count += 1
            total += s.mentions
            done += s.status == "done"
        progress = curation_progress(session)
    if not count:
        click.echo("No documents yet; add some with: akkord import PROJECT FILES...")
        return
    status = f", {done} of {count} done" if annotator else ""
    click.echo(f"{count} document(s), {total} mention(s){status}")
    if progress.annotators:
        click.echo(f"Done: {progress.summary()}")


class _ExportFormats(click.Command):
    """Lists the export formats in ``--help`` (from the registry, so it stays true)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from akkord.formats.registry import WRITERS

        with formatter.section("Formats"):
            formatter.write_dl([(e.name, f"{e.description} ({e.output})")
                                for e in WRITERS.values()])


def _ratios(value: str) -> tuple[float, float, float]:
    parts = value.replace(",", "/").split("/")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 3 or any(n < 0 for n in numbers) or not sum(numbers):
        raise click.BadParameter(f"{value!r} is not TRAIN/VALIDATION/TEST, e.g. 80/10/10",
                                 param_hint="--split")
    total = sum(numbers)
    return numbers[0] / total, numbers[1] / total, numbers[2] / total


@click.command(cls=_ExportFormats)
@project_argument
@click.option("--format", "fmt", default="jsonl", show_default=True, metavar="FORMAT",
              help="jsonl, conll, conllu, spacy, hf, brat, doccano, labelstudio or tables "
                   "(see Formats below).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="File (or folder, for formats that write several files) to write.")
@click.option("--annotator", "annotators", multiple=True,
              help="Only this annotator's layer (repeatable; 'gold' for the curated layer).")
@click.option("--label", "labels", multiple=True, help="Only this label (repeatable).")
@click.option("--done-only", is_flag=True, help="Only documents marked done.")
@click.option("--seed", default=13, show_default=True,
              help="hf, spacy: seed of the train/validation/test split of the documents.")
@click.option("--split", "split", default="80/10/10", show_default=True,
              metavar="TRAIN/VALIDATION/TEST", help="hf, spacy: shares of the documents per split.")
@click.pass_context
def export(ctx: click.Context, project: Path | None, fmt: str, out: Path,
           annotators: tuple[str, ...], labels: tuple[str, ...], done_only: bool, seed: int,
           split: str) -> None:
    """Export the project's documents and annotations to OUT.

    OUT appears whole or not at all: a failed or interrupted export leaves nothing behind.
    """
    from akkord.formats.registry import WRITERS
    from akkord.services import exporting

    if fmt not in WRITERS:
        raise click.BadParameter(f"{fmt!r} is not one of {', '.join(WRITERS)}",
                                 param_hint="--format")
    options = exporting.ExportOptions(annotators=list(annotators) or None,
                                      labels=list(labels) or None, done_only=done_only,
                                      seed=seed, splits=_ratios(split))
    with open_target(ctx, project) as opened, tqdm_progress("export") as progress:
        report = exporting.export(opened, fmt, out, options, progress)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    click.echo(f"Exported {report.documents} document(s) as {fmt} to {report.path}")


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Rebuild the demo project if it exists.")
def demo(path: Path | None, replace: bool) -> None:
    """Create the demo project at PATH (default: in your data folder) and print where."""
    from akkord.services.demo import create_demo

    if path is not None and path.is_dir():
        raise AkkordError(f"{path} is a folder; give a file name such as {path / 'demo.akkord'}")
    where, created = create_demo(path, replace=replace)
    click.echo(f"{'Created' if created else 'Already there:'} {where}")


COMMANDS = [init, import_, list_, export, demo]
