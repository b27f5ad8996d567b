"""``akkord gui``: start the desktop application."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from akkord import startup

# The modules the window needs that do not use Qt, imported *before* PySide6: PySide6
# (6.11) reads the source of every module imported after it, looking for its
# ``__feature__`` switches, and SQLAlchemy alone is some 300 modules (0.3–0.5 s of
# start-up on the development machine). Only a speed-up: a name that is gone is skipped.
BEFORE_QT = (
    "akkord.store.project",
    "sqlalchemy.dialects.sqlite",  # loaded by the first engine, which the window makes
    "akkord.services.documents",
    "akkord.services.annotation",
    "akkord.services.dating",
    "akkord.services.link_catalogue",
    "akkord.services.link_forms",
    "akkord.services.linking",
    "akkord.services.projects",
    "akkord.services.progress",
    "akkord.services.suggesting.desk",
    "akkord.services.suggesting.edits",
    "akkord.services.suggesting.pipeline",
    "akkord.textproc.display",
    "akkord.textproc.decode",
    "akkord.textproc.spans",
)


def preload() -> None:
    """Import :data:`BEFORE_QT` (call it before anything imports PySide6), with the
    cyclic garbage collector off until the window shows (see :mod:`akkord.startup`)."""
    startup.starting()
    for name in BEFORE_QT:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


@click.command()
@click.argument("project", required=False, type=click.Path(path_type=Path))
@click.option("--demo", is_flag=True, help="Open the demo project (created if missing).")
@click.pass_context
def gui(ctx: click.Context, project: Path | None, demo: bool) -> None:
    """Start the desktop application on PROJECT (default: the last one, or the demo)."""
    preload()
    try:
        from akkord.gui.app import run

        code = run(project=project, db_url=ctx.obj.get("db_url"), demo=demo)
    finally:
        startup.started()  # whatever happened to the window (it also does, once shown)
    raise SystemExit(code)


COMMANDS = [gui]
