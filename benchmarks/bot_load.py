"""The whole bot as deployed (``python main.py bot`` in webhook mode) against a fake Bot API on 127.0.0.1, beside a
bare aiogram echo bot under the same load in the same run: start-up to serving, updates/s, answer latency."""
from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.servers import free_port
from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS, load_content
from engine.records import Records
from tests.e2e.fake_telegram import FakeTelegram

from .dialogues import CUSTOMER_LINES
from .webhook_load import BOT_COMMAND, ECHO_COMMAND, TOKEN, drive, start_process, stop_process, webhook_env

FIRST_USER = 700_000
STARTUP_WAIT = 120.0  # a guard against a worker that never serves, not a timing figure


def contract_of(user_id: int) -> str:
    return f"3520{user_id:08d}"


def conversations(users: int, first_user: int = FIRST_USER) -> dict[int, Sequence[str]]:
    """Every simulated user a customer of his own (seed_customers) calling about slow internet, as demo_egor does
    in the benchmark dialogue: greeting, contract and name, the issue, advice that helped, a price objection, yes."""
    greeting, identification, *rest = CUSTOMER_LINES
    name = identification.split(",", 1)[1]
    return {first_user + n: (greeting, f"{contract_of(first_user + n)},{name}", *rest) for n in range(users)}


def seed_customers(records: Records, users: int, first_user: int = FIRST_USER) -> None:
    """demo_egor's twins, one per simulated user: each call sees a customer with no history, so every call runs
    the same way however many ran before it."""
    egor = load_content(DEFAULT_DIALOGUES, DEFAULT_SCRIPTS).customers["demo_egor"].model_dump(mode="json")
    records.upsert_customers([{**egor, "id": f"bench_{first_user + n}", "contract": contract_of(first_user + n),
                               "phone": None} for n in range(users)], "2026-01-01T00:00:00")


@dataclass
class Workers:
    processes: list[subprocess.Popen] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    startup: float = 0.0  # seconds from the first one's spawn to its setWebhook: listening and ready

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}/telegram" for port in self.ports]


@asynccontextmanager
async def workers(tg: FakeTelegram, command: Sequence[str], count: int, folder: Path, **env: str):
    """``count`` processes of ``command`` serving webhooks, each started once the previous one serves."""
    running = Workers()
    processes = running.processes
    try:
        for n in range(count):
            port = free_port()
            done = len(tg.calls_of("setWebhook"))
            spawned = time.perf_counter()
            processes.append(start_process(command, webhook_env(tg.url, port, **env), folder / f"worker{n}.log"))
            await tg.wait_for(lambda: len(tg.calls_of("setWebhook")) > done or processes[-1].poll() is not None,
                              STARTUP_WAIT)
            if processes[-1].poll() is not None:
                raise RuntimeError(f"{' '.join(command)} exited: see {folder / f'worker{n}.log'}")
            running.startup = running.startup or time.perf_counter() - spawned
            running.ports.append(port)
        yield running
    finally:
        for process in processes:
            stop_process(process)


async def run_workers(tg: FakeTelegram, command: Sequence[str], count: int, users: int, folder: Path,
                      **env: str) -> dict:
    async with workers(tg, command, count, folder, **env) as running:
        load = await drive(running.urls, conversations(users))
    return {**load.figures(), "startup_s": round(running.startup, 2)}


async def bot_vs_echo(users: int, folder: Path) -> dict:
    database = folder / "bot.sqlite"
    records = Records(database)
    seed_customers(records, users)
    records.close()
    tg = await FakeTelegram(TOKEN).start()
    try:
        echo = await run_workers(tg, ECHO_COMMAND, 1, users, folder)
        bot = await run_workers(tg, BOT_COMMAND, 1, users, folder, DB_PATH=str(database))
    finally:
        await tg.stop()
    return {"users": users, "lines_per_user": len(CUSTOMER_LINES), "echo": echo, "bot": bot,
            "ratio": round(bot["updates_per_s"] / echo["updates_per_s"], 3) if echo["updates_per_s"] else 0.0}


def run(users: int, folder: Path) -> dict:
    return asyncio.run(bot_vs_echo(users, folder))
