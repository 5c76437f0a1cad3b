"""Workers even out their keep-alive connections: the one holding more than one above the least loaded asks the
client to reconnect (`Connection: close` on a whole answer), and nothing else changes in what a client gets."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
from _service import Server

from engine.service._balance import EvenConnections, open_connections


async def answer(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"whole answer"})


def call(loads: list[int], index: int, held: int, scope_type: str = "http") -> list[dict]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    app = EvenConnections(answer, loads, index, lambda: held)
    asyncio.run(app({"type": scope_type}, receive, send))
    return sent


def closes(sent: list[dict]) -> bool:
    return (b"connection", b"close") in sent[0].get("headers", [])


@pytest.mark.parametrize(
    ("loads", "held", "expected"),
    [
        ([0, 5], 11, True),  # 11 against 5: this worker sheds
        ([0, 7], 9, True),  # 9 against 7: two apart still sheds
        ([0, 8], 9, False),  # 9 against 8: as even as 17 connections can be
        ([0, 8], 8, False),
        ([0, 9], 3, False),  # the light worker never sheds
        ([0, 0, 4], 6, True),  # three workers: compared with the least loaded (the third slot is 0)
    ],
)
def test_only_a_worker_more_than_one_connection_above_the_least_loaded_closes_one(loads, held, expected):
    assert closes(call(loads, 0, held)) is expected


def test_the_worker_publishes_its_count_and_counts_the_closing_connection_as_gone():
    loads = [0, 5]
    call(loads, 0, 11)
    assert loads == [10, 5]
    call(loads, 1, 5)
    assert loads == [10, 5]


def test_a_closing_answer_is_otherwise_the_same_answer():
    plain, closing = call([0, 8], 0, 8), call([0, 1], 0, 8)
    assert closing[0]["headers"][:-1] == plain[0]["headers"]
    assert closing[0]["status"] == plain[0]["status"] == 200
    assert closing[1] == plain[1] == {"type": "http.response.body", "body": b"whole answer"}


def test_a_connection_already_closing_is_not_counted():
    class Transport:
        def __init__(self, closing: bool) -> None:
            self.closing = closing

        def is_closing(self) -> bool:
            return self.closing

    class Protocol:
        def __init__(self, closing: bool) -> None:
            self.transport = Transport(closing)

    connections = {Protocol(False), Protocol(False), Protocol(True)}
    held = open_connections(connections)
    assert held() == 2
    connections.add(Protocol(False))
    assert held() == 3


def test_lifespan_and_other_scopes_pass_through_untouched():
    loads = [0, 0]
    sent = call(loads, 0, 9, scope_type="lifespan")
    assert not closes(sent)
    assert loads == [0, 0]


def raw_get(port: int, requests: int) -> list[tuple[int, bool]]:
    """`requests` GET /health on one keep-alive connection, reconnecting when told: (status, told to close)."""
    out = []
    sock = None
    for _ in range(requests):
        if sock is None:
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            stream = sock.makefile("rb")
        sock.sendall(f"GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        status = int(stream.readline().split()[1])
        headers = {}
        while (line := stream.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = stream.read(int(headers["content-length"]))
        assert b'"status"' in body
        told = headers.get("connection", "").lower() == "close"
        out.append((status, told))
        if told:
            assert stream.read(1) == b""  # the server did close it, after the whole answer
            sock.close()
            sock = None
    if sock is not None:
        sock.close()
    return out


def test_two_workers_answer_every_request_of_sixteen_keep_alive_clients(tmp_path):
    server = Server(tmp_path, "--workers", "2")
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = [r for part in pool.map(lambda _: raw_get(server.port, 25), range(16)) for r in part]
    finally:
        server.stop()
    assert len(results) == 16 * 25
    assert {status for status, _ in results} == {200}
