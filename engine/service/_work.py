"""Where request work runs: on the worker's event loop, one request after another.

Assessing is CPU-bound Python. A thread pool adds no parallelism under the GIL, and a single work thread beside
the event loop still costs a hand-over per request and a GIL ping-pong with the loop every switch interval while
it runs (measured: more CPU per request and a longer tail than running it in place). So the work of a request runs
where the request is handled, first come first served; requests that arrive meanwhile wait in the socket buffers,
as they waited for the work thread before. More cores are used by more worker processes (`--workers`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def work(function: Callable[..., T], *args: Any) -> T:
    """Run `function(*args)` to completion in the worker's event loop (it holds the loop while it runs)."""
    return function(*args)
