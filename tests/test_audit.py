"""The audit trail: the service and `assess --audit` write one append-only record per assessment, `kinetic-chain
audit list|show|verify` reads them, and verify notices when a rule-base change alters an answer."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from urllib.parse import quote

import pytest
from _service import Server, hook_call
from _support import EXAMPLES, RULES
from click.testing import CliRunner
from sqlalchemy import text

from engine.audit import Store
from engine.commands import main
from engine.errors import StoreError

RED_FLAG = "hook-patient-view-red-flag-achilles-rupture.fhir.json"


def sha(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server that has answered one hook call and two /assess calls; yields (server, what it answered)."""
    server = Server(tmp_path_factory.mktemp("audit"))
    answers = {}
    with server.client() as http:
        call = hook_call(RED_FLAG)
        answers["hook"] = (call["hookInstance"], http.post("/cds-services/kinetic-chain-patient-view", json=call))
        for name in ("runner-left-restriction.yaml", "contraindication-raynauds.yaml"):
            response = http.post(
                "/assess",
                content=(EXAMPLES / name).read_bytes(),
                headers={"content-type": "application/yaml", "x-request-id": f"req-{name}"},
            )
            answers[name] = response
    yield server, answers
    server.stop()


def test_every_assessment_served_is_one_record_with_hashes_and_ids(served):
    server, answers = served
    store = Store(server.db)
    records = {r["request_id"]: r for r in store.records()}
    assert len(records) == 3
    record = records["req-runner-left-restriction.yaml"]
    body = answers["runner-left-restriction.yaml"].text
    assert record["output_sha256"] == sha(body.rstrip("\n"))
    assert record["input_sha256"] == sha(record["input_json"])
    assert record["status"] == json.loads(body)["status"]
    assert record["recommendation_ids"] == [f"{r['id']}:{r['side']}" for r in json.loads(body)["recommendations"]]
    assert len(record["rulebase_sha256"]) == 64 and record["engine_version"] and record["created_at"]
    hook_instance, response = answers["hook"]
    hook = records[hook_instance]
    assert hook["source"] == "cds-hooks" and hook["service_id"] == "kinetic-chain-patient-view"
    assert hook["referral_ids"] == ["urgent_medical_referral:right"]
    assert {c["uuid"] for c in store.cards_for_record(hook["id"])} == {c["uuid"] for c in response.json()["cards"]}


@pytest.mark.parametrize("key", ["²", "9" * 30, "1" * 5000, "a\x00b", "%00"])
def test_a_record_key_no_record_can_have_is_a_404_not_a_500(served, key):
    """Found by fuzzing: '²' passed str.isdigit and failed int(); 30 digits overflowed SQLite's integer."""
    server, _ = served
    with server.client() as http:
        response = http.get(f"/audit/records/{quote(key, safe='')}")
        assert response.status_code == 404, response.text
        assert http.get(f"/audit/records?request_id={quote(key, safe='')}").json() == {"records": []}
        assert http.get(f"/reports/{quote(key, safe='')}?token={quote(key, safe='')}").status_code == 404
    assert Store(server.db).record("1") is not None  # a sequence number still finds its record


def test_audit_list_show_and_verify_read_the_store(served):
    server, _ = served
    listed = run("audit", "list", "--db", server.db, "--format", "json")
    assert listed.exit_code == 0
    rows = json.loads(listed.stdout)
    assert len(rows) == 3 and "input_json" not in rows[0]
    shown = run("audit", "show", rows[0]["id"], "--db", server.db)
    assert shown.exit_code == 0 and json.loads(shown.stdout)["record"]["input"]["case_id"]
    verified = run("audit", "verify", "--db", server.db)
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.count(": ok") == 3 and "3 of 3" in verified.stderr
    assert run("audit", "show", "no-such-record", "--db", server.db).exit_code == 1


def test_verify_shows_a_rule_base_change(served, tmp_path):
    server, _ = served
    changed = tmp_path / "rules"
    shutil.copytree(RULES, changed)
    vocabulary = changed / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text().replace("3 x 30-60 s per leg", "3 x 45 s per leg"))
    result = run("--rules", str(changed), "audit", "verify", "--db", server.db)
    assert result.exit_code == 1
    # the output names the rule base hash, so every record shows the change, with the old and new hash
    assert result.stdout.count("CHANGED") == 3 and result.stdout.count("rule base 2026") == 3
    assert "0 of 3" in result.stderr


def test_records_cannot_be_updated_or_deleted(served):
    server, _ = served
    store = Store(server.db)
    for statement in (
        "UPDATE kc_audit_records SET status = 'plan'",
        "DELETE FROM kc_audit_records",
        "UPDATE kc_cards SET summary = 'x'",
        "DELETE FROM kc_cards",
    ):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert store.count() == 3


