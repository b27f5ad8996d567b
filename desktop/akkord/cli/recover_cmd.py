"""``akkord check`` and ``akkord recover``: find out whether a project is sound, and
salvage a damaged one into a new project."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from akkord.cli.common import open_target, project_argument


@click.command()
@project_argument
@click.pass_context
def check(ctx: click.Context, project: Path | None) -> None:
    """Check PROJECT: SQLite's integrity and foreign key checks, and Akkord's own rules
    (spans inside their text, relations within one document and layer, …).

    Exits with status 1 when anything is wrong, and says what. Nothing is written.
    """
    from akkord.store.invariants import RULES, check_invariants, sqlite_checks

    with open_target(ctx, project) as opened, opened.db.connect_read() as conn:
        findings = (sqlite_checks(conn) if opened.db.is_sqlite else []) \
            + check_invariants(conn)
    checked = (["integrity_check", "foreign_key_check"] if opened.db.is_sqlite else []) \
        + [f"{len(RULES)} rules of Akkord"]
    if not findings:
        click.echo(f"{opened.name}: sound ({', '.join(checked)})")
        return
    for finding in findings:
        click.echo(f"Problem: {finding}", err=True)
    click.echo(f"{opened.name}: {len(findings)} problem(s); to save what is sound into a "
               f"new project: akkord recover {opened.path or 'PROJECT'} --out NEW.akkord",
               err=True)
    sys.exit(1)


@click.command()
@click.argument("damaged", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The new project file to write what can be salvaged into (must not exist).")
def recover(damaged: Path, out: Path) -> None:
    """Salvage what can be read from the DAMAGED project file into a new project OUT.

    The damaged file is read page by page, as SQLite's .recover does, and never written.
    Rows are kept only when they satisfy the project's rules (references to salvaged
    rows, spans inside their text, relations within one layer, text that is UTF-8);
    the new project passes SQLite's integrity and foreign key checks and those rules
    before it is written. The report says what was kept and dropped, table by table.
    """
    from akkord.store.recover import recover_project

    report = recover_project(damaged, out)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    for table in report.tables:
        click.echo(f"  {table}")
    click.echo(f"Recovered {report.kept} of {report.found} row(s) found in {damaged} into "
               f"{report.target}; it passed integrity_check, foreign_key_check and "
               "Akkord's rules. Check it (akkord list) before you delete the damaged file.")


COMMANDS = [check, recover]
