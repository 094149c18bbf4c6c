"""Reading and applying a large site file with Python's cycle collector paused.

A site of 10,000 items parses into ~10^6 live objects (values, YAML nodes and marks, records)
and none of them is garbage while the load runs; the collector, triggered by the allocations,
walks all of them again and again: the reload of such a site took 2.6 s with it, 1.4 s without
(issue 16). Reference counting still frees everything as usual; cycles made meanwhile wait for
the next collection after the load.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (nested uses keep it off until the outermost ends)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
