"""Load on the service over loopback: a bounded number of requests at a fixed concurrency; prints requests/s and
p50/p95/p99 latency, and checks every answer against the engine run locally.

    python bench/service_load.py --workers 1                       # starts `kinetic-chain serve`, stops it after
    python bench/service_load.py --workers 2 --requests 5000 --concurrency 16
    python bench/service_load.py --distinct                        # every /assess case new: no memo hits
    python bench/service_load.py --url http://127.0.0.1:8080       # a service already running (loopback only)

The mix: half POST /assess (the example cases; with --distinct, generated ones, each sent once), half CDS Hooks
calls (the example hook requests with a fresh hookInstance). An /assess answer must be byte-identical to the
local engine's; a hook answer must carry the cards (indicator and summary) the local engine gives.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import random_cases  # noqa: E402

import engine  # noqa: E402
from engine.service._cards import CardContext, build_cards  # noqa: E402
from engine.service._hooks import SERVICES  # noqa: E402

HOOKS = sorted((REPO / "examples" / "fhir").glob("hook-*.fhir.json"))


def loopback_only(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        sys.exit(f"refusing to send load to {host}: loopback only")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workers: int, db: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "cli",
        "serve",
        "--port",
        str(port),
        "--db",
        db,
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=REPO)  # noqa: S603 - our own server, fixed arguments
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.3)
    process.terminate()
    sys.exit("the service did not start")


def hook_expectations(eng: engine.Engine) -> list[tuple[str, dict, list[tuple[str, str]]]]:
    """(path, request, expected (indicator, summary) per card) for each example hook request."""
    from engine.fhir import fhir_to_case

    out = []
    for path in HOOKS:
        request = json.loads(path.read_text(encoding="utf-8"))
        service = next(s for s in SERVICES.values() if s["hook"] == request["hook"])
        mapped = fhir_to_case(request["prefetch"], eng.rulebase.vocabulary, patient_id=request["context"]["patientId"])
        assessment = eng.assess(mapped.case)
        ctx = CardContext(
            assessment,
            eng.rulebase.vocabulary,
            f"Patient/{request['context']['patientId']}",
            None,
            tuple(mapped.issues),
        )
        cards = [(c["indicator"], c["summary"]) for c in build_cards(ctx)]
        out.append((f"/cds-services/{service['id']}", request, cards))
    return out


def build_work(n: int, distinct: bool, eng: engine.Engine, seed: int) -> list[tuple[str, bytes, object]]:
    """n requests: (path, body, expected answer: bytes for /assess, card list for hooks)."""
    hooks = hook_expectations(eng)
    if distinct:
        generated = random_cases(seed, n // 2 + 1, eng.rulebase.vocabulary)
        cases = [json.dumps(c).encode() for c in generated]
    else:
        examples = sorted((REPO / "examples").glob("*.yaml"))
        cases = [json.dumps(eng.load_case(p).model_dump(mode="json", exclude_none=True)).encode() for p in examples]
    expected = {body: eng.assess(json.loads(body)).to_json().encode() + b"\n" for body in cases}
    rng = random.Random(seed)
    work = []
    for i in range(n):
        if i % 2 == 0:
            body = cases[(i // 2) % len(cases)]
            work.append(("/assess", body, expected[body]))
        else:
            path, request, cards = rng.choice(hooks)
            work.append((path, json.dumps({**request, "hookInstance": str(uuid.uuid4())}).encode(), cards))
    return work


class Connection:
    """A bare HTTP/1.1 keep-alive connection: the load generator must cost the machine far less than the service
    (httpx alone took most of a core at this rate), or it measures itself."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reconnects = 0

    async def post(self, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        content = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if "close" in headers.get("connection", "").lower():  # the server asked for a new connection next time
            await self.close()
            self.reconnects += 1
        return status, headers, content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def drive(connections: list[Connection], work: list) -> tuple[list[float], list[str], float, list[float]]:
    """Send `work` over the keep-alive connections, one request at a time on each; (latencies, wrong answers,
    seconds, in-app seconds)."""
    latencies: list[float] = []
    in_app: list[float] = []
    wrong: list[str] = []
    queue = iter(work)

    async def worker(connection: Connection) -> None:
        for path, body, expected in queue:
            started = time.perf_counter()
            status, headers, content = await connection.post(path, body)
            latencies.append(time.perf_counter() - started)
            in_app.append(float(headers.get("server-timing", "app;dur=0").split("dur=")[1]) / 1000)
            if status != 200:
                wrong.append(f"{path}: HTTP {status} {content[:200]!r}")
            elif path == "/assess" and content != expected:
                wrong.append(f"{path}: body differs from the local engine's")
            elif path != "/assess":
                got = [(c["indicator"], c["summary"]) for c in json.loads(content)["cards"]]
                if got != expected:
                    wrong.append(f"{path}: cards {got} != {expected}")

    started = time.perf_counter()
    await asyncio.gather(*(worker(connection) for connection in connections))
    return latencies, wrong, time.perf_counter() - started, in_app


async def warm_then_measure(url: str, warmup: list, work: list, concurrency: int) -> tuple:
    """The warm-up and the measured run share their connections, so the run starts from the steady state the
    warm-up reached (connections spread over the workers); drive()'s figures for the run, wrong answers of
    both, and how many connections the service closed to even out its workers during the run."""
    parsed = urlparse(url)
    connections = [Connection(parsed.hostname, parsed.port or 80) for _ in range(concurrency)]
    try:
        warm_wrong = (await drive(connections, warmup))[1]
        before, cpu = sum(c.reconnects for c in connections), time.process_time()
        latencies, wrong, elapsed, in_app = await drive(connections, work)
        cpu = time.process_time() - cpu
        return latencies, warm_wrong + wrong, elapsed, in_app, sum(c.reconnects for c in connections) - before, cpu
    finally:
        for connection in connections:
            await connection.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="A running service on loopback (default: start one).")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers of the service this script starts.")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--distinct", action="store_true", help="Every /assess case is new (no memo hits).")
    parser.add_argument("--warmup", type=int, default=200, help="Requests sent first and not counted.")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    eng = engine.Engine()
    process = None
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url
        if url is None:
            process, url = start_server(args.workers, str(Path(tmp) / "load.sqlite3"))
        loopback_only(url)
        try:
            work = build_work(args.requests + args.warmup, args.distinct, eng, args.seed)
            latencies, wrong, elapsed, in_app, reconnects, cpu = asyncio.run(
                warm_then_measure(url, work[: args.warmup], work[args.warmup :], args.concurrency)
            )
            health = httpx.get(f"{url}/health").json()
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    ms = [x * 1000 for x in latencies]
    print(
        f"service {url}  workers {args.workers if process else '?'}  concurrency {args.concurrency}  "
        f"{'distinct cases' if args.distinct else 'example cases'}  store {health['store']}"
    )
    print(f"requests {len(ms)} in {elapsed:.1f} s: {len(ms) / elapsed:.0f} requests/s")
    print(
        f"latency ms: p50 {percentile(ms, 0.5):.1f}  p95 {percentile(ms, 0.95):.1f}  p99 {percentile(ms, 0.99):.1f}"
        f"  max {max(ms):.1f}  mean {statistics.mean(ms):.1f}"
    )
    app_ms = [x * 1000 for x in in_app]
    print(
        f"time in the app (Server-Timing) ms: p50 {percentile(app_ms, 0.5):.1f}  p95 {percentile(app_ms, 0.95):.1f}  "
        f"p99 {percentile(app_ms, 0.99):.1f}  mean {statistics.mean(app_ms):.1f}"
    )
    print(f"memo (last worker asked): {health.get('memo')}")
    print(f"connections closed by the service to even out its workers: {reconnects}")
    print(f"load generator's own CPU: {cpu / len(ms) * 1000:.2f} ms a request ({cpu / elapsed:.0%} of one core)")
    print(f"incorrect responses: {len(wrong)}")
    for line in wrong[:5]:
        print("  " + line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
