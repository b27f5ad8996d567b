"""The ``akkord`` command: the GUI by default, subcommands for batch work.

Each group of subcommands lives in its own module, named in :data:`COMMANDS` and imported
only when one of its commands runs (or ``--help`` lists them): ``akkord gui`` then loads
neither the suggesters nor the exporters, which is a few tenths of a second of start-up.
Every command gets ``--help`` from click. User-facing failures
(:class:`~akkord.errors.AkkordError`) print ``Error: …`` and exit with status 1; usage
mistakes exit with 2 (click's convention).
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from akkord import __version__
from akkord.errors import AkkordError
from akkord.store.faults import Where, translate
from akkord.store.project import PROJECT_SUFFIX

# Each command's name and the module (in this package) that defines it. A test checks
# it against every module's ``COMMANDS``, so a command added there cannot be forgotten.
COMMANDS: dict[str, str] = {
    "init": "project_cmds", "import": "project_cmds", "list": "project_cmds",
    "export": "project_cmds", "demo": "project_cmds",
    "check": "recover_cmd", "recover": "recover_cmd",
    "gui": "gui_cmd", "timex": "timex_cmd", "screenshot": "screenshot_cmd",
    "suggest": "suggest_cmd", "agreement": "agreement_cmd",
}


def load_command(name: str) -> click.Command | None:
    """The command called *name*, importing its module; None if there is no such one."""
    module_name = COMMANDS.get(name)
    if module_name is None:
        return None
    module = importlib.import_module(f"{__name__}.{module_name}")
    return next((c for c in module.COMMANDS if c.name == name), None)


class _Group(click.Group):
    """A click group that loads its commands lazily (:data:`COMMANDS`), reports
    :class:`AkkordError` as a clean message, not a traceback, and opens a project given
    alone (``akkord FILE.akkord``) in the window.

    Database and disk failures that reach it without having been translated by the store
    (it translates at its boundary) are translated here as a last resort, so a full disk
    or a damaged file never ends in a traceback.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The desktop entry runs `akkord %f` (a double-click on a project file): a first
        # argument that names no command but a project file means `akkord gui FILE`.
        if args and args[0] not in COMMANDS and args[0].endswith(PROJECT_SUFFIX):
            args = ["gui", *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name)

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

