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
