"""FSM storage for dialogue snapshots: memory by default, Redis with REDIS_URL.

Event isolation: one user's updates are handled one at a time and in arrival order — a per-user FIFO lock inside
this process (asyncio locks wake waiters in order), and with Redis also a Redis lock shared by every worker. The
Redis lock lives LOCK_TTL seconds and is renewed while its turn runs, so a worker killed mid-turn (kill -9) blocks
that user for at most LOCK_TTL seconds.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Hashable
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, KeyBuilder, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage
from redis.asyncio import Redis
from redis.exceptions import RedisError

KEY_PREFIX = "sobesednik"
LOCK_TTL = 5.0  # seconds a killed worker may still hold a user's Redis lock
LOCK_RENEW = LOCK_TTL / 3  # a live worker renews its lock this often
log = logging.getLogger("sobesednik.telegram")


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

class RenewedRedisLock(BaseEventIsolation):
    """A user's lock shared by every worker: short-lived in Redis, renewed while held."""

    def __init__(self, redis: Redis, key_builder: KeyBuilder):
        self.redis = redis
        self.key_builder = key_builder

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        held = self.redis.lock(self.key_builder.build(key, "lock"), timeout=LOCK_TTL)
        await held.acquire()
        renewing = asyncio.create_task(self._renew(held))
        try:
            yield
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            try:
                await held.release()
            except RedisError as exc:  # the turn is done; the lock expires by itself
                log.warning("could not release a user's lock: %s", exc)

    @staticmethod
    async def _renew(held) -> None:
        try:
            while True:
                await asyncio.sleep(LOCK_RENEW)
                await held.reacquire()
        except RedisError as exc:  # the turn goes on; its end will find out whether Redis is back
            log.warning("could not renew a user's lock: %s", exc)

    async def close(self) -> None:
        pass


def make_storage(redis_url: str | None) -> tuple[BaseStorage, BaseEventIsolation]:
    if not redis_url:
        return MemoryStorage(), OrderedIsolation()
    key_builder = DefaultKeyBuilder(prefix=KEY_PREFIX, with_bot_id=True)
    storage = RedisStorage.from_url(redis_url, key_builder=key_builder)
    return storage, OrderedIsolation(RenewedRedisLock(storage.redis, key_builder))


async def check_storage(storage: BaseStorage) -> None:
    """Fail at start, not at the first message, when Redis is unreachable; warn when it keeps nothing over a restart
    (conversations then go on from the records)."""
    if not isinstance(storage, RedisStorage):
        return
    await storage.redis.ping()
    try:
        saves = (await storage.redis.config_get("save")).get("save")
        append_only = (await storage.redis.config_get("appendonly")).get("appendonly")
    except RedisError:
        return  # a managed Redis may refuse CONFIG
    if not saves and append_only != "yes":
        log.warning("REDIS_URL: this Redis keeps nothing over a restart (no snapshots, no append-only file): "
                    "conversations will be taken up from the records")
