"""End-to-end fixtures: the fake Bot API server, the bot's dispatcher polling it over HTTP, Redis when available."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.telegram.app import create_bot, setup_dispatcher
from bot.telegram.polling import Poller
from bot.telegram.services import Live, build_live
from bot.telegram.settings import Settings
from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS

from .. import servers
from .fake_telegram import WAIT, FakeTelegram, User

TOKEN = "123456:TEST-token_for-the-fake-server"
TRAINER_ID = 900001


@pytest.fixture(scope="session")
def live() -> Live:
    return build_live(DEFAULT_DIALOGUES, DEFAULT_SCRIPTS)


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(TOKEN).start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A throwaway redis-server on 127.0.0.1 (no persistence); `./dev test` installs one where it is missing."""
    try:
        with servers.redis_server() as url:
            yield url
    except servers.ServerMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The shared server, emptied for each test."""
    import redis

    client = redis.Redis.from_url(redis_server)
    try:
        client.flushdb()
    finally:
        client.close()
    return redis_server


def make_settings(tg: FakeTelegram, tmp_path: Path, **overrides) -> Settings:
    values = dict(bot_token=TOKEN, telegram_api_url=tg.url, admin_ids=str(TRAINER_ID),
                  db_path=tmp_path / "records.sqlite", polling_timeout=10, throttle_rate=50, throttle_period=60)
    values.update(overrides)
    return Settings(_env_file=None, **values)


class RunningBot:
    """The real dispatcher polling the fake server over HTTP, in this event loop."""

    def __init__(self, tg: FakeTelegram, settings: Settings, live: Live | None):
        self.tg = tg
        self.settings = settings
        self.live = live
        self.task: asyncio.Task | None = None

    async def start(self) -> RunningBot:
        self.dispatcher = setup_dispatcher(self.settings, live=self.live)
        self.bot = create_bot(self.settings)
        polls = self.tg.polls
        self.poller = Poller(self.dispatcher, self.bot, self.settings)
        self.task = asyncio.create_task(self.poller.run())
        await self.tg.wait_for(lambda: self.tg.polls > polls or self.task.done())
        if self.task.done():
            await self.task
        return self

    async def stop(self) -> None:
        if self.task is None:
            return
        self.poller.stop()
        await self.task
        self.task = None

    @property
    def services(self):
        return self.dispatcher["services"]

    async def handled(self, *update_ids: int) -> None:
        """Wait until the bot has finished with these updates (its ledger says so)."""
        for update_id in update_ids:
            await asyncio.wait_for(self.dispatcher["ledger"].wait_handled(update_id), WAIT)


@pytest.fixture
async def start_bot(tg: FakeTelegram, tmp_path: Path, live: Live):
    running: list[RunningBot] = []

    async def start(live_content: Live | None = None, *, own_content: bool = False, **overrides) -> RunningBot:
        """``own_content``: the bot loads content itself, as in production (customers from its SQLite base)."""
        bot = RunningBot(tg, make_settings(tg, tmp_path, **overrides), None if own_content else live_content or live)
        running.append(bot)
        return await bot.start()

    yield start
    for bot in running:
        await bot.stop()


@pytest.fixture
def user(tg: FakeTelegram) -> User:
    return User(tg, 100001, "Анна")


@pytest.fixture
def trainer(tg: FakeTelegram) -> User:
    return User(tg, TRAINER_ID, "Тренер")
