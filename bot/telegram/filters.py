"""Filters shared by routers."""
from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from .services import Services


class IsTrainer(Filter):
    """The user is a trainer: his Telegram id is in ADMIN_IDS."""

    async def __call__(self, event: TelegramObject, services: Services) -> bool:
        user = getattr(event, "from_user", None)
        return services.is_trainer(user.id if user else None)
