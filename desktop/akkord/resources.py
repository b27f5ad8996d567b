"""Where the bundled resources (schemas, demo corpus, icons) are.

An installed wheel carries ``resources/`` inside the package (see ``pyproject.toml``); a
source checkout or an editable install has it at the repository's top level. Callers ask
for :func:`resource_path` and never guess.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from akkord.errors import AkkordError


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent.parent / "resources"):
        if (candidate / "schemas").is_dir():
            return candidate
    raise AkkordError(f"Akkord's resources folder is missing (looked beside {here}); "
                      "reinstall the package")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def default_schema_text() -> str:
    return resource_path("schemas", "negotiations.toml").read_text(encoding="utf-8")
