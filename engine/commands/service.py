"""CLI commands for clinic software integration: `serve`, `fhir-to-case` and `audit list|show|verify`."""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path
from typing import Any

import click

from engine.commands._support import EPILOG, CasesInvalid, engine_of, fail, reports_errors

DB_HELP = "The store: a SQLite file path or a SQLAlchemy URL such as postgresql://user@host/db."


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command(epilog=EPILOG)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--db", default="kinetic-chain.sqlite3", show_default=True, help=DB_HELP)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="uvicorn worker processes.")
@click.option(
    "--trusted-issuers",
    type=click.Path(exists=True, dir_okay=False),
    help="JSON/YAML file: issuer -> {jwks|jwks_file|pem|pem_file}; every call then needs a signed JWT.",
)
@click.option("--insecure-no-auth", is_flag=True, help="Allow a non-loopback address without --trusted-issuers.")
@click.option("--public-url", help="The URL clients call (JWT audience, report links); default http://HOST:PORT.")
@click.option("--cors-origin", "cors_origins", multiple=True, help="Allow browser clients from this origin (repeat).")
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), help="Serve HTTPS with this certificate.")
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), help="The certificate's private key.")
@click.option(
    "--log-level", default="info", show_default=True, type=click.Choice(("debug", "info", "warning", "error"))
)
@click.pass_context
@reports_errors
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    db: str,
    workers: int,
    trusted_issuers: str | None,
    insecure_no_auth: bool,
    public_url: str | None,
    cors_origins: tuple[str, ...],
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
    log_level: str,
) -> None:
    """Run the CDS Hooks service and JSON API with uvicorn (the ASGI app is engine.service:create_app).

    \b
    Example:
      kinetic-chain serve --port 8080 --db clinic.sqlite3
      curl http://127.0.0.1:8080/cds-services
    """
    if not _is_loopback(host) and not trusted_issuers and not insecure_no_auth:
        raise click.UsageError(
            f"refusing to listen on {host} without --trusted-issuers (clients must sign their calls); "
            "give --insecure-no-auth to do it anyway"
        )
    import uvicorn

    from engine.audit.store import Store
    from engine.service._auth import load_trusted_issuers
    from engine.service._factory import settings_env

    engine_of(ctx)  # fail fast (exit 1) on an invalid rule base, before any worker starts
    if trusted_issuers:
        try:
            load_trusted_issuers(trusted_issuers)
        except (ValueError, OSError) as error:
            fail(f"{trusted_issuers}: {error}")
    store = Store(db)
    store.create_schema()
    store.dispose()
    shown_host = f"[{host}]" if ":" in host else host
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise click.UsageError("--ssl-certfile and --ssl-keyfile go together")
    scheme = "https" if ssl_certfile else "http"
    settings = {
        "rules_dir": ctx.obj["rules_dir"],
        "db": db,
        "public_url": public_url or f"{scheme}://{shown_host}:{port}",
        "trusted_issuers": trusted_issuers,
        "log_level": log_level,
        "cors_origins": list(cors_origins),
    }
    import os

    os.environ.update(settings_env(**settings))
    click.echo(
        f"kinetic-chain service on {scheme}://{shown_host}:{port} (store {store.dialect}, "
        f"{'JWT auth' if trusted_issuers else 'no auth'}, {workers} worker(s))",
        err=True,
    )
    # no access log: its lines would carry report tokens; the service logs record ids itself
    options = {"log_level": log_level, "access_log": False, "ssl_certfile": ssl_certfile, "ssl_keyfile": ssl_keyfile}
    if workers > 1:
        from engine.service._workers import run_workers

        sys.exit(run_workers(host, port, workers, options))
    uvicorn.run("engine.service._factory:app_from_env", factory=True, host=host, port=port, **options)


