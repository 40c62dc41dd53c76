"""The catch-all, last: whatever the conversation cannot take gets a polite answer or is ignored on purpose."""
from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from ..filters import OnLoop
from ..services import Services


def make_router() -> Router:
    router = Router(name="fallback")

    @router.edited_message(OnLoop(F.chat.type == "private"))
    async def edited(message: Message, services: Services) -> None:
        await message.reply(services.texts.label("tg_edited_ignored"))

    @router.message(OnLoop(F.chat.type == "private"), OnLoop(F.text.startswith("/")))
    async def unknown_command(message: Message, services: Services) -> None:
        await message.answer(services.texts.label("tg_unknown_command"))

    @router.message(OnLoop(F.chat.type == "private"),
                    OnLoop(F.sticker | F.photo | F.voice | F.video | F.video_note | F.audio | F.document | F.animation
                           | F.location | F.venue | F.poll | F.dice))
    async def media(message: Message, services: Services) -> None:
        await message.answer(services.texts.label("tg_media_unsupported"))

    @router.message()
    async def anything_else(message: Message) -> None:
        """Service messages, groups and channels: nothing to say there, on purpose."""

    @router.callback_query()
    async def stale(query: CallbackQuery, services: Services) -> None:
        await query.answer(services.texts.label("tg_stale_button"))

    return router
