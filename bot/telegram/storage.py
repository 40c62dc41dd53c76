"""FSM storage for dialogue snapshots: memory by default, Redis with REDIS_URL.

Event isolation: one user's updates are handled one at a time and in arrival order — a per-user FIFO lock inside
this process (asyncio locks wake waiters in order), and with Redis also a Redis lock shared by every worker.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Hashable
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

KEY_PREFIX = "sobesednik"
LOCK_TIMEOUT = 60  # seconds a crashed worker may hold a user's Redis lock


class OrderedIsolation(BaseEventIsolation):
    """Per-key FIFO locks that are forgotten when nobody holds or waits for them; optionally wrapping a shared
    (cross-process) isolation."""

    def __init__(self, shared: BaseEventIsolation | None = None):
        self.shared = shared
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                if self.shared is None:
                    yield
                else:
                    async with self.shared.lock(key):
                        yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def close(self) -> None:
        if self.shared is not None:
            await self.shared.close()

def make_storage(redis_url: str | None) -> tuple[BaseStorage, BaseEventIsolation]:
    if not redis_url:
        return MemoryStorage(), OrderedIsolation()
    storage = RedisStorage.from_url(redis_url, key_builder=DefaultKeyBuilder(prefix=KEY_PREFIX, with_bot_id=True))
    return storage, OrderedIsolation(storage.create_isolation(lock_kwargs={"timeout": LOCK_TIMEOUT}))


async def check_storage(storage: BaseStorage) -> None:
    """Fail at start, not at the first message, when Redis is unreachable."""
    if isinstance(storage, RedisStorage):
        await storage.redis.ping()
