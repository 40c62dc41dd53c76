"""Bot processes in webhook mode and the load that drives them: simulated users posting their lines as Telegram
updates, each user's next line after the previous update was answered (closed loop), spread over the workers the
way a round-robin load balancer spreads them. Shared by the benchmarks and the multi-worker test.

A post that fails (the worker is gone, or answers 5xx) is posted again to the next worker, as Telegram delivers an
update again that was not answered 200; ``Load.retries`` counts them.
"""
from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector

from .latencies import Latencies

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token_for-the-fake-server"
SECRET = "bench-secret_42"
ECHO_COMMAND = (sys.executable, "-m", "benchmarks.echo_bot")
POST_TRIES = 20
RETRY_PAUSE = 0.2  # seconds before a failed post goes to the next worker


DEPLOY = ROOT / "deploy"


def deployed_command() -> tuple[str, ...]:
    """The worker's command as deploy/sobesednik-bot@.service runs it, with this interpreter."""
    unit = (DEPLOY / "sobesednik-bot@.service").read_text(encoding="utf-8")
    command = next(line.split("=", 1)[1].split() for line in unit.splitlines() if line.startswith("ExecStart="))
    return (sys.executable, *command[1:])


BOT_COMMAND = deployed_command()


def deployed_settings() -> dict[str, str]:
    """deploy/bot.env, the settings every worker shares."""
    lines = (DEPLOY / "bot.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def webhook_env(api_url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of one bot worker: deploy/bot.env with this run's addresses, secrets and files (no Redis or
    PostgreSQL unless ``extra`` names them)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("REDIS_", "DATABASE_", "DB_"))}
    env.update(deployed_settings())
    env.update(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api_url, WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
               WEBHOOK_SECRET=SECRET, WEBHOOK_PORT=str(port), REDIS_URL="", DATABASE_URL="",
               # simulated users type faster than people: the per-user flood guard would drop their lines
               THROTTLE_RATE="1000", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def start_process(command: Sequence[str], env: Mapping[str, str], log: Path) -> subprocess.Popen:
    out = log.open("ab")
    try:
        return subprocess.Popen(list(command), cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    finally:
        out.close()


def stop_process(process: subprocess.Popen, timeout: float = 30.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Load(Latencies):
    """What the users saw: the time each update took to be answered, the wall time, re-posts."""

    retries: int = 0
    delivered: dict[int, list[int]] = field(default_factory=dict)  # user → update ids answered 200, in order

    def figures(self) -> dict[str, float]:
        return {**self.summary("updates", 1), "retries": self.retries}


def _message_update(update_id: int, user_id: int, text: str) -> dict:
    person = {"id": user_id, "is_bot": False, "first_name": "Абонент", "language_code": "ru"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "from": person,
        "chat": {"id": user_id, "type": "private", "first_name": "Абонент"}, "text": text}}


async def drive(urls: Sequence[str], conversations: Mapping[int, Sequence[str]], *,
                first_update: int = 1) -> Load:
    """Every user's lines, users concurrently; a user's consecutive lines go to the workers in turn (first to the
    next one), so every worker takes part in every conversation."""
    load = Load(delivered={user: [] for user in conversations})
    update_ids = itertools.count(first_update)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    async def user(session: ClientSession, user_id: int, lines: Sequence[str], first: int) -> None:
        for position, text in enumerate(lines):
            update = _message_update(next(update_ids), user_id, text)
            target = first + position
            started = time.perf_counter()
            for attempt in range(POST_TRIES):
                url = urls[(target + attempt) % len(urls)]
                try:
                    async with session.post(url, json=update, headers=headers) as response:
                        if response.status == 200:
                            break
                except (ClientError, asyncio.TimeoutError):
                    pass
                load.retries += 1
                await asyncio.sleep(RETRY_PAUSE)
            else:
                raise RuntimeError(f"update {update['update_id']} was not taken by any worker")
            load.latencies.append(time.perf_counter() - started)
            load.delivered[user_id].append(update["update_id"])

    async with ClientSession(connector=TCPConnector(limit=0), timeout=ClientTimeout(total=120)) as session:
        began = time.perf_counter()
        await asyncio.gather(*(user(session, user_id, lines, n)
                               for n, (user_id, lines) in enumerate(conversations.items())))
        load.wall = time.perf_counter() - began
    return load
