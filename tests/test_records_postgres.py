"""Records in PostgreSQL (DATABASE_URL): the same migrations, the same rows for the same conversations and the same
report as SQLite (`dashboard`, Datasette over a SQLite file, says politely how to get one). A real PostgreSQL is
started on 127.0.0.1 for the module (`./dev test` installs it)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.reports import Words, sections
from bot.runner import ConversationRunner
from engine.conversation import Event
from engine.dialogue import DialogueEngine
from engine.records import MIGRATIONS, GroupCommit, Records, TurnWrite
from engine.report import Period, build_report
from engine.understanding import Understanding

from . import servers
from .conftest import run_main
from .records_sample import CUSTOMER_SESSIONS, TRAINEE_SESSIONS, fill

CALLS = [
    ("customer", {"customer_id": "demo_egor"}, ["352011070411, Журавлёв Егор",
                                                "вечером очень медленный интернет, ничего не грузится",
                                                "Да, помогло", "дороговато для меня", "Подключить"]),
    ("customer", {"call_type": "retention_mnp"}, ["Здравствуйте", "хочу уйти к другому оператору", "дорого"]),
    ("trainee", {"scenario_id": "slow_internet_speed_easy"}, ["Здравствуйте, компания Ростелеком, меня зовут Анна",
                                                              "Чем могу помочь?"]),
]


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    try:
        with servers.postgres_server() as url:
            yield url
    except servers.ServerMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture
def pg_records(postgres: str) -> Iterator[Records]:
    servers.empty_postgres(postgres)
    records = Records(url=postgres)
    yield records
    records.close()


def _engine(content) -> DialogueEngine:
    fixed = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)
    return DialogueEngine(content, Understanding.load(content.dialogues), clock=lambda: fixed)


def _play(records: Records, engine: DialogueEngine) -> list[str]:
    runner = ConversationRunner(engine, records, "test")
    sessions = []
    for n, (mode, options, lines) in enumerate(CALLS):
        snapshot = runner.start(mode, f"u{n}", 1, seed=7, session_id=f"s{n}", **options).snapshot
        for update, line in enumerate(lines, 2):
            if snapshot.finished:
                break
            snapshot = runner.turn(snapshot, Event(text=line), f"u{n}", update).snapshot
        sessions.append(snapshot.session_id)
    return sessions


def _dump(records: Records, sessions: list[str]) -> list:
    return [(records.session(sid), records.turns(sid), records.offers(sid), records.orders(sid),
             records.retention(sid)) for sid in sessions]


def test_the_schema_is_migrated_once_by_many_workers(postgres: str) -> None:
    servers.empty_postgres(postgres)
    first, second = Records(url=postgres), Records(url=postgres)
    try:
        assert first.schema_version == second.schema_version == len(MIGRATIONS)
        tables = {row["table_name"] for row in first.query(
            "select table_name from information_schema.tables where table_schema = 'public'")}
        assert {"sessions", "turns", "offers", "orders", "customers", "opt_outs", "tickets", "handoffs",
                "retention"} <= tables
    finally:
        first.close()
        second.close()


def test_the_same_conversations_make_the_same_rows(pg_records: Records, tmp_path: Path, content) -> None:
    engine = _engine(content)
    lite = Records(tmp_path / "r.sqlite")
    try:
        sessions = _play(lite, engine)
        assert _play(pg_records, engine) == sessions
        assert _dump(pg_records, sessions) == _dump(lite, sessions)
        assert any(row[3] for row in _dump(lite, sessions))  # an order was made: the comparison covers them
    finally:
        lite.close()


def test_group_commit_writes_every_turn_once(pg_records: Records) -> None:
    pg_records.start_session(session_id="g", mode="customer", channel="test", user_id="u", call_type="x",
                             stage="greeting", started_at="t0")
    writer = GroupCommit(pg_records.reopen())
    try:
        futures = [writer.submit(TurnWrite("g", "issue", "active", turns=[
            {"n": n, "role": "client", "text": f"строка {n}", "stage": "issue", "at": "t1"}])) for n in range(1, 51)]
        for future in futures:
            future.result()
    finally:
        writer.close()
        writer.records.close()
    assert [turn["n"] for turn in pg_records.turns("g")] == list(range(1, 51))


def test_the_same_scripted_sessions_make_the_same_report(pg_records: Records, postgres: str, tmp_path: Path,
                                                         content, monkeypatch) -> None:
    lite = Records(tmp_path / "r.sqlite")
    try:
        fill(lite, content)
        fill(pg_records, content)
        march = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        for call_type in (None, "retention_mnp", "inbound_upsell"):
            from_lite = build_report(lite, content, march, call_type)
            from_pg = build_report(pg_records, content, march, call_type)
            assert from_pg == from_lite, call_type
            assert sections(from_pg, Words(content)) == sections(from_lite, Words(content))
    finally:
        lite.close()
    # every part of the report has something in it, so the comparison covers every view
    assert from_lite.sessions and build_report(pg_records, content, march).sessions == {
        "trainee": len(TRAINEE_SESSIONS), "customer": len(CUSTOMER_SESSIONS)}
    whole = build_report(pg_records, content, march)
    assert whole.failures and any(f.example for f in whole.failures) and whole.funnels and whole.codes
    assert whole.objections and whole.topics and whole.handoffs and whole.opt_outs and whole.offers_by_bridge
    assert whole.outcomes and whole.winback_consents == 1
    # and `report` reads PostgreSQL when DATABASE_URL is set
    monkeypatch.setenv("DATABASE_URL", postgres)
    done = run_main("report", "--since", "2026-03-01", "--until", "2026-03-31", "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out" / "report-all-2026-03-01-2026-03-31.csv").is_file()


def test_the_dashboard_serves_a_sqlite_copy_of_postgresql(pg_records: Records, postgres: str, tmp_path: Path,
                                                          content, monkeypatch) -> None:
    import uvicorn

    fill(pg_records, content)
    monkeypatch.setenv("DATABASE_URL", postgres)
    refused = run_main("dashboard")
    assert refused.exit_code == 2 and "--export" in refused.output and "Traceback" not in refused.output
    served: list = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(options))
    copy = tmp_path / "copy.sqlite"
    done = run_main("dashboard", "--export", copy, "--port", "8123")
    assert done.exit_code == 0, done.output
    assert served == [{"host": "127.0.0.1", "port": 8123, "log_level": "warning"}]
    exported = Records(copy)
    try:
        march = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        assert build_report(exported, content, march) == build_report(pg_records, content, march)
        assert exported.customer_count() == pg_records.customer_count()
    finally:
        exported.close()
    again = run_main("dashboard", "--export", copy)
    assert again.exit_code == 2 and str(copy) in again.output
