"""Where request work runs. Assessing is CPU-bound Python: threads add no parallelism under the GIL, and many
runnable threads make every request wait through each other's time slices (a long latency tail). So the work of
a worker process runs in one thread, first come first served, while the event loop keeps accepting and reading
requests; more cores are used by more worker processes (`--workers`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

T = TypeVar("T")
_limiter: CapacityLimiter | None = None


async def work(function: Callable[..., T], *args: Any) -> T:
    """Run `function(*args)` in the worker's single work thread."""
    global _limiter
    if _limiter is None:
        _limiter = CapacityLimiter(1)
        sys.setswitchinterval(0.001)  # hand the GIL back to the event loop often while a request is assessed
    return await anyio.to_thread.run_sync(function, *args, limiter=_limiter)
