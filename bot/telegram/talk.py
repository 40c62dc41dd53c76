"""The transport of one conversation: snapshot in FSM storage, a turn off the loop with «typing…», replies out."""
from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.enums import ChatAction
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from engine.conversation import Event, Mode, Reply, Snapshot, TurnResult

from . import keyboards
from .services import Services

log = logging.getLogger("sobesednik.telegram")
MESSAGE_LIMIT = 4000  # Telegram's hard limit is 4096 characters
PHONE_SCREEN = 1200  # consecutive replies are joined into messages of about a phone screen
TYPING_REPEAT = 4.5  # Telegram shows «typing…» for about five seconds
T = TypeVar("T")
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class Talk(StatesGroup):
    trainee = State()
    customer = State()


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a text for a phone screen: at paragraphs, then lines, then words, never mid-word if avoidable."""
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind(sep, 0, limit) for sep in ("\n\n", "\n", " "))
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


async def thinking(bot: Bot, chat_id: int, work: Awaitable[T]) -> T:
    """Show «typing…» while the engine thinks: once at once, then again every few seconds until done."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            await bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            done, _ = await asyncio.wait({task}, timeout=TYPING_REPEAT)
            if done:
                return task.result()
    finally:
        if not task.done():
            task.cancel()


async def load(state: FSMContext) -> Snapshot | None:
    raw = (await state.get_data()).get("snapshot")
    return Snapshot.model_validate(raw) if raw else None


async def save(state: FSMContext, snapshot: Snapshot, **extra: Any) -> None:
    if snapshot.finished:
        await state.clear()
        return
    await state.set_state(Talk.trainee if snapshot.mode == "trainee" else Talk.customer)
    await state.update_data(snapshot=snapshot.model_dump(mode="json"), **extra)


def _html(text: str, kind: str = "speech") -> str:
    text = html.escape(text, quote=False)
    return f"<i>{text}</i>" if kind == "note" else text


async def send_text(bot: Bot, chat_id: int, text: str, markup: Markup | None = None, *, kind: str = "speech") -> None:
    """One text, cut for a phone screen; the keyboard goes with the last piece."""
    pieces = chunks(text)
    for index, piece in enumerate(pieces):
        await bot.send_message(chat_id=chat_id, text=_html(piece, kind),
                               reply_markup=markup if index == len(pieces) - 1 else None)


def joined(replies: list[Reply]) -> list[Reply]:
    """Consecutive replies of one kind become one message (paragraphs) up to a phone screen; a reply with
    buttons closes its message, so the buttons stay under the text they belong to."""
    out: list[Reply] = []
    for reply in replies:
        last = out[-1] if out else None
        if (last is not None and not last.buttons and last.kind == reply.kind
                and len(last.text) + len(reply.text) + 2 <= PHONE_SCREEN):
            out[-1] = Reply(f"{last.text}\n\n{reply.text}", reply.kind, reply.buttons)
        else:
            out.append(reply)
    return out


class Conversation:
    """One user's conversation, for one update: the handlers call begin/turn and nothing else."""

    def __init__(self, services: Services, bot: Bot, state: FSMContext, chat_id: int, user_id: int):
        self.services = services
        self.bot = bot
        self.state = state
        self.chat_id = chat_id
        self.user_id = user_id

    async def snapshot(self) -> Snapshot | None:
        return await load(self.state)

    async def begin(self, mode: Mode, **options: Any) -> Snapshot:
        """A new conversation (any previous one is hung up first)."""
        try:
            previous = await load(self.state)
            if previous is not None:
                # the old conversation ends as a hang-up, recorded, before the new one starts
                await self.services.turn(previous, Event(hang_up=True))
        except Exception:
            # a damaged or orphaned conversation must not stand in the way of a new one
            log.exception("could not close the previous conversation of user %s", self.user_id)
        await self.state.clear()
        result = await thinking(self.bot, self.chat_id, self.services.start(mode, self.user_id, **options))
        await self._after(None, result)
        return result.snapshot

    async def turn(self, snapshot: Snapshot, event: Event) -> TurnResult:
        result = await thinking(self.bot, self.chat_id, self.services.turn(snapshot, event))
        await self._after(snapshot, result)
        return result

    async def _after(self, before: Snapshot | None, result: TurnResult) -> None:
        snapshot = result.snapshot
        contact_shown = bool((await self.state.get_data()).get("contact_keyboard"))
        await save(self.state, snapshot)
        texts = self.services.texts
        replies = joined(list(result.replies))
        if snapshot.finished:
            replies.append(Reply(texts.label("tg_session_over"), kind="note"))
        # a reply keyboard (share my contact / remove it) rides on the last message without inline buttons
        plain: Markup | None = None
        if snapshot.mode == "customer" and not snapshot.identified and not snapshot.finished:
            plain = keyboards.share_contact(texts.content)
        elif contact_shown:
            plain = ReplyKeyboardRemove()
        plain_at = next((i for i in range(len(replies) - 1, -1, -1) if not replies[i].buttons), None)
        if plain is not None and plain_at is not None and not snapshot.finished:
            await self.state.update_data(contact_keyboard=isinstance(plain, ReplyKeyboardMarkup))
        for index, reply in enumerate(replies):
            markup: Markup | None = None
            if reply.buttons:
                markup = keyboards.reply_buttons(snapshot.session_id, reply.buttons)
            elif index == plain_at:
                markup = plain
            await send_text(self.bot, self.chat_id, reply.text, markup, kind=reply.kind)
