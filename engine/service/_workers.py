"""Several worker processes on one port, each with its own listening socket (SO_REUSEPORT), so the kernel spreads
connections across them. uvicorn's own --workers shares one socket, and one worker's event loop then tends to
accept every keep-alive connection of a busy client while the others idle. The kernel's spread is random, so the
workers also even out their keep-alive connections between them (engine.service._balance). A worker that dies is
restarted; SIGTERM or SIGINT stops them all."""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from typing import Any


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _worker(host: str, port: int, options: dict[str, Any], loads: Any, index: int) -> None:
    import uvicorn

    from engine.service._balance import EvenConnections, open_connections

    sock = _listen(host, port)
    config = uvicorn.Config("engine.service._factory:app_from_env", factory=True, **options)
    server = uvicorn.Server(config)
    config.load()
    config.loaded_app = EvenConnections(
        config.loaded_app, loads, index, open_connections(server.server_state.connections)
    )
    server.run(sockets=[sock])


def run_workers(host: str, port: int, workers: int, options: dict[str, Any]) -> int:
    """Run `workers` uvicorn processes on host:port until SIGTERM/SIGINT; returns the exit code."""
    context = multiprocessing.get_context("spawn")
    loads = context.Array("i", workers, lock=False)  # open connections per worker, for EvenConnections
    stopping = False

    def start(index: int) -> Any:
        loads[index] = 0
        process = context.Process(target=_worker, args=(host, port, options, loads, index), daemon=False)
        process.start()
        return process

    processes = [start(index) for index in range(workers)]

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for process in processes:
            if process.is_alive() and process.pid is not None:
                process.terminate()  # each of the processes started above, by its own handle

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        for index, process in enumerate(processes):
            if not process.is_alive() and not stopping:
                print(f"worker {process.pid} exited with {process.exitcode}; starting another", file=sys.stderr)
                processes[index] = start(index)
        time.sleep(0.5)
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()
    return 0
