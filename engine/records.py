"""The record store: sessions, turns, offers with their response codes, orders — SQLite by default, PostgreSQL when
DATABASE_URL is set (psycopg 3), with one schema, one list of migrations and the same statements for both.

Every turn is written in one transaction when it completes, and is on disk before its replies go out (GroupCommit:
one writer thread, one fsync for all the turns that arrived meanwhile), so a crash loses at most turns in flight,
never one that was answered.

The customer mode's own records (schema v2) ride on the lines of a turn: a line's ``analysis`` may name what the
line did, and :meth:`Records.save_turn` writes it in the same transaction —

- ``identified: "<customer id>"`` — the session is now this customer's;
- ``opt_outs: ["<channel>", ...]`` — the customer refused marketing communications on these channels;
- ``ticket: {"number", "kind", "service"}`` — a ticket was created (status ``new``);
- ``handoff: "<reason>"`` — the conversation is marked for a human, with its transcript so far.

The customer base (``customers``) is kept here too; engine/customers.py validates and imports it.
"""
from __future__ import annotations

import json
import logging
import os
import queue
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from .privacy import REDACTED, redact
from .record_views import INDEXES, POSTGRES_VIEWS, SQLITE_VIEWS

log = logging.getLogger("sobesednik.records")
PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "sobesednik.sqlite"


def default_db_path() -> Path:
    return Path(os.environ.get("DB_PATH") or DEFAULT_DB_PATH)


def owner_only(path: Path) -> Path:
    """Create ``path`` readable and writable by its owner only (0600). Its folder is made the owner's only (0700)
    when this creates it, and so is the default records folder (an older install made it 0755); a folder someone
    chose, such as a home or /tmp, is left as it is."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        os.chmod(folder, 0o700)  # mkdir's mode is narrowed by the umask, never widened
    elif folder.resolve() == DEFAULT_DB_PATH.parent.resolve():
        os.chmod(folder, 0o700)
    os.close(os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    return path


# The schema, one migration a version, for SQLite and PostgreSQL alike: ``{real}``, ``{int}`` and ``{serial}`` (an
# integer key the database numbers) are the dialect's types, ``{passport_of_data}`` reads a JSON field.
_V1 = """
create table sessions (id text primary key, mode text, channel text, user_id text, scenario_id text,
    customer_id text, call_type text, stage text, status text, started_at text, finished_at text, score {real},
    passed {int}, scorecard text);
create table turns (session_id text references sessions (id), n {int}, role text, text text, stage text,
    analysis text, at text, primary key (session_id, n));
create table offers (session_id text references sessions (id), product text, response text, customer_id text,
    shown_at text, updated_at text, primary key (session_id, product));
create table orders (id {serial} primary key, session_id text references sessions (id), customer_id text,
    product text, status text, created_at text);
create unique index idx_orders_session_id_product on orders (session_id, product);
create index idx_sessions_user_id_started_at on sessions (user_id, started_at);
create index idx_offers_customer_id_product on offers (customer_id, product)
"""
# The customer base, opt-outs by channel, tickets and hand-offs of the self-service assistant.
_V2 = """
create table customers (id text primary key, contract text, phone text, last_name text, first_name text, data text,
    updated_at text);
create index idx_customers_contract on customers (contract);
create index idx_customers_phone on customers (phone);
create table opt_outs (id {serial} primary key, customer_id text, channel text,
    session_id text references sessions (id), created_at text);
create unique index idx_opt_outs_customer_id_channel on opt_outs (customer_id, channel);
create table tickets (id {serial} primary key, number text, session_id text references sessions (id),
    customer_id text, kind text, service text, status text, created_at text);
create unique index idx_tickets_number on tickets (number);
create table handoffs (id {serial} primary key, session_id text references sessions (id), customer_id text,
    reason text, transcript text, status text, created_at text);
