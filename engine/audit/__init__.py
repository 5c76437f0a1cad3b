"""The audit trail: every assessment served is one append-only record (input and output SHA-256, engine and
rule-base version and hash, status, referral and recommendation ids), in a SQLAlchemy store."""

from engine.audit.records import Verification, canonical_input, new_record, sha256, verify
from engine.audit.store import DEFAULT_DB, Store, database_url

__all__ = ["DEFAULT_DB", "Store", "Verification", "canonical_input", "database_url", "new_record", "sha256", "verify"]
