"""Keep Python's cycle collector out of bulk work (big imports and exports).

Such work allocates millions of small acyclic objects (records, row tuples) while a
batch of them stays alive, so the collector runs thousands of times and walks the same
live objects again and again: a third of an import's Python time and a quarter of the
native export's, measured on the 10,000-article corpus. Code run inside
:func:`no_gc_pauses` must make no reference cycles (or only a bounded few): those are
freed only when the collector runs again afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Pause the cycle collector for the block; it runs normally again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
