"""The real bot process: `run_bot()` (what `python main.py bot` calls) against the fake Bot API over HTTP."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.telegram.settings import load_settings

from .conftest import TOKEN
from .test_trainee import GOOD_CALL, choose_scenario

PROJECT = Path(__file__).resolve().parents[2]
ENTRY = ("import sys; sys.path.insert(0, sys.argv[1]); from bot.telegram import run_bot; "
         "raise SystemExit(run_bot())")
VARIABLES = ("BOT_TOKEN", "TELEGRAM_API_URL", "ADMIN_IDS", "REDIS_URL", "WEBHOOK_URL", "WEBHOOK_SECRET", "DB_PATH")


def bot_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(values)
    return env


async def spawn(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-c", ENTRY, str(PROJECT), env=env, cwd=cwd,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


@pytest.mark.parametrize(("env", "expected"), [
    ({}, ["BOT_TOKEN: required, not set"]),
    ({"BOT_TOKEN": "not-a-token"}, ["BOT_TOKEN: malformed token: expected <digits>:<secret> as given by @BotFather"]),
    ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "12, bob", "TELEGRAM_API_URL": "ftp://x"},
     ["TELEGRAM_API_URL: not an http(s) URL: 'ftp://x'",
      "ADMIN_IDS: not Telegram user ids: bob (use digits separated by commas)"]),
    ({"BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://example.org/hook"},
     ["WEBHOOK_SECRET: required when WEBHOOK_URL is set"]),
])
def test_settings_problems_are_one_line_each(env, expected, monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings, problems = load_settings(_env_file=None)
    assert settings is None and problems == expected


async def test_bad_settings_exit_with_one_clear_line(tmp_path):
    process = await spawn(bot_env(BOT_TOKEN="oops"), tmp_path)
    out, err = await process.communicate()
    assert process.returncode == 2
    assert err.decode().splitlines() == [
        "BOT_TOKEN: malformed token: expected <digits>:<secret> as given by @BotFather"]


async def test_the_bot_process_talks_to_a_bot_api_server_and_survives_a_restart(tg, tmp_path, redis_url, live):
    """BOT_TOKEN=… TELEGRAM_API_URL=http://127.0.0.1:PORT: a training, SIGTERM mid-call, a new process goes on."""
    from .fake_telegram import User

    env = bot_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=tg.url, REDIS_URL=redis_url,
                  DB_PATH=str(tmp_path / "records.sqlite"))
    user = User(tg, 100001, "Анна")
    process = await spawn(env, tmp_path)
    try:
        await choose_scenario(user, live)
        await user.send(GOOD_CALL[0])
        [introduce] = await user.receive()
        assert "352011070412" in introduce["text"]
        process.send_signal(signal.SIGTERM)
        _, err = await process.communicate()
        assert process.returncode == 0, err.decode()[-2000:]
        assert "Traceback" not in err.decode()
        process = await spawn(env, tmp_path)
        for line, expected in zip(GOOD_CALL[1:], ["работает", "дорого"]):
            await user.send(line)
            [client] = await user.receive()
            assert expected in client["text"]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await process.communicate()


async def test_a_wrong_token_is_one_clear_line(tg, tmp_path):
    process = await spawn(bot_env(BOT_TOKEN="42:wrong", TELEGRAM_API_URL=tg.url,
                                  DB_PATH=str(tmp_path / "records.sqlite")), tmp_path)
    _, err = await process.communicate()
    assert process.returncode == 1
    assert err.decode().strip().splitlines()[-1] == "BOT_TOKEN: rejected by the Bot API server (Unauthorized)"


def session_rows(db: Path, user_id: int) -> list[dict]:
    from engine.records import Records

    records = Records(db)
    try:
        return [{**row, "turns": records.turns(row["id"])} for row in records.sessions_of(str(user_id))]
    finally:
        records.close()


@pytest.mark.parametrize("stuck_at", ["sendChatAction", "sendMessage"],
                         ids=["before the turn is saved", "after it is saved, before the reply is sent"])
async def test_kill_9_mid_turn_then_a_restart_answers_the_message_and_records_it_once(tg, tmp_path, redis_url, live,
                                                                                      stuck_at):
    """At least once, exactly once in the records: the update in flight is not confirmed, so the next process gets
    it; its user's Redis lock, held by the dead process, expires within seconds."""
    from .fake_telegram import User

    db = tmp_path / "records.sqlite"
    # «typing…» goes out before every turn is saved: where the first case stalls the Bot API
    env = bot_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=tg.url, REDIS_URL=redis_url, DB_PATH=str(db), TYPING_AFTER="0")
    user = User(tg, 100001, "Анна")
    process = await spawn(env, tmp_path)
    try:
        await choose_scenario(user, live)
        await user.send(GOOD_CALL[0])
        await user.receive()
        tg.stalled.add(stuck_at.lower())
        calls = len(tg.calls_of(stuck_at))
        await user.send(GOOD_CALL[1])
        await tg.wait_for(lambda: len(tg.calls_of(stuck_at)) > calls)
        process.kill()
        await process.communicate()
        tg.stalled.clear()
        process = await spawn(env, tmp_path)
        [answer] = await user.receive()
        assert "работает" in answer["text"]
        await user.send(GOOD_CALL[2])
        [objection] = await user.receive()
        assert "дорого" in objection["text"].lower()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await process.communicate()
    [session] = session_rows(db, user.id)
    assert [t["text"] for t in session["turns"] if t["role"] == "operator"] == GOOD_CALL[:3]
    assert [t["n"] for t in session["turns"]] == list(range(1, len(session["turns"]) + 1))


async def test_a_bot_api_answering_html_at_start_is_one_clear_line(tg, tmp_path):
    tg.bad_gateway = True
    process = await spawn(bot_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=tg.url,
                                  DB_PATH=str(tmp_path / "records.sqlite")), tmp_path)
    _, err = await process.communicate()
    assert process.returncode == 1
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith(f"TELEGRAM_API_URL: cannot talk to the Bot API at {tg.url}: ")
    assert "Traceback" not in err.decode() and "<html>" not in last


async def test_the_bot_log_of_a_whole_run_holds_no_secret_nor_personal_data(tg, tmp_path, redis_url, live):
    """The token, a contract number, a name, a passport and a phone go through a conversation and a failing turn
    (its input is logged); none of them is in the log, masked where they were."""
    import redis

    from .fake_telegram import User

    env = bot_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=tg.url, REDIS_URL=redis_url,
                  DB_PATH=str(tmp_path / "records.sqlite"))
    user = User(tg, 100001, "Анна")
    secrets = [TOKEN, TOKEN.split(":")[1], "352011070411", "Журавлёв", "Егор", "4510 123456", "912 345-67-89"]
    process = await spawn(env, tmp_path)
    try:
        await user.send("Здравствуйте")
        await user.receive()
        identified = await user.send("352011070411, Журавлёв Егор")
        await tg.wait_for(lambda: tg.confirmed >= identified)  # that turn is over, its state written
        client = redis.Redis.from_url(redis_url)
        try:
            [key] = [key for key in client.keys("sobesednik:*:data")]
            client.set(key, '{"snapshot": {"broken": true}}')  # the next turn fails, with its input in the log
        finally:
            client.close()
        await user.send("паспорт 4510 123456, телефон +7 912 345-67-89, Журавлёв Егор Петрович")
        await user.receive_until(lambda message: message["text"] == live.content.label("tg_apology"))
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await process.communicate()
    log = err.decode()
    assert "failed: message from user" in log and "Traceback" in log  # the failure is in the log, with its context
    assert [secret for secret in secrets if secret in log] == []