@click.command("fhir-to-case", epilog=EPILOG)
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(("yaml", "json")), default="yaml", show_default=True)
@click.option("--visit-date", help="Use this visit date (ISO) instead of the one found in the data.")
@click.pass_context
@reports_errors
def fhir_to_case_command(ctx: click.Context, bundle: str, fmt: str, visit_date: str | None) -> None:
    """Print the case file a FHIR R4 Bundle (or CDS Hooks prefetch) maps to; what was not used goes to stderr.

    Exit code 1 when the data maps to an invalid case (the problems name the case fields).

    \b
    Example:
      kinetic-chain fhir-to-case examples/fhir/runner-left-restriction.json
    """
    import yaml

    from engine.case.loader import read_case_bytes, validate_case
    from engine.fhir import fhir_to_case

    engine = engine_of(ctx)
    try:
        document = json.loads(read_case_bytes(bundle).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{bundle}: not a FHIR JSON document ({error})")
    mapped = fhir_to_case(document, engine.rulebase.vocabulary, visit_date)
    for issue in mapped.issues:
        click.echo(f"{bundle}: {issue.line()}", err=True)
    validate_case(engine.case_model, mapped.case, f"{bundle} (as a case)")
    if fmt == "json":
        click.echo(json.dumps(mapped.case, indent=2, ensure_ascii=False))
    else:
        click.echo(
            f"# case mapped from {Path(bundle).name}\n"
            + yaml.safe_dump(mapped.case, sort_keys=False, allow_unicode=True),
            nl=False,
        )


@click.group(epilog=EPILOG)
def audit() -> None:
    """Read the audit trail: every assessment the service (or `assess --audit`) served.

    \b
    Example:
      kinetic-chain audit list --db kinetic-chain.sqlite3
      kinetic-chain audit verify
    """


def audit_store(db: str) -> Any:
    """The audit store at `db`, opened once per command and closed when the command ends: its connections
    closed, so that a SQLite file holds every record by itself, with no write-ahead log left beside it (the
    process may end without the interpreter's teardown: engine.commands._process)."""
    from engine.audit.store import Store

    context = click.get_current_context()
    stores = context.meta.setdefault("kinetic_chain.audit_stores", {})
    if db not in stores:
        store = Store(db)
        context.call_on_close(store.dispose)
        store.create_schema()
        stores[db] = store
    return stores[db]


@audit.command("list", epilog=EPILOG)
@click.option("--db", default="kinetic-chain.sqlite3", show_default=True, help=DB_HELP)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@reports_errors
def audit_list(db: str, limit: int, fmt: str) -> None:
    """The latest records, newest first (sequence number, id, time, source, status, case, rule base, output hash).

    \b
    Example:
      kinetic-chain audit list --db kinetic-chain.sqlite3 --limit 20
    """
    rows = audit_store(db).records(limit=limit)
    if fmt == "json":
        hidden = {"input_json", "output_json", "report_token"}
        click.echo(json.dumps([{k: v for k, v in r.items() if k not in hidden} for r in rows], indent=2))
        return
    for r in rows:
        click.echo(
            f"{r['seq']:>6}  {r['id']}  {r['created_at'][:19]}  {r['source']:<11} {r['status']:<15} "
            f"{r['case_id']}  rules {r['rulebase_version']}  out {r['output_sha256'][:12]}"
        )


@audit.command("show", epilog=EPILOG)
@click.argument("record_id")
@click.option("--db", default="kinetic-chain.sqlite3", show_default=True, help=DB_HELP)
@reports_errors
def audit_show(record_id: str, db: str) -> None:
    """One record (by id or sequence number) with its input, cards and feedback, as JSON.

    \b
    Example:
      kinetic-chain audit show 12
    """
    store = audit_store(db)
    record = store.record(record_id)
    if record is None:
        fail(f"no audit record {record_id}")
    cards = store.cards_for_record(record["id"])
    record = {k: v for k, v in record.items() if k not in ("report_token", "output_json")}
    record["input"] = json.loads(record.pop("input_json"))
    payload = {"record": record, "cards": cards, "feedback": store.feedback_for([c["uuid"] for c in cards])}
    click.echo(json.dumps(payload, indent=2, ensure_ascii=False))


@audit.command("verify", epilog=EPILOG)
@click.argument("record_ids", nargs=-1)
@click.option("--db", default="kinetic-chain.sqlite3", show_default=True, help=DB_HELP)
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 10**7), help="Records to check.")
@click.pass_context
@reports_errors
def audit_verify(ctx: click.Context, record_ids: tuple[str, ...], db: str, limit: int) -> None:
    """Re-run stored inputs: does the engine still give the same output hash? Exit 1 if any record differs.

    \b
    Example:
      kinetic-chain --rules rules-next/ audit verify --db postgresql://cds@dbhost/cds
    """
    from engine.audit.records import verify

    store = audit_store(db)
    engine = engine_of(ctx)
    records = [store.record(i) for i in record_ids] if record_ids else store.records(limit=limit)
    missing = [i for i, r in zip(record_ids, records, strict=False) if r is None]
    if missing:
        fail(f"no audit record {', '.join(missing)}")
    results = [verify(r, engine) for r in records]
    for result in results:
        click.echo(result.line())
    changed = sum(not r.ok for r in results)
    click.echo(
        f"{len(results) - changed} of {len(results)} records give the same output with rule base "
        f"{engine.rulebase.version}",
        err=True,
    )
    if changed:
        raise CasesInvalid()  # each differing record was listed above


def record_cli_assessment(case: Any, assessment: Any, db: str) -> None:
    """`assess --audit`: the same record the service writes, with source 'cli' (StoreError if it cannot be)."""
    from engine.audit.records import new_record

    audit_store(db).add_record(new_record(case, assessment, "cli"))
