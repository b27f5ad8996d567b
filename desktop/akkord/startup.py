"""Start-up without Python's cyclic garbage collector.

Importing PySide6, SQLAlchemy and Akkord allocates some 130,000 objects that live as
long as the process, and none of them is garbage. The collector nevertheless walks them
over and over while they are being created (every 700 allocations, and the whole heap
every few hundred thousand): on the development machine that was a third of the time
from ``akkord gui`` to a painted window. So start-up runs with the collector off; once
it is done, :func:`started` moves everything alive into the permanent generation
(``gc.freeze``) and turns the collector back on. Later collections then no longer walk
the start-up objects either, which keeps a full collection during an edit short.

Reference counting frees everything that is not in a cycle whether the collector runs
or not, so the pause only delays the freeing of cycles made during start-up.
"""

from __future__ import annotations

import gc


def starting() -> None:
    """Turn the cyclic collector off until :func:`started` (call it first thing)."""
    gc.disable()


def started() -> None:
    """Start-up is over: keep what exists out of later collections, collect again.

    Safe to call more than once, and when :func:`starting` was never called."""
    gc.freeze()
    gc.enable()
