"""The ``akkord`` command: the GUI by default, subcommands for batch work.

Each group of subcommands lives in its own module and is registered in
:func:`_register`; every command gets ``--help`` from click. User-facing failures
(:class:`~akkord.errors.AkkordError`) print ``Error: …`` and exit with status 1; usage
mistakes exit with 2 (click's convention).
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from akkord import __version__
from akkord.errors import AkkordError
from akkord.store.faults import Where, translate
from akkord.store.project import PROJECT_SUFFIX


class _Group(click.Group):
    """A click group that reports :class:`AkkordError` as a clean message, not a traceback,
    and opens a project given alone (``akkord FILE.akkord``) in the window.

    Database and disk failures that reach it without having been translated by the store
    (it translates at its boundary) are translated here as a last resort, so a full disk
    or a damaged file never ends in a traceback.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The desktop entry runs `akkord %f` (a double-click on a project file): a first
        # argument that names no command but a project file means `akkord gui FILE`.
        if args and args[0] not in self.commands and args[0].endswith(PROJECT_SUFFIX):
            args = ["gui", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AkkordError as exc:
            raise click.ClickException(str(exc)) from exc
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing half-written was kept.", err=True)
            sys.exit(130)
        except (OSError, SQLAlchemyError, sqlite3.Error) as exc:
            error = translate(exc, Where("the project"))
            if error is not None:
                raise click.ClickException(str(error)) from exc
            if isinstance(exc, OSError) and exc.strerror:
                where = f" {exc.filename}" if exc.filename else ""
                raise click.ClickException(f"cannot use{where}: {exc.strerror}") from exc
            raise


@click.group(cls=_Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="akkord")
@click.option("--db", "db_url", metavar="URL", envvar="AKKORD_DB",
              help="Use this database URL (e.g. postgresql+psycopg://user@host/name) "
                   "instead of a PROJECT file.")
@click.pass_context
def main(ctx: click.Context, db_url: str | None) -> None:
    """Annotate actors, demands and meetings in news text.

    Without a command, starts the desktop application on the last project (or on the
    demo project the first time).
    """
    ctx.ensure_object(dict)
    ctx.obj["db_url"] = db_url
    if ctx.invoked_subcommand is None:
        from akkord.cli.gui_cmd import gui

        ctx.invoke(gui)


def _register() -> None:
    from akkord.cli import (
        agreement_cmd,
        gui_cmd,
        project_cmds,
        recover_cmd,
        screenshot_cmd,
        suggest_cmd,
        timex_cmd,
    )

    for module in (project_cmds, recover_cmd, gui_cmd, timex_cmd, screenshot_cmd,
                   suggest_cmd, agreement_cmd):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
