"""Even keep-alive connections across worker processes: a worker holding more than its share closes one.

With several workers on one port, the kernel hands each new connection to one of them (SO_REUSEPORT hashes the
address pair), and a client's keep-alive connections then stay where they landed: measured with 16 connections
on two workers, splits of 11/5 and 14/2 were common, and the clients of the crowded worker waited two to three
times longer than the others (p99 134-194 ms against 60-110 ms for an even split). Only the connection count can
be evened out, since a request never moves between processes once its connection is open.

So each worker publishes how many connections it holds in a small shared array, and when it answers a request
while holding more than one connection above the least loaded worker, it adds `Connection: close` to that answer
(HTTP/1.1 section 9.6: the client opens a new connection for its next request, which the kernel hands out
afresh). A split can only narrow this way, and once even nothing is closed. A client loses nothing: the answer
is whole, and reconnecting over loopback or a LAN costs well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CLOSE = (b"connection", b"close")


def open_connections(connections: set) -> Callable[[], int]:
    """held() for uvicorn's ServerState.connections: a connection told to close stays in that set until the
    client has gone, and counting it would make the worker shed again (measured: 76 closings in one run)."""

    def held() -> int:
        return sum(not protocol.transport.is_closing() for protocol in connections)

    return held


class EvenConnections:
    """ASGI middleware: `loads` is the shared per-worker connection count, `index` this worker's slot in it,
    `held()` how many connections this worker holds open and is not already closing."""

    def __init__(self, app: Callable, loads: Any, index: int, held: Callable[[], int]) -> None:
        self.app, self.loads, self.index, self.held = app, loads, index, held

    def shed(self) -> bool:
        """Publish this worker's count; True when this answer should close its connection."""
        mine = self.held()
        self.loads[self.index] = mine
        if mine > min(self.loads) + 1:
            self.loads[self.index] = mine - 1  # the closing one: the others see the count it is heading for
            return True
        return False

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start" and self.shed():
                message = {**message, "headers": [*message.get("headers", ()), CLOSE]}
            await send(message)

        await self.app(scope, receive, sending)
