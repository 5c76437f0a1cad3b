"""The store behind the service and `kinetic-chain audit`: a SQLite file by default, any SQLAlchemy URL otherwise
(postgresql://... lets several service replicas share one database). It only ever inserts audit data."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, insert, select
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from engine.audit._schema import audit_records, cards, feedback, metadata, seen_tokens

DEFAULT_DB = "kinetic-chain.sqlite3"


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")


def database_url(db: str | Path | None) -> str:
    """A SQLAlchemy URL from --db: a URL as given (postgresql:// uses psycopg 3), or a SQLite file path."""
    text = str(db or DEFAULT_DB)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    return text


class _FileWriteLock:
    """One SQLite writer at a time across the threads and processes (uvicorn workers) sharing a file: a waiting
    writer blocks on a lock file and wakes when it is free, instead of sleeping in SQLite's growing busy steps."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}.write-lock"
        self._thread_lock = threading.Lock()
        self._fd: int | None = None

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        try:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Store:
    """Audit records, CDS Hooks cards and feedback, and the JWT ids seen (for replay protection)."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.url = database_url(db)
        self.engine: SqlEngine = create_engine(self.url, pool_pre_ping=True, future=True)
        # SQLite has one writer at a time, and a writer that finds the file locked sleeps in growing steps (up to
        # 100 ms): writers take turns on a lock file instead. PostgreSQL needs no such thing.
        self._write_lock: Any = contextlib.nullcontext()
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            database = self.engine.url.database
            self._write_lock = _FileWriteLock(database) if database and database != ":memory:" else threading.Lock()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def create_schema(self) -> None:
        """Create the tables if missing; safe when several processes start at once."""
        for attempt in range(5):
            try:
                metadata.create_all(self.engine, checkfirst=True)
                return
            except (IntegrityError, ProgrammingError, OperationalError):
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def dispose(self) -> None:
        self.engine.dispose()

    # -- writing ------------------------------------------------------------------------------------------------

    def add_record(self, record: dict[str, Any], card_rows: list[dict[str, Any]] = ()) -> None:
        """One assessment served (and the cards shown for it), in one transaction."""
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(insert(audit_records), [record])  # parameters apart: the compiled statement is cached
            if card_rows:
                conn.execute(insert(cards), list(card_rows))

    def add_feedback(self, rows: list[dict[str, Any]]) -> None:
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(insert(feedback), rows)

    def claim_token(self, issuer: str, jti: str, expires_at: int) -> bool:
        """Remember a JWT id until it expires; False if it was already seen (a replay)."""
        try:
            with self._write_lock, self.engine.begin() as conn:
                conn.execute(insert(seen_tokens), [{"issuer": issuer, "jti": jti, "expires_at": expires_at}])
        except IntegrityError:
            return False
        return True

    def forget_expired_tokens(self, before: int) -> None:
        """Drop JWT ids past their lifetime (a replayed token would fail its exp check anyway)."""
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(seen_tokens.delete().where(seen_tokens.c.expires_at < before))

    # -- reading ------------------------------------------------------------------------------------------------

    def records(self, limit: int = 50, offset: int = 0, request_id: str | None = None) -> list[dict[str, Any]]:
        query = select(audit_records).order_by(audit_records.c.seq.desc()).limit(limit).offset(offset)
        if request_id:
            query = query.where(audit_records.c.request_id == request_id)
        with self.engine.connect() as conn:
            return [self._row(row) for row in conn.execute(query).mappings()]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(audit_records)).scalar_one()

    def record(self, record_id: str) -> dict[str, Any] | None:
        """A record by its id, or by its sequence number."""
        column = audit_records.c.seq if record_id.isdigit() else audit_records.c.id
        key: Any = int(record_id) if record_id.isdigit() else record_id
        with self.engine.connect() as conn:
            row = conn.execute(select(audit_records).where(column == key)).mappings().first()
        return self._row(row) if row else None

    def latest_for_request(self, request_id: str) -> dict[str, Any] | None:
        found = self.records(limit=1, request_id=request_id)
        return found[0] if found else None

    def card(self, uuid: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(cards).where(cards.c.uuid == uuid)).mappings().first()
        return {**row, "suggestion_uuids": json.loads(row["suggestion_uuids"])} if row else None

    def cards_for_record(self, record_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(cards).where(cards.c.record_id == record_id)).mappings().all()
        return [{**row, "suggestion_uuids": json.loads(row["suggestion_uuids"])} for row in rows]

    def feedback_for(self, card_uuids: list[str]) -> list[dict[str, Any]]:
        query = select(feedback).where(feedback.c.card_uuid.in_(card_uuids)).order_by(feedback.c.seq)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [{**row, "accepted_suggestions": json.loads(row["accepted_suggestions"])} for row in rows]

    @staticmethod
    def _row(row: Any) -> dict[str, Any]:
        out = dict(row)
        for key in ("referral_ids", "recommendation_ids"):
            out[key] = json.loads(out[key])
        return out