create unique index idx_handoffs_session_id on handoffs (session_id)
"""
# The latest snapshot of each session, written with its turn, and the front end's id of the update that made it: a
# conversation survives the loss of the dialogue state store (a Redis restarted without persistence), and a replayed
# update is still known as handled.
_V3 = """
alter table sessions add column snapshot text;
alter table sessions add column last_update {int};
create index idx_sessions_user_id_channel_status on sessions (user_id, channel, status)
"""
# Retention of customers porting their number away (seed 003): the owner's passport to identify him by, and per
# conversation the reason he leaves, whether the request was cancelled with his consent, his consent to hear about
# coming back (WinBack) and the Flash note left on his card.
_V4 = """
alter table customers add column passport text;
create index idx_customers_passport on customers (passport);
update customers set passport = {passport_of_data};
create table retention (session_id text primary key references sessions (id), customer_id text, reason text,
    request_cancelled {int}, winback_consent {int}, flash_text text, flash_from text, flash_to text,
    updated_at text);
create index idx_retention_customer_id on retention (customer_id)
"""


# Reports: indexes for what they filter by (a SQLite file made by an earlier v5 also has SQLite's views; v6 remakes
# them).
_V5 = INDEXES
# The named views the reports read (engine/record_views.py), in each database's JSON functions: the same columns and
# rows in both, so the reports show the same numbers.
_V6 = "{report_views}"


# Explicit, append-only: migration N brings the schema from version N to N + 1.
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6]
# Every table, each after those it refers to.
TABLES = ("sessions", "turns", "offers", "orders", "customers", "opt_outs", "tickets", "handoffs", "retention")
# What a line of a retention chat may record (its ``analysis`` keys) → the columns of ``retention``.
RETENTION_MARKS = ("reason", "request_cancelled", "winback_consent", "flash")


@dataclass
class TurnWrite:
    """Everything one completed turn changed, written together."""

    session_id: str
    stage: str
    status: str
    turns: list[dict[str, Any]] = field(default_factory=list)
    offers: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    finished_at: str | None = None
    scorecard: dict[str, Any] | None = None
    snapshot: dict[str, Any] | None = None
    update_id: int | None = None
    session: dict[str, Any] | None = None  # the session's row when this write starts it


class RecordStoreError(Exception):
    """The records database cannot be opened, created or brought to the current schema."""


class RecordsRecreated(Exception):
    """The records file was deleted (or replaced) under the running process: a new one was created, empty, and the
    write that found out was not made; the caller writes the whole session again."""


def _redact_json(text: str, customer_id: str, words: list[str]) -> str:
    """Every string in a JSON text redacted (the customer's id too); numbers and structure kept."""

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return REDACTED if value == customer_id else redact(value, words=words)
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        return value

    return json.dumps(walk(json.loads(text)), ensure_ascii=False)


class Dialect:
    """What differs between the two databases; every statement is written once, with ``?`` placeholders."""

    name = "sqlite"
    types = {"real": "float", "int": "integer", "serial": "integer",
             "passport_of_data": "json_extract(data, '$.identity.passport')", "report_views": SQLITE_VIEWS}

    @staticmethod
    def sql(statement: str) -> str:
        return statement


class PostgresDialect(Dialect):
    name = "postgresql"
    types = {"real": "double precision", "int": "bigint", "serial": "bigint generated by default as identity",
             "passport_of_data": "data::jsonb #>> '{identity,passport}'", "report_views": POSTGRES_VIEWS}

    @staticmethod
    def sql(statement: str) -> str:
        return statement.replace("?", "%s")


def _rows(cursor) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


_TURN = ("insert into turns (session_id, n, role, text, stage, analysis, at) values (?, ?, ?, ?, ?, ?, ?) "
         "on conflict (session_id, n) do update set role = excluded.role, text = excluded.text, "
         "stage = excluded.stage, analysis = excluded.analysis, at = excluded.at")
_OFFER = ("insert into offers (session_id, product, response, customer_id, shown_at, updated_at) "
          "values (?, ?, ?, ?, ?, ?) on conflict (session_id, product) do update set response = excluded.response, "
          "customer_id = excluded.customer_id, shown_at = coalesce(offers.shown_at, excluded.shown_at), "
          "updated_at = excluded.updated_at")
_ORDER = ("insert into orders (session_id, customer_id, product, status, created_at) values (?, ?, ?, 'new', ?) "
          "on conflict do nothing")
_SESSION_COLUMNS = ("id", "mode", "channel", "user_id", "call_type", "stage", "status", "started_at", "scenario_id",
                    "customer_id")
_SESSION = (f"insert into sessions ({', '.join(_SESSION_COLUMNS)}) values ({', '.join('?' * len(_SESSION_COLUMNS))}) "
            "on conflict (id) do update set " + ", ".join(f"{c} = excluded.{c}" for c in _SESSION_COLUMNS[1:]))


class Records:
    """SQLite at ``path`` (the default), or PostgreSQL at ``url`` (``postgresql://…``, DATABASE_URL): the same
    schema, migrations, statements and reports."""

    def __init__(self, path: Path | str | None = None, *, url: str | None = None):
        self.url = url
        self.dialect: Dialect = PostgresDialect() if url else Dialect()
        self.path = Path(path) if path is not None else default_db_path()
        self.in_memory = url is None and str(self.path) == ":memory:"
        self._open()

    @classmethod
    def from_env(cls, path: Path | str | None = None) -> Records:
        """PostgreSQL when DATABASE_URL is set, otherwise SQLite at ``path`` (DB_PATH, or the default file)."""
        url = os.environ.get("DATABASE_URL", "").strip()
        return cls(path, url=url) if url else cls(path)

    def reopen(self) -> Records:
        """Another connection to the same database (for a writer thread); the same object for an in-memory one."""
        return self if self.in_memory else Records(self.path, url=self.url)

    def _open(self) -> None:
        if self.url:
            self._open_postgres()
            return
        try:
            if not self.in_memory:
                owner_only(self.path)
                self._inode = self.path.stat().st_ino
            conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.conn = conn
            if not self.in_memory:
                self.db.enable_wal()
            # every commit is on disk before it returns (a turn is durable before its reply): GroupCommit makes one
            # fsync serve all the turns that came in meanwhile
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 5000")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise RecordStoreError(f"cannot open the records database {self.path}: {exc}") from None

    def _open_postgres(self) -> None:
        import psycopg  # only with DATABASE_URL: the embedded default needs no driver

        try:
            self.conn = psycopg.connect(self.url, autocommit=True)
            self._migrate()
        except psycopg.Error as exc:
            where = psycopg.conninfo.conninfo_to_dict(self.url)
            raise RecordStoreError(f"cannot open the records database postgresql://{where.get('host', '')}:"
                                   f"{where.get('port', '')}/{where.get('dbname', '')}: "
                                   f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc}") from None

    # -- statements ---------------------------------------------------------------------------------------------
    def execute(self, statement: str, params: Iterable[Any] = ()):
        return self.conn.execute(self.dialect.sql(statement), list(params))

    def query(self, statement: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return _rows(self.execute(statement, params))

    def _many(self, statement: str, rows: list[tuple]) -> None:
        if rows:
            self.conn.cursor().executemany(self.dialect.sql(statement), rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; with SQLite it takes the write lock at once (no upgrade deadlock between writers)."""
        if self.url:
            with self.conn.transaction():
                yield
            return
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            yield

    def _check_file(self) -> None:
        """SQLite keeps writing to a file deleted under it, and every record goes with it: before each write the
        file must still be the one opened; otherwise a new one is opened and the caller told (loudly, in the log)."""
        if self.in_memory or self.url:
            return
        try:
            same = self.path.stat().st_ino == self._inode
        except FileNotFoundError:
            same = False
        if same:
            return
        log.error("the records file %s was deleted or replaced while in use: a new one is created", self.path)
        self.conn.close()
        self._open()
        raise RecordsRecreated(str(self.path))

    @property
    def schema_version(self) -> int:
        if self.url:
            self.execute("create table if not exists schema_version (version integer not null)")
            row = self.execute("select max(version) from schema_version").fetchone()
            return row[0] or 0
        return self.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        with self.transaction():
            if self.url:  # workers starting together: one migrates, the others wait and find it done
                self.execute("select pg_advisory_xact_lock(1304)")
            current = self.schema_version
            for version in range(current, len(MIGRATIONS)):
                for statement in MIGRATIONS[version].format_map(self.dialect.types).split(";"):
                    if statement.strip():
                        self.execute(statement)
                if self.url:
                    self.execute("insert into schema_version (version) values (?)", [version + 1])
                else:
                    self.execute(f"PRAGMA user_version = {version + 1}")

    def close(self) -> None:
        self.conn.close()

    def copy_to(self, target: Records) -> int:
        """Every row of every table into ``target``, an empty database of the same schema (records kept in
        PostgreSQL into a SQLite file for the dashboard), in one transaction; returns how many rows were copied."""
        copied = 0
        with target.transaction():
            for table in TABLES:
                cursor = self.execute(f"select * from {table}")
                names = [column[0] for column in cursor.description]
                statement = f"insert into {table} ({', '.join(names)}) values ({', '.join('?' * len(names))})"
                while rows := cursor.fetchmany(1000):
                    target._many(statement, [tuple(row) for row in rows])
                    copied += len(rows)
        return copied

    # -- turns --------------------------------------------------------------------------------------------------
    def start_session(self, *, session_id: str, mode: str, channel: str, user_id: str, call_type: str,
                      stage: str, started_at: str, scenario_id: str | None = None,
                      customer_id: str | None = None) -> None:
        self._check_file()
        with self.transaction():
            self._start(session_row(session_id=session_id, mode=mode, channel=channel, user_id=user_id,
                                    call_type=call_type, stage=stage, started_at=started_at,
                                    scenario_id=scenario_id, customer_id=customer_id))

    def _start(self, row: dict[str, Any]) -> None:
        self.execute(_SESSION, [row.get(column) for column in _SESSION_COLUMNS])

    def save_turn(self, write: TurnWrite) -> None:
        self.save_turns([write])

    def save_turns(self, writes: list[TurnWrite]) -> None:
        """Turns of any sessions in one transaction: all of them are written, or none."""
        self._check_file()
        with self.transaction():
            for write in writes:
                self._write(write)

    def _write(self, write: TurnWrite) -> None:
        sid = write.session_id
        if write.session is not None:
            self._start(write.session)
        self._many(_TURN, [(sid, turn["n"], turn["role"], turn["text"], turn.get("stage"),
                            json.dumps(turn.get("analysis") or {}, ensure_ascii=False), turn.get("at"))
                           for turn in write.turns])
        for turn in write.turns:
            if turn.get("analysis"):
                self._line_records(sid, turn)
        self._many(_OFFER, [(sid, offer["product"], offer.get("response"), offer.get("customer_id"),
                             offer.get("shown_at"), offer.get("updated_at")) for offer in write.offers])
        self._many(_ORDER, [(sid, order.get("customer_id"), order["product"], order.get("created_at"))
                            for order in write.orders])
        update: dict[str, Any] = {"stage": write.stage, "status": write.status,
                                  "snapshot": json.dumps(write.snapshot, ensure_ascii=False)
                                  if write.snapshot is not None else None}
        if write.finished_at:
            update["finished_at"] = write.finished_at
        if write.update_id is not None:
            update["last_update"] = write.update_id
        if write.scorecard is not None:
            update.update(score=write.scorecard.get("score"), passed=int(bool(write.scorecard.get("passed"))),
                          scorecard=json.dumps(write.scorecard, ensure_ascii=False))
        self.execute(f"update sessions set {', '.join(f'{column} = ?' for column in update)} where id = ?",
                     [*update.values(), sid])

    def active_snapshot(self, user_id: str, channel: str) -> tuple[dict[str, Any], int | None] | None:
        """The latest snapshot of this user's unfinished session on this channel and the id of the update that made
        it, if there is one."""
        row = self.execute("select snapshot, last_update from sessions where user_id = ? and channel = ? and "
                           "status = 'active' and snapshot is not null order by started_at desc limit 1",
                           [user_id, channel]).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    def abandon_session(self, session_id: str, finished_at: str) -> None:
        """A session that cannot go on (its turn failed, or a new one replaced it unscored) is ``abandoned``, never
        left ``active``; a finished one stays as it is."""
        with self.transaction():
            self.execute("update sessions set status = 'abandoned', finished_at = ?, snapshot = null where id = ? "
                         "and status = 'active'", [finished_at, session_id])

    def _line_records(self, session_id: str, turn: dict[str, Any]) -> None:
        """What one line of the customer mode did (see the module docstring), inside the turn's transaction."""
        analysis = turn["analysis"]
        at = turn.get("at")
        if analysis.get("identified"):
            self.execute("update sessions set customer_id = ? where id = ?", [analysis["identified"], session_id])
        marks = {key: int(analysis[key]) if isinstance(analysis[key], bool) else analysis[key]  # yes/no as 1/0
                 for key in RETENTION_MARKS if key in analysis}
        if not (analysis.get("opt_outs") or analysis.get("ticket") or marks or analysis.get("handoff")):
            return
        customer_id = self.execute("select customer_id from sessions where id = ?", [session_id]).fetchone()[0]
        self._many("insert into opt_outs (customer_id, channel, session_id, created_at) values (?, ?, ?, ?) "
                   "on conflict do nothing",
                   [(customer_id, channel, session_id, at) for channel in analysis.get("opt_outs") or []])
        ticket = analysis.get("ticket")
        if ticket:
            self.execute("insert into tickets (number, kind, service, session_id, customer_id, status, created_at) "
                         "values (?, ?, ?, ?, ?, 'new', ?) on conflict do nothing",
                         [ticket["number"], ticket["kind"], ticket.get("service"), session_id, customer_id, at])
        if marks:
            flash = marks.pop("flash", None) or {}
            row = {"session_id": session_id, "customer_id": customer_id, **marks, "updated_at": at,
                   **({"flash_text": flash["text"], "flash_from": flash["valid_from"], "flash_to": flash["valid_to"]}
                      if flash else {})}
            self.execute(f"insert into retention ({', '.join(row)}) values ({', '.join('?' * len(row))}) "
                         "on conflict (session_id) do update set "
                         + ", ".join(f"{column} = excluded.{column}" for column in row if column != "session_id"),
                         list(row.values()))
        if analysis.get("handoff"):
            transcript = [{"n": row["n"], "role": row["role"], "text": row["text"], "stage": row["stage"]}
                          for row in self.turns(session_id)]
            self.execute("insert into handoffs (session_id, customer_id, reason, status, created_at, transcript) "
                         "values (?, ?, ?, 'new', ?, ?) on conflict do nothing",
                         [session_id, customer_id, analysis["handoff"], at,
                          json.dumps(transcript, ensure_ascii=False)])

    # -- the customer base ------------------------------------------------------------------------------------------
    def upsert_customers(self, rows: list[dict[str, Any]], updated_at: str) -> tuple[int, int]:
        """Insert or replace one batch of validated customer dicts by id, in one short transaction; returns how many
        were written and how many of them were new."""
        ids = [row["id"] for row in rows]
        with self.transaction():
            known = {row[0] for row in self.execute(
                f"select id from customers where id in ({', '.join('?' * len(ids))})", ids).fetchall()} if ids else set()
            self._many(
                "insert into customers (id, contract, phone, last_name, first_name, passport, data, updated_at) "
                "values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(id) do update set contract = excluded.contract, "
                "phone = excluded.phone, last_name = excluded.last_name, first_name = excluded.first_name, "
                "passport = excluded.passport, data = excluded.data, updated_at = excluded.updated_at",
                [(row["id"], row["contract"], row.get("phone"), row["last_name"], row["first_name"],
                  (row.get("identity") or {}).get("passport") or None, json.dumps(row, ensure_ascii=False),
                  updated_at) for row in rows])
        return len(rows), len(set(ids) - known)

    def forget_customer(self, customer_id: str, words: list[str], at: str) -> dict[str, int] | None:
        """The right to be forgotten: the customer's row goes, and in every session he was identified in the texts
        of the lines and hand-off transcripts lose digit runs (contract, phones, passport) and names (also ``words``,
        his own name), the snapshot goes and an unfinished session is abandoned; sessions, offers with their response
        codes, orders and tickets stay as anonymous counts (no customer id). None when nothing is known of him."""
        with self.transaction():
            deleted = self.execute("delete from customers where id = ?", [customer_id]).rowcount
            sessions = [row[0] for row in self.execute("select id from sessions where customer_id = ?",
                                                       [customer_id]).fetchall()]
            if not deleted and not sessions:
                return None
            lines = 0
            for session_id in sessions:
                for n, text, analysis in self.execute("select n, text, analysis from turns where session_id = ?",
                                                      [session_id]).fetchall():
                    self.execute("update turns set text = ?, analysis = ? where session_id = ? and n = ?",
                                 [redact(text, words=words), _redact_json(analysis, customer_id, words),
                                  session_id, n])
                    lines += 1
                for handoff_id, transcript in self.execute("select id, transcript from handoffs where "
                                                           "session_id = ?", [session_id]).fetchall():
                    self.execute("update handoffs set transcript = ? where id = ?",
                                 [_redact_json(transcript, customer_id, words), handoff_id])
                self.execute("update sessions set status = 'abandoned', finished_at = ? where id = ? and "
                             "status = 'active'", [at, session_id])
            for table in ("sessions", "offers", "orders", "opt_outs", "tickets", "handoffs"):
                extra = ", snapshot = null" if table == "sessions" else ""
                self.execute(f"update {table} set customer_id = null{extra} where customer_id = ?", [customer_id])
        return {"customers": deleted, "sessions": len(sessions), "lines": lines}

    def customer_ids_with_contract(self, contract: str) -> list[str]:
        return [row[0] for row in self.execute("select id from customers where contract = ? order by id",
                                               [contract]).fetchall()]

    def customer_count(self) -> int:
        return self.execute("select count(*) from customers").fetchone()[0]

    def customer(self, customer_id: str) -> dict[str, Any] | None:
        row = self.execute("select data from customers where id = ?", [customer_id]).fetchone()
        return json.loads(row[0]) if row else None

    def customers_where(self, *, contract: str | None = None, phone: str | None = None) -> list[dict[str, Any]]:
        where, args = ("contract = ?", [contract]) if contract is not None else ("phone = ?", [phone])
        return [json.loads(row[0]) for row in self.execute(f"select data from customers where {where} order by id",
                                                           args).fetchall()]

    def customers_with_passport(self, passport: str) -> list[dict[str, Any]]:
        return [json.loads(row[0]) for row in self.execute("select data from customers where passport = ? "
                                                           "order by id", [passport]).fetchall()]

    def retention(self, session_id: str) -> dict[str, Any] | None:
        rows = self.query("select * from retention where session_id = ?", [session_id])
        return rows[0] if rows else None

    def all_customers(self) -> list[dict[str, Any]]:
        return [json.loads(row[0]) for row in self.execute("select data from customers order by id").fetchall()]

    def opted_out_channels(self, customer_id: str) -> list[str]:
        return [row[0] for row in self.execute("select channel from opt_outs where customer_id = ? order by channel",
                                               [customer_id]).fetchall()]

    def past_responses(self, customer_id: str) -> list[dict[str, Any]]:
        """Responses saved for offers to this customer in earlier conversations (for the contact policy)."""
        return self.query("select product, response, updated_at as at from offers where customer_id = ? and "
                          "response is not null order by updated_at", [customer_id])

    def _of_session(self, table: str, session_id: str | None, order_by: str = "id") -> list[dict[str, Any]]:
        if session_id is None:
            return self.query(f"select * from {table} order by {order_by}")
        return self.query(f"select * from {table} where session_id = ? order by {order_by}", [session_id])

    def opt_outs(self, session_id: str | None = None) -> list[dict[str, Any]]:
        return self._of_session("opt_outs", session_id)

    def tickets(self, session_id: str | None = None) -> list[dict[str, Any]]:
        return self._of_session("tickets", session_id)

    def handoffs(self, session_id: str | None = None) -> list[dict[str, Any]]:
        return [{**row, "transcript": json.loads(row["transcript"])}
                for row in self._of_session("handoffs", session_id)]

    def session(self, session_id: str) -> dict[str, Any]:
        rows = self.query("select * from sessions where id = ?", [session_id])
        if not rows:
            raise KeyError(session_id)
        return rows[0]

    def turns(self, session_id: str) -> list[dict[str, Any]]:
        return self._of_session("turns", session_id, "n")

    def offers(self, session_id: str) -> list[dict[str, Any]]:
        return self._of_session("offers", session_id, "shown_at, product")

    def orders(self, session_id: str | None = None) -> list[dict[str, Any]]:
        return self._of_session("orders", session_id)

    def sessions_of(self, user_id: str, mode: str | None = None) -> Iterable[dict[str, Any]]:
        where, args = "user_id = ?", [user_id]
        if mode:
            where, args = where + " and mode = ?", [*args, mode]
        return self.query(f"select * from sessions where {where} order by started_at", args)


def session_row(*, session_id: str, **columns: Any) -> dict[str, Any]:
    """A new session's row, as ``TurnWrite.session`` carries it."""
    return {"id": session_id, **columns, "status": "active"}


class GroupCommit:
    """The single writer of a process's records, on a thread of its own: turns submitted from anywhere wait in a
    queue, and all that are waiting when the writer comes round are written in one transaction — one fsync for
    all of them. ``submit`` returns a future that is done when the turn is on disk (or failed): a front end sends
    the turn's replies only then, so a kill -9 loses no turn that was answered, and a busy process needs one fsync
    per batch, not per turn. A batch that fails is written again turn by turn, so one bad turn fails alone."""

    def __init__(self, records: Records):
        self.records = records
        self._queue: queue.SimpleQueue[tuple[TurnWrite, Future] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="records-writer", daemon=True)
        self._thread.start()

    def submit(self, write: TurnWrite) -> Future:
        done: Future = Future()
        self._queue.put((write, done))
        return done

    def save(self, write: TurnWrite) -> None:
        """Submit and wait (for callers on a thread)."""
        self.submit(write).result()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                break
            batch = [item]
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            self._commit(batch)

    def _commit(self, batch: list[tuple[TurnWrite, Future]]) -> None:
        try:
            self.records.save_turns([write for write, _ in batch])
        except RecordsRecreated as exc:  # nothing of the batch was written: each caller writes its whole session
            for _, done in batch:
                done.set_exception(exc)
            return
        except Exception as exc:  # noqa: BLE001 — handed to the callers
            if len(batch) > 1:
                for one in batch:
                    self._commit([one])
                return
            batch[0][1].set_exception(exc)
            return
        for _, done in batch:
            done.set_result(None)

    def close(self) -> None:
        """Write what is queued, then stop."""
        self._queue.put(None)
        self._thread.join()
