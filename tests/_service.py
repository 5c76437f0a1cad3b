"""Real servers for the service tests: `kinetic-chain serve` in a subprocess on a free loopback port (ready when
/health answers), signing keys for JWT clients, and a throwaway PostgreSQL started with initdb/pg_ctl."""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path

import httpx
import jwt
import pytest
from _support import REPO
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fhir.resources.R4B import get_fhir_model_class

from engine.service.cds_models import CardsResponse

FHIR_EXAMPLES = REPO / "examples" / "fhir"


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`python -m cli serve ...` from the work tree, on 127.0.0.1:<free port>."""

    def __init__(self, tmp: Path, *args: str, db: str | None = None) -> None:
        self.port = free_port()
        https = "--ssl-certfile" in args
        self.url = f"{'https' if https else 'http'}://127.0.0.1:{self.port}"
        # over HTTPS, trust exactly the server's own (self-signed) certificate
        self.verify = ssl.create_default_context(cafile=args[args.index("--ssl-certfile") + 1]) if https else True
        self.db = db or str(tmp / "store.sqlite3")
        self.log = tmp / f"server-{self.port}.log"
        command = [sys.executable, "-m", "cli", "serve", "--port", str(self.port), "--db", self.db, *args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
        self._wait()

    def _wait(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2, verify=self.verify).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"server did not answer /health within {timeout} s:\n{self.log.read_text()}")

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, verify=self.verify, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def module_server(name: str, *args: str):
    """Fixtures (server, client): one server for the test module, stopped at its end, and an httpx client on it.
    Use as `server, client = module_server("name")` at module level."""

    @pytest.fixture(scope="module")
    def server(tmp_path_factory):
        running = Server(tmp_path_factory.mktemp(name), *args)
        yield running
        running.stop()

    @pytest.fixture()
    def client(server):
        with server.client() as http:
            yield http

    return server, client


def load_example(name: str) -> dict:
    return json.loads((FHIR_EXAMPLES / name).read_text(encoding="utf-8"))


def hook_call(name: str, hook_instance: str | None = None) -> dict:
    """A hook request from examples/fhir/, with a fresh hookInstance."""
    request = load_example(name)
    request["hookInstance"] = hook_instance or str(uuid.uuid4())
    return request


class Issuer:
    """A CDS client that signs its calls: an EC P-384 key (ES384) published as a JWKS, or an RSA key as PEM."""

    def __init__(self, iss: str, kind: str = "ec") -> None:
        self.iss, self.kind, self.kid = iss, kind, f"{kind}-key-1"
        if kind == "ec":
            self.key = ec.generate_private_key(ec.SECP384R1())
            self.alg = "ES384"
        else:
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.alg = "RS384"

    def trust_entry(self) -> dict:
        public = self.key.public_key()
        if self.kind == "ec":
            jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public))
            return {"jwks": {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": self.alg}]}}
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        return {"pem": pem.decode(), "kid": self.kid}

    def token(self, aud: str, lifetime: int = 300, jti: str | None = None, **claims) -> str:
        now = int(time.time())
        payload = {
            "iss": self.iss,
            "aud": aud,
            "iat": now,
            "exp": now + lifetime,
            "jti": jti or str(uuid.uuid4()),
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm=self.alg, headers={"kid": self.kid, "typ": "JWT"})


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, valid for a day (the HTTPS test)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    import ipaddress

    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert, key_file = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert, key_file


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    pytest.fail("PostgreSQL server binaries (pg_ctl, initdb) not found; they are required for the store tests")


class Postgres:
    """A throwaway PostgreSQL cluster on a free loopback port. PostgreSQL refuses to run as root, so as root the
    cluster belongs to the `postgres` system user (created if missing) and runs through runuser."""

    def __init__(self) -> None:
        tmp = Path(tempfile.mkdtemp(prefix="kc-pg-"))  # not under pytest's 0700 tmp: the postgres user must enter it
        self.tmp = tmp
        self.bin = _pg_bin()
        self.port = free_port()
        self.dir = tmp / "pgdata"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                subprocess.run(
                    [shutil.which("useradd") or "/usr/sbin/useradd", "--system", "--no-create-home", "postgres"],
                    check=True,
                )
            tmp.chmod(0o700)
            shutil.chown(tmp, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.dir), "-U", "kc", "--auth=trust", "--encoding=UTF8", "--no-sync")
        options = f"-p {self.port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        self._run("pg_ctl", "-D", str(self.dir), "-o", options, "-l", str(tmp / "pg.log"), "-w", "-t", "60", "start")
        self.url = f"postgresql://kc@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self.prefix, str(self.bin / tool), *args], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"{tool} failed ({result.returncode}): {result.stdout}\n{result.stderr}")

    def stop(self) -> None:
        subprocess.run(
            [*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "stop"], capture_output=True
        )
        shutil.rmtree(self.tmp, ignore_errors=True)


#: The CDS Hooks services and the example hook calls the service tests use.
PATIENT_VIEW = "/cds-services/kinetic-chain-patient-view"
ENCOUNTER_START = "/cds-services/kinetic-chain-encounter-start"
RED_FLAG = "hook-patient-view-red-flag-achilles-rupture.fhir.json"
SCREEN_FIRST = "hook-patient-view-screen-first-calf-pain-after-flight.fhir.json"
PLAN = "hook-encounter-start-runner-left-restriction.fhir.json"


def cards_of(response) -> list[dict]:
    """The cards of a 200 answer, each checked against the CDS Hooks shapes and its suggested resources
    against their fhir.resources models."""
    assert response.status_code == 200, response.text
    CardsResponse.model_validate(response.json())
    cards = response.json()["cards"]
    for card in cards:
        assert len(card["summary"]) < 140
        uuid.UUID(card["uuid"])
        for suggestion in card.get("suggestions", []):
            uuid.UUID(suggestion["uuid"])
            for action in suggestion["actions"]:
                get_fhir_model_class(action["resource"]["resourceType"]).model_validate(action["resource"])
    return cards
