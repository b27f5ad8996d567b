"""Ctrl-C while the ``akkord`` command is still loading ends with status 130, no traceback.

Issue 9, item 14: an interrupt in the first ~0.3 s (while click, SQLAlchemy … load) printed a
``KeyboardInterrupt`` traceback. The entry point (``akkord.__main__:run``) catches it. The
test makes the interrupt arrive deterministically: an import hook raises
``KeyboardInterrupt`` when the CLI's first heavy dependency is imported, exactly as a
SIGINT during that import would.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

_INTERRUPT_DURING_IMPORT = """
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupt())
from akkord.__main__ import run
run()
"""


def test_an_interrupt_while_the_cli_loads_exits_130_with_a_message() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "desktop")}
    result = subprocess.run([sys.executable, "-c", _INTERRUPT_DURING_IMPORT, "list", "x"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 130
    assert "Interrupted" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_console_script_uses_the_guarded_entry_point() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'akkord = "akkord.__main__:run"' in text
