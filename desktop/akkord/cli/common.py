"""What the subcommands share: the PROJECT argument, opening it, a terminal progress bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from akkord.services.progress import Progress
from akkord.store.project import Project, open_project

F = TypeVar("F", bound=Callable[..., Any])


def project_argument(func: F) -> F:
    """``PROJECT``: a project file, optional when ``--db URL`` names the database."""
    return click.argument("project", required=False, type=click.Path(path_type=Path))(func)


def project_target(ctx: click.Context, project: Path | None) -> str | Path:
    db_url = (ctx.find_root().obj or {}).get("db_url")
    if project is not None and db_url:
        raise click.UsageError("give either PROJECT or --db URL, not both")
    if project is None and not db_url:
        raise click.UsageError("missing PROJECT (a .akkord file) or --db URL")
    return project if project is not None else str(db_url)


class WaitNotice:
    """Says once on stderr that a write is waiting for another program's lock."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.told = False

    def __call__(self, waited: float) -> None:
        if not self.told and waited >= 0.5:
            self.told = True
            click.echo(f"Waiting for another program that is writing to {self.name}…",
                       err=True)


@contextmanager
def open_target(ctx: click.Context, project: Path | None, *, create: bool = False,
                schema_text: str | None = None) -> Iterator[Project]:
    opened = open_project(project_target(ctx, project), create=create, schema_text=schema_text)
    opened.set_wait_handler(WaitNotice(opened.name))
    try:
        for note in opened.recovered_imports:
            click.echo(f"Note: {note}", err=True)
        if opened.read_only:
            click.echo(f"Note: {opened.name} is open read-only ({opened.read_only_reason}).",
                       err=True)
        if opened.migration is not None:
            backup = opened.migration.backup
            click.echo(f"Migrated the project from revision {opened.migration.from_revision} "
                       f"to {opened.migration.to_revision}"
                       + (f"; the old file was backed up as {backup}" if backup else ""),
                       err=True)
        yield opened
    finally:
        opened.close()


class TqdmProgress(Progress):
    """A terminal progress bar on stderr (hidden when stderr is not a terminal)."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.bar: Any = None

    def start(self, total: int | None, description: str) -> None:
        from tqdm import tqdm

        self.finish()
        self.bar = tqdm(total=total, desc=description, unit=self.unit, disable=None,
                        leave=False, dynamic_ncols=True)

    def advance(self, steps: int = 1) -> None:
        if self.bar is not None and steps:
            self.bar.update(steps)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@contextmanager
def tqdm_progress(unit: str) -> Iterator[TqdmProgress]:
    progress = TqdmProgress("rec" if unit == "import" else "doc")
    try:
        yield progress
    finally:
        progress.finish()
