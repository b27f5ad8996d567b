"""``akkord gui``: start the desktop application."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("project", required=False, type=click.Path(path_type=Path))
@click.option("--demo", is_flag=True, help="Open the demo project (created if missing).")
@click.pass_context
def gui(ctx: click.Context, project: Path | None, demo: bool) -> None:
    """Start the desktop application on PROJECT (default: the last one, or the demo)."""
    from akkord.gui.app import run

    raise SystemExit(run(project=project, db_url=ctx.obj.get("db_url"), demo=demo))


COMMANDS = [gui]
