"""``akkord screenshot``: PNGs of the main window, rendered offscreen."""

from __future__ import annotations

from pathlib import Path

import click

from akkord.cli.common import open_target, project_argument


@click.command()
@project_argument
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the PNG files into (created if missing).")
@click.option("--layer", default="gold", show_default=True,
              help="Whose annotations to show.")
@click.option("--suggestions", is_flag=True,
              help="Also suggestions.png and suggestions-review.png, made on a scratch copy "
                   "of the demo project (nothing is written to PROJECT).")
@click.pass_context
def screenshot(ctx: click.Context, project: Path | None, out: Path, layer: str,
               suggestions: bool) -> None:
    """Save screenshots of the main window (a document with its highlights, the inspector,
    the entity and document panels, the timeline) without opening a window."""
    from akkord.gui.screenshot import save_screenshots, save_suggestion_screenshots

    with open_target(ctx, project) as opened:
        for path in save_screenshots(opened, out, layer=layer):
            click.echo(str(path))
    if suggestions:
        for path in save_suggestion_screenshots(out):
            click.echo(str(path))


COMMANDS = [screenshot]
