"""Filters shared by routers."""
from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter

from .services import Services


class IsTrainer(Filter):
    """The user is a trainer: his Telegram id is in ADMIN_IDS."""

    async def __call__(self, event: TelegramObject, services: Services) -> bool:
        user = getattr(event, "from_user", None)
        return services.is_trainer(user.id if user else None)


class OnLoop(Filter):
    """A magic filter (``F…``) checked on the event loop: aiogram runs a bare one in a thread (asyncio.to_thread),
    which cost a dozen thread hops an update in these routers (issue 13)."""

    def __init__(self, magic: MagicFilter):
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)
