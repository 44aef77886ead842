"""Pausing Python's cyclic garbage collector during bulk reads.

Export and analysis create millions of small containers (row tuples, lists of
flags) and free them in order; none of them form reference cycles.  The cyclic
collector would still traverse every live container each time enough new ones
have been allocated, which on a million-unit database costs more than the work
itself.  Reference counting frees everything as usual while it is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block (restored after, even on error)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
