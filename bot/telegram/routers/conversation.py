"""The conversation itself: typed text, pressed buttons, a shared contact. Text with no conversation going
starts customer mode: everyone who is not training is a customer."""
from __future__ import annotations

import html
import re

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from engine.conversation import Event

from ..filters import OnLoop
from ..keyboards import parse_turn_data
from ..services import Services
from ..talk import Conversation

DIGITS = re.compile(r"\d")


def make_router() -> Router:
    router = Router(name="conversation")
    router.message.filter(OnLoop(F.chat.type == "private"))
    router.callback_query.filter(OnLoop(F.message.chat.type == "private"))

    @router.callback_query(OnLoop(F.data.startswith("t:")))
    async def pressed(query: CallbackQuery, bot: Bot, state: FSMContext, services: Services, update_id: int) -> None:
        texts = services.texts
        talk = Conversation(services, bot, state, query.message.chat.id, query.from_user.id, update_id)
        snapshot = await talk.snapshot()
        parsed = parse_turn_data(query.data or "")
        # only the buttons of the latest message count: a second press of the same button (or of older ones) is stale
        current = (await state.get_data()).get("buttons_message") == query.message.message_id
        if snapshot is None or parsed is None or not current or not snapshot.session_id.startswith(parsed[0]):
            await query.answer(texts.label("tg_stale_button"))
            return
        _, data = parsed
        label = _pressed_label(query, data)
        await query.answer()
        message = query.message
        if label is not None and not isinstance(message, InaccessibleMessage) and message.text:
            # the choice stays in the chat, and the buttons go away so they cannot be pressed twice
            await bot.edit_message_text(chat_id=message.chat.id, message_id=message.message_id,
                                        text=f"{html.escape(message.text, quote=False)}\n\n» "
                                             f"{html.escape(label, quote=False)}",
                                        reply_markup=None)
        await talk.turn(snapshot, Event(button=data))

    @router.message(OnLoop(F.contact))
    async def contact(message: Message, state: FSMContext, services: Services, update_id: int) -> None:
        texts = services.texts
        talk = Conversation(services, message.bot, state, message.chat.id, message.from_user.id, update_id)
        snapshot = await talk.snapshot()
        if message.contact.user_id != message.from_user.id:
            await message.answer(texts.label("tg_contact_not_own"))
            return
        phone = "".join(DIGITS.findall(message.contact.phone_number))
        if snapshot is not None and snapshot.mode == "trainee":
            await message.answer(texts.label("tg_media_unsupported"))
            return
        if snapshot is None:
            snapshot = await talk.begin("customer")
        # the phone is verified: the contact is the sender's own (text too, for engines reading only the text)
        await talk.turn(snapshot, Event(text=phone, verified_phone=phone))

    @router.message(OnLoop(F.text & ~F.text.startswith("/")))
    async def text(message: Message, state: FSMContext, services: Services, max_text_length: int,
                   update_id: int) -> None:
        texts = services.texts
        if len(message.text) > max_text_length:
            await message.answer(texts.render("too_long", limit=max_text_length, length=len(message.text)))
            return
        talk = Conversation(services, message.bot, state, message.chat.id, message.from_user.id, update_id)
        snapshot = await talk.snapshot()
        if snapshot is None:
            snapshot = await talk.begin("customer")
            if not DIGITS.search(message.text):
                return  # a «hello» opens the conversation; a message with a contract number also counts as a turn
        await talk.turn(snapshot, Event(text=message.text))

    return router


def _pressed_label(query: CallbackQuery, data: str) -> str | None:
    markup = getattr(query.message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", None) or []:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None
