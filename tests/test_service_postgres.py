"""Replicas sharing one PostgreSQL (started here with initdb/pg_ctl, as the postgres user when run as root): two
service processes write audit records at once and none is lost; a card served by one replica takes feedback on
the other; a JWT used on one is a replay on the other; records stay append-only."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from _service import Issuer, Postgres, Server, hook_call
from _support import EXAMPLES
from click.testing import CliRunner
from sqlalchemy import text

from engine.audit import Store
from engine.commands import main

EHR = Issuer("https://ehr.example.org", "ec")
PATIENT_VIEW = "/cds-services/kinetic-chain-patient-view"
RED_FLAG = "hook-patient-view-red-flag-achilles-rupture.fhir.json"
CASES = ["runner-left-restriction.yaml", "red-flag-possible-dvt.yaml", "contraindication-raynauds.yaml"]
PER_REPLICA = 60


@pytest.fixture(scope="module")
def postgres():
    database = Postgres()
    yield database
    database.stop()


@pytest.fixture(scope="module")
def replicas(postgres, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replicas")
    issuers = tmp / "issuers.json"
    issuers.write_text(json.dumps({EHR.iss: EHR.trust_entry()}))
    # one replica with two uvicorn workers, one with one: three processes on one database
    servers = [
        Server(tmp, "--trusted-issuers", str(issuers), *extra, db=postgres.url) for extra in (("--workers", "2"), ())
    ]
    yield servers
    for server in servers:
        server.stop()


def auth(server: Server, path: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {EHR.token(server.url + path)}"}


def test_two_replicas_writing_at_once_lose_no_record(replicas, postgres):
    before = Store(postgres.url).count()
    bodies = {name: (EXAMPLES / name).read_bytes() for name in CASES}

    def send(job: tuple[int, int]) -> tuple[str, int]:
        replica, index = job
        server = replicas[replica]
        request_id = f"load-{replica}-{index}-{uuid.uuid4()}"
        headers = {**auth(server, "/assess"), "content-type": "application/yaml", "x-request-id": request_id}
        with server.client() as http:
            response = http.post("/assess", content=bodies[CASES[index % len(CASES)]], headers=headers)
        return request_id, response.status_code

    jobs = [(replica, index) for index in range(PER_REPLICA) for replica in (0, 1)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, jobs))
    assert {status for _, status in results} == {200}
    store = Store(postgres.url)
    assert store.count() == before + 2 * PER_REPLICA
    stored = {r["request_id"] for r in store.records(limit=10 * PER_REPLICA)}
    assert {request_id for request_id, _ in results} <= stored


def test_a_card_from_one_replica_takes_feedback_on_the_other(replicas):
    first, second = replicas
    with first.client() as http:
        cards = http.post(PATIENT_VIEW, json=hook_call(RED_FLAG), headers=auth(first, PATIENT_VIEW)).json()["cards"]
    item = {
        "card": cards[0]["uuid"],
        "outcome": "overridden",
        "outcomeTimestamp": "2026-11-25T10:00:00Z",
        "overrideReason": {"reason": cards[0]["overrideReasons"][0]},
    }
    path = f"{PATIENT_VIEW}/feedback"
    with second.client() as http:
        response = http.post(path, json={"feedback": [item]}, headers=auth(second, path))
    assert response.status_code == 200, response.text


def test_a_token_used_on_one_replica_is_a_replay_on_the_other(replicas):
    first, second = replicas
    # behind a load balancer both replicas answer to one public URL; here each has its own, so the same jti is
    # sent with each replica's audience
    jti = str(uuid.uuid4())
    with first.client() as http:
        ok = http.post(
            "/assess",
            json={"case_id": "R1"},
            headers={"Authorization": f"Bearer {EHR.token(first.url + '/assess', jti=jti)}"},
        )
    with second.client() as http:
        replay = http.post(
            "/assess",
            json={"case_id": "R1"},
            headers={"Authorization": f"Bearer {EHR.token(second.url + '/assess', jti=jti)}"},
        )
    assert ok.status_code == 200 and replay.status_code == 401 and "replayed" in replay.text


def test_postgres_records_are_append_only_and_verify(replicas, postgres):
    store = Store(postgres.url)
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE kc_audit_records SET status = 'plan'"))
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM kc_cards"))
    result = CliRunner().invoke(main, ["audit", "verify", "--db", postgres.url, "--limit", "20"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok") == 20


def test_a_key_with_a_nul_character_finds_nothing_on_postgres(replicas, postgres):
    """PostgreSQL refuses NUL in a query string: `/audit/records?request_id=%00` and `/reports/%00` were 500s."""
    store = Store(postgres.url)
    assert store.records(request_id="a\x00b") == [] and store.record("a\x00b") is None and store.card("\x00") is None
    server = replicas[0]
    with server.client() as http:
        listed = http.get("/audit/records?request_id=%00", headers=auth(server, "/audit/records"))
        assert listed.status_code == 200 and listed.json() == {"records": []}
        assert http.get("/reports/%00?token=%00").status_code == 404


def test_control_characters_from_the_ehr_never_reach_the_postgres_store(replicas):
    """A code holding NUL was echoed into a card, a comment or a jti with one was written: each a 500 here."""
    server = replicas[1]
    call = hook_call(RED_FLAG)
    observation = call["prefetch"]["observations"]["entry"][0]["resource"]
    observation["code"]["coding"][0]["code"] = "zz\x00"
    with server.client() as http:
        served = http.post(PATIENT_VIEW, json=call, headers=auth(server, PATIENT_VIEW))
        assert served.status_code == 200 and "control character" in served.text
        token = EHR.token(server.url + PATIENT_VIEW, jti="j\x00")
        refused = http.post(PATIENT_VIEW, json=hook_call(RED_FLAG), headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401 and "NUL" in refused.text
