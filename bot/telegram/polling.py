"""Long polling with at-least-once handling: a batch of updates is confirmed to the Bot API (the next getUpdates
offset) only after every update in it has been handled — its turn recorded and its replies sent. A process killed
mid-batch gets the whole batch again at its next start; middlewares.ReplayGuard makes the replays change nothing
twice. An update that failed because a store is unreachable (RetryLater) leaves its batch unconfirmed: it is tried
again after a pause, until the store is back."""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from .middlewares import RetryLater
from .settings import Settings

log = logging.getLogger("sobesednik.telegram")
RETRY_PAUSES = (0.5, 1.0, 2.0, 5.0)  # seconds between tries of a batch that could not be handled, then of getUpdates


class Poller:
    def __init__(self, dispatcher: Dispatcher, bot: Bot, settings: Settings):
        self.dispatcher = dispatcher
        self.bot = bot
        self.settings = settings
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Finish the batch in hand, confirm it, then shut down (the storage closes after the last turn)."""
        self._stopping.set()

    async def run(self) -> None:
        dispatcher, bot = self.dispatcher, self.bot
        workflow = {"dispatcher": dispatcher, "bots": [bot], **dispatcher.workflow_data}
        await bot.delete_webhook(drop_pending_updates=False)
        allowed = dispatcher.resolve_used_update_types()
        await dispatcher.emit_startup(bot=bot, **workflow)
        offset: int | None = None
        failures = 0
        try:
            while not self._stopping.is_set():
                updates = await self._fetch(offset, allowed)
                if updates is None:
                    failures += 1
                    await self._pause(failures)
                    continue
                if await self._handle(updates, workflow):
                    failures = 0
                    if updates:
                        offset = updates[-1].update_id + 1
                else:
                    failures += 1
                    await self._pause(failures)
            if offset is not None:
                await self._confirm(offset)
        finally:
            await dispatcher.emit_shutdown(bot=bot, **workflow)
            await bot.session.close()

    async def _fetch(self, offset: int | None, allowed: list[str]) -> list[Update] | None:
        """The next updates, [] when stopping; None when the Bot API could not be reached (logged)."""
        fetch = asyncio.ensure_future(self.bot.get_updates(
            offset=offset, timeout=self.settings.polling_timeout, allowed_updates=allowed,
            request_timeout=self.settings.polling_timeout + 30))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return []
        try:
            return fetch.result()
        except Exception as exc:  # noqa: BLE001 — network or server trouble: try again after a pause
            log.error("failed to fetch updates: %s: %s", type(exc).__name__, exc)
            return None

    async def _handle(self, updates: list[Update], workflow: dict[str, Any]) -> bool:
        """Every update of the batch at once (one user's in order: the events isolation); False when one of them
        must be tried again."""
        results = await asyncio.gather(*(self.dispatcher.feed_update(self.bot, update, **workflow)
                                         for update in updates), return_exceptions=True)
        retry = False
        for update, result in zip(updates, results):
            if isinstance(result, RetryLater):
                retry = True
            elif isinstance(result, BaseException):
                log.error("update %s failed outside the handlers: %s: %s", update.update_id,
                          type(result).__name__, result)
        return not retry

    async def _pause(self, failures: int) -> None:
        pause = RETRY_PAUSES[min(failures, len(RETRY_PAUSES)) - 1]
        try:
            await asyncio.wait_for(self._stopping.wait(), pause)
        except TimeoutError:
            pass

    async def _confirm(self, offset: int) -> None:
        try:
            await self.bot.get_updates(offset=offset, timeout=0, limit=1)
        except Exception as exc:  # noqa: BLE001 — the batch comes again at the next start and changes nothing
            log.warning("could not confirm the last updates: %s: %s", type(exc).__name__, exc)
