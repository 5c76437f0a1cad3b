"""CDS Hooks client authentication against a real server started with --trusted-issuers: signed JWTs accepted,
unsigned, wrongly signed, wrong audience, expired, symmetric and replayed tokens refused with 401."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from _service import Issuer, Server, hook_call, self_signed_certificate
from click.testing import CliRunner

from engine.commands import main

PATIENT_VIEW = "/cds-services/kinetic-chain-patient-view"
RED_FLAG = "hook-patient-view-red-flag-achilles-rupture.fhir.json"
EHR = Issuer("https://ehr.example.org", "ec")
PMS = Issuer("https://pms.example.org", "rsa")
STRANGER = Issuer("https://ehr.example.org", "ec")  # claims a trusted issuer, signs with another key


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("auth")
    issuers = tmp / "issuers.json"
    issuers.write_text(json.dumps({EHR.iss: EHR.trust_entry(), PMS.iss: PMS.trust_entry()}))
    running = Server(tmp, "--trusted-issuers", str(issuers), "--cors-origin", "https://ehr.example.org")
    yield running
    running.stop()


def post(server, token: str | None, path: str = PATIENT_VIEW):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with server.client() as http:
        return http.post(path, json=hook_call(RED_FLAG), headers=headers)


def test_signed_calls_from_trusted_issuers_are_accepted(server):
    for issuer in (EHR, PMS):
        response = post(server, issuer.token(server.url + PATIENT_VIEW))
        assert response.status_code == 200, response.text
        assert response.json()["cards"]
    with server.client() as http:
        token = EHR.token(server.url + "/cds-services")
        assert http.get("/cds-services", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_an_unsigned_request_gets_401(server):
    response = post(server, None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["resourceType"] == "OperationOutcome"
    with server.client() as http:
        assert http.get("/cds-services").status_code == 401
        assert http.post("/assess", json={"case_id": "X"}).status_code == 401
        assert http.get("/health").status_code == 200  # load balancers probe it


@pytest.mark.parametrize(
    "make",
    [
        lambda url: STRANGER.token(url),
        lambda url: EHR.token(url.replace("patient-view", "encounter-start")),
        lambda url: EHR.token(url, lifetime=-120),
        lambda url: EHR.token(url, lifetime=7200),
        lambda url: EHR.token(url, lifetime=10**400),  # was an OverflowError, so a 500 (exp minus a float)
        lambda url: jwt.encode(
            {"iss": EHR.iss, "aud": url, "exp": int(time.time()) + 60, "iat": int(time.time()), "jti": "h"},
            "a-shared-secret-of-32-bytes-or-more!",
            algorithm="HS256",
        ),
        lambda url: jwt.encode(
            {"iss": EHR.iss, "aud": url, "exp": int(time.time()) + 60, "iat": int(time.time()), "jti": "n"},
            None,
            algorithm="none",
        ),
        lambda url: Issuer("https://unknown.example.org").token(url),
        lambda url: jwt.encode(
            {"iss": EHR.iss, "aud": url, "exp": int(time.time()) + 60, "jti": "no-iat"},
            EHR.key,
            algorithm="ES384",
            headers={"kid": EHR.kid},
        ),
        lambda url: "not.a.jwt",
    ],
    ids=[
        "wrong-key",
        "wrong-audience",
        "expired",
        "too-long-lived",
        "exp-beyond-a-float",
        "symmetric-hs256",
        "alg-none",
        "unknown-issuer",
        "missing-iat",
        "garbage",
    ],
)
def test_bad_tokens_get_401(server, make):
    assert post(server, make(server.url + PATIENT_VIEW)).status_code == 401


def test_a_replayed_jti_is_refused(server):
    token = EHR.token(server.url + PATIENT_VIEW)
    assert post(server, token).status_code == 200
    replay = post(server, token)
    assert replay.status_code == 401 and "replayed" in replay.text
    same_jti = EHR.token(server.url + PATIENT_VIEW, jti=jwt.decode(token, options={"verify_signature": False})["jti"])
    assert post(server, same_jti).status_code == 401


def test_serve_refuses_a_public_address_without_trusted_issuers():
    public = "0.0.0.0"  # noqa: S104 - the point of the test
    result = CliRunner().invoke(main, ["serve", "--host", public, "--port", "1"])
    assert result.exit_code == 2 and "--trusted-issuers" in result.output


def test_serve_refuses_a_bad_trusted_issuers_file(tmp_path):
    bad = tmp_path / "issuers.json"
    bad.write_text(json.dumps({"https://x": {"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}}}))
    result = CliRunner().invoke(main, ["serve", "--trusted-issuers", str(bad), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1 and "symmetric" in result.output


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('{"https://x": {"jwks": {"keys": [{"kty": "EC", "crv": "P-384", "x": "abc", "y": "def"}]}}}', "https://x"),
        ('{"https://x": {"jwks": {"keys": [{"kty": "RSA"}]}}}', "https://x"),
        ('{"https://x": {"jwks": {"keys": "x"}}}', "a JWKS is a mapping"),
        ('{"https://x": {"jwks": [1]}}', "a JWKS is a mapping"),
        ('{"https://x": {"jwks_file": "absent.json"}}', "No such file"),
        ("{: [", "not valid JSON or YAML (line 1"),
        ("!!python/object:os.system {}", "not valid JSON or YAML"),
    ],
    ids=["bad-ec-key", "rsa-without-numbers", "keys-not-a-list", "jwks-a-list", "missing-file", "bad-yaml", "tag"],
)
def test_a_trusted_issuers_file_that_cannot_be_loaded_is_one_line_naming_why(tmp_path, content, named):
    """Keys PyJWT could not load and JWKS of the wrong shape were tracebacks from `serve`."""
    issuers = tmp_path / "issuers.json"
    issuers.write_text(content)
    result = CliRunner().invoke(main, ["serve", "--trusted-issuers", str(issuers), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert str(issuers) in result.output and named in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_https_with_jwt_on_a_public_style_setup(tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    issuers = tmp_path / "issuers.json"
    issuers.write_text(json.dumps({EHR.iss: EHR.trust_entry()}))
    server = Server(tmp_path, "--trusted-issuers", str(issuers), "--ssl-certfile", str(cert), "--ssl-keyfile", str(key))
    try:
        assert server.url.startswith("https://")
        assert post(server, EHR.token(server.url + PATIENT_VIEW)).status_code == 200
        assert post(server, None).status_code == 401
    finally:
        server.stop()


def test_cors_allows_only_the_configured_origin(server):
    with server.client() as http:
        headers = {
            "Origin": "https://ehr.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        }
        allowed = http.options(PATIENT_VIEW, headers=headers)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://ehr.example.org"
        other = http.options(PATIENT_VIEW, headers={**headers, "Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in other.headers
