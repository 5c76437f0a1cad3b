"""CDS Hooks client authentication: a signed JWT as `Authorization: Bearer`, checked with PyJWT against the
configured issuers' public keys (iss, aud = the endpoint URL, exp, iat, jti; a jti is accepted once).

The trusted-issuers file (JSON or YAML) maps each issuer to its keys, given out of band as the spec allows:
    {"https://ehr.example.org": {"jwks": {"keys": [...]}}}      or {"jwks_file": "ehr-jwks.json"}
    {"https://other.example.org": {"pem": "-----BEGIN PUBLIC KEY-----..."}}  or {"pem_file": "other.pem"}
A `jku` header is never fetched: keys come only from this file.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import yaml
from cryptography.hazmat.primitives.serialization import load_pem_public_key

#: Asymmetric algorithms only: the spec forbids `none` and every symmetric (HMAC) algorithm.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
MAX_LIFETIME = 3600  # seconds a token may still be valid for; bounds the replay table
LEEWAY = 30
PRUNE_EVERY = 500  # tokens checked between two clean-ups of expired jtis


class AuthError(Exception):
    """Why a request is not authenticated (sent back as a 401, never with the token)."""


@dataclass(frozen=True)
class IssuerKeys:
    issuer: str
    by_kid: dict[str, Any]  # kid -> public key; key None for a PEM without kid

    def key_for(self, kid: str | None) -> Any:
        if kid is not None and kid in self.by_kid:
            return self.by_kid[kid]
        if None in self.by_kid and (kid is None or len(self.by_kid) == 1):
            return self.by_kid[None]
        raise AuthError(f"no key with kid {kid!r} for issuer {self.issuer}")


def _read(base: Path, name: str) -> str:
    path = Path(name)
    return (path if path.is_absolute() else base / path).read_text(encoding="utf-8")


def _jwks_keys(jwks: Any) -> dict[str, Any]:
    items = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError('a JWKS is a mapping {"keys": [key, ...]}, each key a mapping')
    keys: dict[str, Any] = {}
    for item in items:
        if item.get("kty") == "oct":
            raise ValueError("symmetric (oct) keys are not allowed")
        keys[item.get("kid")] = jwt.PyJWK(item).key
    if not keys:
        raise ValueError("the JWKS holds no keys")
    return keys


def _issuer_keys(base: Path, spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise ValueError("expected jwks, jwks_file, pem or pem_file")
    if "jwks" in spec or "jwks_file" in spec:
        return _jwks_keys(spec.get("jwks") or json.loads(_read(base, spec["jwks_file"])))
    if "pem" in spec or "pem_file" in spec:
        pem = spec.get("pem") or _read(base, spec["pem_file"])
        return {spec.get("kid"): load_pem_public_key(pem.encode("utf-8"))}
    raise ValueError("expected jwks, jwks_file, pem or pem_file")


def load_trusted_issuers(path: str | Path) -> dict[str, IssuerKeys]:
    """Parse the trusted-issuers file; raises ValueError naming the issuer on any bad entry (a key PyJWT or
    cryptography cannot load, a JWKS of the wrong shape, a key file that cannot be read)."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ValueError(f"not valid JSON or YAML{where}: {getattr(error, 'problem', None) or error}") from None
    if not isinstance(data, dict) or not data:
        raise ValueError("expected a mapping issuer -> {jwks|jwks_file|pem|pem_file}")
    out: dict[str, IssuerKeys] = {}
    for issuer, spec in data.items():
        try:
            keys = _issuer_keys(file.parent, spec)
        except (ValueError, TypeError, AttributeError, OSError, jwt.PyJWTError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise ValueError(f"{issuer}: {reason or type(error).__name__}") from None
        out[str(issuer)] = IssuerKeys(str(issuer), keys)
    return out


class Authenticator:
    """Checks one request's bearer JWT; `claim_jti(issuer, jti, exp)` returns False for a replayed jti."""

    def __init__(self, issuers: dict[str, IssuerKeys], claim_jti: Any, forget_expired: Any = None) -> None:
        self.issuers = issuers
        self.claim_jti = claim_jti
        self.forget_expired = forget_expired  # called now and then to drop jtis past their lifetime
        self.checked = 0

    def check(self, authorization: str | None, audience: str) -> dict[str, Any]:
        if not authorization or not authorization.startswith("Bearer "):
            raise AuthError("missing bearer token (Authorization: Bearer <JWT>)")
        token = authorization[len("Bearer ") :].strip()
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AuthError("malformed JWT") from None
        alg = header.get("alg")
        if alg not in ALGORITHMS:
            raise AuthError(f"algorithm {alg!r} is not accepted (asymmetric algorithms only)")
        if header.get("typ") not in (None, "JWT"):
            raise AuthError("JWT header typ must be JWT")
        issuer = unverified.get("iss")
        keys = self.issuers.get(issuer) if isinstance(issuer, str) else None
        if keys is None:
            raise AuthError("issuer is not trusted")
        try:
            claims = jwt.decode(
                token,
                keys.key_for(header.get("kid")),
                algorithms=[alg],
                audience=audience,
                issuer=issuer,
                leeway=LEEWAY,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError(f"token audience is not {audience}") from None
        except jwt.PyJWTError as error:
            raise AuthError(f"invalid token: {error}") from None
        if claims["exp"] > time.time() + MAX_LIFETIME:  # compared, not subtracted: an exp of 10**400 is an int
            raise AuthError(f"token lifetime is over {MAX_LIFETIME} s")
        if not isinstance(claims["jti"], str) or not claims["jti"] or "\x00" in claims["jti"]:
            raise AuthError("jti must be a non-empty string without NUL characters")  # a database stores it
        self.checked += 1
        if self.forget_expired is not None and self.checked % PRUNE_EVERY == 0:
            self.forget_expired(int(time.time()))
        if not self.claim_jti(issuer, claims["jti"], int(claims["exp"]) + LEEWAY):
            raise AuthError("token replayed (jti already used)")
        return claims
