"""The record store: sessions, turns, offers with their response codes, orders — SQLite through sqlite-utils.

Every turn is written in one transaction when it completes, so a crash loses at most the turn in flight.

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
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from .privacy import REDACTED, redact
from .record_views import INDEXES, create_views

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


def _v1(db: sqlite_utils.Database) -> None:
    db["sessions"].create(
        {"id": str, "mode": str, "channel": str, "user_id": str, "scenario_id": str, "customer_id": str,
         "call_type": str, "stage": str, "status": str, "started_at": str, "finished_at": str,
         "score": float, "passed": int, "scorecard": str},
        pk="id",
    )
    db["turns"].create(
        {"session_id": str, "n": int, "role": str, "text": str, "stage": str, "analysis": str, "at": str},
        pk=("session_id", "n"), foreign_keys=[("session_id", "sessions", "id")],
    )
    db["offers"].create(
        {"session_id": str, "product": str, "response": str, "customer_id": str, "shown_at": str, "updated_at": str},
        pk=("session_id", "product"), foreign_keys=[("session_id", "sessions", "id")],
    )
    db["orders"].create(
        {"id": int, "session_id": str, "customer_id": str, "product": str, "status": str, "created_at": str},
        pk="id", foreign_keys=[("session_id", "sessions", "id")],
    )
    db["orders"].create_index(["session_id", "product"], unique=True)
    db["sessions"].create_index(["user_id", "started_at"])
    db["offers"].create_index(["customer_id", "product"])


def _v2(db: sqlite_utils.Database) -> None:
    """The customer base, opt-outs by channel, tickets and hand-offs of the self-service assistant."""
    db["customers"].create(
        {"id": str, "contract": str, "phone": str, "last_name": str, "first_name": str, "data": str,
         "updated_at": str},
        pk="id",
    )
    db["customers"].create_index(["contract"])
    db["customers"].create_index(["phone"])
    db["opt_outs"].create(
        {"id": int, "customer_id": str, "channel": str, "session_id": str, "created_at": str},
        pk="id", foreign_keys=[("session_id", "sessions", "id")],
    )
    db["opt_outs"].create_index(["customer_id", "channel"], unique=True)
    db["tickets"].create(
        {"id": int, "number": str, "session_id": str, "customer_id": str, "kind": str, "service": str,
         "status": str, "created_at": str},
        pk="id", foreign_keys=[("session_id", "sessions", "id")],
    )
    db["tickets"].create_index(["number"], unique=True)
    db["handoffs"].create(
        {"id": int, "session_id": str, "customer_id": str, "reason": str, "transcript": str, "status": str,
         "created_at": str},
        pk="id", foreign_keys=[("session_id", "sessions", "id")],
    )
    db["handoffs"].create_index(["session_id"], unique=True)


def _v3(db: sqlite_utils.Database) -> None:
    """The latest snapshot of each session, written with its turn, and the front end's id of the update that made
    it: a conversation survives the loss of the dialogue state store (a Redis restarted without persistence), and a
    replayed update is still known as handled."""
    db["sessions"].add_column("snapshot", str)
    db["sessions"].add_column("last_update", int)
    db["sessions"].create_index(["user_id", "channel", "status"])


def _v4(db: sqlite_utils.Database) -> None:
    """Retention of customers porting their number away (seed 003): the owner's passport to identify him by, and per
    conversation the reason he leaves, whether the request was cancelled with his consent, his consent to hear about
    coming back (WinBack) and the Flash note left on his card."""
    db["customers"].add_column("passport", str)
    db["customers"].create_index(["passport"])
    db.execute("update customers set passport = json_extract(data, '$.identity.passport')")
    db["retention"].create(
        {"session_id": str, "customer_id": str, "reason": str, "request_cancelled": int, "winback_consent": int,
         "flash_text": str, "flash_from": str, "flash_to": str, "updated_at": str},
        pk="session_id", foreign_keys=[("session_id", "sessions", "id")],
    )
    db["retention"].create_index(["customer_id"])


def _v5(db: sqlite_utils.Database) -> None:
    """Reports: indexes for what they filter by, and the named views they read (engine/record_views.py)."""
    for table, columns in INDEXES:
        db[table].create_index(columns, if_not_exists=True)
    create_views(db)


# Explicit, append-only: migration N brings the schema from version N to N + 1.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4, _v5]
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


class Records:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        self.in_memory = str(self.path) == ":memory:"
        self._open()

    def _open(self) -> None:
        try:
            if not self.in_memory:
                owner_only(self.path)
                self._inode = self.path.stat().st_ino
            conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            if not self.in_memory:
                self.db.enable_wal()
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 5000")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise RecordStoreError(f"cannot open the records database {self.path}: {exc}") from None

    def _check_file(self) -> None:
        """SQLite keeps writing to a file deleted under it, and every record goes with it: before each write the
        file must still be the one opened; otherwise a new one is opened and the caller told (loudly, in the log)."""
        if self.in_memory:
            return
        try:
            same = self.path.stat().st_ino == self._inode
        except FileNotFoundError:
            same = False
        if same:
            return
        log.error("the records file %s was deleted or replaced while in use: a new one is created", self.path)
        self.db.conn.close()
        self._open()
        raise RecordsRecreated(str(self.path))

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        for version in range(self.schema_version, len(MIGRATIONS)):
            with self.db.conn:
                self.db.execute("BEGIN IMMEDIATE")
                MIGRATIONS[version](self.db)
                self.db.execute(f"PRAGMA user_version = {version + 1}")

    def close(self) -> None:
        self.db.conn.close()

    def start_session(self, *, session_id: str, mode: str, channel: str, user_id: str, call_type: str,
                      stage: str, started_at: str, scenario_id: str | None = None,
                      customer_id: str | None = None) -> None:
        self._check_file()
        with self.db.conn:
            self.db["sessions"].insert(
                {"id": session_id, "mode": mode, "channel": channel, "user_id": user_id, "call_type": call_type,
                 "stage": stage, "status": "active", "started_at": started_at, "scenario_id": scenario_id,
                 "customer_id": customer_id},
                replace=True,
            )

    def save_turn(self, write: TurnWrite) -> None:
        self._check_file()
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            for turn in write.turns:
                self.db["turns"].insert(
                    {**turn, "session_id": write.session_id,
                     "analysis": json.dumps(turn.get("analysis") or {}, ensure_ascii=False)},
                    replace=True,
                )
            for turn in write.turns:
                self._line_records(write.session_id, turn)
            for offer in write.offers:
                self.db["offers"].upsert({**offer, "session_id": write.session_id}, pk=("session_id", "product"))
            for order in write.orders:
                self.db["orders"].insert({**order, "session_id": write.session_id, "status": "new"}, ignore=True)
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
            self.db["sessions"].update(write.session_id, update)

    def active_snapshot(self, user_id: str, channel: str) -> tuple[dict[str, Any], int | None] | None:
        """The latest snapshot of this user's unfinished session on this channel and the id of the update that made
        it, if there is one."""
        row = self.db.execute("select snapshot, last_update from sessions where user_id = ? and channel = ? and "
                              "status = 'active' and snapshot is not null order by started_at desc limit 1",
                              [user_id, channel]).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    def abandon_session(self, session_id: str, finished_at: str) -> None:
        """A session that cannot go on (its turn failed, or a new one replaced it unscored) is ``abandoned``, never
        left ``active``; a finished one stays as it is."""
        with self.db.conn:
            self.db.execute("update sessions set status = 'abandoned', finished_at = ?, snapshot = null where id = ? "
                            "and status = 'active'", [finished_at, session_id])

    def _line_records(self, session_id: str, turn: dict[str, Any]) -> None:
        """What one line of the customer mode did (see the module docstring), inside the turn's transaction."""
        analysis = turn.get("analysis") or {}
        at = turn.get("at")
        if analysis.get("identified"):
            self.db["sessions"].update(session_id, {"customer_id": analysis["identified"]})
        customer_id = self.db["sessions"].get(session_id).get("customer_id")
        for channel in analysis.get("opt_outs") or []:
            self.db["opt_outs"].insert({"customer_id": customer_id, "channel": channel, "session_id": session_id,
                                        "created_at": at}, ignore=True)
        ticket = analysis.get("ticket")
        if ticket:
            self.db["tickets"].insert({"number": ticket["number"], "kind": ticket["kind"],
                                       "service": ticket.get("service"), "session_id": session_id,
                                       "customer_id": customer_id, "status": "new", "created_at": at}, ignore=True)
        marks = {key: analysis[key] for key in RETENTION_MARKS if key in analysis}
        if marks:
            flash = marks.pop("flash", None) or {}
            self.db["retention"].upsert(
                {"session_id": session_id, "customer_id": customer_id, **marks, "updated_at": at,
                 **({"flash_text": flash["text"], "flash_from": flash["valid_from"], "flash_to": flash["valid_to"]}
                    if flash else {})}, pk="session_id")
        if analysis.get("handoff"):
            transcript = [{"n": row["n"], "role": row["role"], "text": row["text"], "stage": row["stage"]}
                          for row in self.turns(session_id)]
            self.db["handoffs"].insert({"session_id": session_id, "customer_id": customer_id,
                                        "reason": analysis["handoff"], "status": "new", "created_at": at,
                                        "transcript": json.dumps(transcript, ensure_ascii=False)}, ignore=True)

    # -- the customer base ------------------------------------------------------------------------------------------
    def upsert_customers(self, rows: list[dict[str, Any]], updated_at: str) -> tuple[int, int]:
        """Insert or replace one batch of validated customer dicts by id, in one short transaction; returns how many
        were written and how many of them were new."""
        ids = [row["id"] for row in rows]
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            known = {row[0] for row in self.db.execute(
                f"select id from customers where id in ({', '.join('?' * len(ids))})", ids).fetchall()} if ids else set()
            self.db.conn.executemany(
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
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            deleted = self.db.execute("delete from customers where id = ?", [customer_id]).rowcount
            sessions = [row[0] for row in self.db.execute("select id from sessions where customer_id = ?",
                                                          [customer_id]).fetchall()]
            if not deleted and not sessions:
                return None
            lines = 0
            for session_id in sessions:
                for n, text, analysis in self.db.execute("select n, text, analysis from turns where session_id = ?",
                                                         [session_id]).fetchall():
                    self.db.execute("update turns set text = ?, analysis = ? where session_id = ? and n = ?",
                                    [redact(text, words=words), _redact_json(analysis, customer_id, words),
                                     session_id, n])
                    lines += 1
                for handoff_id, transcript in self.db.execute("select id, transcript from handoffs where "
                                                              "session_id = ?", [session_id]).fetchall():
                    self.db.execute("update handoffs set transcript = ? where id = ?",
                                    [_redact_json(transcript, customer_id, words), handoff_id])
                self.db.execute("update sessions set status = 'abandoned', finished_at = ? where id = ? and "
                                "status = 'active'", [at, session_id])
            for table in ("sessions", "offers", "orders", "opt_outs", "tickets", "handoffs"):
                extra = ", snapshot = null" if table == "sessions" else ""
                self.db.execute(f"update {table} set customer_id = null{extra} where customer_id = ?", [customer_id])
        return {"customers": deleted, "sessions": len(sessions), "lines": lines}

    def customer_ids_with_contract(self, contract: str) -> list[str]:
        return [row[0] for row in self.db.execute("select id from customers where contract = ? order by id",
                                                  [contract]).fetchall()]

    def customer_count(self) -> int:
        return self.db["customers"].count

    def customer(self, customer_id: str) -> dict[str, Any] | None:
        rows = list(self.db["customers"].rows_where("id = ?", [customer_id]))
        return json.loads(rows[0]["data"]) if rows else None

    def customers_where(self, *, contract: str | None = None, phone: str | None = None) -> list[dict[str, Any]]:
        where, args = ("contract = ?", [contract]) if contract is not None else ("phone = ?", [phone])
        return [json.loads(row["data"]) for row in self.db["customers"].rows_where(where, args, order_by="id")]

    def customers_with_passport(self, passport: str) -> list[dict[str, Any]]:
        rows = self.db["customers"].rows_where("passport = ?", [passport], order_by="id")
        return [json.loads(row["data"]) for row in rows]

    def retention(self, session_id: str) -> dict[str, Any] | None:
        rows = list(self.db["retention"].rows_where("session_id = ?", [session_id]))
        return rows[0] if rows else None

    def all_customers(self) -> list[dict[str, Any]]:
        return [json.loads(row["data"]) for row in self.db["customers"].rows_where(order_by="id")]

    def opted_out_channels(self, customer_id: str) -> list[str]:
        rows = self.db["opt_outs"].rows_where("customer_id = ?", [customer_id], order_by="channel")
        return [row["channel"] for row in rows]

    def past_responses(self, customer_id: str) -> list[dict[str, Any]]:
        """Responses saved for offers to this customer in earlier conversations (for the contact policy)."""
        rows = self.db["offers"].rows_where("customer_id = ? and response is not null", [customer_id],
                                            order_by="updated_at")
        return [{"product": row["product"], "response": row["response"], "at": row["updated_at"]} for row in rows]

    def opt_outs(self, session_id: str | None = None) -> list[dict[str, Any]]:
        if session_id is None:
            return list(self.db["opt_outs"].rows_where(order_by="id"))
        return list(self.db["opt_outs"].rows_where("session_id = ?", [session_id], order_by="id"))

    def tickets(self, session_id: str | None = None) -> list[dict[str, Any]]:
        if session_id is None:
            return list(self.db["tickets"].rows_where(order_by="id"))
        return list(self.db["tickets"].rows_where("session_id = ?", [session_id], order_by="id"))

    def handoffs(self, session_id: str | None = None) -> list[dict[str, Any]]:
        rows = (self.db["handoffs"].rows_where(order_by="id") if session_id is None
                else self.db["handoffs"].rows_where("session_id = ?", [session_id], order_by="id"))
        return [{**row, "transcript": json.loads(row["transcript"])} for row in rows]

    def session(self, session_id: str) -> dict[str, Any]:
        return self.db["sessions"].get(session_id)

    def turns(self, session_id: str) -> list[dict[str, Any]]:
        return list(self.db["turns"].rows_where("session_id = ?", [session_id], order_by="n"))

    def offers(self, session_id: str) -> list[dict[str, Any]]:
        return list(self.db["offers"].rows_where("session_id = ?", [session_id], order_by="shown_at, product"))

    def orders(self, session_id: str | None = None) -> list[dict[str, Any]]:
        if session_id is None:
            return list(self.db["orders"].rows_where(order_by="id"))
        return list(self.db["orders"].rows_where("session_id = ?", [session_id], order_by="id"))

    def sessions_of(self, user_id: str, mode: str | None = None) -> Iterable[dict[str, Any]]:
        where, args = "user_id = ?", [user_id]
        if mode:
            where, args = where + " and mode = ?", [*args, mode]
        return self.db["sessions"].rows_where(where, args, order_by="started_at")
