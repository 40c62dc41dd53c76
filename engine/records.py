"""The record store: sessions, turns, offers with their response codes, orders — SQLite through sqlite-utils.

Every turn is written in one transaction when it completes, so a crash loses at most the turn in flight.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "sobesednik.sqlite"


def default_db_path() -> Path:
    return Path(os.environ.get("DB_PATH") or DEFAULT_DB_PATH)


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


# Explicit, append-only: migration N brings the schema from version N to N + 1.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1]


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


class Records:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        if str(self.path) != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 5000")
        self._migrate()

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
        with self.db.conn:
            self.db["sessions"].insert(
                {"id": session_id, "mode": mode, "channel": channel, "user_id": user_id, "call_type": call_type,
                 "stage": stage, "status": "active", "started_at": started_at, "scenario_id": scenario_id,
                 "customer_id": customer_id},
                replace=True,
            )

    def save_turn(self, write: TurnWrite) -> None:
        with self.db.conn:
            self.db.execute("BEGIN IMMEDIATE")
            for turn in write.turns:
                self.db["turns"].insert(
                    {**turn, "session_id": write.session_id,
                     "analysis": json.dumps(turn.get("analysis") or {}, ensure_ascii=False)},
                    replace=True,
                )
            for offer in write.offers:
                self.db["offers"].upsert({**offer, "session_id": write.session_id}, pk=("session_id", "product"))
            for order in write.orders:
                self.db["orders"].insert({**order, "session_id": write.session_id, "status": "new"}, ignore=True)
            update: dict[str, Any] = {"stage": write.stage, "status": write.status}
            if write.finished_at:
                update["finished_at"] = write.finished_at
            if write.scorecard is not None:
                update.update(score=write.scorecard.get("score"), passed=int(bool(write.scorecard.get("passed"))),
                              scorecard=json.dumps(write.scorecard, ensure_ascii=False))
            self.db["sessions"].update(write.session_id, update)

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