@pytest.mark.parametrize(
    "db",
    ["{tmp}/absent/folder/audit.sqlite3", "{tmp}/not-a-database.sqlite3", "{tmp}", "postgresql://kc@127.0.0.1:1/x",
     "notascheme://x", "mysql://x"],
    ids=["missing-folder", "not-a-database", "a-folder", "refused-connection", "unknown-scheme", "driver-missing"],
)  # fmt: skip
def test_an_audit_store_that_cannot_be_opened_is_one_line_and_exit_4(tmp_path, db):
    """Every one was a traceback; `assess --audit` with the store unwritable printed its report and exited 0,
    the record lost."""
    db = db.format(tmp=tmp_path)
    (tmp_path / "not-a-database.sqlite3").write_text("hello")
    example = str(EXAMPLES / "runner-left-restriction.yaml")
    for args in (
        ["audit", "list", "--db", db],
        ["audit", "show", "1", "--db", db],
        ["audit", "verify", "--db", db],
        ["assess", example, "--audit", "--db", db],
        ["serve", "--port", "0", "--db", db],
    ):
        result = run(*args)
        assert result.exit_code == 4 and isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.stdout == "" and result.stderr.strip().splitlines() == [result.stderr.strip()], args
        assert result.stderr.startswith(f"{db}: cannot open or use the audit store: "), (args, result.stderr)


def test_a_write_the_store_cannot_take_is_a_store_error_naming_it_with_the_cause(tmp_path):
    """A store that fails after it was opened (here its records table is gone) is the same named error as one
    that cannot be opened, for the CLI and the service alike; the database's own error stays its cause."""
    from engine.api import Engine
    from engine.audit.records import new_record

    engine = Engine()
    case = engine.load_case(EXAMPLES / "runner-left-restriction.yaml")
    store = Store(tmp_path / "a.sqlite3")
    store.create_schema()
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE kc_audit_records"))
    with pytest.raises(StoreError, match=r"a\.sqlite3: cannot open or use the audit store: no such table") as info:
        store.add_record(new_record(case, engine.assess(case), "cli"))
    assert info.value.__cause__ is not None
    store.dispose()


def test_cli_assess_audit_is_off_by_default_and_writes_a_record_when_asked(tmp_path):
    db = tmp_path / "cli.sqlite3"
    case = str(EXAMPLES / "red-flag-ottawa-ankle.yaml")
    plain = run("assess", case, "--format", "json", "--db", str(db))
    assert plain.exit_code == 0 and not db.exists()
    audited = run("assess", case, "--format", "json", "--audit", "--db", str(db))
    assert audited.exit_code == 0 and audited.stdout == plain.stdout
    (record,) = Store(str(db)).records()
    assert record["source"] == "cli" and record["output_sha256"] == sha(plain.stdout.rstrip("\n"))
    assert run("audit", "verify", "--db", str(db)).exit_code == 0


def test_the_service_store_copies_its_log_off_the_request_path_and_keeps_every_record(tmp_path):
    """A SQLite store whose log is checkpointed by the service's background thread, not by a writer: the log
    starts again after a checkpoint instead of growing, and every record committed before is there."""
    from engine.api import Engine
    from engine.audit.records import new_record

    engine = Engine()
    case = engine.load_case(EXAMPLES / "runner-left-restriction.yaml")
    assessment = engine.assess(case)
    store = Store(tmp_path / "a.sqlite3")
    store.create_schema()
    assert store.checkpoint_in_background(every=3600)  # started; its first round is an hour away
    assert not store.checkpoint_in_background()  # one thread per store

    for _ in range(150):
        store.add_record(new_record(case, assessment, "api"))
    wal = tmp_path / "a.sqlite3-wal"
    grown = wal.stat().st_size
    assert grown > 1000 * 4096  # past SQLite's own 1000-page checkpoint: no writer copied the log
    store.checkpoint()
    for _ in range(150):
        store.add_record(new_record(case, assessment, "api"))
    assert wal.stat().st_size < 1.5 * grown  # written again from its beginning, not appended to (2x)
    store.dispose()
    assert Store(tmp_path / "a.sqlite3").count() == 300


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_stopped_service_leaves_every_record_in_the_database_file_itself(tmp_path, workers):
    """Records served just before a stop (SIGTERM) are in the SQLite file alone once the service has stopped, with
    no write-ahead log left beside it: a copy of the file (a backup, a hand-over) loses nothing."""
    import sqlite3

    server = Server(tmp_path, "--workers", workers)
    with server.client() as http:
        for _ in range(6):
            response = http.post(
                "/assess",
                content=(EXAMPLES / "runner-left-restriction.yaml").read_bytes(),
                headers={"content-type": "application/yaml"},
            )
            assert response.status_code == 200
    server.stop()
    assert sorted(path.name for path in tmp_path.glob("store.sqlite3-*")) == []
    copy = tmp_path / "copy" / "store.sqlite3"
    copy.parent.mkdir()
    shutil.copyfile(server.db, copy)
    with contextlib.closing(sqlite3.connect(copy)) as database:
        assert database.execute("select count(*) from kc_audit_records").fetchone() == (6,)
