"""Middlewares: every update accounted for, errors logged with context and apologised for, users throttled."""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from redis.exceptions import RedisError

from .services import Services
from .talk import deliver, restore

log = logging.getLogger("sobesednik.telegram")
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateLedger(BaseMiddleware):
    """Counts updates in flight and remembers which were handled: graceful shutdown waits for the in-flight ones."""

    def __init__(self, remember: int = 10_000):
        self.in_flight = 0
        self.handled: OrderedDict[int, None] = OrderedDict()
        self._remember = remember
        self._changed = asyncio.Condition()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self.in_flight += 1
        try:
            return await handler(event, data)
        finally:
            self.in_flight -= 1
            if isinstance(event, Update):
                self.handled[event.update_id] = None
                while len(self.handled) > self._remember:
                    self.handled.popitem(last=False)
            async with self._changed:
                self._changed.notify_all()

    async def wait_handled(self, update_id: int) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: update_id in self.handled)

    async def wait_idle(self) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self.in_flight == 0)


def _where(update: Update) -> tuple[int | None, int | None, str]:
    event = update.event
    user = getattr(event, "from_user", None)
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    return (chat.id if chat else None), (user.id if user else None), update.event_type


class RetryLater(Exception):
    """The update could not be handled because a store is unreachable: it must not be confirmed, so that it is
    delivered again (and handled) once the store is back."""


UNREACHABLE = (ConnectionError, TimeoutError, OSError, RedisError)


class ErrorApology(BaseMiddleware):
    """Any failure while handling an update — in a handler or in aiogram's FSM storage around it: logged with its
    context, and the user gets a short apology — never silence. When a store is unreachable (Redis down) the
    update is also left unconfirmed (RetryLater) and handled when it comes again; the apology is said once."""

    def __init__(self, remember: int = 10_000):
        self._apologised: OrderedDict[int, None] = OrderedDict()
        self._remember = remember

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Exception as exc:
            if not isinstance(event, Update):
                raise
            chat_id, user_id, kind = _where(event)
            state = data.get("raw_state")
            text = getattr(event.event, "text", None) or getattr(event.event, "data", None)
            log.exception("update %s failed: %s from user %s in chat %s, state %s, input %r",
                          event.update_id, kind, user_id, chat_id, state, (text or "")[:200])
            if event.update_id not in self._apologised:
                self._apologised[event.update_id] = None
                while len(self._apologised) > self._remember:
                    self._apologised.popitem(last=False)
                await self._apologise(event, data, chat_id)
            if isinstance(exc, UNREACHABLE):
                raise RetryLater(str(exc)) from exc
            return None

    @staticmethod
    async def _apologise(update: Update, data: dict[str, Any], chat_id: int | None) -> None:
        bot: Bot | None = data.get("bot")
        services: Services | None = data.get("services")
        if bot is None or services is None or chat_id is None:
            return
        try:
            text = services.texts.label("tg_apology")
            if isinstance(update.event, CallbackQuery):
                await bot.answer_callback_query(update.event.id)
            await bot.send_message(chat_id=chat_id, text=text)
        except Exception:
            log.exception("could not apologise in chat %s", chat_id)


class ReplayGuard(BaseMiddleware):
    """The user's conversation state before a handler sees it: put back from the records when the state store lost
    it (a Redis restarted without persistence), so it goes on where it was and is never left behind active; and an
    update handled before (a restart delivers again the updates that were not confirmed) changes nothing twice —
    the replies of its turn that were not sent go out, nothing else happens (see talk.Conversation)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if not isinstance(event, Update) or state is None:
            return await handler(event, data)
        stored = await state.get_data()
        _, user_id, _ = _where(event)
        if not stored and user_id is not None:
            services: Services = data["services"]
            recorded = await services.recorded_conversation(user_id)
            if recorded is not None:
                log.warning("the state store lost the conversation of user %s: taken up from the records", user_id)
                await restore(state, *recorded)
                stored = await state.get_data()
        handled = stored.get("handled")
        if handled is not None and event.update_id <= handled:
            chat_id, _, _ = _where(event)
            if stored.get("outbox") and chat_id is not None:
                await deliver(data["bot"], chat_id, state)
            log.info("update %s was handled before: not taken again", event.update_id)
            return None
        data["update_id"] = event.update_id
        return await handler(event, data)


class Throttling(BaseMiddleware):
    """At most ``rate`` events per ``period`` seconds per user; the first one over gets a polite note, the rest are
    dropped on purpose until the window frees up."""

    def __init__(self, rate: int, period: float, clock: Callable[[], float] = time.monotonic,
                 max_users: int = 100_000):
        self.rate = rate
        self.period = period
        self.clock = clock
        self.max_users = max_users
        self._seen: OrderedDict[int, deque[float]] = OrderedDict()
        self._warned: set[int] = set()

    def _allow(self, user_id: int) -> bool:
        now = self.clock()
        window = self._seen.pop(user_id, None) or deque()
        while window and now - window[0] >= self.period:
            window.popleft()
        self._seen[user_id] = window  # most recent last: the oldest idle users are forgotten first
        while len(self._seen) > self.max_users:
            forgotten, _ = self._seen.popitem(last=False)
            self._warned.discard(forgotten)
        if len(window) < self.rate:
            window.append(now)
            self._warned.discard(user_id)
            return True
        return False

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = getattr(event, "from_user", None)
        if user is None or self._allow(user.id):
            return await handler(event, data)
        if user.id in self._warned:
            return None
        self._warned.add(user.id)
        services: Services = data["services"]
        text = services.texts.label("tg_throttled")
        if isinstance(event, CallbackQuery):
            await event.answer(text)
        elif isinstance(event, Message):
            await event.answer(text)
        return None
