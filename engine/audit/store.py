"""The store behind the service and `kinetic-chain audit`: a SQLite file by default, any SQLAlchemy URL otherwise
(postgresql://... lets several service replicas share one database). It only ever inserts audit data."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, insert, select
from sqlalchemy.engine import Engine as SqlEngine
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from engine.audit._schema import audit_records, cards, feedback, metadata, seen_tokens
from engine.errors import StoreError

DEFAULT_DB = "kinetic-chain.sqlite3"
#: a background checkpoint every this many seconds (see Store.checkpoint_in_background)
CHECKPOINT_EVERY = 0.25
#: WAL pages after which a writer checkpoints itself even so (SQLite's default is 1000, ~100 audit records)
CHECKPOINT_FALLBACK_PAGES = 20000
#: a sequence number has at most this many digits (a 64-bit integer: what SQLite and PostgreSQL store)
MAX_SEQ_DIGITS = 18

log = logging.getLogger("kinetic_chain.audit")
_INSERT_RECORD, _INSERT_CARDS = insert(audit_records), insert(cards)


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


def _sqlite_pragmas(connection: Any, autocheckpoint_pages: int) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint_pages)}")
    cursor.close()


class Store:
    """Audit records, CDS Hooks cards and feedback, and the JWT ids seen (for replay protection)."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.url = database_url(db)
        self._shown = str(db or DEFAULT_DB)
        sqlite = self.url.startswith("sqlite")  # a local file: no connection to go stale, nothing to ping
        try:
            self.engine: SqlEngine = create_engine(self.url, pool_pre_ping=not sqlite, future=True)
        except (ArgumentError, ImportError) as error:  # not a database URL, or its driver is not installed
            raise unavailable(self._shown, error) from None
        # SQLite has one writer at a time, and a writer that finds the file locked sleeps in growing steps (up to
        # 100 ms): writers take turns on a lock file instead. PostgreSQL needs no such thing.
        self._write_lock: Any = contextlib.nullcontext()
        self._autocheckpoint_pages = 1000  # SQLite's default, until checkpoint_in_background takes over
        self._checkpointer: threading.Event | None = None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", lambda conn, _: _sqlite_pragmas(conn, self._autocheckpoint_pages))
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
            except (IntegrityError, ProgrammingError, OperationalError) as error:
                if attempt == 4:
                    raise unavailable(self._shown, error) from None
                time.sleep(0.2 * (attempt + 1))
            except SQLAlchemyError as error:  # e.g. a file that is not a database
                raise unavailable(self._shown, error) from None

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.set()
        self.engine.dispose()

    def checkpoint_in_background(self, every: float = CHECKPOINT_EVERY) -> bool:
        """SQLite file: copy the write-ahead log into the database from a background thread, not from a request.

        By default the writer whose commit passes 1000 log pages copies them into the database and syncs it (a
        checkpoint), holding the write lock: with audit records of ~20 KB, one request in ~100, and every writer
        of every worker waiting on it, took 10-45 ms longer. Here a daemon thread runs `checkpoint` every `every`
        seconds, and writers only checkpoint themselves if the log passes CHECKPOINT_FALLBACK_PAGES. What a commit
        guarantees does not change: a record is in the log, and survives the process, before its response is
        sent. False when there is nothing to do (another database, in memory, or already started)."""
        if self.dialect != "sqlite" or self._checkpointer is not None or self.engine.url.database in (None, ":memory:"):
            return False
        self._autocheckpoint_pages = CHECKPOINT_FALLBACK_PAGES
        self.engine.dispose()  # pooled connections were opened with the default
        stop = self._checkpointer = threading.Event()

        def run() -> None:
            while not stop.wait(every):
                try:
                    self.checkpoint()
                except Exception as error:  # a busy or failing checkpoint is retried; the fallback still holds
                    log.debug("background checkpoint failed: %s", error)

        threading.Thread(target=run, name="kinetic-chain-checkpoint", daemon=True).start()
        return True

    def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database file. The bulk goes while writers go on; what they
        committed meanwhile is copied with writers held (a few pages), so the next writer starts the log again
        from its beginning instead of letting it grow."""
        with self.engine.connect() as connection:  # each result read to the end: no read lock stays on the log
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            with self._write_lock:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    # -- writing ------------------------------------------------------------------------------------------------

    def add_record(self, record: dict[str, Any], card_rows: list[dict[str, Any]] = ()) -> None:
        """One assessment served (and the cards shown for it), in one transaction; a store that went away after it
        was opened (a disk, a server) raises StoreError naming it (the database's error kept as its cause, for a
        service's log)."""
        try:
            with self._write_lock, self.engine.begin() as conn:
                conn.execute(_INSERT_RECORD, [record])  # parameters apart: the compiled statement is cached
                if card_rows:
                    conn.execute(_INSERT_CARDS, list(card_rows))
        except SQLAlchemyError as error:
            raise unavailable(self._shown, error) from error

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
        if request_id and not _findable(request_id):
            return []
        query = select(audit_records).order_by(audit_records.c.seq.desc()).limit(limit).offset(offset)
        if request_id:
            query = query.where(audit_records.c.request_id == request_id)
        with self.engine.connect() as conn:
            return [self._row(row) for row in conn.execute(query).mappings()]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(audit_records)).scalar_one()

    def record(self, record_id: str) -> dict[str, Any] | None:
        """A record by its id, or by its sequence number (ASCII digits: str.isdigit also takes '²', which int()
        refuses, and a number beyond 64 bits is no sequence number a database holds)."""
        if not _findable(record_id):
            return None
        is_seq = record_id.isascii() and record_id.isdigit() and len(record_id) <= MAX_SEQ_DIGITS
        column = audit_records.c.seq if is_seq else audit_records.c.id
        key: Any = int(record_id) if is_seq else record_id
        with self.engine.connect() as conn:
            row = conn.execute(select(audit_records).where(column == key)).mappings().first()
        return self._row(row) if row else None

    def latest_for_request(self, request_id: str) -> dict[str, Any] | None:
        found = self.records(limit=1, request_id=request_id)
        return found[0] if found else None

    def card(self, uuid: str) -> dict[str, Any] | None:
        if not _findable(uuid):
            return None
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


def _findable(key: str) -> bool:
    """Whether a key from a request can name a stored row: none holds a NUL character, and PostgreSQL refuses
    one in a query (a 500 for `/audit/records?request_id=%00` before), so such a key finds nothing."""
    return "\x00" not in key


def unavailable(db: str, error: Exception) -> StoreError:
    """The StoreError for a database error, in the database's own words on one line (without SQLAlchemy's SQL
    echo and help link)."""
    text = str(getattr(error, "orig", None) or error).strip()
    return StoreError(db, text.splitlines()[0] if text else type(error).__name__)
