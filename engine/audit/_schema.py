"""The store's tables (SQLAlchemy Core): audit records, cards, feedback and seen JWT ids.

Audit records, cards and feedback are append-only: the service only inserts, and a database trigger refuses any
UPDATE or DELETE on them (SQLite and PostgreSQL), so not even a bug in this code can rewrite what the engine said.
"""

from __future__ import annotations

from sqlalchemy import DDL, Column, Integer, MetaData, String, Table, Text, UniqueConstraint, event

metadata = MetaData()

audit_records = Table(
    "kc_audit_records",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("source", String(16), nullable=False),
    Column("request_id", String(128), nullable=False, index=True),
    Column("service_id", String(64)),
    Column("case_id", String(64), nullable=False),
    Column("input_sha256", String(64), nullable=False),
    Column("input_json", Text, nullable=False),
    Column("engine_version", String(32), nullable=False),
    Column("rulebase_name", String(200), nullable=False),
    Column("rulebase_version", String(64), nullable=False),
    Column("rulebase_sha256", String(64), nullable=False),
    Column("status", String(32), nullable=False),
    Column("referral_ids", Text, nullable=False),
    Column("recommendation_ids", Text, nullable=False),
    Column("output_sha256", String(64), nullable=False),
    Column("output_json", Text, nullable=False),
    Column("report_token", String(64), nullable=False),
)

cards = Table(
    "kc_cards",
    metadata,
    Column("uuid", String(36), primary_key=True),
    Column("record_id", String(36), nullable=False, index=True),
    Column("service_id", String(64), nullable=False),
    Column("hook_instance", String(128), nullable=False),
    Column("indicator", String(16), nullable=False),
    Column("summary", String(200), nullable=False),
    Column("suggestion_uuids", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
)

feedback = Table(
    "kc_feedback",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("card_uuid", String(36), nullable=False, index=True),
    Column("service_id", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("accepted_suggestions", Text, nullable=False),
    Column("override_system", String(300)),
    Column("override_code", String(200)),
    Column("override_display", String(300)),
    Column("user_comment", Text),
    Column("outcome_timestamp", String(40), nullable=False),
    Column("received_at", String(32), nullable=False),
)

seen_tokens = Table(
    "kc_seen_tokens",
    metadata,
    Column("issuer", String(300), nullable=False),
    Column("jti", String(300), nullable=False),
    Column("expires_at", Integer, nullable=False, index=True),
    UniqueConstraint("issuer", "jti", name="uq_kc_seen_tokens"),
)

APPEND_ONLY = (audit_records, cards, feedback)

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kc_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'kinetic-chain audit tables are append-only (%% on %%)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""

event.listen(audit_records, "before_create", DDL(_PG_FUNCTION).execute_if(dialect="postgresql"))
for _table in APPEND_ONLY:
    for _op in ("UPDATE", "DELETE"):
        event.listen(
            _table,
            "after_create",
            DDL(
                f"CREATE TRIGGER {_table.name}_no_{_op.lower()} BEFORE {_op} ON {_table.name} "
                f"BEGIN SELECT RAISE(ABORT, 'kinetic-chain audit tables are append-only'); END"
            ).execute_if(dialect="sqlite"),
        )
        event.listen(
            _table,
            "after_create",
            DDL(
                f"CREATE TRIGGER {_table.name}_no_{_op.lower()} BEFORE {_op} ON {_table.name} "
                "FOR EACH ROW EXECUTE FUNCTION kc_append_only()"
            ).execute_if(dialect="postgresql"),
        )
