"""Faults under a running bot, in process: Redis down and restarted empty, the records deleted, a replayed update,
/stop twice, /train over an unfinished call, a button pressed twice. Nothing lost, nothing done twice, never
silence."""
from __future__ import annotations

import logging
import shutil
import subprocess

import pytest
from aiogram.types import Update

from bot.telegram.storage import check_storage
from engine.records import Records

from ..servers import free_port
from .fake_telegram import has_buttons
from .test_trainee import GOOD_CALL, choose_scenario


def sessions_of(db, user_id: int) -> list[dict]:
    records = Records(db)
    try:
        return [{**row, "turns": records.turns(row["id"])} for row in records.sessions_of(str(user_id))]
    finally:
        records.close()


def operator_lines(session: dict) -> list[str]:
    return [turn["text"] for turn in session["turns"] if turn["role"] == "operator"]


class OwnRedis:
    """A redis-server of this test alone (no persistence), to stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.process = subprocess.Popen([shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        for line in self.process.stdout:
            if "Ready to accept connections" in line:
                return self
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process.stdout.close()
            self.process = None


@pytest.fixture
def own_redis():
    server = OwnRedis().start()
    yield server
    server.stop()


async def test_redis_down_gets_an_apology_then_the_message_is_answered_when_it_is_back_even_empty(
        start_bot, user, live, own_redis, tmp_path):
    bot = await start_bot(redis_url=own_redis.url)
    await choose_scenario(user, live)
    first = await user.send(GOOD_CALL[0])
    await user.receive()
    await bot.handled(first)  # its turn is over, its lock released
    own_redis.stop()
    await user.send(GOOD_CALL[1])
    [apology] = await user.receive()
    assert apology["text"] == live.content.label("tg_apology")
    own_redis.start()  # restarted without persistence: the conversation is gone from Redis
    [answer] = await user.receive()
    assert "работает" in answer["text"]  # the same training goes on, taken up from the records
    await user.send(GOOD_CALL[2])
    [objection] = await user.receive()
    assert "дорого" in objection["text"].lower()
    [session] = sessions_of(tmp_path / "records.sqlite", user.id)
    assert session["mode"] == "trainee" and session["status"] == "active"
    assert operator_lines(session) == GOOD_CALL[:3]  # every line once


async def test_a_redis_without_persistence_is_reported_at_start(redis_url, caplog):
    from aiogram.fsm.storage.redis import RedisStorage

    storage = RedisStorage.from_url(redis_url)
    try:
        with caplog.at_level(logging.WARNING, logger="sobesednik.telegram"):
            await check_storage(storage)
    finally:
        await storage.close()
    assert any("keeps nothing over a restart" in record.getMessage() for record in caplog.records)


async def test_the_records_deleted_under_the_bot_are_recreated_with_the_whole_conversation(
        start_bot, user, live, tmp_path, caplog):
    db = tmp_path / "var" / "records.sqlite"
    bot = await start_bot(db_path=db)
    await user.send("Здравствуйте")
    await user.receive()
    await user.send("352011070411, Журавлёв Егор")
    await user.receive()
    shutil.rmtree(db.parent)
    with caplog.at_level(logging.ERROR, logger="sobesednik.records"):
        update_id = await user.send("вечером очень медленный интернет")
        await user.receive()
        await bot.handled(update_id)
    assert any("deleted or replaced" in record.getMessage() for record in caplog.records)
    [session] = sessions_of(db, user.id)
    clients = [turn["text"] for turn in session["turns"] if turn["role"] == "client"]
    assert clients == ["352011070411, Журавлёв Егор", "вечером очень медленный интернет"]
    assert [turn["n"] for turn in session["turns"]] == list(range(1, len(session["turns"]) + 1))


async def test_a_replayed_update_changes_nothing_twice(start_bot, user, live, tg, tmp_path):
    bot = await start_bot()
    await choose_scenario(user, live)
    update_id = await user.send(GOOD_CALL[0])
    await user.receive()
    await bot.handled(update_id)
    before = sessions_of(tmp_path / "records.sqlite", user.id)
    replay = Update.model_validate(tg.sent_updates[update_id], context={"bot": bot.bot})
    await bot.dispatcher.feed_update(bot.bot, replay)
    assert user.read_all() == []
    assert sessions_of(tmp_path / "records.sqlite", user.id) == before


async def test_stop_twice_closes_the_call_as_abandoned_never_active(start_bot, user, live, tmp_path):
    await start_bot()
    await choose_scenario(user, live)
    await user.send(GOOD_CALL[0])
    await user.receive()
    await user.send("/stop")
    await user.receive_until(has_buttons)  # the response codes are asked for
    await user.send("/stop")
    [stopped] = await user.receive()
    assert stopped["text"] == live.content.label("tg_stopped")
    [session] = sessions_of(tmp_path / "records.sqlite", user.id)
    assert session["status"] == "abandoned" and session["finished_at"]


async def test_train_over_an_unfinished_call_closes_the_old_one(start_bot, user, live, tmp_path):
    await start_bot()
    await choose_scenario(user, live)
    await user.send(GOOD_CALL[0])
    await user.receive()
    await choose_scenario(user, live)
    old, new = sorted(sessions_of(tmp_path / "records.sqlite", user.id), key=lambda s: s["status"])
    assert (old["status"], new["status"]) == ("abandoned", "active")
    assert operator_lines(old) == GOOD_CALL[:1]


async def test_a_button_pressed_twice_is_taken_once(start_bot, user, live, tg, tmp_path):
    bot = await start_bot()
    await choose_scenario(user, live)
    for line in GOOD_CALL:
        await user.send(line)
        await user.receive()
    [choice] = await user.receive_until(has_buttons)
    first = await user.press(choice, "Клиент согласен")
    second = await user.press(choice, "Клиент согласен")
    await bot.handled(first, second)
    saved, over = user.read_all()
    assert "Клиент согласен" in saved["text"] and over["text"].endswith(f"{live.content.label('tg_session_over')}</i>")
    assert tg.calls_of("answerCallbackQuery")[-1].params["text"] == live.content.label("tg_stale_button")
    [session] = sessions_of(tmp_path / "records.sqlite", user.id)
    assert session["status"] == "finished" and session["score"] is not None


async def test_a_full_disk_is_an_apology_nothing_half_written_and_the_call_goes_on(start_bot, user, live, tmp_path,
                                                                                    monkeypatch):
    import sqlite3

    bot = await start_bot()
    await choose_scenario(user, live)
    await user.send(GOOD_CALL[0])
    await user.receive()
    records = bot.services.writer.records  # the single writer's connection
    write_turns = records.save_turns

    def disk_full(writes):
        # SQLite's own error on a full disk, raised inside the turn's transaction after its first row
        with records.transaction():
            records.execute("insert into turns (session_id, n, role, text, analysis) values (?, ?, ?, ?, '{}')",
                            [writes[0].session_id, *(writes[0].turns[0][key] for key in ("n", "role", "text"))])
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(records, "save_turns", disk_full)
    await user.send(GOOD_CALL[1])
    [apology] = await user.receive()
    assert apology["text"] == live.content.label("tg_apology")
    monkeypatch.setattr(records, "save_turns", write_turns)  # space is freed
    await user.send(GOOD_CALL[1])
    [answer] = await user.receive()
    assert "работает" in answer["text"]
    [session] = sessions_of(tmp_path / "records.sqlite", user.id)
    assert operator_lines(session) == GOOD_CALL[:2]  # the failed turn left nothing behind


async def test_a_users_redis_lock_is_short_lived_and_renewed_while_held(redis_url, monkeypatch):
    import asyncio

    import redis.asyncio

    from aiogram.fsm.storage.base import StorageKey
    from aiogram.fsm.storage.redis import DefaultKeyBuilder

    import bot.telegram.storage as storage

    client = redis.asyncio.Redis.from_url(redis_url)
    key_builder = DefaultKeyBuilder(prefix=storage.KEY_PREFIX, with_bot_id=True)
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    name = key_builder.build(key, "lock")
    try:
        async with storage.RenewedRedisLock(client, key_builder).lock(key):
            assert 0 < await client.pttl(name) <= storage.LOCK_TTL * 1000  # a killed holder blocks him briefly
        assert not await client.exists(name)
        monkeypatch.setattr(storage, "LOCK_TTL", 1.0)
        monkeypatch.setattr(storage, "LOCK_RENEW", 0.1)
        async with storage.RenewedRedisLock(client, key_builder).lock(key):
            await asyncio.sleep(2.5)  # a long turn: well past the lock's life, which renewal keeps extending
            assert await client.exists(name)
    finally:
        await client.aclose()
