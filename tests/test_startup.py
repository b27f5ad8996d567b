"""Start-up without the cyclic garbage collector (akkord.startup)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from akkord import startup


@pytest.fixture()
def collector() -> Iterator[None]:
    """Leave the collector as the test found it."""
    enabled = gc.isenabled()
    yield
    gc.enable() if enabled else gc.disable()


def test_started_freezes_what_exists_and_collects_again(collector: None) -> None:
    startup.starting()
    assert not gc.isenabled()
    made_while_starting = [object() for _ in range(10)]
    frozen = gc.get_freeze_count()
    startup.started()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(made_while_starting)
    startup.started()  # a second call is harmless
    assert gc.isenabled()


def test_the_command_collects_again_after_loading() -> None:
    """`python -m akkord` turns the collector off to import, and on again before a command
    runs (only the window keeps it off until it shows)."""
    probe = ("import gc, sys; from akkord.__main__ import run; "
             "sys.argv = ['akkord', '--version']; "
             "import atexit; atexit.register(lambda: print('collecting', gc.isenabled())); "
             "run()")
    out = subprocess.run([sys.executable, "-c", probe], text=True, capture_output=True,
                         check=False).stdout
    assert "collecting True" in out
